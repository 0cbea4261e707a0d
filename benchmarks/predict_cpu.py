"""Prediction on CPU per hour of EEG: the `predict` path (EDF in, events out) for the `small` preset, the demo config's
model and v3 (random weights), each with its peak resident memory, beside SeizureTransformer's own inference on the
same recording when given a checkout of it (its code is imported from there, never copied here).

    python benchmarks/predict_cpu.py                                     # 1 thread, a 60-minute recording
    python benchmarks/predict_cpu.py --minutes 10 --models small,demo    # shorter; scaled to one hour by window count
    python benchmarks/predict_cpu.py --seizure-transformer PATH          # PATH: a SeizureTransformer checkout (wu_2025/src)
    python benchmarks/predict_cpu.py --quick                             # a smoke run (tests/test_benchmarks.py)

Each measurement runs in a fresh process (`--threads` torch threads): its wall time, scaled to one hour of EEG, and its
peak resident set (VmHWM, the interpreter and torch included). Ours run `predict_edfs` with its defaults (batch size
from `predict_batch_size`, the training stride of 10 s: 355 windows per hour) unless `--batch-size` or `--stride`
say otherwise. SeizureTransformer (Wu et al. 2025, `wu_2025` package) runs its `get_dataloader` and `predict` on
the same samples: 60 s windows without overlap, batch 512, random weights (its weights are not needed for timing).
"""
import argparse, json, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODELS = {"small": {"model.preset": "small"}, "demo": "configs/local/demo.yaml", "v3": {"model.preset": "v3"}}

def write_recording(path:Path, minutes:float, fs:int=256, seed:int=0) -> Path:
    "A 19-channel EDF of `minutes` of synthetic background EEG."
    from seizure_nb.edf_cache import CHANNELS
    from seizure_nb.synthetic import background_eeg, write_edf
    x = background_eeg(np.random.default_rng(seed), int(minutes * 60 * fs), fs)
    return write_edf(path, x, fs, [f"EEG {c}-REF" for c in CHANNELS])

def write_checkpoint(path:Path, model:str) -> Path:
    "A checkpoint of `model` (a MODELS key) with random weights, as `train` writes it."
    import torch
    from seizure_nb.inference import load_config, config_dict, save_checkpoint
    from seizure_nb.model import DualStreamMamba
    spec = MODELS[model]
    cfg = load_config(ROOT / spec) if isinstance(spec, str) else load_config(**spec)
    torch.manual_seed(0)
    return save_checkpoint(path, {"config": config_dict(cfg), "model": DualStreamMamba(cfg.model).state_dict()})

CHILD = """
import json, sys, time, torch
torch.set_num_threads({threads})
sys.path.insert(0, {root!r})
hwm = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024
{setup}
t = time.perf_counter()
{run}
print(json.dumps(dict(seconds=time.perf_counter() - t, peak_rss=hwm(), **extra)))
"""

def ours(ckpt, edf, out, batch_size, stride):
    setup = ("from seizure_nb.eval import predict_edfs\nfrom seizure_nb.inference import load_model, predict_batch_size\n"
             "from seizure_nb.manifest import window_starts\nfrom seizure_nb.edf_cache import read_eeg\n"
             f"m, cfg = load_model({str(ckpt)!r})\nbs = {batch_size} or predict_batch_size(cfg.model, int(cfg.data.window_s * 256))\n"
             f"w, s = int(cfg.data.window_s * 256), int(({stride} or cfg.data.stride_s) * 256)\n"
             f"n = len(window_starts(read_eeg({str(edf)!r}).data.shape[1], w, s)); hour = len(window_starts(3600 * 256, w, s))\n"
             f"extra = dict(batch_size=bs, params=sum(p.numel() for p in m.parameters()), windows=n, windows_per_hour=hour)\ndel m")
    run = (f"outs, failed = predict_edfs({str(ckpt)!r}, [{str(edf)!r}], {str(out)!r}, batch_size=bs, stride_s={stride})\n"
           "assert outs and not failed, failed")
    return setup, run

def seizure_transformer(checkout, edf):
    setup = (f"sys.path.insert(0, {str(Path(checkout) / 'wu_2025' / 'src')!r})\n"
             "from wu_2025.architecture import SeizureTransformer\nfrom wu_2025.utils import get_dataloader, predict\n"
             f"from seizure_nb.edf_cache import read_eeg\nx = read_eeg({str(edf)!r}).data.astype('float64')\n"
             "torch.manual_seed(0); m = SeizureTransformer().eval()\n"
             "extra = dict(batch_size=512, params=sum(p.numel() for p in m.parameters()), windows=-(-x.shape[1] // 15360), "
             "windows_per_hour=60)")
    run = "y = predict(m, get_dataloader(x, 256, batch_size=512), 'cpu', x.shape[1])"
    return setup, run

def measure(setup, run, threads) -> dict:
    code = CHILD.format(threads=threads, root=str(ROOT), setup=setup, run=run)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if r.returncode: raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])

def main(minutes=60.0, models="small,demo,v3", threads=1, batch_size=None, stride=None, seizure_transformer_path=None,
         quick=False):
    if quick: minutes, models = 2.0, "demo"
    tmp = Path(tempfile.mkdtemp())
    edf = write_recording(tmp / "rec_s001_t000.edf", minutes)
    rows = {}
    per_hour = lambda r: r["seconds"] * r["windows_per_hour"] / r["windows"]  # scaled by windows: 355 per hour at 10 s
    print(f"prediction on CPU, {threads} thread(s), {minutes:g} min of 19-channel EEG at 256 Hz, times per hour of EEG")
    if seizure_transformer_path:
        r = measure(*seizure_transformer(seizure_transformer_path, edf), threads)
        rows["SeizureTransformer"] = r | {"s_per_hour": per_hour(r)}
    else: print("  SeizureTransformer: skipped (give --seizure-transformer PATH, a checkout of its repository)")
    for name in [m for m in models.split(",") if m]:
        ck = write_checkpoint(tmp / f"{name}.pt", name)
        r = measure(*ours(ck, edf, tmp / name, batch_size, stride), threads)
        rows[name] = r | {"s_per_hour": per_hour(r)}
    base = rows.get("SeizureTransformer", {}).get("s_per_hour")
    for name, r in rows.items():
        ratio = f", {r['s_per_hour'] / base:.1f}x SeizureTransformer" if base and name != "SeizureTransformer" else ""
        print(f"  {name:18} {r['params']:>10,} params, batch {r['batch_size']:>3}: {r['s_per_hour']:8.1f} s per hour of EEG, "
              f"peak RSS {r['peak_rss'] / 2**30:.2f} GiB{ratio}")
    return rows

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="length of the recording (times scaled to one hour by window count)")
    ap.add_argument("--models", default="small,demo,v3", help="comma-separated: small, demo, v3")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, help="windows per pass (default: predict_batch_size)")
    ap.add_argument("--stride", type=float, help="seconds between windows (default: the training stride, 10 s)")
    ap.add_argument("--seizure-transformer", dest="seizure_transformer_path", help="path of a SeizureTransformer checkout")
    ap.add_argument("--quick", action="store_true")
    main(**vars(ap.parse_args()))
