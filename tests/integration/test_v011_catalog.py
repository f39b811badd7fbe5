"""The engine on a catalog in the reference's v0.11.1 file format (tests/fixtures/v011-catalog).

The fixture is our stand-in for the real v0.11 catalog: it is loaded with `load_catalog(root=…)`
(only that directory, no embedded data) and resolved with the library API. Expectations come from
reference/recipe.md §10 cases 22-29 and reference/catalog-facts.md §8 (observed v0.11 goldens and
the applied lists derived from them). The project follows CURRENT reference semantics
(recipe.md §3); where those could differ from a v0.11 observation, the comment at the assertion
says why the v0.11 value still holds for this catalog.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.errors import AicrError, Code
from aicr.recipe.criteria import Criteria
from aicr.recipe.result import RecipeResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v011-catalog"
PREFIX = ["base", "monitoring-hpa"]


# --------------------------------------------------------------------------------------------
# The fixture as raw YAML (read independently of the engine)


def _read_overlays() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((FIXTURE / "overlays").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        out[doc["metadata"]["name"]] = doc
    return out


OVERLAYS = _read_overlays()
PARENTS = {doc["spec"].get("base") for name, doc in OVERLAYS.items() if name != "base"}
NON_BASE = sorted(name for name in OVERLAYS if name != "base")
LEAVES = sorted(name for name in NON_BASE if name not in PARENTS)


def own_criteria(name: str) -> Criteria:
    """The overlay's own criteria as a query."""
    return Criteria(**OVERLAYS[name]["spec"]["criteria"])


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AICR_CACHE_DIR", str(tmp_path_factory.mktemp("catalog-cache")))
        yield load_catalog(root=FIXTURE)


# --------------------------------------------------------------------------------------------
# Shared fact tables (research report §3-§4, catalog-facts.md §3-§4)

UBU4 = [
    {"name": "K8s.server.version", "value": ">= 1.32.4"},
    {"name": "OS.release.ID", "value": "ubuntu"},
    {"name": "OS.release.VERSION_ID", "value": "24.04"},
    {"name": "OS.sysctl./proc/sys/kernel/osrelease", "value": ">= 6.8"},
]
CONF5 = ["platform-health", "gpu-operator-health", "dra-support", "accelerator-metrics", "ai-service-metrics"]
TRAIN_CONF10 = [
    *CONF5,
    "gang-scheduling",
    "pod-autoscaling",
    "cluster-autoscaling",
    "robust-controller",
    "secure-accelerator-access",
]
DYNAMO_CONF10 = [
    *CONF5,
    "inference-gateway",
    "robust-controller",
    "secure-accelerator-access",
    "pod-autoscaling",
    "cluster-autoscaling",
]
DEPLOY4 = {
    "constraints": [{"name": "Deployment.gpu-operator.version", "value": ">= v24.6.0"}],
    "checks": ["operator-health", "expected-resources", "gpu-operator-version", "check-nvidia-smi"],
}

# Version every resolved ref carries, wherever it appears (pins and registry defaults).
VERSIONS = {
    "cert-manager": "v1.17.2",
    "gpu-operator": "v25.10.1",
    "nvsentinel": "v1.1.0",
    "skyhook-operator": "v0.14.0",
    "kube-prometheus-stack": "82.8.0",
    "k8s-ephemeral-storage-metrics": "1.19.2",
    "nvidia-dra-driver-gpu": "25.12.0",
    "kai-scheduler": "v0.13.0",
    "prometheus-adapter": "4.14.0",
    "aws-ebs-csi-driver": "2.55.0",
    "aws-efa": "v0.5.3",
    "network-operator": "25.1.0",
    "kgateway-crds": "v2.0.0",
    "kgateway": "v2.0.0",
    "dynamo-crds": "0.9.0",
    "dynamo-platform": "0.9.0",
    "kubeflow-trainer": "2.1.0",
    "skyhook-customizations": None,
    "gke-nccl-tcpxo": None,
}
BASE_COMPONENTS = {
    "cert-manager",
    "gpu-operator",
    "k8s-ephemeral-storage-metrics",
    "kai-scheduler",
    "kube-prometheus-stack",
    "nvidia-dra-driver-gpu",
    "nvsentinel",
    "skyhook-operator",
}


