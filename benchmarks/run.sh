#!/usr/bin/env bash
# `make bench`: every benchmark of the project, in sequence. Figures go to stdout; record them
# in docs/performance.md with the date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
run() { echo; echo "== $*"; "$@"; }
run bash benchmarks/recipe_cold.sh
run "$PY" benchmarks/resolve_leaves.py --rounds 20
for script in benchmarks/bundle_cold.sh benchmarks/snapshot_local.sh benchmarks/server_latency.sh; do
  [ -f "$script" ] && run bash "$script"
done
for script in benchmarks/bundle_all.py benchmarks/topology_scale.py; do
  [ -f "$script" ] && run "$PY" "$script"
done
exit 0
