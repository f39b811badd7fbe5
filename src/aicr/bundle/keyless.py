"""Keyless signing: an in-toto statement signed with a Fulcio certificate and logged in Rekor.

Edge module (network: OIDC, Fulcio, Rekor; reads the signing-config file). sigstore-python does
the work and is imported only here, only when a keyless signature is asked for. The identity
token comes from `--identity-token` (or COSIGN_IDENTITY_TOKEN), from the CI's ambient
credential, or from the interactive OIDC flow (`--oidc-device-flow`; sigstore-python's
out-of-band flow: a URL on stderr, the code read from stdin). Service URLs come from
`--fulcio-url` / `--rekor-url`, else from `--signing-config`, else from the public-good Sigstore
instance. The result is the same Sigstore v0.3 bundle JSON the key signer writes, with a
certificate and a transparency-log entry as its verification material. Unreachable services are
UNAVAILABLE; a refused token is UNAUTHORIZED; nothing is written here.
"""

from __future__ import annotations

import contextlib
import json

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

PUBLIC_GOOD_OIDC = "https://oauth2.sigstore.dev/auth"
TRUST_CONFIG_MEDIA = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class KeylessSettings:
    """Where a keyless signature comes from: the token source and the Sigstore services."""

    __slots__ = ("device_flow", "fulcio_url", "identity_token", "rekor_url", "signing_config")

    def __init__(
        self,
        *,
        identity_token: str = "",
        device_flow: bool = False,
        fulcio_url: str = "",
        rekor_url: str = "",
        signing_config: str = "",
    ) -> None:
        self.identity_token = identity_token
        self.device_flow = device_flow
        self.fulcio_url = check_service_url(fulcio_url, "--fulcio-url") if fulcio_url else ""
        self.rekor_url = check_service_url(rekor_url, "--rekor-url") if rekor_url else ""
        self.signing_config = signing_config


def require_sigstore(purpose: str) -> None:
    """INVALID_REQUEST naming the extra when sigstore-python is not installed."""
    try:
        import sigstore  # noqa: F401
    except ImportError as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"{purpose} needs sigstore-python: pip install 'aicr[keyless]'"
        ) from exc


