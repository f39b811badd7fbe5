"""Where `mirror list` gets chart archives: the chart repositories the recipe names.

Edge module (network). `RepositoryCharts` pulls through the vendoring pullers
(aicr.bundle.vendor): an HTTP(S) repository through its `index.yaml`, an `oci://` source as the
Helm OCI artifact `<source>/<chart>:<version>`. Each archive is pulled once per run; one
`httpx.Client` and one registry client per host are reused and closed by `close()`; a
repository found unreachable is not asked again. A failure is
the puller's AicrError (NOT_FOUND, UNAVAILABLE, …), which the collector reports as a warning.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from aicr.io import oci

    class ChartSource(Protocol):
        """Anything that turns (source, chart, version) into a chart archive."""

        def fetch(self, source: str, chart: str, version: str) -> bytes: ...


class RepositoryCharts:
    """Chart archives pulled from their repositories, cached for the run."""

    def __init__(self, *, plain_http: bool = False, insecure_tls: bool = False) -> None:
        self.plain_http = plain_http
        self.insecure_tls = insecure_tls
        self._http: Any = None
        self._registries: dict[str, oci.Registry] = {}
        self._cache: dict[tuple[str, str, str], bytes] = {}
        self._down: dict[str, AicrError] = {}  # source -> why it was unreachable (not retried)

    def fetch(self, source: str, chart: str, version: str) -> bytes:
        """The archive of `chart` `version` from repository `source` (http(s):// or oci://)."""
        key = (source, chart, version)
        if source in self._down:
            raise self._down[source]
        if key not in self._cache:
            try:
                self._cache[key] = self._pull(source, chart, version)
            except AicrError as exc:
                if exc.code is Code.UNAVAILABLE:
                    self._down[source] = exc
                raise
        return self._cache[key]

    def _pull(self, source: str, chart: str, version: str) -> bytes:
        from aicr.bundle import vendor

        if source.startswith("oci://"):
            from aicr.io import oci

            host = oci.OciRef.parse(f"{source.rstrip('/')}/{chart}:x").host
            vendor.check_host(host)  # the same address rules as `bundle --vendor-charts`
            if host not in self._registries:
                self._registries[host] = oci.Registry(
                    host, plain_http=self.plain_http, insecure_tls=self.insecure_tls
                )
            return vendor.pull_oci_chart(self._registries[host], source, chart, version).data
        if self._http is None:
            import httpx

            self._http = httpx.Client(verify=not self.insecure_tls, timeout=30.0, follow_redirects=True)
        return vendor.pull_http_chart(source, chart, version, self._http).data

    def close(self) -> None:
        """Close every connection opened."""
        if self._http is not None:
            self._http.close()
        for registry in self._registries.values():
            registry.close()
        self._registries.clear()

    def __enter__(self) -> RepositoryCharts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
