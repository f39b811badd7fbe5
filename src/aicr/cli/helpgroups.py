"""Flags grouped by purpose in `--help` (Input, Criteria, Output, Deployment, …).

Display only: the groups are arranged when help is printed (never on a normal run), from the
flags' long names; a flag not named here is listed under "Other options", so a new flag is never
hidden.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "Input",
        frozenset(
            [
                "--recipe",
                "--snapshot",
                "--criteria",
                "--config",
                "--data",
                "--kubeconfig",
                "--baseline",
                "--target",
                "--from",
                "--to",
                "--template",
                "--require-signed-data",
                "--local",
            ]
        ),
    ),
    (
        "Criteria",
        frozenset(
            [
                "--service",
                "--accelerator",
                "--gpu",
                "--intent",
                "--os",
                "--platform",
                "--nodes",
                "--criteria-strict",
                "--profile",
                "--slurm-accounting-mode",
                "--selector",
            ]
        ),
    ),
    (
        "Output",
        frozenset(
            [
                "--output",
                "--format",
                "--explain",
                "--force",
                "--image-refs",
                "--sbom",
                "--stdout",
                "--fail-on-drift",
                "--agent",
            ]
        ),
    ),
    (
        "Deployment",
        frozenset(
            [
                "--deployer",
                "--repo",
                "--repo-path",
                "--set",
                "--set-string",
                "--set-json",
                "--set-file",
                "--dynamic",
                "--storage-class",
                "--shared-storage-class",
                "--app-name",
                "--flux-namespace",
                "--flux-oci-source-name",
                "--fleet-mode",
                "--fleet-namespace",
                "--serial",
                "--vendor-charts",
                "--readiness-hooks",
                "--dra-eviction-node-label",
            ]
        ),
    ),
    (
        "Node scheduling",
        frozenset(
            [
                "--system-node-selector",
                "--system-node-toleration",
                "--accelerated-node-selector",
                "--accelerated-node-toleration",
                "--workload-gate",
                "--workload-selector",
                "--node-selector",
                "--toleration",
                "--runtime-class",
                "--max-nodes-per-entry",
            ]
        ),
    ),
    (
        "Validation",
        frozenset(
            [
                "--phase",
                "--fail-on-error",
                "--fail-fast",
                "--no-cluster",
                "--all",
                "--skip-check",
                "--skip-constraint",
                "--evidence-dir",
                "--cncf-submission",
                "--feature",
                "--print-rbac",
            ]
        ),
    ),
    (
        "Signing and trust",
        frozenset(
            [
                "--attest",
                "--signing-key",
                "--identity-token",
                "--oidc-device-flow",
                "--fulcio-url",
                "--rekor-url",
                "--signing-config",
                "--tlog-upload",
                "--key",
                "--trust-root",
                "--require-creator",
                "--min-trust-level",
                "--cli-version-constraint",
                "--certificate-identity-regexp",
                "--certificate-oidc-issuer",
                "--plain-http",
                "--insecure-tls",
            ]
        ),
    ),
    (
        "Cluster",
        frozenset(
            [
                "--namespace",
                "--image",
                "--image-pull-secret",
                "--job-name",
                "--service-account-name",
                "--timeout",
                "--no-cleanup",
                "--require-gpu",
                "--privileged",
            ]
        ),
    ),
    ("Global options", frozenset(["--help", "--debug", "--log-json", "--quiet", "--version"])),
)
OTHER = "Other options"


def _long_name(action: argparse.Action) -> str:
    longs = [s for s in action.option_strings if s.startswith("--")]
    return max(longs, key=len) if longs else ""


def group_of(action: argparse.Action) -> str:
    """The help group a flag is listed under."""
    name = _long_name(action)
    for title, flags in GROUPS:
        if name in flags:
            return title
    return OTHER


def regroup(parser: argparse.ArgumentParser) -> None:
    """Move every optional flag into its titled group (idempotent; positionals stay put)."""
    if getattr(parser, "_aicr_grouped", False):
        return
    parser._aicr_grouped = True  # type: ignore[attr-defined]
    by_title: dict[str, list[argparse.Action]] = {}
    for group in list(parser._action_groups):
        moving = [a for a in group._group_actions if a.option_strings]
        for action in moving:
            by_title.setdefault(group_of(action), []).append(action)
        group._group_actions[:] = [a for a in group._group_actions if not a.option_strings]
        if not group._group_actions and group is not parser._positionals:
            parser._action_groups.remove(group)
    for title in [t for t, _flags in GROUPS] + [OTHER]:
        if title in by_title:
            group = parser.add_argument_group(title)
            group._group_actions.extend(by_title[title])
