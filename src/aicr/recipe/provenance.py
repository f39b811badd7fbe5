"""Value provenance: which layer set each field of a resolved recipe last, and what it overrode.

Pure bookkeeping; the resolver calls a `Recorder` only when one is passed (`--explain`), so the
normal path pays a single `is None` test per overlay. Paths name what a user sees in the result:
`components.<name>` (the ref itself), `components.<name>.<field>` (version, source, namespace...),
`components.<name>.dependencyRefs.<dep>`, `components.<name>.values.<dotted.path>`,
`constraints.<name>`, `validation.<phase>.checks.<check>`, `validation.<phase>.constraints.<name>`.
Layers: `registry` (component registry defaults), `values-file` (a component values file),
`overlay` (file and line), `mixin` (file and line), `profile` (the selected configuration profile
value, `name=value`, with the file and line of its declaration), `set` (a `--set` at bundle or
query time).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LAYERS = ("registry", "values-file", "overlay", "mixin", "profile", "set")


class Origin:
    """One layer that wrote a value: kind, name (overlay, mixin, file), and where in its file."""

    __slots__ = ("file", "keypath", "kind", "name")

    def __init__(self, kind: str, name: str, file: str = "", keypath: tuple[Any, ...] = ()) -> None:
        self.kind = kind
        self.name = name
        self.file = file
        self.keypath = keypath

    def at(self, *keys: Any) -> Origin:
        """The same layer, pointing deeper into its document."""
        return Origin(self.kind, self.name, self.file, self.keypath + keys)


class Entry:
    """The provenance of one path: the last writer and the values it replaced, oldest first."""

    __slots__ = ("line", "origin", "overrode", "value")

    def __init__(self, origin: Origin, value: Any) -> None:
        self.origin = origin
        self.value = value
        self.line = 0
        self.overrode: list[tuple[Origin, Any]] = []

    def to_dict(self) -> dict[str, Any]:
        """Plain data for YAML/JSON output."""
        out: dict[str, Any] = {"layer": self.origin.kind, "source": self.origin.name}
        if self.origin.file:
            out["file"] = self.origin.file + (f":{self.line}" if self.line else "")
        out["value"] = self.value
        if self.overrode:
            out["overrode"] = [{"layer": o.kind, "source": o.name, "value": v} for o, v in self.overrode]
        return out


class Recorder:
    """Collects provenance entries while a recipe is resolved and hydrated.

    Component `overrides` are kept aside (`overrides`) while the recipe resolves and replayed
    over the values files when values are explained, because values files sit under them.
    """

    __slots__ = ("entries", "overrides")

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.overrides: dict[str, list[tuple[Origin, dict[str, Any]]]] = {}

    def record(self, path: str, origin: Origin, value: Any) -> None:
        """`origin` set `path` to `value` (a later call for the same path overrides it)."""
        entry = Entry(origin, value)
        previous = self.entries.get(path)
        if previous is not None:
            entry.overrode = [*previous.overrode, (previous.origin, previous.value)]
        self.entries[path] = entry

    def forget(self, prefix: str) -> None:
        """Drop `prefix` and everything below it (a value deleted by a later null)."""
        for path in [p for p in self.entries if p == prefix or p.startswith(prefix + ".")]:
            del self.entries[path]

    def record_tree(self, prefix: str, value: Any, origin: Origin) -> None:
        """Record every leaf of a values mapping as `merge_values` merges it.

        Maps merge (an empty map changes nothing under an existing map); lists, scalars and null
        replace everything at and below their path (a null is kept: Helm reads it as "delete").
        """
        if isinstance(value, dict):
            below = [p for p in self.entries if p.startswith(prefix + ".")]
            if value:
                self.entries.pop(prefix, None)  # a map replacing a scalar
                for key, child in value.items():
                    self.record_tree(f"{prefix}.{key}", child, origin.at(key))
            elif not below:
                self.forget(prefix)
                self.record(prefix, origin, {})
            return
        for path in [p for p in self.entries if p.startswith(prefix + ".")]:
            del self.entries[path]  # a scalar replacing a map replaces all of it
        self.record(prefix, origin, value)

    def to_dict(self) -> dict[str, Any]:
        """`path -> entry` in path order."""
        return {path: self.entries[path].to_dict() for path in sorted(self.entries)}


def leaf_paths(value: Any, prefix: str) -> list[str]:
    """Every leaf path of a mapping, the way `Recorder.record_tree` names them."""
    if isinstance(value, dict) and value:
        out: list[str] = []
        for key, child in value.items():
            out.extend(leaf_paths(child, f"{prefix}.{key}"))
        return out
    return [prefix]


def fill_lines(recorder: Recorder, read_text: Any) -> None:
    """Set each entry's line from its file (parsed once per file with PyYAML's node marks)."""
    import yaml

    trees: dict[str, Any] = {}
    for entry in recorder.entries.values():
        origin = entry.origin
        if not origin.file or not origin.file.endswith((".yaml", ".yml")):
            continue
        if origin.file not in trees:
            try:
                trees[origin.file] = yaml.compose(
                    read_text(origin.file), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                )
            except Exception:
                trees[origin.file] = None
        entry.line = _line(trees[origin.file], origin.keypath)


def _line(node: Any, keypath: tuple[Any, ...]) -> int:
    import yaml

    best = node.start_mark.line + 1 if node is not None else 0
    for key in keypath:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
            if found is None:
                return best
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return best
        best = node.start_mark.line + 1
    return best
