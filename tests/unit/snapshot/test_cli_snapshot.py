"""`aicr snapshot` flag handling and local mode through the CLI (reference/snapshot.md §3, §7 #21-#25)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aicr.cli.main import main
from aicr.cli.snapshot import parse_duration
from aicr.errors import AicrError
from aicr.io.uris import parse_configmap_uri
from aicr.snapshot.agent_spec import parse_node_selector, parse_toleration


@pytest.fixture(autouse=True)
def no_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in (
        "KUBECONFIG",
        "KUBERNETES_SERVICE_HOST",
        "AICR_AGENT_MODE",
        "AICR_REQUIRE_GPU",
        "AICR_RUNTIME_CLASS",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no nvidia-smi


@pytest.mark.parametrize(
    "argv",
    [
        ["--require-gpu", "--runtime-class", "x"],
        ["-t", "xml"],
        ["--template", "t.j2", "--format", "json"],
        ["--toleration", "key=value"],
        ["--toleration", "k=v:noschedule"],
        ["--node-selector", "foo"],
        ["-o", "a", "-o", "b"],
        ["--timeout", "soon"],
        ["--max-nodes-per-entry", "-1"],
        ["--privileged", "maybe"],
    ],
)
def test_invalid_flags_exit_2_and_write_nothing(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["snapshot", "--local", *argv]) == 2
    assert "error: [INVALID_REQUEST]" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_unknown_format_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--local", "-t", "xml"]) == 2
    assert 'unknown output format: "xml", valid formats are: yaml, json, table' in capsys.readouterr().err


def test_missing_template_is_not_found(tmp_path: Path) -> None:
    assert main(["snapshot", "--local", "--template", str(tmp_path / "missing.j2")]) == 3


def test_require_gpu_without_gpu_exits_3_and_leaves_the_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "snap.yaml"
    assert main(["snapshot", "--local", "--require-gpu", "-o", str(out)]) == 3
    assert not out.exists()
    out.write_text("previous\n")
    assert main(["snapshot", "--local", "--require-gpu=true", "-o", str(out)]) == 3
    assert out.read_text() == "previous\n"


def test_require_gpu_env_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICR_REQUIRE_GPU", "true")
    assert main(["snapshot", "--local", "-o", str(tmp_path / "s.yaml")]) == 3


def test_local_snapshot_to_file_yaml(tmp_path: Path) -> None:
    out = tmp_path / "snap.yaml"
    assert main(["snapshot", "--local", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\n")
    assert "  - type: OS\n" in text and "gpu-count: 0" in text


def test_agent_mode_env_means_local_and_json_goes_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AICR_AGENT_MODE", "true")
    assert main(["snapshot", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "Snapshot"
    assert [m["type"] for m in doc["measurements"]] == sorted(m["type"] for m in doc["measurements"])


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--local", "-t", "table"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["FIELD", "VALUE"]
    assert "Header.Kind" in out


def test_jinja2_template_renders_the_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.j2"
    template.write_text(
        "{{ kind }} {{ metadata.version }}\n"
        "{% for m in measurements %}{{ m.type }}{% if not loop.last %},{% endif %}{% endfor %}\n"
    )
    assert main(["snapshot", "--local", "--template", str(template)]) == 0
    assert capsys.readouterr().out == "Snapshot 0.1.0\nGPU,K8s,NodeTopology,OS,SystemD\n"


def test_template_syntax_error_is_invalid_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "bad.j2"
    template.write_text("{% for %}")
    assert main(["snapshot", "--local", "--template", str(template)]) == 2


def test_template_runtime_error_is_internal(tmp_path: Path) -> None:
    template = tmp_path / "bad.j2"
    template.write_text("{{ nosuch.field }}")
    assert main(["snapshot", "--local", "--template", str(template)]) == 8


def test_agent_mode_without_any_cluster_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot"]) == 2
    assert "no Kubernetes configuration found" in capsys.readouterr().err


def test_explicit_missing_kubeconfig_is_not_found(tmp_path: Path) -> None:
    assert main(["snapshot", "--kubeconfig", str(tmp_path / "nope")]) == 3


def test_invalid_configmap_output_uri_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--local", "-o", "cm://ns"]) == 2
    assert "invalid ConfigMap URI" in capsys.readouterr().err


def test_tolerations_and_node_selectors() -> None:
    assert parse_toleration("dedicated=user:NoSchedule") == {
        "key": "dedicated",
        "operator": "Equal",
        "value": "user",
        "effect": "NoSchedule",
    }
    assert parse_toleration("nvidia.com/gpu:NoSchedule") == {
        "key": "nvidia.com/gpu",
        "operator": "Exists",
        "effect": "NoSchedule",
    }
    for bad in ("key=value", "k=v:noschedule", "a:b:NoSchedule", ":NoSchedule"):
        with pytest.raises(AicrError):
            parse_toleration(bad)
    assert parse_node_selector(["label=key=value", "empty="]) == {"label": "key=value", "empty": ""}


@pytest.mark.parametrize(
    ("text", "seconds"), [("5m", 300), ("30s", 30), ("1h30m", 5400), ("500ms", 0.5), ("90", 90), ("1.5m", 90)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("cm://gpu-operator/aicr-snapshot", ("gpu-operator", "aicr-snapshot")),
        ("cm://gpu-operator / aicr-snapshot ", ("gpu-operator", "aicr-snapshot")),
    ],
)
def test_configmap_uri_grammar(uri: str, expected: tuple[str, str]) -> None:
    assert parse_configmap_uri(uri) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "gpu-operator/x",
        "http://ns/x",
        "cm://ns/",
        "cm:///x",
        "cm://ns",
        "cm://",
        "",
        "cm://a/b/c",
        "cm://ns/x\ny",
    ],
)
def test_invalid_configmap_uris(uri: str) -> None:
    with pytest.raises(AicrError, match="invalid ConfigMap URI"):
        parse_configmap_uri(uri)


FAST_CASES = [
    ["snapshot", "--local"],
    ["snapshot", "--local", "-o", "/tmp/x.yaml", "-t", "json"],
    ["--debug", "snapshot", "--local", "--output=-", "--format=table", "--log-json"],
    [
        "snapshot",
        "-n",
        "gpu-ops",
        "--image",
        "reg/aicr-agent:v1",
        "--node-selector",
        "a=b",
        "--node-selector",
        "c=",
        "--toleration",
        "k:NoSchedule",
        "--timeout",
        "30s",
        "--no-cleanup",
        "--privileged=false",
        "--require-gpu",
        "--max-nodes-per-entry",
        "5",
        "--image-pull-secret",
        "ngc",
        "-k",
        "/tmp/kc",
        "--job-name",
        "j",
        "--service-account-name",
        "sa",
        "--runtime-class",
        "nvidia",
        "--template",
        "t.j2",
    ],
    ["snapshot", "--require-gpu=false", "-o", "-"],
]
FALLBACK_CASES = [
    ["snapshot", "--help"],
    ["snapshot", "--loc"],
    ["snapshot", "--require-gpu", "true"],
    ["snapshot", "extra"],
    ["snapshot", "-o"],
    ["snapshot", "-ofile"],
    ["recipe", "--local"],
]


def _argparse_values(argv: list[str]) -> dict[str, object]:
    from aicr.cli.main import build_parser

    ns = build_parser(only="snapshot").parse_args(argv)
    return {k: v for k, v in vars(ns).items() if not k.startswith("_")}


@pytest.mark.parametrize("argv", FAST_CASES)
def test_fast_parser_agrees_with_argparse(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from aicr.cli.snapshot import parse_fast

    monkeypatch.setenv("AICR_NAMESPACE", "from-env")
    fast = parse_fast(argv)
    assert fast is not None
    fast_values = {k: v for k, v in vars(fast).items() if not k.startswith("_")}
    assert fast_values == _argparse_values(argv)


def test_fast_parser_rejects_a_repeated_single_value_flag_like_argparse() -> None:
    from aicr.cli.snapshot import parse_fast
    from aicr.errors import AicrError

    with pytest.raises(AicrError, match="flag --output can only be specified once"):
        parse_fast(["snapshot", "-o", "a", "-o", "b"])


@pytest.mark.parametrize("argv", FALLBACK_CASES)
def test_fast_parser_leaves_unusual_command_lines_to_argparse(argv: list[str]) -> None:
    from aicr.cli.snapshot import parse_fast

    assert parse_fast(argv) is None


def test_importing_the_snapshot_command_does_not_import_argparse() -> None:
    import subprocess
    import sys

    code = "import sys, aicr.cli.snapshot; print('argparse' in sys.modules)"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "False\n"
    )


@pytest.mark.parametrize("text", ["", "m", "5x", "1.2.3s", "-5m", "0", "5m3", "ms"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(AicrError, match="expected a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--job-name", "My_Job"], "--job-name"),
        (["-n", "Bad_NS"], "--namespace"),
        (["--service-account-name", "sa."], "--service-account-name"),
        (["-o", "cm://ns/x\ny"], "ConfigMap URI"),
    ],
)
def test_bad_object_names_exit_2_before_contacting_a_cluster(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snapshot", *argv]) == 2
    assert flag in capsys.readouterr().err
