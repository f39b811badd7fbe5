"""The AICRConfig document (`kind: AICRConfig`, `aicr.run/v1alpha2` or `aicr.run/v1beta1`).

Pure types: frozen msgspec Structs that refuse unknown fields, one per section and subsection
(reference/surface.md §2). Every field is optional (None = not set, so the command's own flag,
environment variable or default applies); field names are the reference's spelling. Both
apiVersions share this schema: the keys this project reads are the same in both.
"""

from __future__ import annotations

import msgspec

KIND = "AICRConfig"
API_VERSIONS = ("aicr.run/v1alpha2", "aicr.run/v1beta1")
TRUST_LEVELS = ("verified", "attested", "unverified", "unknown", "max")


class _Section(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel", omit_defaults=True):
    """Base of every config mapping: strict, camelCase keys, unset fields omitted."""


# spec.snapshot
class SnapshotOutput(_Section, frozen=True):
    path: str | None = None
    format: str | None = None
    template: str | None = None


class AgentSpec(_Section, frozen=True):
    """spec.snapshot.agent and spec.validate.agent."""

    namespace: str | None = None
    image: str | None = None
    image_pull_secrets: list[str] | None = None
    job_name: str | None = None
    service_account_name: str | None = None
    node_selector: dict[str, str] | None = None
    tolerations: list[str] | None = None
    require_gpu: bool | None = None
    runtime_class_name: str | None = None
    os: str | None = None
    requests: str | None = None
    limits: str | None = None


class SnapshotExecution(_Section, frozen=True):
    timeout: str | None = None
    no_cleanup: bool | None = None
    privileged: bool | None = None
    max_nodes_per_entry: int | None = None


class SnapshotSpec(_Section, frozen=True):
    output: SnapshotOutput | None = None
    agent: AgentSpec | None = None
    execution: SnapshotExecution | None = None


# spec.recipe
class CriteriaSpec(_Section, frozen=True):
    service: str | None = None
    accelerator: str | None = None
    intent: str | None = None
    os: str | None = None
    platform: str | None = None
    nodes: int | None = None


class RecipeInput(_Section, frozen=True):
    snapshot: str | None = None


class RecipeOutput(_Section, frozen=True):
    path: str | None = None
    format: str | None = None


class ModeSpec(_Section, frozen=True):
    mode: str | None = None


class SlurmSpec(_Section, frozen=True):
    accounting: ModeSpec | None = None


class RecipeConfiguration(_Section, frozen=True):
    slurm: SlurmSpec | None = None
    runtime_inventory: ModeSpec | None = None


class RecipeSpec(_Section, frozen=True):
    criteria: CriteriaSpec | None = None
    input: RecipeInput | None = None
    output: RecipeOutput | None = None
    data: str | None = None
    profile: str | None = None
    criteria_strict: bool | None = None
    configuration: RecipeConfiguration | None = None


# spec.bundle
class BundleInput(_Section, frozen=True):
    recipe: str | None = None


class BundleOutput(_Section, frozen=True):
    target: str | None = None
    image_refs: str | None = None


class DeploymentSpec(_Section, frozen=True):
    deployer: str | None = None
    repo: str | None = None
    set: list[str] | None = None
    dynamic: list[str] | None = None
    vendor_charts: bool | None = None
    app_name: str | None = None


class SchedulingSpec(_Section, frozen=True):
    system_node_selector: dict[str, str] | None = None
    system_node_tolerations: list[str] | None = None
    accelerated_node_selector: dict[str, str] | None = None
    accelerated_node_tolerations: list[str] | None = None
    workload_gate: str | None = None
    workload_selector: dict[str, str] | None = None
    nodes: int | None = None
    storage_class: str | None = None


class AttestationSpec(_Section, frozen=True):
    enabled: bool | None = None
    certificate_identity_regexp: str | None = None
    oidc_device_flow: bool | None = None
    fulcio_url: str | None = msgspec.field(default=None, name="fulcioURL")
    rekor_url: str | None = msgspec.field(default=None, name="rekorURL")
    signing_key: str | None = None


class RegistrySpec(_Section, frozen=True):
    insecure_tls: bool | None = msgspec.field(default=None, name="insecureTLS")
    plain_http: bool | None = msgspec.field(default=None, name="plainHTTP")


class BundleSpec(_Section, frozen=True):
    input: BundleInput | None = None
    output: BundleOutput | None = None
    deployment: DeploymentSpec | None = None
    scheduling: SchedulingSpec | None = None
    attestation: AttestationSpec | None = None
    registry: RegistrySpec | None = None


# spec.validate
class ValidateInput(_Section, frozen=True):
    recipe: str | None = None
    snapshot: str | None = None


class ValidateExecution(_Section, frozen=True):
    phases: list[str] | None = None
    fail_on_error: bool | None = None
    fail_fast: bool | None = None
    no_cluster: bool | None = None
    no_cleanup: bool | None = None
    timeout: str | None = None


class EvidenceCncf(_Section, frozen=True):
    dir: str | None = None
    cncf_submission: bool | None = None
    features: list[str] | None = None


class EvidenceAttestation(_Section, frozen=True):
    out: str | None = None
    bom: str | None = None
    push: str | None = None
    plain_http: bool | None = msgspec.field(default=None, name="plainHTTP")
    insecure_tls: bool | None = msgspec.field(default=None, name="insecureTLS")


class EvidenceSpec(_Section, frozen=True):
    cncf: EvidenceCncf | None = None
    attestation: EvidenceAttestation | None = None


class ValidateSpec(_Section, frozen=True):
    input: ValidateInput | None = None
    agent: AgentSpec | None = None
    execution: ValidateExecution | None = None
    evidence: EvidenceSpec | None = None


# spec.verify
class VerifyPolicy(_Section, frozen=True):
    min_trust_level: str | None = None
    require_creator: str | None = None
    cli_version_constraint: str | None = None


class VerifyTrust(_Section, frozen=True):
    certificate_identity_regexp: str | None = None
    key: str | None = None
    trust_root: str | None = None


class VerifySpec(_Section, frozen=True):
    policy: VerifyPolicy | None = None
    trust: VerifyTrust | None = None


# the document
class Spec(_Section, frozen=True):
    snapshot: SnapshotSpec | None = None
    recipe: RecipeSpec | None = None
    bundle: BundleSpec | None = None
    validate: ValidateSpec | None = None
    verify: VerifySpec | None = None


class Metadata(_Section, frozen=True):
    name: str | None = None


class AICRConfig(_Section, frozen=True):
    """The whole document; `kind` and `apiVersion` are checked before decoding."""

    kind: str
    api_version: str
    spec: Spec
    metadata: Metadata | None = None

    def section(self, name: str) -> msgspec.Struct | None:
        """The `spec.<name>` section, or None when the file does not carry it."""
        value: msgspec.Struct | None = getattr(self.spec, name)
        return value
