"""Orchestration overhead of `aicr.validate` per check against the emulated Kubernetes API.

Jobs finish the moment they are created (tests/integration/validate/validator_jobs.py), so the
figure is the orchestrator's own cost per check: create Job, poll, find pod, read logs, delete
Job and pod, plus the run's fixed cost (access review, RBAC, ConfigMaps, cleanup).
Usage: .venv/bin/python benchmarks/validate_emulated.py [--checks 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.validate.validator_jobs import Exit, validator_controller
from tests.support.kube_emulator import KubeEmulator

from aicr.k8s.client import ApiClient
from aicr.k8s.config import ConfigSource
from aicr.validate.api import validate
from aicr.validate.orchestrator import RunOptions


class Catalog:
    def __init__(self, validators: list[dict[str, object]]) -> None:
        self.validators = validators


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    names = [f"check-{i:02d}" for i in range(args.checks)]
    catalog = Catalog([{"name": n, "phase": "deployment", "image": "x/y:v1", "timeout": "1m"} for n in names])
    recipe = {"kind": "RecipeResult", "validation": {"deployment": {"checks": names}}}
    snapshot = {"kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1", "measurements": []}
    script = {n: Exit(0, logs="ok\nRESULT: fine\n") for n in names}
    times = []
    with KubeEmulator() as kube, tempfile.TemporaryDirectory() as tmp:
        kube.call(lambda emu: emu.on_create.__setitem__("jobs", validator_controller(script)))
        config = kube.write_kubeconfig(Path(tmp) / "kubeconfig")
        with ApiClient.from_source(ConfigSource("file", str(config))) as api:
            for _ in range(args.rounds):
                start = time.perf_counter()
                report = validate(
                    recipe,
                    snapshot,
                    phases="deployment",
                    client=api,
                    catalog=catalog,
                    options=RunOptions(poll_interval=0.01),
                )
                times.append(time.perf_counter() - start)
                assert report.summary["passed"] == args.checks
    median = statistics.median(times)
    print(
        f"{args.checks} checks, {args.rounds} rounds: median run {median * 1000:.0f} ms, "
        f"{median * 1000 / args.checks:.1f} ms per check (emulated API, instant Jobs)"
    )


if __name__ == "__main__":
    main()
