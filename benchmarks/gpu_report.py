"""Every GPU check in one run: the `#| cuda` parity cells, training speed of both presets on both backends, peak
memory of v3 at batch 128, and a profile of one v3 step; prints the rows for `benchmarks/README.md`.

    bash benchmarks/gpu.sh                     # on a GPU machine (installs mamba-ssm first when missing)
    python benchmarks/gpu_report.py --device cpu --quick   # the CPU smoke run (tests/test_benchmarks.py)

Targets (issue 10), one H100, batch 64, bf16 autocast, 60 s windows: v3 >= 300 training windows/s with mamba-ssm's
kernels, >= 100 windows/s on the pure-PyTorch path; peak memory < 70 GB at batch 128.
"""
import argparse, datetime, os, shutil, subprocess, sys
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.model_step import bench_model, model_config, profile_model
from seizure_nb.model import backend_parity, force_fallback, kernels_missing

TARGETS = {("v3", "kernel"): 300.0, ("v3", "torch"): 100.0}  # windows/s
MEMORY_TARGET_GB = 70.0

def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
    ap.add_argument("--presets", default="small,v3", help="comma-separated model presets")
    ap.add_argument("--batch", type=int, default=64, help="batch for the speed table")
    ap.add_argument("--memory-batch", type=int, default=128, help="batch for v3's peak-memory check")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="toy sizes, batch 2 (smoke run, works on CPU)")
    ap.add_argument("--skip-parity", action="store_true", help="do not run the notebooks' #| cuda cells")
    a = ap.parse_args(argv)
    a.presets = [p for p in a.presets.split(",") if p]
    if a.quick: a.batch, a.memory_batch, a.reps = 2, 2, 1
    if a.device == "cuda" and not torch.cuda.is_available(): ap.error("--device cuda: no CUDA GPU here (use --device cpu --quick for a smoke run)")
    return a

def backends(device):
    "Backends to time: mamba-ssm's kernels (when importable on CUDA) and the PyTorch path; skipped ones with why."
    out = {"torch": None}
    why = kernels_missing("mamba1") or kernels_missing("mamba2") if device == "cuda" else "CPU: kernels need CUDA"
    out["kernel"] = why
    return out

def run_parity() -> bool:
    "The notebook's `#| cuda` cells through nbdev_test when it is installed, else the same `backend_parity` checks directly."
    nbdev_test = shutil.which("nbdev_test", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if nbdev_test:
        ok = subprocess.run([nbdev_test, "--path", "nbs/03_dual_stream_mamba.ipynb", "--flags", "cuda"], cwd=ROOT).returncode == 0
        print(f"parity cells (#| cuda, nbdev_test): {'passed' if ok else 'FAILED'}"); return ok
    ok = True
    for layer in ("mamba1", "mamba2"):
        if why := kernels_missing(layer): print(f"parity {layer}: skipped ({why})"); continue
        r = backend_parity(layer=layer)
        good = r["max_abs_y"] <= 1e-3 * r["max_y"] and r["max_abs_grad"] <= 1e-3 * r["max_grad"]
        print(f"parity {layer} (nbdev not installed: backend_parity directly): {'passed' if good else 'FAILED'} {r}"); ok &= good
    return ok

def measure(preset, backend, B, device, reps, quick) -> dict:
    "Windows/s and peak GiB of one training step (fwd + bwd + AdamW, bf16 autocast on CUDA) of `preset` on `backend`."
    cfg, _ = model_config(quick, "", preset)
    with force_fallback(backend == "torch"):
        t, peak = bench_model(B, device, reps, cfg)
    return {"windows_per_s": B / t, "peak_gib": None if peak is None else peak / 2**30}

def rows(results:list[dict], device_name:str, date:str, command:str, targets:bool=True) -> str:
    "Markdown rows for benchmarks/README.md: preset, backend, batch, windows/s, peak memory, target and whether met (`targets`: full-size runs only)."
    out = ["| date | device | command | preset | backend | batch | windows/s | peak memory | target |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        if r.get("skipped"):
            out.append(f"| {date} | {device_name} | `{command}` | {r['preset']} | {r['backend']} | {r['batch']} | not measured: {r['skipped']} | - | - |"); continue
        tgt = None if not targets else TARGETS.get((r["preset"], r["backend"])) if r["kind"] == "speed" else MEMORY_TARGET_GB
        peak = "-" if r["peak_gib"] is None else f"{r['peak_gib']:.1f} GiB"
        if tgt is None: verdict = "-"
        elif r["kind"] == "speed": verdict = f">= {tgt:g}/s: {'met' if r['windows_per_s'] >= tgt else 'NOT met'}"
        elif r["peak_gib"] is None: verdict = "memory not measured off CUDA"
        else: verdict = f"< {tgt:g} GB: {'met' if r['peak_gib'] * 2**30 / 1e9 < tgt else 'NOT met'}"
        out.append(f"| {date} | {device_name} | `{command}` | {r['preset']} | {r['backend']} | {r['batch']} | {r['windows_per_s']:.1f} | {peak} | {verdict} |")
    return "\n".join(out)

def main(argv=None):
    a = parse(argv)
    name = torch.cuda.get_device_name() if a.device == "cuda" else "CPU"
    if a.device == "cuda" and not a.skip_parity: run_parity()
    results = []
    for preset in a.presets:
        for backend, why in backends(a.device).items():
            base = {"preset": preset, "backend": backend, "batch": a.batch, "kind": "speed"}
            if why: results.append(base | {"skipped": why}); continue
            results.append(base | measure(preset, backend, a.batch, a.device, a.reps, a.quick))
            print(results[-1], flush=True)
    if "v3" in a.presets:
        backend = "kernel" if not backends(a.device)["kernel"] else "torch"
        results.append({"preset": "v3", "backend": backend, "batch": a.memory_batch, "kind": "memory"}
                       | measure("v3", backend, a.memory_batch, a.device, 1, a.quick))
        cfg, _ = model_config(a.quick, "", "v3")
        profile_model(a.batch, a.device, cfg, rows=20)
    table = rows(results, name, datetime.date.today().isoformat(), "bash benchmarks/gpu.sh" if not a.quick else "python benchmarks/gpu_report.py --device cpu --quick", targets=not a.quick)
    print("\nrows for benchmarks/README.md:\n" + table)
    return results, table

if __name__ == "__main__": main()
