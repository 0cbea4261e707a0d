"The plan's Modal command lines, parsed by modal's own CLI (`modal run ...`) with the cloud calls swapped for a recorder."
import contextlib
import pytest

modal = pytest.importorskip("modal")
from click.testing import CliRunner
from modal.cli.entry_point import entrypoint_cli
import modal.cli.run
from pathlib import Path
import seizure_nb.modal_app as ma

REPO = Path(__file__).resolve().parents[1]

@pytest.fixture
def modal_run(monkeypatch):
    "`modal run ARGS...` offline: no app is started, and each Modal function call is recorded instead of sent."
    calls = []
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(modal.cli.run, "run_app", lambda *a, **k: contextlib.nullcontext())
    monkeypatch.setattr(ma, "_remote", lambda fn, *a, **k: calls.append((fn, a, k)) or "ok")
    monkeypatch.setattr(type(ma.evaluate), "remote", lambda self, *a, **k: calls.append((self, a, k)) or "ok")
    def run(*args):
        calls.clear()
        r = CliRunner().invoke(entrypoint_cli, ["run", *args])
        return r, list(calls)
    return run

def test_app_lists_its_functions():
    for name in ("cache_one", "build_cache", "scan_cache", "synthetic", "train", "evaluate", "test_mamba"):
        assert isinstance(getattr(ma, name), modal.Function), name
    assert isinstance(ma.main, modal.app.LocalEntrypoint)
    spec = ma.train._spec_  # what Modal will reserve and mount (no public accessor in modal 1.6)
    assert spec.cpu == 24 and spec.memory == 96 * 1024 and spec.gpus == ma.GPU, "train reserves the plan's 24 CPUs and 96 GB"
    assert spec.volumes[str(ma.DATA)]._read_only and not spec.volumes[str(ma.RESULTS)]._read_only, "EDF source read-only"
    assert spec.secrets, "PYTHONUNBUFFERED and the passed-through variables reach the container"

@pytest.mark.parametrize("flag,resume", [(["--resume", "true"], True), (["--resume"], True), (["--resume", "false"], False), ([], False)])
def test_train_resume_spellings(modal_run, flag, resume):
    r, calls = modal_run("--detach", "deploy/modal/app.py", "--action", "train", "--config", "configs/modal/train_a100.yaml", *flag)
    assert r.exit_code == 0, r.output
    (fn, args, _), = calls
    assert fn is ma.train and args == ((REPO / "configs/modal/train_a100.yaml").read_text(), resume)

def test_evaluate_both_ways(modal_run):
    r, calls = modal_run("deploy/modal/app.py", "--action", "evaluate", "--checkpoint-path", "/results/runs/x/best.pt")
    assert r.exit_code == 0 and calls == [(ma.evaluate, ("/results/runs/x/best.pt", "eval"), {})], r.output
    r, calls = modal_run("deploy/modal/app.py::evaluate", "--checkpoint-path", "/results/runs/x/best.pt")
    assert r.exit_code == 0 and calls == [(ma.evaluate, (), {"checkpoint_path": "/results/runs/x/best.pt", "split": "eval"})], r.output

@pytest.mark.parametrize("action,fn", [("build-cache", "build_cache"), ("scan-cache", "scan_cache"), ("synthetic", "synthetic"), ("test-mamba", "test_mamba")])
def test_actions_from_file_and_module(modal_run, action, fn):
    for target in (["deploy/modal/app.py"], ["-m", "seizure_nb.modal_app"]):
        r, calls = modal_run(*target, "--action", action)
        assert r.exit_code == 0 and calls[0][0] is getattr(ma, fn), (target, r.output)

def test_bad_command_lines_fail_before_anything_runs(modal_run):
    for args, msg in ((["--action", "fly"], "invalid choice"), (["--action", "train", "--config", "missing.yaml"], "no such file"),
                      (["--action", "train", "--resume", "maybe"], "expected true or false"), (["--action", "evaluate"], "needs --checkpoint-path")):
        r, calls = modal_run("deploy/modal/app.py", *args)
        assert r.exit_code == 2 and msg in r.output and not calls, (args, r.output)
    r, calls = modal_run("deploy/modal/app.py::evaluate", "--checkpoint", "x.pt")
    assert r.exit_code == 2 and "--checkpoint-path" in r.output and not calls

def _sweep_call(calls):
    (fn, (name, root, runs), kw), = calls
    assert fn is ma.sweep and not kw
    return name, root, runs

