"""Running the validation phases: a plan from the catalog, then one Kubernetes Job per check.

`plan_run` and `skipped_phase` are pure; `ClusterRun` talks to the API through `aicr.k8s`.
reference/validate.md §2-§3 (current): after the pre-flights (declared checks, skip list,
required dependencies, and the SelfSubjectAccessReviews of every request the run will make)
the run prepares the namespace, a per-run ServiceAccount holding exactly the RBAC rules of the
checks that run (validate/rbac.py; never cluster-admin) and the snapshot/recipe ConfigMaps;
each phase runs its checks one after the other (deploy Job → wait → extract → delete Job),
stores its CTRF report in `aicr-ctrf-<runID>-<phase>`, and gets a status; `--fail-fast` turns
the phases after a failing one into skips. Every object the run created is deleted on every
exit path — success, error, Ctrl-C — unless cleanup is off; failing to revoke a grant fails
the run.
"""

from __future__ import annotations

import time

from aicr import logs
from aicr.errors import AicrError, Code
from aicr.validate import ctrf, manifests
from aicr.validate.entries import CheckSpec
from aicr.validate.phases import (
    STATUS_SKIPPED,
    entries_for_phase,
    is_failing,
    phase_status,
    preflight_declared_checks,
    preflight_skip_checks,
    select_entries,
    status_for_exit_code,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from aicr.k8s.access import Access
    from aicr.k8s.client import ApiClient
    from aicr.k8s.runs import RunObjects
    from aicr.validate import capture
    from aicr.validate.rbac import RbacPlan

NO_CLUSTER_MESSAGE = "skipped - no-cluster mode"
FAIL_FAST_MESSAGE = "skipped due to previous phase failure"
SKIP_CHECK_MESSAGE = "skipped - named in skipChecks"
SKIP_CHECK_REASON = "named-in-skip-checks"
_GRANT_KINDS = ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")


class RunOptions:
    """How a validation run behaves (everything `aicr validate` flags can change).

    `output` and `inputs` are the `cm://` locations the caller writes (the report) and read (the
    recipe, the snapshot); they are only checked by the permission pre-flight.
    """

    def __init__(
        self,
        *,
        namespace: str = manifests.DEFAULT_NAMESPACE,
        cleanup: bool = True,
        fail_fast: bool = False,
        skip_checks: Sequence[str] = (),
        job: manifests.JobOptions | None = None,
        commit: str = "",
        poll_interval: float = 1.0,
        wait_grace: float = manifests.WAIT_GRACE_S,
        pod_wait: float = 60.0,
        check_access: bool = True,
        output: str | None = None,
        inputs: Sequence[str] = (),
        run_id: str | None = None,
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
        skip_constraints: Sequence[str] = (),
        report_undeclared: bool = False,
    ) -> None:
        self.namespace = namespace
        self.skip_constraints = list(dict.fromkeys(skip_constraints))
        self.report_undeclared = report_undeclared  # --no-cluster --all: list every catalog entry
        self.cleanup = cleanup
        self.fail_fast = fail_fast
        self.skip_checks = list(dict.fromkeys(skip_checks))
        self.job = job or manifests.JobOptions()
        self.commit = commit
        self.poll_interval = poll_interval
        self.wait_grace = wait_grace
        self.pod_wait = pod_wait
        self.check_access = check_access
        self.output = output
        self.inputs = list(inputs)
        self.run_id = run_id
        self.on_event = on_event

    def emit(self, event: str, **fields: Any) -> None:
        """Pass a progress event to the sink (progress display, tests)."""
        if self.on_event is not None:
            self.on_event(event, fields)


class PhaseResult:
    """One phase's outcome: status and its CTRF report."""

    __slots__ = ("duration_s", "phase", "report", "status")

    def __init__(self, phase: str, status: str, report: dict[str, Any], duration_s: float = 0.0) -> None:
        self.phase = phase
        self.status = status
        self.report = report
        self.duration_s = duration_s

    def __repr__(self) -> str:
        return f"PhaseResult({self.phase}, {self.status}, tests={len(self.report['results']['tests'])})"


class Plan:
    """What a run will do: the phases, each phase's checks (with their pod affinity), the skip list.

    `entries` are the catalog entries of the checks that will run (their RBAC rules are granted).
    """

    def __init__(
        self,
        validators: Sequence[dict[str, Any]],
        phases: list[str],
        checks: dict[str, list[tuple[CheckSpec, dict[str, Any]]]],
        skips: list[str],
        entries: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.validators = list(validators)
        self.phases = phases
        self.checks = checks
        self.skips = skips
        self.entries = list(entries)


def plan_run(
    validators: Sequence[dict[str, Any]], phases: list[str], recipe_doc: dict[str, Any], opts: RunOptions
) -> Plan:
    """Pre-flights (declared checks, skip list, required dependencies) and the check specs."""
    preflight_declared_checks(validators, phases, recipe_doc)
    for name in preflight_skip_checks(validators, phases, recipe_doc, opts.skip_checks):
        logs.warn("skip-check has no effect on this run: no requested phase declares it", check=name)
    refs = [r for r in recipe_doc.get("componentRefs") or [] if isinstance(r, dict)]
    checks: dict[str, list[tuple[CheckSpec, dict[str, Any]]]] = {}
    running: list[dict[str, Any]] = []
    for phase in phases:
        selected = []
        for entry in select_entries(validators, phase, recipe_doc):
            affinity = manifests.dependency_affinity(entry, refs)  # a missing required dependency fails here
            spec = CheckSpec(
                entry,
                version=opts.job.version,
                commit=opts.commit,
                registry=opts.job.registry,
                tag=opts.job.tag,
            )
            selected.append((spec, affinity))
            if spec.name not in opts.skip_checks:
                running.append(entry)
        checks[phase] = selected
    return Plan(validators, phases, checks, opts.skip_checks, running)


def skipped_phase(validators: Sequence[dict[str, Any]], phase: str, message: str) -> PhaseResult:
    """A phase that did not run: every catalog entry of the phase reported skipped."""
    start = ctrf.now_ms()
    tests = [
        ctrf.ctrf_test(str(e["name"]), phase, STATUS_SKIPPED, message=message)
        for e in entries_for_phase(validators, phase)
    ]
    return PhaseResult(phase, STATUS_SKIPPED, ctrf.build_report(tests, start_ms=start, stop_ms=start))


def no_cluster_phases(plan: Plan, *, report_undeclared: bool = False) -> list[PhaseResult]:
    """`--no-cluster`: the recipe's declared checks of each requested phase, reported skipped
    (with `report_undeclared`, every catalog entry of the phase, as the reference lists them)."""
    if report_undeclared:
        return [skipped_phase(plan.validators, phase, NO_CLUSTER_MESSAGE) for phase in plan.phases]
    results = []
    for phase in plan.phases:
        start = ctrf.now_ms()
        tests = [
            ctrf.ctrf_test(
                spec.name,
                phase,
                STATUS_SKIPPED,
                message=SKIP_CHECK_MESSAGE if spec.name in plan.skips else NO_CLUSTER_MESSAGE,
            )
            for spec, _affinity in plan.checks.get(phase, [])
        ]
        results.append(
            PhaseResult(phase, STATUS_SKIPPED, ctrf.build_report(tests, start_ms=start, stop_ms=start))
        )
    return results


def outcome_test(spec: CheckSpec, outcome: capture.CheckOutcome) -> dict[str, Any]:
    """The CTRF test for a check's outcome."""
    return ctrf.ctrf_test(
        spec.name,
        spec.phase,
        status_for_exit_code(outcome.exit_code),
        duration_ms=outcome.duration_ms,
        message=outcome.message,
        stdout=outcome.stdout,
        extra=outcome.extra,
    )


def rbac_plan_for(plan: Plan, names: manifests.RunNames) -> RbacPlan:
    """The RbacPlan of a run: the rules of the checks that will run."""
    from aicr.validate.rbac import rbac_plan

    return rbac_plan(plan.entries, names)


def cluster_access(client: ApiClient, plan: Plan, opts: RunOptions, names: manifests.RunNames) -> Access:
    """The pre-flight list of a run (the namespace is looked up: creating it is needed only when missing)."""
    from aicr.k8s.access import configmap_access, namespace_state
    from aicr.validate.rbac import run_access

    missing = namespace_state(client, names.namespace) is False
    access = run_access(rbac_plan_for(plan, names), names, plan.phases, create_namespace=missing)
    return access + configmap_access(opts.output, opts.inputs)


class ClusterRun:
    """One run against a cluster: `prepare`, `run_phases`, then `cleanup` on every exit path."""

    def __init__(
        self, client: ApiClient, plan: Plan, opts: RunOptions, run_id: str, *, checked: bool = False
    ) -> None:
        from aicr.k8s.runs import RunObjects

        self.checked = checked  # the pre-flight already ran (before the snapshot agent)
        self.client = client
        self.plan = plan
        self.opts = opts
        self.names = manifests.RunNames(run_id, opts.namespace)
        self.objects: RunObjects = RunObjects()

    # -- preparation and cleanup -------------------------------------------------------------

    def prepare(self, recipe_doc: dict[str, Any], snapshot_doc: dict[str, Any] | None) -> None:
        """Permissions pre-flight, namespace, ServiceAccount + least-privilege RBAC, data ConfigMaps."""
        from aicr.io.yamlout import dump
        from aicr.k8s.access import check_access, namespace_state
        from aicr.k8s.validation_jobs import ensure_namespace

        names = self.names
        if self.opts.check_access and not self.checked:
            check_access(self.client, cluster_access(self.client, self.plan, self.opts, names))
        if namespace_state(self.client, names.namespace) is False:
            ensure_namespace(self.client, manifests.namespace_manifest(names.namespace))
        for manifest in rbac_plan_for(self.plan, names).manifests():
            self.objects.create(self.client, manifest)
        if snapshot_doc is not None:
            self.objects.create(
                self.client,
                manifests.data_configmap(
                    names, names.snapshot_configmap, manifests.SNAPSHOT_KEY, dump(snapshot_doc)
                ),
            )
        self.objects.create(
            self.client,
            manifests.data_configmap(names, names.recipe_configmap, manifests.RECIPE_KEY, dump(recipe_doc)),
        )
        logs.info("validation run prepared", runID=names.run_id, namespace=names.namespace)

    def cleanup(self, *, failing: bool) -> None:
        """Delete every run object (pods of the run too); a grant left behind fails the run."""
        from aicr.k8s.validation_jobs import delete_run_pods

        if not self.opts.cleanup:
            if self.objects.entries:
                logs.info("--no-cleanup: keeping run objects", objects=", ".join(self.objects.describe()))
            return
        failures: list[str] = []
        try:
            failures += self.objects.cleanup(self.client)
        finally:  # after a second Ctrl-C during cleanup the run's pods still go, then it propagates
            labels = {manifests.LABEL_RUN_ID: self.names.run_id}
            failures += delete_run_pods(self.client, self.names.namespace, labels)
        kept = [f for f in failures if f.split(" ", 1)[0] in _GRANT_KINDS]
        if kept and not failing:
            raise AicrError(
                Code.INTERNAL,
                f"failed to revoke the run's RBAC grants ({'; '.join(kept)}); delete them by hand "
                f"(label {manifests.LABEL_RUN_ID}={self.names.run_id})",
                {"failures": failures},
            )

    # -- phases --------------------------------------------------------------------------------

    def run_phases(self) -> list[PhaseResult]:
        """Every planned phase in order; after a failing phase, skips when fail-fast is on."""
        results: list[PhaseResult] = []
        stop = False
        for phase in self.plan.phases:
            if stop:
                logs.info("skipping phase after a failure (--fail-fast)", phase=phase)
                results.append(skipped_phase(self.plan.validators, phase, FAIL_FAST_MESSAGE))
                continue
            result = self.run_phase(phase)
            results.append(result)
            stop = self.opts.fail_fast and is_failing(result.status)
        return results

    def run_phase(self, phase: str) -> PhaseResult:
        """Run one phase's checks sequentially and store its CTRF report."""
        began = time.monotonic()
        start_ms = ctrf.now_ms()
        checks = self.plan.checks.get(phase) or []
        if not checks:
            logs.warn("phase declares no checks; reporting it skipped", phase=phase)
        self.opts.emit("phase", phase=phase, checks=len(checks))
        tests: list[dict[str, Any]] = []
        for index, (spec, affinity) in enumerate(checks, 1):
            if spec.name in self.plan.skips:
                logs.info("skipping validator: named in --skip-check", name=spec.name, phase=phase)
                tests.append(
                    ctrf.ctrf_test(
                        spec.name,
                        phase,
                        STATUS_SKIPPED,
                        message=SKIP_CHECK_MESSAGE,
                        extra={"skipReason": SKIP_CHECK_REASON},
                    )
                )
                continue
            self.opts.emit("check", phase=phase, check=spec.name, index=index, total=len(checks))
            test = outcome_test(spec, self.run_check(spec, affinity))
            tests.append(test)
            logs.info("validator completed", name=spec.name, status=test["status"])
            self.opts.emit("check-done", phase=phase, check=spec.name, status=test["status"])
        report = ctrf.build_report(tests, start_ms=start_ms, version=self.opts.job.version or None)
        self._store_report(phase, report)
        status = phase_status(t["status"] for t in tests)
        duration = time.monotonic() - began
        logs.info("phase result", phase=phase, status=status, duration=f"{duration:.1f}s")
        self.opts.emit("phase-done", phase=phase, status=status)
        return PhaseResult(phase, status, report, duration)

    def _store_report(self, phase: str, report: dict[str, Any]) -> None:
        import json

        from aicr.k8s.validation_jobs import apply_configmap

        manifest = manifests.ctrf_configmap(self.names, phase, json.dumps(report, indent=2))
        if not any(
            e["kind"] == "ConfigMap" and e["name"] == manifest["metadata"]["name"]
            for e in self.objects.entries
        ):
            self.objects.expect("ConfigMap", manifest["metadata"]["name"], self.names.namespace)
        try:
            apply_configmap(self.client, manifest)
        except AicrError as exc:
            logs.warn("cannot store the CTRF report ConfigMap", phase=phase, error=exc.message)

    # -- one check -----------------------------------------------------------------------------

    def run_check(self, spec: CheckSpec, affinity: dict[str, Any]) -> capture.CheckOutcome:
        """Deploy, wait, extract, delete: the outcome of one validator Job."""
        from aicr.k8s.validation_jobs import delete_job, find_job_pod, pod_logs, wait_for_job
        from aicr.validate import capture

        names, ns = self.names, self.names.namespace
        name = manifests.job_name(spec.name)
        manifest = manifests.job_manifest(names, spec, name, self.opts.job, pod_affinity=affinity)
        record = self.objects.expect("Job", name, ns)
        try:
            created = self.client.create(manifest)
        except AicrError as exc:
            self.objects.entries.remove(record)
            logs.warn("failed to deploy validator Job", name=spec.name, error=exc.message)
            return capture.CheckOutcome(capture.NEVER_RAN, f"failed to deploy Job: {exc.message}")
        record["uid"] = (created.get("metadata") or {}).get("uid")
        logs.info("running validator", name=spec.name, phase=spec.phase, job=name)

        def tick(job: dict[str, Any] | None, elapsed: float) -> None:
            self.opts.emit("tick", phase=spec.phase, check=spec.name, elapsed=elapsed)

        cause = ""
        try:
            job, terminal = wait_for_job(
                self.client,
                name,
                ns,
                timeout=spec.timeout + self.opts.wait_grace,
                poll=self.opts.poll_interval,
                on_tick=tick,
            )
        except AicrError as exc:
            job, terminal, cause = None, False, f"validation failed: {exc.message}"
        pod = find_job_pod(self.client, name, ns)
        if terminal:
            outcome, read_logs = capture.completed_outcome(job, pod, name, spec.timeout)
        else:
            outcome, read_logs = capture.abandoned_outcome(pod, spec.timeout, cause)
        if read_logs and pod is not None:
            outcome.stdout, outcome.extra = capture.process_logs(pod_logs(self.client, pod))
        for summary in capture.result_summaries(outcome.stdout):
            logs.info(summary)
        if self.opts.cleanup:
            try:
                delete_job(
                    self.client,
                    name,
                    ns,
                    uid=record["uid"],
                    wait=self.opts.pod_wait,
                    poll=self.opts.poll_interval,
                )
                self.objects.entries.remove(record)
            except AicrError as exc:
                logs.warn("failed to delete validator Job; retrying at cleanup", job=name, error=exc.message)
        return outcome


def run_in_cluster(
    client: ApiClient,
    plan: Plan,
    recipe_doc: dict[str, Any],
    snapshot_doc: dict[str, Any] | None,
    opts: RunOptions,
    *,
    run_id: str | None = None,
    checked: bool = False,
) -> tuple[str, list[PhaseResult]]:
    """(run ID, phase results) of a full run; every run object is cleaned up on the way out.

    `checked`: the caller already ran the permission pre-flight for this run ID.
    """
    from aicr.k8s.runs import new_run_id

    run_id = run_id or opts.run_id or new_run_id()
    run = ClusterRun(client, plan, opts, run_id, checked=checked)
    failing = True
    try:
        run.prepare(recipe_doc, snapshot_doc)
        results = run.run_phases()
        failing = False
    finally:
        run.cleanup(failing=failing)
    return run_id, results
