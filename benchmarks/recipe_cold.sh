#!/usr/bin/env bash
# Cold start of `aicr recipe` for the example cluster (issue target: median <= 50 ms on 2 cores).
# Usage: benchmarks/recipe_cold.sh; needs hyperfine (apt-get install hyperfine). Prints medians.
set -euo pipefail
cd "$(dirname "$0")/.."
AICR=.venv/bin/aicr
PY=.venv/bin/python
"$PY" -m compileall -q src/aicr  # bytecode (PYTHONDONTWRITEBYTECODE may be set)
"$AICR" recipe --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow >/dev/null  # warm the catalog cache
out=$(mktemp)
hyperfine -N --warmup 5 --runs "${RUNS:-60}" --export-json "$out" \
  -n "python -c pass" "$PY -c pass" \
  -n "aicr recipe eks/h100/training/ubuntu/kubeflow" \
  "$AICR recipe --service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow" >/dev/null
"$PY" - "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:48s} median {r['median']*1000:6.1f} ms  mean {r['mean']*1000:6.1f} ms  "
          f"min {r['min']*1000:6.1f} ms  stddev {r['stddev']*1000:5.1f} ms")
PY
rm -f "$out"
