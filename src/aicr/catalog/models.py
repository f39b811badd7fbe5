"""Strict schemas for catalog documents: ComponentRegistry, RecipeMetadata, RecipeMixin.

Pure: types only. Every struct forbids unknown fields, so a typo in a catalog file is an error
naming the file and field path instead of a silently ignored key. Field names are the YAML
spelling (camelCase) used by the reference's catalogs, current and v0.11 alike. These models
run when a catalog is compiled, never on the `aicr recipe` hot path (which reads the compiled
plain data).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class _Doc(msgspec.Struct, forbid_unknown_fields=True, rename="camel", omit_defaults=True):
    """Base for catalog structs: strict, camelCase, defaults omitted when re-serialised."""


class Constraint(_Doc):
    """A measurement path plus an expression the snapshot reading must satisfy."""

    name: str
    value: str
    severity: str = ""
    remediation: str = ""
    unit: str = ""


class ExpectedResource(_Doc):
    """A Kubernetes object the component is expected to create."""

    kind: str
    name: str
    namespace: str = ""


class ComponentRef(_Doc):
    """One deployable component as an overlay, mixin or result declares it."""

    name: str
    namespace: str = ""
    chart: str = ""
    type: str = ""
    source: str = ""
    version: str = ""
    tag: str = ""
    values_file: str = ""
    overrides: dict[str, Any] | None = None
    patches: list[str] | None = None
    dependency_refs: list[str] | None = None
    manifest_files: list[str] | None = None
    pre_manifest_files: list[str] | None = None
    path: str = ""
    cleanup: bool = False
    expected_resources: list[ExpectedResource] | None = None
    health_check_asserts: str = ""
    health_check_skip: bool = False


class NodeSelection(_Doc):
    """Which nodes a validation phase targets."""

    selector: dict[str, str] | None = None
    max_nodes: int = 0
    exclude_nodes: list[str] | None = None


class ValidationPhase(_Doc):
    """Checks and constraints of one validation phase."""

    timeout: str = ""
    constraints: list[Constraint] | None = None
    checks: list[str] | None = None
    node_selection: NodeSelection | None = None
    infrastructure: str = ""


class Validation(_Doc):
    """Validation phases declared by a recipe."""

    readiness: ValidationPhase | None = None
    deployment: ValidationPhase | None = None
    performance: ValidationPhase | None = None
    conformance: ValidationPhase | None = None


class Criteria(_Doc):
    """Overlay match criteria; absent fields mean "any"."""

    service: str = ""
    accelerator: str = ""
    intent: str = ""
    os: str = ""
    platform: str = ""
    nodes: int = 0


class Resolution(_Doc):
    """Resolution settings an overlay passes to its descendants (ADR-020)."""

    strict_dimensions: list[str] | None = None


class Metadata(_Doc):
    """Object metadata of a catalog document."""

    name: str
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


class ProfileComponentRef(_Doc):
    """What a profile value may say about a component: its name and value overrides only."""

    name: str
    overrides: dict[str, Any] | None = None


class ProfileValue(_Doc):
    """One value of a configuration profile: the fragment applied when it is selected."""

    component_refs: list[ProfileComponentRef] | None = None
    constraints: list[Constraint] | None = None
    advertiser: str = ""


class Profile(_Doc):
    """A configuration profile (ADR-015): one named choice with a default and closed values."""

    name: str
    default: str
    values: dict[str, ProfileValue]
    description: str = ""


class RecipeSpec(_Doc):
    """Body of an overlay (RecipeMetadata)."""

    base: str = ""
    criteria: Criteria | None = None
    mixins: list[str] | None = None
    constraints: list[Constraint] | None = None
    component_refs: list[ComponentRef] | None = None
    validation: Validation | None = None
    profile: Profile | None = None
    resolution: Resolution | None = None


class RecipeMetadata(_Doc):
    """An overlay file: `overlays/<name>.yaml` (the root overlay is `base`)."""

    kind: str
    api_version: str
    metadata: Metadata
    spec: RecipeSpec


class MixinSpec(_Doc):
    """Body of a mixin: constraints and components only."""

    constraints: list[Constraint] | None = None
    component_refs: list[ComponentRef] | None = None


class RecipeMixin(_Doc):
    """A composable fragment: `mixins/<name>.yaml`."""

    kind: str
    api_version: str
    metadata: Metadata
    spec: MixinSpec


class HelmDefaults(_Doc):
    """Registry defaults for a Helm component (`defaultRepository: ""` = manifest-only)."""

    default_repository: str = ""
    default_chart: str = ""
    default_version: str = ""
    default_namespace: str = ""


class KustomizeDefaults(_Doc):
    """Registry defaults for a Kustomize component."""

    default_source: str = ""
    default_path: str = ""
    default_tag: str = ""


class ManifestDefaults(_Doc):
    """Legacy (v0.11) registry block for manifest-only components; read but not applied."""

    default_namespace: str = ""


class SchedulingPaths(_Doc):
    """Values paths where node placement flags are injected."""

    node_selector_paths: list[str] | None = None
    toleration_paths: list[str] | None = None
    taint_paths: list[str] | None = None
    taint_str_paths: list[str] | None = None
    require_node_selector: bool = False


class NodeScheduling(_Doc):
    """System and accelerated placement paths, plus node-count paths."""

    system: SchedulingPaths | None = None
    accelerated: SchedulingPaths | None = None
    node_count_paths: list[str] | None = None
    require_node_selector_if_storage_class_set: bool = False


class WorkloadScheduling(_Doc):
    """Paths where `--workload-selector` is injected."""

    workload_selector_paths: list[str] | None = None


class PodScheduling(_Doc):
    """Pod-level placement paths."""

    workload: WorkloadScheduling | None = None


# Every bundle-time check function a registry entry may name (aicr.bundle.validations.CHECKS
# implements exactly these; a test keeps the two equal). Any other name is a catalog error at load.
REGISTRY_CHECKS = frozenset(
    {
        "CheckAcceleratedSelectorMissing",
        "CheckDriverOwnershipCoherence",
        "CheckHostMofedWithoutNetworkOperator",
        "CheckMariaDBOperatorOwnershipCoherence",
        "CheckNVSentinelDriverLabelDetectable",
        "CheckNVSentinelRuntimeClassCoherence",
        "CheckNVSentinelTracingEndpointRequired",
        "CheckWildcardAcceleratedToleration",
        "CheckWorkloadSelectorMissing",
    }
)


class RegistryValidation(_Doc):
    """A bundle-time check the registry attaches to a component."""

    function: str
    severity: str = "warning"
    conditions: dict[str, list[str]] | None = None
    message: str = ""


class HealthCheck(_Doc):
    """Where the component's Chainsaw health assertion lives."""

    assert_file: str = ""


