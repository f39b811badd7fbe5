"""Bearer-token auth: the token file's format, the header check, and rotation without restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from pathlib import Path

import pytest

from aicr.errors import AicrError
from aicr.server.auth import Authenticator, reason, unauthorized
from aicr.server.tokens import parse_tokens

REAL_COMPARE = hmac.compare_digest
OLD, NEW = "old-secret-token-0123456789abcdef", "new-secret-token-fedcba9876543210"


def sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def write_tokens(path: Path, **named: str) -> Path:
    lines = ["tokens:"] + [f"  - name: {name}\n    sha256: {sha(token)}" for name, token in named.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def bearer(token: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {token}".encode())]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def auth(tmp_path: Path, clock: Clock) -> Authenticator:
    return Authenticator(str(write_tokens(tmp_path / "tokens.yaml", ci=OLD)), clock=clock)


def test_a_valid_token_is_identified_by_its_name(auth: Authenticator) -> None:
    assert auth.identify(bearer(OLD)) == "ci"


def test_the_bearer_scheme_is_case_insensitive(auth: Authenticator) -> None:
    assert auth.identify([(b"authorization", f"bEaReR {OLD}".encode())]) == "ci"


def test_an_unknown_token_is_refused(auth: Authenticator) -> None:
    assert auth.identify(bearer("not-a-token")) is None


def test_a_missing_header_is_refused(auth: Authenticator) -> None:
    assert auth.identify([(b"accept", b"*/*")]) is None


def test_another_scheme_is_refused(auth: Authenticator) -> None:
    assert auth.identify([(b"authorization", f"Basic {OLD}".encode())]) is None


def test_an_empty_bearer_token_is_refused(auth: Authenticator) -> None:
    assert auth.identify([(b"authorization", b"Bearer    ")]) is None


def test_matching_compares_digests_with_hmac_compare_digest(
    auth: Authenticator, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []

    def recording(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return REAL_COMPARE(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)  # what aicr.server.tokens calls
    assert auth.identify(bearer(OLD)) == "ci"
    assert calls == [(bytes.fromhex(sha(OLD)), hashlib.sha256(OLD.encode()).digest())]


def test_every_entry_is_compared_even_after_a_match(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []

    def recording(a: bytes, b: bytes) -> bool:
        calls.append(a)
        return REAL_COMPARE(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)  # what aicr.server.tokens calls
    text = f"tokens: [{{name: a, sha256: {sha('x' * 32)}}}, {{name: b, sha256: {sha('y' * 32)}}}]"
    assert parse_tokens(text, "t").match(hashlib.sha256(b"x" * 32).digest()) == "a"
    assert len(calls) == 2


def test_a_replaced_file_is_picked_up_without_restart(auth: Authenticator, clock: Clock) -> None:
    write_tokens(Path(auth.path), ci2=NEW)
    clock.now += 1.0
    assert auth.identify(bearer(NEW)) == "ci2"
    assert auth.identify(bearer(OLD)) is None


def test_the_file_is_looked_at_at_most_once_per_second(auth: Authenticator, clock: Clock) -> None:
    write_tokens(Path(auth.path), ci2=NEW)
    clock.now += 0.5
    assert auth.identify(bearer(OLD)) == "ci"  # not re-read yet
    clock.now += 0.5
    assert auth.identify(bearer(NEW)) == "ci2"


def test_an_invalid_new_file_keeps_the_last_good_tokens_and_logs_once(
    auth: Authenticator, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    Path(auth.path).write_text("tokens: [{name: ci, sha256: nothex}]\n")
    clock.now += 1.0
    with caplog.at_level(logging.ERROR, logger="aicrd"):
        assert auth.identify(bearer(OLD)) == "ci"
        clock.now += 1.0
        assert auth.identify(bearer(OLD)) == "ci"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "sha256 must be 64 lowercase hex digits" in getattr(errors[0], "error", "")


def test_a_deleted_file_keeps_the_last_good_tokens(auth: Authenticator, clock: Clock) -> None:
    os.unlink(auth.path)
    clock.now += 1.0
    assert auth.identify(bearer(OLD)) == "ci"


def test_the_token_never_appears_in_logs(
    auth: Authenticator, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    write_tokens(Path(auth.path), ci2=NEW)
    clock.now += 1.0
    with caplog.at_level(logging.DEBUG, logger="aicrd"):
        auth.identify(bearer(NEW))
        auth.identify(bearer(OLD))
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "ci2" in text  # the reload is logged with the token names
    assert NEW not in text
    assert OLD not in text
    assert sha(NEW) not in text


def test_a_bad_file_at_start_up_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    bad = tmp_path / "tokens.yaml"
    bad.write_text("tokens: {}\n")
    with pytest.raises(AicrError, match="AICR_AUTH_TOKENS_FILE") as caught:
        Authenticator(str(bad))
    assert caught.value.code.value == "INVALID_REQUEST"


def test_a_missing_file_at_start_up_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AicrError, match="cannot read"):
        Authenticator(str(tmp_path / "absent.yaml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- name: a\n", "one key, tokens"),
        (f"tokens: [{{name: a, sha256: {sha('x')}, rate: 3}}]", 'unknown field "rate"'),
        (f"tokens: [{{name: Bad Name, sha256: {sha('x')}}}]", "name must be"),
        (f"tokens: [{{name: anonymous, sha256: {sha('x')}}}]", "not 'anonymous'"),
        (f"tokens: [{{name: a, sha256: {sha('x').upper()}}}]", "64 lowercase hex"),
        (f"tokens: [{{name: a, sha256: {sha('x')}}}, {{name: a, sha256: {sha('y')}}}]", "appears twice"),
        (f"tokens: [{{name: a, sha256: {sha('x')}}}, {{name: b, sha256: {sha('x')}}}]", "same hash"),
    ],
)
def test_a_malformed_tokens_file_is_rejected(text: str, message: str) -> None:
    with pytest.raises(AicrError, match=message):
        parse_tokens(text, "tokens.yaml")


def test_json_token_files_are_accepted() -> None:
    text = json.dumps({"tokens": [{"name": "ci", "sha256": sha(OLD)}]})
    assert parse_tokens(text, "tokens.json").names == ("ci",)


def test_the_401_error_carries_the_bearer_challenge() -> None:
    error = unauthorized("missing bearer token")
    assert error.status == 401
    assert (b"www-authenticate", b'Bearer realm="aicrd"') in error.headers


def test_the_reason_tells_missing_from_invalid_credentials() -> None:
    assert reason([]) == "missing bearer token"
    assert reason(bearer("x")) == "invalid bearer token"


def test_settings_read_the_auth_variables() -> None:
    from aicr.server.settings import Settings

    env = {"AICR_AUTH_TOKENS_FILE": " /etc/aicrd/auth/tokens.yaml ", "AICR_AUTH_PROTECT_OPS": "true"}
    settings = Settings.from_env(env)
    assert (settings.auth_tokens_file, settings.auth_protect_ops) == ("/etc/aicrd/auth/tokens.yaml", True)
    assert (Settings.from_env({}).auth_tokens_file, Settings.from_env({}).auth_protect_ops) == ("", False)


def test_a_malformed_protect_ops_value_is_refused() -> None:
    from aicr.server.settings import Settings

    with pytest.raises(AicrError, match="AICR_AUTH_PROTECT_OPS"):
        Settings.from_env({"AICR_AUTH_PROTECT_OPS": "sometimes"})
