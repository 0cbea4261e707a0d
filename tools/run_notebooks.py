"""Run every notebook top to bottom in a real Jupyter kernel, as JupyterLab's Run All does (nbclient), on this machine.

    python tools/run_notebooks.py               # execute each notebook; exit 1 naming the first cell that fails
    python tools/run_notebooks.py --write       # and save the outputs into the notebooks (`make notebooks`)
    python tools/run_notebooks.py 05_eval       # only the notebooks whose names contain these strings

`nbdev_test` skips `#| cuda`, `#| slow` and `#| eval: false` cells and runs in its own shell; this runs every cell,
so a notebook that works under `nbdev_test` but not in JupyterLab (a GPU cell without its check, argparse reading the
kernel's arguments) fails here. Progress is logged as its last plain line only (SEIZURE_NB_PROGRESS=end) so that saved
outputs stay small and show where each stage ended; machine paths, rates and widget state are left out of what is saved
(`trim`): they would change with every rerun.
"""
import argparse, os, re, sys, tempfile, time
from pathlib import Path

NBS = Path(__file__).resolve().parents[1] / "nbs"
MAX_OUTPUT_CHARS = 20_000 # a text output longer than this is cut when saved

RATE = re.compile(r", \d+(?:\.\d+)? [^\s,;/]+/s(?=[;\n]|$)", re.M) # `LogProgress`'s ", 4.86 it/s"

def _tidy(text:str) -> str:
    "Saved text that reruns do not change: this checkout becomes `<repo>`, temporary directories `<tmp>`, rates go."
    text = text.replace(str(NBS.parent), "<repo>")
    text = re.sub(re.escape(tempfile.gettempdir()) + r"/tmp[\w]+", "<tmp>", text)
    text = RATE.sub("", text)
    return text[:MAX_OUTPUT_CHARS] + "\n... (cut)\n" if len(text) > MAX_OUTPUT_CHARS else text

def trim(nb):
    "Saved outputs for reading: long text cut, machine paths and rates out (see `_tidy`), no widget state."
    nb.metadata.pop("widgets", None)  # tqdm bars' frozen state; `nbdev_clean` keeps this key, so it goes here
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out: out["text"] = _tidy(out["text"])
            if "text/plain" in out.get("data", {}): out["data"]["text/plain"] = _tidy(out["data"]["text/plain"])
            if "traceback" in out: out["traceback"] = [_tidy(t) for t in out["traceback"]]
    return nb

def run(path:Path, write:bool, timeout:int) -> float:
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    t = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()  # no start-up chatter in CI logs
    if write: nbformat.write(trim(nb), path)
    return time.perf_counter() - t

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="run only notebooks whose file names contain one of these")
    ap.add_argument("--write", action="store_true", help="save the outputs into the notebooks")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    a = ap.parse_args(argv)
    # inherited by the kernels: progress as its last plain line only, not a frozen bar nor a line per 30 s (how many of
    # those a run prints depends on the machine's speed, and a rerun would change the saved outputs)
    os.environ["SEIZURE_NB_PROGRESS"] = "end"
    os.environ["MATPLOTLIBRC"] = str(Path(__file__).with_name("matplotlibrc"))  # 110 dpi, legible legends
    paths = [p for p in sorted(NBS.glob("*.ipynb")) if not a.names or any(n in p.name for n in a.names)]
    from nbclient.exceptions import CellExecutionError
    for p in paths:
        try: print(f"{p.name:32} {run(p, a.write, a.timeout):6.1f} s", flush=True)
        except CellExecutionError as e:
            print(f"{p.name}: Run All failed\n{str(e)[-3000:]}", file=sys.stderr); return 1
    print(f"{len(paths)} notebooks ran top to bottom" + (" (outputs saved)" if a.write else ""))
    return 0

if __name__ == "__main__": sys.exit(main())
