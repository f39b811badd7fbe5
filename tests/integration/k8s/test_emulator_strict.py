"""The emulator refuses what a real API server refuses: schema, unknown fields, names, PodSecurity."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.kube_emulator import KubeEmulator
from tests.support.pod_security import ENFORCE, WARN

from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient


def configmap(name: str = "cm", **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
        **extra,
    }


def bare_pod(name: str = "p", namespace: str = "default", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{"name": "c", "image": "busybox"}], **spec},
    }


def restricted_namespace(api: ApiClient, name: str, labels: dict[str, str]) -> None:
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})


def test_unknown_field_is_a_400(api: ApiClient) -> None:
    with pytest.raises(AicrError, match=r"HTTP 400 .*strict decoding error.*bogus") as err:
        api.create(configmap(bogus=1))
    assert err.value.code is Code.INVALID_REQUEST


def test_unknown_field_with_field_validation_warn_is_a_warning(api: ApiClient, kube: KubeEmulator) -> None:
    api.request(
        "POST",
        "/api/v1/namespaces/default/configmaps",
        params={"fieldValidation": "Warn"},
        body=configmap(bogus=1),
    )
    assert any("bogus" in w for w in api.warnings)
    assert [c["metadata"]["name"] for c in kube.objects("v1/configmaps", "default")] == ["cm"]


def test_schema_violation_is_a_422(api: ApiClient) -> None:
    with pytest.raises(AicrError, match=r"HTTP 422 Invalid: ConfigMap \"cm\" is invalid: data.x"):
        api.create(configmap(data={"x": 1}))


@pytest.mark.parametrize("name", ["Upper", "a_b", "-a", "x" * 254])
def test_invalid_object_names_are_a_422(api: ApiClient, name: str) -> None:
    with pytest.raises(AicrError, match="RFC 1123 subdomain"):
        api.create(configmap(name))


def test_job_names_must_be_63_character_labels(api: ApiClient) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j" * 64, "namespace": "default"},
        "spec": {
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}}
        },
    }
    with pytest.raises(AicrError, match="RFC 1123 label"):
        api.create(job)


def test_server_side_apply_is_validated_too(api: ApiClient) -> None:
    with pytest.raises(AicrError, match="HTTP 422"):
        api.apply(configmap(data={"x": 1}))


def test_pod_breaking_the_enforce_level_is_forbidden(api: ApiClient) -> None:
    restricted_namespace(api, "locked", {ENFORCE: "baseline"})
    with pytest.raises(
        AicrError, match=r'violates PodSecurity "baseline:latest": host namespaces \(hostPID=true\)'
    ) as err:
        api.create(bare_pod(namespace="locked", hostPID=True))
    assert err.value.code is Code.UNAUTHORIZED


def test_restricted_compliant_pod_is_admitted(api: ApiClient) -> None:
    restricted_namespace(api, "locked", {ENFORCE: "restricted"})
    pod = bare_pod(
        namespace="locked",
        securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
    )
    pod["spec"]["containers"][0]["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
    }
    assert api.create(pod)["metadata"]["name"] == "p"


def test_warn_label_sends_a_warning_header_shown_on_stderr(
    api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    restricted_namespace(api, "watched", {WARN: "restricted"})
    api.create(bare_pod(namespace="watched"))
    assert 'Kubernetes API warning: would violate PodSecurity "restricted:latest"' in capsys.readouterr().err


def test_the_same_warning_is_shown_once(api: ApiClient, capsys: pytest.CaptureFixture[str]) -> None:
    restricted_namespace(api, "watched", {WARN: "baseline"})
    api.create(bare_pod("a", namespace="watched", hostIPC=True))
    api.create(bare_pod("b", namespace="watched", hostIPC=True))
    assert capsys.readouterr().err.count("would violate") == 1


def test_events_are_listed_by_involved_object(api: ApiClient, kube: KubeEmulator) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j1", "namespace": "default", "uid": "u1"},
    }
    other = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j2", "namespace": "default", "uid": "u2"},
    }
    kube.call(lambda emu: emu.record_event(job, "FailedCreate", "Error creating: quota"))
    kube.call(lambda emu: emu.record_event(other, "SuccessfulCreate", "Created pod", type_="Normal"))
    (event,) = api.list_events("j1", "default", kind="Job")
    assert (event["reason"], event["message"]) == ("FailedCreate", "Error creating: quota")
