"""An emulated Kubernetes API server for tests: kmock's KubernetesEmulator, patched, in a thread.

kmock 0.8 (see ../shared/reference/testing-infra.md §1) serves discovery and keeps objects in
memory, but its request parsing breaks every path under /api/v1/namespaces, ignores selectors
and pagination, answers PUT with 404, creates with 200, and never sets uid/resourceVersion. This
module works around all of that WITHOUT touching kmock's source:

- `_parse_path` replaces kmock's path parser (defect 1: `/api/v1/namespaces[/name]`);
- `PatchedEmulator._handle` serves every resource request itself on top of kmock's object
  store: create (201, uid, resourceVersion, creationTimestamp), get, list (label/field
  selectors, `limit`/`continue` pagination, list `kind`), PUT replace, PATCH (merge, JSON patch,
  server-side apply that creates), DELETE (UID preconditions, garbage collection of dependents),
  SelfSubjectAccessReviews (answered by `authorize`), pod logs (from `pod_logs`), and injected
  failures (`fail`); discovery still goes through kmock, with `/api/v1` fixed and trailing-slash
  routes added (defects 4 and 5).
- `KubeEmulator` runs it with `kmock.Server` in its own thread and event loop (sync clients
  deadlock when they share kmock's loop), writes a kubeconfig, and offers thread-safe helpers.

Run it standalone for CLI subprocess tests and benchmarks:
    python tests/support/kube_emulator.py [--nodes N] [--kubeconfig PATH]
prints the server URL, then serves until stdin closes or SIGTERM.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime
import itertools
import json
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp.web
import kmock
import kubernetes_validate
from kmock._internal import apps, parsing

try:
    from tests.support import pod_security
except ImportError:  # run as a script: python tests/support/kube_emulator.py
    import pod_security  # type: ignore[import-not-found,no-redef]

T = TypeVar("T")
Handler = Callable[[kmock.Request], Awaitable[aiohttp.web.StreamResponse]]
Around = Callable[[kmock.Request, Handler], Awaitable[aiohttp.web.StreamResponse]]


def _wrapped(wrap: Around, inner: Handler) -> Handler:
    """`inner` with `wrap` around it."""

    async def handler(request: kmock.Request) -> aiohttp.web.StreamResponse:
        return await wrap(request, inner)

    return handler


# -- defect 1: kmock's parse_path breaks on /api/v1/namespaces[/name] ---------------------------

_ORIGINAL_PARSE_PATH = parsing.parse_path
_NAMESPACE_SUBRESOURCES = ("status", "finalize")


def _parse_path(path: str) -> parsing.ParsedPath:
    parts = path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return _ORIGINAL_PARSE_PATH(path)
    namespace = None
    namespace_object = len(rest) <= 2 or (len(rest) == 3 and rest[2] in _NAMESPACE_SUBRESOURCES)
    if rest and rest[0] == "namespaces" and not namespace_object:
        namespace, rest = rest[1], rest[2:]
    plural = rest[0] if rest else None
    name = rest[1] if len(rest) > 1 else None
    subresource = "/".join(rest[2:]) or None
    return parsing.ParsedPath(group, version, plural, namespace, name, subresource)


parsing.parse_path = _parse_path

# -- helpers --------------------------------------------------------------------------------------

APPLY = "application/apply-patch+yaml"
JSON_PATCH = "application/json-patch+json"
DEFAULT_VERSION = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.4",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2025-01-01T00:00:00Z",
    "goVersion": "go1.22.10",
    "compiler": "gc",
    "platform": "linux/amd64",
}
CLUSTER_POLICY_RESOURCE = "nvidia.com/v1/clusterpolicies"
SCHEMA_VERSION = "1.33"  # kubernetes-validate schemas the written objects are checked against
EVENTS = "v1/events"
_LABEL_NAMED = {"namespaces", "jobs", "services"}  # names that must be RFC 1123 labels
_POD_SPEC_PATHS = {"pods": ("spec",), "jobs": ("spec", "template", "spec")}
_LABEL_RE = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


def _name_problem(plural: str, name: str) -> str:
    """The API server's complaint about an object name ("" when valid)."""
    import re

    if plural in _LABEL_NAMED:
        if len(name) > 63 or not re.fullmatch(_LABEL_RE, name):
            return (
                f'Invalid value: "{name}": a lowercase RFC 1123 label must consist of lower case '
                "alphanumeric characters or '-', and must start and end with an alphanumeric character"
                + (" (must be no more than 63 characters)" if len(name) > 63 else "")
            )
        return ""
    if len(name) > 253 or not re.fullmatch(rf"{_LABEL_RE}(\.{_LABEL_RE})*", name):
        return (
            f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower case '
            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        )
    return ""