def expected_components(c: Criteria) -> set[str]:
    """Components a query over this catalog pulls in, derived by hand from the overlays."""
    names = BASE_COMPONENTS | {"prometheus-adapter"}
    names |= {"eks": {"aws-ebs-csi-driver", "aws-efa"}, "aks": {"network-operator"}}.get(c.service, set())
    if c.service == "kind":
        names.add("network-operator")
    if c.intent == "inference":
        names |= {"kgateway-crds", "kgateway"}
    if c.accelerator != "any" and c.service in ("eks", "gke"):
        names.add("skyhook-customizations")
    if (c.service, c.accelerator, c.intent) == ("gke", "h100", "training"):
        names.add("gke-nccl-tcpxo")
    if c.platform == "dynamo":
        names |= {"dynamo-crds", "dynamo-platform"}
    if c.platform == "kubeflow":
        names.add("kubeflow-trainer")
    return names


def expected_dependencies(c: Criteria, names: set[str]) -> dict[str, list[str]]:
    """dependencyRefs of each component, as the overlays declare them (ordered union)."""
    gpu_op = ["cert-manager", "kube-prometheus-stack"]
    if "skyhook-customizations" in names:
        gpu_op.append("skyhook-customizations")
    dynamo = ["dynamo-crds", "cert-manager", "kube-prometheus-stack"]
    if c.service in ("eks", "gke"):  # the aks and kind leaves have no gpu-operator edge
        dynamo.append("gpu-operator")
    dynamo.append("kai-scheduler")
    table = {
        "gpu-operator": gpu_op,
        "nvsentinel": ["cert-manager", "gpu-operator"],
        "k8s-ephemeral-storage-metrics": ["kube-prometheus-stack"],
        "nvidia-dra-driver-gpu": ["gpu-operator"],
        "kai-scheduler": ["gpu-operator"],
        "prometheus-adapter": ["kube-prometheus-stack"],
        "network-operator": ["cert-manager"],
        "kgateway": ["kgateway-crds", "cert-manager"],
        "skyhook-customizations": ["skyhook-operator"],
        "gke-nccl-tcpxo": ["gpu-operator"],
        "dynamo-platform": dynamo,
        "kubeflow-trainer": ["cert-manager", "kube-prometheus-stack", "gpu-operator"],
    }
    return {name: table.get(name, []) for name in names}


def component_of(result: RecipeResult, name: str) -> dict[str, Any]:
    """The component ref `name`; fails the test when the recipe lacks it."""
    ref = result.component(name)
    assert ref is not None, f"{name} missing from the recipe"
    return ref


def deps_of(result: RecipeResult, name: str) -> list[str]:
    deps: list[str] = component_of(result, name).get("dependencyRefs", [])
    return deps


def smallest_ready_first(refs: list[dict[str, Any]]) -> list[str]:
    """recipe.md §3.7 step 2, restated: at each step emit the smallest name whose deps are done."""
    deps = {r["name"]: set(r.get("dependencyRefs", [])) for r in refs}
    order: list[str] = []
    while len(order) < len(deps):
        ready = sorted(n for n, d in deps.items() if n not in order and d <= set(order))
        assert ready, f"dependency cycle among {sorted(set(deps) - set(order))}"
        order.append(ready[0])
    return order


# --------------------------------------------------------------------------------------------
# 1. Observed goldens (recipe.md §10 cases 22-26, catalog-facts.md §8.1)

