"""`--config`: flag > environment variable > config > default, for every command that reads it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from aicr.cli.config_apply import apply_config, command_defaults
from aicr.cli.main import main
from aicr.cli.parser import build_parser
from aicr.config.bindings import Binding, CommandConfig
from aicr.errors import AicrError, Code

ENVS = ("AICR_NAMESPACE", "AICR_CRITERIA_STRICT", "AICR_VALIDATOR_IMAGE", "AICR_IMAGE")


def _config(tmp_path: Path, spec: str) -> str:
    path = tmp_path / "aicr-config.yaml"
    path.write_text(f"kind: AICRConfig\napiVersion: aicr.run/v1beta1\nspec:\n{spec}")
    return str(path)


def _resolve(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], config: str, env: dict[str, str]
) -> argparse.Namespace:
    for name in ENVS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    parser = build_parser(only=argv[0])
    args = parser.parse_args([*argv, "--config", config])
    apply_config(args, command_defaults(parser, argv[0]))
    return args


# (extra flags, environment, does the config carry the key, expected value)
Case = tuple[list[str], dict[str, str], bool, Any]


def _cases(
    flag: list[str], env: dict[str, str], flag_value: Any, env_value: Any, cfg: Any, default: Any
) -> list[Case]:
    rows: list[Case] = [(flag, env, True, flag_value)]
    if env:
        rows.append(([], env, True, env_value))
    rows += [([], {}, True, cfg), ([], {}, False, default)]
    return rows


SNAPSHOT = _cases(
    ["-n", "from-flag"], {"AICR_NAMESPACE": "from-env"}, "from-flag", "from-env", "from-config", "default"
)


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), SNAPSHOT)
def test_snapshot_namespace_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: str,
) -> None:
    key = "namespace: from-config" if carried else "jobName: j"
    config = _config(tmp_path, f"  snapshot:\n    agent: {{{key}}}\n")
    assert _resolve(monkeypatch, ["snapshot", *flags], config, env).namespace == expected


RECIPE = _cases(["--criteria-strict=false"], {"AICR_CRITERIA_STRICT": "true"}, False, True, True, False)


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), RECIPE)
def test_recipe_criteria_strict_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: bool,
) -> None:
    key = "criteriaStrict: true" if carried else "data: ./d"
    config = _config(tmp_path, f"  recipe:\n    {key}\n")
    assert _resolve(monkeypatch, ["recipe", *flags], config, env).criteria_strict is expected


QUERY = _cases(["--service", "gke"], {}, "gke", None, "eks", None)


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), QUERY)
def test_query_service_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: str | None,
) -> None:
    key = "criteria: {service: eks}" if carried else "data: ./d"
    config = _config(tmp_path, f"  recipe:\n    {key}\n")
    assert _resolve(monkeypatch, ["query", *flags], config, env).service == expected


BUNDLE = _cases(["-d", "flux"], {}, "flux", None, "argocd", "helm")


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), BUNDLE)
def test_bundle_deployer_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: str,
) -> None:
    key = "deployment: {deployer: argocd}" if carried else "input: {recipe: r.yaml}"
    config = _config(tmp_path, f"  bundle:\n    {key}\n")
    assert _resolve(monkeypatch, ["bundle", *flags], config, env).deployer == expected


VALIDATE = _cases(
    ["-n", "from-flag"],
    {"AICR_NAMESPACE": "from-env"},
    "from-flag",
    "from-env",
    "from-config",
    "aicr-validation",
)


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), VALIDATE)
def test_validate_namespace_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: str,
) -> None:
    key = "namespace: from-config" if carried else "jobName: j"
    config = _config(tmp_path, f"  validate:\n    agent: {{{key}}}\n")
    assert _resolve(monkeypatch, ["validate", *flags], config, env).namespace == expected


VERIFY = _cases(["--min-trust-level", "unknown"], {}, "unknown", None, "attested", "max")


@pytest.mark.parametrize(("flags", "env", "carried", "expected"), VERIFY)
def test_verify_min_trust_level_precedence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    env: dict[str, str],
    carried: bool,
    expected: str,
) -> None:
    key = "policy: {minTrustLevel: attested}" if carried else "trust: {trustRoot: keys}"
    config = _config(tmp_path, f"  verify:\n    {key}\n")
    assert _resolve(monkeypatch, ["verify", "b", *flags], config, env).min_trust_level == expected


def test_a_cli_list_replaces_the_config_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, "  bundle:\n    deployment: {set: ['a:x=1', 'b:y=2']}\n")
    assert _resolve(monkeypatch, ["bundle", "--set", "c:z=3"], config, {}).set == ["c:z=3"]


def test_config_maps_become_key_value_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(
        tmp_path, "  bundle:\n    scheduling: {systemNodeSelector: {pool: sys, zone: a}, nodes: 8}\n"
    )
    args = _resolve(monkeypatch, ["bundle"], config, {})
    assert args.system_node_selector == ["pool=sys", "zone=a"] and args.nodes == "8"


def test_config_false_overrides_a_true_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, "  validate:\n    execution: {failOnError: false}\n")
    assert _resolve(monkeypatch, ["validate"], config, {}).fail_on_error is False


def test_explicit_flag_equal_to_its_default_still_beats_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, "  validate:\n    execution: {failOnError: false}\n")
    assert _resolve(monkeypatch, ["validate", "--fail-on-error=true"], config, {}).fail_on_error is True


def test_a_key_this_version_cannot_honour_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, "  snapshot:\n    agent: {requests: 'cpu=1'}\n")
    with pytest.raises(AicrError) as err:
        _resolve(monkeypatch, ["snapshot"], config, {})
    assert err.value.code is Code.INVALID_REQUEST
    assert "spec.snapshot.agent.requests is not supported by this version" in err.value.message


def test_query_leaves_the_recipe_output_to_aicr_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(
        tmp_path, "  recipe:\n    criteria: {service: eks}\n    output: {path: r.yaml, format: json}\n"
    )
    args = _resolve(monkeypatch, ["query"], config, {})
    assert args.service == "eks" and args.format == "yaml"


def test_a_criteria_file_flag_beats_config_criteria(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, "  recipe:\n    criteria: {service: eks}\n")
    assert _resolve(monkeypatch, ["recipe", "-c", "c.yaml"], config, {}).service is None


def test_recipe_runs_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "recipe.yaml"
    spec = f"  recipe:\n    criteria: {{service: eks, accelerator: h100, intent: training}}\n    output: {{path: {out}}}\n"
    assert main(["recipe", "--config", _config(tmp_path, spec)]) == 0
    assert "service: eks" in out.read_text() and "accelerator: h100" in out.read_text()


def test_a_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, "  bundle:\n    deployment: {deployr: helm}\n")
    assert main(["bundle", "--config", config]) == 2
    assert "spec.bundle.deployment.deployr: unknown field" in capsys.readouterr().err


def test_another_command_can_apply_a_section_with_its_own_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, "  recipe:\n    data: ./catalog\n")
    args = argparse.Namespace(config=config, command="mirror", data=None)
    table = CommandConfig("recipe", (Binding("data", "data"),))
    apply_config(args, lambda dest: None, table, "mirror list")
    assert args.data == "./catalog"
