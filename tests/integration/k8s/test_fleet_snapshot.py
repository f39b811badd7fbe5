"""`aicr snapshot --all-gpu-nodes` against the emulated API: 200 mixed GPU nodes, one agent pod each.

The Job hook plays each node's outcome by the node the Job is pinned to: most nodes complete
with a snapshot of their own (some with another driver, kernel or GPU model), one node's pod
never starts (image pull back-off), one agent fails, a few nodes are cordoned, and CPU-only nodes
are not touched at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.support.kube_emulator import KubeEmulator, make_nodes
from tests.support.kube_jobs import job_controller

from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient
from aicr.snapshot.agent_spec import AgentOptions
from aicr.snapshot.api import take_fleet_snapshot
from aicr.snapshot.fleet import FleetOptions, run_fleet
from aicr.snapshot.fleet_report import majority_snapshot

GPU_NODES = 200  # make_nodes(400): every second node has GPUs
OLD_DRIVER = {f"node-{i:05d}" for i in range(0, 40, 2)}  # 20 nodes
OLD_KERNEL = {"node-00100", "node-00102", "node-00104"}
OTHER_MODEL = {"node-00200", "node-00202"}
NEVER_STARTS = "node-00300"
AGENT_FAILS = "node-00302"
CORDONED = {"node-00398", "node-00396"}


def node_snapshot(node: str) -> str:
    driver = "570.86.15" if node in OLD_DRIVER else "580.95.05"
    kernel = "6.5.0-1020-aws" if node in OLD_KERNEL else "6.8.0-1021-aws"
    model = "NVIDIA H200" if node in OTHER_MODEL else "NVIDIA H100 80GB HBM3"
    return yaml.safe_dump(
        {
            "kind": "Snapshot",
            "apiVersion": "aicr.nvidia.com/v1alpha1",
            "metadata": {"source-node": node, "timestamp": "2026-01-01T00:00:00Z", "version": "0.1.0"},
            "measurements": [
                {"type": "GPU", "subtypes": [{"subtype": "smi", "data": {"driver": driver, "gpu.model": model}}]},
                {"type": "K8s", "subtypes": [{"subtype": "server", "data": {"version": "v1.33.5-eks-3025e55"}},
                                             {"subtype": "node", "data": {"kubelet-version": "v1.33.5"}}]},
                {"type": "OS", "subtypes": [{"subtype": "release", "data": {"ID": "ubuntu", "VERSION_ID": "24.04"}},
                                            {"subtype": "sysctl", "data": {"/proc/sys/kernel/osrelease": kernel}}]},
            ],
        }
    )  # fmt: skip


def pinned(job: dict[str, Any]) -> str:
    return str(job["spec"]["template"]["spec"]["nodeName"])


class Fleet:
    """The Job hook and what it saw: every Job, and the most agent Jobs alive at once."""

    def __init__(self, kube: KubeEmulator) -> None:
        self.kube = kube
        self.created: list[str] = []
        self.most_alive = 0
        complete = job_controller("complete", snapshot=lambda job: node_snapshot(pinned(job)))
        self.outcomes = {
            NEVER_STARTS: job_controller("image-pull"),
            AGENT_FAILS: job_controller("failed", reason="BackoffLimitExceeded", message="agent exited 1"),
        }
        self.default = complete

    def hook(self, emu: Any, job: dict[str, Any]) -> None:
        node = pinned(job)
        self.created.append(node)
        alive = len(emu.live("batch/v1/jobs", job["metadata"]["namespace"]))
        self.most_alive = max(self.most_alive, alive)
        self.outcomes.get(node, self.default)(emu, job)


@pytest.fixture
def fleet(kube: KubeEmulator) -> Fleet:
    nodes = list(make_nodes(2 * GPU_NODES))
    for node in nodes:
        if node["metadata"]["name"] in CORDONED:
            node["spec"]["unschedulable"] = True
    kube.add("v1/nodes", *nodes)
    recorder = Fleet(kube)
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", recorder.hook))
    return recorder


def leftovers(kube: KubeEmulator) -> dict[str, int]:
    kinds = ("batch/v1/jobs", "v1/pods", "v1/configmaps", "v1/serviceaccounts",
             "rbac.authorization.k8s.io/v1/roles", "rbac.authorization.k8s.io/v1/rolebindings",
             "rbac.authorization.k8s.io/v1/clusterroles", "rbac.authorization.k8s.io/v1/clusterrolebindings")  # fmt: skip
    counts = {kind: len([o for o in kube.objects(kind) if "aicr.run/run-id" in (o["metadata"].get("labels") or {})])
              for kind in kinds}  # fmt: skip
    counts["v1/configmaps"] = len(
        [o for o in kube.objects("v1/configmaps") if "agent-snapshot" in o["metadata"]["name"]]
    )
    return {k: v for k, v in counts.items() if v}


def agent(**kw: Any) -> AgentOptions:
    kw.setdefault("poll_interval", 0.001)
    kw.setdefault("stream_logs", False)
    return AgentOptions(**kw)


def test_every_gpu_node_is_measured_and_the_differences_are_counted(fleet: Fleet, api: ApiClient) -> None:
    doc = take_fleet_snapshot(agent(), client=api, max_parallel=16)
    assert doc["kind"] == "FleetSnapshot"
    assert doc["summary"] == {"nodes": 200, "measured": 196, "failed": 2, "timedOut": 0, "cordoned": 2}
    driver = doc["heterogeneity"]["driver"]
    assert driver["majority"] == "580.95.05"
    assert driver["counts"] == {"580.95.05": 176, "570.86.15": 20}
    assert driver["differing"] == sorted(OLD_DRIVER)
    assert doc["heterogeneity"]["kernel"]["differing"] == sorted(OLD_KERNEL)
    assert doc["heterogeneity"]["gpuModel"]["counts"] == {"NVIDIA H100 80GB HBM3": 194, "NVIDIA H200": 2}
    assert doc["heterogeneity"]["os"] == {
        "majority": "ubuntu 24.04",
        "counts": {"ubuntu 24.04": 196},
        "differing": [],
    }
    by_name = {n["name"]: n for n in doc["nodes"]}
    assert (
        by_name[NEVER_STARTS]["status"] == "failed" and "ImagePullBackOff" in by_name[NEVER_STARTS]["reason"]
    )
    assert by_name[AGENT_FAILS]["status"] == "failed" and "agent exited 1" in by_name[AGENT_FAILS]["reason"]
    assert {n for n, e in by_name.items() if e["status"] == "cordoned"} == CORDONED
    assert [n["name"] for n in doc["nodes"]] == sorted(by_name)
    assert "node-00001" not in by_name  # CPU-only nodes are not GPU nodes


def test_no_more_agent_jobs_than_the_bound_exist_at_once(fleet: Fleet, api: ApiClient) -> None:
    take_fleet_snapshot(agent(), client=api, max_parallel=7)
    assert len(fleet.created) == GPU_NODES - len(CORDONED)
    assert fleet.most_alive <= 7


def test_everything_the_run_created_is_deleted(fleet: Fleet, kube: KubeEmulator, api: ApiClient) -> None:
    take_fleet_snapshot(agent(), client=api, max_parallel=10)
    assert leftovers(kube) == {}


def test_a_pod_that_never_finishes_times_out_instead_of_hanging(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/nodes", *make_nodes(4))
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", job_controller("running")))
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += 60.0  # each poll round is a minute on this clock

    fleet = FleetOptions(agent(), max_parallel=2, node_timeout=300.0, clock=lambda: now[0], sleep=sleep)
    results = run_fleet(api, fleet)
    assert sorted((r.name, r.status) for r in results) == [
        ("node-00000", "timed-out"),
        ("node-00002", "timed-out"),
    ]
    assert "no result within 300s" in results[0].reason
    assert leftovers(kube) == {}


def test_cleanup_after_an_exception_mid_run(fleet: Fleet, kube: KubeEmulator, api: ApiClient) -> None:
    def boom(emu: Any, job: dict[str, Any]) -> None:
        fleet.hook(emu, job)
        if len(fleet.created) == 25:
            raise RuntimeError("controller crashed")

    kube.call(lambda emu: emu.on_create.__setitem__("jobs", boom))
    with pytest.raises(AicrError):
        take_fleet_snapshot(agent(), client=api, max_parallel=10)
    assert leftovers(kube) == {}


def test_cleanup_after_ctrl_c(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/nodes", *make_nodes(40))
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", job_controller("running")))

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the first agents are still running

    fleet = FleetOptions(agent(), max_parallel=3, sleep=interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_fleet(api, fleet)
    assert leftovers(kube) == {}


def test_no_gpu_nodes_is_not_found(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add(
        "v1/nodes", *[n for n in make_nodes(6) if "nvidia.com/gpu.present" not in n["metadata"]["labels"]]
    )
    with pytest.raises(AicrError) as err:
        take_fleet_snapshot(agent(), client=api)
    assert err.value.code is Code.NOT_FOUND


def test_the_cli_writes_the_document_then_exits_6_naming_the_unmeasured(
    fleet: Fleet, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet.yaml"
    code = main(["snapshot", "--all-gpu-nodes", "--max-parallel", "20", "-o", str(out)])
    assert code == 6
    err = capsys.readouterr().err
    assert "2 of 200 GPU nodes could not be measured" in err and NEVER_STARTS in err
    doc = yaml.safe_load(out.read_text())
    assert doc["summary"]["measured"] == 196


def test_recipe_takes_its_criteria_from_the_typical_node(
    fleet: Fleet, kubeconfig: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fleet.yaml"
    main(["snapshot", "--all-gpu-nodes", "-o", str(out)])
    typical = majority_snapshot(yaml.safe_load(out.read_text()))
    assert typical["metadata"]["source-node"] not in OLD_DRIVER | OLD_KERNEL | OTHER_MODEL
    recipe = tmp_path / "r.yaml"
    assert main(["recipe", "-s", str(out), "--intent", "training", "-o", str(recipe), "--quiet"]) == 0
    criteria = yaml.safe_load(recipe.read_text())["criteria"]
    assert (criteria["service"], criteria["accelerator"], criteria["os"]) == ("eks", "h100", "ubuntu")


@pytest.mark.parametrize("argv", [["--local"], ["--template", "t.j2"], ["-t", "table"]])
def test_incompatible_flags_are_refused(
    argv: list[str], kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snapshot", "--all-gpu-nodes", *argv]) == 2


def test_max_parallel_needs_all_gpu_nodes(kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--max-parallel", "3", "-o", "x.yaml"]) == 2
    assert "--max-parallel applies only with --all-gpu-nodes" in capsys.readouterr().err


def test_the_agents_role_names_every_node_result_configmap(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/nodes", *make_nodes(6))
    kube.call(
        lambda emu: emu.on_create.__setitem__("jobs", job_controller("complete", snapshot=node_snapshot("x")))
    )
    results = run_fleet(api, FleetOptions(agent(cleanup=False), max_parallel=2), run_id="r1")
    roles = kube.objects("rbac.authorization.k8s.io/v1/roles", "default")
    named = [rule["resourceNames"] for rule in roles[0]["rules"] if rule.get("resourceNames")]
    jobs = kube.objects("batch/v1/jobs", "default")
    written = sorted(j["spec"]["template"]["spec"]["containers"][0]["args"][3].split("/")[-1] for j in jobs)
    assert len(results) == 3 and named == [written]


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_max_parallel_must_be_a_whole_number_of_at_least_one(
    value: str, fleet: Fleet, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snapshot", "--all-gpu-nodes", f"--max-parallel={value}", "-o", "x.yaml"]) == 2
    assert (
        f'invalid value "{value}" for flag --max-parallel: expected an integer >= 1'
        in capsys.readouterr().err
    )
    assert fleet.created == []  # refused before any Job
