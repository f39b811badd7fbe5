"""Measurement model and serializer: typed readings through YAML/JSON, strict decoding, order.

reference/snapshot.md §1, §5.1, §7 #19, #26 (and where this project deliberately differs).
"""

from __future__ import annotations

import json

import pytest

from aicr.errors import AicrError, Code
from aicr.snapshot.api import parse_snapshot
from aicr.snapshot.model import Item, Measurement, Snapshot, Subtype, new_metadata
from aicr.snapshot.serialize import format_for_path, parse, render
from aicr.validate.constraints import lookup


def sample() -> Snapshot:
    return Snapshot(
        [
            Measurement(
                "SystemD",
                [
                    Subtype(
                        "containerd.service", {"ActiveState": "active", "NRestarts": 0, "CPUAccounting": True}
                    )
                ],
            ),
            Measurement(
                "OS",
                [
                    Subtype("release", {"VERSION_ID": "22.04", "ID": "ubuntu"}),
                    Subtype("sysctl", {"/proc/sys/kernel/core_modes": "file\npipe\nsocket"}),
                ],
            ),
            Measurement(
                "GPU",
                [
                    Subtype(
                        "smi",
                        {"gpu-count": 8, "driver": "570.86.15", "ratio": 0.5, "big": 18446744073709551615},
                        items=[Item({"index": "0"}, {"model": "H100", "memory-mib": 81559})],
                    )
                ],
            ),
            Measurement("K8s", [Subtype("server", {"version": "v1.28.0"}), Subtype("policy")]),
            Measurement("NodeTopology", [Subtype("summary", {"node-count": 2})]),
        ],
        metadata=new_metadata("2025-01-01T00:00:00Z", "0.1.0", "node-1"),
    )


def test_envelope_has_kind_api_version_and_exactly_three_metadata_keys() -> None:
    doc = sample().to_dict()
    assert list(doc) == ["kind", "apiVersion", "metadata", "measurements"]
    assert doc["kind"] == "Snapshot" and doc["apiVersion"] == "aicr.nvidia.com/v1alpha1"
    assert doc["metadata"] == {
        "source-node": "node-1",
        "timestamp": "2025-01-01T00:00:00Z",
        "version": "0.1.0",
    }


def test_source_node_is_always_present_even_when_empty() -> None:
    assert new_metadata("t", "0.1.0", "")["source-node"] == ""
    assert "version" not in new_metadata("t", "", "n")


def test_measurement_types_are_sorted_and_map_keys_too() -> None:
    doc = sample().to_dict()
    assert [m["type"] for m in doc["measurements"]] == ["GPU", "K8s", "NodeTopology", "OS", "SystemD"]
    smi = doc["measurements"][0]["subtypes"][0]
    assert list(smi["data"]) == sorted(smi["data"])
    assert list(smi) == ["subtype", "data", "items"]


def test_empty_subtype_data_is_emitted_and_no_subtypes_omits_the_key() -> None:
    doc = Snapshot([Measurement("SystemD"), Measurement("K8s", [Subtype("policy")])]).to_dict()
    assert doc["measurements"] == [
        {"type": "K8s", "subtypes": [{"subtype": "policy", "data": {}}]},
        {"type": "SystemD"},
    ]
    text = render(doc, "yaml")
    assert "  - type: SystemD\n" in text and "data: {}" in text


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_readings_keep_their_types_through_a_round_trip(fmt: str) -> None:
    original = sample().to_dict()
    text = render(original, fmt)
    back = parse_snapshot(text, f"x.{fmt}", fmt).to_dict()
    assert back == original
    smi = back["measurements"][0]["subtypes"][0]["data"]
    assert type(smi["gpu-count"]) is int and type(smi["ratio"]) is float and type(smi["driver"]) is str
    systemd = back["measurements"][4]["subtypes"][0]["data"]
    assert systemd["CPUAccounting"] is True and type(systemd["NRestarts"]) is int
    assert back["measurements"][3]["subtypes"][0]["data"]["VERSION_ID"] == "22.04"


def test_yaml_quotes_numeric_looking_strings_and_keeps_multiline_text() -> None:
    text = render(sample().to_dict(), "yaml")
    assert 'VERSION_ID: "22.04"' in text
    back = parse(text, "x.yaml")
    os_subtypes = back["measurements"][3]["subtypes"]
    assert os_subtypes[1]["data"]["/proc/sys/kernel/core_modes"] == "file\npipe\nsocket"


def test_json_is_two_space_indented_with_trailing_newline() -> None:
    text = render(sample().to_dict(), "json")
    assert text.endswith("}\n") and text.startswith('{\n  "kind": "Snapshot"')
    assert json.loads(text)["measurements"][0]["subtypes"][0]["data"]["gpu-count"] == 8


