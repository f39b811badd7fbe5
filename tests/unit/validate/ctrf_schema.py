"""A JSON Schema for the CTRF documents `aicr validate` writes (reference/validate.md §5.1).

Written from the reference's field list: required top-level keys, the summary counters, and
per-test name/status/duration/suite with optional message, stdout and string-valued extra.
"""

from __future__ import annotations

from typing import Any

COUNTER = {"type": "integer", "minimum": 0}

CTRF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reportFormat", "specVersion", "timestamp", "generatedBy", "results"],
    "properties": {
        "reportFormat": {"const": "CTRF"},
        "specVersion": {"const": "0.0.1"},
        "timestamp": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "generatedBy": {"const": "aicr"},
        "results": {
            "type": "object",
            "additionalProperties": False,
            "required": ["tool", "summary", "tests"],
            "properties": {
                "tool": {
                    "type": "object",
                    "required": ["name", "version"],
                    "properties": {"name": {"const": "aicr"}, "version": {"type": "string"}},
                },
                "summary": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["tests", "passed", "failed", "skipped", "pending", "other", "start", "stop"],
                    "properties": {
                        k: COUNTER
                        for k in ("tests", "passed", "failed", "skipped", "pending", "other", "start", "stop")
                    },
                },
                "tests": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name", "status", "duration", "suite"],
                        "properties": {
                            "name": {"type": "string", "minLength": 1},
                            "status": {"enum": ["passed", "failed", "skipped", "pending", "other"]},
                            "duration": COUNTER,
                            "suite": {
                                "type": "array",
                                "items": {"enum": ["deployment", "conformance", "performance"]},
                                "minItems": 1,
                                "maxItems": 1,
                            },
                            "message": {"type": "string", "minLength": 1},
                            "stdout": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                            "extra": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
                "environment": {"type": "object"},
            },
        },
    },
}


def assert_valid_ctrf(doc: Any) -> None:
    """Raise jsonschema.ValidationError unless `doc` is a valid CTRF report with consistent counts."""
    import jsonschema

    jsonschema.validate(doc, CTRF_SCHEMA)
    tests = doc["results"]["tests"]
    summary = doc["results"]["summary"]
    assert summary["tests"] == len(tests)
    for status in ("passed", "failed", "skipped", "pending", "other"):
        assert summary[status] == sum(t["status"] == status for t in tests), status
