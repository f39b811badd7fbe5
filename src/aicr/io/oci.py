"""OCI registry client: push and pull blobs and manifests over the OCI distribution API (httpx).

Edge module (network). `OciRef.parse` reads `oci://host[:port]/repo[:tag|@digest]`; `Registry`
uploads blobs (HEAD first, then a monolithic POST+PUT), puts and gets manifests, and lists
referrers (the referrers API, or the `sha256-<hex>` tag fallback of OCI 1.1 for registries
without it). Credentials come from the Docker config file (`$DOCKER_CONFIG/config.json`, else
`~/.docker/config.json`: `auths.<host>.auth`); a 401 with a Bearer challenge is answered with a
token from the realm. Errors: unreachable registry → UNAVAILABLE, 401/403 → UNAUTHORIZED, a
missing manifest or blob → NOT_FOUND, a malformed reference → INVALID_REQUEST.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import httpx

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
EMPTY_TYPE = "application/vnd.oci.empty.v1+json"
EMPTY_CONFIG = b"{}"
TIMEOUT_S = 30.0
MAX_BLOB_BYTES = 512 * 1024 * 1024  # a whole bundle layer; chart pulls pass their own, smaller cap
_TAG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_REPO_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-/")


def digest_of(data: bytes) -> str:
    """`sha256:<hex>` of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


class OciRef:
    """A parsed `oci://host[:port]/repository[:tag|@sha256:digest]` reference."""

    __slots__ = ("host", "reference", "repository")

    def __init__(self, host: str, repository: str, reference: str) -> None:
        self.host = host
        self.repository = repository
        self.reference = reference

    @classmethod
    def parse(cls, uri: str, default_tag: str = "latest") -> OciRef:
        """Parse an `oci://` URI (INVALID_REQUEST naming the URI when malformed)."""
        if not uri.startswith("oci://"):
            raise AicrError(Code.INVALID_REQUEST, f'invalid OCI reference "{uri}": must start with oci://')
        rest = uri[len("oci://") :]
        host, _, path = rest.partition("/")
        reference = default_tag
        if "@" in path:
            path, _, reference = path.partition("@")
            if not reference.startswith("sha256:") or len(reference) != 71:
                raise AicrError(Code.INVALID_REQUEST, f'invalid OCI reference "{uri}": bad digest')
        elif ":" in path.rsplit("/", 1)[-1]:
            path, _, reference = path.rpartition(":")
            if not reference or len(reference) > 128 or not set(reference) <= _TAG_CHARS:
                raise AicrError(Code.INVALID_REQUEST, f'invalid OCI reference "{uri}": bad tag "{reference}"')
        if path != path.lower() or host != host.lower():
            raise AicrError(
                Code.INVALID_REQUEST, f'invalid OCI reference "{uri}": repository must be lowercase'
            )
        if not host or not path or not set(path) <= _REPO_CHARS or path.startswith("/") or "//" in path:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'invalid OCI reference "{uri}": expected oci://host[:port]/repository[:tag] '
                "(lowercase repository path)",
            )
        return cls(host, path, reference)

    def with_reference(self, reference: str) -> OciRef:
        """The same repository at another tag or digest."""
        return OciRef(self.host, self.repository, reference)

    def __str__(self) -> str:
        sep = "@" if self.reference.startswith("sha256:") else ":"
        return f"{self.host}/{self.repository}{sep}{self.reference}"


