#!/usr/bin/env bash
# Cold start of `aicr bundle` (helm) for the embedded catalog's largest leaf recipe.
# Issue #3 target: median <= 60 ms on 2 cores (the Go reference takes ~38 ms).
# Usage: benchmarks/bundle_cold.sh; needs hyperfine. OUT_DIR picks the output location
# (default: out/bench-bundle in the repository). "fresh" runs remove the output first (hyperfine
# --prepare, not timed), as `make run` does; "rewrite" runs replace the previous bundle in place
# (deleting the old one is timed).
set -euo pipefail
cd "$(dirname "$0")/.."
AICR=.venv/bin/aicr
PY=.venv/bin/python
"$PY" -m compileall -q src/aicr  # bytecode (PYTHONDONTWRITEBYTECODE may be set)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
recipe="$work/recipe.yaml"
"$PY" benchmarks/bundle_largest.py "$recipe"
out="${OUT_DIR:-$PWD/out/bench-bundle}"
mkdir -p "$(dirname "$out")"
"$AICR" bundle -r "$recipe" -o "$out" >/dev/null 2>&1  # warm the catalog cache
json="$work/result.json"
hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-json "$json" \
  -n "python -c pass" --prepare "true" "$PY -c pass" \
  -n "aicr bundle (fresh dir)" --prepare "rm -rf $out" "$AICR bundle -r $recipe -o $out" \
  -n "aicr bundle (rewrite in place)" --prepare "true" "$AICR bundle -r $recipe -o $out" \
  >/dev/null
"$PY" - "$json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:36s} median {r['median']*1000:6.1f} ms  mean {r['mean']*1000:6.1f} ms  "
          f"min {r['min']*1000:6.1f} ms  stddev {r['stddev']*1000:5.1f} ms")
PY
