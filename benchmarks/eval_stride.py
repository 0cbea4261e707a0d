"""Dev scores and evaluation time of one checkpoint at several evaluation strides (`data.eval_stride_s`, issue 18):
per-second AUROC of the stitched traces and OVERLAP sensitivity at <= 10 FA/24h (best threshold), per stride.

    python benchmarks/eval_stride.py RUN/best.pt [--strides 10,20,30,60]
"""
import argparse, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from seizure_nb.inference import load_model, recording_traces, auroc, fa_curve, best_at_fa
from seizure_nb.manifest import manifest_params

def main(checkpoint, strides="10,20,30,60", batch_size=16):
    model, cfg = load_model(checkpoint)
    out = {}
    for stride in (float(s) for s in strides.split(",")):
        t = time.perf_counter()
        params = manifest_params(cfg.data.prep, cfg.data.window_s, stride)
        recs = recording_traces(model, cfg.data.cache_dir, "dev", params, batch_size)
        seconds = time.perf_counter() - t
        scores, labels = [], []
        for r in recs:
            lab = np.zeros(len(r["trace"]), bool)
            for a, b in r["ref"]: lab[int(a):int(np.ceil(b))] = True
            ok = ~np.isnan(r["trace"]); scores.append(r["trace"][ok]); labels.append(lab[ok])
        best = best_at_fa(fa_curve(recs), 10.0)
        out[stride] = dict(auroc=auroc(np.concatenate(scores), np.concatenate(labels)), seconds=seconds,
                           sens_at_10fa=best[1] if best else float("nan"))
        print(f"eval stride {stride:g} s: dev AUROC(1 s) {out[stride]['auroc']:.4f}, OVERLAP sensitivity at <= 10 FA/24h "
              f"{out[stride]['sens_at_10fa']:.3f}, {seconds:.1f} s", flush=True)
    return out

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint"); ap.add_argument("--strides", default="10,20,30,60")
    ap.add_argument("--batch-size", type=int, default=16)
    main(**vars(ap.parse_args()))
