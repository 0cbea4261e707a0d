"""EDF reading: our `read_eeg` (block reader, edfio's conversion) against MNE's `read_raw_edf` on the same files, and that both give the same samples.

    python benchmarks/edf_readers.py                  # the synthetic corpus of `make demo` (28 files, 8,3,3 patients)
    python benchmarks/edf_readers.py --patients 1,1,0 # smoke run

Each reader loads every file fully into memory (MNE with `preload=True`); the figure is the total time over the files,
best of `--reps` passes, with MNE's time as the baseline. The largest difference between the two readers' samples (in
µV, after MNE's volts are scaled back) is printed too: a faster reader is kept only if it reads the same thing.
"""
import argparse, sys, tempfile, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seizure_nb.synthetic import make_synthetic_corpus
from seizure_nb.edf_cache import find_recordings, read_eeg, CHANNELS

def main(patients="8,3,3", reps=3, seed=0):
    import mne
    d = Path(tempfile.mkdtemp())
    make_synthetic_corpus(d, tuple(int(v) for v in patients.split(",")), seed=seed)
    edfs = [r.edf for r in find_recordings(d)]
    def total(fn):
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            for f in edfs: fn(f)
            best = min(best, time.perf_counter() - t)
        return best
    ours = total(read_eeg)
    theirs = total(lambda f: mne.io.read_raw_edf(f, preload=True, verbose="error"))
    diff = 0.0
    for f in edfs:
        a, b = read_eeg(f), mne.io.read_raw_edf(f, preload=True, verbose="error")
        present = [c for c in CHANNELS if c in a.channel_map]
        diff = max(diff, float(np.abs(a.data[[CHANNELS.index(c) for c in present]] - b.get_data(picks=[a.channel_map[c] for c in present]) * 1e6).max()))
    print(f"{len(edfs)} EDF files: read_eeg {ours:.3f} s, mne.io.read_raw_edf {theirs:.3f} s (ours {theirs / ours:.2f}x faster); "
          f"largest sample difference {diff:.2e} uV")
    return {"ours_s": ours, "mne_s": theirs, "max_diff_uv": diff}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patients", default="8,3,3"); ap.add_argument("--reps", type=int, default=3)
    main(**vars(ap.parse_args()))
