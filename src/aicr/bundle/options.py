"""Bundle settings: parse the raw `aicr bundle` inputs (flags or library options) into one object.

Pure: string parsing and validation only, with the reference's error texts
(reference/bundle.md §1, §7 #12-#14, #24, #26). The CLI and `aicr.build_bundle` both pass raw
strings here, so the two can never disagree on what a flag means. `--set-file` reads the named
file; that is the only I/O, and it happens while parsing.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.io.limits import MAX_INT_DIGITS, MAX_NODES, MAX_PATH_SEGMENTS
from aicr.io.yamlscalars import number_kind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

DEPLOYERS = ("argocd", "argocd-helm", "fleet", "flux", "helm", "helmfile")
ARGO_DEPLOYERS = frozenset({"argocd", "argocd-helm"})
DEPLOYER_KEY = "deployer"  # reserved --set key for Argo deployer options
ENABLED_KEY = "enabled"
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
DEFAULT_TOLERATIONS: tuple[dict[str, Any], ...] = ({"operator": "Exists"},)
DEFAULT_FLUX_NAMESPACE = "flux-system"
DEFAULT_FLEET_NAMESPACE = "fleet-default"
FLEET_MODES = ("gitrepo", "helmop")
APP_NAME_DEPLOYERS = frozenset({"argocd", "argocd-helm", "fleet"})
_LOWER_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SPECIAL_FLOATS = {"inf": float("inf"), "+inf": float("inf"), "-inf": float("-inf"), "infinity": float("inf"),
                   "+infinity": float("inf"), "-infinity": float("-inf"), "nan": float("nan")}  # fmt: skip

# Library option name -> kind: list (repeatable strings), str or bool.
OPTION_KINDS: dict[str, str] = {
    "set": "list",
    "set_string": "list",
    "set_json": "list",
    "set_file": "list",
    "dynamic": "list",
    "system_node_selector": "list",
    "system_node_toleration": "list",
    "accelerated_node_selector": "list",
    "accelerated_node_toleration": "list",
    "workload_selector": "list",
    "workload_gate": "str",
    "nodes": "str",
    "storage_class": "str",
    "shared_storage_class": "str",
    "repo": "str",
    "repo_path": "str",
    "app_name": "str",
    "flux_namespace": "str",
    "fleet_mode": "str",
    "fleet_namespace": "str",
    "data": "str",
    "serial": "bool",
    "vendor_charts": "bool",
}


REPO_PATH_DEPLOYERS = ("argocd", "argocd-helm", "flux", "fleet")


def parse_repo_path(value: str) -> str:
    """A repository sub-directory for `--repo-path`: relative, no `..`, normalised without slashes
    at either end ("" = the repository root)."""
    text = value.strip()
    if not text:
        return ""
    if text.startswith("/") or "\\" in text:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid --repo-path "{value}": give a path relative to the repository root, such as clusters/gpu',
        )
    parts = [p for p in text.strip("/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise AicrError(Code.INVALID_REQUEST, f'invalid --repo-path "{value}": ".." is not allowed')
    return "/".join(parts)


def in_repo(repo_path: str, path: str) -> str:
    """`path` (bundle-relative) as seen from the repository root when the bundle sits at `repo_path`."""
    if not repo_path:
        return path
    return repo_path if path in (".", "") else f"{repo_path}/{path}"


def is_dns_label(name: str) -> bool:
    """A DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, <= 63."""
    return (
        0 < len(name) <= 63
        and all(c in _LOWER_ALNUM or c == "-" for c in name)
        and name[0] != "-"
        and name[-1] != "-"
    )


def is_dns_subdomain(name: str) -> bool:
    """A DNS-1123 subdomain: dot-separated DNS labels, <= 253 characters."""
    return 0 < len(name) <= 253 and all(is_dns_label(part) for part in name.split("."))


def coerce(value: str) -> Any:
    """A `--set` value as the reference types it: true/false, int64, float64, else the string."""
    if value == "true":
        return True
    if value == "false":
        return False
    kind = number_kind(value)
    if kind is not None and len(value) > MAX_INT_DIGITS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"--set value {value[:20]}... is a number longer than the limit of {MAX_INT_DIGITS} digits",
        )
    if kind == "int" and len(value) <= 20:  # int64 has at most 19 digits; longer reads as float
        number = int(value, 10)
        if -(2**63) <= number < 2**63:
            return number
        return float(number)
    if kind is not None:
        parsed = float(value)
        return value if parsed in (float("inf"), float("-inf")) else parsed
    special = _SPECIAL_FLOATS.get(value.lower())
    return value if special is None else special


def parse_deployer(raw: str | None) -> str:
    """`--deployer`: trimmed, lowercased, one of DEPLOYERS."""
    name = (raw if raw is not None else "helm").strip().lower()
    if name not in DEPLOYERS:
        choices = " ".join(DEPLOYERS)
        raise AicrError(Code.INVALID_REQUEST, f'invalid deployer type "{raw}": must be one of [{choices}]')
    return name


def split_override(entry: str) -> tuple[str, str, str]:
    """`component:path=value` -> (component, path, value), with the reference's messages."""
    key, sep, rest = entry.partition(":")
    path, eq, value = rest.partition("=")
    if not sep or not eq:
        raise AicrError(Code.INVALID_REQUEST, f"invalid format '{entry}': expected 'bundler:path=value'")
    if not path or not value:
        raise AicrError(Code.INVALID_REQUEST, f"invalid format '{entry}': path and value cannot be empty")
    _check_path_length(key, path, "override")
    return key, path, value


