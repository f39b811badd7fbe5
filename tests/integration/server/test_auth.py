"""Bearer-token auth over real HTTP: 401s, exempt and protected ops endpoints, per-token limits."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.integration.server.conftest import Running

from aicr.server.auth import Authenticator
from aicr.server.settings import Settings

CI, OPS = "ci-token-3b2f0c6e9a4d41c7b8e5f1a2d3c4b5a6", "ops-token-7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a"
EKS = {"service": "eks", "accelerator": "h100", "intent": "training"}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def write_tokens(path: Path, **named: str) -> Path:
    lines = ["tokens:"]
    for name, token in named.items():
        lines += [f"  - name: {name}", f"    sha256: {hashlib.sha256(token.encode()).hexdigest()}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return write_tokens(tmp_path / "tokens.yaml", ci=CI, ops=OPS)


@pytest.fixture
def secured(serve: Callable[..., Running], tokens_file: Path) -> Callable[..., Running]:
    def start(**settings: object) -> Running:
        return serve(Settings(auth_tokens_file=str(tokens_file), **settings))  # type: ignore[arg-type]

    return start


def test_a_request_without_a_token_is_401_with_the_bearer_challenge(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        response = client.get("/v1/recipe", params=EKS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="aicrd"'
    body = response.json()
    assert (body["code"], body["message"], body["retryable"]) == (
        "UNAUTHORIZED",
        "missing bearer token",
        False,
    )
    assert body["requestId"] == response.headers["x-request-id"]


def test_an_invalid_token_is_401(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        response = client.get("/v1/recipe", params=EKS, headers=bearer("wrong"))
    assert response.status_code == 401
    assert response.json()["message"] == "invalid bearer token"
    assert response.headers["www-authenticate"] == 'Bearer realm="aicrd"'


def test_a_valid_token_is_served(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        response = client.get("/v1/recipe", params=EKS, headers=bearer(CI))
    assert response.status_code == 200
    assert response.json()["kind"] == "RecipeResult"


def test_auth_is_off_by_default(serve: Callable[..., Running]) -> None:
    with serve().client() as client:
        assert client.get("/v1/recipe", params=EKS).status_code == 200


def test_ops_endpoints_are_exempt_by_default(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        assert [client.get(p).status_code for p in ("/health", "/ready", "/metrics")] == [200, 200, 200]


def test_ops_endpoints_need_a_token_when_protected(secured: Callable[..., Running]) -> None:
    with secured(auth_protect_ops=True).client() as client:
        refused = client.get("/health")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="aicrd"'
        assert refused.json()["requestId"] == refused.headers["x-request-id"]
        assert client.get("/metrics", headers=bearer(OPS)).status_code == 200


def test_the_ui_page_needs_no_token(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        assert client.get("/ui").status_code == 200


def test_rate_limits_are_kept_per_token(secured: Callable[..., Running]) -> None:
    with secured(rate_limit=0.001, rate_burst=2).client() as client:
        ci = [client.get("/v1/recipe", params=EKS, headers=bearer(CI)).status_code for _ in range(3)]
        ops = client.get("/v1/recipe", params=EKS, headers=bearer(OPS))
    assert ci == [200, 200, 429]
    assert ops.status_code == 200  # same address, another token: its own bucket


def test_metrics_count_requests_per_token_name(secured: Callable[..., Running]) -> None:
    with secured().client() as client:
        client.get("/v1/recipe", params=EKS, headers=bearer(CI))
        client.get("/v1/recipe", params=EKS, headers=bearer("bogus-token"))
        text = client.get("/metrics").text
    assert 'aicr_auth_requests_total{token="ci",result="accepted"} 1' in text
    assert 'aicr_auth_requests_total{token="anonymous",result="rejected"} 1' in text
    assert "bogus-token" not in text


def test_logs_name_the_token_never_its_text(
    secured: Callable[..., Running], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="aicrd"), secured().client() as client:
        client.get("/v1/recipe", params=EKS, headers=bearer(CI))
        client.get("/v1/recipe", params=EKS, headers=bearer(OPS + "x"))
    records = [r for r in caplog.records if r.getMessage() == "request completed"]
    assert {getattr(r, "token", None) for r in records} == {"ci", "anonymous"}
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert CI not in text
    assert OPS not in text


def test_a_rotated_file_takes_effect_without_restart(
    serve: Callable[..., Running], catalog: object, tokens_file: Path
) -> None:
    from aicr.server.app import create_app

    clock = Clock()
    app = create_app(catalog, Settings(auth_tokens_file=str(tokens_file)))  # type: ignore[arg-type]
    app.state.auth = Authenticator(str(tokens_file), clock=clock)
    new = "rotated-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    with serve(app=app).client() as client:
        assert client.get("/v1/recipe", params=EKS, headers=bearer(CI)).status_code == 200
        write_tokens(tokens_file, ci=new)
        clock.now += 1.0
        assert client.get("/v1/recipe", params=EKS, headers=bearer(new)).status_code == 200
        assert client.get("/v1/recipe", params=EKS, headers=bearer(CI)).status_code == 401


def test_a_bad_tokens_file_stops_start_up(tmp_path: Path) -> None:
    from aicr.errors import AicrError
    from aicr.server.app import create_app

    bad = tmp_path / "tokens.yaml"
    bad.write_text("tokens: [{name: ci}]\n")
    with pytest.raises(AicrError, match="AICR_AUTH_TOKENS_FILE"):
        create_app(settings=Settings(auth_tokens_file=str(bad)))
