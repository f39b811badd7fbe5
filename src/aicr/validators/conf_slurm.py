"""slinky-slurm-health and slinky-slurm-imex-channel: a Slinky Slurm cluster runs jobs.

Edge over the pure judges of `conf_slurm_text`. The Slurm commands run in a one-shot helper pod
cloned from a ready login pod (same image, volumes, env; restartPolicy Never; labelled with the
run ID; deleted on every exit path) whose script prints each command's output between markers;
the pod's log is the command output. This avoids pods/exec, which is a websocket/SPDY upgrade
`ApiClient` does not speak — only `pods` create/get/delete and `pods/log` are needed.
reference/validate.md §4.4: skip when the recipe has no slinky-slurm, when the
slinky.slurm.net/v1beta1 LoginSet/NodeSet API is not served, or when every NodeSet pod sits on
a KWOK node; the IMEX check also skips without an MNNVL clique (`nvidia.com/gpu.clique`).
"""

from __future__ import annotations

from aicr.k8s.resources import Resource
from aicr.validators.conf_slurm_text import (
    imex_issues,
    ping_issue,
    sinfo_issue,
    sinfo_nodes,
    split_sections,
    srun_issue,
)
from aicr.validators.conf_state import component_namespace, declared_components, name_of, pod_phase, pod_ready
from aicr.validators.conf_workloads import POD, RunScope, api_served, list_custom, wait_pod_done
from aicr.validators.runtime import CheckContext, CheckFailed, CheckSkipped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

COMPONENT = "slinky-slurm"
LOGIN_SETS = Resource("slinky.slurm.net/v1beta1", "loginsets", True, "LoginSet")
NODE_SETS = Resource("slinky.slurm.net/v1beta1", "nodesets", True, "NodeSet")
KWOK_ANNOTATION = "kwok.x-k8s.io/node"
CLIQUE_LABEL = "nvidia.com/gpu.clique"
HEALTH_COMMANDS = (
    ("scontrol ping", "scontrol ping"),
    ("sinfo idle/mix", "sinfo -h -Ne -t idle,mix"),
    ("srun hostname", "srun --immediate=5 --time=0:03 hostname"),
)
IMEX_JOB = (
    "srun --immediate=30 --time=0:03 -N1 --exclusive sh -c 'ls /dev/nvidia-caps-imex-channels; sleep 5'"
)


def helper_script(commands: tuple[tuple[str, str], ...]) -> str:
    """A POSIX sh script printing `### label`, the output, then `### rc=N` per command."""
    parts = ["exec 2>&1"]
    for label, command in commands:
        parts.append(f"echo '### {label}'; {command}; echo \"### rc=$?\"")
    return "\n".join(parts)


def imex_script() -> str:
    """Two concurrent Slurm jobs, each listing its IMEX channels, printed one after the other."""
    return "\n".join(
        [
            "exec 2>&1",
            f"({IMEX_JOB}) > /tmp/imex1 2>&1 & p1=$!",
            f"({IMEX_JOB}) > /tmp/imex2 2>&1 & p2=$!",
            "wait $p1; r1=$?; wait $p2; r2=$?",
            "echo '### imex job 1'; cat /tmp/imex1; echo \"### rc=$r1\"",
            "echo '### imex job 2'; cat /tmp/imex2; echo \"### rc=$r2\"",
        ]
    )


def parse_selector(text: str) -> dict[str, str] | None:
    """`k=v,k2=v2` → labels (None when the selector uses anything but equality)."""
    labels = {}
    for term in filter(None, (t.strip() for t in text.split(","))):
        key, sep, value = term.partition("=")
        if not sep or any(c in term for c in "!()") or value.startswith("="):
            return None
        labels[key.strip()] = value.strip()
    return labels or None


def helper_pod(login: dict[str, Any], name: str, script: str) -> dict[str, Any]:
    """A one-shot pod with the login pod's first container (image, env, mounts) running `script`."""
    spec = login.get("spec") or {}
    source = (spec.get("containers") or [{}])[0]
    container = {
        k: source[k] for k in ("image", "env", "envFrom", "volumeMounts", "securityContext") if k in source
    }
    container.update({"name": "slurm-client", "command": ["/bin/sh", "-c", script]})
    body: dict[str, Any] = {
        "restartPolicy": "Never",
        "containers": [container],
        "volumes": [
            v for v in spec.get("volumes") or [] if not str(v.get("name", "")).startswith("kube-api-access")
        ],
        "tolerations": spec.get("tolerations") or [],
    }
    for key in ("serviceAccountName", "dnsConfig", "dnsPolicy", "hostname", "subdomain", "imagePullSecrets"):
        if key in spec:
            body[key] = spec[key]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": body}


