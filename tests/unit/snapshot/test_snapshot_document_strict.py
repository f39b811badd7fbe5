"""Snapshot documents read by the CLI (`recipe -s`, `validate -s`) are decoded strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicr.errors import AicrError, Code
from aicr.snapshot.document import load_snapshot_document

HEAD = "kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmeasurements:\n- type: OS\n  subtypes:\n"


def _write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "snap.yaml"
    path.write_text(HEAD + body)
    return str(path)


def test_an_unknown_field_is_invalid_request(tmp_path: Path) -> None:
    uri = _write(tmp_path, "  - subtype: release\n    data: {ID: ubuntu}\n    extra: 1\n")
    with pytest.raises(AicrError, match=r"measurements\[0\]\.subtypes\[0\]\.extra: unknown field") as err:
        load_snapshot_document(uri)
    assert err.value.code is Code.INVALID_REQUEST


def test_a_non_scalar_reading_is_invalid_request(tmp_path: Path) -> None:
    uri = _write(tmp_path, "  - subtype: release\n    data: {ID: {nested: 1}}\n")
    with pytest.raises(AicrError, match=r"data\.ID: reading must be a scalar, found mapping"):
        load_snapshot_document(uri)


def test_a_well_formed_snapshot_is_returned_as_plain_data(tmp_path: Path) -> None:
    uri = _write(tmp_path, "  - subtype: release\n    data: {ID: ubuntu, VERSION_ID: '24.04'}\n")
    doc = load_snapshot_document(uri)
    assert doc["measurements"][0]["subtypes"][0]["data"] == {"ID": "ubuntu", "VERSION_ID": "24.04"}
