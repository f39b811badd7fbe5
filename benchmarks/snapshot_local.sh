#!/usr/bin/env bash
# Wall time of `aicr snapshot --local -o FILE` on this host (issue #4 target: median <= 60 ms on
# 2 cores; the Go reference takes ~33 ms). Usage: benchmarks/snapshot_local.sh; needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
AICR=.venv/bin/aicr
PY=.venv/bin/python
"$PY" -m compileall -q src/aicr  # bytecode (PYTHONDONTWRITEBYTECODE may be set)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No cluster and no GPU tooling: what a bare host measures (KUBECONFIG unset, empty HOME).
export HOME="$tmp" && unset KUBECONFIG KUBERNETES_SERVICE_HOST
"$AICR" snapshot --local -o "$tmp/s.yaml" 2>/dev/null
hyperfine -N --warmup 5 --runs "${RUNS:-60}" --export-json "$tmp/out.json" \
  -n "python -c pass" "$PY -c pass" \
  -n "aicr snapshot --local -o FILE" "$AICR snapshot --local -o $tmp/s.yaml" >/dev/null 2>&1
"$PY" - "$tmp/out.json" "$tmp/s.yaml" <<'PY'
import json, os, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:32s} median {r['median']*1000:6.1f} ms  mean {r['mean']*1000:6.1f} ms  "
          f"min {r['min']*1000:6.1f} ms  stddev {r['stddev']*1000:5.1f} ms")
print(f"snapshot size: {os.path.getsize(sys.argv[2])} bytes")
print(f"load average: {os.getloadavg()[0]:.2f}")
PY
