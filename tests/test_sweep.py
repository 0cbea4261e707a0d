"A local sweep of 2 configs x 2 seeds on the synthetic corpus: run, interrupted, relaunched without redoing finished runs."
import contextlib, io, json
from pathlib import Path
import pytest
import seizure_nb.eval
from seizure_nb.cli import main
from seizure_nb.sweep import RESULT_FILE, FAILED_FILE, METRICS

REPO = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["make-synthetic", str(tmp / "tusz"), "--patients", "2,1,1"]) == 0
        assert main(["build-cache", "--data-dir", str(tmp / "tusz"), "--cache-dir", str(tmp / "cache"), "--workers", "1"]) == 0
    return tmp

def test_sweep_interrupted_and_relaunched(corpus, monkeypatch, capsys):
    args = ["sweep", "--config", str(REPO / "configs/local/smoke.yaml"), "--sweep", str(REPO / "configs/sweeps/local_tiny.yaml"),
            "--set", f"data.cache_dir={corpus / 'cache'}", f"log.out_dir={corpus / 'runs'}"]
    root = corpus / "runs" / "local_tiny"
    # without --yes the cost is shown (seconds per epoch from the one-step probe) and nothing runs unless confirmed
    monkeypatch.setattr("builtins.input", lambda _: "n")
    assert main(args) == 3
    out = capsys.readouterr().out
    assert "4 runs, 4 epochs in all" in out and "measured by a one-step probe" in out and "not launched" in out
    assert not list(root.glob("*/last.pt"))
    # first launch: the 2nd run's evaluation fails (recorded, the sweep goes on), the 3rd is stopped by Ctrl-C
    evaluate, trained = seizure_nb.eval.evaluate_checkpoint, []
    def flaky(ck, *a, **k):
        trained.append(Path(ck).parent.name)
        if len(trained) == 2: raise RuntimeError("disk full")
        if len(trained) == 3: raise KeyboardInterrupt
        return evaluate(ck, *a, **k)
    monkeypatch.setattr(seizure_nb.eval, "evaluate_checkpoint", flaky)
    with pytest.raises(KeyboardInterrupt): main([*args, "--yes", "--seconds-per-epoch", "1"])
    first, failed, stopped = trained
    assert (root / first / RESULT_FILE).exists()
    assert json.loads((root / failed / FAILED_FILE).read_text())["error"] == "RuntimeError: disk full"
    assert (root / stopped / "last.pt").exists() and not (root / stopped / RESULT_FILE).exists()
    assert len(list(root.iterdir())) == 3, "the 4th run never started"
    done = (root / first / RESULT_FILE).stat().st_mtime_ns
    # relaunch: the finished run is skipped, the failed and the interrupted ones resume from last.pt, the 4th runs
    monkeypatch.setattr(seizure_nb.eval, "evaluate_checkpoint", evaluate)
    capsys.readouterr()
    assert main([*args, "--yes", "--seconds-per-epoch", "1"]) == 0
    out = capsys.readouterr().out
    assert f"finished     {first}" in out and f"failed       {failed}" in out and f"interrupted  {stopped}" in out
    assert (root / first / RESULT_FILE).stat().st_mtime_ns == done, "a finished run was redone"
    assert not (root / failed / FAILED_FILE).exists()
    results = [json.loads(p.read_text()) for p in root.glob(f"*/{RESULT_FILE}")]
    assert len(results) == 4 and {(r["label"], r["seed"]) for r in results} == {(l, s) for l in ("narrow", "wide") for s in (0, 1)}
    for r in results:
        assert r["split"] == "eval" and set(r["model"]) == set(METRICS) == set(r["baseline"])
        cfg = (root / r["name"] / "config.yaml").read_text()
        assert "wandb_group: local_tiny" in cfg and f"seed: {r['seed']}" in cfg
    resumed = [l for l in (root / stopped / "metrics.jsonl").read_text().splitlines()]
    assert resumed and (root / stopped / "eval" / "metrics.json").exists()
    text = (root / "sweep.md").read_text()
    assert "| narrow | 2 | OVERLAP sensitivity at 10 FA/24h |" in text and "| wide | 2 | AUROC (1 s) |" in text
    assert "With 2 seeds (narrow, wide)" in text and (root / "sweep.png").exists()
    c = json.loads((root / "sweep.json").read_text())
    assert c["configs"]["wide"]["model"]["auroc"]["n"] == 2 and not c["failed"]