GOLDENS = {
    "22-eks-h100-training-ubuntu": (
        {"service": "eks", "accelerator": "h100", "intent": "training", "os": "ubuntu"},
        ["eks", "eks-training", "h100-eks-training", "h100-eks-ubuntu-training"],
        [
            "aws-ebs-csi-driver", "aws-efa", "cert-manager", "kube-prometheus-stack",
            "k8s-ephemeral-storage-metrics", "prometheus-adapter", "skyhook-operator",
            "skyhook-customizations", "gpu-operator", "kai-scheduler", "nvidia-dra-driver-gpu", "nvsentinel",
        ],
    ),
    "23-eks-training": (
        {"service": "eks", "intent": "training"},
        ["eks", "eks-training"],
        [
            "aws-ebs-csi-driver", "aws-efa", "cert-manager", "kube-prometheus-stack", "gpu-operator",
            "k8s-ephemeral-storage-metrics", "kai-scheduler", "nvidia-dra-driver-gpu", "nvsentinel",
            "prometheus-adapter", "skyhook-operator",
        ],
    ),
    "24-eks-gb200-inference-ubuntu-dynamo": (
        {"service": "eks", "accelerator": "gb200", "intent": "inference", "os": "ubuntu", "platform": "dynamo"},
        [
            "eks", "eks-inference", "gb200-eks-inference", "gb200-eks-ubuntu-inference",
            "gb200-eks-ubuntu-inference-dynamo",
        ],
        [
            "aws-ebs-csi-driver", "aws-efa", "cert-manager", "dynamo-crds", "kgateway-crds", "kgateway",
            "kube-prometheus-stack", "k8s-ephemeral-storage-metrics", "prometheus-adapter", "skyhook-operator",
            "skyhook-customizations", "gpu-operator", "kai-scheduler", "dynamo-platform",
            "nvidia-dra-driver-gpu", "nvsentinel",
        ],
    ),
    "25-gke-h100-training-cos-kubeflow": (
        {"service": "gke", "accelerator": "h100", "intent": "training", "os": "cos", "platform": "kubeflow"},
        ["gke-cos", "gke-cos-training", "h100-gke-cos-training", "h100-gke-cos-training-kubeflow"],
        [
            "cert-manager", "kube-prometheus-stack", "k8s-ephemeral-storage-metrics", "prometheus-adapter",
            "skyhook-operator", "skyhook-customizations", "gpu-operator", "gke-nccl-tcpxo", "kai-scheduler",
            "kubeflow-trainer", "nvidia-dra-driver-gpu", "nvsentinel",
        ],
    ),
    "26-kind-h100-inference-dynamo": (
        {"service": "kind", "accelerator": "h100", "intent": "inference", "platform": "dynamo"},
        ["kind", "kind-inference", "h100-kind-inference", "h100-kind-inference-dynamo"],
        [
            "cert-manager", "dynamo-crds", "kgateway-crds", "kgateway", "kube-prometheus-stack", "gpu-operator",
            "k8s-ephemeral-storage-metrics", "kai-scheduler", "dynamo-platform", "network-operator",
            "nvidia-dra-driver-gpu", "nvsentinel", "prometheus-adapter", "skyhook-operator",
        ],
    ),
}  # fmt: skip


# Current semantics vs v0.11 on these goldens (recipe.md §3.4, §3.7), re-derived by hand:
# - dependencyRefs are unioned now, replaced in v0.11. Every overlay that restates a component's
#   dependencyRefs lists a superset of the inherited list with the inherited part first, so the
#   union equals the replacement and no edge (and no order) changes.
# - overrides deep-merge now; v0.11 copied top-level keys. No chain sets the same top-level
#   override key of one component twice, so both give the same overrides.
# - disabled refs leave the order now; no v0.11.1 ref is disabled (aws-ebs-csi-driver was
#   re-enabled before v0.11), so the order is unchanged.
# - the maximal-leaf filter drops matched ancestors, which v0.11 merged through de-duplication:
#   the applied list is the same.
@pytest.mark.parametrize("case", sorted(GOLDENS))
def test_observed_golden_applied_overlays_and_order(catalog: Catalog, case: str) -> None:
    criteria, applied, order = GOLDENS[case]
    result = catalog.resolve(Criteria.from_mapping(criteria))
    assert result.applied_overlays == PREFIX + applied
    assert result.deployment_order == order