def docker_credentials(host: str, environ: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) for `host` from the Docker config file, or None."""
    env = os.environ if environ is None else environ
    base = env.get("DOCKER_CONFIG") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".docker")
    path = os.path.join(base, "config.json")
    try:
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read Docker config {path}: {exc}") from exc
    auths = config.get("auths") if isinstance(config, dict) else None
    entry = (auths or {}).get(host) or (auths or {}).get(f"https://{host}")
    if not isinstance(entry, dict) or not isinstance(entry.get("auth"), str):
        return None
    try:
        user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
    except ValueError as exc:
        raise AicrError(
            Code.INVALID_REQUEST, f"Docker config {path}: auth for {host} is not base64 user:pass"
        ) from exc
    return user, password


class Registry:
    """One registry host: blobs, manifests and referrers of its repositories."""

    def __init__(
        self,
        host: str,
        *,
        plain_http: bool = False,
        insecure_tls: bool = False,
        credentials: tuple[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.host = host
        self.base = f"{'http' if plain_http else 'https'}://{host}"
        found = credentials if credentials is not None else docker_credentials(host)
        self._credentials = found if found and any(found) else None  # ("", "") means anonymous
        self._token = ""
        self._http = httpx.Client(verify=not insecure_tls, timeout=TIMEOUT_S, transport=transport)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        elif self._credentials:
            raw = f"{self._credentials[0]}:{self._credentials[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        return headers

    def _request(self, method: str, url: str, what: str, **kw: Any) -> httpx.Response:
        import httpx

        headers = kw.pop("headers", None)
        stream = bool(kw.pop("stream", False))  # the caller reads (and closes) the body
        for attempt in range(2):
            try:
                request = self._http.build_request(method, url, headers=self._headers(headers), **kw)
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                raise AicrError(Code.UNAVAILABLE, f"registry {self.host} is unreachable: {exc}") from exc
            if response.status_code == 401 and attempt == 0:
                if stream:
                    response.read()
                if self._authenticate(response):
                    continue
            return self._check(response, what)
        return response

    def _authenticate(self, response: httpx.Response) -> bool:
        challenge = response.headers.get("WWW-Authenticate", "")
        if not challenge.lower().startswith("bearer "):
            return False
        params = dict(part.split("=", 1) for part in challenge[7:].replace('"', "").split(",") if "=" in part)
        realm = params.pop("realm", "")
        if not realm:
            return False
        auth = self._credentials
        try:
            answer = self._http.get(realm, params=params, auth=auth if auth else None)
        except Exception as exc:
            raise AicrError(
                Code.UNAVAILABLE, f"registry token service {realm} is unreachable: {exc}"
            ) from exc
        if answer.status_code != 200:
            raise AicrError(
                Code.UNAUTHORIZED, f"registry {self.host}: token request refused ({answer.status_code})"
            )
        body = answer.json()
        self._token = str(body.get("token") or body.get("access_token") or "")
        return bool(self._token)

    def _check(self, response: httpx.Response, what: str) -> httpx.Response:
        status = response.status_code
        if status < 400:
            return response
        if not response.is_closed:  # a streamed error answer: its (short) body names the problem
            response.read()
            response.close()
        detail = response.text[:300].strip()
        if status in (401, 403):
            raise AicrError(
                Code.UNAUTHORIZED, f"registry {self.host}: {what}: access denied ({status}) {detail}"
            )
        if status == 404:
            raise AicrError(Code.NOT_FOUND, f"registry {self.host}: {what}: not found")
        if status == 429:
            raise AicrError(Code.RATE_LIMITED, f"registry {self.host}: {what}: rate limited")
        if status >= 500:
            raise AicrError(Code.UNAVAILABLE, f"registry {self.host}: {what}: server error {status} {detail}")
        raise AicrError(Code.INVALID_REQUEST, f"registry {self.host}: {what}: rejected ({status}) {detail}")

    # -- blobs and manifests -------------------------------------------------------------------

    def has_blob(self, repository: str, digest: str) -> bool:
        """Whether the repository already holds the blob."""
        try:
            self._request("HEAD", f"{self.base}/v2/{repository}/blobs/{digest}", f"blob {digest}")
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                return False
            raise
        return True

    def push_blob(self, repository: str, data: bytes) -> str:
        """Upload `data` (skipped when present); returns its digest."""
        digest = digest_of(data)
        if self.has_blob(repository, digest):
            return digest
        start = self._request("POST", f"{self.base}/v2/{repository}/blobs/uploads/", "start blob upload")
        location = start.headers.get("Location", "")
        if not location:
            raise AicrError(Code.UNAVAILABLE, f"registry {self.host}: blob upload gave no Location")
        if location.startswith("/"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        self._request(
            "PUT",
            f"{location}{sep}digest={digest}",
            f"upload blob {digest}",
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        return digest

    def get_blob(
        self,
        repository: str,
        digest: str,
        check_redirect: Callable[[str], object] | None = None,
        max_bytes: int = MAX_BLOB_BYTES,
    ) -> bytes:
        """A blob's bytes, checked against its digest, read as a stream of at most `max_bytes`.

        A redirect (registries hand blobs to a CDN) is followed once, without credentials, after
        `check_redirect(url)` has accepted the target (it raises to refuse). A body longer than
        `max_bytes` is refused while it arrives, whatever the manifest said its size was.
        """
        import httpx

        what = f"blob {digest}"
        response = self._request("GET", f"{self.base}/v2/{repository}/blobs/{digest}", what, stream=True)
        try:
            if response.is_redirect:
                location = str(response.url.join(response.headers.get("Location", "")))
                response.close()
                if check_redirect is not None:
                    check_redirect(location)
                try:
                    request = self._http.build_request("GET", location)
                    response = self._check(self._http.send(request, stream=True), what)
                except httpx.TransportError as exc:
                    raise AicrError(
                        Code.UNAVAILABLE, f"registry {self.host}: {what}: {location} is unreachable"
                    ) from exc
            data = self._read_capped(response, what, max_bytes)
        finally:
            response.close()
        if digest_of(data) != digest:
            raise AicrError(
                Code.UNAUTHORIZED, f"registry {self.host}: blob {digest} does not match its digest"
            )
        return data

    def _read_capped(self, response: httpx.Response, what: str, max_bytes: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise AicrError(
                    Code.INVALID_REQUEST, f"registry {self.host}: {what} is larger than {max_bytes} bytes"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def put_manifest(self, ref: OciRef, manifest: bytes, media_type: str = MANIFEST_TYPE) -> tuple[str, bool]:
        """Put a manifest at `ref`; returns (digest, whether the registry answered with OCI-Subject)."""
        response = self._request(
            "PUT",
            f"{self.base}/v2/{ref.repository}/manifests/{ref.reference}",
            f"put manifest {ref}",
            content=manifest,
            headers={"Content-Type": media_type},
        )
        return digest_of(manifest), "OCI-Subject" in response.headers

    def get_manifest(self, ref: OciRef, accept: str = f"{MANIFEST_TYPE}, {INDEX_TYPE}") -> tuple[bytes, str]:
        """(manifest bytes, digest) at `ref`; a digest reference is checked."""
        response = self._request(
            "GET",
            f"{self.base}/v2/{ref.repository}/manifests/{ref.reference}",
            f"manifest {ref}",
            headers={"Accept": accept},
        )
        data = response.content
        digest = digest_of(data)
        if ref.reference.startswith("sha256:") and digest != ref.reference:
            raise AicrError(
                Code.UNAUTHORIZED, f"registry {self.host}: manifest {ref} does not match its digest"
            )
        return data, digest

    def referrers(self, repository: str, digest: str) -> list[dict[str, Any]]:
        """Descriptors of the manifests whose subject is `digest` (referrers API, else the tag fallback)."""
        url = f"{self.base}/v2/{repository}/referrers/{digest}"
        try:
            body = self._request("GET", url, f"referrers of {digest}", headers={"Accept": INDEX_TYPE}).json()
        except AicrError as exc:
            if exc.code is not Code.NOT_FOUND:
                raise
            body = self._fallback_index(repository, digest)
        manifests = body.get("manifests") if isinstance(body, dict) else None
        return [m for m in manifests or [] if isinstance(m, dict)]

    def _fallback_index(self, repository: str, digest: str) -> dict[str, Any]:
        tag = digest.replace(":", "-")
        try:
            data, _ = self.get_manifest(OciRef(self.host, repository, tag), accept=INDEX_TYPE)
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                return {"manifests": []}
            raise
        doc: dict[str, Any] = json.loads(data)
        return doc

    def add_referrer_fallback(self, repository: str, subject: str, descriptor: dict[str, Any]) -> None:
        """Record a referrer in the `sha256-<hex>` tag index (registries without the referrers API)."""
        index = self._fallback_index(repository, subject)
        manifests = [m for m in index.get("manifests") or [] if m.get("digest") != descriptor["digest"]]
        manifests.append(descriptor)
        doc = {"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": manifests}
        body = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        self.put_manifest(OciRef(self.host, repository, subject.replace(":", "-")), body, INDEX_TYPE)
