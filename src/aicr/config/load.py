"""Reading an AICRConfig from a file or an http(s) URL, and decoding it strictly.

Edge module (file and network I/O). The format follows the extension (`.json` is JSON, anything
else YAML); a URL is fetched with a timeout, at most MAX_REDIRECTS redirects (http/https only)
and MAX_CONFIG_BYTES; `cm://` is refused (reference/surface.md §2). Every problem with the
document is INVALID_REQUEST naming the field by its full path (`spec.bundle.deployment.deployr:
unknown field`).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

from aicr.config.schema import API_VERSIONS, KIND, TRUST_LEVELS, AICRConfig
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_CONFIG_BYTES = 1024 * 1024
FETCH_TIMEOUT_S = 30.0
MAX_REDIRECTS = 3
SECTIONS = ("snapshot", "recipe", "bundle", "validate", "verify")


def load_config(source: str) -> AICRConfig:
    """The validated AICRConfig at `source` (a path or an http(s) URL)."""
    if not source:
        raise AicrError(Code.INVALID_REQUEST, "--config needs a file path or an http(s) URL")
    if source.startswith("cm://"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--config {source}: ConfigMap (cm://) sources are not supported; export the data "
            "(kubectl get configmap NAME -o jsonpath=...) to a file and pass that file",
        )
    lowered = source.lower()
    data = _read_url(source) if lowered.startswith(("http://", "https://")) else _read_file(source)
    path = lowered.split("?", 1)[0].split("#", 1)[0]
    return decode_config(_parse(data, source, json_format=path.endswith(".json")), source)


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise AicrError(Code.NOT_FOUND, f"config file not found: {os.path.abspath(path)}") from None
    except IsADirectoryError:
        raise AicrError(Code.INVALID_REQUEST, f"config path is a directory: {path}") from None
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read config file {path}: {exc.strerror}") from None
    return _capped(data, path)


def _capped(data: bytes, source: str) -> bytes:
    if len(data) > MAX_CONFIG_BYTES:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"config {source} is larger than the limit of {MAX_CONFIG_BYTES} bytes",
            {"source": source, "limit": MAX_CONFIG_BYTES},
        )
    return data


class _BoundedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http(s) locations."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if not newurl.lower().startswith(("http://", "https://")):
            raise AicrError(
                Code.INVALID_REQUEST, f"config URL redirected to a non-http(s) location: {newurl}"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_url(url: str) -> bytes:
    opener = urllib.request.build_opener(_BoundedRedirects())
    try:
        with opener.open(url, timeout=FETCH_TIMEOUT_S) as resp:
            data: bytes = resp.read(MAX_CONFIG_BYTES + 1)
    except urllib.error.HTTPError as exc:
        code = Code.NOT_FOUND if exc.code == 404 else Code.UNAVAILABLE
        why = f"redirect not followed ({exc.reason})" if 300 <= exc.code < 400 else f"HTTP {exc.code}"
        raise AicrError(code, f"failed to fetch config from {url}: {why}") from None
    except TimeoutError:
        raise AicrError(Code.TIMEOUT, f"timed out fetching config from {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AicrError(Code.UNAVAILABLE, f"failed to fetch config from {url}: {reason}") from None
    return _capped(data, url)


def _parse(data: bytes, source: str, *, json_format: bool) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AicrError(Code.INVALID_REQUEST, f"config {source} is not UTF-8 text") from None
    if not text.strip():
        raise AicrError(Code.INVALID_REQUEST, f"config is empty: {source}")
    if json_format:
        import json

        from aicr.io.limits import check_tree

        try:
            return check_tree(json.loads(text), source)
        except ValueError as exc:
            raise AicrError(Code.INVALID_REQUEST, f"config {source} is not valid JSON: {exc}") from None
    from aicr.io.documents import parse_text

    return parse_text(text, source)


def decode_config(doc: Any, source: str) -> AICRConfig:
    """The AICRConfig in a parsed document: kind and apiVersion first, then every field."""
    if not isinstance(doc, dict):
        raise AicrError(Code.INVALID_REQUEST, f"config {source} must be a YAML or JSON mapping")
    kind, api = doc.get("kind"), doc.get("apiVersion")
    if kind != KIND:
        raise AicrError(Code.INVALID_REQUEST, f'config {source}: kind must be "{KIND}", got "{kind or ""}"')
    if api not in API_VERSIONS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'config {source}: unsupported apiVersion "{api or ""}"; expected one of {", ".join(API_VERSIONS)}',
        )
    import msgspec

    try:
        config = msgspec.convert(doc, AICRConfig, strict=True)
    except msgspec.ValidationError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"config {source}: {field_error(str(exc))}") from None
    check_rules(config, source)
    return config


def field_error(message: str) -> str:
    """msgspec's `Object contains unknown field `x` - at `$.spec.a`` as `spec.a.x: unknown field`."""
    text, _, where = message.replace(" | null`", "`").partition(" - at `")
    path = where.rstrip("`").removeprefix("$").lstrip(".")
    if text.startswith("Object contains unknown field `"):
        name = text.split("`")[1]
        return f"{path + '.' if path else ''}{name}: unknown field"
    if text.startswith("Object missing required field `"):
        name = text.split("`")[1]
        return f"{path + '.' if path else ''}{name}: required field missing"
    return f"{path or 'document'}: {text[:1].lower()}{text[1:]}"


def check_rules(config: AICRConfig, source: str) -> None:
    """The cross-field rules of reference/surface.md §2 (INVALID_REQUEST naming the keys)."""
    spec = config.spec
    if all(getattr(spec, name) is None for name in SECTIONS):
        raise AicrError(
            Code.INVALID_REQUEST, f"config {source}: spec needs at least one of {', '.join(SECTIONS)}"
        )
    recipe, bundle = spec.recipe, spec.bundle
    if recipe is not None and recipe.criteria is not None and recipe.input and recipe.input.snapshot:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"config {source}: spec.recipe.criteria and spec.recipe.input.snapshot are mutually exclusive",
        )
    out = recipe.output.path if recipe and recipe.output else None
    into = bundle.input.recipe if bundle and bundle.input else None
    if out and into and out != into:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'config {source}: spec.bundle.input.recipe "{into}" must equal spec.recipe.output.path "{out}"',
        )
    policy = spec.verify.policy if spec.verify else None
    level = policy.min_trust_level if policy else None
    if level is not None and level not in TRUST_LEVELS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'config {source}: invalid spec.verify.policy.minTrustLevel "{level}": '
            f"expected one of {', '.join(TRUST_LEVELS)}",
        )
