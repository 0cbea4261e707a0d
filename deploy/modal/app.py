"""seizure_nb on Modal: cache building fanned out over recordings, training on one GPU, evaluation.

    modal run deploy/modal/app.py --action build-cache                      # EDF volume -> cache on /results
    modal run deploy/modal/app.py --action scan-cache
    modal run deploy/modal/app.py --action train --config configs/modal/train_a100.yaml [--resume]
    modal run deploy/modal/app.py --action test-mamba                       # kernels vs our scan on the GPU
    modal run deploy/modal/app.py --action populate-cache --data-dir /local/tusz   # upload EDFs to the data volume

Every function body is a thin call into the `seizure_nb` package, which is tested locally; `tests/test_modal_app.py`
imports this module and runs the bodies in-process with local directories.
"""
import os
from dataclasses import asdict
from pathlib import Path
import modal

APP_NAME = "seizure-nb"
REPO = Path(__file__).resolve().parents[2]
# Where the volumes are mounted in the containers; the tests point these at local folders.
DATA = Path(os.environ.get("SEIZURE_NB_DATA", "/data"))          # TUSZ EDF + annotations, read-only
RESULTS = Path(os.environ.get("SEIZURE_NB_RESULTS", "/results"))  # cache, manifests, runs (persistent)
CONFIGS = Path(os.environ.get("SEIZURE_NB_CONFIGS", "/root/configs"))
GPU = os.environ.get("SEIZURE_NB_GPU", "A100-80GB")
TRAIN_HOURS = 23.5  # Modal stops a function at 24 h: checkpoint before, then continue in a fresh call

# The GPU stack pinned in DESIGN.md: torch 2.2.2 + cu121, mamba-ssm 2.2.2, causal-conv1d 1.4.0, numpy < 2,
# transformers < 5 (mamba-ssm 2.2.2 imports a name transformers 5 removed).
image = (
    modal.Image.from_registry("nvidia/cuda:12.1.1-devel-ubuntu22.04", add_python="3.11")
    .apt_install("git")
    .pip_install("torch==2.2.2", index_url="https://download.pytorch.org/whl/cu121")
    .pip_install("numpy<2", "scipy", "edfio", "tqdm", "matplotlib", "pyyaml", "fastcore>=1.12.3,<1.13", "timescoring",
                 "tensorboard", "wandb", "packaging", "ninja", "transformers<5")
    .pip_install("causal-conv1d==1.4.0", "mamba-ssm==2.2.2", extra_options="--no-build-isolation")
    .add_local_dir(REPO / "configs", str(CONFIGS))
    .add_local_python_source("seizure_nb")
)

app = modal.App(APP_NAME, image=image)
data_volume = modal.Volume.from_name("seizure-nb-tusz", create_if_missing=True)
results_volume = modal.Volume.from_name("seizure-nb-results", create_if_missing=True)
secrets = [modal.Secret.from_name(n) for n in os.environ.get("SEIZURE_NB_SECRETS", "").split(",") if n]  # e.g. "wandb,aws"
volumes = {str(RESULTS): results_volume, str(DATA): data_volume}


def _commit():
    "Persist writes to the results volume (a no-op when run locally)."
    if modal.is_local(): return
    results_volume.commit()


@app.function(volumes=volumes, cpu=2, memory=8192, timeout=3600)
def cache_one(edf: str, split: str, prep: dict) -> dict:
    "Cache one recording; return its metadata or its error (the ledger entry)."
    from seizure_nb.edf_cache import PrepParams, Recording, cache_recording
    rec = Recording(Path(edf), split)
    try: meta = cache_recording(rec, RESULTS / "cache", PrepParams(**prep), DATA); out = {"ok": True, "rec_id": meta["rec_id"]}
    except Exception as e: out = {"ok": False, "source": str(Path(edf).relative_to(DATA)), "split": split, "rec_id": rec.rec_id,
                                  "error": f"{type(e).__name__}: {e}"}
    _commit()
    return out


@app.function(volumes=volumes, timeout=24 * 3600)
def build_cache(prep: dict | None = None) -> dict:
    "Fan `cache_one` out over every recording not yet cached, then write the ledger and summary."
    from seizure_nb.edf_cache import PrepParams, find_recordings, finish_build, stale_entries
    p = PrepParams(**(prep or {}))
    recs = find_recordings(DATA)
    todo = stale_entries(recs, RESULTS / "cache", p)
    args = [(str(r.edf), r.split, asdict(p)) for r in todo]
    results = list(cache_one.map(*zip(*args))) if args and not modal.is_local() else [cache_one.local(*a) for a in args]
    if not modal.is_local(): results_volume.reload()
    failures = [{k: v for k, v in r.items() if k != "ok"} for r in results if not r["ok"]]
    summary = finish_build(RESULTS / "cache", p, recs, failures, attempted=len(todo))
    _commit()
    return summary


@app.function(volumes=volumes, timeout=3600)
def scan_cache() -> str:
    from seizure_nb.manifest import scan_cache as scan, format_counts
    out = format_counts(scan(RESULTS / "cache"))
    _commit()
    return out


@app.function(volumes=volumes, gpu=GPU, timeout=24 * 3600, secrets=secrets)
def train(config_yaml: str, resume: bool = False) -> dict:
    "Train from a config's text; before Modal's 24 h limit, checkpoint and continue in a new call (resume=True)."
    import time, yaml
    from seizure_nb.inference import from_dict, Config
    from seizure_nb.train import train as run
    cfg = from_dict(Config, yaml.safe_load(config_yaml))
    summary = run(cfg, resume=resume, deadline=time.time() + TRAIN_HOURS * 3600)
    _commit()
    if not summary["finished"] and cfg.train.max_steps is None and not modal.is_local():
        train.spawn(config_yaml, resume=True)  # the chain continues from last.pt
    return summary


@app.function(volumes=volumes, gpu=GPU, timeout=3600)
def evaluate(checkpoint: str, split: str = "eval") -> dict:
    from seizure_nb.eval import evaluate_checkpoint
    m = evaluate_checkpoint(checkpoint, split, device="cuda" if not modal.is_local() else "cpu")
    _commit()
    return {k: m[k] for k in ("split", "recordings", "hours", "seizures", "overlap", "taes", "szcore", "auroc_1s", "baseline")} \
        | {"operating_points": m["operating_points"]["points"]}


@app.function(gpu=GPU, timeout=1800)
def test_mamba() -> dict:
    "Backend report and kernel-vs-PyTorch-scan parity on this GPU."
    from seizure_nb.model import doctor, backend_parity
    return {"doctor": doctor(), "parity": backend_parity()}


@app.local_entrypoint()
def main(action: str = "train", config: str = "configs/modal/smoke.yaml", resume: bool = False, data_dir: str = ""):
    if action == "train": print(train.remote(Path(config).read_text(), resume))
    elif action == "build-cache": print(build_cache.remote())
    elif action == "scan-cache": print(scan_cache.remote())
    elif action == "test-mamba": print(test_mamba.remote())
    elif action == "populate-cache":
        if not data_dir: raise SystemExit("--data-dir: the local TUSZ root to upload into the data volume")
        with data_volume.batch_upload(force=True) as batch: batch.put_directory(data_dir, "/")
        print(f"uploaded {data_dir} to volume seizure-nb-tusz")
    else: raise SystemExit(f"unknown --action {action!r}: train, build-cache, scan-cache, test-mamba, populate-cache")
