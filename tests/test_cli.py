"End-to-end tests of `python -m seizure_nb` on real EDF + annotation files, in a subprocess as a user runs it."
import json, subprocess, sys
from pathlib import Path
import numpy as np
import pytest

def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "seizure_nb", *map(str, args)], capture_output=True, text=True, cwd=cwd)

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("tusz")
    r = run("make-synthetic", d, "--patients", "3,1,1", "--seed", "11")
    assert r.returncode == 0, r.stderr
    return d

def test_demo_runs_the_data_pipeline(tmp_path):
    r = run("demo", "--out", tmp_path / "demo", "--kind", "demo")
    assert r.returncode == 0, r.stderr
    assert "[CACHE]" in r.stderr and "[DATA]" in r.stderr
    summary = json.loads((tmp_path / "demo/cache/summary.json").read_text())
    assert summary["total"]["files"] == 28 and summary["total"]["seizures"] > 0 and summary["failed"] == 0
    counts = [l.split() for l in r.stdout.splitlines() if l.startswith("train ")][-1]
    assert int(counts[4]) > 0, "the training split has partial windows"

def test_build_cache_resumes_and_records_failures(corpus, tmp_path):
    bad = tmp_path / "bad"
    subprocess.run(["cp", "-r", str(corpus), str(bad)], check=True)
    edfs = sorted(bad.rglob("*.edf"))
    blob = edfs[0].read_bytes(); edfs[0].write_bytes(blob[: len(blob) - 4096])
    edfs[1].with_suffix(".csv_bi").unlink()
    r = run("build-cache", "--data-dir", bad, "--cache-dir", tmp_path / "cache", "--workers", "2")
    assert r.returncode == 1, "a failed file makes the build exit non-zero"
    ledger = {Path(f["source"]).name: f["error"] for f in json.loads((tmp_path / "cache/failures.json").read_text())}
    assert set(ledger) == {edfs[0].name, edfs[1].name}
    assert "header declares" in ledger[edfs[0].name] and "annotation file is missing" in ledger[edfs[1].name]
    assert len(list((tmp_path / "cache").rglob("*.labels.npy"))) == len(edfs) - 2, "the other files were cached"
    edfs[0].write_bytes(blob)  # repair the EDF only: the rerun retries the two failures and keeps the 8 entries
    r = run("build-cache", "--data-dir", bad, "--cache-dir", tmp_path / "cache")
    assert "8 current, 2 to build (2 new)" in r.stderr and r.returncode == 1
    assert [Path(f["source"]).name for f in json.loads((tmp_path / "cache/failures.json").read_text())] == [edfs[1].name]

def test_scan_cache_gate_fails_without_seizures(corpus, tmp_path):
    quiet = tmp_path / "quiet"
    subprocess.run(["cp", "-r", str(corpus), str(quiet)], check=True)
    for f in quiet.rglob("*.csv_bi"):
        f.write_text("\n".join(l.replace(",seiz,", ",bckg,") for l in f.read_text().splitlines()) + "\n")
    for f in quiet.rglob("*.csv"): f.unlink()
    r = run("build-cache", "--data-dir", quiet, "--cache-dir", tmp_path / "cache")
    assert r.returncode == 1 and "no seizure found" in r.stderr
    r = run("scan-cache", "--cache-dir", tmp_path / "cache")
    assert r.returncode == 1 and "no seizure windows" in r.stderr

def test_scan_cache_refuses_stale_cache(corpus, tmp_path):
    assert run("build-cache", "--data-dir", corpus, "--cache-dir", tmp_path / "cache", "--workers", "2").returncode == 0
    r = run("scan-cache", "--cache-dir", tmp_path / "cache", "--notch", "50")
    assert r.returncode == 2 and "rerun build-cache" in r.stderr

def test_cached_window_matches_source_edf(corpus, tmp_path):
    "A cached window is the preprocessed EDF: same seizure labels as the .csv_bi, 256 Hz, 19 channels."
    from seizure_nb.edf_cache import find_recordings, read_annotations, seizure_intervals, open_entry
    assert run("build-cache", "--data-dir", corpus, "--cache-dir", tmp_path / "cache").returncode == 0
    for rec in find_recordings(corpus):
        x, y, meta = open_entry(tmp_path / "cache", rec.split, rec.rec_id)
        _, ev, _ = read_annotations(rec.csv_bi)
        sz = seizure_intervals(ev)
        assert x.shape == (19, meta["n_samples"]) and meta["fs"] == 256
        assert abs(y.sum() / 256 - sum(e - s for s, e in sz)) < 2 / 256 * max(1, len(sz))
        assert np.isfinite(x).all()

def test_build_cache_names_an_unwritable_cache_dir(corpus, tmp_path):
    (tmp_path / "file").write_text("not a directory")
    r = run("build-cache", "--data-dir", corpus, "--cache-dir", tmp_path / "file")
    assert r.returncode == 2 and "file: cannot write the cache there" in r.stderr and "Traceback" not in r.stderr

def test_scan_cache_requires_a_dev_split(corpus, tmp_path):
    assert run("build-cache", "--data-dir", corpus, "--cache-dir", tmp_path / "cache").returncode == 0
    for f in (tmp_path / "cache/dev").iterdir(): f.unlink()
    r = run("scan-cache", "--cache-dir", tmp_path / "cache")
    assert r.returncode == 2 and "no cache entries for split(s) dev" in r.stderr

