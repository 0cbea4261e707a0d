# seizure_nb: `make demo` and `make test` work on a fresh clone (they create .venv first).
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup demo test check export clean bench lab notebooks

setup: $(VENV)/.installed

# torch first, pinned. On the project's build machine `torch==2.13.0` resolves to a CPU wheel that
# is already on its disk. On another Linux machine PyPI's default torch wheel is the CUDA build
# (several GB with its CUDA libraries); for the CPU build there, use PyTorch's CPU index:
#   make setup TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
$(VENV)/.installed: settings.ini setup.py
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -c "from seizure_nb.model import cpu_scan_kernel; print(cpu_scan_kernel()[1])"  # the compiled CPU scan, built once (~30 s)
	touch $@

demo: setup  ## synthetic TUSZ corpus -> cache -> manifests -> summary, under ./demo
	$(PY) -m seizure_nb demo --out demo

export: setup  ## notebooks -> package
	$(BIN)/nbdev_export

check: setup  ## notebooks clean and package in sync with them (what CI checks)
	$(BIN)/nbdev_export
	@git diff --quiet -- seizure_nb && test -z "$$(git status --porcelain -- seizure_nb)" || { git status --short -- seizure_nb; echo "seizure_nb/ is out of sync with nbs/: run nbdev_export and commit"; exit 1; }
	$(BIN)/nbdev_clean
	@test -z "$$(git status --porcelain -- nbs)" || { git status --short -- nbs; echo "notebooks are not clean: run nbdev_clean and commit"; exit 1; }

test: setup  ## notebook tests, every notebook run top to bottom in a Jupyter kernel, then pytest (CLI, Modal, benchmarks)
	$(BIN)/nbdev_export
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2  # one torch thread per notebook: two notebooks on two cores, no oversubscription
	$(PY) tools/run_notebooks.py
	$(BIN)/pytest -q --durations=5 tests

lab: setup  ## JupyterLab on the notebooks, from the project venv (LAB_ARGS: more options, e.g. --no-browser --port 8889)
	cd nbs && ../$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

notebooks: setup  ## run every notebook top to bottom and save its outputs (then commit them)
	$(PY) tools/run_notebooks.py --write
	$(BIN)/nbdev_clean

bench: setup
	$(PY) benchmarks/cache_and_loader.py

clean:
	rm -rf demo $(VENV)
