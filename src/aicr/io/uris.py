"""Where a document comes from or goes to: stdin/stdout, a file, an http(s) URL, a ConfigMap.

Pure parsing of the URI forms used by `-o`, `--snapshot`, `--recipe`, `--criteria`
(reference/snapshot.md §5.4 for the `cm://namespace/name` grammar; names follow
aicr.k8s.names).
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
    """(namespace, name) of `cm://namespace/name`; INVALID_REQUEST otherwise.

    Both parts must be valid Kubernetes names (namespace: RFC 1123 label, name: RFC 1123
    subdomain), so `cm://a/b/c`, upper case or a control character fail here (exit 2) rather than
    at the API server after other objects were written.
    """
    from aicr.k8s.names import label_problem, subdomain_problem

    text = uri.strip()
    shown = repr(uri) if any(ord(c) < 0x20 or ord(c) == 0x7F for c in uri) else f'"{uri}"'
    if not text.startswith(CM_SCHEME):
        raise AicrError(Code.INVALID_REQUEST, f"invalid ConfigMap URI {shown}: expected cm://namespace/name")
    namespace, sep, name = text[len(CM_SCHEME) :].partition("/")
    namespace, name = namespace.strip(), name.strip()
    if not sep or not namespace or not name:
        raise AicrError(Code.INVALID_REQUEST, f"invalid ConfigMap URI {shown}: expected cm://namespace/name")
    for what, problem in (("namespace", label_problem(namespace)), ("name", subdomain_problem(name))):
        if problem:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"invalid ConfigMap URI {shown}: the {what} {problem} (RFC 1123)",
                {"uri": uri},
            )
    return namespace, name


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