def _schema_problem(body: dict[str, Any]) -> tuple[str, bool]:
    """(message, is-unknown-field) of the first schema violation of `body` ("" when valid or unknown kind)."""
    try:
        kubernetes_validate.validate(body, SCHEMA_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return "", False
    except kubernetes_validate.ValidationError as exc:
        where = ".".join(str(p) for p in exc.path) or "<root>"
        if exc.validator == "additionalProperties":
            return f"unknown field in {where}: {exc.message}", True
        return f"{where}: Invalid value: {exc.message}", False
    return "", False


def _pod_spec(plural: str, body: dict[str, Any]) -> dict[str, Any] | None:
    node: Any = body
    for key in _POD_SPEC_PATHS.get(plural, ("-",)):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def _now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(code: int, reason: str, message: str) -> aiohttp.web.Response:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "reason": reason,
        "message": message,
        "code": code,
    }
    return aiohttp.web.json_response(body, status=code)


def _merge(base: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge(out.get(key), value)
    return out


def _selector_term(raw: str) -> Callable[[dict[str, str]], bool]:
    """One label selector term: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`."""
    if " notin " in raw or " in " in raw:
        negate = " notin " in raw
        key, values = raw.split(" notin " if negate else " in ", 1)
        key = key.strip()
        options = {v.strip() for v in values.strip().strip("()").split(",")}
        return lambda labels: (labels.get(key) in options) != negate
    if "!=" in raw:
        key, value = (part.strip() for part in raw.split("!=", 1))
        return lambda labels: labels.get(key) != value
    if "=" in raw:
        key, value = (part.strip() for part in raw.replace("==", "=").split("=", 1))
        return lambda labels: labels.get(key) == value
    if raw.startswith("!"):
        key = raw[1:].strip()
        return lambda labels: key not in labels
    return lambda labels: raw in labels


def _selector_terms(text: str) -> list[Callable[[dict[str, str]], bool]]:
    """The terms of a label selector (commas inside `in (...)` do not split)."""
    depth, start, parts = 0, 0, []
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [_selector_term(p.strip()) for p in parts if p.strip()]


def _field(obj: dict[str, Any], path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


# -- the patched emulator -------------------------------------------------------------------------


class PatchedEmulator(kmock.KubernetesEmulator):
    """kmock's emulator with working CRUD, selectors, pagination, SSA, SSAR and pod logs."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        self.version_info: dict[str, str] = dict(DEFAULT_VERSION)
        self.authorize: Callable[[dict[str, Any]], bool] = lambda attrs: True
        self.pod_logs: dict[tuple[str, str], str] = {}
        self.on_create: dict[str, Callable[[PatchedEmulator, dict[str, Any]], Any]] = {}
        self.request_log: list[tuple[str, str, dict[str, str]]] = []
        self.access_reviews: list[dict[str, Any]] = []
        self._failures: list[dict[str, Any]] = []
        self._list_snapshots: dict[str, list[dict[str, Any]]] = {}
        self._rv = itertools.count(1000)
        self.validate_objects = True
        self.warnings: list[str] = []  # Warning headers of the current request
        self._outage: dict[str, Any] | None = None
        self.outage_hits = 0
        self.log_requests: list[dict[str, str]] = []
        self.log_hold: dict[tuple[str, str], asyncio.Event] = {}
        self.pod_log_lines: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.on_log_request: Callable[[PatchedEmulator, dict[str, str]], None] | None = None
        self.around: list[Around] = []  # request wrappers; the last added runs outermost
        # defect 4: trailing-slash discovery routes
        self.fallback["get /version/"] << self._serve_server_version
        self.fallback["get /api/"] << self._serve_api
        self.fallback["get /apis/"] << self._serve_apis

    # -- discovery fixes (defects 4, 5) --

    async def _serve_server_version(self, request: kmock.Request) -> dict[str, str]:
        return dict(self.version_info)

    async def _serve_version(self, request: kmock.Request) -> Any:
        result = await super()._serve_version(request)
        if isinstance(result, dict) and str(result.get("groupVersion", "")).startswith("/"):
            result["groupVersion"] = result["groupVersion"][1:]
        return result

    # -- failure injection --

    def fail(
        self,
        method: str,
        plural: str,
        status: int,
        message: str = "injected failure",
        *,
        name: str | None = None,
        times: int | None = None,
    ) -> None:
        """Answer matching requests with `status` (all of them, or the next `times`)."""
        self._failures.append(
            {
                "method": method.upper(),
                "plural": plural,
                "status": status,
                "message": message,
                "name": name,
                "times": times,
            }
        )

    def outage(self, mode: str = "503", requests: int | None = None) -> None:
        """Answer every request (discovery too) with 503 (`mode="503"`) or drop the connection
        (`mode="drop"`, as a refused/reset connection) for the next `requests`, or until `restore()`."""
        self._outage = {"mode": mode, "left": requests}

    def restore(self) -> None:
        """End an outage."""
        self._outage = None

    def _outage_response(self, request: kmock.Request) -> aiohttp.web.StreamResponse | None:
        rule = self._outage
        if rule is None:
            return None
        if rule["left"] is not None:
            if rule["left"] <= 0:
                self._outage = None
                return None
            rule["left"] -= 1
        self.outage_hits += 1
        if rule["mode"] == "drop":
            raw = request._raw_request
            if raw is not None and raw.transport is not None:
                raw.transport.abort()
            return aiohttp.web.Response(status=503)
        return _status(503, "ServiceUnavailable", "the server is currently unable to handle the request")

    def record_event(
        self, involved: dict[str, Any], reason: str, message: str, *, type_: str = "Warning"
    ) -> dict[str, Any]:
        """Store a v1 Event about `involved` (as controllers and the kubelet do)."""
        meta = involved.get("metadata") or {}
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{meta.get('name')}.{uuid.uuid4().hex[:16]}",
                "namespace": meta.get("namespace"),
            },
            "involvedObject": {
                "apiVersion": involved.get("apiVersion", ""),
                "kind": involved.get("kind", ""),
                "name": meta.get("name", ""),
                "namespace": meta.get("namespace", ""),
                "uid": meta.get("uid", ""),
            },
            "reason": reason,
            "message": message,
            "type": type_,
            "count": 1,
            "firstTimestamp": _now(),
            "lastTimestamp": _now(),
            "source": {"component": "job-controller" if involved.get("kind") == "Job" else "kubelet"},
        }
        return self.store(EVENTS, event)

    def append_log(self, namespace: str, pod: str, text: str) -> None:
        """Add lines to a pod's log (timestamped now); a follower waiting on the stream gets them."""
        stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        lines = self.pod_log_lines.setdefault((namespace, pod), [])
        lines.extend((stamp, line) for line in text.splitlines())

    def _injected(self, method: str, plural: str, name: str | None) -> aiohttp.web.Response | None:
        for rule in self._failures:
            if rule["method"] not in (method, "*") or rule["plural"] != plural:
                continue
            if rule["name"] is not None and rule["name"] != name:
                continue
            if rule["times"] is not None:
                if rule["times"] <= 0:
                    continue
                rule["times"] -= 1
            reasons = {403: "Forbidden", 404: "NotFound", 409: "Conflict", 500: "InternalError"}
            return _status(rule["status"], reasons.get(rule["status"], "Failure"), rule["message"])
        return None

    # -- object store --

    def _resource_info(self, res: kmock.resource) -> Any:
        for known in self._resources:
            if known == res:
                return self._resources[known]
        return None

    def _kind(self, res: kmock.resource) -> str:
        info = self._resource_info(res)
        if info is not None and info.kind:
            return str(info.kind)
        return str(res.plural).capitalize()

    def live(self, res: kmock.resource | str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Live objects of a resource (all namespaces when namespace is None)."""
        target = kmock.resource(res) if isinstance(res, str) else res
        out = []
        for (key_res, ns, _name), obj in self._objects.items():
            if key_res == target and not obj.deleted and (namespace is None or ns == namespace):
                out.append(obj.raw)
        out.sort(key=lambda o: (o.get("metadata", {}).get("namespace") or "", o["metadata"]["name"]))
        return out

    def store(self, res: kmock.resource | str, obj: dict[str, Any]) -> dict[str, Any]:
        """Put an object into the store directly (no HTTP), filling in server metadata."""
        target = kmock.resource(res) if isinstance(res, str) else res
        body = copy.deepcopy(obj)
        meta = body.setdefault("metadata", {})
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", _now())
        meta["resourceVersion"] = str(next(self._rv))
        key = (target, meta.get("namespace"), meta["name"])
        if key in self._objects and self._objects[key].deleted:
            self._objects[key].create(body)
        else:
            self._objects[key] = body
        return body

    def _get(self, res: kmock.resource, namespace: str | None, name: str) -> Any:
        obj = self._objects._objects.get((res, namespace, name))
        if obj is None:
            for (key_res, ns, key_name), candidate in self._objects.items():
                if key_res == res and ns == namespace and key_name == name:
                    obj = candidate
                    break
        return None if obj is None or obj.deleted else obj

    # -- request handling --

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        handler: Handler = self._handle_plain
        for wrap in self.around:
            handler = _wrapped(wrap, handler)
        return await handler(request)

    async def _handle_plain(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        self.warnings = []
        response = self._outage_response(request)
        if response is None:
            response = await self._serve(request)
        if not response.prepared:
            for text in self.warnings:
                response.headers.add("Warning", f'299 - "{text}"')
        return response

    async def _serve(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        res = request.resource
        if res is None or res.plural is None:
            return await apps.RawHandler._handle(self, request)  # discovery and DSL reactions
        method = str(request.method.value).upper()
        self.request_log.append((method, request.url.path, dict(request.params)))
        injected = self._injected(method, str(res.plural), request.name)
        if injected is not None:
            return injected
        if res.plural == "selfsubjectaccessreviews" and method == "POST":
            return self._review(request)
        if res.plural == "pods" and request.subresource == "log":
            return await self._pod_log(request)
        if self._resource_info(res) is None and not any(k[0] == res for k in self._objects):
            return _status(
                404, "NotFound", f"the server could not find the requested resource ({res.plural})"
            )
        namespace = request.namespace
        if method == "GET" and request.name is None:
            if request.params.get("watch") in ("true", "1"):
                return _status(405, "MethodNotAllowed", "watch is not supported by this emulator")
            return self._list(request, res)
        if method == "POST" and request.name is None:
            return self._create(request, res)
        name = str(request.name)
        existing = self._get(res, namespace, name)
        if method == "GET":
            if existing is None:
                return _status(404, "NotFound", f'{res.plural} "{name}" not found')
            return aiohttp.web.json_response(existing.raw)
        if method == "PUT":
            return self._replace(request, res, existing, name)
        if method == "PATCH":
            return self._patch(request, res, existing, name)
        if method == "DELETE":
            return self._delete(request, res, existing, name)
        return _status(405, "MethodNotAllowed", f"{method} is not supported")

    def _create(self, request: kmock.Request, res: kmock.resource) -> aiohttp.web.StreamResponse:
        body = request.data if isinstance(request.data, dict) else {}
        meta = body.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + uuid.uuid4().hex[:5]
        if not meta.get("name"):
            return _status(422, "Invalid", "metadata.name is required")
        namespace = request.namespace or meta.get("namespace")
        if namespace:
            meta["namespace"] = namespace
        refused = self._admit(request, res, body)
        if refused is not None:
            return refused
        if self._get(res, namespace, meta["name"]) is not None:
            return _status(409, "AlreadyExists", f'{res.plural} "{meta["name"]}" already exists')
        meta.pop("uid", None)
        created = self.store(res, body)
        hook = self.on_create.get(str(res.plural))
        if hook is not None:
            hook(self, created)
        return aiohttp.web.json_response(created, status=201)

    def _admit(
        self, request: kmock.Request, res: kmock.resource, body: dict[str, Any]
    ) -> aiohttp.web.StreamResponse | None:
        """Validation and admission of a written object: None when it may be stored."""
        if not self.validate_objects:
            return None
        plural = str(res.plural)
        group_version = f"{res.group}/{res.version}" if res.group else str(res.version)
        body.setdefault("apiVersion", group_version)
        body.setdefault("kind", self._kind(res))
        name = str(body["metadata"].get("name") or "")
        what = f'{body["kind"]}{"." + res.group if res.group else ""} "{name}"'
        problem = _name_problem(plural, name)
        if problem:
            return _status(422, "Invalid", f"{what} is invalid: metadata.name: {problem}")
        message, unknown = _schema_problem(body)
        if message and unknown:
            mode = request.params.get("fieldValidation") or "Strict"
            if mode == "Strict":
                return _status(400, "BadRequest", f"strict decoding error: {message}")
            if mode == "Warn":
                self.warnings.append(message)
        elif message:
            return _status(422, "Invalid", f"{what} is invalid: {message}")
        return self._pod_security(plural, body, what)

    def _pod_security(
        self, plural: str, body: dict[str, Any], what: str
    ) -> aiohttp.web.StreamResponse | None:
        """PodSecurity admission: 403 for pods breaking the namespace's enforce level, warnings otherwise."""
        spec = _pod_spec(plural, body)
        ns = self._get(kmock.resource("v1/namespaces"), None, str(body["metadata"].get("namespace")))
        if spec is None or ns is None:
            return None
        labels = ns.raw.get("metadata", {}).get("labels") or {}
        enforce, warn = labels.get(pod_security.ENFORCE, ""), labels.get(pod_security.WARN, "")
        enforced = pod_security.violations(enforce, spec)
        if enforced and plural == "pods":
            message = pod_security.violation_message(enforce, enforced)
            return _status(403, "Forbidden", f'pods "{body["metadata"].get("name")}" is forbidden: {message}')
        if enforced:  # workloads are admitted, with a warning; their pods will be refused
            self.warnings.append(pod_security.would_violate(enforce, enforced))
        warned = pod_security.violations(warn, spec)
        if warned and warn != enforce:
            self.warnings.append(pod_security.would_violate(warn, warned))
        return None

    def pod_admission(self, pod: dict[str, Any]) -> str:
        """Why a pod (e.g. from a Job controller) would be refused: admission message, or ""."""
        meta = pod.get("metadata") or {}
        ns = self._get(kmock.resource("v1/namespaces"), None, str(meta.get("namespace")))
        labels = (ns.raw.get("metadata", {}).get("labels") or {}) if ns is not None else {}
        enforce = labels.get(pod_security.ENFORCE, "")
        problems = pod_security.violations(enforce, pod.get("spec") or {})
        if problems:
            return (
                f'pods "{meta.get("name")}" is forbidden: {pod_security.violation_message(enforce, problems)}'
            )
        quota = self._pod_quota(str(meta.get("namespace")))
        if quota:
            return f'pods "{meta.get("name")}" is forbidden: {quota}'
        account = (pod.get("spec") or {}).get("serviceAccountName")
        if (
            account
            and self._get(kmock.resource("v1/serviceaccounts"), meta.get("namespace"), account) is None
        ):
            return (
                f'pods "{meta.get("name")}" is forbidden: error looking up service account '
                f'{meta.get("namespace")}/{account}: serviceaccount "{account}" not found'
            )
        return ""

    def _pod_quota(self, namespace: str) -> str:
        """`exceeded quota: …` when a ResourceQuota's `hard.pods` is used up in `namespace` ("" otherwise)."""
        used = len(self.live("v1/pods", namespace))
        for quota in self.live("v1/resourcequotas", namespace):
            limit = ((quota.get("spec") or {}).get("hard") or {}).get("pods")
            if limit is not None and used + 1 > int(limit):
                return (
                    f"exceeded quota: {quota['metadata']['name']}, requested: pods=1, "
                    f"used: pods={used}, limited: pods={limit}"
                )
        return ""

    def _list(self, request: kmock.Request, res: kmock.resource) -> aiohttp.web.StreamResponse:
        token = request.params.get("continue")
        if token:  # later pages come from the snapshot the first page was cut from (as etcd does)
            snapshot_id, _, offset = base64.b64decode(token).decode().partition(":")
            if snapshot_id not in self._list_snapshots:
                return _status(410, "Expired", "the continue token has expired")
            items, start = self._list_snapshots[snapshot_id], int(offset)
        else:
            items, start = self._select(request, res), 0
        limit = int(request.params.get("limit") or 0)
        end = start + limit if limit > 0 else len(items)
        meta: dict[str, Any] = {"resourceVersion": str(next(self._rv))}
        if end < len(items):
            snapshot_id = (token and base64.b64decode(token).decode().partition(":")[0]) or uuid.uuid4().hex
            self._list_snapshots[snapshot_id] = items
            while len(self._list_snapshots) > 16:
                self._list_snapshots.pop(next(iter(self._list_snapshots)))
            meta["continue"] = base64.b64encode(f"{snapshot_id}:{end}".encode()).decode()
            meta["remainingItemCount"] = len(items) - end
        group_version = f"{res.group}/{res.version}" if res.group else str(res.version)
        body = {
            "kind": f"{self._kind(res)}List",
            "apiVersion": group_version,
            "metadata": meta,
            "items": items[start:end],
        }
        return aiohttp.web.json_response(body)

    def _select(self, request: kmock.Request, res: kmock.resource) -> list[dict[str, Any]]:
        items = self.live(res, request.namespace)
        labels = request.params.get("labelSelector")
        if labels:
            terms = _selector_terms(labels)
            items = [o for o in items if all(t(o.get("metadata", {}).get("labels") or {}) for t in terms)]
        fields = request.params.get("fieldSelector")
        if fields:
            for term in fields.split(","):
                path, _, value = term.replace("==", "=").partition("=")
                negate = path.endswith("!")
                path = path.rstrip("!")
                items = [o for o in items if (_field(o, path) == value) != negate]
        return items

    def _replace(
        self, request: kmock.Request, res: kmock.resource, existing: Any, name: str
    ) -> aiohttp.web.StreamResponse:
        if existing is None:
            return _status(404, "NotFound", f'{res.plural} "{name}" not found')
        body = copy.deepcopy(request.data) if isinstance(request.data, dict) else {}
        meta = body.setdefault("metadata", {})
        meta.update(
            {
                k: existing.raw["metadata"][k]
                for k in ("uid", "creationTimestamp", "namespace")
                if k in existing.raw["metadata"]
            }
        )
        meta["resourceVersion"] = str(next(self._rv))
        refused = self._admit(request, res, body)
        if refused is not None:
            return refused
        existing.history.append(kmock.ObjectVersion(body))  # the full body, not a merge
        return aiohttp.web.json_response(existing.raw)

    def _patch(
        self, request: kmock.Request, res: kmock.resource, existing: Any, name: str
    ) -> aiohttp.web.StreamResponse:
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        if existing is None:
            if content_type != APPLY:
                return _status(404, "NotFound", f'{res.plural} "{name}" not found')
            body = copy.deepcopy(request.data) if isinstance(request.data, dict) else {}
            body.setdefault("metadata", {})["name"] = name
            if request.namespace:
                body["metadata"]["namespace"] = request.namespace
            refused = self._admit(request, res, body)
            if refused is not None:
                return refused
            return aiohttp.web.json_response(self.store(res, body), status=201)
        if content_type == JSON_PATCH:
            existing.patch(request.data)
        elif content_type == APPLY:  # one field manager: the applied fields replace the old ones
            applied = request.data if isinstance(request.data, dict) else {}
            patched = copy.deepcopy(existing.raw)
            for key, value in applied.items():
                if key == "metadata":
                    for meta_key in ("labels", "annotations"):
                        if meta_key in value:
                            patched["metadata"][meta_key] = copy.deepcopy(value[meta_key])
                else:
                    patched[key] = copy.deepcopy(value)
            patched["metadata"]["resourceVersion"] = str(next(self._rv))
            refused = self._admit(request, res, patched)
            if refused is not None:
                return refused
            existing.history.append(kmock.ObjectVersion(patched))
        else:
            current = copy.deepcopy(existing.raw)
            patched = _merge(current, request.data or {})
            patched["metadata"]["resourceVersion"] = str(next(self._rv))
            refused = self._admit(request, res, patched)
            if refused is not None:
                return refused
            existing.history.append(kmock.ObjectVersion(patched))
        return aiohttp.web.json_response(existing.raw)

    def _delete(
        self, request: kmock.Request, res: kmock.resource, existing: Any, name: str
    ) -> aiohttp.web.StreamResponse:
        if existing is None:
            return _status(404, "NotFound", f'{res.plural} "{name}" not found')
        options = request.data if isinstance(request.data, dict) else {}
        want_uid = (options.get("preconditions") or {}).get("uid")
        uid = existing.raw["metadata"].get("uid")
        if want_uid and want_uid != uid:
            return _status(
                409, "Conflict", f"Precondition failed: UID in precondition: {want_uid}, UID in object: {uid}"
            )
        last = existing.raw
        existing.delete()
        self._collect_garbage(uid)
        return aiohttp.web.json_response(
            {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Success",
                "details": {"name": name, "uid": uid},
                "metadata": {},
                "object": last,
            }
        )

    def _collect_garbage(self, owner_uid: str | None) -> None:
        if not owner_uid:
            return
        for obj in list(self._objects.values()):
            if obj.deleted:
                continue
            refs = obj.raw.get("metadata", {}).get("ownerReferences") or []
            if any(ref.get("uid") == owner_uid for ref in refs):
                uid = obj.raw["metadata"].get("uid")
                obj.delete()
                self._collect_garbage(uid)

    def _review(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        body = request.data if isinstance(request.data, dict) else {}
        attrs = (body.get("spec") or {}).get("resourceAttributes") or {}
        self.access_reviews.append(attrs)
        allowed = bool(self.authorize(attrs))
        body["status"] = {"allowed": allowed, "reason": "" if allowed else "denied by the test policy"}
        return aiohttp.web.json_response(body, status=201)

    async def _pod_log(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        """Pod logs: `pod_logs` text or `pod_log_lines`; `timestamps`, `sinceTime` and `follow`.

        A followed stream sends the lines so far, then, while `log_hold[(ns, pod)]` is an unset
        event, stays silent (a quiet agent) and sends what was appended once it is set.
        """
        key = (str(request.namespace), str(request.name))
        if self._get(kmock.resource("v1/pods"), request.namespace, str(request.name)) is None:
            return _status(404, "NotFound", f'pods "{request.name}" not found')
        params = dict(request.params)
        self.log_requests.append(params)
        if self.on_log_request is not None:
            self.on_log_request(self, params)
        since = (params.get("sinceTime") or "")[:19]
        stamps = params.get("timestamps") == "true"

        def render(start: int) -> tuple[str, int]:
            lines = self.pod_log_lines.get(key)
            if lines is None:
                text = self.pod_logs.get(key, "")
                lines = [("2025-01-01T00:00:00.000000Z", line) for line in text.splitlines()]
            chosen = [(ts, line) for ts, line in lines[start:] if ts[:19] >= since]
            return "".join(f"{ts} {line}\n" if stamps else f"{line}\n" for ts, line in chosen), len(lines)

        if params.get("follow") != "true":
            return aiohttp.web.Response(text=render(0)[0], content_type="text/plain")
        response = aiohttp.web.StreamResponse()
        response.content_type = "text/plain"
        assert request._raw_request is not None
        await response.prepare(request._raw_request)
        sent = 0
        try:
            while True:
                text, sent = render(sent)
                if text:
                    await response.write(text.encode())
                hold = self.log_hold.get(key)
                if hold is None or hold.is_set():
                    text, sent = render(sent)
                    if text:
                        await response.write(text.encode())
                    break
                await hold.wait()
            await response.write_eof()
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            pass  # the client gave up on this stream (read timeout) and reconnected
        return response


# -- running it in a thread ------------------------------------------------------------------------

_BUNDLED: list[bytes] = []


def _bundled_resources() -> bytes:
    """kmock's bundled discovery data (k3s built-ins), decompressed once per process."""
    if not _BUNDLED:
        import gzip
        import importlib.resources

        raw = (importlib.resources.files("kmock._internal") / "resources.json.gz").read_bytes()
        _BUNDLED.append(gzip.decompress(raw))
    return _BUNDLED[0]


class KubeEmulator:
    """The patched emulator served on 127.0.0.1 from a background thread with its own loop."""

    def __init__(self) -> None:
        self.url = ""
        self.emulator: PatchedEmulator | None = None
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kube-emulator", daemon=True)

    def start(self) -> KubeEmulator:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        if not self.url:
            raise RuntimeError("the Kubernetes emulator did not start")
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with PatchedEmulator() as emu, kmock.Server(emu) as server:
            emu.resources.load_data(_bundled_resources())
            emu.resources[CLUSTER_POLICY_RESOURCE] = kmock.ResourceInfo(
                kind="ClusterPolicy", namespaced=False, verbs=["get", "list"]
            )
            for namespace in ("default", "kube-system"):  # as in every real cluster
                emu.store(
                    "v1/namespaces",
                    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
                )
            self.emulator = emu
            self.url = str(server.url).rstrip("/")
            self._ready.set()
            await self._stop.wait()

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)

    def __enter__(self) -> KubeEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- thread-safe access --

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(emulator, *args)` on the emulator's loop and return its result."""
        assert self.emulator is not None

        async def run() -> T:
            return fn(self.emulator, *args)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(30)

    def write_kubeconfig(self, path: Path | str, namespace: str = "default") -> Path:
        """A kubeconfig (token user) pointing at this emulator."""
        target = Path(path)
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "emulator", "cluster": {"server": self.url}}],
            "users": [{"name": "tester", "user": {"token": "test-token"}}],
            "contexts": [
                {
                    "name": "emulator",
                    "context": {"cluster": "emulator", "user": "tester", "namespace": namespace},
                }
            ],
            "current-context": "emulator",
        }
        target.write_text(json.dumps(config))
        return target

    def add(self, resource: str, *objects: dict[str, Any]) -> None:
        """Preload objects (`resource` like `v1/nodes`, `v1/pods`, `batch/v1/jobs`)."""
        self.call(lambda emu: [emu.store(resource, obj) for obj in objects])

    def objects(self, resource: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Deep copies of the live objects of `resource`."""
        return self.call(lambda emu: copy.deepcopy(emu.live(resource, namespace)))

    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        """(method, path, query) of every resource request so far."""
        return self.call(lambda emu: list(emu.request_log))


def make_nodes(count: int, *, prefix: str = "node", gpu_every: int = 2) -> Iterable[dict[str, Any]]:
    """`count` Node objects with realistic labels and, on GPU nodes, an nvidia.com/gpu taint."""
    for i in range(count):
        name = f"{prefix}-{i:05d}"
        gpu = i % gpu_every == 0
        labels = {
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "node.kubernetes.io/instance-type": "p5.48xlarge" if gpu else "m7i.4xlarge",
            "topology.kubernetes.io/zone": f"us-east-1{'abc'[i % 3]}",
        }
        taints = []
        if gpu:
            labels.update(
                {
                    "nvidia.com/gpu.present": "true",
                    "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3",
                    "nvidia.com/gpu.count": "8",
                }
            )
            taints.append({"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"})
        yield {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": labels},
            "spec": {"providerID": f"aws:///us-east-1a/i-{i:017x}", "taints": taints},
            "status": {
                "nodeInfo": {
                    "kubeletVersion": "v1.31.4",
                    "containerRuntimeVersion": "containerd://1.7.24",
                    "kernelVersion": "6.8.0-1021-aws",
                    "operatingSystem": "linux",
                    "osImage": "Ubuntu 24.04.1 LTS",
                }
            },
        }


def _main() -> None:
    import argparse
    import signal
    import sys

    parser = argparse.ArgumentParser(description="serve the patched Kubernetes emulator")
    parser.add_argument("--nodes", type=int, default=0, help="preload this many Node objects")
    parser.add_argument("--kubeconfig", help="also write a kubeconfig to this path")
    args = parser.parse_args()
    kube = KubeEmulator().start()
    if args.nodes:
        kube.add("v1/nodes", *make_nodes(args.nodes))
    if args.kubeconfig:
        kube.write_kubeconfig(args.kubeconfig)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())

    def wait_stdin() -> None:
        sys.stdin.read()
        done.set()

    threading.Thread(target=wait_stdin, daemon=True).start()
    print(kube.url, flush=True)
    done.wait()
    kube.stop()


if __name__ == "__main__":
    _main()
