"""The constraint language: reference/validate.md §1 and the acceptance cases of §7 (1-15)."""

from __future__ import annotations

from typing import Any

import pytest

from aicr.errors import AicrError, Code
from aicr.validate.constraints import check, evaluate, format_reading, lookup, parse_expression, parse_path


@pytest.mark.parametrize(
    ("expression", "actual", "expected"),
    [
        (">= 1.32.4", "v1.33.5-eks-3025e55", True),  # 1
        (">= 1.32.4", "1.30.0", False),
        ("<= 1.33", "1.33.0", True),  # 2
        ("<= 1.33", "1.34.0", False),
        ("< 2.0", "2.0.0", False),
        ("> 1.30", "1.30.0", False),  # 3
        ("> 1.33", "1.33.9", False),
        (">= 6.8", "6.8.0-1028-aws", True),  # 4
        (">= 6.8", "5.15.0-1050-aws", False),
        ("< 6.8.0", "6.8.0-rc1", False),  # 5
        (">= 1.28", "1.28.0-gke.1337000", True),
        (">= 1.5", "2", True),  # 6
        ("<= 1.33.5", "1.33", True),
        (">= 550", "550.54.15", True),
        ("== 1.32", "1.32.4", False),  # 7
        ("== 1.32", "1.32.0", True),
        ("== 1.2.3", "v1.2.3", True),
        ("== 24.04", "24.4", True),  # 8
        ("24.04", "24.4", False),
        ("ubuntu", "  ubuntu  ", True),  # 9
        ("ubuntu", "Ubuntu", False),
        ("true", "true", True),
        ("!= rhel", "rhel", False),  # 10
        ("!= rhel", "ubuntu", True),
        ("!= 1.33", "1.33.0", False),
        ("== not-a-version", "not-a-version", True),  # 11
        ("=>1.30", "1.30", False),  # 13
        ("~1.33", "1.33", False),
        ("=1.33.0", "1.33.0", True),
        (">= 1.34.3-gke.1318000", "1.34.3-gke.1200000", False),  # 14
        (">= 1.34.3-gke.1318000", "1.34.3", False),
        (">= 1.34.3-gke.1318000", "1.34.4", True),
        ("<= 1.35.0", "1.35.0-gke.5", False),
        (">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", "1.34.9", True),
        (">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", "1.35.0-gke.100", False),
        (">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", "1.35.0-gke.2745001", True),
    ],
)
def test_acceptance_cases(expression: str, actual: str, expected: bool) -> None:
    assert evaluate(expression, actual) is expected


@pytest.mark.parametrize(
    ("expression", "actual", "fragment"),
    [
        (">= not-a-version", "1.0.0", "cannot parse expected version"),  # 12
        (">= 1.0.0", "not-a-version", "cannot parse actual version"),
        (">= 1.0", "1.2.3.4", "cannot parse actual version"),
        ("", "x", "empty"),
        ("   ", "x", "empty"),
        (">=", "x", "no value"),
        ("!foo", "foo", '"!"'),  # 13
        (">= 1.34.3-gke.-1", "1.34.3", "malformed GKE build suffix"),  # 14
        (">= 1.0 ||", "1.0", "empty clause"),
    ],
)
def test_evaluation_errors_are_invalid_request(expression: str, actual: str, fragment: str) -> None:
    with pytest.raises(AicrError) as err:
        evaluate(expression, actual)
    assert err.value.code is Code.INVALID_REQUEST
    assert fragment in err.value.message


@pytest.mark.parametrize(
    ("expression", "parsed"),
    [
        (" >=  1.32.4 ", (">=", "1.32.4")),
        (">=1.32.4", (">=", "1.32.4")),
        ("==ubuntu", ("==", "ubuntu")),
        ("x", ("", "x")),
    ],
)
def test_expression_parsing(expression: str, parsed: tuple[str, str]) -> None:
    assert parse_expression(expression) == parsed


def test_case15_paths_split_on_first_two_dots_except_systemd() -> None:
    assert parse_path("OS.sysctl./proc/sys/kernel/osrelease") == (
        "OS",
        "sysctl",
        "/proc/sys/kernel/osrelease",
    )
    assert parse_path("SystemD.containerd.service.ActiveState") == (
        "SystemD",
        "containerd.service",
        "ActiveState",
    )
    assert parse_path("K8s.server.version") == ("K8s", "server", "version")


@pytest.mark.parametrize("path", ["K8s", "K8s.server", "k8s.server.version", "Bad.a.b", ""])
def test_case15_bad_paths_are_invalid_request(path: str) -> None:
    with pytest.raises(AicrError) as err:
        parse_path(path)
    assert err.value.code is Code.INVALID_REQUEST


SNAPSHOT: dict[str, Any] = {
    "kind": "Snapshot",
    "measurements": [
        {"type": "K8s", "subtypes": [{"subtype": "server", "data": {"version": "v1.33.5-eks-3025e55"}}]},
        {
            "type": "OS",
            "subtypes": [{"subtype": "sysctl", "data": {"/proc/sys/kernel/osrelease": "6.8.0-1028-aws"}}],
        },
        {
            "type": "SystemD",
            "subtypes": [{"subtype": "containerd.service", "data": {"ActiveState": "active"}}],
        },
        {
            "type": "GPU",
            "subtypes": [
                {
                    "subtype": "smi",
                    "data": {"gpu-count": 2, "persistence": True},
                    "items": [
                        {"context": {"index": "0"}, "data": {"model": "H100", "memory": 80.0}},
                        {"context": {"index": "1"}, "data": {"model": "H100", "memory": 80.0}},
                    ],
                }
            ],
        },
    ],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("K8s.server.version", "v1.33.5-eks-3025e55"),
        ("OS.sysctl./proc/sys/kernel/osrelease", "6.8.0-1028-aws"),
        ("SystemD.containerd.service.ActiveState", "active"),
        ("GPU.smi.gpu-count", 2),
        ("GPU.smi[1].index", "1"),
        ("GPU.smi[index=0].model", "H100"),
    ],
)
def test_lookup_finds_readings(path: str, expected: Any) -> None:
    assert lookup(SNAPSHOT, path) == expected


@pytest.mark.parametrize(
    "path", ["GPU.nope.x", "NodeTopology.summary.node-count", "K8s.server.nope", "GPU.smi[5].model"]
)
def test_case15_absent_readings_are_not_found(path: str) -> None:
    with pytest.raises(AicrError) as err:
        lookup(SNAPSHOT, path)
    assert err.value.code is Code.NOT_FOUND


def test_ambiguous_item_selector_is_conflict() -> None:
    with pytest.raises(AicrError) as err:
        lookup(SNAPSHOT, "GPU.smi[model=H100].memory")
    assert err.value.code is Code.CONFLICT


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (8, "8"),
        (8.0, "8"),
        (24.04, "24.04"),
        (1e6, "1e+06"),
        (" x ", "x"),
        (None, "<nil>"),
    ],
)
def test_readings_are_formatted_like_the_reference(value: Any, text: str) -> None:
    assert format_reading(value) == text


def test_check_uses_the_formatted_reading() -> None:
    assert check({"name": "GPU.smi.persistence", "value": "true"}, SNAPSHOT) == (True, "true")
    assert check({"name": "K8s.server.version", "value": ">= 1.34"}, SNAPSHOT) == (
        False,
        "v1.33.5-eks-3025e55",
    )
