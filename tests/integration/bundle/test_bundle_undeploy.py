"""undeploy.sh and deploy.sh's pre-flight and --dry-run, run against stub helm/kubectl.

Stubs log their arguments (STUB_LOG); `helm status` answers from STUB_INSTALLED (space-separated
release names), `helm list --short` from STUB_OTHER_RELEASES, `kubectl get namespace` from
STUB_LIVE_NAMESPACES, `kubectl version` fails when STUB_UNREACHABLE is set, and `helm uninstall`
fails for STUB_UNINSTALL_FAIL=<release> unless `--no-hooks` is given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests.integration.bundle.bundle_support import fixture_recipe, run

import aicr

STUB = """#!/usr/bin/env bash
tool="$(basename "$0")"
printf '%s\\n' "${tool} $*" >> "${STUB_LOG}"
if [[ "${tool}" == kubectl ]]; then
  args=" $* "
  if [[ "${args}" == *" version "* && -n "${STUB_UNREACHABLE:-}" ]]; then exit 1; fi
  if [[ "${args}" == *" get namespace "* ]]; then
    for ns in ${STUB_LIVE_NAMESPACES:-}; do
      if [[ "${args}" == *" get namespace ${ns} "* ]]; then exit 0; fi
    done
    exit 1
  fi
fi
if [[ "${tool}" == helm ]]; then
  if [[ "$1" == status ]]; then
    for r in ${STUB_INSTALLED:-}; do [[ "$2" == "${r}" ]] && exit 0; done
    exit 1
  fi
  if [[ "$1" == list ]]; then
    for r in ${STUB_OTHER_RELEASES:-}; do echo "${r}"; done
    exit 0
  fi
  if [[ "$1" == uninstall && "$2" == "${STUB_UNINSTALL_FAIL:-}" && " $* " != *" --no-hooks "* ]]; then
    exit 1
  fi
fi
exit 0
"""
RELEASES = [
    "aws-ebs-csi-driver", "cert-manager", "skyhook-operator", "skyhook-customizations",
    "gpu-operator-pre", "gpu-operator", "gpu-operator-post", "kai-scheduler",
]  # fmt: skip
TOOLS = ("bash", "env", "awk", "mktemp", "rm", "dirname", "basename", "grep", "cat", "tr")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = aicr.load_catalog(root=str(Path(__file__).resolve().parents[2] / "fixtures" / "bundle-catalog"))
    root = tmp_path_factory.mktemp("undeploy") / "bundle"
    aicr.build_bundle(fixture_recipe(catalog), root, catalog=catalog)
    return root


def make_env(tmp_path: Path, stubbed: tuple[str, ...] = ("helm", "kubectl", "sleep")) -> dict[str, str]:
    """A PATH holding only the stubs and the basic tools the scripts use (no real helm/kubectl)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    for tool in stubbed:
        path = bin_dir / tool
        path.write_text(STUB)
        path.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUB_", "KUBE_CONTEXT"))}
    env.update(PATH=str(bin_dir), STUB_LOG=str(tmp_path / "calls.log"), NO_COLOR="1")
    return env


def calls(env: dict[str, str], tool: str) -> list[str]:
    log = Path(env["STUB_LOG"])
    return [
        line for line in (log.read_text().splitlines() if log.exists() else []) if line.startswith(tool + " ")
    ]


def test_undeploy_is_written_executable_and_passes_shellcheck(bundle: Path) -> None:
    script = bundle / "undeploy.sh"
    assert os.access(script, os.X_OK)
    assert run(["bash", "-n", str(script)]).returncode == 0
    result = run(["shellcheck", "-s", "bash", str(script), str(bundle / "deploy.sh")])
    assert result.returncode == 0, result.stdout + result.stderr


