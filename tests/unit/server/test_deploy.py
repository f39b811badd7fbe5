"""Self-hosting artifacts: the deploy/ manifests (kubernetes-validate, strict) and the image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
KUBERNETES = "1.33"


def documents() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[doc["kind"]] = doc
    return docs


@pytest.mark.parametrize("kind", ["Namespace", "ServiceAccount", "Deployment", "Service", "HorizontalPodAutoscaler",
                                  "PodDisruptionBudget", "NetworkPolicy"])  # fmt: skip
def test_manifest_is_valid_for_kubernetes(kind: str) -> None:
    kubernetes_validate.validate(documents()[kind], KUBERNETES, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}


def test_deployment_is_hardened_and_probed() -> None:
    deployment = documents()["Deployment"]
    spec = deployment["spec"]
    assert spec["replicas"] == 3
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]
    env = {e["name"]: e["value"] for e in container["env"]}
    grace = pod["terminationGracePeriodSeconds"]
    assert (
        grace > int(env["SHUTDOWN_TIMEOUT_SECONDS"]) + container["lifecycle"]["preStop"]["sleep"]["seconds"]
    )
    assert {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")} == {"/tmp"}


def test_selectors_agree() -> None:
    docs = documents()
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    for selector in (
        docs["Deployment"]["spec"]["selector"]["matchLabels"],
        docs["Service"]["spec"]["selector"],
        docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
        docs["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"],
    ):
        assert selector.items() <= labels.items()
    assert docs["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == docs["Deployment"]["spec"]["replicas"]
    port = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    assert docs["NetworkPolicy"]["spec"]["ingress"][0]["ports"][0]["port"] == port


def test_image_runs_as_non_root_without_writing_the_root_filesystem() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile.aicrd").read_text().splitlines()]
    final_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    user = next(line for line in final_stage if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("0", "root")
    assert any("PYTHONDONTWRITEBYTECODE=1" in line for line in final_stage)
    assert any(line.startswith("ENTRYPOINT") and "aicrd" in line for line in final_stage)
    assert any("load_catalog()" in line for line in lines)  # catalog cache compiled at build time
