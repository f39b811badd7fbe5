#!/usr/bin/env bash
# aicrd benchmarks (called by benchmarks/run.sh): cached sequential latency, capacity with wrk,
# uncached first requests per leaf, and POST /v1/bundle for the largest recipe.
# Capacity: `wrk -t1 -c32 -d10s --latency` against a cached GET /v1/recipe with the rate limit
# off (AICR_RATE_LIMIT=0); client and server share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH=benchmarks

"$PY" benchmarks/server_latency.py --requests 1000

if command -v wrk >/dev/null; then
  PORT=$("$PY" -c 'import server_common; print(server_common.free_port())')
  PORT=$PORT AICR_SERVER_ADDRESS=127.0.0.1 AICR_RATE_LIMIT=0 AICR_LOG_LEVEL=error .venv/bin/aicrd 2>/dev/null &
  PID=$!
  trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
  URL="http://127.0.0.1:$PORT/v1/recipe?service=eks&accelerator=h100&intent=training&os=ubuntu"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 0.1; done
  curl -sf "$URL" >/dev/null
  echo "== wrk -t1 -c32 -d10s --latency (cached GET /v1/recipe, rate limit off)"
  wrk -t1 -c32 -d10s --latency "$URL"
  kill -TERM $PID; wait $PID 2>/dev/null || true
  trap - EXIT
else
  echo "wrk not installed: capacity benchmark skipped"
fi

"$PY" benchmarks/server_uncached.py --rounds 5
"$PY" benchmarks/server_bundle.py --requests 20
