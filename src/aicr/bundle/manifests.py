"""Component manifests (`preManifestFiles`, `manifestFiles`), made ready as wrapper-chart templates.

`load` reads them through the catalog; everything else is pure text processing. The manifests are Helm templates; they are NOT rendered here
(no Go-template engine in this project): Helm, Argo CD or Flux renders the wrapper chart at
install time with the component's values under `.Values.<component>`. What is done at bundle
time, per reference/bundle.md §2: files holding only blanks, comments and `---` are dropped (so
no empty template is written), `helm.sh/hook*` annotations are stripped (the numbered folder
order already sequences the releases), two manifests with one basename are an error, and a
pre-manifest Namespace must be the component's own namespace.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.catalog.catalog import Catalog

_HOOK = "helm.sh/hook"
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def has_objects(text: str) -> bool:
    """Whether a manifest holds anything besides blank lines, comments and `---` separators."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return True
    return False


def _is_hook_line(line: str) -> bool:
    """`helm.sh/hook...: value`, the key optionally quoted."""
    text = line.lstrip(" ")
    if text[:1] in ("'", '"'):
        text = text[1:]
    if not text.startswith(_HOOK):
        return False
    rest = text[len(_HOOK) :]
    i = 0
    while i < len(rest) and rest[i] in _KEY_CHARS:
        i += 1
    rest = rest[i:]
    if rest[:1] in ("'", '"'):
        rest = rest[1:]
    return rest.lstrip(" ").startswith(":")


def strip_hooks(text: str) -> str:
    """Drop literal `helm.sh/hook*` annotation lines."""
    if _HOOK not in text:
        return text
    return "".join(line for line in text.splitlines(keepends=True) if not _is_hook_line(line))


def _is_namespace_kind(line: str) -> bool:
    return line.startswith("kind:") and line[5:6] in (" ", "\t") and line[5:].strip() == "Namespace"


def defines_namespace(text: str) -> bool:
    """Whether the template has a top-level `kind: Namespace` object."""
    return any(_is_namespace_kind(line) for line in text.splitlines())


def _documents(text: str) -> list[list[str]]:
    docs: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("---") and (len(line) == 3 or line[3] in " #"):
            docs.append([])
        else:
            docs[-1].append(line)
    return docs


def _metadata_name(lines: list[str]) -> str | None:
    """`metadata.name` of a document: the `name:` key directly under a top-level `metadata:`."""
    inside = False
    child = -1
    for line in lines:
        stripped = line.strip()
        if not inside:
            inside = line.rstrip() == "metadata:"
            continue
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            return None
        if child < 0:
            child = indent
        if indent == child and stripped.startswith("name:"):
            return stripped[len("name:") :].strip()
    return None


def namespace_names(text: str) -> list[str]:
    """Literal names of the Namespace objects in a manifest (templated names are skipped)."""
    names = []
    for doc in _documents(text):
        if not any(_is_namespace_kind(line) for line in doc):
            continue
        name = _metadata_name(doc)
        if name and "{{" not in name:
            names.append(name.strip("'\""))
    return names


def load(catalog: Catalog, component: str, files: list[str], *, what: str) -> list[tuple[str, str]]:
    """(basename, template text) of each non-empty manifest, sorted by path."""
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for relpath in sorted(files):
        base = relpath.replace("\\", "/").rsplit("/", 1)[-1]
        if base in seen:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'manifest basename collision in component "{component}": "{seen[base]}" and "{relpath}" '
                f'both resolve to "{base}"',
            )
        seen[base] = relpath
        try:
            text = catalog.read_text(relpath)
        except AicrError as exc:
            raise exc.wrap(f'failed to read {what} for component "{component}"') from None
        except OSError as exc:
            raise AicrError(
                Code.INTERNAL, f'failed to read {what} {relpath} for component "{component}": {exc.strerror}'
            ) from None
        if not has_objects(text):
            continue
        out.append((base, strip_hooks(text)))
    return out


def check_pre_namespaces(component: str, namespace: str, pre: list[tuple[str, str]]) -> None:
    """A pre-manifest may only create the component's own namespace."""
    for base, text in pre:
        for name in namespace_names(text):
            if name != namespace:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'component "{component}" pre-manifest {base} creates Namespace "{name}", but the component '
                    f'installs into namespace "{namespace}"',
                )
