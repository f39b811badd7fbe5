"""Reading and writing documents at any location: stdin/stdout, files, http(s), ConfigMaps.

Edge module. Inputs: a missing file is NOT_FOUND, an empty or unparsable one INVALID_REQUEST.
Outputs go to stdout or are written atomically; `cm://` locations go through `aicr.k8s`
(imported only when used).
"""

from __future__ import annotations

import os
import sys

from aicr.errors import AicrError, Code
from aicr.io.limits import MAX_DOCUMENT_BYTES, check_tree, too_large
from aicr.io.uris import parse_target

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_HTTP_BYTES = MAX_DOCUMENT_BYTES
HTTP_TIMEOUT_S = 30.0


def read_bytes(uri: str, *, what: str = "input", kubeconfig: str | None = None) -> tuple[bytes, str]:
    """Raw bytes at `uri` and a display name for messages; over MAX_DOCUMENT_BYTES is refused."""
    target = parse_target(uri)
    if target.kind == "stdio":
        return _capped(sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1), what, "<stdin>"), "<stdin>"
    if target.kind == "http":
        return _read_http(target.value, what), target.value
    if target.kind == "configmap":
        from aicr.k8s.configmaps import read_document_configmap

        data = read_document_configmap(target.namespace, target.name, kubeconfig=kubeconfig)
        return _capped(data, what, target.value), target.value
    path = target.value
    try:
        with open(path, "rb") as fh:
            return _capped(fh.read(MAX_DOCUMENT_BYTES + 1), what, path), path
    except FileNotFoundError:
        raise AicrError(
            Code.NOT_FOUND, f"{what} file not found: {os.path.abspath(path)}", {"path": path}
        ) from None
    except IsADirectoryError:
        raise AicrError(Code.INVALID_REQUEST, f"{what} path is a directory: {path}", {"path": path}) from None
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot read {what} file {path}: {exc.strerror}") from None


def _capped(data: bytes, what: str, source: str) -> bytes:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large(what, source, len(data))
    return data


def _read_http(url: str, what: str) -> bytes:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as resp:
            data: bytes = resp.read(MAX_HTTP_BYTES + 1)
    except urllib.error.HTTPError as exc:
        code = Code.NOT_FOUND if exc.code == 404 else Code.UNAVAILABLE
        raise AicrError(code, f"failed to fetch {what} from {url}: HTTP {exc.code}") from None
    except TimeoutError:
        raise AicrError(Code.TIMEOUT, f"timed out fetching {what} from {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AicrError(Code.UNAVAILABLE, f"failed to fetch {what} from {url}: {reason}") from None
    return _capped(data, what, url)


def parse_text(text: str, source: str) -> Any:
    """Parse JSON or YAML text: `json` and the YAML subset reader first (no PyYAML import), the
    strict YAML loader for anything they do not cover (and for every error message). Every
    answer is within aicr.io.limits (depth, integer length)."""
    if text.lstrip().startswith("{"):
        import json

        try:
            return check_tree(json.loads(text), source)
        except (ValueError, RecursionError):
            pass  # the YAML loader below reports the error, or the limit, with a position
    from aicr.io.yamlsubset import Unsupported, load

    try:
        return load(text)
    except Unsupported:
        from aicr.io.yamlin import load_yaml, plain

        return plain(load_yaml(text, source))


def load_document(uri: str, *, what: str = "input", kubeconfig: str | None = None) -> dict[str, Any]:
    """Parse the YAML or JSON document at `uri` into a mapping."""
    data, source = read_bytes(uri, what=what, kubeconfig=kubeconfig)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AicrError(
            Code.INVALID_REQUEST, f"{what} {source} is not UTF-8 text", {"source": source}
        ) from None
    if not text.strip():
        raise AicrError(Code.INVALID_REQUEST, f"{what} is empty: {source}", {"source": source})
    doc = parse_text(text, source)
    if not isinstance(doc, dict):
        raise AicrError(
            Code.INVALID_REQUEST, f"{what} must be a YAML or JSON mapping: {source}", {"source": source}
        )
    return doc


def write_text(
    uri: str | None, text: str, *, kubeconfig: str | None = None, doc: Any = None, fmt: str = "yaml"
) -> None:
    """Write rendered output to stdout, a file (atomically) or a ConfigMap."""
    target = parse_target(uri)
    if target.kind == "stdio":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if target.kind == "http":
        raise AicrError(Code.INVALID_REQUEST, f"cannot write output to a URL: {target.value}")
    if target.kind == "configmap":
        from aicr.k8s.configmaps import write_document_configmap

        write_document_configmap(target.namespace, target.name, text, fmt=fmt, doc=doc, kubeconfig=kubeconfig)
        return
    from aicr.io.atomic import write_atomic

    try:
        write_atomic(target.value, text)
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"cannot write {target.value}: {exc.strerror}") from None


def write_document(
    doc: Any, uri: str | None = "-", format: str = "yaml", *, kubeconfig: str | None = None
) -> None:
    """Render `doc` (a Snapshot, a RecipeResult or a plain document dict) and write it to `uri`.

    `uri` is a file path (written atomically), `-` for stdout, or `cm://namespace/name`.
    """
    fmt = (format or "yaml").strip().lower()
    if fmt not in ("yaml", "json", "table"):
        raise AicrError(
            Code.INVALID_REQUEST, f'unknown output format: "{format}", valid formats are: yaml, json, table'
        )
    plain = doc.to_dict() if hasattr(doc, "to_dict") else doc
    if hasattr(doc, "render"):
        text = doc.render(fmt)
    elif isinstance(plain, dict) and plain.get("kind") == "Snapshot":
        from aicr.snapshot.serialize import render

        text = render(plain, fmt)
    elif fmt == "json":
        import json

        text = json.dumps(plain, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "yaml":
        from aicr.io.yamlout import dump

        text = dump(plain)
    else:
        raise AicrError(Code.INVALID_REQUEST, "table output is only available for Snapshot and RecipeResult")
    write_text(uri, text, kubeconfig=kubeconfig, doc=plain, fmt=fmt)
