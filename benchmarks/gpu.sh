#!/bin/bash
# Every GPU check of issue 18 in one command, in under 8 minutes of device time (GPU machines come to few sessions):
# loads mamba-ssm's Triton SSD kernels WITHOUT building mamba-ssm (a package module `mamba_ssm` whose __path__ is the
# extracted sdist's mamba_ssm/ folder, so its __init__.py, which needs the compiled CUDA extension, never runs), then
# runs benchmarks/gpu_v3.py with a 5-minute budget and prints the rows for benchmarks/README.md.
#   setup (here, before carrying .gpu to the device):
#     mkdir -p .gpu && tar xzf <shared>/gpu/mamba_ssm-2.3.2.post1.tar.gz -C .gpu
#   usage: bash benchmarks/gpu.sh [gpu_v3.py options]   (run tool: carry [".gpu"], and ".venv" when it is set up there)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
[ -x .venv/bin/python ] && PY=.venv/bin/python
SRC=${MAMBA_SRC:-$(ls -d .gpu/mamba_ssm-*/ 2>/dev/null | head -1)}
if [ -z "$SRC" ] || [ ! -d "$SRC/mamba_ssm/ops/triton" ]; then
  echo "mamba-ssm's sources are missing: extract the sdist into .gpu/ first:" >&2
  echo "  mkdir -p .gpu && tar xzf <shared>/gpu/mamba_ssm-2.3.2.post1.tar.gz -C .gpu" >&2
  echo "(or set MAMBA_SRC to an extracted mamba_ssm-* folder); kernel rows are skipped without it" >&2
fi
mkdir -p .gpu/shim
cat > .gpu/shim/sitecustomize.py <<PYEOF
import os, sys, types
src = os.environ.get("MAMBA_SRC_DIR", "")
if src and "mamba_ssm" not in sys.modules:
    shim = types.ModuleType("mamba_ssm"); shim.__path__ = [os.path.join(src, "mamba_ssm")]
    shim.__version__ = os.path.basename(src.rstrip("/")).replace("mamba_ssm-", "") + " (Triton SSD from sources, no build)"
    sys.modules["mamba_ssm"] = shim
PYEOF
export MAMBA_SRC_DIR=${SRC:+$(cd "$SRC" && pwd)}
export PYTHONPATH=$PWD/.gpu/shim${PYTHONPATH:+:$PYTHONPATH}
export TRITON_CACHE_DIR=${TRITON_CACHE_DIR:-$PWD/.gpu/triton-cache}   # emptied: the first step below is the cold one
export TRITON_CACHE_AUTOTUNING=1                                        # autotune results cached too (newer Tritons)
rm -rf "$TRITON_CACHE_DIR"
"$PY" -c "import triton; print('triton', triton.__version__)" || true
"$PY" -c "from seizure_nb.model import doctor; [print(f'{k:26} {v}') for k, v in doctor().items()]"
exec "$PY" benchmarks/gpu_v3.py --budget 300 "$@"   # 5 minutes: the machine's start-up takes the rest of 8
