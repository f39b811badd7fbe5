"""Library entry point for validation: `aicr.validate(recipe, snapshot, ...) -> Report`.

    import aicr
    report = aicr.validate(recipe, snap, no_cluster=True)            # readiness + skipped checks
    report = aicr.validate(recipe, snap, phases=["deployment"], kubeconfig="~/.kube/prod")
    print(report.render("table")); report.failed

The order is the reference's (reference/validate.md §2 "Pipeline"): readiness gate, declared-
check and skip-list pre-flights (all before anything touches a cluster), then either skipped
results (`no_cluster`) or the Jobs. Without a snapshot and with a cluster, the snapshot agent
runs first (after the pre-flights that need no snapshot). Pre-flight failures raise
INVALID_REQUEST; failing checks do not raise — they are in the report.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code
from aicr.validate.orchestrator import (
    PhaseResult,
    Plan,
    RunOptions,
    no_cluster_phases,
    plan_run,
    run_in_cluster,
)
from aicr.validate.phases import is_failing, parse_phases
from aicr.validate.readiness import check_readiness

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.k8s.client import ApiClient
    from aicr.snapshot.agent_spec import AgentOptions
    from aicr.validate.readiness import ConstraintResult


class Report:
    """The outcome of a validation run: per-phase results and the merged CTRF report."""

    def __init__(
        self,
        phases: list[PhaseResult],
        *,
        run_id: str = "",
        readiness: list[ConstraintResult] | None = None,
        snapshot: dict[str, Any] | None = None,
    ) -> None:
        from aicr.validate.ctrf import merge_reports

        self.phases = phases
        self.run_id = run_id
        self.readiness = readiness or []
        self.snapshot = snapshot
        self.ctrf: dict[str, Any] = merge_reports([p.report for p in phases])

    def __repr__(self) -> str:
        states = ", ".join(f"{p.phase}={p.status}" for p in self.phases)
        return f"Report({states})"

    @property
    def failed(self) -> bool:
        """Whether any phase failed or ended `other` (the run exits 8 with --fail-on-error)."""
        return any(is_failing(p.status) for p in self.phases)

    @property
    def summary(self) -> dict[str, int]:
        """The merged CTRF summary (counts per status)."""
        result: dict[str, int] = self.ctrf["results"]["summary"]
        return result

    def phase(self, name: str) -> PhaseResult | None:
        """The result of one phase, or None when it was not requested."""
        return next((p for p in self.phases if p.phase == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The merged CTRF report."""
        return self.ctrf

    def render(self, fmt: str = "json") -> str:
        """The merged report as json, yaml or table."""
        from aicr.validate.ctrf import render_report

        return render_report(self.ctrf, fmt)


def _recipe_doc(recipe: Any, kubeconfig: str | None) -> dict[str, Any]:
    if isinstance(recipe, str):
        from aicr.recipe.document import load_recipe

        return load_recipe(recipe, kubeconfig=kubeconfig).doc
    doc = getattr(recipe, "doc", recipe)
    if not isinstance(doc, dict):
        raise AicrError(
            Code.INVALID_REQUEST, f"recipe must be a RecipeResult or a mapping, got {type(recipe).__name__}"
        )
    return doc


def load_snapshot(uri: str, *, kubeconfig: str | None = None) -> dict[str, Any]:
    """The Snapshot document at a file, URL or `cm://` location, checked like `aicr snapshot` writes it."""
    from aicr.snapshot.document import load_snapshot_document

    return load_snapshot_document(uri, kubeconfig=kubeconfig, keep_fleet=True)


