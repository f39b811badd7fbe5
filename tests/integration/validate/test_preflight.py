"""The permission pre-flight of `validate` and `snapshot` against the emulated API (issue 9 item 4).

Every write a run performs (derived from the emulator's request log, tests/support/request_audit.py)
must follow an allowed SelfSubjectAccessReview that covers it; the RBAC objects a run creates
must be covered by the escalation rule (every granted permission held, or escalate/bind); no
object anywhere references cluster-admin; and the denial of any single reviewed permission is
exit 4 listing it, with zero writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.integration.validate.test_orchestration import (
    SCRIPT,
    SNAPSHOT,
    catalog_of,
    options,
    recipe,
    set_jobs,
)
from tests.integration.validate.validator_jobs import VALIDATION_NS, leftovers, validator_controller
from tests.support.kube_emulator import KubeEmulator
from tests.support.kube_jobs import job_controller, sample_snapshot
from tests.support.request_audit import audit

from aicr.catalog.catalog import Catalog
from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.k8s.access import Permission, rule_permissions
from aicr.k8s.client import ApiClient
from aicr.validate.api import validate

IMAGE = "ghcr.io/nvidia/aicr-validators/deployment:latest"
RBAC_PLURALS = ("roles", "rolebindings", "clusterroles", "clusterrolebindings")
# One rule of each scope: a namespaced read, a cluster-wide read, and per-run namespace work.
RULES = [
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
    {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"], "scope": "cluster"},
    {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"], "scope": "run-namespaces"},
]


def checks(*names: str) -> Catalog:
    return catalog_of(
        [
            {"name": n, "phase": "deployment", "image": IMAGE, "timeout": "1s", "args": [n], "rbac": RULES}
            for n in names
        ]
    )


def record_rbac(kube: KubeEmulator) -> list[dict[str, Any]]:
    """Every RBAC object created from now on (kept even after cleanup deletes it)."""
    created: list[dict[str, Any]] = []

    def install(emu: Any) -> None:
        for plural in RBAC_PLURALS:
            emu.on_create[plural] = lambda _emu, obj: created.append(dict(obj))

    kube.call(install)
    return created


def deny(kube: KubeEmulator, rule: Any) -> None:
    kube.call(lambda emu: setattr(emu, "authorize", rule))


def no_escalate(attrs: dict[str, Any]) -> bool:
    return attrs.get("verb") not in ("escalate", "bind")


def granted(role: dict[str, Any]) -> list[Permission]:
    ns = role["metadata"].get("namespace")
    return [p for rule in role.get("rules") or [] for p in rule_permissions(rule, ns)]


def covered_by_escalation_rule(
    created: list[dict[str, Any]], reviews: list[dict[str, Any]], kube: Any
) -> None:
    """Each created Role/ClusterRole and binding: escalate/bind allowed, or every permission held."""
    allowed = [r for r in reviews if kube.call(lambda emu, r=r: emu.authorize(r))]
    roles = {(o["kind"], o["metadata"]["name"]): o for o in created if o["kind"] in ("Role", "ClusterRole")}
    for obj in created:
        kind = obj["kind"]
        role = (
            roles[(kind, obj["metadata"]["name"])]
            if "Binding" not in kind
            else roles[(obj["roleRef"]["kind"], obj["roleRef"]["name"])]
        )
        verb = "bind" if "Binding" in kind else "escalate"
        shortcut = any(r.get("verb") == verb and r.get("name") == role["metadata"]["name"] for r in allowed)
        held = all(any(r == p.attributes() for r in allowed) for p in granted(role))
        assert shortcut or held, f"{kind} {obj['metadata']['name']} created without the escalation check"


def test_every_write_of_a_validate_run_was_pre_checked(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    created = record_rbac(kube)
    report = validate(
        recipe(deployment=["c-pass"]),
        SNAPSHOT,
        client=api,
        catalog=checks("c-pass"),
        phases=["deployment"],
        options=options(output="cm://reports/ctrf", inputs=["cm://inputs/recipe"]),
    )
    assert not report.failed
    writes, uncovered, reviews = audit(kube)
    assert uncovered == []
    assert {w.resource for w in writes} >= {
        "namespaces",
        "serviceaccounts",
        "configmaps",
        "jobs",
        *RBAC_PLURALS,
    }
    assert {
        "verb": "get",
        "group": "",
        "resource": "configmaps",
        "namespace": "inputs",
        "name": "recipe",
    } in reviews
    assert {
        "verb": "patch",
        "group": "",
        "resource": "configmaps",
        "namespace": "reports",
        "name": "ctrf",
    } in reviews
    assert {o["kind"] for o in created} == {"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}
    covered_by_escalation_rule(created, reviews, kube)
    assert leftovers(kube) == []


def test_every_write_of_validate_with_the_snapshot_agent_was_pre_checked(
    kube: KubeEmulator, api: ApiClient
) -> None:
    set_jobs(
        kube, validator_controller(SCRIPT, fallback=job_controller("complete", snapshot=sample_snapshot()))
    )
    created = record_rbac(kube)
    doc = recipe([{"name": "K8s.server.version", "value": ">= 1.20"}], deployment=["c-pass"])
    validate(doc, None, client=api, catalog=checks("c-pass"), phases=["deployment"], options=options())
    _writes, uncovered, reviews = audit(kube)
    assert uncovered == []
    first_write = next(
        i for i, (m, p, _) in enumerate(kube.requests()) if m != "GET" and "accessreview" not in p
    )
    last_review = max(i for i, (m, p, _) in enumerate(kube.requests()) if "accessreview" in p)
    assert last_review < first_write  # one pre-flight for the agent and the run, before any write
    assert any(o["metadata"]["name"].startswith("aicr-node-reader-") for o in created)
    covered_by_escalation_rule(created, reviews, kube)


def test_every_write_of_the_validate_cli_with_a_configmap_report_was_pre_checked(
    kube: KubeEmulator, kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    recipe_file = tmp_path / "recipe.yaml"
    recipe_file.write_text(dump(recipe(deployment=[])))
    snapshot_file = tmp_path / "snap.yaml"
    snapshot_file.write_text(dump(SNAPSHOT))
    code = main(["validate", "-r", str(recipe_file), "-s", str(snapshot_file), "-o", "cm://default/report"])
    assert code == 0
    writes, uncovered, _ = audit(kube)
    assert uncovered == []
    assert any(w.resource == "configmaps" and w.verb == "patch" and w.name == "report" for w in writes)


def test_every_write_of_snapshot_agent_mode_was_pre_checked(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, job_controller("complete", snapshot=sample_snapshot()))
    created = record_rbac(kube)
    assert main(["snapshot", "-n", "agents", "-o", "cm://default/snap"]) == 0
    writes, uncovered, reviews = audit(kube)
    assert uncovered == []
    assert {"namespaces", "jobs", "clusterroles"} <= {w.resource for w in writes}
    covered_by_escalation_rule(created, reviews, kube)


def test_no_object_of_a_run_references_cluster_admin(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(
        kube, validator_controller(SCRIPT, fallback=job_controller("complete", snapshot=sample_snapshot()))
    )
    created = record_rbac(kube)
    doc = recipe([{"name": "K8s.server.version", "value": ">= 1.20"}], deployment=["c-pass"])
    validate(doc, None, client=api, catalog=checks("c-pass"), options=options(cleanup=False))
    assert created
    assert all("cluster-admin" not in dump(obj) for obj in created)
    for resource in ("v1/serviceaccounts", "v1/configmaps", "batch/v1/jobs"):
        assert all("cluster-admin" not in dump(obj) for obj in kube.objects(resource))


RUN_ID = "20261204-000000-0123456789abcdef"


def _fresh_start(kube: KubeEmulator, api: ApiClient) -> None:
    """The validation namespace gone (so creating it is needed again) and the logs cleared."""
    api.delete("Namespace", VALIDATION_NS)
    kube.call(lambda emu: (emu.request_log.clear(), emu.access_reviews.clear()))


def _run(api: ApiClient) -> Any:
    opts = options(run_id=RUN_ID)
    return validate(
        recipe(deployment=["c-pass"]), SNAPSHOT, client=api, catalog=checks("c-pass"), options=opts
    )


def _reviews_of_a_run(kube: KubeEmulator, api: ApiClient) -> list[dict[str, Any]]:
    deny(kube, no_escalate)
    set_jobs(kube, validator_controller(SCRIPT))
    _run(api)
    reviews: list[dict[str, Any]] = kube.call(lambda emu: [dict(r) for r in emu.access_reviews])
    _fresh_start(kube, api)
    unique = {tuple(sorted(r.items())): r for r in reviews if no_escalate(r)}
    return list(unique.values())


def _permission(attrs: dict[str, Any]) -> Permission:
    return Permission(
        attrs["verb"],
        attrs["resource"],
        attrs.get("group") or "",
        namespace=attrs.get("namespace"),
        subresource=attrs.get("subresource") or "",
        name=attrs.get("name") or "",
    )


def test_denying_any_single_permission_is_exit_4_listing_it_and_nothing_is_written(
    kube: KubeEmulator, api: ApiClient
) -> None:
    reviews = _reviews_of_a_run(kube, api)
    assert len(reviews) > 20
    for attrs in reviews:
        deny(kube, lambda a, attrs=attrs: no_escalate(a) and a != attrs)
        with pytest.raises(AicrError) as err:
            _run(api)
        assert err.value.code is Code.UNAUTHORIZED and err.value.exit_code == 4
        assert _permission(attrs).describe() in err.value.message
        writes, _, _ = audit(kube)
        assert writes == [], f"{_permission(attrs).describe()}: {writes}"
        kube.call(lambda emu: (emu.request_log.clear(), emu.access_reviews.clear()))
    assert all(o["metadata"]["name"] != VALIDATION_NS for o in kube.objects("v1/namespaces"))


def test_escalate_stands_in_for_a_granted_permission_the_caller_lacks(
    kube: KubeEmulator, api: ApiClient
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    deny(kube, lambda a: not (a["verb"] == "list" and a["resource"] == "nodes"))
    report = validate(
        recipe(deployment=["c-pass"]), SNAPSHOT, client=api, catalog=checks("c-pass"), options=options()
    )
    assert not report.failed


def test_without_escalate_a_granted_permission_the_caller_lacks_is_listed(
    kube: KubeEmulator, api: ApiClient
) -> None:
    deny(kube, lambda a: no_escalate(a) and not (a["verb"] == "list" and a["resource"] == "nodes"))
    with pytest.raises(AicrError) as err:
        validate(
            recipe(deployment=["c-pass"]), SNAPSHOT, client=api, catalog=checks("c-pass"), options=options()
        )
    assert err.value.code is Code.UNAUTHORIZED
    assert 'create ClusterRole "aicr-validator-' in err.value.message
    assert "escalate clusterroles.rbac.authorization.k8s.io" in err.value.message
    assert "or else list nodes cluster-wide" in err.value.message
    assert kube.objects("v1/namespaces") and not kube.objects("v1/serviceaccounts", VALIDATION_NS)
