"""How the test kubelet turns a Job's pod template into `podman run` arguments (no podman run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.images.podman_kubelet import KUBECONFIG_IN_CONTAINER, run_arguments


def _job(container: dict[str, Any], pod: dict[str, Any] | None = None) -> dict[str, Any]:
    spec = {"containers": [{"name": "c", "image": "img:1", **container}], **(pod or {})}
    return {"metadata": {"name": "j", "namespace": "ns"}, "spec": {"template": {"spec": spec}}}


def test_command_becomes_the_entrypoint_and_args_follow_the_image() -> None:
    argv = run_arguments(
        _job({"command": ["aicr"], "args": ["snapshot", "--local"]}), Path("/kc"), {}, Path("/t")
    )
    assert argv[-3:] == ["img:1", "snapshot", "--local"]
    assert argv[argv.index("--entrypoint") + 1] == "aicr"
    assert f"/kc:{KUBECONFIG_IN_CONTAINER}:ro" in argv and "--network" in argv


def test_pod_user_read_only_root_and_plain_env_are_applied() -> None:
    container = {
        "securityContext": {"readOnlyRootFilesystem": True},
        "env": [
            {"name": "A", "value": "1"},
            {"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        ],
    }
    argv = run_arguments(
        _job(container, {"securityContext": {"runAsUser": 65534, "runAsGroup": 65534}}),
        Path("/kc"),
        {},
        Path("/t"),
    )
    assert argv[argv.index("--user") + 1] == "65534:65534"
    assert "--read-only" in argv and "A=1" in argv
    assert not any(a.startswith("N=") for a in argv)


def test_volumes_become_tmpfs_config_map_dirs_and_the_termination_file(tmp_path: Path) -> None:
    container = {
        "terminationMessagePath": "/dev/termination-log",
        "volumeMounts": [
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "recipe", "mountPath": "/data/recipe"},
        ],
    }
    pod = {"volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "recipe", "configMap": {"name": "r"}}]}
    argv = run_arguments(_job(container, pod), Path("/kc"), {"recipe": tmp_path}, Path("/term"))
    assert argv[argv.index("--tmpfs") + 1] == "/tmp"
    assert f"{tmp_path}:/data/recipe:ro" in argv
    assert "/term:/dev/termination-log" in argv
    assert "--entrypoint" not in argv
