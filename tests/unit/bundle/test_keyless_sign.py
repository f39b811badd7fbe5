"""Keyless signing through sigstore-python against a local fake Fulcio and Rekor, and its flags."""

from __future__ import annotations

import base64
import io
import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from tests.support.sigstore_world import FakeSigstoreServer, SigstoreWorld, identity_token

from aicr import dsse
from aicr.bundle import keyless
from aicr.cli import bundle as bundle_cli
from aicr.errors import AicrError, Code

STATEMENT: dict[str, Any] = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "checksums.txt", "digest": {"sha256": "ab" * 32}}],
    "predicateType": "https://slsa.dev/provenance/v1",
    "predicate": {},
}
IDENTITY = "release@aicr.example"


@pytest.fixture(scope="module")
def world() -> SigstoreWorld:
    return SigstoreWorld()


@pytest.fixture
def server(world: SigstoreWorld) -> Iterator[FakeSigstoreServer]:
    with FakeSigstoreServer(world) as fake:
        yield fake


@pytest.fixture
def trust_config(world: SigstoreWorld, server: FakeSigstoreServer, tmp_path: Path) -> str:
    path = tmp_path / "trust-config.json"
    path.write_text(json.dumps(world.client_trust_config(server.url)))
    return str(path)


def sign(trust_config: str, **settings: Any) -> dict[str, Any]:
    settings.setdefault("identity_token", identity_token(IDENTITY))
    text = keyless.sign_statement_keyless(
        STATEMENT, keyless.KeylessSettings(signing_config=trust_config, **settings)
    )
    doc: dict[str, Any] = dsse.parse_bundle(text.encode())
    return doc


def refusal(trust_config: str, **settings: Any) -> AicrError:
    with pytest.raises(AicrError) as caught:
        sign(trust_config, **settings)
    return caught.value


def test_bundle_carries_the_certificate_and_the_log_entry(trust_config: str) -> None:
    doc = sign(trust_config)
    material = doc["verificationMaterial"]
    assert "publicKey" not in material and material["certificate"]["rawBytes"]
    assert [e["kindVersion"] for e in material["tlogEntries"]] == [{"kind": "dsse", "version": "0.0.1"}]
    assert json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"])) == STATEMENT


def test_fulcio_gets_the_token_and_a_csr_with_proof_of_possession(
    trust_config: str, server: FakeSigstoreServer
) -> None:
    token = identity_token(IDENTITY)
    sign(trust_config, identity_token=token)
    path, headers, body = server.requests[0]
    assert path == "/api/v2/signingCert" and headers["Authorization"] == f"Bearer {token}"
    csr = x509.load_pem_x509_csr(base64.b64decode(body["certificateSigningRequest"]))
    assert csr.is_signature_valid and list(csr.subject) == []


def test_rekor_gets_the_envelope_and_the_issued_certificate(
    trust_config: str, server: FakeSigstoreServer
) -> None:
    doc = sign(trust_config)
    path, _headers, body = server.requests[1]
    proposed = body["spec"]["proposedContent"]
    assert (path, body["kind"]) == ("/api/v1/log/entries", "dsse")
    assert json.loads(proposed["envelope"])["payload"] == doc["dsseEnvelope"]["payload"]
    issued = x509.load_pem_x509_certificate(base64.b64decode(proposed["verifiers"][0]))
    bundled = x509.load_der_x509_certificate(
        base64.b64decode(doc["verificationMaterial"]["certificate"]["rawBytes"])
    )
    assert issued == bundled