def test_golden_22_eks_h100_training_ubuntu_details(catalog: Catalog) -> None:
    crit = Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")
    result = catalog.resolve(crit)
    assert result.constraints == UBU4
    gpu = component_of(result, "gpu-operator")
    assert gpu["version"] == "v25.10.1"
    assert gpu["valuesFile"] == "components/gpu-operator/values-eks-training.yaml"
    assert gpu["dependencyRefs"] == ["cert-manager", "kube-prometheus-stack", "skyhook-customizations"]
    assert gpu["overrides"] == {"cdi": {"enabled": True}, "gdrcopy": {"enabled": True}}
    assert gpu["manifestFiles"] == ["components/gpu-operator/manifests/dcgm-exporter.yaml"]
    assert result.doc["validation"] == {
        "deployment": DEPLOY4,
        "performance": {
            "constraints": [{"name": "nccl-all-reduce-bw", "value": ">= 300"}],
            "checks": ["nccl-all-reduce-bw"],
        },
        "conformance": {"checks": TRAIN_CONF10},
    }
    # values.yaml, then values-eks-training.yaml, then the overrides (recipe.md §5)
    assert catalog.query(crit, "components.gpu-operator.values.driver.version") == "580.105.08"
    assert catalog.query(crit, "components.gpu-operator.values.cdi") == {"enabled": True, "default": False}


def test_golden_23_eks_training_constraint(catalog: Catalog) -> None:
    result = catalog.resolve(Criteria(service="eks", intent="training"))
    assert result.constraints == [{"name": "K8s.server.version", "value": ">= 1.30"}]
    assert result.doc["validation"] == {"conformance": {"checks": CONF5}}


def test_golden_24_dynamo_leaf_pin_and_constraints(catalog: Catalog) -> None:
    result = catalog.resolve(
        Criteria(service="eks", accelerator="gb200", intent="inference", os="ubuntu", platform="dynamo")
    )
    assert result.constraints == [{"name": "K8s.server.version", "value": ">= 1.34"}, *UBU4[1:]]
    platform = component_of(result, "dynamo-platform")
    assert platform["version"] == "0.9.0"  # the leaf pin beats the registry's 0.9.1
    assert platform["dependencyRefs"] == [
        "dynamo-crds", "cert-manager", "kube-prometheus-stack", "gpu-operator", "kai-scheduler",
    ]  # fmt: skip
    assert component_of(result, "dynamo-crds")["version"] == "0.9.0"
    # v0.11 replaces the conformance phase; current unions checks. eks's CONF5 is a prefix of the
    # leaf's list, so both give the leaf's ten checks in the leaf's order.
    assert result.doc["validation"] == {"conformance": {"checks": DYNAMO_CONF10}}


def test_golden_25_kubeflow_trainer_from_registry(catalog: Catalog) -> None:
    result = catalog.resolve(
        Criteria(service="gke", accelerator="h100", intent="training", os="cos", platform="kubeflow")
    )
    trainer = component_of(result, "kubeflow-trainer")
    assert trainer["version"] == "2.1.0"
    assert result.constraints == [{"name": "K8s.server.version", "value": ">= 1.32"}]
    tcpxo = component_of(result, "gke-nccl-tcpxo")
    assert tcpxo["dependencyRefs"] == ["gpu-operator"]
    assert tcpxo["manifestFiles"] == [
        "components/gke-nccl-tcpxo/manifests/nccl-tcpxo-installer.yaml",
        "components/gke-nccl-tcpxo/manifests/nri-device-injector.yaml",
    ]
    assert not tcpxo.get("source") and not tcpxo.get("version")  # manifest-only
    gpu = component_of(result, "gpu-operator")
    assert gpu["valuesFile"] == "components/gpu-operator/values-gke-cos-training.yaml"
    assert gpu["manifestFiles"] == [
        "components/gpu-operator/manifests/dcgm-exporter.yaml",
        "components/gpu-operator/manifests/gke-resource-quota.yaml",
    ]


