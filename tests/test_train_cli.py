"The whole job from the command line on the synthetic corpus: demo (short), resume, evaluate, predict."
import json, subprocess, sys
from pathlib import Path
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

def run(*args):
    return subprocess.run([sys.executable, "-m", "seizure_nb", *map(str, args)], capture_output=True, text=True, cwd=REPO)

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    "A shorter `make demo`: the smoke model, two epochs."
    out = tmp_path_factory.mktemp("demo")
    r = run("demo", "--out", out, "--kind", "demo", "--config", "configs/local/smoke.yaml", "--set", "train.max_steps=null", "train.epochs=2")
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r

def test_demo_trains_a_model_that_beats_chance(demo):
    out, r = demo
    assert "report:" in r.stdout
    rows = [json.loads(l) for l in (out / "run/metrics.jsonl").read_text().splitlines()]
    best = max(x["dev/auroc"] for x in rows if "dev/auroc" in x)
    assert best >= 0.9, f"dev AUROC {best}"
    m = json.loads((out / "run/eval/metrics.json").read_text())
    assert m["split"] == "eval" and m["postprocessing"]["tuned_on"] == "dev" and m["auroc_1s"] > 0.8
    assert set(m["operating_points"]["points"]) == {"10", "5", "2.5", "1"} and "chosen on dev" in m["operating_points"]["how"]
    assert m["baseline"]["overlap"]["how"].startswith("NEDC v6.0.0 OVERLAP")
    report = (out / "run/report.md").read_text()
    assert "![events](eval/events.png)" in report and "baseline" in report and "mean over subjects" in report
    assert "szcore-evaluation" in report and "whole seconds" in m["szcore"]["pooled"]["how"]
    hyps = sorted((out / "run/eval/hyp").glob("*.csv_bi"))
    assert len(hyps) == m["recordings"] == 6
    for f in ("report.md", "curves.png", "window.png", "eval/events.png", "best.pt", "last.pt", "config.yaml"):
        assert (out / "run" / f).exists(), f

def test_hypothesis_files_parse_with_reference_duration(demo):
    out, _ = demo
    from seizure_nb.edf_cache import read_annotations
    for f in (out / "run/eval/hyp").glob("*.csv_bi"):
        ref = next((out / "tusz").rglob(f.name))
        hdr, ev, _ = read_annotations(f, float(read_annotations(ref)[0]["duration"].split()[0]))
        assert hdr["duration"] == read_annotations(ref)[0]["duration"] and ev

def test_train_resume_and_truncated_checkpoint(demo, tmp_path):
    out, _ = demo
    common = ["--config", "configs/local/smoke.yaml", "--set", f"data.cache_dir={out / 'cache'}", f"log.out_dir={tmp_path / 'run'}"]
    r = run("train", *common, "train.max_steps=3")
    assert r.returncode == 0 and json.loads(r.stdout)["global_step"] == 3, r.stderr[-2000:]
    r = run("train", *common, "train.max_steps=5", "--resume")
    assert r.returncode == 0 and json.loads(r.stdout)["global_step"] == 5 and "resumed" in r.stderr
    ck = tmp_path / "run/last.pt"; ck.write_bytes(ck.read_bytes()[:2000])
    r = run("train", *common, "train.max_steps=6", "--resume")
    assert r.returncode == 2 and "unreadable checkpoint" in r.stderr and "last.pt" in r.stderr

def test_unknown_config_key_is_named(tmp_path):
    cfg = tmp_path / "bad.yaml"; cfg.write_text("train:\n  epocs: 3\n")
    r = run("train", "--config", cfg)
    assert r.returncode == 2 and "unknown config key 'train.epocs'" in r.stderr

