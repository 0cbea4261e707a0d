#!/bin/bash
# Every check that needs a GPU, in one command (GPU machines come to few sessions): installs mamba-ssm from the
# project's copy of shared/gpu (an ignored .gpu/ folder carried to the machine) when it does not import, then runs
# benchmarks/gpu_report.py: the #| cuda parity cells, the speed table of both presets on both backends, v3's peak
# memory at batch 128, a profile of one v3 step, and the rows for benchmarks/README.md.
#   usage: bash benchmarks/gpu.sh [gpu_report.py options]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
[ -x .venv/bin/python ] && PY=.venv/bin/python
if ! "$PY" -c "import mamba_ssm.ops.triton.ssd_combined, selective_scan_cuda" 2>/dev/null; then
  if [ -f /tmp/site/mamba_ssm/__init__.py ]; then echo "using mamba-ssm in /tmp/site"
  elif [ -f .gpu/build-mamba-ssm.sh ]; then bash .gpu/build-mamba-ssm.sh
  else echo "mamba-ssm does not import and .gpu/build-mamba-ssm.sh is missing (copy ../shared/gpu to .gpu/): kernel rows will be skipped" >&2
  fi
  export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
"$PY" -c "from seizure_nb.model import doctor; [print(f'{k:26} {v}') for k, v in doctor().items()]"
exec "$PY" benchmarks/gpu_report.py "$@"