def test_undeploy_uninstalls_in_reverse_order_then_deletes_bundle_namespaces(
    bundle: Path, tmp_path: Path
) -> None:
    env = make_env(tmp_path)
    env["STUB_INSTALLED"] = " ".join(RELEASES)
    result = run(["bash", str(bundle / "undeploy.sh")], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    uninstalls = [c.split()[2] for c in calls(env, "helm") if c.startswith("helm uninstall")]
    assert uninstalls == list(reversed(RELEASES))
    deleted = [c.split()[3] for c in calls(env, "kubectl") if c.startswith("kubectl delete namespace")]
    assert "kube-system" not in deleted and "gpu-operator" in deleted and "cert-manager" in deleted
    assert not [c for c in calls(env, "kubectl") if "delete pvc" in c]
    assert "All releases removed." in result.stdout


def test_undeploy_skips_releases_that_are_not_installed(bundle: Path, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["STUB_INSTALLED"] = "cert-manager"
    result = run(["bash", str(bundle / "undeploy.sh"), "--keep-namespaces"], env=env)
    assert result.returncode == 0, result.stdout
    assert [c for c in calls(env, "helm") if c.startswith("helm uninstall")] == [
        "helm uninstall cert-manager --namespace cert-manager --wait --timeout 120s"
    ]
    assert result.stdout.count("not installed; skipping") == len(RELEASES) - 1
    assert not [c for c in calls(env, "kubectl") if "delete namespace" in c]


def test_failed_uninstall_is_retried_without_hooks(bundle: Path, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env.update(STUB_INSTALLED="gpu-operator", STUB_UNINSTALL_FAIL="gpu-operator")
    result = run(["bash", str(bundle / "undeploy.sh"), "--keep-namespaces", "--timeout", "30"], env=env)
    assert result.returncode == 0, result.stdout
    tries = [c for c in calls(env, "helm") if c.startswith("helm uninstall gpu-operator ")]
    assert tries == [
        "helm uninstall gpu-operator --namespace gpu-operator --wait --timeout 30s",
        "helm uninstall gpu-operator --namespace gpu-operator --no-hooks --wait --timeout 30s",
    ]
    assert "without its hooks" in result.stdout


def test_delete_pvcs_and_namespace_holding_other_releases_is_kept(bundle: Path, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env.update(STUB_INSTALLED=" ".join(RELEASES), STUB_OTHER_RELEASES="someone-elses-app")
    result = run(["bash", str(bundle / "undeploy.sh"), "--delete-pvcs"], env=env)
    assert result.returncode == 0, result.stdout
    assert [c for c in calls(env, "kubectl") if "delete pvc --all --namespace gpu-operator" in c]
    assert not [c for c in calls(env, "kubectl") if c.startswith("kubectl delete namespace")]
    assert "holds Helm release(s) this bundle did not install: someone-elses-app" in result.stdout


def test_namespace_that_does_not_go_away_fails_after_the_timeout(bundle: Path, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env.update(STUB_INSTALLED="", STUB_LIVE_NAMESPACES="gpu-operator")
    result = run(["bash", str(bundle / "undeploy.sh"), "--timeout", "1"], env=env)
    assert result.returncode == 1
    assert "Namespaces still terminating after 1s: gpu-operator" in result.stdout


def test_dry_run_changes_nothing(bundle: Path, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["STUB_INSTALLED"] = " ".join(RELEASES)
    result = run(["bash", str(bundle / "undeploy.sh"), "--dry-run", "--delete-pvcs"], env=env)
    assert result.returncode == 0, result.stdout
    assert not [c for c in calls(env, "helm") if c.startswith("helm uninstall")]
    assert not [c for c in calls(env, "kubectl") if " delete " in c]
    assert "would run: helm uninstall kai-scheduler" in result.stdout
    assert "Dry run complete: nothing was changed." in result.stdout


@pytest.mark.parametrize("args", [["--bogus"], ["--timeout"], ["--timeout", "0"], ["--timeout", "x"]])
def test_undeploy_bad_options_exit_1_before_touching_anything(
    bundle: Path, tmp_path: Path, args: list[str]
) -> None:
    env = make_env(tmp_path)
    result = run(["bash", str(bundle / "undeploy.sh"), *args], env=env)
    assert result.returncode == 1
    assert calls(env, "helm") == [] and calls(env, "kubectl") == []


@pytest.mark.parametrize("script", ["deploy.sh", "undeploy.sh"])
def test_missing_helm_fails_preflight_at_once(bundle: Path, tmp_path: Path, script: str) -> None:
    env = make_env(tmp_path, stubbed=("kubectl", "sleep"))
    result = run(["bash", str(bundle / script)], env=env)
    assert result.returncode == 1
    assert "helm is not installed or not on PATH" in result.stdout
    assert calls(env, "sleep") == []
    assert "Pre-flight checks passed" not in result.stdout


@pytest.mark.parametrize("script", ["deploy.sh", "undeploy.sh"])
def test_unreachable_cluster_fails_preflight(bundle: Path, tmp_path: Path, script: str) -> None:
    env = make_env(tmp_path)
    env["STUB_UNREACHABLE"] = "1"
    result = run(["bash", str(bundle / script)], env=env)
    assert result.returncode == 1
    assert "API server does not answer" in result.stdout
    assert not [c for c in calls(env, "helm") if c.startswith(("helm upgrade", "helm uninstall"))]


def test_deploy_dry_run_validates_every_release_server_side_without_retries(
    bundle: Path, tmp_path: Path
) -> None:
    env = make_env(tmp_path)
    result = run(["bash", str(bundle / "deploy.sh"), "--dry-run"], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    upgrades = [c for c in calls(env, "helm") if c.startswith("helm upgrade")]
    assert len(upgrades) == len(RELEASES)
    assert all("--dry-run=server" in c for c in upgrades)
    assert "Dry run complete" in result.stdout
