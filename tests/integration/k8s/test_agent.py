"""The snapshot agent end to end against the emulated API (reference/snapshot.md §4, §7 #27-#29).

A scripted Job controller (tests/support/kube_jobs.py) plays the cluster's part. Every test checks
that no run-owned object survives (except with --no-cleanup).
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator
from tests.support.kube_jobs import job_controller, sample_snapshot
from tests.support.waiting import wait_until

from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient
from aicr.k8s.config import ConfigSource
from aicr.snapshot.agent import run_agent
from aicr.snapshot.agent_spec import AgentOptions
from aicr.snapshot.api import take_snapshot

RUN_OWNED = (
    "batch/v1/jobs",
    "v1/pods",
    "v1/configmaps",
    "v1/serviceaccounts",
    "rbac.authorization.k8s.io/v1/roles",
    "rbac.authorization.k8s.io/v1/rolebindings",
    "rbac.authorization.k8s.io/v1/clusterroles",
    "rbac.authorization.k8s.io/v1/clusterrolebindings",
)


def run_objects(kube: KubeEmulator) -> list[str]:
    """`resource/name` of every live object labelled with a run ID (or named like one)."""
    found = []
    for resource in RUN_OWNED:
        for obj in kube.objects(resource):
            meta = obj["metadata"]
            if "aicr.run/run-id" in (meta.get("labels") or {}) or meta["name"].startswith(
                "aicr-agent-snapshot-"
            ):
                found.append(f"{resource}/{meta['name']}")
    return found


def set_jobs(kube: KubeEmulator, hook: Any) -> None:
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", hook))


def opts(**kw: Any) -> AgentOptions:
    kw.setdefault("poll_interval", 0.02)
    kw.setdefault("timeout", 10.0)
    return AgentOptions(**kw)


def test_successful_run_delivers_the_snapshot_and_leaves_nothing_behind(
    kube: KubeEmulator, kubeconfig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[dict[str, Any]] = []
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot(), seen=seen))
    out = tmp_path / "snap.json"
    assert (
        main(
            [
                "snapshot",
                "-o",
                str(out),
                "--format",
                "json",
                "--timeout",
                "30s",
                "--node-selector",
                "nvidia.com/gpu.present=true",
                "--toleration",
                "nvidia.com/gpu:NoSchedule",
            ]
        )
        == 0
    )
    doc = json.loads(out.read_text())  # re-rendered in the requested format
    assert doc["metadata"]["source-node"] == "gpu-node-1"
    assert doc["measurements"][0]["subtypes"][0]["data"]["gpu-count"] == 8
    (job,) = seen
    run_id = job["metadata"]["labels"]["aicr.run/run-id"]
    assert job["metadata"]["name"] == f"aicr-{run_id}"
    assert job["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "aicr"
    pod = job["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert run_objects(kube) == []
    assert "[agent] snapshot written" in capsys.readouterr().err  # pod logs streamed to stderr


def test_configmap_output_is_delivered_and_kept(kube: KubeEmulator, kubeconfig: Path) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    assert main(["snapshot", "-o", "cm://default/gpu-snapshot"]) == 0
    names = [cm["metadata"]["name"] for cm in kube.objects("v1/configmaps", "default")]
    assert names == ["gpu-snapshot"]
    assert run_objects(kube) == []


def test_new_namespace_is_created_and_never_deleted(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    run_agent(api, opts(namespace="gpu-snapshots"))
    assert [ns["metadata"]["name"] for ns in kube.objects("v1/namespaces")] == [
        "default",
        "gpu-snapshots",
        "kube-system",
    ]
    assert run_objects(kube) == []


def test_no_cleanup_keeps_every_run_object(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    run_agent(api, opts(cleanup=False))
    kinds = sorted({entry.split("/")[-2] for entry in run_objects(kube)})
    assert kinds == [
        "clusterrolebindings",
        "clusterroles",
        "configmaps",
        "jobs",
        "pods",
        "rolebindings",
        "roles",
        "serviceaccounts",
    ]


def test_rbac_denials_are_all_listed_in_one_unauthorized_error(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    denied = {("create", "jobs"), ("create", "clusterroles"), ("delete", "configmaps")}
    kube.call(lambda emu: setattr(emu, "authorize", lambda a: (a["verb"], a["resource"]) not in denied))
    assert main(["snapshot"]) == 4
    err = capsys.readouterr().err
    assert "missing 3 permission(s)" in err
    assert 'create jobs.batch in namespace "default"' in err
    assert "create clusterroles.rbac.authorization.k8s.io cluster-wide" in err
    assert 'delete configmaps "aicr-agent-snapshot-' in err
    assert run_objects(kube) == [] and not kube.objects("v1/serviceaccounts")


def test_forbidden_access_review_is_unauthorized(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube.call(lambda emu: emu.fail("POST", "selfsubjectaccessreviews", 403, "forbidden: User cannot create"))
    assert main(["snapshot"]) == 4
    assert "cannot check permissions" in capsys.readouterr().err


def test_unreachable_api_server_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kubeconfig = tmp_path / "dead"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "d",
                "clusters": [{"name": "d", "cluster": {"server": f"http://127.0.0.1:{port}"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "d", "context": {"cluster": "d", "user": "u"}}],
            }
        )
    )
    assert main(["snapshot", "--kubeconfig", str(kubeconfig)]) == 6
    assert "cannot reach the Kubernetes API" in capsys.readouterr().err


def test_failed_job_dumps_logs_and_cleans_up(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("failed", logs="[agent] boom: nvidia-smi crashed\n"))
    err = io.StringIO()
    with pytest.raises(AicrError) as failure:
        run_agent(api, opts(stream_logs=False), err=err)
    assert failure.value.code is Code.INTERNAL
    assert "BackoffLimitExceeded" in failure.value.message
    assert err.getvalue() == "--- agent logs ---\n[agent] boom: nvidia-smi crashed\n--- end logs ---\n"
    assert run_objects(kube) == []


def test_timeout_exits_5_and_cleans_up(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, job_controller("running", logs="[agent] still collecting\n"))
    start = time.monotonic()
    assert main(["snapshot", "--timeout", "0.3s"]) == 5
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    assert "timed out after 0.3s" in err and "--- agent logs ---" in err
    assert run_objects(kube) == []


def test_missing_result_is_not_found(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, job_controller("no-result"))
    assert main(["snapshot"]) == 3
    assert "left no snapshot" in capsys.readouterr().err
    assert run_objects(kube) == []


def test_require_gpu_on_a_node_without_gpus(kube: KubeEmulator, kubeconfig: Path, tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot(gpu_count=0), seen=seen))
    out = tmp_path / "s.yaml"
    assert main(["snapshot", "--require-gpu", "-o", str(out)]) == 3
    assert not out.exists()
    assert (
        seen[0]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == "1"
    )


def test_missing_runtime_class_is_not_found(kube: KubeEmulator, kubeconfig: Path) -> None:
    assert main(["snapshot", "--runtime-class", "nvidia"]) == 3
    assert run_objects(kube) == []


def test_ctrl_c_mid_wait_cleans_up_every_run_object(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("running"))

    def interrupt(phase: str, elapsed: float) -> None:
        if phase == "running":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_agent(api, opts(stream_logs=False), on_progress=interrupt)
    assert run_objects(kube) == []
    deletes = [path for method, path, _ in kube.requests() if method == "DELETE"]
    assert len(deletes) == 7  # Job, staging ConfigMap, RoleBinding, Role, SA, ClusterRoleBinding, ClusterRole


def test_cleanup_failures_are_a_warning_not_an_error(
    kube: KubeEmulator, api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    kube.call(lambda emu: emu.fail("DELETE", "roles", 500, "etcd is sad"))
    assert b"gpu-count: 8" in run_agent(api, opts())
    assert "cleanup incomplete" in capsys.readouterr().err
    assert [o.split("/")[-2] for o in run_objects(kube)] == ["roles"]


def test_two_concurrent_runs_never_touch_each_others_objects(kube: KubeEmulator, kubeconfig: Path) -> None:
    set_jobs(
        kube,
        job_controller("complete", snapshot=lambda job: sample_snapshot(source_node=job["metadata"]["name"])),
    )
    results: dict[int, Any] = {}

    def one(i: int) -> None:
        with ApiClient.from_source(ConfigSource("file", str(kubeconfig))) as client:
            results[i] = take_snapshot(False, client=client, agent=opts(stream_logs=False))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    nodes = sorted(str(results[i].metadata["source-node"]) for i in range(2))
    assert len(set(nodes)) == 2 and all(n.startswith("aicr-") for n in nodes)
    run_ids = [n.removeprefix("aicr-") for n in nodes]
    deletes = [path for method, path, _ in kube.requests() if method == "DELETE"]
    assert len(deletes) == 14
    for run_id in run_ids:  # each run deleted exactly its own seven objects
        assert sum(run_id in path for path in deletes) == 7
    assert run_objects(kube) == []


def test_sigterm_mid_wait_exits_9_and_cleans_up(kube: KubeEmulator, kubeconfig: Path, tmp_path: Path) -> None:
    set_jobs(kube, job_controller("running"))
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aicr.cli.main", "snapshot", "--timeout", "60s"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: bool(kube.objects("v1/pods")) or proc.poll() is not None, "the agent pod or an exit", 20
        )
        assert kube.objects("v1/pods"), "the agent Job never started"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 9, err
    assert "error: [CANCELED]" in err
    assert run_objects(kube) == []


def test_namespace_scoped_users_need_no_namespace_rights(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    kube.call(lambda emu: emu.fail("GET", "namespaces", 403, "namespaces is forbidden", name="default"))
    kube.call(lambda emu: emu.fail("POST", "namespaces", 403, "namespaces is forbidden"))
    assert b"gpu-count: 8" in run_agent(api, opts())
    assert run_objects(kube) == []


def _agent_reviews(kube: KubeEmulator, api: ApiClient) -> list[dict[str, Any]]:
    """The distinct reviews (escalate/bind aside) of one successful agent run with a fixed run ID."""
    kube.call(lambda emu: setattr(emu, "authorize", lambda a: a["verb"] not in ("escalate", "bind")))
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    run_agent(api, opts(namespace="agents", run_id=AGENT_RUN, output="cm://default/snap"), err=io.StringIO())
    reviews: list[dict[str, Any]] = kube.call(lambda emu: [dict(r) for r in emu.access_reviews])
    api.delete("Namespace", "agents")
    kube.call(lambda emu: (emu.request_log.clear(), emu.access_reviews.clear()))
    return list(
        {tuple(sorted(r.items())): r for r in reviews if r["verb"] not in ("escalate", "bind")}.values()
    )


AGENT_RUN = "20261204-000000-00112233aabbccdd"


def test_agent_mode_denial_of_any_single_permission_is_listed_before_any_write(
    kube: KubeEmulator, api: ApiClient
) -> None:
    from tests.support.request_audit import audit

    from aicr.k8s.access import Permission

    reviews = _agent_reviews(kube, api)
    assert {"create namespaces", "patch configmaps", "create clusterroles"} <= {
        f"{r['verb']} {r['resource']}" for r in reviews
    }
    for attrs in reviews:
        kube.call(
            lambda emu, attrs=attrs: setattr(
                emu, "authorize", lambda a: a["verb"] not in ("escalate", "bind") and a != attrs
            )
        )
        with pytest.raises(AicrError) as err:
            run_agent(
                api, opts(namespace="agents", run_id=AGENT_RUN, output="cm://default/snap"), err=io.StringIO()
            )
        assert err.value.code is Code.UNAUTHORIZED
        wanted = Permission(
            attrs["verb"],
            attrs["resource"],
            attrs.get("group") or "",
            namespace=attrs.get("namespace"),
            subresource=attrs.get("subresource") or "",
            name=attrs.get("name") or "",
        )
        assert wanted.describe() in err.value.message
        assert audit(kube)[0] == []
        kube.call(lambda emu: (emu.request_log.clear(), emu.access_reviews.clear()))


def test_agent_in_an_existing_namespace_does_not_ask_to_create_it(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    run_agent(api, opts(namespace="default"), err=io.StringIO())
    reviews = kube.call(lambda emu: [dict(r) for r in emu.access_reviews])
    assert not any(r["resource"] == "namespaces" for r in reviews)
    assert not any(m == "POST" and p.endswith("/namespaces") for m, p, _ in kube.requests())
