"""Parsing of `aicr bundle` inputs: reference/bundle.md §1 and acceptance cases §7 #5, #11-#14, #20, #24, #26."""

from __future__ import annotations

import math

import pytest

from aicr.bundle.options import BundleOptions, coerce, parse_deployer, parse_taint, parse_toleration
from aicr.errors import AicrError, Code


def invalid(message: str, **kwargs: object) -> AicrError:
    with pytest.raises(AicrError) as info:
        BundleOptions.parse(**kwargs)  # type: ignore[arg-type]
    assert info.value.code is Code.INVALID_REQUEST
    assert message in info.value.message, info.value.message
    return info.value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True),
        ("false", False),
        ("True", "True"),
        ("42", 42),
        ("-7", -7),
        ("580.1", 580.1),
        ("1.10", 1.1),
        ("1e3", 1000.0),
        ("v25.3.3", "v25.3.3"),
        ("1_000", "1_000"),
        ("0x10", "0x10"),
        ("9223372036854775808", 9.223372036854776e18),
        ("", ""),
    ],
)
def test_set_values_are_typed_like_the_reference(raw: str, value: object) -> None:
    got = coerce(raw)
    assert got == value and type(got) is type(value)


def test_set_nan_and_infinity_are_floats() -> None:
    assert math.isnan(coerce("NaN"))
    assert coerce("-Inf") == float("-inf")


def test_invalid_deployer_lists_the_choices() -> None:
    with pytest.raises(
        AicrError,
        match=r'invalid deployer type "bogus": must be one of \[argocd argocd-helm fleet flux helm helmfile\]',
    ):
        parse_deployer("bogus")
    assert parse_deployer("  HelmFile ") == "helmfile"


def test_set_without_component_or_value_is_rejected() -> None:
    invalid("invalid format 'foo': expected 'bundler:path=value'", options={"set": ["foo"]})
    invalid("invalid format 'c:x': expected 'bundler:path=value'", options={"set": ["c:x"]})
    invalid("invalid format 'c:=x': path and value cannot be empty", options={"set": ["c:=x"]})
    invalid("invalid format 'c:a=': path and value cannot be empty", options={"set": ["c:a="]})


def test_set_later_value_wins_and_splits_on_first_colon_and_equals() -> None:
    opts = BundleOptions.parse(options={"set": ["c:a.b=1", "c:a.b=x=y:z"]})
    assert opts.set_values == {"c": {"a.b": "x=y:z"}}


def test_tolerations_equal_and_exists_forms() -> None:
    assert parse_toleration("nvidia.com/gpu=present:NoSchedule", "--x") == {
        "key": "nvidia.com/gpu",
        "operator": "Equal",
        "value": "present",
        "effect": "NoSchedule",
    }
    assert parse_toleration("dedicated:NoExecute", "--x") == {
        "key": "dedicated",
        "operator": "Exists",
        "effect": "NoExecute",
    }


def test_bad_taint_effect_and_malformed_toleration() -> None:
    with pytest.raises(
        AicrError, match='invalid taint effect "Bad", expected NoSchedule, PreferNoSchedule, or NoExecute'
    ):
        parse_toleration("k=v:Bad", "--accelerated-node-toleration")
    invalid("expected key=value:effect or key:effect", options={"system_node_toleration": ["a:b:NoSchedule"]})


def test_default_tolerations_are_tolerate_all_until_a_flag_is_given() -> None:
    opts = BundleOptions.parse()
    assert opts.system_tolerations == [{"operator": "Exists"}]
    assert opts.accelerated_tolerations == [{"operator": "Exists"}]
    opts = BundleOptions.parse(options={"accelerated_node_toleration": ["dedicated:NoExecute"]})
    assert opts.accelerated_tolerations == [{"key": "dedicated", "operator": "Exists", "effect": "NoExecute"}]
    assert opts.system_tolerations == [{"operator": "Exists"}]


def test_selectors_nodes_and_workload_gate_validation() -> None:
    invalid('invalid format "nokv", expected key=value', options={"system_node_selector": ["nokv"]})
    invalid("--nodes must be >= 0", options={"nodes": "-1"})
    invalid("key cannot be empty", options={"workload_gate": ":NoSchedule"})
    invalid("--storage-class cannot be blank", options={"storage_class": "  "})
    assert (
        parse_taint("skyhook.nvidia.com=runtime-required:NoSchedule")
        == "skyhook.nvidia.com=runtime-required:NoSchedule"
    )


def test_deployer_specific_flags_need_their_deployer() -> None:
    invalid(
        "--flux-namespace is only valid with --deployer flux",
        deployer="helm",
        options={"flux_namespace": "x"},
    )
    invalid("--app-name is only valid with --deployer argocd", deployer="helm", options={"app_name": "foo"})
    invalid("must be a DNS-1123 subdomain", deployer="argocd", options={"app_name": "Bad_Name"})
    invalid('dynamic declarations are not supported with deployer "argocd"', deployer="argocd",
            options={"dynamic": ["gpuoperator:driver.version"]})  # fmt: skip
    invalid("only supported with --deployer argocd or argocd-helm", deployer="helm",
            options={"set": ["deployer:namePrefix=team-"]})  # fmt: skip


def test_argo_deployer_options_are_checked() -> None:
    invalid(
        "invalid deployer option namePrefix",
        deployer="argocd",
        options={"set": ["deployer:namePrefix=Tenant"]},
    )
    invalid('unknown deployer option "foo": valid keys are cascadeDelete, destinationServer, namePrefix, project',
            deployer="argocd", options={"set": ["deployer:foo=1"]})  # fmt: skip
    invalid("destinationServer", deployer="argocd", options={"set": ["deployer:destinationServer=http://x"]})
    invalid("project", deployer="argocd", options={"set": ["deployer:project=Bad.Project"]})
    opts = BundleOptions.parse(
        "argocd-helm",
        {"set": ["deployer:namePrefix=team-", "deployer:cascadeDelete=true", "deployer:project=gpu"]},
    )
    assert (opts.argo.name_prefix, opts.argo.cascade_delete, opts.argo.project) == ("team-", True, "gpu")


def test_typed_overrides_parse_json_and_files(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "env.yaml"
    path.write_text("- name: HTTPS_PROXY\n  value: http://proxy:3128\n")
    opts = BundleOptions.parse(
        options={"set_json": ['c:a={"x": [1, 2]}'], "set_file": [f"c:driver.env={path}"]}
    )
    assert opts.typed_values == {
        "c": {"a": {"x": [1, 2]}, "driver.env": [{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}]}
    }
    invalid("invalid JSON", options={"set_json": ["c:a={bad"]})
    invalid('"enabled" is the enable/disable toggle', options={"set_json": ["c:enabled=false"]})


def test_unknown_library_option_is_rejected() -> None:
    invalid('unknown bundle option "sett"', options={"sett": ["x"]})
