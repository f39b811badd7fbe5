"""Compile catalog files into the plain-data form the resolver runs on.

Reads and strictly validates every document of a `FileSet` (registry, overlays, mixins,
validator catalog, health-check files) and returns one dict of builtins. The result is what the
cache stores, so everything the `aicr recipe` hot path needs is in it and nothing in it needs
msgspec or PyYAML to use.
"""

from __future__ import annotations

from typing import Any

import msgspec

from aicr import logs
from aicr.catalog import models
from aicr.catalog.decode import check_header, decode
from aicr.catalog.sources import FileSet
from aicr.documents import (
    KIND_METADATA,
    KIND_MIXIN,
    KIND_REGISTRY,
    KIND_VALIDATOR_CATALOG,
    PROFILE_API_VERSIONS,
    READ_API_VERSIONS,
    VALIDATOR_CATALOG_API_VERSIONS,
)
from aicr.errors import AicrError, Code
from aicr.io.yamlin import load_yaml
from aicr.recipe.criteria import ANY, FIELDS, normalize
from aicr.recipe.deps import check_dependencies

FORMAT = 3
BASE_FILE = "overlays/base.yaml"
COMPONENT_TYPES = {"helm": "Helm", "kustomize": "Kustomize"}
PHASES = ("readiness", "deployment", "performance", "conformance")


def _read(path: str, rel: str) -> Any:
    with open(path, "rb") as fh:
        data = fh.read()
    return load_yaml(data, rel)


def _builtins(obj: msgspec.Struct) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(obj)
    return out


def compile_catalog(files: FileSet) -> dict[str, Any]:
    """Validate every document of `files` and return the compiled catalog."""
    resolved = files.resolved()
    external = {rel for layer in files.layers if layer.external for rel in layer.files}
    registry = _compile_registry(files)
    overlays, base_name = _compile_overlays(resolved, external)
    mixins = _compile_mixins(resolved)
    validators = _compile_validators(files)
    health = _health_checks(registry, resolved)
    values: dict[str, set[str]] = {f: set() for f in FIELDS}
    embedded_values: dict[str, set[str]] = {f: set() for f in FIELDS}
    for overlay in overlays.values():
        for field, value in (overlay.get("criteria") or {}).items():
            if field in values and value != ANY:
                values[field].add(value)
                if overlay["file"] not in external:
                    embedded_values[field].add(value)
    base = overlays[base_name]
    try:
        check_dependencies(base.get("componentRefs", []))
    except AicrError as exc:
        raise exc.wrap("base recipe validation failed") from None
    return {
        "format": FORMAT,
        "registry": registry,
        "overlays": overlays,
        "baseName": base_name,
        "mixins": mixins,
        "validators": validators,
        "healthChecks": health,
        "files": {rel: path for rel, path in sorted(resolved.items())},
        "values": _parse_values_files(resolved),
        "criteriaValues": {f: sorted(v) for f, v in values.items()},
        "embeddedCriteriaValues": {f: sorted(v) for f, v in embedded_values.items()},
    }


def _compile_registry(files: FileSet) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for layer_no, (_layer, path) in enumerate(files.all_versions("registry.yaml")):
        doc = _read(path, "registry.yaml")
        if isinstance(doc, dict):
            check_header(doc, "registry.yaml", KIND_REGISTRY, READ_API_VERSIONS)
        reg = decode(doc, models.ComponentRegistry, "registry.yaml")
        if reg.components is not None and reg.spec is not None:
            raise AicrError(
                Code.INVALID_REQUEST, "registry.yaml: set either components or spec.components, not both"
            )
        listed = reg.components if reg.components is not None else (reg.spec.components if reg.spec else [])
        seen: set[str] = set()
        layer_entries = []
        for entry in listed:
            _check_entry(entry, seen)
            layer_entries.append(_builtins(entry))
        _check_override_keys(layer_entries)
        if layer_no:
            _release_override_keys(entries, layer_entries)
        for plain in layer_entries:
            # reference/recipe.md §7: a same-name external entry replaces the entry wholesale.
            if plain["name"] in index:
                entries[index[plain["name"]]] = plain
            else:
                index[plain["name"]] = len(entries)
                entries.append(plain)
    _check_override_keys(entries)
    return entries


def _check_override_keys(entries: list[dict[str, Any]]) -> None:
    keys: dict[str, str] = {}
    for entry in entries:
        for key in entry.get("valueOverrideKeys", []):
            owner = keys.get(key)
            if owner is not None and owner != entry["name"]:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'registry.yaml: valueOverrideKey "{key}" is used by both "{owner}" and "{entry["name"]}"',
                )
            keys[key] = entry["name"]


def _release_override_keys(lower: list[dict[str, Any]], upper: list[dict[str, Any]]) -> None:
    """An external entry's override keys win: drop them from other, lower-layer entries."""
    claimed = {key: entry["name"] for entry in upper for key in entry.get("valueOverrideKeys", [])}
    for entry in lower:
        keys = entry.get("valueOverrideKeys")
        if not keys:
            continue
        kept = [k for k in keys if claimed.get(k, entry["name"]) == entry["name"]]
        if len(kept) != len(keys):
            logs.debug(
                "external registry entry takes over value override keys",
                component=entry["name"],
                keys=",".join(sorted(set(keys) - set(kept))),
            )
            entry["valueOverrideKeys"] = kept