def test_predict_writes_csv_bi_for_unannotated_edf(demo, tmp_path):
    out, _ = demo
    edf = next((out / "tusz/edf/eval").rglob("*.edf"))
    lone = tmp_path / edf.name; lone.write_bytes(edf.read_bytes())  # no annotation beside it
    r = run("predict", "--checkpoint", out / "run/best.pt", lone, "--out", tmp_path / "pred")
    assert r.returncode == 0, r.stderr[-2000:]
    from seizure_nb.edf_cache import read_annotations
    hdr, ev, _ = read_annotations(tmp_path / "pred" / f"{edf.stem}.csv_bi")
    assert ev and ev[-1].stop == pytest.approx(float(hdr["duration"].split()[0]), abs=0.01)

def test_predict_pads_short_recordings_and_survives_a_bad_file(demo, tmp_path):
    "A recording shorter than a window is predicted; a corrupt EDF is named and does not stop the others."
    out, _ = demo
    from seizure_nb.edf_cache import read_annotations
    from seizure_nb.synthetic import write_edf
    import edfio
    edf = next((out / "tusz/edf/eval").rglob("*.edf"))
    src = edfio.read_edf(edf)
    short = tmp_path / "short_s001_t000.edf"
    write_edf(short, np.array([s.data[: int(s.sampling_frequency) * 40] for s in src.signals]), int(src.signals[0].sampling_frequency),
              [s.label for s in src.signals])
    bad = tmp_path / "bad_s001_t000.edf"; blob = edf.read_bytes(); bad.write_bytes(blob[:len(blob) - 5000])
    here = tmp_path / edf.name; here.write_bytes(edf.read_bytes())  # the inputs share one folder: flat output names
    r = run("predict", "--checkpoint", out / "run/best.pt", short, bad, here, "--out", tmp_path / "pred")
    assert r.returncode == 1 and f"{bad}" in r.stderr and "header declares" in r.stderr
    assert sorted(p.name for p in (tmp_path / "pred").iterdir()) == sorted([f"{edf.stem}.csv_bi", "short_s001_t000.csv_bi"])
    hdr, ev, _ = read_annotations(tmp_path / "pred/short_s001_t000.csv_bi")
    assert hdr["duration"] == "40.00 secs" and ev[-1].stop == pytest.approx(40.0)

