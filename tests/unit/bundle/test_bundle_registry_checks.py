"""Registry checks that block or warn at bundle time (issue 10 item 1), on synthetic components."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from aicr.bundle import validations
from aicr.bundle.components import Component
from aicr.bundle.options import BundleOptions
from aicr.catalog.models import REGISTRY_CHECKS
from aicr.errors import AicrError, Code


def comp(
    name: str, values: dict[str, Any], checks: Sequence[str] = (), dynamic: Sequence[str] = ()
) -> Component:
    entry = {"name": name, "validations": [{"function": f, "severity": "error"} for f in checks]}
    keys = {"gpu-operator": ["gpuoperator"], "nvsentinel": ["nv-sentinel"]}.get(name, [name.replace("-", "")])
    c = Component({"name": name}, entry, keys)
    c.values = values
    c.dynamic_paths = list(dynamic)
    return c


def run(*components: Component, metadata: dict[str, Any] | None = None, **doc: Any) -> list[str]:
    recipe = {"metadata": metadata or {}, **doc}
    return validations.run(
        list(components), doc.get("criteria") or {}, BundleOptions.parse("helm", {}), recipe
    )


def gpu_op(values: dict[str, Any], dynamic: Sequence[str] = ()) -> Component:
    return comp("gpu-operator", values, ["CheckDriverOwnershipCoherence"], dynamic)


OPERATOR_DRIVER = {"driver": {"enabled": True}, "hostPaths": {"driverInstallDir": "/run/nvidia/driver"}}
HOST_DRIVER = {"driver": {"enabled": False}}


def test_every_catalog_check_name_is_implemented() -> None:
    assert set(validations.CHECKS) == REGISTRY_CHECKS


def test_driver_ownership_passes_operator_driver_with_matching_dra_root() -> None:
    assert (
        run(
            gpu_op(OPERATOR_DRIVER), comp("nvidia-dra-driver-gpu", {"nvidiaDriverRoot": "/run/nvidia/driver"})
        )
        == []
    )


def test_driver_ownership_refuses_dra_root_that_differs_from_install_dir() -> None:
    with pytest.raises(AicrError, match="reads nvidiaDriverRoot=/;") as err:
        run(gpu_op(OPERATOR_DRIVER), comp("nvidia-dra-driver-gpu", {"nvidiaDriverRoot": "/"}))
    assert err.value.code == Code.INVALID_REQUEST


def test_driver_ownership_refuses_undeclared_dra_root_with_operator_driver() -> None:
    with pytest.raises(AicrError, match="chart default"):
        run(gpu_op(OPERATOR_DRIVER), comp("nvidia-dra-driver-gpu", {}))


def test_driver_ownership_refuses_operator_root_when_driver_is_preinstalled() -> None:
    with pytest.raises(AicrError, match="nothing populates"):
        run(gpu_op(HOST_DRIVER), comp("nvidia-dra-driver-gpu", {"nvidiaDriverRoot": "/run/nvidia/driver"}))


def test_driver_ownership_refuses_install_dir_at_root() -> None:
    with pytest.raises(AicrError, match="runc rejects"):
        run(gpu_op({"hostPaths": {"driverInstallDir": "/"}}))


def test_driver_ownership_refuses_string_toggle() -> None:
    with pytest.raises(AicrError, match="not a boolean"):
        run(gpu_op({"driver": {"enabled": "false"}}))


def test_driver_ownership_refuses_null_driver_section() -> None:
    with pytest.raises(AicrError, match="explicitly null"):
        run(gpu_op({"driver": None}))


def test_driver_ownership_refuses_preinstalled_profile_on_driverless_snapshot() -> None:
    with pytest.raises(AicrError, match="driverless"):
        run(gpu_op(HOST_DRIVER), metadata={"gpuDriverState": "absent"})


def test_driver_ownership_accepts_driverless_snapshot_when_bundle_installs_driver() -> None:
    installer = comp("gcp-driver-installer", {"installer": {"enabled": True}})
    assert run(gpu_op(HOST_DRIVER), installer, metadata={"gpuDriverState": "absent"}) == []


def test_driver_ownership_refuses_unknown_driver_state_spelling() -> None:
    with pytest.raises(AicrError, match="gpuDriverState"):
        run(gpu_op(OPERATOR_DRIVER), metadata={"gpuDriverState": "Absent"})


def test_driver_ownership_refuses_dynamic_ownership_path() -> None:
    with pytest.raises(AicrError, match="--dynamic on driver.enabled"):
        run(gpu_op(OPERATOR_DRIVER, dynamic=["driver"]))


def test_driver_ownership_applies_to_openshift_operator() -> None:
    ocp = comp("gpu-operator-ocp", OPERATOR_DRIVER, ["CheckDriverOwnershipCoherence"])
    with pytest.raises(AicrError, match="gpu-operator-ocp"):
        run(ocp, comp("nvidia-dra-driver-gpu-ocp", {"nvidiaDriverRoot": "/"}))


def sentinel(values: dict[str, Any], dynamic: Sequence[str] = ()) -> Component:
    checks = [
        "CheckNVSentinelDriverLabelDetectable",
        "CheckNVSentinelRuntimeClassCoherence",
        "CheckNVSentinelTracingEndpointRequired",
    ]
    return comp("nvsentinel", values, checks, dynamic)


def plain_op(values: dict[str, Any]) -> Component:
    return comp("gpu-operator", values)


def test_driver_label_refuses_host_driver_without_assume_flag() -> None:
    with pytest.raises(AicrError, match="assumeDriverInstalled is not set"):
        run(plain_op(HOST_DRIVER), sentinel({}))


def test_driver_label_accepts_host_driver_with_assume_flag() -> None:
    assert run(plain_op(HOST_DRIVER), sentinel({"labeler": {"assumeDriverInstalled": True}})) == []


def test_driver_label_treats_empty_map_flag_as_unset() -> None:
    with pytest.raises(AicrError, match="assumeDriverInstalled"):
        run(plain_op(HOST_DRIVER), sentinel({"labeler": {"assumeDriverInstalled": {}}}))


def test_driver_label_is_silent_when_operator_installs_driver() -> None:
    assert run(plain_op({}), sentinel({})) == []


def test_driver_label_is_silent_when_both_label_consumers_are_disabled() -> None:
    off = {"global": {"metadataCollector": {"enabled": False}, "syslogHealthMonitor": {"enabled": False}}}
    assert run(plain_op(HOST_DRIVER), sentinel(off)) == []


def test_driver_label_refuses_dynamic_remedy() -> None:
    values = {"labeler": {"assumeDriverInstalled": True}}
    with pytest.raises(AicrError, match="--dynamic on labeler.assumeDriverInstalled"):
        run(plain_op(HOST_DRIVER), sentinel(values, dynamic=["labeler.assumeDriverInstalled"]))


def test_driver_label_is_silent_on_gke_bundle_installer_profile() -> None:
    meta = {"selectedProfile": {"name": "gpuStack", "value": "bundle-installer"}}
    assert (
        run(plain_op(HOST_DRIVER), sentinel({}), metadata=meta, criteria={"service": "gke", "os": "cos"})
        == []
    )


def test_runtime_class_refuses_collector_class_the_operator_does_not_create() -> None:
    op = plain_op({"operator": {"runtimeClass": "nvidia-container-runtime"}})
    with pytest.raises(AicrError, match='RuntimeClass "nvidia" not found'):
        run(op, sentinel({}))


def test_runtime_class_accepts_matching_classes() -> None:
    op = plain_op({"operator": {"runtimeClass": "custom"}})
    assert run(op, sentinel({"metadata-collector": {"runtimeClassName": "custom"}})) == []


def test_runtime_class_accepts_empty_collector_class() -> None:
    op = plain_op({"operator": {"runtimeClass": "custom"}})
    assert run(op, sentinel({"metadata-collector": {"runtimeClassName": ""}})) == []


def test_runtime_class_is_silent_when_collector_is_disabled() -> None:
    op = plain_op({"operator": {"runtimeClass": "custom"}})
    assert run(op, sentinel({"global": {"metadataCollector": {"enabled": False}}})) == []


def test_tracing_refuses_enabled_without_endpoint() -> None:
    with pytest.raises(AicrError, match="endpoint is empty") as err:
        run(sentinel({"global": {"tracing": {"enabled": True, "endpoint": "  "}}}))
    assert err.value.code == Code.INVALID_REQUEST


def test_tracing_accepts_enabled_with_endpoint() -> None:
    assert run(sentinel({"global": {"tracing": {"enabled": True, "endpoint": "otel:4317"}}})) == []


def test_tracing_refuses_non_string_endpoint() -> None:
    with pytest.raises(AicrError, match="must be a string"):
        run(sentinel({"global": {"tracing": {"enabled": "yes", "endpoint": 4317}}}))


def test_tracing_refuses_dynamic_enable_without_static_endpoint() -> None:
    with pytest.raises(AicrError, match="--dynamic on global.tracing.enabled"):
        run(sentinel({}, dynamic=["global.tracing.enabled"]))


def mariadb() -> Component:
    c = comp("mariadb-operator", {}, ["CheckMariaDBOperatorOwnershipCoherence"])
    c.entry["validations"][0]["severity"] = "warning"  # type: ignore[index]
    return c


AICR_PROVIDED = {"slurm": {"accounting": {"mode": "aicr-provided"}}}


def test_mariadb_is_silent_without_aicr_provided_accounting() -> None:
    assert run(mariadb(), metadata={"mariaDBOperatorState": "crs-detected"}) == []


def test_mariadb_warns_without_snapshot_evidence() -> None:
    assert "no metadata.mariaDBOperatorState" in run(mariadb(), configuration=AICR_PROVIDED)[0]


def test_mariadb_warns_when_only_the_api_was_found() -> None:
    notes = run(mariadb(), metadata={"mariaDBOperatorState": "api-detected"}, configuration=AICR_PROVIDED)
    assert "no MariaDB resources" in notes[0]


def test_mariadb_is_silent_when_operator_is_absent() -> None:
    assert run(mariadb(), metadata={"mariaDBOperatorState": "absent"}, configuration=AICR_PROVIDED) == []


@pytest.mark.parametrize("state", ["crs-detected", "unknown"])
def test_mariadb_conflict_blocks_even_at_warning_severity(state: str) -> None:
    with pytest.raises(AicrError) as err:
        run(mariadb(), metadata={"mariaDBOperatorState": state}, configuration=AICR_PROVIDED)
    assert err.value.code == Code.CONFLICT


def test_mariadb_refuses_unrecognized_state() -> None:
    with pytest.raises(AicrError, match="not recognized") as err:
        run(mariadb(), metadata={"mariaDBOperatorState": "maybe"}, configuration=AICR_PROVIDED)
    assert err.value.code == Code.INVALID_REQUEST


FIXTURE = __import__("pathlib").Path(__file__).parents[2] / "fixtures" / "bundle-catalog"


def _catalog_with(tmp_path: Any, old: str, new: str) -> Any:
    import shutil

    import aicr

    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    registry = root / "registry.yaml"
    text = registry.read_text()
    assert old in text
    registry.write_text(text.replace(old, new, 1))
    return lambda: aicr.load_catalog(root=str(root))


def test_catalog_with_unknown_check_name_fails_to_load(tmp_path: Any) -> None:
    load = _catalog_with(
        tmp_path, "function: CheckWorkloadSelectorMissing", "function: CheckWorkloadSelectorMising"
    )
    with pytest.raises(AicrError, match='unknown validation function "CheckWorkloadSelectorMising"'):
        load()


def test_catalog_with_unknown_condition_field_fails_to_load(tmp_path: Any) -> None:
    load = _catalog_with(tmp_path, "          intent: [training]", "          intnet: [training]")
    with pytest.raises(AicrError, match='unknown criteria field "intnet"'):
        load()
