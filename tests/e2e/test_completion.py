"""`aicr completion`: every shell's script, and bash completing flag values for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aicr


def script(shell: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICR_")}
    proc = subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", "completion", shell], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def bash_complete(tmp_path: Path, words: list[str]) -> list[str]:
    """COMPREPLY of the generated bash completion for `words` (the last one being completed)."""
    path = tmp_path / "aicr.bash"
    path.write_text(script("bash"))
    driver = (
        f"source {path}\n"
        f"COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}\n"
        'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}\n'
        "fn=$(complete -p aicr | sed -E 's/.*-F ([^ ]+).*/\\1/')\n"
        '"$fn" aicr "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return sorted(line for line in proc.stdout.splitlines() if line)


def test_bash_completes_criteria_values_from_the_catalog(tmp_path: Path) -> None:
    services = sorted(aicr.load_catalog().allowed_values()["service"] - {"any"})
    assert bash_complete(tmp_path, ["aicr", "recipe", "--service", "''"]) == services
    assert bash_complete(tmp_path, ["aicr", "recipe", "--service", "e"]) == [
        s for s in services if s.startswith("e")
    ]


def test_bash_completes_deployers_and_phases(tmp_path: Path) -> None:
    from aicr.bundle.options import DEPLOYERS

    assert bash_complete(tmp_path, ["aicr", "bundle", "--deployer", "''"]) == sorted(DEPLOYERS)
    assert bash_complete(tmp_path, ["aicr", "validate", "--phase", "c"]) == ["conformance"]


def test_bash_completes_the_formats_of_each_command(tmp_path: Path) -> None:
    assert bash_complete(tmp_path, ["aicr", "verify", "--format", "''"]) == ["json", "text"]
    assert bash_complete(tmp_path, ["aicr", "validate", "--format", "''"]) == ["json", "table", "yaml"]


def test_zsh_and_fish_carry_the_values() -> None:
    assert ":(aks " in script("zsh") or "(aks " in script("zsh")
    fish = script("fish")
    assert "-l deployer -x -a 'argocd argocd-helm fleet flux helm helmfile'" in fish


def test_powershell_script_registers_a_completer_with_values() -> None:
    ps = script("powershell")
    assert "Register-ArgumentCompleter -Native -CommandName aicr" in ps
    assert "'bundle --deployer' = @('argocd', 'argocd-helm', 'fleet', 'flux', 'helm', 'helmfile')" in ps
    assert "'recipe' = @(" in ps and "'--service'" in ps


def test_unknown_shell_is_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", "completion", "tcsh"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "bash, zsh, fish, powershell" in proc.stderr


def test_profile_values_come_from_the_declared_profiles() -> None:
    from aicr.cli.completion import value_table

    assert value_table()["--profile"] == (
        "gpuStack=azure-managed",
        "gpuStack=driver-installer",
        "gpuStack=gke-default",
        "gpuStack=oci-default",
        "gpuStack=operator-managed",
        "gpuStack=operator-plugin",
    )
    assert "gpuStack=gke-default" in script("fish")


def test_bash_completes_the_flags_of_nested_subcommands(tmp_path: Path) -> None:
    assert bash_complete(tmp_path, ["aicr", "mirror", "list", "--format", "''"]) == [
        "hauler",
        "json",
        "yaml",
        "zarf",
    ]
    assert bash_complete(tmp_path, ["aicr", "mirror", "list", "-f", "h"]) == ["hauler"]
    assert bash_complete(tmp_path, ["aicr", "recipe", "list", "--service", "ek"]) == ["eks"]


def test_fish_scopes_nested_subcommand_flags_to_their_parent() -> None:
    text = script("fish")
    assert (
        "complete -c aicr -n '__fish_seen_subcommand_from mirror; and __fish_seen_subcommand_from list' "
        "-l format -x -a 'yaml json hauler zarf'"
    ) in text