def parse_key_values(entries: Iterable[str], flag: str) -> dict[str, str]:
    """`key=value` selector entries -> dict (later entries win)."""
    out: dict[str, str] = {}
    for entry in entries:
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise AicrError(
                Code.INVALID_REQUEST, f'invalid format "{entry}", expected key=value (flag {flag})'
            )
        out[key.strip()] = value.strip()
    return out


def parse_toleration(entry: str, flag: str) -> dict[str, Any]:
    """`key=value:effect` (operator Equal) or `key:effect` (operator Exists)."""
    if entry.count(":") != 1:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid toleration "{entry}" for {flag}: expected key=value:effect or key:effect',
        )
    head, effect = entry.split(":")
    _check_effect(effect)
    key, sep, value = head.partition("=")
    if not key:
        raise AicrError(Code.INVALID_REQUEST, f'invalid toleration "{entry}" for {flag}: key cannot be empty')
    if sep:
        return {"key": key, "operator": "Equal", "value": value, "effect": effect}
    return {"key": key, "operator": "Exists", "effect": effect}


def parse_taint(entry: str) -> str:
    """`--workload-gate key[=value]:effect`, normalised to the string injected into values."""
    head, sep, effect = entry.rpartition(":")
    if not sep:
        raise AicrError(
            Code.INVALID_REQUEST, f'invalid taint "{entry}" for --workload-gate: expected key[=value]:effect'
        )
    key, _eq, _value = head.partition("=")
    if not key.strip():
        raise AicrError(
            Code.INVALID_REQUEST, f'invalid taint "{entry}" for --workload-gate: key cannot be empty'
        )
    _check_effect(effect)
    return f"{head}:{effect}"


def _check_effect(effect: str) -> None:
    if effect not in EFFECTS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'invalid taint effect "{effect}", expected NoSchedule, PreferNoSchedule, or NoExecute',
        )


def parse_nodes(raw: str | int | None) -> int:
    """`--nodes N`: ASCII decimal digits, 0 <= N <= MAX_NODES (0 = unset)."""
    if raw is None or raw == "":
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        count = raw
    elif isinstance(raw, str) and raw.strip().lstrip("+-").isdigit() and raw.strip().isascii():
        text = raw.strip()
        if len(text.lstrip("+-0")) > len(str(MAX_NODES)):
            raise AicrError(Code.INVALID_REQUEST, f"--nodes {text[:40]}... is over the limit of {MAX_NODES}")
        count = int(text, 10)
    else:
        shown = str(raw)[:40]
        raise AicrError(Code.INVALID_REQUEST, f'invalid value "{shown}" for --nodes: expected an integer')
    if count < 0:
        raise AicrError(Code.INVALID_REQUEST, "--nodes must be >= 0")
    if count > MAX_NODES:
        raise AicrError(Code.INVALID_REQUEST, f"--nodes {count} is over the limit of {MAX_NODES}")
    return count


