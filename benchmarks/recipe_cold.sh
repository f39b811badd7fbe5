#!/usr/bin/env bash
# Cold start of `aicr recipe` for the example cluster (issue target: median <= 50 ms on 2 cores).
# Usage: benchmarks/recipe_cold.sh [hyperfine args...]; needs hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
AICR=.venv/bin/aicr
PY=.venv/bin/python
"$AICR" recipe --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow >/dev/null  # warm the compiled-catalog cache
hyperfine -N --warmup 5 --runs "${RUNS:-40}" "$@" \
  -n "python -c pass" "$PY -c pass" \
  -n "aicr recipe (eks/h100/training/ubuntu/kubeflow)" \
  "$AICR recipe --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow"
