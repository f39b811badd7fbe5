"""The loaded catalog: compiled plain data plus lookups, resolution and query entry points.

`load_catalog` is the only way to get one. Loading is cheap when the compiled cache is current
(no YAML, no msgspec); otherwise the files are compiled with the strict models first.
"""

from __future__ import annotations

import os

from aicr.errors import AicrError, Code
from aicr.recipe.criteria import FIELDS, STATIC_VALUES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.recipe.criteria import Criteria
    from aicr.recipe.result import RecipeResult


class Catalog:
    """A validated recipe catalog (embedded, embedded + `--data`, or a root directory)."""

    def __init__(self, data: dict[str, Any], *, external: bool = False) -> None:
        self.data = data
        self.external = external
        self.registry: list[dict[str, Any]] = data["registry"]
        self._by_name = {e["name"]: e for e in self.registry}
        self._by_key: dict[str, dict[str, Any]] = {}
        for entry in self.registry:
            for key in entry.get("valueOverrideKeys") or ():
                self._by_key.setdefault(key, entry)
        self._allowed: dict[str, frozenset[str]] | None = None
        self._values_blob: bytes | None = data.pop("valuesBlob", None)
        self._lazy: dict[str, bytes] = data.pop("lazySections", None) or {}
        self.values_cache: dict[str, dict[str, Any]] = dict(data.pop("values", None) or {})

    @property
    def overlays(self) -> dict[str, dict[str, Any]]:
        """Overlay name -> compiled overlay."""
        result: dict[str, dict[str, Any]] = self.data["overlays"]
        return result

    @property
    def base_name(self) -> str:
        """Name of the root overlay."""
        return str(self.data["baseName"])

    @property
    def mixins(self) -> dict[str, dict[str, Any]]:
        """Mixin name -> compiled mixin."""
        result: dict[str, dict[str, Any]] = self.data["mixins"]
        return result

    @property
    def validators(self) -> list[dict[str, Any]]:
        """Validator catalog entries (embedded merged with `--data` by name)."""
        result: list[dict[str, Any]] = self.section("validators")
        return result

    def section(self, name: str) -> Any:
        """`data[name]`, unmarshalled on first use when the cache kept it as bytes."""
        blob = self._lazy.pop(name, None)
        if blob is not None:
            import marshal

            self.data[name] = marshal.loads(blob)
        return self.data[name]

    def registry_by_name(self, name: str) -> dict[str, Any] | None:
        """Registry entry by exact component name."""
        return self._by_name.get(name)

    def registry_entry(self, name: str) -> dict[str, Any] | None:
        """Registry entry by component name, then by value-override key."""
        return self._by_name.get(name) or self._by_key.get(name)

    def allowed_values(self, *, strict: bool = False) -> dict[str, frozenset[str]]:
        """Valid criteria values per field: static values plus values overlays declare."""
        if strict:
            declared = self.data["embeddedCriteriaValues"]
            return {f: STATIC_VALUES[f] | frozenset(declared[f]) for f in FIELDS}
        if self._allowed is None:
            declared = self.data["criteriaValues"]
            self._allowed = {f: STATIC_VALUES[f] | frozenset(declared[f]) for f in FIELDS}
        return self._allowed

    def load_preparsed_values(self) -> None:
        """Fill `values_cache` with the values files parsed at compile time (once, lazily)."""
        if self._values_blob is not None:
            import marshal

            parsed: dict[str, dict[str, Any]] = marshal.loads(self._values_blob)
            self._values_blob = None
            for relpath, doc in parsed.items():
                self.values_cache.setdefault(relpath, doc)

    def has_file(self, relpath: str) -> bool:
        """Whether the catalog provides `relpath` (e.g. a values file)."""
        return relpath in self.section("files")

    def file_path(self, relpath: str) -> str:
        """Absolute path of a catalog file; NOT_FOUND when the catalog has no such file."""
        path = self.section("files").get(relpath)
        if path is None:
            raise AicrError(Code.NOT_FOUND, f"file not found in catalog: {relpath}", {"path": relpath})
        return str(path)

    def read_text(self, relpath: str) -> str:
        """Contents of a catalog file."""
        with open(self.file_path(relpath), encoding="utf-8") as fh:
            return fh.read()

    def health_check(self, component: str) -> str:
        """Content of the component's registry health-check file, or ""."""
        return str(self.data["healthChecks"].get(component, ""))

    def resolve(
        self,
        criteria: Criteria,
        *,
        snapshot: Any = None,
        criteria_strict: bool = False,
        version: str | None = None,
        slurm_accounting_mode: str | None = None,
        explain: bool = False,
        profile: str | None = None,
    ) -> RecipeResult:
        """Resolve `criteria` to a RecipeResult (raises AicrError); `explain` fills `.provenance`.

        `profile` is `name=value` (a configuration profile value); None applies the default.
        """
        from aicr.recipe.resolve import resolve

        recorder = None
        if explain:
            from aicr.recipe.provenance import Recorder

            recorder = Recorder()
        return resolve(
            self,
            criteria,
            snapshot=snapshot,
            criteria_strict=criteria_strict,
            version=version,
            slurm_accounting_mode=slurm_accounting_mode,
            recorder=recorder,
            profile=profile,
        )

    def query(
        self, criteria: Criteria, selector: str, *, snapshot: Any = None, profile: str | None = None
    ) -> Any:
        """Resolve, hydrate component values, and select one value by dotted path."""
        from aicr.recipe.query import hydrate, select

        return select(hydrate(self.resolve(criteria, snapshot=snapshot, profile=profile), self), selector)

    def component_values(self, ref: dict[str, Any]) -> dict[str, Any]:
        """Values of one resolved component: base values, values file, then overrides."""
        from aicr.recipe.values import component_values

        return component_values(self, ref)


