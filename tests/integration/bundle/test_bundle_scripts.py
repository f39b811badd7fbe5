"""deploy.sh, install.sh and apply-crds.sh: syntax, shellcheck, and runs against stub tools.

The stubs are `helm`, `kubectl` and `sleep` executables put first on PATH; each appends its
arguments to a log, and `helm` fails on demand (STUB_HELM_FAIL="<release>:<times>") so the retry,
backoff and --best-effort paths can be asserted without a cluster.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests.integration.bundle.bundle_support import fixture_recipe, run

import aicr

STUB = """#!/usr/bin/env bash
printf '%s\\n' "$(basename "$0") $*" >> "${STUB_LOG}"
if [[ "$(basename "$0")" == helm && "$1" == upgrade ]]; then
  release="$3"
  spec="${STUB_HELM_FAIL:-}"
  if [[ -n "${spec}" && "${spec%%:*}" == "${release}" ]]; then
    count_file="${STUB_LOG}.${release}"
    n=$(( $(cat "${count_file}" 2>/dev/null || echo 0) + 1 ))
    echo "${n}" > "${count_file}"
    if (( n <= ${spec##*:} )); then echo "stub helm: failing ${release} (${n})" >&2; exit 1; fi
  fi
fi
if [[ "$(basename "$0")" == helm && "$1" == list ]]; then echo ""; fi
exit 0
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalog = aicr.load_catalog(root=str(Path(__file__).resolve().parents[2] / "fixtures" / "bundle-catalog"))
    root = tmp_path_factory.mktemp("scripts") / "bundle"
    aicr.build_bundle(fixture_recipe(catalog), root, catalog=catalog)
    return root


@pytest.fixture
def stubs(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("helm", "kubectl", "sleep"):
        path = bin_dir / tool
        path.write_text(STUB)
        path.chmod(0o755)
    env = {
        k: v for k, v in os.environ.items() if k not in ("KUBE_CONTEXT", "KUBECONFIG_FLAG", "STUB_HELM_FAIL")
    }
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    env["STUB_LOG"] = str(tmp_path / "calls.log")
    env["NO_COLOR"] = "1"
    return env


def calls(env: dict[str, str], tool: str) -> list[str]:
    log = Path(env["STUB_LOG"])
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if line.startswith(tool + " ")]


def scripts(root: Path) -> list[Path]:
    return [root / "deploy.sh", *sorted(root.glob("*/install.sh")), *sorted(root.glob("*/apply-crds.sh"))]


def test_scripts_parse_with_bash_n(bundle: Path) -> None:
    found = scripts(bundle)
    assert len(found) == 10
    for path in found:
        result = run(["bash", "-n", str(path)])
        assert result.returncode == 0, (path, result.stderr)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_scripts_pass_shellcheck(bundle: Path) -> None:
    result = run(["shellcheck", "-s", "bash", *map(str, scripts(bundle))])
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_installs_every_folder_in_order_with_wait(bundle: Path, stubs: dict[str, str]) -> None:
    result = run(["bash", str(bundle / "deploy.sh")], env=stubs)
    assert result.returncode == 0, result.stdout + result.stderr
    upgrades = [c for c in calls(stubs, "helm") if c.startswith("helm upgrade")]
    releases = [c.split()[3] for c in upgrades]
    assert releases == [
        "aws-ebs-csi-driver", "cert-manager", "skyhook-operator", "skyhook-customizations",
        "gpu-operator-pre", "gpu-operator", "gpu-operator-post", "kai-scheduler",
    ]  # fmt: skip
    gpu = upgrades[5]
    assert "gpu-operator gpu-operator --repo https://helm.ngc.nvidia.com/nvidia --version v25.3.3" in gpu
    assert "--namespace gpu-operator --create-namespace -f values.yaml -f cluster-values.yaml" in gpu
    assert gpu.endswith("--wait --timeout 10m")
    kai = upgrades[7]
    assert "oci://ghcr.io/nvidia/kai-scheduler/kai-scheduler --version v0.13.0" in kai
    assert kai.endswith("--timeout 20m") and "--wait" not in kai
    assert "helm upgrade --install gpu-operator-pre ./ --namespace gpu-operator -f values.yaml" in upgrades[4]
    assert any(c.startswith("helm list --namespace kai-scheduler") for c in calls(stubs, "helm"))
    assert "All components installed." in result.stdout
    assert calls(stubs, "sleep") == []


def test_no_wait_keeps_the_timeout(bundle: Path, stubs: dict[str, str]) -> None:
    result = run(["bash", str(bundle / "deploy.sh"), "--no-wait"], env=stubs)
    assert result.returncode == 0, result.stderr
    upgrades = [c for c in calls(stubs, "helm") if c.startswith("helm upgrade")]
    assert all("--wait" not in c for c in upgrades)
    assert upgrades[0].endswith("--timeout 10m")


def test_failed_component_is_retried_with_backoff(bundle: Path, stubs: dict[str, str]) -> None:
    stubs["STUB_HELM_FAIL"] = "cert-manager:2"
    result = run(["bash", str(bundle / "deploy.sh"), "--retries", "3"], env=stubs)
    assert result.returncode == 0, result.stdout + result.stderr
    tries = [c for c in calls(stubs, "helm") if c.startswith("helm upgrade --install cert-manager ")]
    assert len(tries) == 3
    assert calls(stubs, "sleep") == ["sleep 5", "sleep 20"]
    assert any("get jobs -n cert-manager" in c for c in calls(stubs, "kubectl"))


def test_failure_stops_the_deploy_without_best_effort(bundle: Path, stubs: dict[str, str]) -> None:
    stubs["STUB_HELM_FAIL"] = "cert-manager:9"
    result = run(["bash", str(bundle / "deploy.sh"), "--retries", "1"], env=stubs)
    assert result.returncode == 1
    releases = [c.split()[3] for c in calls(stubs, "helm") if c.startswith("helm upgrade")]
    assert releases == ["aws-ebs-csi-driver", "cert-manager", "cert-manager"]
    assert "cert-manager FAILED after 2 attempt(s)" in result.stdout


def test_best_effort_continues_and_reports(bundle: Path, stubs: dict[str, str]) -> None:
    stubs["STUB_HELM_FAIL"] = "cert-manager:9"
    result = run(["bash", str(bundle / "deploy.sh"), "--best-effort", "--retries", "0"], env=stubs)
    assert result.returncode == 0
    releases = [c.split()[3] for c in calls(stubs, "helm") if c.startswith("helm upgrade")]
    assert len(releases) == 8 and releases.count("cert-manager") == 1
    assert "Deployment finished with failures (--best-effort): cert-manager" in result.stdout


def test_kai_scheduler_gets_one_retry_only(bundle: Path, stubs: dict[str, str]) -> None:
    stubs["STUB_HELM_FAIL"] = "kai-scheduler:9"
    result = run(["bash", str(bundle / "deploy.sh")], env=stubs)
    assert result.returncode == 1
    assert len([c for c in calls(stubs, "helm") if "upgrade --install kai-scheduler" in c]) == 2


@pytest.mark.parametrize("args", [["--bogus"], ["--retries"], ["--retries", "x"]])
def test_bad_options_exit_1(bundle: Path, stubs: dict[str, str], args: list[str]) -> None:
    result = run(["bash", str(bundle / "deploy.sh"), *args], env=stubs)
    assert result.returncode == 1
    assert calls(stubs, "helm") == []


def test_kube_context_and_terminating_namespace_preflight(
    bundle: Path, stubs: dict[str, str], tmp_path: Path
) -> None:
    kubectl = Path(stubs["PATH"].split(":")[0]) / "kubectl"
    kubectl.write_text(
        STUB.replace(
            "exit 0\n",
            'if [[ "$*" == *"get namespace gpu-operator"* ]]; then echo Terminating; fi\nexit 0\n',
        )
    )
    stubs["KUBE_CONTEXT"] = "prod"
    result = run(["bash", str(bundle / "deploy.sh")], env=stubs)
    assert result.returncode == 1
    assert "namespace 'gpu-operator' is still terminating" in result.stdout
    assert all(c.startswith("kubectl --context prod ") for c in calls(stubs, "kubectl"))
    assert calls(stubs, "helm") == []


def test_install_script_runs_alone_with_dry_run_flag(bundle: Path, stubs: dict[str, str]) -> None:
    stubs["DRY_RUN_FLAG"] = "--dry-run=server"
    result = run(["bash", str(bundle / "006-gpu-operator" / "install.sh")], env=stubs, cwd="/")
    assert result.returncode == 0, result.stderr
    (only,) = calls(stubs, "helm")
    assert only.endswith("--dry-run=server")
