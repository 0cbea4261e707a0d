"The README and `nbs/index.ipynb` say the same things, and saved notebook outputs are as `make notebooks` leaves them."
import copy, json, re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SHARED = ("Quick start", "What the demo's scores mean", "Glossary") # sections both must hold, word for word

def sections(blocks:list[str]) -> dict[str, str]:
    "`## ` sections of markdown blocks, by heading; a section ends at the next heading or at the end of its block."
    out = {}
    for b in blocks:
        for part in re.split(r"^## ", b, flags=re.M)[1:]:
            head, _, body = part.partition("\n")
            out[head.strip()] = body.strip()
    return out

def test_readme_and_index_agree():
    readme = sections([(ROOT / "README.md").read_text()])
    index = sections(["".join(c["source"]) for c in json.loads((ROOT / "nbs/index.ipynb").read_text())["cells"]
                      if c["cell_type"] == "markdown"])
    for name in SHARED:
        assert name in readme and name in index, f"section '## {name}' missing from README.md or nbs/index.ipynb"
        assert readme[name] == index[name], f"section '## {name}' differs between README.md and nbs/index.ipynb"

def test_sections_split_at_headings():
    got = sections(["intro\n## A\none\n\ntwo\n## B\nthree", "## C\nfour"])
    assert got == {"A": "one\n\ntwo", "B": "three", "C": "four"}

def test_saved_outputs_are_trimmed():
    "No widget state and no rates in committed outputs: what `tools/run_notebooks.py --write` saves."
    sys.path.insert(0, str(ROOT / "tools"))
    from run_notebooks import trim
    for p in sorted((ROOT / "nbs").glob("*.ipynb")):
        nb = nbformat.read(p, as_version=4)
        assert "widgets" not in nb.metadata, f"{p.name}: widget state saved (run make notebooks)"
        assert trim(copy.deepcopy(nb)) == nb, f"{p.name}: saved outputs hold rates or machine paths (run make notebooks)"
