"Each benchmark runs at toy size and reports its ratios (the figures that count come from the full-size runs)."
import importlib.util, sys
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