def test_sweep_fans_out_every_run_with_its_config(modal_run):
    import yaml
    r, calls = modal_run("--detach", "deploy/modal/app.py", "--action", "sweep", "--config", "configs/modal/train.yaml",
                         "--sweep", "configs/sweeps/ablation.yaml", "--yes")
    assert r.exit_code == 0, r.output
    assert "9 runs, 270 epochs in all" in r.output and "A100-80GB, Modal list price of 2026-05-07" in r.output, r.output
    name, root, runs = _sweep_call(calls)
    assert (name, root) == ("ablation", "/results/runs/train/ablation")
    cfgs = [yaml.safe_load(text) for _, text, _, _ in runs]
    assert len({n for n, *_ in runs}) == 9 and {(lab, seed) for _, _, lab, seed in runs} == {
        (lab, s) for lab in ("small", "v3", "v3_no_graph") for s in (0, 1, 2)}
    for (run, _, label, seed), cfg in zip(runs, cfgs):
        assert cfg["log"]["out_dir"] == f"{root}/{run}" and cfg["log"]["wandb_group"] == "ablation", cfg["log"]
        assert cfg["train"]["seed"] == seed and cfg["data"]["cache_dir"] == "/results/cache/tusz", "the shared cache"
        assert cfg["model"]["preset"] == ("small" if label == "small" else "v3")
        assert cfg["model"]["n_graph_layers"] == (0 if label == "v3_no_graph" else 2)

def test_sweep_asks_before_launching(modal_run, monkeypatch):
    args = ("deploy/modal/app.py", "--action", "sweep", "--config", "configs/modal/train.yaml", "--sweep", "configs/sweeps/ablation.yaml")
    monkeypatch.setattr("builtins.input", lambda _: "n")
    r, calls = modal_run(*args)
    assert r.exit_code == 0 and "not launched" in r.output and "$" in r.output and not calls, r.output
    monkeypatch.setattr("builtins.input", lambda _: "y")
    r, calls = modal_run(*args, "--price-per-hour", "1.5", "--seconds-per-epoch", "120")
    assert r.exit_code == 0 and "= 9.00 h x $1.5000/h" in r.output and "$13.50" in r.output, r.output
    _sweep_call(calls)

def test_bad_sweep_command_lines(modal_run, tmp_path):
    bad = tmp_path / "bad.yaml"; bad.write_text("seeds: [0]\nconfigs: {x: {model.d_modl: 3}}\n")
    for args, msg in ((["--action", "sweep", "--config", "configs/modal/train.yaml"], "needs --sweep FILE"),
                      (["--action", "sweep", "--config", "configs/modal/train.yaml", "--sweep", str(bad), "--yes"],
                       "config 'x': unknown config key 'model.d_modl'")):
        r, calls = modal_run("deploy/modal/app.py", *args)
        assert r.exit_code != 0 and msg in (r.output + str(r.exception)) and not calls, (args, r.output)

def test_sweep_orchestrator_records_lost_containers(tmp_path, monkeypatch):
    "A container that dies comes back from starmap as an exception: recorded as that run's failure, the others collected."
    import json
    from seizure_nb.sweep import RESULT_FILE, FAILED_FILE
    from seizure_nb.edf_cache import write_json
    h = {k: 0.5 for k in ("sens_at_10fa", "sens_at_5fa", "sens_at_2.5fa", "sens_at_1fa", "taes_sensitivity", "szcore_f1", "auroc")}
    done = {"name": "a-0", "label": "a", "seed": 0, "status": "finished", "split": "eval", "model": h, "baseline": h}
    write_json(tmp_path / "a-0" / RESULT_FILE, done)
    seen = []
    def fan_out(fn, args):
        seen.extend(args)
        return [done | {"name": "a-1", "seed": 1}, TimeoutError("container lost")]
    monkeypatch.setattr(ma, "_fan_out", fan_out)
    runs = [("a-0", "cfg0", "a", 0), ("a-1", "cfg1", "a", 1), ("b-0", "cfg2", "b", 0)]
    text = ma.sweep.local("s", str(tmp_path), runs)
    assert seen == [("cfg1", "a", 1), ("cfg2", "b", 0)], "the finished run is skipped"
    assert json.loads((tmp_path / "b-0" / FAILED_FILE).read_text())["error"] == "TimeoutError: container lost"
    assert "`b-0`: TimeoutError: container lost" in text and (tmp_path / "sweep.json").exists()

def test_sweep_functions_reserve_like_train():
    run, orchestrator = ma.sweep_run._spec_, ma.sweep._spec_
    assert run.gpus == ma.GPU and run.cpu == ma.TRAIN_CPUS and run.memory == ma.TRAIN_MEMORY_GB * 1024, "one GPU container per run"
    assert not orchestrator.gpus, "the orchestrator waits on a CPU"
    for spec in (run, orchestrator):
        assert spec.volumes[str(ma.DATA)]._read_only and not spec.volumes[str(ma.RESULTS)]._read_only