def _snapshot_doc(snapshot: Any, kubeconfig: str | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    if isinstance(snapshot, str):
        return load_snapshot(snapshot, kubeconfig=kubeconfig)
    if isinstance(snapshot, dict):
        return snapshot
    to_dict = getattr(snapshot, "to_dict", None)
    if callable(to_dict):
        doc = to_dict()
        if isinstance(doc, dict):
            return doc
    raise AicrError(
        Code.INVALID_REQUEST, f"snapshot must be a Snapshot or a mapping, got {type(snapshot).__name__}"
    )


def validate(
    recipe: Any,
    snapshot: Any = None,
    *,
    phases: str | Sequence[str] | None = None,
    no_cluster: bool = False,
    catalog: Catalog | None = None,
    data: str | None = None,
    kubeconfig: str | None = None,
    client: ApiClient | None = None,
    options: RunOptions | None = None,
    agent: AgentOptions | None = None,
    on_agent_progress: Callable[[str, float], None] | None = None,
    on_readiness: Callable[[list[ConstraintResult]], None] | None = None,
) -> Report:
    """Validate `recipe` (RecipeResult, document or location) against `snapshot` and the cluster.

    `phases`: names (or `all`) in the order to run; default deployment, conformance,
    performance. `options` carries namespace, cleanup, fail-fast, skip list and Job settings.
    `on_readiness` receives every readiness result (before the gate raises for a miss). A
    FleetSnapshot (`aicr snapshot --all-gpu-nodes`) is checked node by node (aicr.validate.fleet).
    """
    opts = options or RunOptions()
    recipe_doc = _recipe_doc(recipe, kubeconfig)
    snapshot_doc = _snapshot_doc(snapshot, kubeconfig)
    wanted = parse_phases([phases] if isinstance(phases, str) else phases)
    if catalog is None:
        from aicr.catalog.catalog import load_validators

        validators = load_validators(data=data)
    else:
        validators = catalog.validators
    readiness: list[ConstraintResult] = []
    if snapshot_doc is not None and snapshot_doc.get("kind") == "FleetSnapshot":
        from aicr.snapshot.fleet_report import majority_snapshot
        from aicr.validate.fleet import check_fleet_readiness

        readiness = check_fleet_readiness(recipe_doc, snapshot_doc, on_readiness, skip=opts.skip_constraints)
        snapshot_doc = majority_snapshot(snapshot_doc)  # the checks read the most typical node
    elif snapshot_doc is not None or no_cluster:
        readiness = check_readiness(recipe_doc, snapshot_doc, on_readiness, skip=opts.skip_constraints)
    plan = plan_run(validators, wanted, recipe_doc, opts)
    if no_cluster:
        phases_run = no_cluster_phases(plan, report_undeclared=opts.report_undeclared)
        return Report(phases_run, readiness=readiness, snapshot=snapshot_doc)
    owned = None
    if client is None:
        client = owned = _connect(kubeconfig)
    try:
        from aicr.k8s.runs import new_run_id

        run_id = opts.run_id or new_run_id()
        agent_opts = None if snapshot_doc is not None else _agent_options(agent, opts, run_id)
        if opts.check_access:
            preflight(client, plan, opts, run_id, agent_opts)
        if agent_opts is not None:
            snapshot_doc = _agent_snapshot(client, agent_opts, on_agent_progress)
            readiness = check_readiness(recipe_doc, snapshot_doc, on_readiness, skip=opts.skip_constraints)
        run_id, results = run_in_cluster(
            client, plan, recipe_doc, snapshot_doc, opts, run_id=run_id, checked=opts.check_access
        )
    finally:
        if owned is not None:
            owned.close()
    return Report(results, run_id=run_id, readiness=readiness, snapshot=snapshot_doc)


def _connect(kubeconfig: str | None) -> ApiClient:
    from aicr.k8s.config import find_config

    source = find_config(kubeconfig)
    if source is None:
        raise AicrError(
            Code.INVALID_REQUEST,
            "no Kubernetes configuration found (tried --kubeconfig, KUBECONFIG, ~/.kube/config and the "
            "in-cluster service account); use --no-cluster to check readiness without a cluster",
        )
    from aicr.k8s.client import ApiClient

    return ApiClient.from_source(source)


def preflight(
    client: ApiClient, plan: Plan, opts: RunOptions, run_id: str, agent: AgentOptions | None
) -> None:
    """One SelfSubjectAccessReview pre-flight for the whole run (the agent's requests too), before
    anything is created: UNAUTHORIZED listing every missing permission."""
    from aicr.k8s.access import check_access, namespace_state
    from aicr.validate.manifests import RunNames
    from aicr.validate.orchestrator import cluster_access

    access = cluster_access(client, plan, opts, RunNames(run_id, opts.namespace))
    if agent is not None:
        from aicr.snapshot.agent_spec import RunNames as AgentNames
        from aicr.snapshot.agent_spec import agent_access

        missing = namespace_state(client, agent.namespace) is False
        access = access + agent_access(agent, AgentNames(agent, run_id), create_namespace=missing)
    check_access(client, access)


def _agent_options(agent: AgentOptions | None, opts: RunOptions, run_id: str) -> AgentOptions:
    """The agent's options for this run: same run ID, its pre-flight folded into the run's."""
    from aicr.snapshot.agent_spec import AgentOptions

    agent_opts = agent or AgentOptions(
        namespace=opts.namespace, job_name="aicr-validate", cleanup=opts.cleanup
    )
    agent_opts.run_id = run_id
    agent_opts.check_access = False
    agent_opts.output = None
    return agent_opts


def _agent_snapshot(
    client: ApiClient,
    agent_opts: AgentOptions,
    on_progress: Callable[[str, float], None] | None,
) -> dict[str, Any]:
    from aicr import logs
    from aicr.snapshot.api import take_snapshot

    logs.info("no --snapshot given; capturing one with the snapshot agent", namespace=agent_opts.namespace)
    snap = take_snapshot(
        False, client=client, agent=agent_opts, require_gpu=agent_opts.require_gpu, on_progress=on_progress
    )
    doc: dict[str, Any] = snap.to_dict()
    return doc


PREVIEW_RUN_ID = "preview"


def rbac_preview(
    recipe: Any = None,
    *,
    phases: str | Sequence[str] | None = None,
    catalog: Catalog | None = None,
    data: str | None = None,
    options: RunOptions | None = None,
) -> str:
    """The RBAC objects a run would create, as multi-document YAML (touches no cluster).

    With a recipe: the rules of its declared checks (minus the skip list) in the requested
    phases, after the same pre-flights as a run; without: every catalog check of those phases.
    Object names carry the placeholder run ID `preview`.
    """
    from aicr.io.yamlout import dump
    from aicr.validate.manifests import RunNames
    from aicr.validate.phases import entries_for_phase
    from aicr.validate.rbac import rbac_plan

    opts = options or RunOptions()
    wanted = parse_phases([phases] if isinstance(phases, str) else phases)
    if catalog is None:
        from aicr.catalog.catalog import load_catalog

        catalog = load_catalog(data=data)
    if recipe is not None:
        entries = plan_run(catalog.validators, wanted, _recipe_doc(recipe, None), opts).entries
    else:
        entries = [e for phase in wanted for e in entries_for_phase(catalog.validators, phase)]
    plan = rbac_plan(entries, RunNames(PREVIEW_RUN_ID, opts.namespace))
    return "".join(f"---\n{dump(m)}" for m in plan.manifests())
