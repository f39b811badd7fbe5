"""Pulling Helm charts for `--vendor-charts`: HTTP chart repositories and OCI registries, no helm binary.

Edge module (network). An HTTP repository is read through its `index.yaml` (the entry whose
version matches, its first URL resolved against the repository, its `digest` checked); an OCI
chart is the Helm artifact at `<source>/<chart>:<version>` (`+` written `_` in the tag, as Helm
does) whose chart layer is pulled and checked against its digest. `provenance_yaml` records what
was vendored: chart, version, source repository, archive and sha256. A missing chart or version
is NOT_FOUND naming both; an unreachable repository is UNAVAILABLE.
"""

from __future__ import annotations

import hashlib

from aicr.errors import AicrError, Code
from aicr.io import oci

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
MAX_INDEX_BYTES = 64 * 1024 * 1024
MAX_CHART_BYTES = 64 * 1024 * 1024
PROVENANCE_PATH = "provenance.yaml"


class VendoredChart:
    """One pulled chart archive and where it came from."""

    __slots__ = ("chart", "data", "sha256", "source", "url", "version")

    def __init__(self, chart: str, version: str, source: str, url: str, data: bytes) -> None:
        self.chart = chart
        self.version = version
        self.source = source
        self.url = url
        self.data = data
        self.sha256 = hashlib.sha256(data).hexdigest()

    @property
    def filename(self) -> str:
        """`<chart>-<version>.tgz`, the archive's name inside the bundle."""
        return f"{self.chart}-{self.version}.tgz"


def _versions_match(wanted: str, found: str) -> bool:
    return found == wanted or found.lstrip("v") == wanted.lstrip("v")


def pull_http_chart(source: str, chart: str, version: str, http: Any) -> VendoredChart:
    """Pull `chart` `version` from the HTTP(S) repository `source` with the httpx client `http`."""
    import httpx
    import yaml

    base = source.rstrip("/") + "/"
    try:
        response = http.get(base + "index.yaml")
    except httpx.TransportError as exc:
        raise AicrError(Code.UNAVAILABLE, f"chart repository {source} is unreachable: {exc}") from exc
    if response.status_code == 404:
        raise AicrError(Code.NOT_FOUND, f"chart repository {source} has no index.yaml")
    if response.status_code >= 400 or len(response.content) > MAX_INDEX_BYTES:
        raise AicrError(
            Code.UNAVAILABLE, f"chart repository {source}: index.yaml answered {response.status_code}"
        )
    try:
        index = yaml.load(response.content, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"chart repository {source}: index.yaml is not YAML") from exc
    entries = ((index or {}).get("entries") or {}).get(chart) if isinstance(index, dict) else None
    entry = next((e for e in entries or [] if _versions_match(version, str(e.get("version")))), None)
    if entry is None or not entry.get("urls"):
        raise AicrError(
            Code.NOT_FOUND, f'chart "{chart}" version "{version}" not found in repository {source}'
        )
    url = str(httpx.URL(base).join(str(entry["urls"][0])))
    try:
        archive = http.get(url)
    except httpx.TransportError as exc:
        raise AicrError(Code.UNAVAILABLE, f"chart archive {url} is unreachable: {exc}") from exc
    if archive.status_code >= 400:
        code = Code.NOT_FOUND if archive.status_code == 404 else Code.UNAVAILABLE
        raise AicrError(code, f"chart archive {url} answered {archive.status_code}")
    pulled = VendoredChart(chart, str(entry.get("version")), source, url, archive.content)
    digest = str(entry.get("digest") or "")
    if digest and digest != pulled.sha256:
        raise AicrError(Code.UNAUTHORIZED, f"chart archive {url} does not match the digest in index.yaml")
    return pulled


def pull_oci_chart(registry: oci.Registry, source: str, chart: str, version: str) -> VendoredChart:
    """Pull the Helm OCI artifact `<source>/<chart>:<version>`."""
    ref = oci.OciRef.parse(f"{source.rstrip('/')}/{chart}:{version.replace('+', '_')}")
    try:
        data, _digest = registry.get_manifest(ref)
    except AicrError as exc:
        if exc.code is Code.NOT_FOUND:
            raise AicrError(
                Code.NOT_FOUND, f'chart "{chart}" version "{version}" not found at {source}'
            ) from exc
        raise
    import json

    layers = [
        layer for layer in json.loads(data).get("layers") or [] if layer.get("mediaType") == HELM_CHART_LAYER
    ]
    if len(layers) != 1 or int(layers[0].get("size") or 0) > MAX_CHART_BYTES:
        raise AicrError(Code.INVALID_REQUEST, f"{ref}: not a Helm chart artifact")
    blob = registry.get_blob(ref.repository, str(layers[0]["digest"]))
    return VendoredChart(chart, version, source, f"oci://{ref}", blob)


def provenance_yaml(charts: list[VendoredChart], chart_dir: str = "charts") -> str:
    """provenance.yaml: one record per vendored chart, sorted by archive name."""
    from aicr.io.yamlout import dump

    records = [
        {
            "chart": c.chart,
            "version": c.version,
            "repository": c.source,
            "url": c.url,
            "path": f"{chart_dir}/{c.filename}",
            "sha256": c.sha256,
        }
        for c in sorted(charts, key=lambda c: c.filename)
    ]
    return "# Generated by AICR\n---\n" + dump({"kind": "ChartProvenance", "charts": records})
