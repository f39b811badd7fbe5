#!/usr/bin/env bash
# Device check (issue 9): run check-nvidia-smi's own command and log judge against the real
# nvidia-smi on a GPU machine, and the GPU collector; results land in $OUT.
set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=$PWD/src:/tmp/site
python3 - <<'PY' | tee "$OUT/judge.txt"
import json, os, subprocess
from aicr.validators.nvidia_smi import SUCCESS_MARKER, judge_smi_log, parse_driver_version
from aicr.snapshot.collectors import gpu
log = subprocess.run(["sh", "-c", f"nvidia-smi && echo {SUCCESS_MARKER}"], capture_output=True, text=True).stdout
open(os.path.join(os.environ["OUT"], "pod.log"), "w").write(log)
driver = parse_driver_version(log)
results = {
    "driver": driver,
    "no_constraint": judge_smi_log(log, None),
    "floor_met": judge_smi_log(log, ">= 580"),
    "floor_missed": judge_smi_log(log, ">= 999"),
    "collector": gpu.collect_smi().data,
}
print(json.dumps(results, indent=2, default=str))
PY