def parse_typed(entry: str, flag: str) -> tuple[str, str, Any]:
    """`--set-json c:path=<json>` or `--set-file c:path=<file>` -> (component, path, value)."""
    import json

    key, path, raw = split_override(entry)
    if path == ENABLED_KEY:
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component "{key}": "{ENABLED_KEY}" is the enable/disable toggle and must be set with --set '
            f"(e.g. --set {key}:{ENABLED_KEY}=false), not {flag}",
        )
    if flag == "--set-file":
        return key, path, _read_set_file(raw, f"{flag} {key}:{path}")
    from aicr.io.limits import check_tree

    try:
        return key, path, check_tree(json.loads(raw), f"{flag} {key}:{path}")
    except (ValueError, RecursionError) as exc:
        raise AicrError(Code.INVALID_REQUEST, f"{flag} {entry[:80]}: invalid JSON: {exc}") from None


def _read_set_file(name: str, what: str) -> Any:
    """The YAML or JSON document in `--set-file`'s file, within aicr.io.limits."""
    from aicr.io.limits import MAX_DOCUMENT_BYTES, too_large
    from aicr.io.yamlin import load_yaml, plain

    try:
        with open(name, "rb") as fh:
            data = fh.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise AicrError(Code.INVALID_REQUEST, f"{what}: cannot read {name}: {exc.strerror}") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large(what, name, len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AicrError(Code.INVALID_REQUEST, f"{what}: {name} is not UTF-8 text") from None
    return plain(load_yaml(text, name))


def parse_dynamic(entry: str) -> tuple[str, str]:
    """`--dynamic component:path` -> (component, path)."""
    key, sep, path = entry.partition(":")
    if not sep or not key or not path:
        raise AicrError(
            Code.INVALID_REQUEST, f"invalid --dynamic format '{entry}': expected 'component:path'"
        )
    _check_path_length(key, path, "--dynamic")
    return key, path


def _check_path_length(key: str, path: str, flag: str) -> None:
    if path.count(".") >= MAX_PATH_SEGMENTS:
        raise AicrError(
            Code.INVALID_REQUEST,
            f"invalid {flag} path '{key}:{path[:40]}...': more than the limit of {MAX_PATH_SEGMENTS} segments",
        )


class ArgoOptions:
    """`--set deployer:<key>=<value>` options of the Argo CD deployers."""

    __slots__ = ("cascade_delete", "destination_server", "name_prefix", "project")

    def __init__(self) -> None:
        self.name_prefix = ""
        self.destination_server = ""
        self.project = ""
        self.cascade_delete = False

    @property
    def given(self) -> bool:
        """Whether any option was set."""
        return bool(self.name_prefix or self.destination_server or self.project or self.cascade_delete)


def parse_argo_options(raw: dict[str, str]) -> ArgoOptions:
    """Validate `deployer:` keys (reference/bundle.md §1, §7 #26)."""
    opts = ArgoOptions()
    for key in sorted(raw):
        value = raw[key]
        if key == "namePrefix":
            if not value or value[0] == "-" or not all(c in _LOWER_ALNUM or c == "-" for c in value):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid deployer option namePrefix "{value}": must match ^[a-z0-9][a-z0-9-]*$',
                )
            opts.name_prefix = value
        elif key == "destinationServer":
            if (
                not value.startswith("https://")
                or len(value) <= len("https://")
                or any(c in value for c in "'\"@ \t\n")
            ):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid deployer option destinationServer "{value}": must be an https:// URL without '
                    "quotes, whitespace or credentials",
                )
            opts.destination_server = value
        elif key == "project":
            if not is_dns_subdomain(value):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid deployer option project "{value}": must be a DNS-1123 subdomain',
                )
            opts.project = value
        elif key == "cascadeDelete":
            if value not in ("true", "false"):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid deployer option cascadeDelete "{value}": expected true or false',
                )
            opts.cascade_delete = value == "true"
        else:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'unknown deployer option "{key}": valid keys are cascadeDelete, destinationServer, '
                "namePrefix, project",
            )
    return opts