def test_golden_26_kind_values_keep_base_driver_version(catalog: Catalog) -> None:
    crit = Criteria(service="kind", accelerator="h100", intent="inference", platform="dynamo")
    driver = catalog.query(crit, "components.gpu-operator.values.driver")
    assert driver["enabled"] is False and driver["version"] == "580.105.08"
    assert driver["rdma"] == {"enabled": False}
    assert (
        catalog.query(crit, "components.dynamo-platform.values.etcd.persistence.storageClass") == "standard"
    )


def test_golden_27_gke_without_os_requires_cos(catalog: Catalog) -> None:
    # v0.11 returned [base, monitoring-hpa] with a warning; current rules (recipe.md §3.6) reject
    # it: gke, h100 and training are each provided only by overlays that also need os=cos.
    with pytest.raises(AicrError) as info:
        catalog.resolve(Criteria(service="gke", accelerator="h100", intent="training"))
    assert info.value.code == Code.INVALID_REQUEST
    assert "requires os (valid: cos)" in info.value.message


def test_golden_28_no_criteria_resolves_to_base_and_monitoring_hpa(catalog: Catalog) -> None:
    # The library has no CLI guard. monitoring-hpa (criteria {intent: any}) matches the all-any
    # query; no dimension is stated, so the coverage post-conditions have nothing to check.
    result = catalog.resolve(Criteria())
    assert result.applied_overlays == PREFIX
    assert result.deployment_order == [
        "cert-manager", "kube-prometheus-stack", "gpu-operator", "k8s-ephemeral-storage-metrics",
        "kai-scheduler", "nvidia-dra-driver-gpu", "nvsentinel", "prometheus-adapter", "skyhook-operator",
    ]  # fmt: skip
    assert result.constraints == [{"name": "K8s.server.version", "value": ">= 1.25"}]
    assert "validation" not in result.doc


# --------------------------------------------------------------------------------------------
# 2. Derived applied lists (catalog-facts.md §8.2) and intermediates

DERIVED = {
    "gb200-eks-training": ["eks", "eks-training"],
    "gb200-eks-ubuntu-training": ["eks", "eks-training", "gb200-eks-training"],
    "gb200-eks-ubuntu-training-kubeflow": ["eks", "eks-training", "gb200-eks-training", "gb200-eks-ubuntu-training"],
    "gb200-eks-inference": ["eks", "eks-inference"],
    "gb200-eks-ubuntu-inference": ["eks", "eks-inference", "gb200-eks-inference"],
    "gb200-eks-ubuntu-inference-dynamo": [
        "eks", "eks-inference", "gb200-eks-inference", "gb200-eks-ubuntu-inference",
    ],
    "h100-eks-training": ["eks", "eks-training"],
    "h100-eks-ubuntu-training": ["eks", "eks-training", "h100-eks-training"],
    "h100-eks-ubuntu-training-kubeflow": ["eks", "eks-training", "h100-eks-training", "h100-eks-ubuntu-training"],
    "h100-eks-inference": ["eks", "eks-inference"],
    "h100-eks-ubuntu-inference": ["eks", "eks-inference", "h100-eks-inference"],
    "h100-eks-ubuntu-inference-dynamo": ["eks", "eks-inference", "h100-eks-inference", "h100-eks-ubuntu-inference"],
    "h100-aks-training": ["aks", "aks-training"],
    "h100-aks-ubuntu-training": ["aks", "aks-training", "h100-aks-training"],
    "h100-aks-ubuntu-training-kubeflow": ["aks", "aks-training", "h100-aks-training", "h100-aks-ubuntu-training"],
    "h100-aks-inference": ["aks", "aks-inference"],
    "h100-aks-ubuntu-inference": ["aks", "aks-inference", "h100-aks-inference"],
    "h100-aks-ubuntu-inference-dynamo": ["aks", "aks-inference", "h100-aks-inference", "h100-aks-ubuntu-inference"],
    "h100-gke-cos-training": ["gke-cos", "gke-cos-training"],
    "h100-gke-cos-training-kubeflow": ["gke-cos", "gke-cos-training", "h100-gke-cos-training"],
    "h100-gke-cos-inference": ["gke-cos", "gke-cos-inference"],
    "h100-gke-cos-inference-dynamo": ["gke-cos", "gke-cos-inference", "h100-gke-cos-inference"],
    "h100-kind-training": ["kind"],
    "h100-kind-inference": ["kind", "kind-inference"],
    "h100-kind-inference-dynamo": ["kind", "kind-inference", "h100-kind-inference"],
}  # fmt: skip

