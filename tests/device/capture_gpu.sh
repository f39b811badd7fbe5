#!/usr/bin/env bash
# Device check (issue 9): capture real nvidia-smi output and run the GPU collector on it.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=$PWD/src:/tmp/site
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1; echo "rc=$?" >> "$OUT/rcs.txt"
nvidia-smi -q -x > "$OUT/nvidia-smi-q.xml" 2>&1; echo "xml rc=$?" >> "$OUT/rcs.txt"
( nvidia-smi && echo GPU_CHECK_SUCCESS ) > "$OUT/check-nvidia-smi.log" 2>&1; echo "check rc=$?" >> "$OUT/rcs.txt"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv > "$OUT/query.csv" 2>&1
time python3 -c "import sys; from aicr.cli.main import console; sys.argv[0]='aicr'; console()" snapshot --local -o "$OUT/snapshot.yaml" 2> "$OUT/snapshot.err"; echo "snapshot rc=$?" >> "$OUT/rcs.txt"
python3 -c "import sys; from aicr.cli.main import console; sys.argv[0]='aicr'; console()" snapshot --local -t json -o "$OUT/snapshot.json" 2>> "$OUT/snapshot.err"
cat "$OUT/rcs.txt"; head -30 "$OUT/check-nvidia-smi.log"; grep -A12 'type: GPU' "$OUT/snapshot.yaml" | head -40
