#!/usr/bin/env bash
# Wall time of `aicr validate -r R -s S --no-cluster` (readiness gate + catalog + CTRF for the
# EKS H100 training recipe) against `python -c pass`. Usage: benchmarks/validate_no_cluster.sh;
# needs hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
AICR=.venv/bin/aicr
PY=.venv/bin/python
"$PY" -m compileall -q src/aicr  # bytecode (PYTHONDONTWRITEBYTECODE may be set)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$AICR" recipe --service eks --accelerator h100 --intent training --os ubuntu -o "$tmp/r.yaml"
cp tests/fixtures/snapshot/eks-h100-ubuntu.yaml "$tmp/s.yaml"  # block style, as `aicr snapshot` writes it
"$AICR" validate -r "$tmp/r.yaml" -s "$tmp/s.yaml" --no-cluster >/dev/null
hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-json "$tmp/out.json" \
  -n "python -c pass" "$PY -c pass" \
  -n "aicr validate --no-cluster" "$AICR validate -r $tmp/r.yaml -s $tmp/s.yaml --no-cluster -o $tmp/out.ctrf" \
  >/dev/null 2>&1
"$PY" - "$tmp/out.json" <<'PY'
import json, os, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:28s} median {r['median']*1000:6.1f} ms  mean {r['mean']*1000:6.1f} ms  "
          f"min {r['min']*1000:6.1f} ms  stddev {r['stddev']*1000:5.1f} ms")
print(f"load average: {os.getloadavg()[0]:.2f}")
PY