def _check_entry(entry: models.RegistryEntry, seen: set[str]) -> None:
    if not entry.name.strip():
        raise AicrError(Code.INVALID_REQUEST, "registry.yaml: component name is required")
    if not entry.display_name.strip():
        raise AicrError(
            Code.INVALID_REQUEST, f'registry.yaml: component "{entry.name}" requires a displayName'
        )
    if entry.name in seen:
        raise AicrError(Code.INVALID_REQUEST, f'registry.yaml: duplicate component name "{entry.name}"')
    seen.add(entry.name)
    if entry.helm is not None and entry.kustomize is not None:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'registry.yaml: component "{entry.name}" cannot have both helm and kustomize configuration',
        )
    for validation in entry.validations or []:
        _check_validation(entry.name, validation)


def _check_validation(name: str, validation: models.RegistryValidation) -> None:
    """A registry validation names a known check and only criteria fields (never skipped later)."""
    if validation.function not in models.REGISTRY_CHECKS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'registry.yaml: component "{name}" names unknown validation function "{validation.function}" '
            f"(known: {', '.join(sorted(models.REGISTRY_CHECKS))})",
        )
    for field in validation.conditions or {}:
        if field not in FIELDS:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'registry.yaml: component "{name}" validation {validation.function} has a condition on '
                f'unknown criteria field "{field}" (valid: {", ".join(FIELDS)})',
            )
    if validation.severity not in ("error", "warning", "info"):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'registry.yaml: component "{name}" validation {validation.function} has invalid '
            f'severity "{validation.severity}" (valid: error, info, warning)',
        )


def _yaml_files(resolved: dict[str, str], prefix: str) -> list[str]:
    return sorted(rel for rel in resolved if rel.startswith(prefix) and rel.endswith((".yaml", ".yml")))


def _compile_overlays(resolved: dict[str, str], external: set[str]) -> tuple[dict[str, Any], str]:
    overlays: dict[str, dict[str, Any]] = {}
    base_name = ""
    for rel in _yaml_files(resolved, "overlays/"):
        doc = _read(resolved[rel], rel)
        if isinstance(doc, dict):
            check_header(doc, rel, KIND_METADATA, READ_API_VERSIONS | PROFILE_API_VERSIONS)
        meta = decode(doc, models.RecipeMetadata, rel)
        _check_profile_version(meta, rel)
        name = meta.metadata.name
        if not name.strip():
            raise AicrError(Code.INVALID_REQUEST, f"{rel}: metadata.name is required")
        if name in overlays:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'duplicate overlay name "{name}" in {overlays[name]["file"]} and {rel}',
                {"name": name, "files": [overlays[name]["file"], rel]},
            )
        overlays[name] = _compile_overlay(meta, rel)
        if rel == BASE_FILE:
            base_name = name
    if not base_name:
        raise AicrError(Code.INVALID_REQUEST, f"{BASE_FILE} not found: the catalog needs a root overlay")
    return dict(sorted(overlays.items())), base_name


def _check_profile_version(meta: models.RecipeMetadata, rel: str) -> None:
    """reference/recipe.md §2: a profile needs a profile apiVersion, and that apiVersion needs one."""
    profiled = meta.api_version in PROFILE_API_VERSIONS
    if meta.spec.profile is not None and not profiled:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"{rel}: spec.profile requires apiVersion {' or '.join(sorted(PROFILE_API_VERSIONS))} "
            f'(found "{meta.api_version}")',
            {"file": rel, "field": "apiVersion"},
        )
    if profiled and meta.spec.profile is None:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'{rel}: apiVersion "{meta.api_version}" is for overlays that declare spec.profile',
            {"file": rel, "field": "spec.profile"},
        )


def _compile_overlay(meta: models.RecipeMetadata, rel: str) -> dict[str, Any]:
    spec = meta.spec
    out: dict[str, Any] = {"name": meta.metadata.name, "file": rel}
    out.update(_builtins(spec))
    if spec.profile is not None:
        from aicr.catalog.profiles import compile_profile

        out["profile"] = compile_profile(spec.profile, rel)
    out.pop("criteria", None)
    if spec.criteria is not None:
        if spec.criteria.nodes:
            raise AicrError(
                Code.INVALID_REQUEST,
                f"{rel}: criteria.nodes is not supported in overlays (nodes never affects matching)",
            )
        out["criteria"] = {f: normalize(f, getattr(spec.criteria, f)) for f in FIELDS}
    refs = [_check_ref(ref, rel) for ref in spec.component_refs or []]
    _check_unique([r["name"] for r in refs], rel, "component")
    out["componentRefs"] = refs
    _check_unique([c.name for c in spec.constraints or []], rel, "constraint")
    return out


