"""Forward+backward time and peak memory: our selective scan vs mambapy vs mamba-ssm, and the whole model.

    python benchmarks/model_step.py                       # CPU: scan at B=64, model at B=8
    python benchmarks/model_step.py --device cuda         # GPU: scan at B=256 (and B=64), model at B=64, bf16
    python benchmarks/model_step.py --quick               # a smoke run (tests/test_benchmarks.py)
    python benchmarks/model_step.py --device cuda --profile trace.json   # where a whole-model step spends its time

Scan shapes follow the issue: d_model 64 (d_inner 128), d_state 16, L=960 (60 s at 16 Hz). Each figure is the median
of `--reps` timed runs after two warm-ups; peak memory is the allocator's high-water mark above the inputs (CUDA) or
the process's resident-set growth measured in a fresh subprocess (CPU). Two device-independent counts come from
dispatch-mode accounting on CPU tensors: the ops one fwd+bwd of our scan dispatches (kernels and views), and the
peak bytes of live tensors, which reproduces the CUDA allocator's figures for our first scan (2.74 vs 2.60 GiB at
B=256) and mambapy (4.53 vs 4.52 GiB at B=64) and so tells the GPU memory of ours at the CUDA chunk and block
sizes on any machine. Variants that cannot run here (mamba-ssm off CUDA, mambapy not installed) print as skipped.
"""
import argparse, contextlib, dataclasses, functools, json, statistics, subprocess, sys, time, weakref
from pathlib import Path
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import seizure_nb.model as model_module
from seizure_nb.model import (selective_scan, selective_scan_ref, Mamba, DualStreamMamba, ModelConfig, GraphLayer,
                              _mamba_kernels, _SelectiveScan, force_fallback, ssd_chunked, SSD_LIMITS)

def sync(device):
    if device == "cuda": torch.cuda.synchronize()

def timed(fn, device, reps):
    "Median seconds of `fn()` over `reps` runs after two warm-ups, and peak bytes allocated above the start (CUDA)."
    for _ in range(2): fn()
    sync(device)
    if device == "cuda": torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); sync(device); ts.append(time.perf_counter() - t)
    peak = torch.cuda.max_memory_allocated() - base if device == "cuda" else None
    return statistics.median(ts), peak

def trainable_inputs(B, L, device):
    "The benchmark's scan inputs, (B, L) at d_inner 128, d_state 16, with gradients for u, delta, B and C."
    return {k: t.requires_grad_() if k in ("u", "delta", "B", "C") else t for k, t in scan_inputs(B, L, 128, 16, device).items()}

def ours_uncapped(chunk, block):
    "Our scan's autograd function at the given chunk and block (`selective_scan` would cap the chunk on CPU)."
    return lambda u, delta, A, B, C, D, z, delta_bias: _SelectiveScan.apply(u, delta, A, B, C, D, z, delta_bias, True, chunk, block)

def scan_inputs(B, L, D, N, device, dtype=torch.float32, seed=0):
    g = torch.Generator(device="cpu").manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g).to(device, dtype)
    return dict(u=r(B, D, L), delta=r(B, D, L), A=-torch.exp(torch.randn(D, N, generator=g) * .5).to(device),
                B=r(B, N, L), C=r(B, N, L), D=torch.ones(D, device=device), z=r(B, D, L),
                delta_bias=torch.zeros(D, device=device))

def mambapy_scan(u, delta, A, B, C, D, z, delta_bias, delta_softplus=True):
    "mambapy's parallel (Blelloch) scan, used as mambapy's own Mamba uses it."
    from mambapy.pscan import pscan
    delta = F.softplus(delta + delta_bias[:, None]).transpose(1, 2)
    dA = torch.exp(delta.unsqueeze(-1) * A)
    BX = delta.unsqueeze(-1) * B.transpose(1, 2).unsqueeze(2) * u.transpose(1, 2).unsqueeze(-1)
    y = (pscan(dA, BX) @ C.transpose(1, 2).unsqueeze(-1)).squeeze(3).transpose(1, 2)
    return (y + u * D[:, None]) * F.silu(z)

