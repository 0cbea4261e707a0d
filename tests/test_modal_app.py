"The Modal app imports without network, lists its functions, and its bodies run locally against seizure_nb."
import importlib.util, json, os, sys
from pathlib import Path
import pytest

modal = pytest.importorskip("modal")
REPO = Path(__file__).resolve().parents[1]

def load_app(tmp_path):
    os.environ["SEIZURE_NB_DATA"] = str(tmp_path / "data"); os.environ["SEIZURE_NB_RESULTS"] = str(tmp_path / "results")
    spec = importlib.util.spec_from_file_location("seizure_nb_modal_app", REPO / "deploy/modal/app.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_app_lists_its_functions(tmp_path):
    app = load_app(tmp_path)  # (App.registered_functions is deprecated and goes in modal 1.7)
    for name in ("cache_one", "build_cache", "scan_cache", "train", "evaluate", "test_mamba"):
        assert isinstance(getattr(app, name), modal.Function), name
    assert isinstance(app.main, modal.app.LocalEntrypoint)

def test_function_bodies_run_locally(tmp_path):
    app = load_app(tmp_path)
    from seizure_nb.synthetic import make_synthetic_corpus
    make_synthetic_corpus(tmp_path / "data", n_patients=(2, 1, 1), duration=(150, 200), seed=3)
    summary = app.build_cache.local()
    assert summary["failed"] == 0 and summary["total"]["files"] == 8
    assert "train" in app.scan_cache.local()
    cfg = (REPO / "configs/local/smoke.yaml").read_text().replace("demo/cache", str(tmp_path / "results/cache")).replace("runs/smoke", str(tmp_path / "results/runs/smoke"))
    s = app.train.local(cfg)
    assert s["global_step"] == 4 and (tmp_path / "results/runs/smoke/last.pt").exists()