class Upgrades(_Doc):
    """Upgrade transition records for a component."""

    file: str = ""


class RegistryEntry(_Doc):
    """One component of `registry.yaml`."""

    name: str
    display_name: str
    value_override_keys: list[str] | None = None
    helm: HelmDefaults | None = None
    kustomize: KustomizeDefaults | None = None
    manifest: ManifestDefaults | None = None
    node_scheduling: NodeScheduling | None = None
    pod_scheduling: PodScheduling | None = None
    validations: list[RegistryValidation] | None = None
    health_check: HealthCheck | None = None
    storage_class_paths: list[str] | None = None
    shared_storage_class_paths: list[str] | None = None
    gke_critical_priority: bool = False
    has_self_ref_cr_ds: bool = msgspec.field(default=False, name="hasSelfRefCRDs")
    manifests_use_chart_cr_ds: bool = msgspec.field(default=False, name="manifestsUseChartCRDs")
    owns_cr_ds: bool = msgspec.field(default=False, name="ownsCRDs")
    manifest_files: list[str] | None = None
    mixin_safe_override_paths: list[str] | None = None
    test_tier: str = ""
    upgrades: Upgrades | None = None
    readiness: dict[str, Any] | None = None
    custom_checks: list[str] | None = None
    crds: list[str] | None = None


class RegistrySpec(_Doc):
    """`spec:` form of a registry (newer files nest the component list)."""

    components: list[RegistryEntry]


class ComponentRegistry(_Doc):
    """`registry.yaml`: every component the catalog can deploy, with its defaults."""

    kind: str
    api_version: str
    components: list[RegistryEntry] | None = None
    metadata: Metadata | None = None
    spec: RegistrySpec | None = None


class ValidatorResources(_Doc):
    """Container resources of a validator Job."""

    cpu: str = ""
    memory: str = ""


class EnvVar(_Doc):
    """A plain environment variable."""

    name: str
    value: str = ""


class DependencyAffinity(_Doc):
    """Pod affinity towards a component's pods (current reference)."""

    component_ref: str
    pod_label_selector: dict[str, str] | None = None
    requirement: str = "preferred"
    topology_key: str = ""


class RbacRule(_Doc):
    """One RBAC rule a check needs (least privilege: the run grants the union of its checks' rules).

    `scope` says where the rule is granted: `namespace` (a Role in the validation namespace),
    `run-namespaces` (a Role in each per-run namespace the check creates) or `cluster`
    (a ClusterRole, only for cluster-scoped resources or reads across namespaces).
    """

    api_groups: list[str]
    resources: list[str]
    verbs: list[str]
    resource_names: list[str] | None = None
    scope: Literal["namespace", "run-namespaces", "cluster"] = "namespace"


class ValidatorEntry(_Doc):
    """One check of `validators/catalog.yaml`."""

    name: str
    phase: str
    image: str
    description: str = ""
    timeout: str = ""
    args: list[str] | None = None
    env: list[EnvVar] | None = None
    resources: ValidatorResources | None = None
    dependency_affinity: list[DependencyAffinity] | None = None
    rbac: list[RbacRule] | None = None


class ValidatorCatalogMeta(_Doc):
    """Metadata of the validator catalog."""

    name: str = ""
    version: str = ""


class ValidatorCatalog(_Doc):
    """`validators/catalog.yaml`: the checks a recipe may declare."""

    kind: str
    api_version: str
    validators: list[ValidatorEntry]
    metadata: ValidatorCatalogMeta | None = None
