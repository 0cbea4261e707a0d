"""Training windows/s on CPU (issue 26): a real training step (forward, focal loss, backward, gradient clipping, AdamW)
of the demo model, `small` and `v3` at 1 and 2 threads, each against the demo model as it was before issue 26 (Mamba-1,
encoder stride 32) measured in the same run. "demo, PyTorch SSD" is the demo model with its Mamba-2 layers on the
chunked PyTorch SSD (`SEIZURE_MAMBA_FORCE_FALLBACK=1`) instead of the compiled CPU scan.

    python benchmarks/cpu_train.py                  # all models, 1 and 2 threads, 60 s windows, batch 8
    python benchmarks/cpu_train.py --profile        # also: the demo model's step, ops by self time (2 threads)
    python benchmarks/cpu_train.py --quick          # a smoke run (tests/test_benchmarks.py)

Each (model, threads) runs in its own subprocess, rounds of all models interleaved so that a slow spell of a shared
VM hits every model alike; a figure is the median over rounds of one round's mean step time after warm-up steps.
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seizure_nb.model import DualStreamMamba, ModelConfig
from seizure_nb.train import focal_loss, param_groups
from seizure_nb.inference import load_config

ROOT = Path(__file__).resolve().parents[1]
BATCH = {"v3": 2}  # v3's step on CPU takes seconds per window: a smaller batch, windows/s still comparable

def models() -> dict:
    "name -> ModelConfig: the demo config's model now, the same model before issue 26, `small`, `v3`."
    demo = load_config(ROOT / "configs/local/demo.yaml").model
    before = ModelConfig(d_model=16, d_edge=8, d_state=8, encoder_stride=32, edge_pool=8, n_graph_layers=1,
                         dropout=0.1)  # configs/local/demo.yaml at commit 4912acd
    return {"demo before (baseline)": before, "demo": demo, "demo, PyTorch SSD": demo,
            "small": ModelConfig.from_preset("small"), "v3": ModelConfig.from_preset("v3")}

PYTORCH_SSD = {"demo, PyTorch SSD"}  # run with SEIZURE_MAMBA_FORCE_FALLBACK=1

def step_time(c:ModelConfig, threads:int, batch:int, window_s:float, steps:int, warmup:int) -> float:
    "Mean seconds of one training step after `warmup` steps, in this process at `threads` threads."
    torch.set_num_threads(threads); torch.manual_seed(0)
    m = DualStreamMamba(c).train()
    opt = torch.optim.AdamW(param_groups(m, 0.05), lr=1e-3)
    T = int(window_s * 256)
    x, y = torch.randn(batch, 19, T), (torch.rand(batch, T) < 0.2).float()
    def step():
        opt.zero_grad(set_to_none=True)
        focal_loss(m(x), y).backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    for _ in range(warmup): step()
    t = time.perf_counter()
    for _ in range(steps): step()
    return (time.perf_counter() - t) / max(steps, 1)

def _child(args):
    c = models()[args.model]
    print(json.dumps(step_time(c, args.threads, args.batch, args.window_s, args.steps, args.warmup)))

def profile(c:ModelConfig, batch:int, window_s:float, rows:int=25) -> str:
    "torch.profiler's ops of two training steps of `c` by self CPU time, after two warm-ups."
    from torch.profiler import profile as prof
    torch.set_num_threads(2)
    step_time(c, 2, batch, window_s, 0, 2)  # warm the allocator and the caches
    with prof() as p: step_time(c, 2, batch, window_s, 2, 0)
    return p.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)

def main(threads=(1, 2), batch:int=8, # windows per step (`BATCH` overrides it per model)
         window_s:float=60.0, rounds:int=3, steps:int=4, warmup:int=2,
         names=None, do_profile:bool=False) -> dict:
    names = names or list(models())
    times = {(n, th): [] for n in names for th in threads}
    bs = {n: min(batch, BATCH.get(n, batch)) for n in names}
    for r in range(rounds):
        for th in threads:
            for n in names:
                out = subprocess.run([sys.executable, __file__, "--child", "--model", n, "--threads", str(th),
                                      "--batch", str(bs[n]), "--window-s", str(window_s), "--steps", str(steps),
                                      "--warmup", str(warmup)], capture_output=True, text=True,
                                     env={**os.environ, "OMP_NUM_THREADS": str(th),
                                          **({"SEIZURE_MAMBA_FORCE_FALLBACK": "1"} if n in PYTORCH_SSD else {})},
                                     check=True)
                times[n, th].append(float(out.stdout.strip().splitlines()[-1]))
    res = {}
    print(f"training windows/s on CPU, {window_s:g} s windows, median of {rounds} rounds "
          f"of {steps} steps after {warmup} warm-up steps")
    print("| model | parameters | threads | batch | s/step | windows/s | vs baseline |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for th in threads:
        base = bs[names[0]] / statistics.median(times[names[0], th])
        for n in names:
            s = statistics.median(times[n, th])
            res[n, th] = bs[n] / s
            npar = sum(p.numel() for p in DualStreamMamba(models()[n]).parameters())
            print(f"| {n} | {npar:,} | {th} | {bs[n]} | {s:.3f} | {res[n, th]:.1f} | {res[n, th] / base:.2f}x |")
    if do_profile: res["profile"] = profile(models()["demo"], batch, window_s); print(res["profile"])
    return res

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true"); ap.add_argument("--profile", action="store_true")
    ap.add_argument("--child", action="store_true"); ap.add_argument("--model")
    ap.add_argument("--threads", type=int); ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--window-s", type=float, default=60.0); ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=4); ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--models", nargs="+", help="names of models() to run (default: all)")
    a = ap.parse_args()
    if a.child: _child(a)
    elif a.quick: main(threads=(1,), batch=2, window_s=8.0, rounds=1, steps=1, warmup=1,
                       names=["demo before (baseline)", "demo", "demo, PyTorch SSD"], do_profile=a.profile)
    else: main(batch=a.batch, window_s=a.window_s, rounds=a.rounds, steps=a.steps, warmup=a.warmup,
               names=a.models, do_profile=a.profile)
