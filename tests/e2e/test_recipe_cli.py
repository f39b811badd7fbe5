"""`aicr recipe`, `aicr query`, `aicr completion` and global flags through the installed CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

AICR = shutil.which("aicr", path=os.path.dirname(sys.executable)) or "aicr"
EXAMPLE = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--os", "ubuntu"]


def aicr(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [AICR, *args], capture_output=True, text=True, input=stdin, cwd=cwd, env=env, timeout=60, check=False
    )


def test_version_line() -> None:
    proc = aicr("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("aicr version 0.1.0 (commit: ")
    assert ", date: " in proc.stdout


def test_recipe_happy_path_prints_yaml_on_stdout_only() -> None:
    proc = aicr("recipe", *EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load(proc.stdout)
    assert doc["kind"] == "RecipeResult"
    assert doc["criteria"] == {
        "service": "eks",
        "accelerator": "h100",
        "intent": "training",
        "os": "ubuntu",
        "platform": "any",
    }
    assert "base" in doc["metadata"]["appliedOverlays"]
    assert any(name.startswith("eks") for name in doc["metadata"]["appliedOverlays"])
    assert doc["componentRefs"] and doc["deploymentOrder"]
    assert doc["metadata"]["version"] == "v0.1.0"


def test_recipe_json_and_table_formats() -> None:
    as_json = aicr("recipe", *EXAMPLE, "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["kind"] == "RecipeResult"
    table = aicr("recipe", *EXAMPLE, "-t", "table")
    assert table.returncode == 0
    assert "COMPONENT" in table.stdout and "gpu-operator" in table.stdout


def test_unknown_format_is_exit_2() -> None:
    proc = aicr("recipe", *EXAMPLE, "--format", "xml")
    assert proc.returncode == 2
    assert 'unknown output format: "xml", valid formats are: yaml, json, table' in proc.stderr
    assert proc.stdout == ""


def test_flag_given_twice_is_exit_2() -> None:
    proc = aicr("recipe", "--service", "eks", "--service", "gke")
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("error: [INVALID_REQUEST] flag --service can only be specified once")


def test_invalid_value_is_exit_2_with_reference_text() -> None:
    proc = aicr("recipe", "--service", "windows")
    assert proc.returncode == 2
    assert "error: [INVALID_REQUEST] invalid service type: windows" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_criteria_is_exit_2() -> None:
    proc = aicr("recipe")
    assert proc.returncode == 2
    assert "no criteria provided: specify at least one of --service" in proc.stderr


def test_unknown_flag_and_command_are_exit_2_with_usage() -> None:
    flag = aicr("recipe", "--bogus")
    assert flag.returncode == 2 and "usage:" in flag.stderr
    command = aicr("nosuch")
    assert command.returncode == 2 and "usage:" in command.stderr


def test_uncovered_dimension_names_the_missing_os() -> None:
    proc = aicr("recipe", "--service", "gke", "--accelerator", "h100", "--intent", "training")
    assert proc.returncode == 2
    assert "requires os (valid: cos)" in proc.stderr


def test_query_prints_scalars_bare_and_lists_as_yaml() -> None:
    chart = aicr("query", *EXAMPLE, "--selector", "components.gpu-operator.chart")
    assert chart.returncode == 0
    assert chart.stdout == "gpu-operator\n"
    order = aicr("query", *EXAMPLE, "--selector", "deploymentOrder")
    assert order.returncode == 0
    assert isinstance(yaml.safe_load(order.stdout), list)
    as_json = aicr("query", *EXAMPLE, "--selector", ".criteria", "-t", "json")
    assert json.loads(as_json.stdout)["service"] == "eks"


def test_query_missing_key_is_exit_3_listing_keys() -> None:
    proc = aicr("query", *EXAMPLE, "--selector", "components.nope.x")
    assert proc.returncode == 3
    assert 'key "nope" not found, available keys: ' in proc.stderr
    assert "gpu-operator" in proc.stderr


def test_query_without_selector_is_exit_2() -> None:
    proc = aicr("query", "--service", "eks")
    assert proc.returncode == 2
    assert 'Required flag "selector" not set' in proc.stderr


def test_output_file_is_written_and_not_truncated_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "recipe.yaml"
    ok = aicr("recipe", *EXAMPLE, "-o", str(out))
    assert ok.returncode == 0 and ok.stdout == ""
    written = out.read_text()
    assert yaml.safe_load(written)["kind"] == "RecipeResult"
    bad = aicr("recipe", "--service", "windows", "-o", str(out))
    assert bad.returncode == 2
    assert out.read_text() == written


def test_criteria_file_with_flag_override(tmp_path: Path) -> None:
    crit = tmp_path / "c.yaml"
    crit.write_text(
        "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata: {name: x}\n"
        "spec: {service: gke, accelerator: h100, intent: training, os: ubuntu}\n"
    )
    proc = aicr("recipe", "-c", str(crit), "--service", "eks")
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(proc.stdout)["criteria"]["service"] == "eks"


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        ("kind: Foo\nspec: {service: eks}\n", 2, 'invalid kind "Foo", expected "RecipeCriteria"'),
        ("", 2, "criteria is empty"),
        ("spec: {service: windows}\n", 2, "invalid service in criteria spec: invalid service type: windows"),
        ("spec: [\n", 2, "invalid YAML"),
    ],
)
def test_bad_criteria_files(tmp_path: Path, content: str, code: int, fragment: str) -> None:
    crit = tmp_path / "c.yaml"
    crit.write_text(content)
    proc = aicr("recipe", "-c", str(crit))
    assert proc.returncode == code
    assert fragment in proc.stderr


def test_missing_criteria_and_snapshot_files_are_exit_3(tmp_path: Path) -> None:
    assert aicr("recipe", "-c", str(tmp_path / "nope.yaml")).returncode == 3
    proc = aicr("recipe", "--snapshot", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 3
    assert "snapshot file not found" in proc.stderr


def test_malformed_snapshot_is_exit_2(tmp_path: Path) -> None:
    snap = tmp_path / "s.yaml"
    snap.write_text("kind: NotASnapshot\n")
    proc = aicr("recipe", "--snapshot", str(snap))
    assert proc.returncode == 2


def test_recipe_from_snapshot_detects_criteria(tmp_path: Path) -> None:
    snap = tmp_path / "s.yaml"
    snap.write_text(
        "kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata: {}\nmeasurements:\n"
        "  - type: K8s\n    subtypes:\n      - subtype: server\n        data: {version: v1.33.5-eks-3025e55}\n"
        "  - type: GPU\n    subtypes:\n      - subtype: smi\n        data: {gpu.model: NVIDIA H100 80GB HBM3, gpu-count: 8}\n"
        "  - type: OS\n    subtypes:\n      - subtype: release\n        data: {ID: ubuntu, VERSION_ID: '24.04'}\n"
        "      - subtype: sysctl\n        data: {/proc/sys/kernel/osrelease: 6.8.0-1028-aws}\n"
    )
    proc = aicr("recipe", "--snapshot", str(snap), "--intent", "training")
    assert proc.returncode == 0, proc.stderr
    criteria = yaml.safe_load(proc.stdout)["criteria"]
    assert (criteria["service"], criteria["accelerator"], criteria["os"], criteria["intent"]) == (
        "eks",
        "h100",
        "ubuntu",
        "training",
    )


def test_log_json_errors_are_structured() -> None:
    proc = aicr("--log-json", "recipe", "--service", "windows")
    assert proc.returncode == 2
    record = json.loads(proc.stderr.strip().splitlines()[-1])
    assert record["level"] == "ERROR"
    assert record["code"] == "INVALID_REQUEST"
    assert record["exitCode"] == 2


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    proc = aicr("completion", shell)
    assert proc.returncode == 0
    assert "recipe" in proc.stdout


def test_completion_unknown_shell_is_exit_2() -> None:
    proc = aicr("completion", "tcsh")
    assert proc.returncode == 2
    assert "unsupported shell" in proc.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("apiVersion: [x]\nspec: {service: eks}\n", "apiVersion must be a string"),
        ("spec: {service: eks, nodes: 1.5}\n", "invalid nodes value: 1.5"),
        ("spec: {service: 7}\n", "invalid service in criteria spec"),
    ],
)
def test_mistyped_criteria_files_are_exit_2(tmp_path: Path, content: str, fragment: str) -> None:
    crit = tmp_path / "c.yaml"
    crit.write_text(content)
    proc = aicr("recipe", "-c", str(crit))
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr


def test_an_explicit_any_is_a_choice_not_missing_criteria() -> None:
    proc = aicr("recipe", "--accelerator", "any")
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(proc.stdout)["metadata"]["appliedOverlays"][0] == "base"


# Runs the installed console script in a Python whose start-up is over, with an import hook
# that sends this process SIGINT the moment one module is first looked up: a deterministic
# "Ctrl-C in the first milliseconds" at each step of `aicr` start-up and of the command.
_INTERRUPT_AT = """
import os, runpy, signal, sys

