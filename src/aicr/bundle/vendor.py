"""Pulling Helm charts for `--vendor-charts`: HTTP chart repositories and OCI registries, no helm binary.

Edge module (network). An HTTP repository is read through its `index.yaml` (the entry whose
version matches, its first URL resolved against the repository, its `digest` checked); an OCI
chart is the Helm artifact at `<source>/<chart>:<version>` (`+` written `_` in the tag, as Helm
does) whose chart layer is pulled and checked against its digest. A missing chart or version is
NOT_FOUND naming both; an unreachable repository is UNAVAILABLE.

Network safety (reference/surface.md "Vendor-charts"): every host, including each redirect hop,
is resolved first and refused (INVALID_REQUEST) when any address is private, loopback,
link-local, reserved or a cloud metadata address - except a repository whose host resolves only
to loopback while `AICR_VENDOR_ALLOW_LOOPBACK=true` (local test repositories; plain HTTP is then
allowed for OCI). Downloads stop at 64 MiB. `HELM_REPOSITORY_USERNAME`/`_PASSWORD` are sent as
Basic auth only over HTTPS to the host named by `AICR_HELM_REPOSITORY_HOST`.
"""

from __future__ import annotations

import hashlib
import os

from aicr.errors import AicrError, Code
from aicr.io import oci

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from aicr.bundle.components import Component

HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
MAX_INDEX_BYTES = 64 * 1024 * 1024
MAX_CHART_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_S = 60.0
ALLOW_LOOPBACK_ENV = "AICR_VENDOR_ALLOW_LOOPBACK"
CREDENTIALS_HOST_ENV = "AICR_HELM_REPOSITORY_HOST"
USERNAME_ENV = "HELM_REPOSITORY_USERNAME"
PASSWORD_ENV = "HELM_REPOSITORY_PASSWORD"
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
# Cloud instance-metadata endpoints (AWS IPv4/IPv6, Alibaba, ECS task metadata).
_METADATA_IPS = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2"})


class VendoredChart:
    """One pulled chart archive and where it came from."""

    __slots__ = ("chart", "data", "name", "sha256", "source", "url", "version")

    def __init__(self, chart: str, version: str, source: str, url: str, data: bytes, name: str = "") -> None:
        self.name = name or chart  # the component that vendors it
        self.chart = chart
        self.version = version
        self.source = source
        self.url = url
        self.data = data
        self.sha256 = hashlib.sha256(data).hexdigest()

    @property
    def filename(self) -> str:
        """`<chart>-<version>.tgz`, the archive's name inside the bundle (`tarballName`)."""
        return f"{self.chart}-{self.version}.tgz"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def loopback_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """Whether `AICR_VENDOR_ALLOW_LOOPBACK` opts in to loopback chart repositories."""
    return _env(environ).get(ALLOW_LOOPBACK_ENV, "") in _TRUE


def _blocked(address: Any) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return str(address) in _METADATA_IPS or any(
        (
            address.is_private,
            address.is_loopback,
            address.is_link_local,
            address.is_reserved,
            address.is_multicast,
            address.is_unspecified,
        )
    )


def check_host(host: str, environ: Mapping[str, str] | None = None, resolve: Any = None) -> bool:
    """Refuse a chart host that resolves to a private/loopback/link-local/metadata address.

    Returns True when the host is loopback and allowed by the opt-in (plain HTTP is then fine).
    """
    import ipaddress
    import socket

    name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
    try:
        infos = (resolve or socket.getaddrinfo)(name, None)
    except (OSError, UnicodeError) as exc:
        raise AicrError(
            Code.UNAVAILABLE, f'chart repository host "{name}" cannot be resolved: {exc}'
        ) from exc
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}
    blocked = sorted(str(a) for a in addresses if _blocked(a))
    if not blocked:
        return False
    if all(a.is_loopback for a in addresses) and loopback_allowed(environ):
        return True
    raise AicrError(
        Code.INVALID_REQUEST,
        f'chart repository host "{name}" resolves to a private, loopback, link-local or metadata address '
        f"({', '.join(blocked)}); refusing to vendor from it (a loopback test repository needs "
        f"{ALLOW_LOOPBACK_ENV}=true)",
    )


