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
