"""Which command-line option each AICRConfig key stands for, per command.

Pure data. A `Binding` names a key inside the command's section (`agent.namespace`), the
argparse destination it fills (`namespace`), the environment variable bound to that flag (env
beats config), and how the value is turned into what the flag would have given. A key of a
section with no binding, or whose destination the command does not have, is refused by the
applier ("not supported by this version"); keys listed in IGNORED belong to another command
that shares the section (query reads `spec.recipe` but not its output).
"""

from __future__ import annotations

from typing import NamedTuple


class Binding(NamedTuple):
    key: str  # dotted path inside the section, reference spelling
    dest: str  # argparse destination
    kind: str = "str"  # str | int | bool | list | pairs (a map given as ["k=v", ...])
    env: str | None = None  # environment variable bound to the flag (beats the config)


_AGENT = (
    Binding("agent.imagePullSecrets", "image_pull_secrets", "list"),
    Binding("agent.jobName", "job_name"),
    Binding("agent.serviceAccountName", "service_account_name"),
    Binding("agent.nodeSelector", "node_selectors", "pairs"),
    Binding("agent.tolerations", "tolerations", "list"),
    Binding("agent.os", "agent_os"),
    Binding("agent.requests", "agent_requests"),
    Binding("agent.limits", "agent_limits"),
)

SNAPSHOT = (
    Binding("output.path", "output"),
    Binding("output.format", "format"),
    Binding("output.template", "template"),
    Binding("agent.namespace", "namespace", env="AICR_NAMESPACE"),
    Binding("agent.image", "image", env="AICR_IMAGE"),
    Binding("agent.requireGpu", "require_gpu", "bool", "AICR_REQUIRE_GPU"),
    Binding("agent.runtimeClassName", "runtime_class", env="AICR_RUNTIME_CLASS"),
    *_AGENT,
    Binding("execution.timeout", "timeout"),
    Binding("execution.noCleanup", "no_cleanup", "bool"),
    Binding("execution.privileged", "privileged", "bool"),
    Binding("execution.maxNodesPerEntry", "max_nodes_per_entry", "int", "AICR_MAX_NODES_PER_ENTRY"),
)

_CRITERIA = (
    Binding("criteria.service", "service"),
    Binding("criteria.accelerator", "accelerator"),
    Binding("criteria.intent", "intent"),
    Binding("criteria.os", "os"),
    Binding("criteria.platform", "platform"),
    Binding("criteria.nodes", "nodes", "int"),
    Binding("input.snapshot", "snapshot"),
    Binding("data", "data"),
    Binding("profile", "profile"),
    Binding("criteriaStrict", "criteria_strict", "bool", "AICR_CRITERIA_STRICT"),
    Binding("configuration.slurm.accounting.mode", "slurm_accounting_mode"),
    Binding("configuration.runtimeInventory.mode", "runtime_inventory_mode"),
)

RECIPE = (*_CRITERIA, Binding("output.path", "output"), Binding("output.format", "format"))
QUERY = _CRITERIA

BUNDLE = (
    Binding("input.recipe", "recipe"),
    Binding("output.target", "output"),
    Binding("output.imageRefs", "image_refs"),
    Binding("deployment.deployer", "deployer"),
    Binding("deployment.repo", "repo"),
    Binding("deployment.set", "set", "list"),
    Binding("deployment.dynamic", "dynamic", "list"),
    Binding("deployment.vendorCharts", "vendor_charts", "bool"),
    Binding("deployment.appName", "app_name"),
    Binding("scheduling.systemNodeSelector", "system_node_selector", "pairs"),
    Binding("scheduling.systemNodeTolerations", "system_node_toleration", "list"),
    Binding("scheduling.acceleratedNodeSelector", "accelerated_node_selector", "pairs"),
    Binding("scheduling.acceleratedNodeTolerations", "accelerated_node_toleration", "list"),
    Binding("scheduling.workloadGate", "workload_gate"),
    Binding("scheduling.workloadSelector", "workload_selector", "pairs"),
    Binding("scheduling.nodes", "nodes", "int"),
    Binding("scheduling.storageClass", "storage_class"),
    Binding("attestation.enabled", "attest", "bool"),
    Binding("attestation.certificateIdentityRegexp", "certificate_identity_regexp"),
    Binding("attestation.oidcDeviceFlow", "oidc_device_flow", "bool", "AICR_OIDC_DEVICE_FLOW"),
    Binding("attestation.fulcioURL", "fulcio_url", env="AICR_FULCIO_URL"),
    Binding("attestation.rekorURL", "rekor_url", env="AICR_REKOR_URL"),
    Binding("attestation.signingKey", "signing_key"),
    Binding("registry.insecureTLS", "insecure_tls", "bool"),
    Binding("registry.plainHTTP", "plain_http", "bool"),
)

VALIDATE = (
    Binding("input.recipe", "recipe"),
    Binding("input.snapshot", "snapshot"),
    Binding("agent.namespace", "namespace", env="AICR_NAMESPACE"),
    Binding("agent.image", "image", env="AICR_VALIDATOR_IMAGE"),
    Binding("agent.requireGpu", "require_gpu", "bool"),
    Binding("agent.runtimeClassName", "runtime_class"),
    *_AGENT,
    Binding("execution.phases", "phases", "list"),
    Binding("execution.failOnError", "fail_on_error", "bool"),
    Binding("execution.failFast", "fail_fast", "bool"),
    Binding("execution.noCluster", "no_cluster", "bool"),
    Binding("execution.noCleanup", "no_cleanup", "bool"),
    Binding("execution.timeout", "timeout"),
    Binding("evidence.cncf.dir", "evidence_dir"),
    Binding("evidence.cncf.cncfSubmission", "cncf_submission", "bool"),
    Binding("evidence.cncf.features", "features", "list"),
    Binding("evidence.attestation.out", "emit_attestation"),
    Binding("evidence.attestation.bom", "bom"),
    Binding("evidence.attestation.push", "push"),
    Binding("evidence.attestation.plainHTTP", "evidence_plain_http", "bool"),
    Binding("evidence.attestation.insecureTLS", "evidence_insecure_tls", "bool"),
)

VERIFY = (
    Binding("policy.minTrustLevel", "min_trust_level"),
    Binding("policy.requireCreator", "require_creator"),
    Binding("policy.cliVersionConstraint", "cli_version_constraint"),
    Binding("trust.certificateIdentityRegexp", "certificate_identity_regexp"),
    Binding("trust.key", "key"),
    Binding("trust.trustRoot", "trust_root"),
)


class CommandConfig(NamedTuple):
    section: str
    bindings: tuple[Binding, ...]
    ignored: tuple[str, ...] = ()  # key prefixes another command of the section reads


COMMANDS: dict[str, CommandConfig] = {
    "snapshot": CommandConfig("snapshot", SNAPSHOT),
    "recipe": CommandConfig("recipe", RECIPE),
    "query": CommandConfig("recipe", QUERY, ignored=("output.",)),
    "bundle": CommandConfig("bundle", BUNDLE),
    "validate": CommandConfig("validate", VALIDATE),
    "verify": CommandConfig("verify", VERIFY),
}
