"""Scoring time for a corpus the size of TUSZ eval (865 recordings, 128 h, 469 seizures), all scorers.

    python benchmarks/scoring.py          # target (issue 5): under 10 s on 2 cores
    python benchmarks/scoring.py --recordings 40 --hours 6 --seizures 20   # smoke run

Random 1 Hz probability traces with bumps over most reference seizures and some spurious ones; times stitching-free
scoring: event detection, OVERLAP + TAES + SzCORE (`timescoring`, pooled and per subject), AUROC, the 48-threshold
FA sweeps (dev-chosen operating points and the oracle curve; the corpus serves as its own dev here) and the bootstrap.
The baseline in the same run is scoring the same events with `timescoring` alone, one recording at a time.
"""
import argparse, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seizure_nb.inference import PostProcessing, detect_events, szcore_score
from seizure_nb.eval import evaluate_split

def corpus(recordings, hours, seizures, seed=0):
    rng = np.random.default_rng(seed)
    durs = rng.dirichlet(np.ones(recordings) * 2) * hours * 3600
    durs = np.maximum(durs, 120).astype(int)
    owners = rng.choice(recordings, seizures, p=durs / durs.sum())
    recs = []
    for i, d in enumerate(durs):
        tr = np.clip(rng.normal(0.1, 0.07, d), 0, 1)
        ref = []
        for _ in range((owners == i).sum()):
            L = int(rng.integers(10, 120)); s = int(rng.integers(0, max(1, d - L)))
            if any(s < e + 30 and a < s + L + 30 for a, e in ref): continue
            ref.append((float(s), float(s + L)))
            if rng.uniform() < 0.8: tr[s:s + L] += 0.7
        for _ in range(rng.poisson(d / 7200)):
            s = int(rng.integers(0, max(1, d - 20))); tr[s:s + 15] += 0.6
        recs.append(dict(rec_id=f"p{i % 43:02d}_s001_t{i:04d}", trace=np.clip(tr, 0, 1), ref=sorted(ref), duration_s=float(d)))
    return recs

def main(recordings=865, hours=128.0, seizures=469):
    recs = corpus(recordings, hours, seizures)
    pp = PostProcessing(0.5, 0.35, 5.0, 10.0)
    t = time.perf_counter(); m = evaluate_split(recs, recs, pp); ours = time.perf_counter() - t
    hyps = [detect_events(r["trace"], pp) for r in recs]
    t = time.perf_counter(); [szcore_score(r["ref"], h, r["duration_s"]) for r, h in zip(recs, hyps)]; base = time.perf_counter() - t
    print(f"corpus: {len(recs)} recordings, {m['hours']:.1f} h, {m['seizures']} seizures")
    print(f"all scorers + AUROC + 2 x 48-threshold sweeps + bootstrap: {ours:.2f} s")
    print(f"timescoring SzCORE alone (one pass):                  {base:.2f} s  ({ours / base:.1f}x of it)")
    print(f"OVERLAP sens {m['overlap']['sensitivity']:.3f} at {m['overlap']['fa_per_24h']:.2f} FA/24h; SzCORE F1 {m['szcore']['pooled']['f1']:.3f} pooled")
    return {"seconds": ours, "baseline_seconds": base}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recordings", type=int, default=865); ap.add_argument("--hours", type=float, default=128.0)
    ap.add_argument("--seizures", type=int, default=469)
    main(**vars(ap.parse_args()))