def _auth_headers(url: Any, environ: Mapping[str, str] | None) -> dict[str, str]:
    """Basic auth for `url` only over HTTPS to the configured credentials host."""
    import base64

    env = _env(environ)
    allowed = env.get(CREDENTIALS_HOST_ENV, "").lower()
    user, password = env.get(USERNAME_ENV, ""), env.get(PASSWORD_ENV, "")
    if not allowed or not (user or password) or url.scheme != "https" or url.host.lower() != allowed:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def fetch(http: Any, url: str, what: str, environ: Mapping[str, str] | None = None) -> bytes:
    """GET `url` through safe hosts and redirects, at most MAX_CHART_BYTES."""
    import httpx

    target = httpx.URL(url)
    for _hop in range(MAX_REDIRECTS + 1):
        if target.scheme not in ("http", "https"):
            raise AicrError(Code.INVALID_REQUEST, f"{what}: unsupported URL scheme in {target}")
        check_host(target.netloc.decode("ascii"), environ)
        try:
            with http.stream("GET", target, headers=_auth_headers(target, environ)) as response:
                if response.is_redirect:
                    target = target.join(response.headers.get("Location", ""))
                    continue
                _check_status(response.status_code, what, str(target))
                return _read_capped(response, what)
        except httpx.TransportError as exc:
            raise AicrError(Code.UNAVAILABLE, f"{what} {target} is unreachable: {exc}") from exc
    raise AicrError(Code.UNAVAILABLE, f"{what} {url}: more than {MAX_REDIRECTS} redirects")


def _check_status(status: int, what: str, url: str) -> None:
    if status < 400:
        return
    code = {404: Code.NOT_FOUND, 401: Code.UNAUTHORIZED, 403: Code.UNAUTHORIZED}.get(status, Code.UNAVAILABLE)
    raise AicrError(code, f"{what} {url} answered {status}")


