"""Where a document comes from or goes to: stdin/stdout, a file, an http(s) URL, a ConfigMap.

Pure parsing of the URI forms used by `-o`, `--snapshot`, `--recipe`, `--criteria`
(reference/snapshot.md §5.4 for the `cm://namespace/name` grammar).
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

CM_SCHEME = "cm://"


class Target:
    """A parsed location: kind is one of `stdio`, `file`, `http`, `configmap`."""

    __slots__ = ("kind", "name", "namespace", "value")

    def __init__(self, kind: str, value: str, namespace: str = "", name: str = "") -> None:
        self.kind = kind
        self.value = value
        self.namespace = namespace
        self.name = name

    def __repr__(self) -> str:
        return f"Target({self.kind}, {self.value!r})"


def parse_configmap_uri(uri: str) -> tuple[str, str]:
    """(namespace, name) of `cm://namespace/name`; INVALID_REQUEST otherwise."""
    text = uri.strip()
    if not text.startswith(CM_SCHEME):
        raise AicrError(Code.INVALID_REQUEST, f'invalid ConfigMap URI "{uri}": expected cm://namespace/name')
    rest = text[len(CM_SCHEME) :]
    # reference/snapshot.md §5.4: split at the FIRST "/"; "cm://a/b/c" names ConfigMap "b/c"
    # (the API server rejects it later).
    namespace, sep, name = rest.partition("/")
    if not sep or not namespace.strip() or not name.strip():
        raise AicrError(Code.INVALID_REQUEST, f'invalid ConfigMap URI "{uri}": expected cm://namespace/name')
    return namespace.strip(), name.strip()


def parse_target(uri: str | None) -> Target:
    """Classify an input or output location."""
    text = (uri or "").strip()
    if text in ("", "-"):
        return Target("stdio", "-")
    if text.startswith(CM_SCHEME):
        namespace, name = parse_configmap_uri(text)
        return Target("configmap", text, namespace, name)
    if text.startswith(("http://", "https://")):
        return Target("http", text)
    return Target("file", uri or "")