def _check_ref(ref: models.ComponentRef, rel: str) -> dict[str, Any]:
    plain = _builtins(ref)
    if ref.type:
        canonical = COMPONENT_TYPES.get(ref.type.lower())
        if canonical is None:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'{rel}: component "{ref.name}" has invalid type "{ref.type}" (valid: Helm, Kustomize)',
            )
        plain["type"] = canonical
    for field, paths in (("manifestFiles", ref.manifest_files), ("preManifestFiles", ref.pre_manifest_files)):
        for path in paths or []:
            if ".." in path.replace("\\", "/").split("/") or path.startswith("/"):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'{rel}: component "{ref.name}" {field} entry "{path}" must stay inside the catalog',
                )
    return plain


def _check_unique(names: list[str], rel: str, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise AicrError(Code.INVALID_REQUEST, f'{rel}: duplicate {what} "{name}"')
        seen.add(name)


def _compile_mixins(resolved: dict[str, str]) -> dict[str, Any]:
    mixins: dict[str, dict[str, Any]] = {}
    for rel in _yaml_files(resolved, "mixins/"):
        doc = _read(resolved[rel], rel)
        if isinstance(doc, dict):
            check_header(doc, rel, KIND_MIXIN, READ_API_VERSIONS)
        mixin = decode(doc, models.RecipeMixin, rel)
        name = mixin.metadata.name
        if name in mixins:
            raise AicrError(
                Code.INVALID_REQUEST, f'duplicate mixin name "{name}" in {mixins[name]["file"]} and {rel}'
            )
        refs = [_check_ref(ref, rel) for ref in mixin.spec.component_refs or []]
        _check_unique([r["name"] for r in refs], rel, "component")
        _check_unique([c.name for c in mixin.spec.constraints or []], rel, "constraint")
        entry: dict[str, Any] = {"name": name, "file": rel, "componentRefs": refs}
        entry["constraints"] = [_builtins(c) for c in mixin.spec.constraints or []]
        mixins[name] = entry
    return dict(sorted(mixins.items()))


def _compile_validators(files: FileSet) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    rel = "validators/catalog.yaml"
    for _layer, path in files.all_versions(rel):
        doc = _read(path, rel)
        if isinstance(doc, dict):
            check_header(doc, rel, KIND_VALIDATOR_CATALOG, VALIDATOR_CATALOG_API_VERSIONS)
        catalog = decode(doc, models.ValidatorCatalog, rel)
        seen: set[str] = set()
        for entry in catalog.validators:
            if not entry.name.strip():
                raise AicrError(Code.INVALID_REQUEST, f"{rel}: validator name is required")
            if entry.name in seen:
                raise AicrError(Code.INVALID_REQUEST, f'{rel}: duplicate validator name "{entry.name}"')
            seen.add(entry.name)
            if entry.phase not in PHASES[1:]:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'{rel}: validator "{entry.name}" has invalid phase "{entry.phase}" '
                    "(valid: deployment, performance, conformance)",
                )
            if not entry.image.strip():
                raise AicrError(Code.INVALID_REQUEST, f'{rel}: validator "{entry.name}" requires an image')
            _check_rbac(entry, rel)
            plain = _builtins(entry)
            if entry.name in index:
                entries[index[entry.name]] = plain
            else:
                index[entry.name] = len(entries)
                entries.append(plain)
    return entries


def _check_rbac(entry: models.ValidatorEntry, rel: str) -> None:
    """Every rule names at least one resource and one verb (a rule granting nothing is a typo)."""
    for i, rule in enumerate(entry.rbac or []):
        for field, values in (("resources", rule.resources), ("verbs", rule.verbs)):
            if not values or any(not str(v).strip() for v in values):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'{rel}: validator "{entry.name}" rbac[{i}].{field} must list non-empty names',
                    {"file": rel, "field": f"rbac[{i}].{field}"},
                )


def _parse_values_files(resolved: dict[str, str]) -> dict[str, Any]:
    """Pre-parsed `components/<name>/*.yaml` files (values), so bundles skip YAML at run time.

    A file that does not parse is left out: it is read, and rejected, when a recipe uses it.
    """
    from aicr.io.yamlin import plain

    out: dict[str, Any] = {}
    for rel, path in resolved.items():
        parts = rel.split("/")
        if len(parts) != 3 or parts[0] != "components" or not rel.endswith((".yaml", ".yml")):
            continue
        try:
            doc = plain(_read(path, rel))
        except (AicrError, OSError, UnicodeDecodeError):
            continue
        if isinstance(doc, dict):
            out[rel] = doc
        elif doc is None:
            out[rel] = {}
    return dict(sorted(out.items()))


def _health_checks(registry: list[dict[str, Any]], resolved: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in registry:
        assert_file = (entry.get("healthCheck") or {}).get("assertFile", "")
        if not assert_file:
            continue
        path = resolved.get(assert_file)
        if path is None:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'registry.yaml: component "{entry["name"]}" healthCheck.assertFile "{assert_file}" '
                "does not exist in the catalog",
            )
        with open(path, encoding="utf-8") as fh:
            out[entry["name"]] = fh.read()
    return out
