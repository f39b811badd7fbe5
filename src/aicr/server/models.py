"""Wire models of the aicrd API as msgspec Structs: the source of the OpenAPI component schemas.

Pure declarations. Requests are parsed by `aicr.server.parsing` with the library's checks (so
the API and the CLI accept the same inputs); these Structs describe those documents for
OpenAPI. Request models forbid unknown fields, as the parsers do; response models allow them so
a newer catalog field never makes a response invalid against an older schema.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class CriteriaSpec(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The criteria of a RecipeCriteria document (`spec`) or of a query request."""

    service: str | None = None
    accelerator: str | None = None
    intent: str | None = None
    os: str | None = None
    platform: str | None = None
    nodes: int | str | None = None


class CriteriaMetadata(msgspec.Struct, omit_defaults=True):
    """RecipeCriteria metadata."""

    name: str | None = None


class RecipeCriteria(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """POST /v1/recipe body; `kind` and `apiVersion` are optional but checked when present."""

    kind: Literal["RecipeCriteria"] | None = None
    apiVersion: str | None = None
    metadata: CriteriaMetadata | None = None
    spec: CriteriaSpec | None = None


class QueryRequest(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """POST /v1/query body."""

    criteria: CriteriaSpec
    selector: str = ""


class Constraint(msgspec.Struct, omit_defaults=True):
    """A named constraint with its expression."""

    name: str
    value: str
    severity: str | None = None
    remediation: str | None = None
    unit: str | None = None


class ComponentRef(msgspec.Struct, omit_defaults=True):
    """One component of a resolved recipe."""

    name: str
    type: str
    source: str
    namespace: str | None = None
    chart: str | None = None
    version: str | None = None
    tag: str | None = None
    valuesFile: str | None = None
    path: str | None = None
    overrides: dict[str, Any] | None = None
    patches: list[str] | None = None
    dependencyRefs: list[str] | None = None
    manifestFiles: list[str] | None = None
    preManifestFiles: list[str] | None = None
    cleanup: bool | None = None
    expectedResources: list[dict[str, str]] | None = None
    healthCheckAsserts: str | None = None
    healthCheckSkip: bool | None = None


class SelectedProfile(msgspec.Struct, omit_defaults=True):
    """The configuration profile value a recipe was resolved with, and the paths it owns."""

    name: str
    value: str
    ownedPaths: dict[str, list[str]]
    advertiser: str | None = None


class RecipeMetadata(msgspec.Struct, omit_defaults=True):
    """RecipeResult metadata: the engine version and the overlays that were merged."""

    appliedOverlays: list[str] = msgspec.field(default_factory=list)
    version: str | None = None
    excludedOverlays: list[Any] | None = None
    constraintWarnings: list[dict[str, Any]] | None = None
    selectedProfile: SelectedProfile | None = None


class ResultCriteria(msgspec.Struct, omit_defaults=True):
    """The resolved criteria (`any` where unstated)."""

    service: str | None = None
    accelerator: str | None = None
    intent: str | None = None
    os: str | None = None
    platform: str | None = None
    nodes: int | None = None


class RecipeResult(msgspec.Struct, omit_defaults=True):
    """A resolved, version-locked recipe (also the POST /v1/bundle body)."""

    kind: Literal["RecipeResult"]
    apiVersion: Literal[
        "aicr.nvidia.com/v1alpha1",
        "aicr.run/v1alpha2",
        "aicr.run/v1alpha3",
        "aicr.run/v1",
        "aicr.run/v1beta2",
    ]
    componentRefs: list[ComponentRef]
    metadata: RecipeMetadata | None = None
    criteria: ResultCriteria | None = None
    constraints: list[Constraint] | None = None
    deploymentOrder: list[str] | None = None
    validation: dict[str, Any] | None = None


class ErrorBody(msgspec.Struct):
    """Every API error."""

    code: str
    message: str
    details: dict[str, Any]
    requestId: str
    timestamp: str
    retryable: bool


class RootInfo(msgspec.Struct):
    """GET / : the service, its version and its application routes."""

    routes: list[str]
    service: str
    version: str


class Health(msgspec.Struct):
    """GET /health."""

    status: Literal["healthy"]
    timestamp: str


class Readiness(msgspec.Struct, omit_defaults=True):
    """GET /ready."""

    status: Literal["ready", "not_ready"]
    timestamp: str | None = None
    reason: str | None = None


COMPONENTS = (RecipeCriteria, QueryRequest, RecipeResult, ErrorBody, RootInfo, Health, Readiness)