def _read_capped(response: Any, what: str) -> bytes:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_CHART_BYTES:
        raise AicrError(Code.INVALID_REQUEST, f"{what} is larger than {MAX_CHART_BYTES} bytes")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > MAX_CHART_BYTES:
            raise AicrError(Code.INVALID_REQUEST, f"{what} is larger than {MAX_CHART_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _versions_match(wanted: str, found: str) -> bool:
    return found == wanted or found.lstrip("v") == wanted.lstrip("v")


def pull_http_chart(
    source: str, chart: str, version: str, http: Any, environ: Mapping[str, str] | None = None
) -> VendoredChart:
    """Pull `chart` `version` from the HTTP(S) repository `source` with the httpx client `http`."""
    import httpx
    import yaml

    base = source.rstrip("/") + "/"
    try:
        body = fetch(http, base + "index.yaml", f"chart repository {source}: index.yaml", environ)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            raise AicrError(Code.NOT_FOUND, f"chart repository {source} has no index.yaml") from exc
        raise
    try:
        index = yaml.load(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"chart repository {source}: index.yaml is not YAML") from exc
    entries = ((index or {}).get("entries") or {}).get(chart) if isinstance(index, dict) else None
    entry = next((e for e in entries or [] if _versions_match(version, str(e.get("version")))), None)
    if entry is None or not entry.get("urls"):
        raise AicrError(
            Code.NOT_FOUND, f'chart "{chart}" version "{version}" not found in repository {source}'
        )
    url = str(httpx.URL(base).join(str(entry["urls"][0])))
    pulled = VendoredChart(
        chart, str(entry.get("version")), source, url, fetch(http, url, "chart archive", environ)
    )
    digest = str(entry.get("digest") or "")
    if digest and digest != pulled.sha256:
        raise AicrError(Code.UNAUTHORIZED, f"chart archive {url} does not match the digest in index.yaml")
    return pulled


def pull_oci_chart(
    registry: oci.Registry, source: str, chart: str, version: str, environ: Mapping[str, str] | None = None
) -> VendoredChart:
    """Pull the Helm OCI artifact `<source>/<chart>:<version>` (a blob redirect's host is checked too)."""
    import json

    ref = oci.OciRef.parse(f"{source.rstrip('/')}/{chart}:{version.replace('+', '_')}")
    try:
        data, _digest = registry.get_manifest(ref)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            raise AicrError(
                Code.NOT_FOUND, f'chart "{chart}" version "{version}" not found at {source}'
            ) from exc
        raise
    layers = [
        layer for layer in json.loads(data).get("layers") or [] if layer.get("mediaType") == HELM_CHART_LAYER
    ]
    if len(layers) != 1:
        raise AicrError(Code.INVALID_REQUEST, f"{ref}: not a Helm chart artifact")
    if int(layers[0].get("size") or 0) > MAX_CHART_BYTES:
        raise AicrError(Code.INVALID_REQUEST, f"{ref}: chart layer is larger than {MAX_CHART_BYTES} bytes")
    blob = registry.get_blob(
        ref.repository,
        str(layers[0]["digest"]),
        lambda url: _check_redirect(url, environ),
        max_bytes=MAX_CHART_BYTES,
    )
    return VendoredChart(chart, version, source, f"oci://{ref}", blob)


def _check_redirect(url: str, environ: Mapping[str, str] | None) -> None:
    import httpx

    target = httpx.URL(url)
    if target.scheme not in ("http", "https"):
        raise AicrError(Code.INVALID_REQUEST, f"chart layer redirect to an unsupported URL: {url}")
    check_host(target.netloc.decode("ascii"), environ)


class ChartPuller:
    """Pulls each upstream component's chart (HTTP or OCI) under the network-safety rules."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        import httpx

        self.environ = environ
        self.http = httpx.Client(timeout=TIMEOUT_S)

    def __enter__(self) -> ChartPuller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def __call__(self, comp: Component) -> VendoredChart:
        """The chart of `comp`, pulled and checked."""
        if comp.is_oci:
            pulled = self._pull_oci(comp)
        elif comp.source.startswith(("http://", "https://")):
            pulled = pull_http_chart(comp.source, comp.chart_name, comp.version, self.http, self.environ)
        else:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'component "{comp.name}": cannot vendor a chart from "{comp.source}" (want http(s):// or oci://)',
            )
        pulled.name = comp.name
        return pulled

    def _pull_oci(self, comp: Component) -> VendoredChart:
        host = oci.OciRef.parse(f"{comp.source.rstrip('/')}/{comp.chart_name}:x").host
        local = check_host(host, self.environ)
        credentials = ("", "") if local else None
        with oci.Registry(host, plain_http=local, credentials=credentials) as registry:
            return pull_oci_chart(registry, comp.source, comp.chart_name, comp.version, self.environ)


def vendor_folders(folders: list[Any], pull: Callable[[Component], VendoredChart]) -> list[VendoredChart]:
    """Turn every upstream primary folder into a vendored wrapper chart; the pulled charts by name."""
    pulled: list[VendoredChart] = []
    for folder in folders:
        if folder.role == "primary" and not folder.local:
            folder.vendored = pull(folder.component)
            folder.local = True
            pulled.append(folder.vendored)
    return sorted(pulled, key=lambda c: c.name)


def provenance_yaml(charts: list[VendoredChart], puller_version: str) -> str:
    """provenance.yaml: `kind: BundleProvenance`, one `vendoredCharts` record per chart, sorted by name."""
    from aicr.bundle.charts import yaml_document
    from aicr.documents import API_VERSION

    records = [
        {
            "name": c.name,
            "chart": c.chart,
            "version": c.version,
            "repository": c.source,
            "sha256": c.sha256,
            "tarballName": c.filename,
            "pullerVersion": puller_version,
        }
        for c in sorted(charts, key=lambda c: c.name)
    ]
    return yaml_document({"apiVersion": API_VERSION, "kind": "BundleProvenance", "vendoredCharts": records})
