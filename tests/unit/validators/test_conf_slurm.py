"""Slurm output judges (scontrol ping, sinfo, srun, IMEX channels) and the helper pod's script."""

from __future__ import annotations

from pathlib import Path

from aicr.validators.conf_slurm import HEALTH_COMMANDS, helper_pod, helper_script, parse_selector
from aicr.validators.conf_slurm_text import (
    Section,
    imex_issues,
    ping_issue,
    sinfo_issue,
    sinfo_nodes,
    split_sections,
    srun_issue,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "validators" / "conformance"


def _log(name: str) -> dict[str, Section]:
    return split_sections((FIXTURES / name).read_text())


def test_healthy_log_passes_every_judge() -> None:
    sections = _log("slurm-health-pass.log")
    assert ping_issue(sections["scontrol ping"]) is None
    assert sinfo_issue(sections["sinfo idle/mix"]) is None
    assert srun_issue(sections["srun hostname"]) is None


def test_sinfo_nodes_are_the_first_column() -> None:
    assert sinfo_nodes(_log("slurm-health-pass.log")["sinfo idle/mix"]) == ["slinky-0", "slinky-1"]


def test_controller_down_fails_ping() -> None:
    section = Section((FIXTURES / "scontrol-ping-down.txt").read_text(), 1)
    assert (
        ping_issue(section) == "scontrol ping: exit code 1 (Slurmctld(primary) at slurm-controller-0 is DOWN)"
    )


def test_down_primary_with_zero_exit_still_fails() -> None:
    section = Section((FIXTURES / "scontrol-ping-down.txt").read_text(), 0)
    assert ping_issue(section) == "scontrol ping: controller DOWN: primary at slurm-controller-0"


def test_ping_without_status_lines_fails() -> None:
    assert (
        ping_issue(Section("slurm_load_ctl_conf error", 0))
        == "scontrol ping: no controller status in the output"
    )


def test_no_idle_nodes_fails_sinfo() -> None:
    assert (
        sinfo_issue(_log("slurm-health-no-nodes.log")["sinfo idle/mix"])
        == "sinfo idle/mix: no idle or mixed Slurm node"
    )


def test_failed_srun_reports_exit_code_and_last_line() -> None:
    issue = srun_issue(_log("slurm-health-no-nodes.log")["srun hostname"])
    assert issue is not None and issue.startswith(
        "srun hostname: exit code 1 (srun: error: Unable to allocate"
    )


def test_command_that_never_ran_is_reported() -> None:
    assert srun_issue(None) == "srun hostname: did not run"


def test_cut_off_log_marks_the_command_unfinished() -> None:
    sections = split_sections("### srun hostname\nslinky-0\n")
    assert srun_issue(sections["srun hostname"]) == "srun hostname: did not finish"


def test_distinct_imex_channels_pass() -> None:
    sections = _log("slurm-imex-distinct.log")
    assert imex_issues(sections["imex job 1"], sections["imex job 2"]) == []


def test_shared_imex_channel_fails() -> None:
    sections = _log("slurm-imex-shared.log")
    assert imex_issues(sections["imex job 1"], sections["imex job 2"]) == [
        "concurrent jobs share IMEX channel(s) [0]"
    ]


def test_job_without_channel_fails() -> None:
    issues = imex_issues(Section("channel0", 0), Section("ls: cannot access", 0))
    assert issues == ["a job saw no IMEX channel (job 1: [0], job 2: [])"]


def test_helper_script_marks_each_command() -> None:
    script = helper_script(HEALTH_COMMANDS)
    assert "echo '### scontrol ping'; scontrol ping; echo \"### rc=$?\"" in script
    assert "srun --immediate=5 --time=0:03 hostname" in script


def test_equality_selector_parses() -> None:
    assert parse_selector("app.kubernetes.io/name=login,app.kubernetes.io/instance=slurm") == {
        "app.kubernetes.io/name": "login",
        "app.kubernetes.io/instance": "slurm",
    }


def test_set_based_selector_is_refused() -> None:
    assert parse_selector("app in (a,b)") is None


def test_helper_pod_copies_login_container_but_not_token_volume() -> None:
    login = {
        "spec": {
            "containers": [
                {
                    "name": "login",
                    "image": "ghcr.io/slinkyproject/login:25.05",
                    "volumeMounts": [{"name": "etc"}],
                    "ports": [{"containerPort": 22}],
                }
            ],
            "volumes": [
                {"name": "etc", "configMap": {"name": "slurm-config"}},
                {"name": "kube-api-access-x", "projected": {}},
            ],
        }
    }
    pod = helper_pod(login, "helper", "true")
    container = pod["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/slinkyproject/login:25.05"
    assert "ports" not in container and container["command"] == ["/bin/sh", "-c", "true"]
    assert [v["name"] for v in pod["spec"]["volumes"]] == ["etc"]
    assert pod["spec"]["restartPolicy"] == "Never"
