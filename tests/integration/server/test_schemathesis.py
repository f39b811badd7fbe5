"""Property-based API tests: schemathesis with aicrd's own OpenAPI document, over real HTTP.

For every operation, generated requests (a bounded number per operation, so `make test` stays
fast) must never get a 5xx, and every response must match the documented status codes, media
types and schemas. The schema is the one the server serves (checked against the committed copy
by test_openapi.py). Rate limiting is off so generated traffic is not answered with 429s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from aicr.catalog.catalog import Catalog
from aicr.server.app import create_app
from aicr.server.openapi import generate
from aicr.server.settings import Settings

from .conftest import Running, start_server

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(json.loads(generate()))


@pytest.fixture(scope="module")
def live(catalog: Catalog) -> Iterator[Running]:
    running, stop = start_server(create_app(catalog, Settings(rate_limit=0)))
    yield running
    stop()


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_within_its_schema_and_never_5xx(case: Any, live: Running) -> None:
    case.call_and_validate(base_url=live.url, checks=CHECKS)