# K8s.server.version each accelerator overlay ends with (its own pin or its nearest ancestor's).
K8S_FLOOR = {
    **{n: ">= 1.32.4" for n in DERIVED if "-eks-" in n or "-aks-" in n},
    **{n: ">= 1.32" for n in DERIVED if "-gke-" in n},
    **{n: ">= 1.34" for n in DERIVED if n.endswith("-dynamo")},
    "h100-kind-training": ">= 1.34",
    "h100-kind-inference": ">= 1.30",  # declares no constraint; kind-inference's
}

GPU_OPERATOR_VALUES = {
    ("eks", "training"): "values-eks-training.yaml",
    ("eks", "inference"): "values.yaml",
    ("aks", "training"): "values-aks-training.yaml",
    ("aks", "inference"): "values-aks.yaml",
    ("gke", "training"): "values-gke-cos-training.yaml",
    ("gke", "inference"): "values-gke-cos.yaml",
    ("kind", "training"): "values.yaml",
    ("kind", "inference"): "values.yaml",
}


def test_derived_table_covers_every_accelerator_overlay() -> None:
    with_accelerator = {n for n in NON_BASE if OVERLAYS[n]["spec"]["criteria"].get("accelerator")}
    assert set(DERIVED) == with_accelerator
    assert len(DERIVED) == 25


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_applied_list(catalog: Catalog, name: str) -> None:
    result = catalog.resolve(own_criteria(name))
    assert result.applied_overlays == [*PREFIX, *DERIVED[name], name]


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_components_versions_and_constraints(catalog: Catalog, name: str) -> None:
    crit = own_criteria(name)
    result = catalog.resolve(crit)
    names = expected_components(crit)
    assert {r["name"] for r in result.component_refs} == names
    for ref in result.component_refs:
        assert ref.get("version") == VERSIONS[ref["name"]], ref["name"]
        assert ref["type"] == "Helm", ref["name"]
    assert {n: deps_of(result, n) for n in names} == expected_dependencies(crit, names)
    values = GPU_OPERATOR_VALUES[(crit.service, crit.intent)]
    assert component_of(result, "gpu-operator")["valuesFile"] == f"components/gpu-operator/{values}"
    expected = [{"name": "K8s.server.version", "value": K8S_FLOOR[name]}]
    if crit.os == "ubuntu":
        expected += UBU4[1:]
    assert result.constraints == expected


@pytest.mark.parametrize("name", NON_BASE)
def test_every_overlay_resolves_with_its_own_criteria_and_is_applied_last(
    catalog: Catalog, name: str
) -> None:
    result = catalog.resolve(own_criteria(name))
    assert result.applied_overlays[:2] == PREFIX
    assert result.applied_overlays[-1] == name
    assert len(set(result.applied_overlays)) == len(result.applied_overlays)


# --------------------------------------------------------------------------------------------
# 3. Invariants (catalog-facts.md §8.3, recipe.md §10 case 29)


