"""`recipe list`: leaf filtering, health rows (resolve, bundle per deployer, validations), rendering."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
import yaml

from aicr.catalog.catalog import Catalog, load_catalog
from aicr.errors import AicrError, Code
from aicr.recipe import listing
from aicr.recipe.criteria import Criteria


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_filter_keeps_only_leaves_stating_the_given_values(catalog: Catalog) -> None:
    rows = listing.list_leaves(catalog, Criteria(service="eks", platform="slurm"))
    assert [r["name"] for r in rows] == [
        "gb200-eks-ubuntu-training-slurm",
        "gb300-eks-ubuntu-training-slurm",
        "h100-eks-ubuntu-training-slurm",
    ]


def test_no_filter_lists_every_leaf_including_wildcards(catalog: Catalog) -> None:
    names = [r["name"] for r in listing.list_leaves(catalog, Criteria())]
    assert names == listing.leaf_names(catalog)
    assert {"h100-any", "monitoring-hpa"} <= set(names)


def test_unknown_filter_value_is_invalid_request(catalog: Catalog) -> None:
    with pytest.raises(AicrError) as err:
        listing.list_leaves(catalog, Criteria(service="nope"))
    assert err.value.code is Code.INVALID_REQUEST


def test_healthy_leaf_resolves_bundles_and_validates(catalog: Catalog) -> None:
    row = listing.leaf_health(catalog, "h100-eks-ubuntu-training-slurm", ("helm", "flux"))
    assert row == {
        "name": "h100-eks-ubuntu-training-slurm",
        "resolves": "ok",
        "bundles": {"helm": "ok", "flux": "ok"},
        "validations": "ok",
    }
    assert listing.healthy(row)


class _Unresolvable:
    """A catalog stand-in whose one leaf fails to resolve."""

    overlays: ClassVar[dict[str, Any]] = {"x-eks-training": {"criteria": {"service": "eks"}}}

    def resolve(self, criteria: Criteria) -> Any:
        raise AicrError(Code.INVALID_REQUEST, "merged recipe validation failed: boom")


def test_resolve_failure_is_reported_and_unhealthy() -> None:
    row = listing.leaf_health(_Unresolvable(), "x-eks-training", ("helm",))  # type: ignore[arg-type]
    assert row["resolves"] == "merged recipe validation failed: boom"
    assert row["bundles"] == {"helm": "-"}
    assert not listing.healthy(row)


def test_failed_bundle_makes_the_row_unhealthy() -> None:
    row = {"name": "a", "resolves": "ok", "bundles": {"helm": "ok", "flux": "bad"}, "validations": "ok"}
    assert not listing.healthy(row)
    assert "failed: flux" in listing.render([row], "table", health=True)


def test_health_table_counts_healthy_leaves() -> None:
    good = {"name": "a", "resolves": "ok", "bundles": {"helm": "ok"}, "validations": "ok"}
    bad = {"name": "b", "resolves": "nope", "bundles": {"helm": "-"}, "validations": "-"}
    text = listing.render([good, bad], "table", health=True)
    assert text.splitlines()[0].split() == ["LEAF", "RESOLVES", "BUNDLES", "VALIDATIONS"]
    assert text.endswith("1/2 leaves healthy\n")


def test_json_and_yaml_renderings_carry_the_same_rows() -> None:
    rows = [{"name": "a", "service": "eks"}]
    assert json.loads(listing.render(rows, "json", health=False)) == {"recipes": rows}
    assert yaml.safe_load(listing.render(rows, "yaml", health=False)) == {"recipes": rows}


def test_unknown_format_is_invalid_request() -> None:
    with pytest.raises(AicrError) as err:
        listing.render([], "csv", health=False)
    assert err.value.code is Code.INVALID_REQUEST
