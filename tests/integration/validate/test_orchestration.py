"""Validator Jobs against the emulated Kubernetes API: reference/validate.md §2-§5 (current).

A scripted Job controller (validator_jobs.py) drives each Job to success, failure, skip,
OOM kill, never-scheduled, image-pull wait, timeout or deadline; the tests pin the CTRF
statuses and messages, phase statuses, exit codes, fail-fast, and that no run object survives —
also after Ctrl-C.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.integration.validate.validator_jobs import (
    DEADLINE,
    IMAGE_PULL,
    PENDING,
    RUNNING,
    VALIDATION_NS,
    Exit,
    leftovers,
    validator_controller,
)
from tests.support.kube_emulator import KubeEmulator
from tests.unit.validate.ctrf_schema import assert_valid_ctrf

from aicr.catalog.catalog import Catalog
from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump
from aicr.k8s.client import ApiClient
from aicr.validate.api import Report, validate
from aicr.validate.orchestrator import FAIL_FAST_MESSAGE, RunOptions

IMAGE = "ghcr.io/nvidia/aicr-validators/deployment:latest"


def status_of(report: Report, phase: str) -> str:
    """The status of `phase` in `report`; fails the test when the phase did not run."""
    result = report.phase(phase)
    assert result is not None, f"phase {phase} missing from the report"
    return result.status


def catalog_of(validators: list[dict[str, Any]]) -> Catalog:
    """A catalog holding only `validators` (the part validate reads)."""
    return Catalog({"registry": [], "validators": validators})


# A check reading nodes cluster-wide and pods in the validation namespace.
RULES = [
    {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"], "scope": "cluster"},
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
]


def entry(name: str, phase: str = "deployment", timeout: str = "1s") -> dict[str, Any]:
    return {
        "name": name,
        "phase": phase,
        "image": IMAGE,
        "timeout": timeout,
        "args": [name],
        "resources": {"cpu": "200m", "memory": "128Mi"},
        "rbac": RULES,
    }


SNAPSHOT = {
    "kind": "Snapshot",
    "apiVersion": "aicr.nvidia.com/v1alpha1",
    "measurements": [
        {"type": "K8s", "subtypes": [{"subtype": "server", "data": {"version": "v1.33.5-eks-3025e55"}}]}
    ],
}


def recipe(constraints: list[dict[str, str]] | None = None, **checks: list[str]) -> dict[str, Any]:
    return {
        "kind": "RecipeResult",
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "constraints": constraints or [{"name": "K8s.server.version", "value": ">= 1.32.4"}],
        "componentRefs": [{"name": "gpu-operator", "namespace": "gpu-operator"}],
        "validation": {phase: {"checks": names} for phase, names in checks.items()},
    }


def options(**kw: Any) -> RunOptions:
    kw.setdefault("poll_interval", 0.02)
    kw.setdefault("wait_grace", 0.3)
    kw.setdefault("pod_wait", 1.0)
    return RunOptions(**kw)


def set_jobs(kube: KubeEmulator, hook: Any) -> None:
    kube.call(lambda emu: emu.on_create.__setitem__("jobs", hook))


SCRIPT = {
    "c-pass": Exit(0, logs='checking\n##AICR-EXTRA## {"nodesValidated": "2"}\nRESULT: 2/2 nodes ok\n'),
    "c-fail": Exit(1, logs="1 pod not ready\n", message="gpu-operator: 0/1 replicas available"),
    "c-skip": Exit(2, message="no GPU nodes"),
    "c-oom": Exit(137, reason="OOMKilled"),
    "c-crash": Exit(255, logs="panic\n"),
    "c-pending": PENDING,
    "c-image": IMAGE_PULL,
    "c-timeout": RUNNING,
    "c-deadline": DEADLINE,
}
ALL = list(SCRIPT)


def test_every_job_outcome_becomes_the_right_ctrf_result(kube: KubeEmulator, api: ApiClient) -> None:
    seen: list[dict[str, Any]] = []
    set_jobs(kube, validator_controller(SCRIPT, seen=seen))
    stored_reports: list[list[str]] = []

    def on_event(event: str, fields: dict[str, Any]) -> None:
        if event == "phase-done":
            stored_reports.append(
                [c["metadata"]["name"] for c in kube.objects("v1/configmaps", VALIDATION_NS)]
            )

    report = validate(
        recipe(deployment=ALL),
        SNAPSHOT,
        phases=["deployment"],
        client=api,
        catalog=catalog_of([entry(n) for n in ALL]),
        options=options(on_event=on_event),
    )
    tests = {t["name"]: t for t in report.ctrf["results"]["tests"]}
    assert [t for t in tests] == ALL  # catalog order
    assert {n: t["status"] for n, t in tests.items()} == {
        "c-pass": "passed",
        "c-fail": "failed",
        "c-skip": "skipped",
        "c-oom": "other",
        "c-crash": "other",
        "c-pending": "other",
        "c-image": "other",
        "c-timeout": "other",
        "c-deadline": "failed",
    }
    assert tests["c-pass"]["stdout"] == ["checking", "RESULT: 2/2 nodes ok"]
    assert tests["c-pass"]["extra"] == {"nodesValidated": "2"}
    assert tests["c-pass"]["duration"] == 3000
    assert tests["c-fail"]["message"] == "gpu-operator: 0/1 replicas available"
    assert tests["c-skip"]["message"] == "no GPU nodes"
    assert tests["c-oom"]["message"] == "Container OOMKilled"
    assert tests["c-pending"]["message"] == (
        "pod never reached running state: Unschedulable: 0/3 nodes are available: 3 Insufficient memory."
    )
    assert tests["c-image"]["message"] == 'ImagePullBackOff: Back-off pulling image "x"'
    assert tests["c-timeout"]["message"] == "timeout: validator did not complete within 1s"
    assert tests["c-timeout"]["stdout"] == ["still working"]
    assert tests["c-deadline"]["message"].startswith(
        "validator Job did not complete within its 3m31s deadline"
    )
    assert_valid_ctrf(report.ctrf)
    assert status_of(report, "deployment") == "failed"
    assert report.failed
    # the Jobs followed the contract, and the phase report was stored while the run lasted
    job = seen[0]
    assert job["spec"]["activeDeadlineSeconds"] == 211
    assert job["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] == {
        "cpu": "200m",
        "memory": "128Mi",
    }
    assert f"aicr-ctrf-{report.run_id}-deployment" in stored_reports[0]
    assert leftovers(kube) == []


def test_phase_with_only_passes_and_skips_passes_and_other_is_failing(
    kube: KubeEmulator, api: ApiClient
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    cat = catalog_of([entry("c-pass"), entry("c-skip"), entry("c-crash", "conformance")])
    report = validate(
        recipe(deployment=["c-pass", "c-skip"], conformance=["c-crash"]),
        SNAPSHOT,
        client=api,
        catalog=cat,
        options=options(),
    )
    assert [(p.phase, p.status) for p in report.phases] == [
        ("deployment", "passed"),
        ("conformance", "other"),
        ("performance", "skipped"),
    ]
    assert report.failed
    assert leftovers(kube) == []


def test_fail_fast_turns_later_phases_into_skips(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    cat = catalog_of([entry("c-fail"), entry("c-pass", "conformance"), entry("c-skip", "conformance")])
    doc = recipe(deployment=["c-fail"], conformance=["c-pass"])
    report = validate(doc, SNAPSHOT, client=api, catalog=cat, options=options(fail_fast=True))
    conformance = report.phase("conformance")
    assert conformance is not None and conformance.status == "skipped"
    assert [(t["name"], t["message"]) for t in conformance.report["results"]["tests"]] == [
        ("c-pass", FAIL_FAST_MESSAGE),
        ("c-skip", FAIL_FAST_MESSAGE),
    ]
    ran = [t["name"] for t in report.ctrf["results"]["tests"] if t["status"] != "skipped"]
    assert ran == ["c-fail"]
    # without --fail-fast every phase runs
    report = validate(doc, SNAPSHOT, client=api, catalog=cat, options=options())
    assert status_of(report, "conformance") == "passed"


def test_skip_check_reports_without_running(kube: KubeEmulator, api: ApiClient) -> None:
    seen: list[dict[str, Any]] = []
    set_jobs(kube, validator_controller(SCRIPT, seen=seen))
    cat = catalog_of([entry("c-pass"), entry("c-fail")])
    report = validate(
        recipe(deployment=["c-pass", "c-fail"]),
        SNAPSHOT,
        client=api,
        catalog=cat,
        phases="deployment",
        options=options(skip_checks=["c-fail"]),
    )
    skipped = report.ctrf["results"]["tests"][1]
    assert (skipped["name"], skipped["status"], skipped["extra"]) == (
        "c-fail",
        "skipped",
        {"skipReason": "named-in-skip-checks"},
    )
    assert len(seen) == 1 and status_of(report, "deployment") == "passed"


def test_ctrl_c_mid_check_cleans_up_every_run_object(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, validator_controller(SCRIPT))

    def interrupt(event: str, fields: dict[str, Any]) -> None:
        if event == "tick" and kube.objects("batch/v1/jobs", VALIDATION_NS):
            raise KeyboardInterrupt

    cat = catalog_of([entry("c-pass"), entry("c-timeout", timeout="30s")])
    with pytest.raises(KeyboardInterrupt):
        validate(
            recipe(deployment=["c-pass", "c-timeout"]),
            SNAPSHOT,
            client=api,
            catalog=cat,
            options=options(on_event=interrupt),
        )
    assert leftovers(kube) == []
    deleted = [path for method, path, _ in kube.requests() if method == "DELETE"]
    assert any("/clusterrolebindings/aicr-validator-" in p for p in deleted)


def test_no_cleanup_keeps_the_run_objects(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    report = validate(
        recipe(deployment=["c-pass"]),
        SNAPSHOT,
        client=api,
        catalog=catalog_of([entry("c-pass")]),
        phases=["deployment"],
        options=options(cleanup=False),
    )
    kinds = sorted(o.split("/")[-3] for o in leftovers(kube))
    assert kinds == [
        "clusterrolebindings",
        "clusterroles",
        "configmaps",
        "configmaps",
        "configmaps",
        "jobs",
        "pods",
        "rolebindings",
        "roles",
        "serviceaccounts",
    ]
    stored = kube.objects("v1/configmaps", VALIDATION_NS)
    ctrf_cm = next(c for c in stored if c["metadata"]["name"] == f"aicr-ctrf-{report.run_id}-deployment")
    assert json.loads(ctrf_cm["data"]["report.json"]) == report.phases[0].report
    assert ctrf_cm["metadata"]["labels"]["aicr.nvidia.com/report-type"] == "ctrf"


def test_readiness_failure_touches_no_cluster(kube: KubeEmulator, api: ApiClient) -> None:
    doc = recipe([{"name": "K8s.server.version", "value": ">= 1.34"}], deployment=["c-pass"])
    with pytest.raises(AicrError) as err:
        validate(doc, SNAPSHOT, client=api, catalog=catalog_of([entry("c-pass")]), options=options())
    assert err.value.exit_code == 2
    assert err.value.message == (
        "readiness check failed: K8s.server.version expected >= 1.34, got v1.33.5-eks-3025e55"
    )
    assert kube.requests() == []


def test_undeclared_checks_fail_before_any_job(kube: KubeEmulator, api: ApiClient) -> None:
    doc = recipe(deployment=["typo-check", "c-pass"])
    with pytest.raises(AicrError, match='declared check "typo-check" in phase deployment'):
        validate(doc, SNAPSHOT, client=api, catalog=catalog_of([entry("c-pass")]), options=options())
    assert kube.requests() == []


def test_missing_permissions_are_listed_and_nothing_is_created(kube: KubeEmulator, api: ApiClient) -> None:
    kube.call(
        lambda emu: setattr(emu, "authorize", lambda attrs: attrs.get("resource") != "clusterrolebindings")
    )
    with pytest.raises(AicrError) as err:
        validate(
            recipe(deployment=["c-pass"]),
            SNAPSHOT,
            client=api,
            catalog=catalog_of([entry("c-pass")]),
            options=options(),
        )
    assert err.value.code is Code.UNAUTHORIZED
    assert "create clusterrolebindings.rbac.authorization.k8s.io cluster-wide" in err.value.message
    assert all("selfsubjectaccessreviews" in p for m, p, _ in kube.requests() if m == "POST")
    assert leftovers(kube) == []


def test_a_job_that_cannot_be_created_is_other(kube: KubeEmulator, api: ApiClient) -> None:
    kube.call(lambda emu: emu.fail("POST", "jobs", 403, "jobs is forbidden"))
    report = validate(
        recipe(deployment=["c-pass"]),
        SNAPSHOT,
        client=api,
        catalog=catalog_of([entry("c-pass")]),
        phases=["deployment"],
        options=options(),
    )
    (test,) = report.ctrf["results"]["tests"]
    assert test["status"] == "other"
    assert test["message"].startswith("failed to deploy Job: Kubernetes API POST ")
    assert "jobs is forbidden" in test["message"]
    assert leftovers(kube) == []


def test_a_failed_rbac_step_rolls_back_what_was_created(kube: KubeEmulator, api: ApiClient) -> None:
    kube.call(lambda emu: emu.fail("POST", "clusterrolebindings", 500, "etcd is sad"))
    with pytest.raises(AicrError, match="etcd is sad"):
        validate(
            recipe(deployment=["c-pass"]),
            SNAPSHOT,
            client=api,
            catalog=catalog_of([entry("c-pass")]),
            options=options(),
        )
    assert leftovers(kube) == []


def test_an_unrevoked_cluster_binding_fails_the_run(kube: KubeEmulator, api: ApiClient) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    kube.call(lambda emu: emu.fail("DELETE", "clusterrolebindings", 500, "etcd is sad"))
    with pytest.raises(AicrError, match="failed to revoke the run's RBAC grants") as err:
        validate(
            recipe(deployment=["c-pass"]),
            SNAPSHOT,
            client=api,
            catalog=catalog_of([entry("c-pass")]),
            options=options(),
        )
    assert err.value.code is Code.INTERNAL


def test_without_a_snapshot_the_agent_runs_first(kube: KubeEmulator, api: ApiClient) -> None:
    from tests.support.kube_jobs import job_controller, sample_snapshot

    agent_jobs: list[dict[str, Any]] = []
    set_jobs(
        kube,
        validator_controller(
            SCRIPT, fallback=job_controller("complete", snapshot=sample_snapshot(), seen=agent_jobs)
        ),
    )
    doc = recipe([{"name": "GPU.smi.gpu-count", "value": ">= 8"}], deployment=["c-pass"])
    report = validate(
        doc,
        None,
        client=api,
        catalog=catalog_of([entry("c-pass")]),
        phases=["deployment"],
        options=options(),
    )
    assert len(agent_jobs) == 1
    assert agent_jobs[0]["metadata"]["namespace"] == VALIDATION_NS
    assert report.readiness[0].actual == "8"
    assert status_of(report, "deployment") == "passed"
    assert leftovers(kube) == []


# -- through the CLI: exit codes and outputs ------------------------------------------------------


def data_dir(tmp_path: Path, validators: list[dict[str, Any]]) -> Path:
    root = tmp_path / "data"
    (root / "validators").mkdir(parents=True)
    (root / "registry.yaml").write_text(
        dump({"apiVersion": "aicr.nvidia.com/v1alpha1", "kind": "ComponentRegistry", "components": []})
    )
    (root / "validators" / "catalog.yaml").write_text(
        dump(
            {
                "apiVersion": "aicr.nvidia.com/v1alpha1",
                "kind": "ValidatorCatalog",
                "metadata": {"name": "t"},
                "validators": validators,
            }
        )
    )
    return root


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("AICR_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "s.yaml").write_text(dump(SNAPSHOT))
    return {"snapshot": tmp_path / "s.yaml", "dir": tmp_path}


def cli(files: dict[str, Path], doc: dict[str, Any], *extra: str) -> int:
    path = files["dir"] / "r.yaml"
    path.write_text(dump(doc))
    validators = [entry(n) for n in ALL]
    return main(
        [
            "validate",
            "-r",
            str(path),
            "-s",
            str(files["snapshot"]),
            "--data",
            str(data_dir(files["dir"], validators)),
            *extra,
        ]
    )


def test_cli_failed_phase_exits_8_after_writing_the_report(
    kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    assert cli(files, recipe(deployment=["c-pass", "c-fail"]), "--phase", "deployment") == 8
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert_valid_ctrf(report)
    assert [t["status"] for t in report["results"]["tests"]] == ["passed", "failed"]
    assert "error: [INTERNAL] validation failed: one or more phases did not pass" in err
    assert "phase result: phase=deployment status=failed" in err
    assert "2/2 nodes ok" in err  # RESULT lines are echoed to the log
    assert leftovers(kube) == []


def test_cli_fail_on_error_false_exits_0(
    kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    assert cli(files, recipe(deployment=["c-fail"]), "--fail-on-error=false", "-t", "table") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[:3] == ["deployment", "c-fail", "FAILED"]


def test_cli_other_only_exits_8(kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path]) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    assert cli(files, recipe(deployment=["c-oom"])) == 8


def test_cli_all_passing_writes_configmap_output_and_evidence(
    kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path]
) -> None:
    set_jobs(kube, validator_controller(SCRIPT))
    evidence = files["dir"] / "evidence"
    assert (
        cli(
            files,
            recipe(deployment=["c-pass"]),
            "-o",
            "cm://default/validation-report",
            "--evidence-dir",
            str(evidence),
        )
        == 0
    )
    (stored,) = kube.objects("v1/configmaps", "default")
    assert stored["metadata"]["name"] == "validation-report"
    assert_valid_ctrf(json.loads(stored["data"]["report.json"]))
    assert (evidence / "index.md").is_file()
    assert leftovers(kube) == ["v1/configmaps/default/validation-report"]  # the output is kept


def test_cli_readiness_failure_exits_2_without_touching_the_cluster(
    kube: KubeEmulator, kubeconfig: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = recipe(
        [
            {
                "name": "K8s.server.version",
                "value": ">= 1.34",
                "remediation": "Upgrade the control plane to 1.34.",
            }
        ],
        deployment=["c-pass"],
    )
    assert cli(files, doc) == 2
    err = capsys.readouterr().err
    assert "readiness check failed: K8s.server.version expected >= 1.34, got v1.33.5-eks-3025e55" in err
    assert "Upgrade the control plane to 1.34." in err
    assert kube.requests() == []