EXPECTED_LEAVES = [
    "gb200-eks-ubuntu-inference-dynamo",
    "gb200-eks-ubuntu-training-kubeflow",
    "h100-aks-ubuntu-inference-dynamo",
    "h100-aks-ubuntu-training-kubeflow",
    "h100-eks-ubuntu-inference-dynamo",
    "h100-eks-ubuntu-training-kubeflow",
    "h100-gke-cos-inference-dynamo",
    "h100-gke-cos-training-kubeflow",
    "h100-kind-inference-dynamo",
    "h100-kind-training",
    "monitoring-hpa",
]


def test_leaves_are_the_expected_eleven() -> None:
    assert EXPECTED_LEAVES == LEAVES


def _before(order: list[str], first: str, then: str) -> bool:
    return first not in order or then not in order or order.index(first) < order.index(then)


@pytest.mark.parametrize("name", sorted(set(LEAVES) | set(DERIVED)))
def test_deployment_order_invariants(catalog: Catalog, name: str) -> None:
    result = catalog.resolve(own_criteria(name))
    order = result.deployment_order
    refs = result.component_refs
    assert sorted(order) == sorted(r["name"] for r in refs)  # a permutation of the enabled refs
    for ref in refs:
        for dep in ref.get("dependencyRefs", []):
            assert order.index(dep) < order.index(ref["name"]), (dep, ref["name"])
    assert order == smallest_ready_first(refs)
    for later in ("nvsentinel", "dynamo-platform", "kubeflow-trainer"):
        assert _before(order, "gpu-operator", later)
    assert _before(order, "skyhook-customizations", "gpu-operator")
    assert _before(order, "kai-scheduler", "dynamo-platform")


# --------------------------------------------------------------------------------------------
# 4. Registry defaults (recipe.md §3.7 step 3)


def test_registry_defaults_fill_only_empty_fields(catalog: Catalog) -> None:
    result = catalog.resolve(own_criteria("h100-eks-ubuntu-training-kubeflow"))
    trainer = component_of(result, "kubeflow-trainer")
    assert (trainer["version"], trainer["chart"], trainer["namespace"], trainer["source"]) == (
        "2.1.0", "kubeflow-trainer", "kubeflow", "oci://ghcr.io/kubeflow/charts",
    )  # fmt: skip
    adapter = component_of(result, "prometheus-adapter")
    assert adapter["version"] == "4.14.0"  # monitoring-hpa's pin, not the registry's 5.3.0
    assert adapter["chart"] == "prometheus-adapter"  # last segment of prometheus-community/…
    gpu = component_of(result, "gpu-operator")
    assert (gpu["chart"], gpu["namespace"]) == ("gpu-operator", "gpu-operator")
    skyhook = component_of(result, "skyhook-operator")
    assert skyhook["source"] == "https://helm.ngc.nvidia.com/nvidia/skyhook"  # base's, not the registry's
    assert skyhook["namespace"] == "skyhook"
    custom = component_of(result, "skyhook-customizations")  # manifest-only: defaultRepository ""
    assert custom["namespace"] == "skyhook" and not custom.get("source") and not custom.get("chart")


def test_registry_default_does_not_beat_dynamo_leaf_pin(catalog: Catalog) -> None:
    # h100-kind-inference-dynamo pins the version but leaves the source to the registry.
    result = catalog.resolve(own_criteria("h100-kind-inference-dynamo"))
    platform = component_of(result, "dynamo-platform")
    assert platform["version"] == "0.9.0"
    assert platform["source"] == "https://helm.ngc.nvidia.com/nvidia/ai-dynamo"
    assert platform["namespace"] == "dynamo-system"


def test_health_check_asserts_come_from_the_registry_assert_file(catalog: Catalog) -> None:
    result = catalog.resolve(own_criteria("h100-eks-ubuntu-inference-dynamo"))
    text = (FIXTURE / "checks" / "gpu-operator" / "health-check.yaml").read_text()
    assert component_of(result, "gpu-operator")["healthCheckAsserts"] == text
    for name in ("dynamo-crds", "kgateway-crds"):  # registry entries without healthCheck
        assert "healthCheckAsserts" not in component_of(result, name)