def test_null_readings_from_reference_documents_stay_none_not_nil_strings() -> None:
    doc = {
        "kind": "Snapshot",
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "metadata": {},
        "measurements": [{"type": "K8s", "subtypes": [{"subtype": "server", "data": {"goVersion": None}}]}],
    }
    snap = Snapshot.from_dict(doc)
    assert snap.reading("K8s", "server", "goVersion") is None


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d["measurements"][0].update(bogus=1), "measurements[0].bogus"),
        (lambda d: d["measurements"][0]["subtypes"][0].update(name="x"), "measurements[0].subtypes[0].name"),
        (
            lambda d: d["measurements"][0]["subtypes"][0]["data"].update(k=[1, 2]),
            "measurements[0].subtypes[0].data.k",
        ),
        (lambda d: d["measurements"].append({"type": "GPU"}), "measurements[1].type"),
        (lambda d: d["metadata"].update(version=1), "metadata.version"),
    ],
)
def test_strict_decoding_names_the_bad_field(mutate: object, field: str) -> None:
    doc = {
        "kind": "Snapshot",
        "apiVersion": "aicr.run/v1alpha2",
        "metadata": {"version": "1"},
        "measurements": [{"type": "GPU", "subtypes": [{"subtype": "smi", "data": {"gpu-count": 1}}]}],
    }
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(AicrError) as err:
        Snapshot.from_dict(doc, "snap.yaml")
    assert err.value.code is Code.INVALID_REQUEST
    assert field in err.value.message and "snap.yaml" in err.value.message


def test_wrong_kind_and_api_version_are_rejected() -> None:
    with pytest.raises(AicrError, match='invalid kind "RecipeResult"'):
        Snapshot.from_dict({"kind": "RecipeResult", "apiVersion": "aicr.nvidia.com/v1alpha1"})
    with pytest.raises(AicrError, match="unsupported apiVersion"):
        Snapshot.from_dict({"kind": "Snapshot", "apiVersion": "v1"})


def test_newer_reference_fingerprint_block_is_kept() -> None:
    doc = {
        "kind": "Snapshot",
        "apiVersion": "aicr.run/v1alpha2",
        "metadata": {},
        "measurements": [],
        "fingerprint": {"sha256": "abc"},
    }
    assert Snapshot.from_dict(doc).to_dict()["fingerprint"] == {"sha256": "abc"}


def test_constraint_paths_resolve_including_systemd_last_dot_split() -> None:
    doc = sample().to_dict()
    assert lookup(doc, "GPU.smi.gpu-count") == 8
    assert lookup(doc, "OS.release.VERSION_ID") == "22.04"
    assert lookup(doc, "SystemD.containerd.service.ActiveState") == "active"
    assert lookup(doc, "GPU.smi[0].model") == "H100"
    assert lookup(doc, "GPU.smi[index=0].memory-mib") == 81559


def test_gpu_count_reads_ints_and_integral_floats_only() -> None:
    assert sample().gpu_count() == 8
    assert Snapshot([Measurement("GPU", [Subtype("smi", {"gpu-count": 2.0})])]).gpu_count() == 2
    assert Snapshot([Measurement("GPU", [Subtype("smi", {"gpu-count": "8"})])]).gpu_count() == 0
    assert Snapshot([Measurement("GPU", [Subtype("smi", {"gpu-count": True})])]).gpu_count() == 0
    assert Snapshot().gpu_count() == 0


def test_table_output_is_the_reference_field_value_listing() -> None:
    text = render(sample().to_dict(), "table")
    lines = text.splitlines()
    assert lines[0].split() == ["FIELD", "VALUE"]
    assert lines[1].split() == ["-----", "-----"]
    assert any(line.split() == ["Header.Kind", "Snapshot"] for line in lines)
    assert any(line.split() == ["Measurements.[0].Subtypes.[0].Data.gpu-count.V", "8"] for line in lines)
    assert any(line.split() == ["Measurements.[1].Subtypes.[1].Name", "policy"] for line in lines)
    assert "file\\npipe\\nsocket" in text
    paths = [line.split()[0] for line in lines[2:]]
    assert paths == sorted(paths)


def test_table_cannot_be_read_back() -> None:
    with pytest.raises(AicrError, match="cannot be read back"):
        parse("FIELD VALUE", "snap.txt", "table")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("a.JSON", "json"),
        ("a.yml", "yaml"),
        ("a.yaml", "yaml"),
        ("a.txt", "table"),
        ("a.table", "table"),
        ("a.out", "yaml"),
        ("https://x/s.json?x=1", "json"),
    ],
)
def test_format_from_path(path: str, fmt: str) -> None:
    assert format_for_path(path) == fmt


def test_invalid_json_fails_to_deserialize() -> None:
    with pytest.raises(AicrError, match="failed to deserialize") as err:
        parse("{invalid json}", "s.json", "json")
    assert err.value.code is Code.INVALID_REQUEST
