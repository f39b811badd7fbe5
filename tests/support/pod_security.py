"""Pod Security Standards (baseline, restricted) as the PodSecurity admission plugin applies them.

Pure; used by the Kubernetes emulator (kube_emulator.py) for namespaces labelled
`pod-security.kubernetes.io/enforce` / `warn`. Covers the checks our pods can trip: host
namespaces, privileged containers, added capabilities, hostPath volumes and host ports
(baseline), and non-root, privilege escalation, dropped capabilities, seccomp and volume types
(restricted). Messages follow the API server's wording.
"""

from __future__ import annotations

from typing import Any

ENFORCE = "pod-security.kubernetes.io/enforce"
WARN = "pod-security.kubernetes.io/warn"
LEVELS = ("privileged", "baseline", "restricted")
_BASELINE_CAPS = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}
_RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def _names(containers: list[dict[str, Any]]) -> str:
    quoted = ", ".join(f'"{c.get("name", "")}"' for c in containers)
    return f"{'containers' if len(containers) > 1 else 'container'} {quoted}"


def baseline_violations(spec: dict[str, Any]) -> list[str]:
    """The baseline-level violations of a pod spec, in the API server's order and wording."""
    out: list[str] = []
    host = [f"{k}=true" for k in ("hostNetwork", "hostPID", "hostIPC") if spec.get(k)]
    if host:
        out.append(f"host namespaces ({', '.join(host)})")
    containers = _containers(spec)
    privileged = [c for c in containers if (c.get("securityContext") or {}).get("privileged")]
    if privileged:
        out.append(f"privileged ({_names(privileged)} must not set securityContext.privileged=true)")
    added = sorted(
        {
            cap
            for c in containers
            for cap in ((c.get("securityContext") or {}).get("capabilities") or {}).get("add") or []
            if cap not in _BASELINE_CAPS
        }
    )
    if added:
        out.append(f"non-default capabilities (capabilities.add={added})")
    host_paths = [v["name"] for v in spec.get("volumes") or [] if "hostPath" in v]
    if host_paths:
        out.append(f"hostPath volumes (volumes {', '.join(repr(n) for n in host_paths)})")
    ports = [p for c in containers for p in c.get("ports") or [] if p.get("hostPort")]
    if ports:
        out.append("hostPort (hostPort set)")
    return out


def restricted_violations(spec: dict[str, Any]) -> list[str]:
    """Baseline plus the restricted-level violations of a pod spec."""
    out = baseline_violations(spec)
    pod_sc = spec.get("securityContext") or {}
    containers = _containers(spec)

    def sc(c: dict[str, Any]) -> dict[str, Any]:
        return c.get("securityContext") or {}

    escalating = [c for c in containers if sc(c).get("allowPrivilegeEscalation") is not False]
    if escalating:
        out.append(
            f"allowPrivilegeEscalation != false ({_names(escalating)} must set "
            "securityContext.allowPrivilegeEscalation=false)"
        )
    undropped = [c for c in containers if "ALL" not in ((sc(c).get("capabilities") or {}).get("drop") or [])]
    if undropped:
        out.append(
            f'unrestricted capabilities ({_names(undropped)} must set securityContext.capabilities.drop=["ALL"])'
        )
    volumes = [v["name"] for v in spec.get("volumes") or [] if not (set(v) - {"name"}) <= _RESTRICTED_VOLUMES]
    if volumes:
        out.append(f"restricted volume types (volumes {', '.join(repr(n) for n in volumes)})")
    as_root = [c for c in containers if sc(c).get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True]
    if as_root:
        out.append(
            f"runAsNonRoot != true (pod or {_names(as_root)} must set securityContext.runAsNonRoot=true)"
        )
    uid0 = [c for c in containers if sc(c).get("runAsUser", pod_sc.get("runAsUser")) == 0]
    if uid0:
        out.append(f"runAsUser=0 ({_names(uid0)} must not set runAsUser=0)")
    pod_seccomp = (pod_sc.get("seccompProfile") or {}).get("type")
    no_seccomp = [
        c
        for c in containers
        if (sc(c).get("seccompProfile") or {}).get("type", pod_seccomp) not in ("RuntimeDefault", "Localhost")
    ]
    if no_seccomp:
        out.append(
            f"seccompProfile (pod or {_names(no_seccomp)} must set securityContext.seccompProfile.type to "
            '"RuntimeDefault" or "Localhost")'
        )
    return out


def violations(level: str, spec: dict[str, Any]) -> list[str]:
    """The violations of `spec` at `level` (none for privileged or an unknown level)."""
    if level == "restricted":
        return restricted_violations(spec)
    if level == "baseline":
        return baseline_violations(spec)
    return []


def violation_message(level: str, problems: list[str]) -> str:
    """`violates PodSecurity "<level>:latest": a, b` as admission says it."""
    return f'violates PodSecurity "{level}:latest": {", ".join(problems)}'


def would_violate(level: str, problems: list[str]) -> str:
    """The `warn` label's Warning header text."""
    return f'would violate PodSecurity "{level}:latest": {", ".join(problems)}'
