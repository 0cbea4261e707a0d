"Each benchmark runs at toy size and reports its ratios (the figures that count come from the full-size runs)."
import importlib.util, json, sys
from pathlib import Path

def load(name):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_cache_and_loader_smoke(capsys):
    r = load("cache_and_loader").main(recordings=2, duration=120, reads=5)
    out = capsys.readouterr().out
    assert "random 60 s window reads/s" in out and "build, h of EEG/s/worker" in out
    assert all(v > 0 for v in r.values())
    assert r["size_ratio"] > 3, "the reference stores each sample six times, compressed float32 vs our float16"

def test_model_step_smoke(capsys):
    mod = load("model_step")
    r = mod.main(device="cpu", quick=True, reps=1)
    out = capsys.readouterr().out
    assert "ours (chunked scan)" in out and "whole model" in out and "graph stage" in out
    dense, loop = r["graph"]
    assert dense > loop > 0
    one_level, two_level = r["ops"]
    assert one_level > two_level > 0, "blocks cut the ops dispatched per scan"
    small, large = (mod.tensor_peak("ours", b, 96, chunk=32, block=4) for b in (2, 8))
    assert 0 < small < large, "tensor memory grows with the batch"

def test_scoring_smoke(capsys):
    r = load("scoring").main(recordings=30, hours=5.0, seizures=15)
    assert r["seconds"] > 0 and "OVERLAP sens" in capsys.readouterr().out

def test_model_step_profile(tmp_path):
    trace = tmp_path / "trace.json"
    table = load("model_step").main(device="cpu", quick=True, profile=str(trace))["profile"]
    assert "_SelectiveScanBackward" in table and "aten::" in table, "ops of the step, our scan's backward among them"
    assert json.loads(trace.read_text())["traceEvents"], "a Chrome trace with events"

def test_gpu_report_cpu_smoke(capsys):
    "The CPU-checkable part of benchmarks/gpu.sh: argument parsing, measuring both presets, the README rows."
    mod = load("gpu_report")
    results, table = mod.main(["--device", "cpu", "--quick"])
    kinds = {(r["preset"], r["backend"], r["kind"]) for r in results}
    assert {("small", "torch", "speed"), ("v3", "torch", "speed"), ("v3", "torch", "memory")} <= kinds
    assert all(r["windows_per_s"] > 0 for r in results if "windows_per_s" in r)
    assert "not measured: CPU: kernels need CUDA" in table and table.count("\n| ") == len(results)
    assert "NOT met" not in table, "toy sizes are not judged against the targets"
    assert "rows for benchmarks/README.md" in capsys.readouterr().out
    rows = mod.rows([{"preset": "v3", "backend": "kernel", "batch": 64, "kind": "speed", "windows_per_s": 412.0, "peak_gib": 30.0},
                     {"preset": "v3", "backend": "torch", "batch": 128, "kind": "memory", "windows_per_s": 90.0, "peak_gib": 80.0}], "H100", "2026-01-01", "x")
    assert ">= 300/s: met" in rows and "< 70 GB: NOT met" in rows

def test_edf_readers_smoke(capsys):
    r = load("edf_readers").main(patients="1,1,0", reps=1)
    assert r["ours_s"] > 0 and r["mne_s"] > 0 and r["max_diff_uv"] < 1e-6, r
    assert "faster" in capsys.readouterr().out

def test_train_live_bytes_checkpointing_and_kernel_proxy():
    "The accounting behind issue 18's memory rows: activation checkpointing keeps less, at toy length, on both SSD paths."
    mod = load("model_step")
    kw = dict(B=1, T=1024, preset="v3")
    off, blocks = (mod.train_live_bytes(**kw, path="kernel", activation_checkpoint=c) for c in ("off", "blocks"))
    assert 0 < blocks < off, (blocks, off)
    torch_blocks = mod.train_live_bytes(**kw, path="torch", of_batch=128, activation_checkpoint="blocks")
    assert blocks < torch_blocks < off, "the PyTorch path keeps more than the kernel's saved tensors, checkpointing still pays"

def test_gpu_v3_cpu_smoke(capsys):
    "The CPU-checkable part of benchmarks/gpu.sh: steps, parity against float64, the README rows."
    res = load("gpu_v3").main(["--device", "cpu", "--quick", "--budget", "3600", "--steps", "train_kernel_B64_ckpt,layer_parity"])
    assert res["train_kernel_B64_ckpt"]["windows_per_s"] > 0 and set(res["train_kernel_B64_ckpt"]["forward_ms_by_stage"]) >= {"node_layers", "head"}
    for k, v in res["layer_parity"].items(): assert float(v["out_rel"]) < 1e-5 and float(v["grad_rel"]) < 1e-5, (k, v)
    assert "| train_kernel_B64_ckpt | 2 |" in capsys.readouterr().out

def test_predict_cpu_smoke(capsys):
    r = load("predict_cpu").main(quick=True)
    assert r["demo"]["s_per_hour"] > 0 and r["demo"]["peak_rss"] > 0 and r["demo"]["batch_size"] >= 1
    assert "SeizureTransformer: skipped" in capsys.readouterr().out

def test_cpu_train_smoke(capsys):
    "Issue 26's CPU training speed: the demo model now against the demo model before, one real training step each."
    r = load("cpu_train").main(threads=(1,), batch=2, window_s=8.0, rounds=1, steps=1, warmup=1,
                               names=["demo before (baseline)", "demo", "demo, PyTorch SSD"])
    out = capsys.readouterr().out
    assert "| demo before (baseline) |" in out and "| demo |" in out and "| demo, PyTorch SSD |" in out
    assert "vs baseline" in out
    assert all(v > 0 for v in r.values())

def test_long_recording_memory_smoke(capsys):
    r = load("long_recording_memory").main(hours=(0.05, 0.1), unit_minutes=3)
    assert "build-cache peak RSS" in capsys.readouterr().out
    assert all(0 < b < 20 and 0 < p < 20 for b, p in r.values()), r
