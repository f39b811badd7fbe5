"""robust-controller against the emulated API: webhook rejection by dry run, admitted object, skips."""

from __future__ import annotations

from tests.integration.validators.conftest import Runner, recipe_with
from tests.support.conformance_cluster import crd, deployment
from tests.support.kube_emulator import KubeEmulator

from aicr.validators.runtime import EXIT_FAILED, EXIT_PASSED, EXIT_SKIPPED

RECIPE = recipe_with("kubeflow-trainer", kubeflow_trainer="kubeflow")
DENIED = 'admission webhook "validator.trainer.kubeflow.org" denied the request: TrainingRuntime aicr-runtime-that-does-not-exist not found'


def trainer(kube: KubeEmulator) -> None:
    kube.add("apps/v1/deployments", deployment("kubeflow-trainer-controller-manager", "kubeflow"))
    kube.add("apiextensions.k8s.io/v1/customresourcedefinitions", crd("trainjobs.trainer.kubeflow.org"))
    kube.add(
        "admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
        {
            "metadata": {"name": "validator.trainer.kubeflow.org"},
            "webhooks": [
                {
                    "name": "validator.trainjob.trainer.kubeflow.org",
                    "clientConfig": {
                        "service": {"namespace": "kubeflow", "name": "kubeflow-trainer-controller-manager"}
                    },
                }
            ],
        },
    )
    kube.add(
        "discovery.k8s.io/v1/endpointslices",
        {
            "metadata": {
                "name": "trainer-abc",
                "namespace": "kubeflow",
                "labels": {"kubernetes.io/service-name": "kubeflow-trainer-controller-manager"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.0.9"], "conditions": {"ready": True}}],
        },
    )


def test_webhook_that_rejects_invalid_trainjob_passes(kube: KubeEmulator, run_conformance: Runner) -> None:
    trainer(kube)
    kube.call(lambda emu: emu.fail("POST", "trainjobs", 400, DENIED))
    outcome = run_conformance("robust-controller", RECIPE)
    assert outcome.code == EXIT_PASSED, outcome.message
    posts = [q for m, p, q in kube.requests() if m == "POST" and p.endswith("/trainjobs")]
    assert posts == [{"dryRun": "All"}]
    assert "rejected: " in outcome.stdout


def test_webhook_that_admits_invalid_trainjob_fails(kube: KubeEmulator, run_conformance: Runner) -> None:
    trainer(kube)
    outcome = run_conformance("robust-controller", RECIPE)
    assert outcome.code == EXIT_FAILED and "was admitted (dry run)" in outcome.message


def test_missing_trainjob_crd_fails_without_sending_anything(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    kube.add("apps/v1/deployments", deployment("kubeflow-trainer-controller-manager", "kubeflow"))
    outcome = run_conformance("robust-controller", RECIPE)
    assert outcome.code == EXIT_FAILED and "CRD trainjobs.trainer.kubeflow.org: not found" in outcome.message
    assert not any(m == "POST" and p.endswith("/trainjobs") for m, p, _ in kube.requests())


def test_robust_controller_skips_without_an_operator(kube: KubeEmulator, run_conformance: Runner) -> None:
    outcome = run_conformance("robust-controller", recipe_with("gpu-operator"))
    assert outcome.code == EXIT_SKIPPED and "neither dynamo-platform nor kubeflow-trainer" in outcome.message


def test_webhook_denial_with_forbidden_status_counts_as_rejection(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    trainer(kube)
    kube.call(lambda emu: emu.fail("POST", "trainjobs", 403, DENIED))
    assert run_conformance("robust-controller", RECIPE).code == EXIT_PASSED


def test_rbac_forbidden_dry_run_is_not_mistaken_for_a_webhook_rejection(
    kube: KubeEmulator, run_conformance: Runner
) -> None:
    trainer(kube)
    forbidden = 'trainjobs.trainer.kubeflow.org is forbidden: User "system:serviceaccount:aicr-validation:x" cannot create resource "trainjobs"'
    kube.call(lambda emu: emu.fail("POST", "trainjobs", 403, forbidden))
    outcome = run_conformance("robust-controller", RECIPE)
    assert outcome.code == EXIT_FAILED and "is forbidden" in outcome.message