class InterruptAt:
    fired = False

    def find_spec(self, name, path=None, target=None):
        if name == TARGET and not self.fired:
            self.fired = True
            os.kill(os.getpid(), signal.SIGINT)
        return None

TARGET = sys.argv[1]
script = sys.argv[2]
sys.argv = [script, *sys.argv[3:]]
sys.meta_path.insert(0, InterruptAt())
runpy.run_path(script, run_name="__main__")
"""

START_UP_MODULES = [
    "aicr.logs",
    "aicr.cli.commands",
    "aicr.errors",
    "aicr.cli.main",
    "aicr.cli.options",
    "aicr.cli.fastpath",
    "aicr.catalog.catalog",
    "aicr.io.documents",
    "aicr.version",
    "aicr.catalog.cache",
]


@pytest.mark.parametrize("module", START_UP_MODULES)
def test_ctrl_c_during_start_up_exits_9_without_traceback(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_AT, module, AICR, "recipe", *EXAMPLE],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 9, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == ["error: [CANCELED] interrupted"]
    assert proc.stdout == ""


SLURM = [*EXAMPLE, "--platform", "slurm"]


def test_recipe_records_the_slurm_accounting_mode_flag() -> None:
    proc = aicr("recipe", *SLURM, "--slurm-accounting-mode", "aicr-provided", "-t", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["configuration"] == {"slurm": {"accounting": {"mode": "aicr-provided"}}}
    assert "slurm-accounting-mariadb" in doc["deploymentOrder"]


def test_slurm_accounting_mode_on_a_non_slurm_recipe_is_exit_2() -> None:
    proc = aicr("recipe", *EXAMPLE, "--slurm-accounting-mode", "disabled")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "only to Slurm recipes" in proc.stderr


def test_recipe_list_filters_leaves() -> None:
    proc = aicr("recipe", "list", "--service", "lke", "-t", "json")
    assert proc.returncode == 0, proc.stderr
    names = [row["name"] for row in json.loads(proc.stdout)["recipes"]]
    assert names == ["rtx-pro-6000-lke-ubuntu-inference", "rtx-pro-6000-lke-ubuntu-training"]


def test_recipe_list_health_reports_every_listed_leaf_healthy() -> None:
    proc = aicr("recipe", "list", "--service", "lke", "--health")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "2/2 leaves healthy"


def test_recipe_without_subcommand_still_needs_criteria() -> None:
    proc = aicr("recipe")
    assert proc.returncode == 2
    assert "no criteria provided" in proc.stderr


def test_recipe_list_health_exits_1_when_a_leaf_cannot_bundle(tmp_path: Path) -> None:
    (tmp_path / "overlays").mkdir()
    (tmp_path / "registry.yaml").write_text(
        "kind: ComponentRegistry\napiVersion: aicr.nvidia.com/v1alpha1\ncomponents: []\n"
    )
    (tmp_path / "overlays" / "h100-kind-training-broken.yaml").write_text(
        "kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\n"
        "metadata: {name: h100-kind-training-broken}\n"
        "spec:\n  base: h100-kind-training\n"
        "  criteria: {service: kind, accelerator: h100, intent: training, platform: runai}\n"
        "  componentRefs:\n    - name: gpu-operator\n"
        "      manifestFiles: [components/gpu-operator/manifests/missing.yaml]\n"
    )
    proc = aicr("recipe", "list", "--data", str(tmp_path), "--platform", "runai", "--health")
    assert proc.returncode == 1
    assert "h100-kind-training-broken" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "0/1 leaves healthy"


def test_bare_aicr_prints_help_on_stdout_and_exits_0() -> None:
    proc = aicr()
    assert proc.returncode == 0, proc.stderr
    assert "usage: aicr" in proc.stdout and "recipe" in proc.stdout and proc.stderr == ""


def test_mistyped_flag_suggests_the_closest_and_shows_the_command_usage() -> None:
    proc = aicr("recipe", "--servce", "eks")
    assert proc.returncode == 2
    assert "usage: aicr recipe" in proc.stderr
    assert "error: [INVALID_REQUEST] unknown flag --servce; did you mean --service?" in proc.stderr


def test_unknown_flag_without_a_close_match_points_at_help() -> None:
    proc = aicr("bundle", "-r", "x.yaml", "--zzzz")
    assert proc.returncode == 2 and "unknown flag --zzzz; see aicr bundle --help" in proc.stderr


def test_invalid_criteria_value_lists_the_valid_ones_and_the_closest() -> None:
    proc = aicr("recipe", "--service", "ek")
    assert proc.returncode == 2
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith('error: [INVALID_REQUEST] invalid service type: ek (did you mean "eks"? valid: ')
    assert "gke" in line and line.count("valid:") == 1


_GC_PROBE = """
import gc, runpy, sys
script = sys.argv[1]
sys.argv = [script, *sys.argv[2:]]
import aicr.cli.main as main  # through the console script's own start-up below
main.os._exit = lambda code: (sys.stderr.write(f"gc={gc.get_threshold()[0]}\\n"), sys.exit(code))
runpy.run_path(script, run_name="__main__")
"""


def test_only_the_console_script_raises_the_gc_threshold() -> None:
    """D18: `aicr` runs with a young-generation threshold of 10,000; importing the CLI elsewhere
    leaves the interpreter's default."""
    import gc

    from aicr.cli import GC_THRESHOLD

    assert gc.get_threshold()[0] != GC_THRESHOLD  # this test process imported aicr.cli
    proc = subprocess.run(
        [sys.executable, "-c", _GC_PROBE, AICR, "recipe", *EXAMPLE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"gc={GC_THRESHOLD}" in proc.stderr.splitlines()