def load_catalog(
    *, data: str | os.PathLike[str] | None = None, root: str | os.PathLike[str] | None = None
) -> Catalog:
    """Load the embedded catalog, optionally layered under `data`, or ONLY the `root` directory."""
    from aicr.catalog.cache import load_compiled, load_unchanged
    from aicr.catalog.sources import file_set, layer_roots

    where = {
        "data": os.fspath(data) if data is not None else None,
        "root": os.fspath(root) if root is not None else None,
    }
    compiled = load_unchanged(layer_roots(**where))
    if compiled is None:
        compiled = load_compiled(file_set(**where), _compile)
    return Catalog(compiled, external=data is not None)


def load_validators(*, data: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """`load_catalog(data=data).validators` without unmarshalling the rest of the catalog."""
    from aicr.catalog.cache import load_section
    from aicr.catalog.sources import file_set, layer_roots

    where = os.fspath(data) if data is not None else None
    validators: list[dict[str, Any]] = load_section(
        layer_roots(data=where), lambda: file_set(data=where), _compile, "validators"
    )
    return validators


def _compile(files: Any) -> dict[str, Any]:
    from aicr.catalog.compile import compile_catalog

    result: dict[str, Any] = compile_catalog(files)
    check_values_files(result)
    return result


def check_values_files(compiled: dict[str, Any]) -> None:
    """NOT_FOUND when an overlay or mixin names a `valuesFile` the catalog does not hold (a
    missing file, or a path such as `../../etc/passwd` that escapes the catalog)."""
    known = compiled["files"]
    for kind in ("overlays", "mixins"):
        for name, entry in compiled[kind].items():
            for ref in entry.get("componentRefs") or ():
                relpath = ref.get("valuesFile") or ""
                if relpath and relpath not in known:
                    raise AicrError(
                        Code.NOT_FOUND,
                        f'{kind[:-1]} "{name}" component "{ref.get("name")}": valuesFile "{relpath}" '
                        "is not a file of the catalog",
                        {"overlay": name, "valuesFile": relpath},
                    )
