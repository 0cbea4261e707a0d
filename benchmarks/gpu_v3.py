"""Issue 18's GPU checks of v3 in one budgeted run (`bash benchmarks/gpu.sh` runs it): per-layer parity of the Triton SSD
kernel and `ssd_chunked` against float64 (TF32 on and off), training steps (B=64 and 128, kernel and PyTorch paths,
activation checkpointing on and off) with per-stage forward time and peak memory, inference at B=512, and the first
training step with a cold and with a warm Triton cache (`TRITON_CACHE_DIR`); prints the rows for benchmarks/README.md.

    python benchmarks/gpu_v3.py [--budget 420] [--steps a,b,...]   # on a GPU (mamba-ssm's SSD kernels importable)
    python benchmarks/gpu_v3.py --device cpu --quick                  # the CPU smoke run (tests/test_benchmarks.py)

Each step is skipped, with the reason printed, when the budget left is under its estimate; results go to
`$OUT/gpu_v3.json` (or .gpu/gpu_v3.json, ignored) as they come.
"""
import argparse, datetime, json, os, statistics, subprocess, sys, time
from pathlib import Path
import torch
import torch.nn.functional as F
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from seizure_nb.model import DualStreamMamba, ModelConfig, Mamba2, ssd_chunked, force_fallback, kernels_missing, _mamba2_kernels

STAGES = ("encoder", "enc_norm", "tcn", "node_layers", "edge_layers", "graph_layers", "head")

def sync(dev):
    if dev == "cuda": torch.cuda.synchronize()

def stage_timer(model, dev):
    "Forward time per top-level stage (synchronised hooks; the edge stream's share is `edge_layers` plus the rest of `adjacency`)."
    acc, start = {s: 0.0 for s in STAGES}, {}
    def pre(name):
        def f(mod, inp): sync(dev); start[name] = time.perf_counter()
        return f
    def post(name):
        def f(mod, inp, out): sync(dev); acc[name] += time.perf_counter() - start[name]
        return f
    for name, mod in model.named_children():
        if name in acc:
            for sub in (mod if isinstance(mod, torch.nn.ModuleList) else [mod]):
                sub.register_forward_pre_hook(pre(name)); sub.register_forward_hook(post(name))
    return acc

def train(B, dev, T, kernel=True, ckpt="blocks", reps=3, stages=False, cfg=None):
    "Windows/s, first-step seconds and peak GiB of v3 training steps (bf16 autocast on CUDA, AdamW)."
    with force_fallback(not kernel):
        torch.manual_seed(0)
        m = DualStreamMamba(cfg or ModelConfig.from_preset("v3", activation_checkpoint=ckpt)).to(dev)
        opt = torch.optim.AdamW(m.parameters(), 1e-4)
        x = torch.randn(B, 19, T, device=dev); y = (torch.rand(B, T, device=dev) > .9).float()
        def step():
            with torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"): out = m(x)
            F.binary_cross_entropy_with_logits(out.float(), y).backward(); opt.step(); opt.zero_grad(set_to_none=True)
        t = time.perf_counter(); step(); sync(dev); first = time.perf_counter() - t
        step(); sync(dev)
        if dev == "cuda": torch.cuda.reset_peak_memory_stats()
        ts = []
        for _ in range(reps):
            t = time.perf_counter(); step(); sync(dev); ts.append(time.perf_counter() - t)
        out = dict(B=B, path="kernel" if kernel else "torch", ckpt=ckpt, first_step_s=round(first, 2),
                   step_s=round(statistics.median(ts), 4), windows_per_s=round(B / statistics.median(ts), 3),
                   peak_GiB=round(torch.cuda.max_memory_allocated() / 2**30, 2) if dev == "cuda" else None)
        if stages:
            acc = stage_timer(m, dev); step(); sync(dev)
            out["forward_ms_by_stage"] = {k: round(v * 1e3, 1) for k, v in acc.items()}
        return out

def infer(B, dev, T, reps=3):
    torch.manual_seed(0); m = DualStreamMamba(ModelConfig.from_preset("v3")).to(dev).eval()
    x = torch.randn(B, 19, T, device=dev)
    with torch.no_grad(), torch.autocast(dev, dtype=torch.bfloat16, enabled=dev == "cuda"):
        m(x); sync(dev)
        if dev == "cuda": torch.cuda.reset_peak_memory_stats()
        ts = []
        for _ in range(reps):
            t = time.perf_counter(); out = m(x); sync(dev); ts.append(time.perf_counter() - t)
    assert torch.isfinite(out).all()
    return dict(B=B, windows_per_s=round(B / statistics.median(ts), 3),
                peak_GiB=round(torch.cuda.max_memory_allocated() / 2**30, 2) if dev == "cuda" else None)