def _set_pods(ctx: CheckContext, res: Resource, namespace: str) -> list[dict[str, Any]]:
    pods = []
    for item in list_custom(ctx.client, res, namespace) or []:
        controller = (item.get("spec") or {}).get("controllerRef") or {}
        if controller.get("name") not in (None, COMPONENT):
            continue
        labels = parse_selector(str((item.get("status") or {}).get("selector") or ""))
        if labels is None:
            raise CheckFailed(f"{res.kind} {namespace}/{name_of(item)} has no usable status.selector")
        pods += ctx.client.list("Pod", namespace, labels=labels)
    return pods


def slurm_scope(ctx: CheckContext) -> tuple[str, dict[str, Any]]:
    """(namespace, ready login pod); skips when Slinky is out of scope (see module docstring)."""
    declared = declared_components(ctx.recipe)
    if declared is None or COMPONENT not in declared:
        raise CheckSkipped("slinky-slurm component not present in recipe")
    if not api_served(ctx.client, "slinky.slurm.net/v1beta1"):
        raise CheckSkipped("Slinky Slurm API (slinky.slurm.net/v1beta1) not available")
    namespace = component_namespace(ctx.recipe, COMPONENT, "slurm")
    workers = _set_pods(ctx, NODE_SETS, namespace)
    if not workers:
        raise CheckFailed(f"slinky-slurm selected but no NodeSet pods were found in {namespace}")
    nodes = [
        ctx.client.find("Node", str(p["spec"]["nodeName"]))
        for p in workers
        if (p.get("spec") or {}).get("nodeName")
    ]
    if nodes and all(
        KWOK_ANNOTATION in (((n or {}).get("metadata") or {}).get("annotations") or {}) for n in nodes
    ):
        raise CheckSkipped("Slinky NodeSet pods are on KWOK nodes; no real Slurm workers to test")
    logins = _set_pods(ctx, LOGIN_SETS, namespace)
    for pod in logins:
        ctx.print(f"login pod {name_of(pod)}: phase {pod_phase(pod)} ready {pod_ready(pod)}")
    ready = next((p for p in logins if pod_ready(p)), None)
    if ready is None:
        raise CheckFailed(f"no ready Slinky login pod in {namespace}")
    return namespace, ready


def run_helper(ctx: CheckContext, namespace: str, login: dict[str, Any], script: str, check: str) -> str:
    """Run `script` in a helper pod cloned from `login` and return its log (pod removed after)."""
    timeout = float(ctx.env.get("AICR_SLURM_TIMEOUT_S") or 240)
    scope = RunScope(ctx.client, check, ctx.run_id, namespaced=False)
    name = f"aicr-{check}-{scope.run_id[-8:].lower()}".replace("_", "-")
    pod = helper_pod(login, name, script)
    pod["metadata"]["namespace"] = namespace
    with scope:
        scope.create(POD, pod, namespaced=False)
        done = wait_pod_done(ctx.client, name, namespace, timeout)
        log = ctx.client.logs(name, namespace) if done else ""
    if not log:
        raise CheckFailed(
            f"the Slurm helper pod {namespace}/{name} produced no output (phase {pod_phase(done)})"
        )
    return log


def slinky_slurm_health(ctx: CheckContext) -> None:
    """scontrol ping answers, sinfo has idle/mixed nodes, srun runs hostname."""
    namespace, login = slurm_scope(ctx)
    log = run_helper(ctx, namespace, login, helper_script(HEALTH_COMMANDS), "slurm-health")
    for line in log.splitlines():
        ctx.print(line)
    sections = split_sections(log)
    issues = [
        i
        for i in (
            ping_issue(sections.get("scontrol ping")),
            sinfo_issue(sections.get("sinfo idle/mix")),
            srun_issue(sections.get("srun hostname")),
        )
        if i
    ]
    ctx.result(
        f"Slurm idle/mixed nodes: {len(sinfo_nodes(sections.get('sinfo idle/mix')))}; issues: {len(issues)}"
    )
    if issues:
        raise CheckFailed("Slinky Slurm health commands failed:\n- " + "\n- ".join(issues))


def slinky_slurm_imex_channel(ctx: CheckContext) -> None:
    """Two concurrent Slurm jobs on an MNNVL domain get distinct IMEX channels."""
    namespace, login = slurm_scope(ctx)
    if not any(
        CLIQUE_LABEL in ((n.get("metadata") or {}).get("labels") or {}) for n in ctx.client.list("Node")
    ):
        raise CheckSkipped(f"no node carries {CLIQUE_LABEL}: no multi-node NVLink (IMEX) domain")
    log = run_helper(ctx, namespace, login, imex_script(), "slurm-imex")
    for line in log.splitlines():
        ctx.print(line)
    sections = split_sections(log)
    issues = imex_issues(sections.get("imex job 1"), sections.get("imex job 2"))
    ctx.result(f"IMEX channel issues: {len(issues)}")
    if issues:
        raise CheckFailed("IMEX channels are not isolated:\n- " + "\n- ".join(issues))
