#!/usr/bin/env bash
# `make bench-ratio`: every cold CLI path of issue 14 as a ratio to `python -c pass` measured in the
# same rounds, so the targets can be checked on any machine (hyperfine only with HYPERFINE=1).
# Usage: benchmarks/bench_ratio.sh [ROUNDS]   (default 60; bytecode caches are written first, as
# users run it)
# The last line is the NodeTopology row (5,000 emulated nodes); NO_TOPOLOGY=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
unset PYTHONDONTWRITEBYTECODE
AICR=.venv/bin/aicr
PY=.venv/bin/python
RUNS="${1:-${RUNS:-60}}"
"$PY" -m compileall -q src/aicr
# Inputs and outputs on tmpfs when there is one: on a shared disk, creating a bundle's 70-160
# files adds 15-55 ms that varies with other tenants' I/O (docs/performance.md), which is the
# disk's time, not the program's. BENCH_DIR overrides (e.g. BENCH_DIR=/tmp to include the disk).
base="${BENCH_DIR:-/dev/shm}"
[ -d "$base" ] && [ -w "$base" ] || base="${TMPDIR:-/tmp}"
tmp=$(mktemp -d -p "$base")
trap 'rm -rf "$tmp"' EXIT
# A private compiled-catalog cache: on a shared machine other users' runs prune ~/.cache/aicr
# (newest 8 kept), which turned "2nd run" rows into compile runs. Same files, same read cost.
export AICR_CACHE_DIR="$tmp/cache"
CRIT=(--service eks --accelerator h100 --intent training --os ubuntu --platform kubeflow)
"$AICR" recipe "${CRIT[@]}" -o "$tmp/r.yaml"
cp tests/fixtures/snapshot/eks-h100-ubuntu.yaml "$tmp/s.yaml"  # block style, as `aicr snapshot` writes it
"$AICR" bundle -r "$tmp/r.yaml" -o "$tmp/bundle" >/dev/null 2>&1
cp -r tests/fixtures/v011-catalog "$tmp/data"
"$AICR" bundle -r "$tmp/r.yaml" --data "$tmp/data" -o "$tmp/bd" >/dev/null 2>&1 || true  # first run: cache
"$AICR" validate -r "$tmp/r.yaml" -s "$tmp/s.yaml" --no-cluster >/dev/null
# Rows are timed in rounds, each round running `python -c pass` and then every row once
# (benchmarks/interleave.py): this VM's speed drifts by up to 1.5x within seconds (python -c
# pass 11-18 ms), so a baseline measured once, or each command's runs measured back to back,
# skews the ratios. A row's ratio is the median over rounds of its wall time over the same
# round's `python -c pass`; the CPU-time ratio (user + system) is printed beside it. The
# targets are issue 14's. HYPERFINE=1 adds hyperfine's back-to-back medians for comparison.
"$PY" benchmarks/interleave.py --rounds "$RUNS" \
  --name "python -c pass" \
  --name "validate --no-cluster" --target 1.9 \
  --name "verify DIR" --target 1.6 \
  --name "bundle --data (2nd run)" --target 3.3 \
  --name "recipe" --target 1.7 \
  --name "query" --target 2.5 \
  --name "bundle (embedded)" --target 2.5 \
  --name "snapshot --local" --target 2.1 \
  "$PY -c pass" \
  "$AICR validate -r $tmp/r.yaml -s $tmp/s.yaml --no-cluster -o $tmp/out.ctrf" \
  "$AICR verify $tmp/bundle" \
  "$AICR bundle -r $tmp/r.yaml --data $tmp/data -o $tmp/bd --force" \
  "$AICR recipe ${CRIT[*]} -o $tmp/r2.yaml" \
  "$AICR query ${CRIT[*]} --selector components.gpu-operator.values.driver.version" \
  "$AICR bundle -r $tmp/r.yaml -o $tmp/bundle" \
  "$AICR snapshot --local -o $tmp/snap.yaml"
echo "load average: $(cut -d' ' -f1 /proc/loadavg)"
if [ -n "${HYPERFINE:-}" ]; then
  hyperfine -N --warmup 3 --runs "$RUNS" -n "python -c pass" "$PY -c pass" \
    -n "validate --no-cluster" "$AICR validate -r $tmp/r.yaml -s $tmp/s.yaml --no-cluster -o $tmp/out.ctrf" \
    -n "verify DIR" "$AICR verify $tmp/bundle" \
    -n "bundle --data (2nd run)" "$AICR bundle -r $tmp/r.yaml --data $tmp/data -o $tmp/bd --force" \
    -n "recipe" "$AICR recipe ${CRIT[*]} -o $tmp/r2.yaml" \
    -n "query" "$AICR query ${CRIT[*]} --selector components.gpu-operator.values.driver.version" \
    -n "bundle (embedded)" "$AICR bundle -r $tmp/r.yaml -o $tmp/bundle" \
    -n "snapshot --local" "$AICR snapshot --local -o $tmp/snap.yaml" 2>/dev/null | grep -E "Benchmark|Time"
fi
# The NodeTopology row (absolute targets: collector CPU and peak RSS; see topology_scale.py).
if [ -z "${NO_TOPOLOGY:-}" ]; then
  "$PY" benchmarks/topology_scale.py --nodes 1000,5000 --rounds 9 | grep '^NodeTopology'
fi
