"""`aicr validate --cncf-submission`: per-feature CNCF AI conformance evidence, collected in-process.

Edge (runs the conformance checks' judges against the cluster through the CLI's own
`ApiClient`; writes Markdown through `aicr.validate.evidence`). Instead of scheduling validator
Jobs, each feature's checks run in this process with the same `CheckContext` they get inside
the validator image: catalog `env:` defaults (images, knobs) overlaid by the caller's `AICR_*`
environment, a fresh run ID labelling every object they create, and the recipe from `--recipe`
when given (without one, checks decide from what the cluster has). reference/validate.md §6:
features dra-support, gang-scheduling, secure-access, accelerator-metrics, ai-service-metrics,
inference-gateway, robust-operator, pod-autoscaling, cluster-autoscaling (aliases dra, gang,
secure, metrics, gateway, operator, hpa; `all`); a feature is FAIL when one of its checks
failed, SKIP when all skipped, else PASS.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.k8s.client import ApiClient

# feature → (title, the conformance checks that produce its evidence)
FEATURE_TABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "dra-support": ("Dynamic Resource Allocation (DRA)", ("dra-support",)),
    "gang-scheduling": ("Gang scheduling", ("gang-scheduling",)),
    "secure-access": ("Secure accelerator access", ("secure-accelerator-access",)),
    "accelerator-metrics": ("Accelerator metrics", ("accelerator-metrics",)),
    "ai-service-metrics": ("AI service metrics", ("ai-service-metrics",)),
    "inference-gateway": ("Inference gateway", ("inference-gateway",)),
    "robust-operator": ("Robust AI operator", ("robust-controller",)),
    "pod-autoscaling": ("Pod autoscaling on accelerator metrics", ("pod-autoscaling",)),
    "cluster-autoscaling": ("Cluster autoscaling of accelerator nodes", ("cluster-autoscaling",)),
}
FEATURES = tuple(FEATURE_TABLE)
ALIASES = {
    "dra": "dra-support",
    "gang": "gang-scheduling",
    "secure": "secure-access",
    "metrics": "accelerator-metrics",
    "gateway": "inference-gateway",
    "operator": "robust-operator",
    "hpa": "pod-autoscaling",
}
VERDICTS = {0: "PASS", 1: "FAIL", 2: "SKIP"}


def resolve_features(names: list[str]) -> list[str]:
    """Canonical feature names in table order (none given or `all` → every feature)."""
    if not names or "all" in names:
        return list(FEATURES)
    wanted = set()
    for name in names:
        canonical = ALIASES.get(name, name)
        if canonical not in FEATURE_TABLE:
            raise AicrError(
                Code.INVALID_REQUEST, f'invalid feature "{name}": must be one of: {", ".join(FEATURES)}, all'
            )
        wanted.add(canonical)
    return [f for f in FEATURES if f in wanted]


class CheckEvidence:
    """One check's verdict (PASS/SKIP/FAIL), message and evidence lines."""

    def __init__(self, name: str, verdict: str, message: str, lines: list[str]) -> None:
        self.name = name
        self.verdict = verdict
        self.message = message
        self.lines = lines


class FeatureEvidence:
    """A feature's checks and its verdict."""

    def __init__(self, feature: str, checks: list[CheckEvidence]) -> None:
        self.feature = feature
        self.title = FEATURE_TABLE[feature][0]
        self.checks = checks

    @property
    def verdict(self) -> str:
        """FAIL when any check failed, SKIP when all skipped, else PASS."""
        return feature_verdict([c.verdict for c in self.checks])


def feature_verdict(verdicts: list[str]) -> str:
    """FAIL when any is FAIL; SKIP when all are SKIP (or none ran); else PASS (pure)."""
    if "FAIL" in verdicts:
        return "FAIL"
    if all(v == "SKIP" for v in verdicts):
        return "SKIP"
    return "PASS"


def check_env(entry: dict[str, Any] | None, environ: dict[str, str], base: dict[str, str]) -> dict[str, str]:
    """The check's environment: `base`, the caller's `AICR_*`, then catalog env defaults unless overridden."""
    env = dict(base)
    env.update({k: v for k, v in environ.items() if k.startswith("AICR_") and k not in base})
    for var in (entry or {}).get("env") or []:
        name = str(var.get("name") or "")
        if name:
            env[name] = environ.get(name) or str(var.get("value") or "")
    return env


def run_check_in_process(
    name: str, client: ApiClient, recipe: dict[str, Any], env: dict[str, str]
) -> CheckEvidence:
    """Run one registered check here; its verdict, termination message and stdout."""
    import io
    import os
    import tempfile

    from aicr.validators.checks import CHECKS
    from aicr.validators.runtime import CheckContext, run_check

    with tempfile.TemporaryDirectory(prefix="aicr-cncf-") as tmp:
        term = os.path.join(tmp, "termination-log")
        environ = {**env, "AICR_TERMINATION_LOG": term, "AICR_SA_NAMESPACE_FILE": os.path.join(tmp, "none")}
        out = io.StringIO()
        code = run_check(
            CHECKS[name], CheckContext(name, environ=environ, out=out, client=client, recipe=recipe)
        )
        message = ""
        if os.path.exists(term):
            with open(term, encoding="utf-8") as fh:
                message = fh.read()
    return CheckEvidence(name, VERDICTS.get(code, "FAIL"), message, out.getvalue().splitlines())


def collect(
    client: ApiClient,
    features: list[str],
    *,
    recipe: dict[str, Any],
    validators: list[dict[str, Any]],
    environ: dict[str, str],
    base_env: dict[str, str],
) -> list[FeatureEvidence]:
    """Run every selected feature's checks in order; one FeatureEvidence per feature."""
    from aicr import logs

    entries = {str(v.get("name")): v for v in validators}
    results = []
    for feature in features:
        checks = []
        for name in FEATURE_TABLE[feature][1]:
            evidence = run_check_in_process(
                name, client, recipe, check_env(entries.get(name), environ, base_env)
            )
            checks.append(evidence)
        result = FeatureEvidence(feature, checks)
        logs.info("cncf feature collected", feature=feature, verdict=result.verdict)
        results.append(result)
    return results


def submit(
    directory: str,
    feature_names: list[str],
    *,
    kubeconfig: str | None,
    recipe: dict[str, Any],
    namespace: str,
    data: str | None = None,
) -> list[FeatureEvidence]:
    """Collect the selected features' evidence from the cluster and write it under `directory`."""
    import os

    from aicr.catalog.catalog import load_catalog
    from aicr.k8s.client import ApiClient
    from aicr.k8s.runs import new_run_id
    from aicr.validate.evidence import write_submission

    features = resolve_features(feature_names)
    validators = load_catalog(data=data).validators
    with ApiClient.connect(kubeconfig) as client:
        if client.find("Namespace", namespace) is None:
            namespace = "default"  # dry-run admission probes need an existing namespace
        base = {
            "AICR_RUN_ID": new_run_id(),
            "AICR_NAMESPACE": namespace,
            "AICR_VALIDATOR_PHASE": "conformance",
        }
        results = collect(
            client, features, recipe=recipe, validators=validators, environ=dict(os.environ), base_env=base
        )
    write_submission(directory, results)
    return results
