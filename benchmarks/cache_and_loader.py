"""Cache build and random-window read throughput: seizure_nb's cache against the reference design, in one run.

The reference design stored every 60 s window (10 s stride, so each sample six times) of a recording in one
compressed NPZ, and read a window with `np.load(f)["windows"][i]`, which decompresses the whole file. Both sides here
read the same synthetic EDFs with the same preprocessing; only the storage and the read path differ.

    python benchmarks/cache_and_loader.py                 # the figures in benchmarks/README.md
    python benchmarks/cache_and_loader.py --recordings 2 --duration 120 --reads 20   # a smoke run
"""
import argparse, os, platform, tempfile, time
from pathlib import Path
import numpy as np
from seizure_nb.synthetic import make_synthetic_corpus
from seizure_nb.edf_cache import (PrepParams, build_cache, find_recordings, read_eeg, preprocess, read_annotations,
                                  seizure_intervals, sample_labels)
from seizure_nb.manifest import load_manifest, window_starts
from seizure_nb.sampler import WindowDataset

def baseline_build(recs, out:Path, window:int, stride:int) -> None:
    "The reference design: same read and preprocessing, then all overlapping windows in one compressed NPZ per file."
    out.mkdir(parents=True, exist_ok=True)
    for r in recs:
        raw = read_eeg(r.edf)
        x, _ = preprocess(raw, PrepParams(dtype="float32"))
        _, ev, _ = read_annotations(r.csv_bi, raw.duration)
        y = sample_labels(seizure_intervals(ev), x.shape[1], 256)
        s = window_starts(x.shape[1], window, stride)
        np.savez_compressed(out / f"{r.rec_id}.npz", windows=np.stack([x[:, i:i + window] for i in s]),
                            labels=np.stack([y[i:i + window] for i in s]))

def du(path:Path) -> int: return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

def main(recordings=8, duration=600, reads=50, seed=0):
    tmp = Path(tempfile.mkdtemp(prefix="bench_cache_"))
    make_synthetic_corpus(tmp / "tusz", n_patients=(recordings, 0, 0), recordings_per_patient=1,
                          duration=(duration, duration), seed=seed)
    recs = find_recordings(tmp / "tusz")
    hours = len(recs) * duration / 3600
    window, stride = 60 * 256, 10 * 256
    res = {}

    t = time.perf_counter(); baseline_build(recs, tmp / "npz", window, stride); res["build_base"] = time.perf_counter() - t
    t = time.perf_counter(); build_cache(tmp / "tusz", tmp / "cache1", workers=1); res["build_ours1"] = time.perf_counter() - t
    t = time.perf_counter(); build_cache(tmp / "tusz", tmp / "cache2", workers=2); res["build_ours2"] = time.perf_counter() - t

    rng = np.random.default_rng(seed)
    files = sorted((tmp / "npz").glob("*.npz"))
    n_win = [len(window_starts(duration * 256, window, stride))] * len(files)
    t = time.perf_counter()
    for _ in range(reads):
        k = rng.integers(len(files)); w = np.load(files[k])["windows"][rng.integers(n_win[k])]
    res["read_base"] = (time.perf_counter() - t) / reads

    ds = WindowDataset(load_manifest(tmp / "cache1", "train"), tmp / "cache1")
    n_ours = max(2000, reads)
    idx = rng.integers(len(ds), size=n_ours)
    os.system("sync")
    t = time.perf_counter()
    for i in idx: x, y = ds[int(i)]
    res["read_ours"] = (time.perf_counter() - t) / n_ours

    size_base, size_ours = du(tmp / "npz"), du(tmp / "cache1" / "train")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; corpus: {len(recs)} x {duration} s = {hours:.2f} h of EEG")
    print(f"{'':34}{'reference NPZ':>16}{'seizure_nb':>14}{'ratio':>9}")
    bb, b1, b2 = hours / res["build_base"], hours / res["build_ours1"], hours / res["build_ours2"] / 2
    print(f"{'build, h of EEG/s/worker (1 worker)':34}{bb:>16.3f}{b1:>14.3f}{b1 / bb:>8.1f}x")
    print(f"{'build, h of EEG/s/worker (2 workers)':34}{'':>16}{b2:>14.3f}{b2 / bb:>8.1f}x")
    rb, ro = 1 / res["read_base"], 1 / res["read_ours"]
    print(f"{'random 60 s window reads/s':34}{rb:>16.1f}{ro:>14.1f}{ro / rb:>8.0f}x")
    print(f"{'bytes on disk per hour of EEG (MB)':34}{size_base / hours / 1e6:>16.1f}{size_ours / hours / 1e6:>14.1f}{size_base / size_ours:>8.1f}x")
    import shutil; shutil.rmtree(tmp)
    return {"build_ratio": b1 / bb, "read_ratio": ro / rb, "size_ratio": size_base / size_ours}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recordings", type=int, default=8); ap.add_argument("--duration", type=int, default=600)
    ap.add_argument("--reads", type=int, default=50); ap.add_argument("--seed", type=int, default=0)
    main(**vars(ap.parse_args()))
