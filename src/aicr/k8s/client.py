"""A small JSON/REST client for the Kubernetes API, built on lightkube's configuration and transport.

Edge module. lightkube parses the kubeconfig (tokens, client certificates, exec plugins, the
in-cluster account) and provides the authenticated HTTP client; requests and responses here are
plain dicts, so callers (collectors, the snapshot agent, validator Jobs) never see client models.
Every failure is an AicrError with the most specific code: 401/403 UNAUTHORIZED, 404 NOT_FOUND,
409 CONFLICT, 400/422 INVALID_REQUEST, 429 RATE_LIMITED, 503 and an unreachable server
UNAVAILABLE. Reads (GET) are retried on 5xx and connection errors with a bounded backoff;
`Warning:` response headers (deprecations, PodSecurity "would violate") are logged once each.
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.k8s.config import ConfigSource, require_config
from aicr.k8s.resources import Resource, resource_for, resource_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    import builtins
    from collections.abc import Callable, Iterator, Mapping
    from typing import Any, TypeVar

    T = TypeVar("T")

FIELD_MANAGER = "aicr"
DEFAULT_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 5.0
APPLY_CONTENT_TYPE = "application/apply-patch+yaml"
MERGE_PATCH_CONTENT_TYPE = "application/merge-patch+json"
READ_RETRIES = 4
RETRY_BACKOFF_S = 0.5
MAX_BACKOFF_S = 4.0
_TRANSIENT = frozenset({500, 502, 503, 504})
_STATUS_CODES = {
    400: Code.INVALID_REQUEST,
    401: Code.UNAUTHORIZED,
    403: Code.UNAUTHORIZED,
    404: Code.NOT_FOUND,
    409: Code.CONFLICT,
    410: Code.CONFLICT,
    422: Code.INVALID_REQUEST,
    429: Code.RATE_LIMITED,
    504: Code.TIMEOUT,
}


def label_selector(labels: Mapping[str, str]) -> str:
    """`k1=v1,k2=v2` in key order."""
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


class ApiClient:
    """JSON requests against one API server."""

    def __init__(
        self, http: Any, server: str, namespace: str = "default", source: ConfigSource | None = None
    ) -> None:
        self._http = http
        self.server = server
        self.namespace = namespace
        self.source = source
        self.read_retries = READ_RETRIES
        self.retry_backoff = RETRY_BACKOFF_S
        self.sleep: Callable[[float], None] = time.sleep
        self.warnings: builtins.list[str] = []

    @classmethod
    def connect(cls, kubeconfig: str | None = None, *, timeout: float = DEFAULT_TIMEOUT_S) -> ApiClient:
        """A client for the configuration `find_config` picks (INVALID_REQUEST when there is none)."""
        return cls.from_source(require_config(kubeconfig), timeout=timeout)

    @classmethod
    def from_source(cls, source: ConfigSource, *, timeout: float = DEFAULT_TIMEOUT_S) -> ApiClient:
        """A client for a known configuration source."""
        import httpx2
        from lightkube.config.client_adapter import Client, ConnectionParams
        from lightkube.config.kubeconfig import KubeConfig
        from lightkube.core.exceptions import ConfigError

        try:
            if source.kind == "in-cluster":
                config = KubeConfig.from_service_account(source.path).get()
            else:
                config = KubeConfig.from_file(source.path).get()
            if config is None:
                raise ConfigError("no current context")
            params = ConnectionParams(timeout=httpx2.Timeout(timeout, connect=CONNECT_TIMEOUT_S))
            http = Client(config, params)
        except (ConfigError, KeyError, ValueError, OSError, AssertionError) as exc:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"invalid Kubernetes configuration {source.path}: {exc}",
                {"path": source.path},
            ) from None
        return cls(http, str(config.cluster.server), config.namespace or "default", source)

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        timeout: float | None = None,
        stream: bool = False,
    ) -> Any:
        """One request; reads (GET) are retried on transient failures (`read_retries`, backoff)."""
        attempts = 1 + (self.read_retries if method == "GET" else 0)
        for attempt in range(attempts):
            try:
                return self._send_once(method, path, params, body, content_type, timeout, stream)
            except AicrError as exc:
                transient = exc.code is Code.UNAVAILABLE or exc.details.get("status") in _TRANSIENT
                if not transient or attempt + 1 >= attempts:
                    raise
                delay = min(self.retry_backoff * (2**attempt), MAX_BACKOFF_S)
                logs.debug("retrying a Kubernetes API read", path=path, error=exc.message, delay=delay)
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
        content_type: str,
        timeout: float | None,
        stream: bool,
    ) -> Any:
        import httpx2
        import msgspec

        headers = {"Accept": "application/json"}
        content = None
        if body is not None:
            content = msgspec.json.encode(body)
            headers["Content-Type"] = content_type
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            request = self._http.build_request(
                method, path, params=query, content=content, headers=headers, **extra
            )
            response = self._http.send(request, stream=stream)
        except httpx2.ConnectTimeout as exc:
            raise self._unreachable(exc) from None
        except httpx2.TimeoutException:
            raise AicrError(Code.TIMEOUT, f"Kubernetes API request timed out: {method} {path}") from None
        except (httpx2.TransportError, OSError) as exc:
            raise self._unreachable(exc) from None
        self._show_warnings(response.headers.get_list("warning"))
        if response.status_code >= 400:
            if stream:
                response.read()
            raise api_error(response.status_code, response.content, f"{method} {path}")
        return response

    def _show_warnings(self, values: builtins.list[str]) -> None:
        """Log each distinct `Warning:` header once (deprecations, PodSecurity "would violate")."""
        for value in values:
            text = warning_text(value)
            if text and text not in self.warnings:
                self.warnings.append(text)
                logs.warn(f"Kubernetes API warning: {text}")

    def _unreachable(self, exc: BaseException) -> AicrError:
        return AicrError(
            Code.UNAVAILABLE,
            f"cannot reach the Kubernetes API at {self.server}: {exc or type(exc).__name__} "
            "(check the cluster endpoint, VPN and kubeconfig)",
            {"server": self.server},
        )

    def request(self, method: str, path: str, **kw: Any) -> Any:
        """Decoded JSON body of a request (None for an empty body)."""
        import msgspec

        response = self._send(method, path, **kw)
        if not response.content:
            return None
        try:
            return msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise AicrError(
                Code.UNAVAILABLE, f"Kubernetes API returned invalid JSON for {method} {path}"
            ) from None

    # -- typed helpers -----------------------------------------------------------------------

    def version(self) -> dict[str, Any]:
        """`/version` of the API server."""
        result: dict[str, Any] = self.request("GET", "/version") or {}
        return result

    def get(self, kind: str | Resource, name: str, namespace: str | None = None) -> dict[str, Any]:
        """One object; NOT_FOUND when it does not exist."""
        res = resource_for(kind)
        result: dict[str, Any] = self.request("GET", res.path(namespace or self.namespace, name))
        return result

    def find(self, kind: str | Resource, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """One object, or None when it does not exist."""
        try:
            return self.get(kind, name, namespace)
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                return None
            raise

    def list_pages(
        self,
        kind: str | Resource,
        namespace: str | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Items page by page, following `continue` tokens (all namespaces when namespace is None)."""
        res = resource_for(kind)
        path = res.path(namespace)
        params: dict[str, Any] = {"limit": limit, "labelSelector": label_selector(labels) if labels else None}
        while True:
            page = self.request("GET", path, params=params) or {}
            yield list(page.get("items") or [])
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return
            params["continue"] = token

    def list_pages_typed(
        self,
        kind: str | Resource,
        item_type: type[T],
        namespace: str | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> Iterator[builtins.list[T]]:
        """Like `list_pages`, each item decoded into `item_type` (a msgspec Struct).

        Only the Struct's fields are read from the response (aicr.k8s.pages); one page is held at
        a time. A response that is not JSON, or whose fields do not have the declared types, is
        UNAVAILABLE naming the request.
        """
        import msgspec

        from aicr.k8s.pages import decoder

        decode = decoder(item_type).decode
        path = resource_for(kind).path(namespace)
        params: dict[str, Any] = {"limit": limit, "labelSelector": label_selector(labels) if labels else None}
        while True:
            response = self._send("GET", path, params=params)
            try:
                page = decode(response.content)
            except msgspec.DecodeError as exc:  # ValidationError included
                raise AicrError(
                    Code.UNAVAILABLE, f"Kubernetes API returned an unreadable list for GET {path}: {exc}"
                ) from None
            yield page.items or []
            token = page.metadata.continue_ if page.metadata is not None else None
            if not token:
                return
            params["continue"] = token

    def list(self, kind: str | Resource, namespace: str | None = None, **kw: Any) -> list[dict[str, Any]]:
        """Every item (all pages)."""
        return [item for page in self.list_pages(kind, namespace, **kw) for item in page]

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Create `obj`; CONFLICT when it already exists."""
        res = resource_of(obj)
        namespace = (obj.get("metadata") or {}).get("namespace") or self.namespace
        result: dict[str, Any] = self.request("POST", res.path(namespace), body=obj)
        return result

    def apply(
        self, obj: dict[str, Any], *, force: bool = True, field_manager: str = FIELD_MANAGER
    ) -> dict[str, Any]:
        """Server-side apply of `obj` (created when missing)."""
        res = resource_of(obj)
        meta = obj.get("metadata") or {}
        path = res.path(meta.get("namespace") or self.namespace, meta["name"])
        params = {"fieldManager": field_manager, "force": "true" if force else None}
        result: dict[str, Any] = self.request(
            "PATCH", path, params=params, body=obj, content_type=APPLY_CONTENT_TYPE
        )
        return result

    def delete(
        self,
        kind: str | Resource,
        name: str,
        namespace: str | None = None,
        *,
        uid: str | None = None,
        propagation: str = "Background",
    ) -> bool:
        """Delete one object (only if its UID is `uid`, when given); False when it was already gone."""
        res = resource_for(kind)
        body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation}
        if uid:
            body["preconditions"] = {"uid": uid}
        try:
            self.request("DELETE", res.path(namespace or self.namespace, name), body=body)
        except AicrError as exc:
            if exc.code is Code.NOT_FOUND:
                return False
            raise
        return True

    def list_events(
        self, name: str, namespace: str | None = None, *, kind: str | None = None
    ) -> builtins.list[dict[str, Any]]:
        """v1 Events whose involved object is `name` (and `kind`, when given)."""
        fields = f"involvedObject.name={name}" + (f",involvedObject.kind={kind}" if kind else "")
        page = self.request(
            "GET", resource_for("Event").path(namespace or self.namespace), params={"fieldSelector": fields}
        )
        return list((page or {}).get("items") or [])

    def logs(
        self,
        pod: str,
        namespace: str | None = None,
        *,
        container: str | None = None,
        tail_lines: int | None = None,
    ) -> str:
        """The current log text of a pod's container."""
        path = resource_for("Pod").path(namespace or self.namespace, pod, "log")
        response = self._send("GET", path, params={"container": container, "tailLines": tail_lines})
        return str(response.text)

    def follow_logs(
        self,
        pod: str,
        namespace: str | None = None,
        *,
        container: str | None = None,
        since_time: str | None = None,
        timestamps: bool = False,
        read_timeout: float | None = None,
    ) -> Iterator[str]:
        """Log lines of a pod as they are written (until the container ends or the stream closes).

        A stream silent for longer than `read_timeout` seconds raises TIMEOUT, a dropped one
        UNAVAILABLE (callers reconnect with `since_time`); None waits for ever.
        """
        import httpx2

        path = resource_for("Pod").path(namespace or self.namespace, pod, "log")
        params = {
            "container": container,
            "follow": True,
            "sinceTime": since_time,
            "timestamps": timestamps or None,
        }
        response = self._send("GET", path, params=params, stream=True, timeout=read_timeout)
        try:
            yield from response.iter_lines()
        except httpx2.TimeoutException:
            raise AicrError(Code.TIMEOUT, f"no log line from pod {pod} for {read_timeout:g}s") from None
        except (httpx2.TransportError, OSError) as exc:
            raise self._unreachable(exc) from None
        finally:
            response.close()

    def access_review(
        self,
        verb: str,
        resource: str,
        *,
        group: str = "",
        namespace: str | None = None,
        subresource: str = "",
    ) -> tuple[bool, str]:
        """(allowed, reason) of a SelfSubjectAccessReview for the current user."""
        attrs: dict[str, Any] = {"verb": verb, "resource": resource, "group": group}
        if namespace:
            attrs["namespace"] = namespace
        if subresource:
            attrs["subresource"] = subresource
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attrs},
        }
        result = self.request("POST", resource_for("SelfSubjectAccessReview").path(), body=review) or {}
        status = result.get("status") or {}
        return bool(status.get("allowed")), str(status.get("reason") or "")

    def discover(self, kind: str) -> builtins.list[Resource]:
        """Every served resource (any group/version, no subresources) whose Kind is `kind`."""
        found: builtins.list[Resource] = []
        groups = (self.request("GET", "/apis") or {}).get("groups") or []
        paths: builtins.list[str] = []
        for group in groups:
            for ver in group.get("versions") or []:
                if ver.get("groupVersion"):
                    paths.append(f"/apis/{ver['groupVersion']}")
        for path in paths:
            try:
                listing = self.request("GET", path) or {}
            except AicrError as exc:
                if exc.code is Code.UNAVAILABLE:
                    raise
                continue  # partial discovery failure is tolerated
            group_version = listing.get("groupVersion") or path.rsplit("/", 2)[-1]
            for entry in listing.get("resources") or []:
                name = str(entry.get("name", ""))
                if entry.get("kind") == kind and "/" not in name:
                    found.append(Resource(group_version, name, bool(entry.get("namespaced")), kind))
        return found


def _param(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def warning_text(header: str) -> str:
    """The text of one `Warning` header value (`299 - "text"` -> `text`)."""
    code, _, rest = header.strip().partition(" ")
    if not code.isdigit():
        return header.strip()
    _agent, _, text = rest.partition(" ")
    text = text.strip()
    if len(text) >= 2 and text[0] == '"':
        end = text.rfind('"')
        text = text[1:end] if end > 0 else text[1:]
        text = text.replace('\\"', '"').replace("\\\\", "\\")
    return text


def api_error(status: int, body: bytes, what: str) -> AicrError:
    """The AicrError for an HTTP error response (Kubernetes `Status` message when present)."""
    message = ""
    reason = ""
    try:
        import json

        decoded = json.loads(body)
        if isinstance(decoded, dict):
            message = str(decoded.get("message") or "")
            reason = str(decoded.get("reason") or "")
    except ValueError:
        message = body[:200].decode("utf-8", "replace").strip()
    code = _STATUS_CODES.get(status, Code.UNAVAILABLE if status >= 500 else Code.INTERNAL)
    text = f"Kubernetes API {what}: HTTP {status}"
    if reason:
        text += f" {reason}"
    if message:
        text += f": {message}"
    return AicrError(code, text, {"status": status})