# --------------------------------------------------------------------------------------------
# 5. Determinism


def _every_query() -> list[Criteria]:
    return [Criteria(), *(own_criteria(n) for n in NON_BASE)]


def test_resolving_twice_is_byte_identical(catalog: Catalog) -> None:
    for crit in _every_query():
        assert catalog.resolve(crit).to_yaml() == catalog.resolve(crit).to_yaml()


def test_reloading_from_the_cache_is_byte_identical(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AICR_CACHE_DIR", str(tmp_path))
        compiled = load_catalog(root=FIXTURE)
        cached = load_catalog(root=FIXTURE)
    for crit in _every_query():
        first = compiled.resolve(crit).to_yaml()
        assert cached.resolve(crit).to_yaml() == first
        assert catalog.resolve(crit).to_yaml() == first


def test_copy_written_in_reverse_order_resolves_identically(catalog: Catalog, tmp_path: Path) -> None:
    copy = tmp_path / "catalog"
    files = sorted(p for p in FIXTURE.rglob("*") if p.is_file() and p.name != "README.md")
    for path in reversed(files):
        target = copy / path.relative_to(FIXTURE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AICR_CACHE_DIR", str(tmp_path / "cache"))
        other = load_catalog(root=copy)
    for crit in _every_query():
        assert other.resolve(crit).to_yaml() == catalog.resolve(crit).to_yaml()
        assert json.dumps(other.query(crit, "")) == json.dumps(catalog.query(crit, ""))


# --------------------------------------------------------------------------------------------
# The fixture itself: complete and in the v0.11 format


def test_fixture_has_37_overlays_plus_base_in_the_v011_format() -> None:
    assert len(NON_BASE) == 37 and "base" in OVERLAYS
    for name, doc in OVERLAYS.items():
        assert (doc["kind"], doc["apiVersion"]) == ("RecipeMetadata", "aicr.nvidia.com/v1alpha1"), name
        assert "mixins" not in doc["spec"], name
    registry = yaml.safe_load((FIXTURE / "registry.yaml").read_text())
    assert (registry["kind"], registry["apiVersion"]) == ("ComponentRegistry", "aicr.nvidia.com/v1alpha1")
    assert [e["name"] for e in registry["components"]] == [
        "gpu-operator", "network-operator", "gke-nccl-tcpxo", "aws-efa", "cert-manager", "skyhook-operator",
        "skyhook-customizations", "nvsentinel", "nvidia-dra-driver-gpu", "kube-prometheus-stack",
        "prometheus-adapter", "aws-ebs-csi-driver", "k8s-ephemeral-storage-metrics", "kai-scheduler",
        "dynamo-crds", "dynamo-platform", "kgateway-crds", "kgateway", "kubeflow-trainer",
    ]  # fmt: skip
    tcpxo = registry["components"][2]
    assert "helm" not in tcpxo and tcpxo["manifest"] == {"defaultNamespace": "kube-system"}


def test_fixture_references_resolve_to_files() -> None:
    registry = yaml.safe_load((FIXTURE / "registry.yaml").read_text())
    validators = yaml.safe_load((FIXTURE / "validators" / "catalog.yaml").read_text())
    checks = {v["name"] for v in validators["validators"]}
    paths = [e["healthCheck"]["assertFile"] for e in registry["components"] if "healthCheck" in e]
    assert len(paths) == 16
    for doc in OVERLAYS.values():
        for ref in doc["spec"].get("componentRefs") or []:
            paths += [ref["valuesFile"]] if "valuesFile" in ref else []
            paths += ref.get("manifestFiles", [])
        for phase in (doc["spec"].get("validation") or {}).values():
            assert set(phase.get("checks", [])) <= checks
    for rel in paths:
        assert (FIXTURE / rel).is_file(), rel