def scan_variants(device):
    "Scans to compare: ours by default (on CUDA also a larger chunk and the two-level scan), mambapy, mamba-ssm."
    v = {"ours (chunked scan)": selective_scan}
    if device == "cuda":
        v["ours, chunk 128"] = functools.partial(selective_scan, chunk=128)
        v["ours, blocks of 8"] = functools.partial(selective_scan, block=8)
    try:
        import mambapy.pscan; v["mambapy (parallel scan)"] = mambapy_scan
    except ImportError: pass
    if device == "cuda" and _mamba_kernels()[0] is not None: v["mamba-ssm kernel"] = _mamba_kernels()[0]
    return v

def bench_scan(name, B, L, device, reps):
    fn = scan_variants(device)[name]
    x = trainable_inputs(B, L, device)
    def step():
        y = fn(**x, delta_softplus=True); y.float().square().mean().backward()
    return timed(step, device, reps)

class _CountOps(TorchDispatchMode):
    "Counts dispatched aten ops, views (no kernel) and the rest (a launch each on a GPU), and the kernels' operand bytes."
    def __init__(self): super().__init__(); self.kernels = self.views = self.bytes = 0
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func.is_view: self.views += 1
        else:
            self.kernels += 1
            self.bytes += sum(t.numel() * t.element_size() for t in tree_flatten((args, kwargs, out))[0] if isinstance(t, torch.Tensor))
        return out

class _LiveBytes(TorchDispatchMode):
    "Peak bytes of tensor storage created under the mode and still referenced (a storage shared by views counts once)."
    def __init__(self): super().__init__(); self.cur = self.peak = 0; self.refs, self.size = {}, {}
    def _drop(self, key):
        self.refs[key] -= 1
        if not self.refs[key]: self.cur -= self.size.pop(key); del self.refs[key]
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor) or not t.untyped_storage().nbytes(): continue
            key = t.untyped_storage().data_ptr()
            if key not in self.size:
                self.size[key], self.refs[key] = t.untyped_storage().nbytes(), 0
                self.cur += self.size[key]; self.peak = max(self.peak, self.cur)
            self.refs[key] += 1; weakref.finalize(t, self._drop, key)
        return out

def tensor_peak(name, B, L, chunk=64, block=64):
    "Peak live tensor bytes of one scan fwd+bwd after a warm-up, as the CUDA allocator would see them, computed on CPU."
    x = trainable_inputs(B, L, "cpu")
    fn = ours_uncapped(chunk, block) if name == "ours" else functools.partial(mambapy_scan, delta_softplus=True)
    step = lambda: fn(**x).square().mean().backward()
    step()
    with _LiveBytes() as m: step()
    return m.peak