def test_evaluate_from_another_directory(demo, tmp_path):
    "Checkpoints hold absolute paths: evaluating from elsewhere reads the right cache and writes no stray demo/ here."
    out, _ = demo
    r = subprocess.run([sys.executable, "-m", "seizure_nb", "evaluate", "--checkpoint", str(out / "run/best.pt"), "--split", "dev", "--out", "ev"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((tmp_path / "ev/metrics.json").read_text())["split"] == "dev" and not (tmp_path / "demo").exists()

def test_predict_writes_recording_time_of_an_edf_plus_d(demo, tmp_path):
    "An EDF+D with a 60 s gap: the hypothesis file spans the 180 s of recording time, not the 120 s of data."
    out, _ = demo
    import edfio
    from seizure_nb.edf_cache import check_edf_size, read_annotations
    edf = next((out / "tusz/edf/eval").rglob("*.edf"))
    src = edfio.read_edf(edf)
    fs = int(src.signals[0].sampling_frequency)
    sigs = [edfio.EdfSignal(s.data[: fs * 120], fs, label=s.label, physical_dimension="uV", physical_range=(-5000, 5000))
            for s in src.signals]
    gapped = tmp_path / "gapped_s001_t000.edf"
    edfio.Edf(sigs, data_record_duration=1.0, annotations=[edfio.EdfAnnotation(0, None, "x" * 20)]).write(gapped)
    lay, b = check_edf_size(gapped), bytearray(gapped.read_bytes())
    b[192:197] = b"EDF+D"
    lo, n = 2 * sum(lay.spr[:-1]), 2 * lay.spr[-1]  # edfio writes the annotation signal last
    for i, t in enumerate(list(range(60)) + list(range(120, 180))):
        at = lay.header_bytes + i * lay.record_bytes + lo
        b[at:at + n] = f"+{t}\x14\x14\x00".encode().ljust(n, b"\x00")
    gapped.write_bytes(bytes(b))
    r = run("predict", "--checkpoint", out / "run/best.pt", gapped, "--out", tmp_path / "pred")
    assert r.returncode == 0, r.stderr[-2000:]
    hdr, ev, _ = read_annotations(tmp_path / "pred/gapped_s001_t000.csv_bi")
    assert hdr["duration"] == "180.00 secs" and ev[-1].stop == pytest.approx(180.0)

def test_predict_stride_and_batch_size_options(demo, tmp_path):
    "`--stride` sets the windows' spacing (at most the window), `--batch-size` the windows per pass; the events cover the file."
    out, _ = demo
    edf = next((out / "tusz/edf/eval").rglob("*.edf"))
    r = run("predict", "--checkpoint", out / "run/best.pt", edf, "--out", tmp_path / "pred", "--stride", "60", "--batch-size", "3")
    assert r.returncode == 0, r.stderr[-2000:]
    from seizure_nb.edf_cache import read_annotations
    hdr, ev, _ = read_annotations(tmp_path / "pred" / f"{edf.stem}.csv_bi")
    assert ev and ev[-1].stop == pytest.approx(float(hdr["duration"].split()[0]), abs=0.01)
    r = run("predict", "--checkpoint", out / "run/best.pt", edf, "--out", tmp_path / "pred2", "--stride", "90")
    assert r.returncode == 2 and "at most the window" in r.stderr

def test_config_out_of_range_or_given_twice_is_named(demo, tmp_path):
    "A value out of range (in the file or a `--set`) and a key given twice are errors naming the key, before any data work."
    out, _ = demo
    common = ["--config", "configs/local/smoke.yaml", "--set", f"data.cache_dir={out / 'cache'}", f"log.out_dir={tmp_path / 'run'}"]
    r = run("train", *common, "train.batch_size=0")
    assert r.returncode == 2 and "config key 'train.batch_size': must be >= 1, got 0" in r.stderr and "--set" in r.stderr, r.stderr[-2000:]
    cfg = tmp_path / "bad.yaml"; cfg.write_text(f"data:\n  cache_dir: {tmp_path / 'none'}\ntrain:\n  lr: -0.1\n")
    r = run("train", "--config", cfg)
    assert r.returncode == 2 and f"{cfg}:4: config key 'train.lr': must be >= 0, got -0.1" in r.stderr, r.stderr[-2000:]
    cfg.write_text(f"data:\n  cache_dir: {tmp_path / 'none'}\ntrain:\n  epochs: 1\n  epochs: 2\n")
    r = run("train", "--config", cfg)
    assert r.returncode == 2 and f"{cfg}: duplicate key 'train.epochs' on line 5 (first on line 4)" in r.stderr, r.stderr[-2000:]

def test_predict_names_a_foreign_checkpoint_or_a_bad_postprocessing_file(demo, tmp_path):
    "A bare state_dict, or a postprocessing.json with bad JSON or an unknown key: one line naming the file, no traceback."
    out, _ = demo
    import torch
    edf = next((out / "tusz/edf/eval").rglob("*.edf"))
    bare = tmp_path / "weights.pt"
    torch.save(torch.load(out / "run/best.pt", weights_only=True)["model"], bare)
    r = run("predict", "--checkpoint", bare, edf, "--out", tmp_path / "p1")
    assert r.returncode == 2 and "weights.pt is not a seizure_nb checkpoint (no 'config'" in r.stderr, r.stderr[-2000:]
    ck = tmp_path / "run/best.pt"; ck.parent.mkdir(); ck.write_bytes((out / "run/best.pt").read_bytes())
    for text, msg in (('{"threshold": 0.5,', "postprocessing.json: not valid JSON"),
                      ('{"treshold": 0.5}', "postprocessing.json: unknown key 'treshold'")):
        (ck.parent / "postprocessing.json").write_text(text)
        r = run("predict", "--checkpoint", ck, edf, "--out", tmp_path / "p2")
        assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