class BundleOptions:
    """Every bundle setting, parsed and validated."""

    __slots__ = (
        "accelerated_selector",
        "accelerated_tolerations",
        "app_name",
        "argo",
        "data_dir",
        "deployer",
        "dynamic",
        "fleet_mode",
        "fleet_namespace",
        "flux_namespace",
        "nodes",
        "repo",
        "repo_path",
        "serial",
        "set_values",
        "shared_storage_class",
        "storage_class",
        "system_selector",
        "system_tolerations",
        "tolerations_given",
        "typed_values",
        "vendor_charts",
        "workload_gate",
        "workload_selector",
    )

    def __init__(self, deployer: str = "helm") -> None:
        self.deployer = parse_deployer(deployer)
        self.set_values: dict[str, dict[str, str]] = {}
        self.typed_values: dict[str, dict[str, Any]] = {}
        self.dynamic: dict[str, list[str]] = {}
        self.system_selector: dict[str, str] = {}
        self.accelerated_selector: dict[str, str] = {}
        self.system_tolerations: list[dict[str, Any]] = [dict(t) for t in DEFAULT_TOLERATIONS]
        self.accelerated_tolerations: list[dict[str, Any]] = [dict(t) for t in DEFAULT_TOLERATIONS]
        self.tolerations_given = False
        self.workload_gate = ""
        self.workload_selector: dict[str, str] = {}
        self.nodes = 0
        self.storage_class = ""
        self.shared_storage_class = ""  # RWX class for the registry's sharedStorageClassPaths
        self.repo = ""
        self.repo_path = ""
        self.app_name = ""
        self.flux_namespace = DEFAULT_FLUX_NAMESPACE
        self.fleet_mode = FLEET_MODES[0]
        self.fleet_namespace = DEFAULT_FLEET_NAMESPACE
        self.serial = False
        self.vendor_charts = False
        self.data_dir = ""
        self.argo = ArgoOptions()

    @classmethod
    def parse(cls, deployer: str = "helm", options: dict[str, Any] | None = None) -> BundleOptions:
        """Build from library options (keys of OPTION_KINDS; values as the CLI would pass them)."""
        opts = cls(deployer)
        raw = dict(options or {})
        unknown = sorted(set(raw) - set(OPTION_KINDS))
        if unknown:
            valid = ", ".join(sorted(OPTION_KINDS))
            raise AicrError(
                Code.INVALID_REQUEST, f'unknown bundle option "{unknown[0]}": valid options are {valid}'
            )
        lists = {k: _as_list(k, raw.get(k)) for k, kind in OPTION_KINDS.items() if kind == "list"}
        for entry in lists["set"]:
            key, path, value = split_override(entry)
            opts.set_values.setdefault(key, {})[path] = value
        for entry in lists["set_string"]:
            key, path, value = split_override(entry)
            opts.typed_values.setdefault(key, {})[path] = value  # a string, never coerced
        for flag, name in (("--set-json", "set_json"), ("--set-file", "set_file")):
            for entry in lists[name]:
                key, path, typed = parse_typed(entry, flag)
                opts.typed_values.setdefault(key, {})[path] = typed
        for entry in lists["dynamic"]:
            key, path = parse_dynamic(entry)
            paths = opts.dynamic.setdefault(key, [])
            if path not in paths:
                paths.append(path)
        opts.system_selector = parse_key_values(lists["system_node_selector"], "--system-node-selector")
        opts.accelerated_selector = parse_key_values(
            lists["accelerated_node_selector"], "--accelerated-node-selector"
        )
        opts.workload_selector = parse_key_values(lists["workload_selector"], "--workload-selector")
        system = [parse_toleration(e, "--system-node-toleration") for e in lists["system_node_toleration"]]
        accel = [
            parse_toleration(e, "--accelerated-node-toleration") for e in lists["accelerated_node_toleration"]
        ]
        if system:
            opts.system_tolerations = system
        if accel:
            opts.accelerated_tolerations = accel
        opts.tolerations_given = bool(system or accel)
        gate = _as_str("workload_gate", raw.get("workload_gate"))
        opts.workload_gate = parse_taint(gate) if gate else ""
        opts.nodes = parse_nodes(raw.get("nodes"))
        storage = raw.get("storage_class")
        if storage is not None:
            storage = _as_str("storage_class", storage)
            if not storage.strip():
                raise AicrError(Code.INVALID_REQUEST, "--storage-class cannot be blank")
            opts.storage_class = storage.strip()
        shared = raw.get("shared_storage_class")
        if shared is not None:
            shared = _as_str("shared_storage_class", shared)
            if not shared.strip():
                raise AicrError(Code.INVALID_REQUEST, "--shared-storage-class cannot be blank")
            opts.shared_storage_class = shared.strip()
        opts.repo = _as_str("repo", raw.get("repo")).strip()
        opts.repo_path = parse_repo_path(_as_str("repo_path", raw.get("repo_path")))
        opts.data_dir = _as_str("data", raw.get("data"))
        opts.serial = bool(raw.get("serial"))
        opts.vendor_charts = bool(raw.get("vendor_charts"))
        opts._check_deployer_flags(raw)
        opts.argo = parse_argo_options(opts.set_values.get(DEPLOYER_KEY, {}))
        if opts.argo.given and opts.deployer not in ARGO_DEPLOYERS:
            raise AicrError(
                Code.INVALID_REQUEST,
                "--set deployer:<key> options are only supported with --deployer argocd or argocd-helm "
                f'(got "{opts.deployer}")',
            )
        if DEPLOYER_KEY in opts.typed_values:
            raise AicrError(
                Code.INVALID_REQUEST,
                "deployer options do not support --set-json/--set-file; use --set deployer:<key>=<value>",
            )
        if opts.dynamic and opts.deployer == "argocd":
            raise AicrError(
                Code.INVALID_REQUEST,
                'dynamic declarations are not supported with deployer "argocd"; use deployer "argocd-helm" instead',
            )
        return opts

    def _check_deployer_flags(self, raw: dict[str, Any]) -> None:
        app_name = raw.get("app_name")
        if app_name is not None:
            if self.deployer not in APP_NAME_DEPLOYERS:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    "--app-name is only valid with --deployer argocd, argocd-helm or fleet",
                )
            name = _as_str("app_name", app_name)
            if not is_dns_subdomain(name):
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid --app-name "{name}": must be a DNS-1123 subdomain (lowercase alphanumerics, '
                    "'-' and '.', starting and ending with an alphanumeric)",
                )
            self.app_name = name
        namespace = raw.get("flux_namespace")
        if namespace is not None:
            if self.deployer != "flux":
                raise AicrError(Code.INVALID_REQUEST, "--flux-namespace is only valid with --deployer flux")
            name = _as_str("flux_namespace", namespace)
            if not is_dns_label(name):
                raise AicrError(
                    Code.INVALID_REQUEST, f'invalid --flux-namespace "{name}": must be a DNS-1123 label'
                )
            self.flux_namespace = name
        self._check_fleet_flags(raw)

    def _check_fleet_flags(self, raw: dict[str, Any]) -> None:
        mode = raw.get("fleet_mode")
        if mode is not None:
            if self.deployer != "fleet":
                raise AicrError(Code.INVALID_REQUEST, "--fleet-mode is only valid with --deployer fleet")
            text = _as_str("fleet_mode", mode)
            if text not in FLEET_MODES:
                raise AicrError(
                    Code.INVALID_REQUEST,
                    f'invalid --fleet-mode "{text}": must be one of {", ".join(FLEET_MODES)}',
                )
            self.fleet_mode = text
        namespace = raw.get("fleet_namespace")
        if namespace is not None:
            if self.deployer != "fleet":
                raise AicrError(Code.INVALID_REQUEST, "--fleet-namespace is only valid with --deployer fleet")
            name = _as_str("fleet_namespace", namespace)
            if not is_dns_label(name):
                raise AicrError(
                    Code.INVALID_REQUEST, f'invalid --fleet-namespace "{name}": must be a DNS-1123 label'
                )
            self.fleet_namespace = name


def _as_list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise AicrError(Code.INVALID_REQUEST, f'bundle option "{name}" must be a list of strings')


def _as_str(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise AicrError(Code.INVALID_REQUEST, f'bundle option "{name}" must be a string')