def check_service_url(url: str, flag: str) -> str:
    """A Fulcio/Rekor base URL: https with a host and no credentials (http only on loopback)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and host in _LOOPBACK):
        raise AicrError(Code.INVALID_REQUEST, f"{flag} {url}: must be an https:// URL")
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        raise AicrError(
            Code.INVALID_REQUEST, f"{flag} {url}: needs a host, and no credentials, query or fragment"
        )
    return url.rstrip("/")


def sign_statement_keyless(stmt: dict[str, Any], settings: KeylessSettings) -> str:
    """The Sigstore bundle JSON (v0.3, certificate + tlog entry) for the statement, signed keyless."""
    require_sigstore("keyless signing")
    from sigstore.dsse import Statement

    context, oidc_url = _signing_context(settings)
    token = _identity_token(settings, oidc_url)
    payload = json.dumps(stmt, sort_keys=True, separators=(",", ":")).encode()
    with _service_errors(), context.signer(token, cache=True) as signer:
        bundle = signer.sign_dsse(Statement(payload))
    return json.dumps(json.loads(bundle.to_json()), indent=2, sort_keys=True) + "\n"


def _signing_context(settings: KeylessSettings) -> tuple[Any, str]:
    """(sigstore SigningContext, OIDC issuer URL): service flags beat the signing config."""
    from sigstore._internal.fulcio.client import FulcioClient
    from sigstore._internal.rekor.client import RekorClient
    from sigstore.sign import SigningContext

    custom = bool(settings.fulcio_url and settings.rekor_url)
    trusted_root, config = _trust_config(settings.signing_config, offline=custom)
    try:  # `config` is None only when both service URLs are given
        fulcio = FulcioClient(settings.fulcio_url) if settings.fulcio_url else config.get_fulcio()
        rekor = RekorClient(settings.rekor_url) if settings.rekor_url else config.get_tlogs()[0]
        tsas = config.get_tsas() if config is not None else []
        oidc_url = config.get_oidc_url() if config is not None else PUBLIC_GOOD_OIDC
    except (ValueError, IndexError) as exc:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--signing-config {settings.signing_config or '(public good)'}: no usable service ({exc})",
        ) from exc
    context = SigningContext(fulcio=fulcio, rekor=rekor, trusted_root=trusted_root, tsa_clients=tsas)
    return context, str(oidc_url)


def _trust_config(path: str, *, offline: bool) -> tuple[Any, Any]:
    """(TrustedRoot, SigningConfig or None) from `--signing-config`, else public good.

    With both service URLs given and no config, the trusted root is the public-good one that
    ships with sigstore-python (no TUF refresh) and there is no signing config.
    """
    from sigstore.models import ClientTrustConfig, SigningConfig

    if not path:
        with _service_errors():
            public = ClientTrustConfig.production(offline=offline)
        return public.trusted_root, None if offline else public.signing_config
    text = _read_config(path)
    try:
        media = json.loads(text).get("mediaType", "")
        if media == TRUST_CONFIG_MEDIA:
            config = ClientTrustConfig.from_json(text)
            return config.trusted_root, config.signing_config
        signing = SigningConfig.from_file(path)
    except (ValueError, AttributeError) as exc:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--signing-config {path}: not a Sigstore signing config or client trust config ({exc})",
        ) from exc
    with _service_errors():
        public = ClientTrustConfig.production()
    return public.trusted_root, signing


def _read_config(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read(4 * 1024 * 1024)
    except FileNotFoundError as exc:
        raise AicrError(Code.NOT_FOUND, f"--signing-config {path} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read --signing-config {path}: {exc}") from exc


def ambient_token() -> str:
    """The CI's ambient OIDC credential (GitHub Actions and others), or '' outside CI.

    Without sigstore-python there is no keyless signing, so no ambient credential either.
    """
    try:
        from sigstore.oidc import IdentityError, detect_credential
    except ImportError:
        return ""

    try:
        return detect_credential() or ""
    except IdentityError as exc:
        raise AicrError(Code.UNAUTHORIZED, f"keyless signing: ambient OIDC credential: {exc}") from exc


def _identity_token(settings: KeylessSettings, oidc_url: str) -> Any:
    """The OIDC identity token: flag/env or ambient (already in settings), else the OIDC flow."""
    from sigstore.oidc import IdentityError, IdentityToken

    raw = settings.identity_token
    try:
        if not raw and settings.device_flow:
            return _interactive_token(oidc_url)
        if not raw:
            raise AicrError(
                Code.INVALID_REQUEST,
                "keyless signing needs an identity: pass --identity-token TOKEN (or set "
                "COSIGN_IDENTITY_TOKEN), or --oidc-device-flow, or sign with --signing-key FILE",
            )
        return IdentityToken(raw)
    except IdentityError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"--identity-token: {exc}") from exc


def _interactive_token(oidc_url: str) -> Any:
    """A token from the OIDC issuer's out-of-band flow; its prompts go to stderr, never stdout."""
    import sys

    from sigstore.oidc import Issuer

    with _service_errors(), contextlib.redirect_stdout(sys.stderr):
        return Issuer(oidc_url).identity_token(force_oob=True)


def _http_status(exc: BaseException) -> int:
    seen: BaseException | None = exc
    while seen is not None:
        response = getattr(seen, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
        seen = seen.__cause__ or seen.__context__
    return 0


@contextlib.contextmanager
def _service_errors() -> Iterator[None]:
    """Map sigstore/requests failures to AicrError codes (unreachable: UNAVAILABLE)."""
    try:
        yield
    except AicrError:
        raise
    except Exception as exc:
        raise _classify(exc) from exc


def _classify(exc: BaseException) -> AicrError:
    import requests
    from sigstore._internal.fulcio.client import FulcioClientError
    from sigstore._internal.rekor import RekorClientError
    from sigstore._internal.timestamp import TimestampError
    from sigstore.errors import Error as SigstoreError
    from sigstore.errors import NetworkError, TUFError
    from sigstore.oidc import ExpiredIdentity

    service_errors = (FulcioClientError, RekorClientError, TimestampError, NetworkError, TUFError,
                      requests.RequestException)  # fmt: skip
    name = type(exc).__name__
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return AicrError(Code.UNAVAILABLE, f"keyless signing: Sigstore service unreachable ({exc})")
    if isinstance(exc, ExpiredIdentity):
        return AicrError(Code.INVALID_REQUEST, "--identity-token: the token has expired")
    status = _http_status(exc)
    if status in (400, 401, 403):
        return AicrError(
            Code.UNAUTHORIZED, f"keyless signing: {name}: the service refused the identity ({exc})"
        )
    if status == 429:
        return AicrError(Code.RATE_LIMITED, f"keyless signing: {name}: rate limited")
    if status >= 500 or isinstance(exc, service_errors):
        return AicrError(Code.UNAVAILABLE, f"keyless signing: {name}: service failed ({exc or status})")
    if isinstance(exc, SigstoreError):
        return AicrError(Code.UNAUTHORIZED, f"keyless signing: {name}: {exc}")
    return AicrError(Code.INTERNAL, f"keyless signing failed: {name}: {exc}")
