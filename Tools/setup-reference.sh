#!/usr/bin/env bash
# Creates Tools/.venv with the CPU build of PyTorch for the reference checks in Tools/reference.
# PyTorch is only ever used here, never by inr itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x Tools/.venv/bin/python ]]; then
    python3 -m venv Tools/.venv
fi
if ! Tools/.venv/bin/python -c "import torch, numpy, yaml" 2>/dev/null; then
    Tools/.venv/bin/pip install --quiet "torch==2.13.0+cpu" numpy pyyaml \
        || Tools/.venv/bin/pip install --quiet "torch==2.13.0+cpu" numpy pyyaml --extra-index-url https://download.pytorch.org/whl/cpu
fi
Tools/.venv/bin/python -c "import torch; print('reference venv ready: torch', torch.__version__)"
