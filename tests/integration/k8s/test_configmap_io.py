"""`cm://namespace/name` reading and writing against the emulated API (reference/snapshot.md §5.3-5.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.kube_emulator import KubeEmulator

import aicr
from aicr.cli.main import main
from aicr.errors import AicrError, Code
from aicr.io.documents import read_bytes
from aicr.k8s.configmaps import MAX_CONFIGMAP_BYTES, read_document_configmap, write_document_configmap
from aicr.snapshot.model import Measurement, Snapshot, Subtype, new_metadata

CATALOG = Path(aicr.__file__).parent / "catalog" / "data" / "registry.yaml"


def snapshot() -> Snapshot:
    return Snapshot(
        [
            Measurement("GPU", [Subtype("smi", {"gpu-count": 8, "gpu.model": "NVIDIA H100 80GB HBM3"})]),
            Measurement("K8s", [Subtype("server", {"version": "v1.33.2-eks-1234"})]),
            Measurement(
                "OS",
                [
                    Subtype("release", {"ID": "ubuntu", "VERSION_ID": "24.04"}),
                    Subtype("sysctl", {"/proc/sys/kernel/osrelease": "6.8.0-1021-aws"}),
                ],
            ),
        ],
        metadata=new_metadata("2025-01-02T03:04:05Z", "0.1.0", "node-1"),
    )


def test_write_document_creates_the_configmap_with_keys_and_labels(
    kube: KubeEmulator, kubeconfig: Path
) -> None:
    aicr.write_document(snapshot(), "cm://gpu-ops/snap", "yaml")
    (cm,) = kube.objects("v1/configmaps", "gpu-ops")
    assert cm["metadata"]["name"] == "snap"
    assert set(cm["data"]) == {"snapshot.yaml", "format", "timestamp"}
    assert cm["data"]["format"] == "yaml" and cm["data"]["timestamp"] == "2025-01-02T03:04:05Z"
    assert cm["metadata"]["labels"] == {
        "app.kubernetes.io/name": "aicr",
        "app.kubernetes.io/managed-by": "aicr",
        "app.kubernetes.io/component": "Snapshot",
        "app.kubernetes.io/version": "0.1.0",
    }
    applies = [r for r in kube.requests() if r[0] == "PATCH"]
    assert applies and applies[0][2]["fieldManager"] == "aicr" and applies[0][2]["force"] == "true"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_through_a_configmap(kube: KubeEmulator, kubeconfig: Path, fmt: str) -> None:
    aicr.write_document(snapshot(), "cm://default/snap", fmt)
    back = aicr.load_snapshot("cm://default/snap")
    assert back.to_dict() == snapshot().to_dict()
    assert type(back.reading("GPU", "smi", "gpu-count")) is int


def test_rewriting_in_another_format_replaces_the_data(kube: KubeEmulator, kubeconfig: Path) -> None:
    aicr.write_document(snapshot(), "cm://default/snap", "json")
    aicr.write_document(snapshot(), "cm://default/snap", "yaml")
    (cm,) = kube.objects("v1/configmaps", "default")
    assert set(cm["data"]) == {"snapshot.yaml", "format", "timestamp"}


def test_cli_snapshot_writes_to_a_configmap(
    kube: KubeEmulator, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["snapshot", "--local", "-o", "cm://default/host", "--format", "json"]) == 0
    (cm,) = kube.objects("v1/configmaps", "default")
    assert cm["data"]["format"] == "json" and cm["data"]["snapshot.json"].startswith("{\n")
    assert aicr.load_snapshot("cm://default/host").measurement("OS") is not None


def test_missing_configmap_or_key_is_not_found(kube: KubeEmulator, kubeconfig: Path) -> None:
    with pytest.raises(AicrError) as missing:
        read_bytes("cm://default/nothing", what="snapshot")
    assert missing.value.code is Code.NOT_FOUND
    kube.add(
        "v1/configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "empty", "namespace": "default"},
            "data": {"format": "yaml"},
        },
    )
    with pytest.raises(AicrError, match="has no snapshot data") as no_key:
        aicr.load_snapshot("cm://default/empty")
    assert no_key.value.code is Code.NOT_FOUND


def test_oversize_document_is_refused_before_any_request(kube: KubeEmulator, kubeconfig: Path) -> None:
    with pytest.raises(AicrError, match="above the ConfigMap limit") as err:
        write_document_configmap("default", "big", "x" * (MAX_CONFIGMAP_BYTES + 1), fmt="yaml")
    assert err.value.code is Code.INVALID_REQUEST
    assert not [r for r in kube.requests() if r[0] == "PATCH"]


def test_forbidden_write_is_unauthorized(kube: KubeEmulator, kubeconfig: Path) -> None:
    kube.call(lambda emu: emu.fail("PATCH", "configmaps", 403, 'configmaps "x" is forbidden'))
    with pytest.raises(AicrError) as err:
        write_document_configmap("default", "x", "a: 1\n", fmt="yaml")
    assert err.value.code is Code.UNAUTHORIZED and "forbidden" in err.value.message


def test_reader_uses_an_explicit_client(kube: KubeEmulator, api: object) -> None:
    kube.add(
        "v1/configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "s", "namespace": "x"},
            "data": {"snapshot.yaml": "kind: Snapshot\n", "format": "yaml"},
        },
    )
    assert read_document_configmap("x", "s", client=api) == b"kind: Snapshot\n"  # type: ignore[arg-type]


@pytest.mark.skipif(
    not CATALOG.exists(), reason="embedded catalog (catalog/data/registry.yaml) not authored yet"
)
def test_recipe_reads_its_snapshot_from_and_writes_its_result_to_configmaps(
    kube: KubeEmulator, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aicr.write_document(snapshot(), "cm://default/snap", "yaml")
    rc = main(
        ["recipe", "--snapshot", "cm://default/snap", "--intent", "training", "-o", "cm://default/recipe"]
    )
    assert rc == 0, capsys.readouterr().err
    recipe_cm = next(
        cm for cm in kube.objects("v1/configmaps", "default") if cm["metadata"]["name"] == "recipe"
    )
    assert recipe_cm["metadata"]["labels"]["app.kubernetes.io/component"] == "RecipeResult"
    assert "kind: RecipeResult" in recipe_cm["data"]["recipe.yaml"]
