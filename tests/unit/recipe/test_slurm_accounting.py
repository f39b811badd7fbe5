"""Slurm accounting mode: gates it owns in the resolved recipe, its record, and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.errors import AicrError, Code
from aicr.recipe.accounting import DATABASE_COMPONENTS, apply_mode, parse_mode
from aicr.recipe.criteria import Criteria
from aicr.recipe.deps import is_enabled

SLURM = Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu", platform="slurm")
NOT_SLURM = Criteria(service="eks", accelerator="h100", intent="training", os="ubuntu")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _refs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {ref["name"]: ref for ref in doc["componentRefs"]}


def test_slurm_recipe_records_disabled_when_no_mode_is_given(catalog: Catalog) -> None:
    doc = catalog.resolve(SLURM).doc
    assert doc["configuration"] == {"slurm": {"accounting": {"mode": "disabled"}}}


def test_disabled_mode_declares_the_database_components_but_leaves_them_out_of_the_order(
    catalog: Catalog,
) -> None:
    doc = catalog.resolve(SLURM).doc
    refs = _refs(doc)
    for name in DATABASE_COMPONENTS:
        assert name in refs
        assert not is_enabled(refs[name])
        assert name not in doc["deploymentOrder"]
    assert refs["slinky-slurm"]["overrides"]["accounting"]["enabled"] is False


def test_customer_managed_enables_accounting_without_installing_a_database(catalog: Catalog) -> None:
    doc = catalog.resolve(SLURM, slurm_accounting_mode="customer-managed").doc
    refs = _refs(doc)
    assert refs["slinky-slurm"]["overrides"]["accounting"]["enabled"] is True
    assert not any(name in doc["deploymentOrder"] for name in DATABASE_COMPONENTS)


def test_aicr_provided_installs_the_database_before_the_slurm_cluster(catalog: Catalog) -> None:
    doc = catalog.resolve(SLURM, slurm_accounting_mode="aicr-provided").doc
    order = doc["deploymentOrder"]
    assert order.index("mariadb-operator-crds") < order.index("mariadb-operator")
    assert order.index("mariadb-operator") < order.index("slurm-accounting-mariadb")
    assert order.index("slurm-accounting-mariadb") < order.index("slinky-slurm")
    assert doc["configuration"]["slurm"]["accounting"]["mode"] == "aicr-provided"


def test_mode_for_a_recipe_without_slurm_is_invalid_request(catalog: Catalog) -> None:
    with pytest.raises(AicrError) as err:
        catalog.resolve(NOT_SLURM, slurm_accounting_mode="disabled")
    assert err.value.code is Code.INVALID_REQUEST
    assert "only to Slurm recipes" in err.value.message


def test_non_slurm_recipe_has_no_configuration_block(catalog: Catalog) -> None:
    assert "configuration" not in catalog.resolve(NOT_SLURM).doc


def test_unknown_mode_is_invalid_request_naming_the_valid_modes() -> None:
    with pytest.raises(AicrError) as err:
        parse_mode("managed")
    assert err.value.code is Code.INVALID_REQUEST
    assert "disabled, customer-managed, aicr-provided" in err.value.message


def test_mode_is_normalised() -> None:
    assert parse_mode(" AICR-Provided ") == "aicr-provided"


def test_aicr_provided_needs_the_database_components() -> None:
    refs: dict[str, dict[str, Any]] = {"slinky-slurm": {"name": "slinky-slurm"}}
    with pytest.raises(AicrError) as err:
        apply_mode(refs, "aicr-provided", "criteria(platform=slurm)")
    assert "mariadb-operator-crds" in err.value.message