class _KernelProxy(torch.autograd.Function):
    """Stand-in for mamba-ssm's `mamba_chunk_scan_combined` (2.3.2) in the accounting: the output's values come from
    `ssd_chunked` run outside the accounting; counted are the kernel's own allocations (`_chunk_cumsum_fwd`'s dA_cumsum
    and dt, the chunk states before and after `_state_passing_fwd`, `_bmm_chunk_fwd`'s C.B, the output), what its
    autograd function saves (output, x, dt, dA_cumsum, A, B, C, D, dt_bias), and in backward gradients the size of
    its inputs (zeros: the accounting needs their storage, not their values)."""
    @staticmethod
    def forward(ctx, x, dt, A, B, C, D, dt_bias, chunk_size, softplus):
        from torch.utils._python_dispatch import _disable_current_modes
        with _disable_current_modes(): values = ssd_chunked(x, dt, A, B, C, chunk_size, D, dt_bias, softplus)
        (b, l, h, p), (g, n), nc, f32 = x.shape, B.shape[2:], -(-x.shape[1] // chunk_size), torch.float32
        dA_cumsum, dt_out = (x.new_empty(b, h, nc, chunk_size, dtype=f32) for _ in range(2))
        states = [x.new_empty(b, nc, h, p, n, dtype=f32) for _ in range(2)]
        CB = x.new_empty(b, nc, g, chunk_size, chunk_size, dtype=f32)
        out = values.clone()
        del states, CB, dt_out
        ctx.save_for_backward(out, x, dt, dA_cumsum, A, B, C, D, dt_bias)
        return out
    @staticmethod
    def backward(ctx, g):
        out, x, dt, _, A, B, C, D, dt_bias = ctx.saved_tensors
        return (*(torch.zeros_like(t) for t in (x, dt, A, B, C, D, dt_bias)), None, None)

def _proxy_scan(x, dt, A, B, C, chunk_size, D=None, dt_bias=None, dt_softplus=False):
    return _KernelProxy.apply(x, dt, A, B, C, D, dt_bias, chunk_size, dt_softplus)

@contextlib.contextmanager
def ssd_path(path:str, share:float=1.0):
    """Mamba-2 layers on CPU tensors as on the GPU: `kernel` through `_KernelProxy`, `torch` through `ssd_chunked` at
    the CUDA chunk and `share` of the CUDA block budget (`SSD_LIMITS['cuda']`): the share of a batch being accounted."""
    backend, kernels, limits = model_module.mamba_backend, model_module._mamba2_kernels, dict(SSD_LIMITS)
    if path == "kernel":
        model_module.mamba_backend = lambda device, layer="mamba1": ("mamba_ssm", "proxy") if layer == "mamba2" else backend(device, layer)
        model_module._mamba2_kernels = lambda: (_proxy_scan, "proxy")
    else: SSD_LIMITS["cpu"] = (SSD_LIMITS["cuda"][0], max(1, int(SSD_LIMITS["cuda"][1] * share)))
    try: yield
    finally: model_module.mamba_backend, model_module._mamba2_kernels = backend, kernels; SSD_LIMITS.update(limits)

def train_live_bytes(B:int, path:str="kernel", preset:str="v3", T:int=60 * 256, of_batch:int|None=None, **overrides) -> int:
    """Peak live tensor bytes of one training step (fwd + bwd + AdamW, bf16 autocast as on the GPU) of `preset` with
    `overrides` at batch `B`, on CPU tensors, after a warm-up step; `path` as in `ssd_path`. With `of_batch`, the B
    windows are accounted as part of a batch of that size: the PyTorch path's block temporaries, bounded per batch,
    are given the share B / of_batch (so that B=2 scales linearly to B=of_batch)."""
    torch.manual_seed(0)
    cfg = ModelConfig.from_preset(preset, **overrides)
    with ssd_path(path, B / (of_batch or B)):
        model = DualStreamMamba(cfg); opt = torch.optim.AdamW(model.parameters(), 1e-4)
        x = torch.randn(B, 19, T); y = (torch.rand(B, T) > .9).float()
        def step():
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out = model(x)
            F.binary_cross_entropy_with_logits(out.float(), y).backward(); opt.step(); opt.zero_grad(set_to_none=True)
        step()
        with _LiveBytes() as m: step()
    return m.peak

def dispatched_ops(B, L, chunk=64, block=64):
    "Kernel ops, view ops and kernel operand bytes of one fwd+bwd of our scan at the CUDA chunk and block sizes."
    x = trainable_inputs(B, L, "cpu")
    with _CountOps() as c: ours_uncapped(chunk, block)(**x).square().mean().backward()
    return c.kernels, c.views, c.bytes

def bench_layer(backend, B, L, device, reps):
    "Whole Mamba layer (projections, conv, scan) fwd+bwd, bf16 autocast on CUDA."
    m = Mamba(64).to(device); x = torch.randn(B, L, 64, device=device, requires_grad=True)
    def step():
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            y = m(x)
        y.float().square().mean().backward()
    with force_fallback(backend == "ours"): return timed(step, device, reps)

def model_step(B, device, cfg):
    "One training step of the whole dual-stream model (fwd + bwd + AdamW, bf16 autocast on CUDA) on 60 s windows."
    model = DualStreamMamba(cfg).to(device); opt = torch.optim.AdamW(model.parameters(), 1e-4)
    x = torch.randn(B, 19, 60 * 256, device=device); y = (torch.rand(B, 60 * 256, device=device) > .9).float()
    def step():
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            out = model(x)
        F.binary_cross_entropy_with_logits(out.float(), y).backward(); opt.step(); opt.zero_grad(set_to_none=True)
    return step

def bench_model(B, device, reps, cfg=ModelConfig()): return timed(model_step(B, device, cfg), device, reps)

def profile_model(B, device, cfg=ModelConfig(), rows=30, trace=None):
    """Where one whole-model step spends its time: torch.profiler's ops by self time (kernel time on CUDA) after two
    warm-up steps, as a table, and optionally a Chrome trace (chrome://tracing, Perfetto)."""
    from torch.profiler import profile, ProfilerActivity
    step = model_step(B, device, cfg)
    for _ in range(2): step()
    sync(device)
    with profile(activities=[ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == "cuda" else [])) as prof:
        step(); sync(device)
    if trace: prof.export_chrome_trace(str(trace))
    table = prof.key_averages().table(sort_by=f"self_{'cuda' if device == 'cuda' else 'cpu'}_time_total", row_limit=rows)
    print(f"whole model, one step, B={B}, 60 s windows, {device}:\n{table}")
    return table

def bench_graph(B, L, device, reps, loop_windows=2):
    """Graph stage fwd+bwd: our dense batched layer over all (batch, time) graphs vs the reference design's Python loop
    building one sparse graph (edge list from the thresholded adjacency) per sample and time step."""
    n, d = 19, 64
    layer = GraphLayer(d, 0.0).to(device)
    g = torch.randn(B, L, n, d, device=device, requires_grad=True)
    adj = torch.softmax(torch.randn(B, L, n, n, device=device), -1)
    def dense(): layer(g, adj).square().mean().backward()
    def loop():
        outs = []
        for b in range(loop_windows):
            for t in range(L):
                src, dst = (adj[b, t] > 1 / n).nonzero(as_tuple=True)
                msg = torch.zeros(n, d, device=device).index_add(0, dst, g[b, t][src] * adj[b, t][dst, src, None])
                outs.append(g[b, t] + layer.mlp(layer.norm(msg)))
        torch.stack(outs).square().mean().backward()
    t_dense, _ = timed(dense, device, reps)
    t_loop, _ = timed(loop, device, 1)
    return B / t_dense, loop_windows / t_loop

def cpu_peak(args):
    "Run one measurement in a fresh process; its peak resident-set growth (bytes, inputs included), from VmHWM."
    code = ("import json, sys; sys.argv=['x']; import benchmarks.model_step as b, torch; "
            "hwm = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024; "
            f"a = {args!r}; r0 = hwm(); b.bench_scan(a['name'], a['B'], a['L'], 'cpu', 1); print(json.dumps(hwm() - r0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None

def gib(b): return "-" if b is None else f"{b / 2**30:.2f} GiB"

def model_config(quick, model, preset="small"):
    "The benchmarked ModelConfig: `preset` (shrunk with `quick`) with `model`'s overrides, e.g. 'd_model=32,d_state=8'."
    base = ModelConfig.from_preset(preset)
    over = {k: type(getattr(base, k))(v) for k, v in (kv.split("=") for kv in model.split(",") if kv)}
    toy = {"d_model": 16, "d_edge": 8, "d_state": 8, "encoder_stride": 64, "n_node_layers": 1, "encoder_layers": min(1, base.encoder_layers)}
    return ModelConfig.from_preset(preset, **(toy if quick else {}) | over), over

def main(device="cpu", quick=False, reps=5, model="", profile=None, preset="small"):
    torch.manual_seed(0)
    L = 96 if quick else 960
    scan_B = [4] if quick else ([256, 64] if device == "cuda" else [64])
    model_B = 2 if quick else (64 if device == "cuda" else 8)
    cfg, over = model_config(quick, model, preset)
    if profile is not None: return {"profile": profile_model(model_B, device, cfg, trace=profile or None)}
    name = torch.cuda.get_device_name() if device == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"device: {name}; torch {torch.__version__}")
    results = {}
    for B in scan_B:
        print(f"\nselective scan, fwd+bwd, fp32, B={B}, L={L}, d_inner=128, d_state=16")
        base = None
        for v in scan_variants(device):
            t, peak = bench_scan(v, B, L, device, reps)
            if device == "cpu" and not quick: peak = cpu_peak({"name": v, "B": B, "L": L})
            base = base or t
            results[f"scan {v} B={B}"] = (t, peak)
            print(f"  {v:26} {t * 1e3:9.1f} ms  {gib(peak):>10}  {t / base:6.2f}x ours")
    oB = 4 if quick else 256
    (one, one_v, one_b), (two, two_v, two_b) = dispatched_ops(oB, L, block=64), dispatched_ops(oB, L, block=8)
    print(f"\nPyTorch ops per scan fwd+bwd (B={oB}, L={L}, chunk 64), kernels + views, kernel operand bytes: one level "
          f"{one:,} + {one_v:,}, {one_b / 1e9:.1f} GB; blocks of 8 {two:,} + {two_v:,}, {two_b / 1e9:.1f} GB")
    results["ops"] = (one, two)
    if not quick:
        mem = {f"ours, B={b}": tensor_peak("ours", b, L) for b in (256, 64)} | {"ours, blocks of 8, B=256": tensor_peak("ours", 256, L, block=8)}
        if "mambapy (parallel scan)" in scan_variants(device): mem["mambapy, B=64"] = tensor_peak("mambapy", 64, L)
        print("peak live tensor memory per scan fwd+bwd (device-independent accounting): "
              + ", ".join(f"{k} {gib(v)}" for k, v in mem.items()))
        results["tensor peak"] = mem
    if device == "cuda" and _mamba_kernels()[0] is not None:
        print(f"\nMamba layer (d_model 64), fwd+bwd, bf16 autocast, B={scan_B[0]}, L={L}")
        tk, pk = bench_layer("kernel", scan_B[0], L, device, reps)
        to, po = bench_layer("ours", scan_B[0], L, device, reps)
        print(f"  mamba-ssm kernel  {tk * 1e3:8.1f} ms {gib(pk):>10}\n  ours              {to * 1e3:8.1f} ms {gib(po):>10}"
              f"   time {to / tk:.2f}x, memory {po / pk:.2f}x the kernel's")
        results["layer kernel"], results["layer ours"] = (tk, pk), (to, po)
    t, peak = bench_model(model_B, device, max(2, reps // 2), cfg)
    print(f"\nwhole model (preset {preset}{', ' + str(over) if over else ''}), fwd+bwd+AdamW, B={model_B}, 60 s windows: {t * 1e3:.0f} ms/step, "
          f"{model_B / t:.1f} windows/s, peak {gib(peak)}")
    results["model"] = (t, peak)
    gB = 4 if quick else (64 if device == "cuda" else 8)
    dense, loop = bench_graph(gB, L, device, reps, loop_windows=1 if quick else 2)
    print(f"\ngraph stage fwd+bwd, B={gB}, L={L}: dense batched {dense:.1f} windows/s, per-timestep sparse loop "
          f"{loop:.2f} windows/s ({dense / loop:.0f}x)")
    results["graph"] = (dense, loop)
    return results

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--quick", action="store_true"); ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--preset", default="small", help="model preset (small, v3)")
    ap.add_argument("--model", default="", help="ModelConfig overrides on the preset, e.g. d_model=32,d_state=8")
    ap.add_argument("--profile", nargs="?", const="", metavar="TRACE.json",
                    help="only profile one whole-model step: top ops by self time (and a Chrome trace to TRACE.json)")
    main(**vars(ap.parse_args()))
