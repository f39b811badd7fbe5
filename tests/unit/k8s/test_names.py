"""RFC 1123 name checks (aicr.k8s.names), cm:// names and generated run object names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicr.errors import AicrError, Code
from aicr.io.uris import parse_configmap_uri
from aicr.k8s.names import check_label, check_namespace, check_prefix, check_subdomain, is_label, is_subdomain
from aicr.k8s.runs import run_name

RUN_ID = "20250101-000000-0123456789abcdef"


@pytest.mark.parametrize("value", ["a", "aicr", "gpu-operator", "a1-b2", "x" * 63])
def test_valid_labels_pass(value: str) -> None:
    assert check_label(value, "--namespace") == value


@pytest.mark.parametrize("value", ["", "A", "a_b", "-a", "a-", "a.b", "x" * 64, "a\nb", "ü"])
def test_invalid_labels_name_the_flag(value: str) -> None:
    with pytest.raises(AicrError, match="--namespace") as err:
        check_namespace(value, "--namespace")
    assert err.value.code is Code.INVALID_REQUEST


@pytest.mark.parametrize("value", ["a.b", "aicr-snapshot.v1", "x" * 253])
def test_valid_subdomains_pass(value: str) -> None:
    assert check_subdomain(value, "ConfigMap name") == value


@pytest.mark.parametrize("value", ["a..b", ".a", "a/b", "Ab", "x" * 254])
def test_invalid_subdomains_are_rejected(value: str) -> None:
    with pytest.raises(AicrError, match="ConfigMap name"):
        check_subdomain(value, "ConfigMap name")


def test_control_characters_are_shown_escaped() -> None:
    with pytest.raises(AicrError, match=r"'a\\nb'"):
        check_label("a\nb", "--job-name")


def test_prefix_may_be_longer_than_a_label() -> None:
    assert check_prefix("p" * 100, "--job-name") == "p" * 100


def test_prefix_with_an_underscore_is_rejected() -> None:
    with pytest.raises(AicrError, match="--job-name"):
        check_prefix("my_job", "--job-name")


@pytest.mark.parametrize(
    "uri", ["cm://ns/x\ny", "cm://NS/x", "cm://ns/a/b", "cm://ns/Upper", "cm://" + "n" * 64 + "/x"]
)
def test_configmap_uris_with_bad_names_are_invalid_requests(uri: str) -> None:
    with pytest.raises(AicrError, match="invalid ConfigMap URI") as err:
        parse_configmap_uri(uri)
    assert err.value.code is Code.INVALID_REQUEST


def test_configmap_uri_allows_dotted_names() -> None:
    assert parse_configmap_uri("cm://ns/snap.v1") == ("ns", "snap.v1")


def test_generated_name_is_cut_deterministically_to_63() -> None:
    name = run_name("a-very-long-prefix-" * 5, RUN_ID)
    assert name == run_name("a-very-long-prefix-" * 5, RUN_ID)
    assert len(name) <= 63
    assert name.endswith(RUN_ID)
    assert check_label(name, "name") == name


def test_bad_run_id_is_an_invalid_request() -> None:
    with pytest.raises(AicrError, match="run ID") as err:
        run_name("aicr", "Run_1")
    assert err.value.code is Code.INVALID_REQUEST


_NAME_TEXT = st.text(alphabet=st.sampled_from("az09-._A\n ü١"), max_size=12)


@settings(max_examples=500, deadline=None)
@given(_NAME_TEXT)
def test_label_rule_agrees_with_the_rfc_1123_label_pattern(value: str) -> None:
    assert is_label(value) == bool(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", value))


@settings(max_examples=500, deadline=None)
@given(_NAME_TEXT)
def test_subdomain_rule_agrees_with_the_rfc_1123_subdomain_pattern(value: str) -> None:
    pattern = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
    assert is_subdomain(value) == bool(re.fullmatch(pattern, value))