def test_service_flags_override_the_signing_config(
    world: SigstoreWorld, server: FakeSigstoreServer, tmp_path: Path
) -> None:
    config = tmp_path / "dead-services.json"
    config.write_text(json.dumps(world.client_trust_config(f"http://127.0.0.1:{_closed_port()}")))
    sign(str(config), fulcio_url=server.url, rekor_url=server.url)
    assert [path for path, _h, _b in server.requests] == ["/api/v2/signingCert", "/api/v1/log/entries"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_fulcio_is_unavailable(world: SigstoreWorld, tmp_path: Path) -> None:
    config = tmp_path / "dead.json"
    config.write_text(json.dumps(world.client_trust_config(f"http://127.0.0.1:{_closed_port()}")))
    error = refusal(str(config))
    assert error.code is Code.UNAVAILABLE and "unreachable" in error.message


def test_failing_rekor_is_unavailable(trust_config: str, server: FakeSigstoreServer) -> None:
    server.fail_rekor = 503
    assert refusal(trust_config).code is Code.UNAVAILABLE


def test_fulcio_refusing_the_token_is_unauthorized(trust_config: str, server: FakeSigstoreServer) -> None:
    server.fail_fulcio = 401
    error = refusal(trust_config)
    assert error.code is Code.UNAUTHORIZED and "refused the identity" in error.message


def test_certificate_from_an_untrusted_ca_is_refused(server: FakeSigstoreServer, tmp_path: Path) -> None:
    config = tmp_path / "other-root.json"
    config.write_text(json.dumps(SigstoreWorld().client_trust_config(server.url)))
    error = refusal(str(config))
    assert error.code is Code.UNAUTHORIZED and "SCT" in error.message


def test_expired_identity_token_is_a_bad_request(trust_config: str) -> None:
    error = refusal(trust_config, identity_token=identity_token(IDENTITY, lifetime=-120))
    assert error.code is Code.INVALID_REQUEST and "--identity-token" in error.message


def test_malformed_identity_token_is_a_bad_request(trust_config: str) -> None:
    error = refusal(trust_config, identity_token="not-a-jwt")
    assert error.code is Code.INVALID_REQUEST and "--identity-token" in error.message


def test_signing_config_that_is_not_sigstore_json_is_a_bad_request(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"mediaType": "something/else"}')
    assert refusal(str(config)).code is Code.INVALID_REQUEST


@pytest.mark.parametrize(
    "url",
    [
        "http://fulcio.example",
        "https://user:pw@fulcio.example",
        "ftp://fulcio.example",
        "https://",
        "https://f.example/?q=1",
    ],
)
def test_service_url_must_be_https_without_credentials(url: str) -> None:
    with pytest.raises(AicrError) as caught:
        keyless.check_service_url(url, "--fulcio-url")
    assert caught.value.code is Code.INVALID_REQUEST and "--fulcio-url" in caught.value.message


def test_loopback_http_service_url_is_allowed() -> None:
    assert keyless.check_service_url("http://127.0.0.1:8080/", "--rekor-url") == "http://127.0.0.1:8080"


# -- the bundle flags -------------------------------------------------------------------------


def flags(**given: Any) -> Any:
    import argparse

    values = bundle_cli._defaults()
    values.update(given)
    return argparse.Namespace(**values)


@pytest.fixture
def no_ambient(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("COSIGN_IDENTITY_TOKEN", "AICR_OIDC_DEVICE_FLOW", "AICR_FULCIO_URL", "AICR_REKOR_URL",
                "AICR_SIGNING_CONFIG", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                "GOOGLE_SERVICE_ACCOUNT_NAME", "BUILDKITE_AGENT_ACCESS_TOKEN", "SIGSTORE_ID_TOKEN",
                "GITLAB_CI", "CIRCLECI"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)


def bad_flags(**given: Any) -> str:
    with pytest.raises(AicrError) as caught:
        bundle_cli.keyless_settings(flags(**given))
    assert caught.value.code is Code.INVALID_REQUEST
    return caught.value.message


@pytest.mark.usefixtures("no_ambient")
def test_attest_without_key_or_token_names_the_flags() -> None:
    message = bad_flags(attest=True)
    assert all(flag in message for flag in ("--signing-key", "--identity-token", "--oidc-device-flow"))


@pytest.mark.usefixtures("no_ambient")
def test_token_from_the_environment_selects_keyless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSIGN_IDENTITY_TOKEN", "tok")
    monkeypatch.setenv("AICR_FULCIO_URL", "https://fulcio.example")
    settings = bundle_cli.keyless_settings(flags(attest=True, fulcio_url="https://fulcio.flag.example"))
    assert (settings.identity_token, settings.fulcio_url) == ("tok", "https://fulcio.flag.example")


@pytest.mark.usefixtures("no_ambient")
def test_device_flow_from_the_environment_needs_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICR_OIDC_DEVICE_FLOW", "true")
    settings = bundle_cli.keyless_settings(flags(attest=True))
    assert settings.device_flow and settings.identity_token == ""


@pytest.mark.usefixtures("no_ambient")
def test_key_signing_takes_no_keyless_settings() -> None:
    assert bundle_cli.keyless_settings(flags(attest=True, signing_key="k.pem", tlog_upload="false")) is None


@pytest.mark.usefixtures("no_ambient")
@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ({"identity_token": "tok"}, "need --attest"),
        ({"attest": True, "signing_key": "k.pem", "identity_token": "tok"}, "cannot be combined"),
        ({"attest": True, "signing_key": "k.pem", "tlog_upload": "true"}, "never logged"),
        ({"attest": True, "identity_token": "tok", "tlog_upload": "false"}, "always logged"),
        ({"attest": True, "identity_token": "tok", "tlog_upload": "maybe"}, "true or false"),
        ({"attest": True, "identity_token": "tok", "rekor_url": "http://rekor.example"}, "--rekor-url"),
    ],
)
def test_inconsistent_signing_flags_are_bad_requests(given: dict[str, Any], needle: str) -> None:
    assert needle in bad_flags(**given)


def test_device_flow_trades_the_pasted_code_for_a_token_with_prompts_on_stderr(
    trust_config: str,
    server: FakeSigstoreServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(server.oidc_code + "\n"))
    capsys.readouterr()
    sign(trust_config, identity_token="", device_flow=True)
    out, err = capsys.readouterr()
    assert out == "" and f"{server.url}/oidc/auth" in err
    assert [path for path, _h, _b in server.requests][-3:] == [
        "/oidc/token",
        "/api/v2/signingCert",
        "/api/v1/log/entries",
    ]


def test_device_flow_with_a_wrong_code_is_unauthorized(
    trust_config: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-code\n"))
    error = refusal(trust_config, identity_token="", device_flow=True)
    assert error.code is Code.UNAUTHORIZED and "Token request failed" in error.message


@pytest.mark.usefixtures("no_ambient")
def test_attest_without_signer_names_the_flags_even_without_sigstore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sigstore.oidc", None)
    assert "--signing-key" in bad_flags(attest=True)


@pytest.mark.usefixtures("no_ambient")
def test_keyless_signing_without_sigstore_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sigstore", None)
    with pytest.raises(AicrError) as caught:
        keyless.sign_statement_keyless(STATEMENT, keyless.KeylessSettings(identity_token="tok"))
    assert caught.value.code is Code.INVALID_REQUEST and "aicr[keyless]" in caught.value.message
