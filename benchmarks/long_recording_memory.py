"""Peak memory of `build-cache` and `predict` against the length of one recording (issue 29): 19 channels at 256 Hz,
`--hours` long, each command in a fresh process under `/usr/bin/time -v` (its "Maximum resident set size": the
interpreter, numpy, torch and the data).

    python benchmarks/long_recording_memory.py                  # 1 h and 24 h
    python benchmarks/long_recording_memory.py --hours 1 4      # other lengths
    python benchmarks/long_recording_memory.py --quick          # a smoke run (tests/test_benchmarks.py)

The recording is one hour (`unit_minutes`) of synthetic background EEG (`background_eeg`) written once as EDF and
repeated to each length (the header's record count patched), with a `.csv_bi` marking one seizure (a cache needs
one), in a TUSZ layout; `predict` runs the demo config's model with random weights. The last column divides the peak by the recording's hours: memory
that grows with the recording shows as a peak that grows with `--hours`.
"""
import argparse, re, subprocess, sys, tempfile
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.predict_cpu import write_recording, write_checkpoint

def long_edf(unit:Path, dest:Path, repeats:int) -> Path:
    "The EDF `unit` repeated `repeats` times (header record count patched), with a `.csv_bi`."
    from seizure_nb.edf_cache import check_edf_size, write_annotations, binary_events
    lay, blob = check_edf_size(unit), unit.read_bytes()
    head = bytearray(blob[:lay.header_bytes]); head[236:244] = f"{lay.n_records * repeats:<8d}".encode()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as f:
        f.write(head)
        for _ in range(repeats): f.write(blob[lay.header_bytes:])
    dur = repeats * lay.n_records * lay.record_s
    write_annotations(dest.with_suffix(".csv_bi"), binary_events([(0.4 * dur, 0.45 * dur)], dur), dur)
    return dest

def peak_gb(cmd:list) -> float:
    "Maximum resident set size (GB) of `cmd` run under `/usr/bin/time -v`; raises if it fails."
    out = subprocess.run(["/usr/bin/time", "-v", *map(str, cmd)], capture_output=True, text=True)
    if out.returncode: raise RuntimeError(f"{cmd} failed:\n{out.stderr[-2000:]}")
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1e6

def main(hours=(1, 24), unit_minutes:float=60) -> dict:
    "Peak RSS (GB) of `build-cache` and `predict` for each length in `hours`, printed as a table."
    res = {}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); one = write_recording(d / "unit.edf", unit_minutes)
        ck = write_checkpoint(d / "demo.pt", "demo")
        print("| recording | build-cache peak RSS | per hour | predict peak RSS | per hour |\n|---:|---:|---:|---:|---:|")
        for h in hours:
            rel = "edf/eval/aaaaaaaa/s001_2020/01_tcp_ar/aaaaaaaa_s001_t000.edf"
            edf = long_edf(one, d / f"h{h}" / rel, round(h * 60 / unit_minutes))
            py = [sys.executable, "-m", "seizure_nb"]
            b = peak_gb(py + ["build-cache", "--data-dir", d / f"h{h}", "--cache-dir", d / f"c{h}", "--workers", "1"])
            p = peak_gb(py + ["predict", "--checkpoint", ck, "--out", d / f"p{h}", edf])
            print(f"| {h:g} h | {b:.2f} GB | {b / h:.2f} GB | {p:.2f} GB | {p / h:.2f} GB |", flush=True)
            for sub in (f"h{h}", f"c{h}", f"p{h}"): subprocess.run(["rm", "-rf", d / sub])
            res[h] = (b, p)
    return res

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hours", type=float, nargs="+", default=[1, 24])
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.quick: main(hours=(0.05, 0.1), unit_minutes=3)
    else: main(a.hours)