def test_demo_from_another_directory(tmp_path):
    "The default demo config is found from any directory; a relative --out is taken from where the command runs."
    r = subprocess.run([sys.executable, "-m", "seizure_nb", "demo", "--out", "here", "--data-only", "--kind", "demo"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((tmp_path / "here/cache/summary.json").read_text())["failed"] == 0

def test_progress_in_a_log_is_plain_lines(tmp_path):
    "Output to a file (not a terminal): progress is a few plain lines, never carriage-return updates."
    r = run("demo", "--out", tmp_path / "d", "--data-only", "--kind", "demo")
    assert r.returncode == 0 and "\r" not in r.stderr and "[CACHE] build: 28/28" in r.stderr, r.stderr[-2000:]

def test_build_cache_messages_name_what_failed(corpus, tmp_path):
    "EDF failures only: no hint at the annotation files; a clean build says 'failed 0' without pointing at a ledger."
    r = run("build-cache", "--data-dir", corpus, "--cache-dir", tmp_path / "ok")
    assert r.returncode == 0 and "failed 0," in r.stdout and "see failures.json" not in r.stdout
    summary = json.loads((tmp_path / "ok/summary.json").read_text())
    assert summary["corpus"]["release"] == "unknown" and len(summary["corpus"]["file_list_hash"]) == 16
    r = run("scan-cache", "--cache-dir", tmp_path / "ok", "--corpus", "tusz-v2.0.3")
    assert f"file list {summary['corpus']['file_list_hash']}" in r.stderr and "tusz-v2.0.3 has 4664" in r.stderr
    bad = tmp_path / "bad"
    subprocess.run(["cp", "-r", str(corpus), str(bad)], check=True)
    for f in bad.rglob("*.edf"): f.write_bytes(f.read_bytes()[:-4096])
    r = run("build-cache", "--data-dir", bad, "--cache-dir", tmp_path / "cache")
    assert r.returncode == 1 and "no recording could be cached" in r.stderr and "annotation" not in r.stderr
    assert "truncated: header declares" in r.stderr and "(see failures.json)" in r.stdout

def tiny_checkpoint(path):
    "The checkpoint of an untrained tiny model: `predict` runs in seconds."
    import torch
    from seizure_nb.inference import load_config, config_dict, save_checkpoint
    from seizure_nb.model import DualStreamMamba
    tiny = load_config(**{"model.d_model": 8, "model.d_edge": 4, "model.d_state": 4, "model.encoder_stride": 64,
                          "model.edge_pool": 4, "model.n_graph_layers": 1})
    torch.manual_seed(0)
    return save_checkpoint(path, {"model": DualStreamMamba(tiny.model).state_dict(), "config": config_dict(tiny)})

def test_predict_keeps_inputs_that_share_a_file_name(corpus, tmp_path):
    "`predict a/X.edf b/X.edf`: two outputs, at the inputs' paths relative to their common folder; a true clash is refused."
    from seizure_nb.edf_cache import read_annotations
    ck = tiny_checkpoint(tmp_path / "run/best.pt")
    duration = lambda f: read_annotations(f)[0]["duration"]
    edfs = sorted(corpus.rglob("*.edf"))
    e1 = edfs[0]; e2 = next(e for e in edfs if duration(e.with_suffix(".csv_bi")) != duration(e1.with_suffix(".csv_bi")))
    ins = [tmp_path / "in/a/X.edf", tmp_path / "in/b/X.edf"]
    for dst, src in zip(ins, (e1, e2)): dst.parent.mkdir(parents=True); dst.write_bytes(src.read_bytes())
    r = run("predict", "--checkpoint", ck, *ins, "--out", tmp_path / "pred")
    assert r.returncode == 0, r.stderr[-2000:]
    outs = [tmp_path / "pred/a/X.csv_bi", tmp_path / "pred/b/X.csv_bi"]
    assert r.stdout.split() == [str(p) for p in outs]
    assert sorted(p for p in (tmp_path / "pred").rglob("*") if p.is_file()) == outs
    assert [duration(p) for p in outs] == [duration(e.with_suffix(".csv_bi")) for e in (e1, e2)]  # each its own EDF's
    assert f"at its EDF's path relative to {tmp_path / 'in'}" in r.stderr
    (tmp_path / "in/a/X.EDF").write_bytes(e2.read_bytes())  # same folder, same stem: refused before any work
    r = run("predict", "--checkpoint", ck, ins[0], tmp_path / "in/a/X.EDF", "--out", tmp_path / "pred2")
    assert r.returncode == 2 and f"{ins[0]} and {tmp_path / 'in/a/X.EDF'} would both be written to" in r.stderr
    assert not (tmp_path / "pred2").exists()

def test_predict_refuses_to_overwrite_its_inputs_or_an_unwritable_out(corpus, tmp_path):
    "`predict D/X.edf --out D` would replace the reference D/X.csv_bi; an --out that cannot be written is named, no EDF blamed."
    ck, d = tiny_checkpoint(tmp_path / "run/best.pt"), tmp_path / "in"
    src = sorted(corpus.rglob("*.edf"))[0]
    d.mkdir(); (d / "X.edf").write_bytes(src.read_bytes()); (d / "X.csv_bi").write_bytes(src.with_suffix(".csv_bi").read_bytes())
    r = run("predict", "--checkpoint", ck, d / "X.edf", "--out", d)
    assert r.returncode == 2 and f"would overwrite {d / 'X.csv_bi'}" in r.stderr and "another output folder (--out)" in r.stderr, r.stderr[-2000:]
    assert (d / "X.csv_bi").read_bytes() == src.with_suffix(".csv_bi").read_bytes()
    (tmp_path / "file").write_text("not a folder")
    r = run("predict", "--checkpoint", ck, d / "X.edf", "--out", tmp_path / "file/out")
    assert r.returncode == 2 and f"{tmp_path / 'file/out'}: cannot write outputs there" in r.stderr and "X.edf" not in r.stderr, r.stderr[-2000:]