def layer_parity(dev, sequences=64, L=960):
    """One v3 node-stream Mamba-2 layer (d_model 64, headdim 8, d_state 16), fp32: output and input-gradient error of
    the kernel and of `ssd_chunked`, each against `ssd_chunked` in float64, relative to the largest float64 value,
    with TF32 matmuls off and on."""
    torch.manual_seed(0)
    m = Mamba2(64, d_state=16, headdim=8, chunk_size=64).to(dev)
    x = torch.randn(sequences, L, 64, device=dev)
    def run(module, xin, fallback):
        xin = xin.detach().clone().requires_grad_()
        with force_fallback(fallback): y = module(xin)
        y.square().mean().backward(); return y.detach().double(), xin.grad.double()
    ref_y, ref_g = run(m.double(), x.double(), True); m.float()
    rel = lambda a, b: ((a - b).abs().max() / b.abs().max()).item()
    out = {}
    paths = (("torch", True),) + ((("kernel", False),) if dev == "cuda" and _mamba2_kernels()[0] else ())
    for tf32 in (False, True):
        if dev == "cuda": torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = tf32
        for name, fb in paths:
            y, g = run(m, x, fb)
            out[f"{name}, TF32 {'on' if tf32 else 'off'}"] = dict(out_rel=f"{rel(y, ref_y):.1e}", grad_rel=f"{rel(g, ref_g):.1e}")
    if dev == "cuda": torch.backends.cuda.matmul.allow_tf32 = False
    return out

def warm_first_step(dev, T, B):
    "First training step of a fresh process reading the Triton cache this run filled (same TRITON_CACHE_DIR)."
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.argv = ['x']; import benchmarks.gpu_v3 as g, json; "
            f"print(json.dumps(g.train({B}, {dev!r}, {T}, reps=1)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    if r.returncode: raise RuntimeError(r.stderr[-1500:])
    return json.loads(r.stdout.strip().splitlines()[-1])

def readme_rows(res:dict, device:str, date:str) -> str:
    "Markdown rows of the measured steps (one per line), for benchmarks/README.md."
    rows = ["| date | device | what | B | windows/s | peak | first step |", "|---|---|---|---|---|---|---|"]
    for k, v in res.items():
        if not isinstance(v, dict) or "windows_per_s" not in v: continue
        peak = "-" if v.get("peak_GiB") is None else f"{v['peak_GiB']} GiB"
        rows.append(f"| {date} | {device} | {k} | {v['B']} | {v['windows_per_s']} | {peak} | {v.get('first_step_s', '-')} s |")
    return "\n".join(rows)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
    ap.add_argument("--budget", type=float, default=420.0, help="seconds for all steps (gpu.sh: 300, start-up included it stays under 8 minutes)")
    ap.add_argument("--steps", default="", help="comma-separated step names to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="toy sizes: T=512, B <= 2, one timed step (CPU smoke run)")
    a = ap.parse_args(argv)
    dev, T0 = a.device, time.time()
    if dev == "cuda" and not torch.cuda.is_available(): ap.error("--device cuda: no CUDA GPU here")
    T, reps = (512, 1) if a.quick else (60 * 256, 3)
    b = (lambda n: min(n, 2)) if a.quick else (lambda n: n)
    out = Path(os.environ.get("OUT", ROOT / ".gpu")) / "gpu_v3.json"; out.parent.mkdir(parents=True, exist_ok=True)
    res = {"env": dict(torch=torch.__version__, device=torch.cuda.get_device_name() if dev == "cuda" else "cpu",
                       kernel=kernels_missing("mamba2") or "mamba-ssm Triton SSD importable",
                       triton_cache=os.environ.get("TRITON_CACHE_DIR", "default"))}
    print(res["env"], flush=True)
    steps = [  # name, estimated seconds on an H200, what
        ("train_kernel_B64_ckpt", 240, lambda: train(b(64), dev, T, reps=reps, stages=True)),  # first: its first step is the cold start
        ("train_kernel_B128_ckpt", 30, lambda: train(b(128), dev, T, reps=reps)),
        ("train_kernel_B64_no_ckpt", 20, lambda: train(b(64), dev, T, ckpt="off", reps=reps)),
        ("infer_kernel_B512", 30, lambda: infer(b(512), dev, T, reps)),
        ("layer_parity", 20, lambda: layer_parity(dev, 2 if a.quick else 64, 96 if a.quick else 960)),
        ("train_torch_B64_ckpt", 90, lambda: train(b(64), dev, T, kernel=False, reps=reps, stages=True)),
        ("first_step_warm_cache_B64", 60, lambda: warm_first_step(dev, T, b(64))),
        ("train_torch_B128_ckpt", 120, lambda: train(b(128), dev, T, kernel=False, reps=1)),
    ]
    only = [s for s in a.steps.split(",") if s]
    for name, est, fn in steps:
        if only and name not in only: continue
        left = a.budget - (time.time() - T0)
        if left < est: res[name] = f"skipped: {left:.0f} s of budget left, about {est} s needed"
        else:
            try: res[name] = fn()
            except Exception as e: res[name] = f"FAILED {type(e).__name__}: {str(e)[:300]}"
            if dev == "cuda": torch.cuda.empty_cache()
        print(f"[{time.time() - T0:6.1f}s] {name}: {res[name]}", flush=True)
        out.write_text(json.dumps(res, indent=1))
    res["total_s"] = round(time.time() - T0, 1)
    print("\nrows for benchmarks/README.md:\n" + readme_rows(res, res["env"]["device"], datetime.date.today().isoformat()))
    return res

if __name__ == "__main__": main()
