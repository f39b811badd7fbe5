"""`aicr mirror list` end to end: real Helm renders charts pulled from a local HTTP repository and
a real OCI registry; goldens for every format; best-effort warnings; input errors exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from aicr.cli.main import main

TESTS = Path(__file__).resolve().parents[2]
GOLDEN = TESTS / "golden" / "mirror"
SCHEMAS = TESTS / "schemas"


def mirror_list(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["mirror", "list", *args])
    out, err = capsys.readouterr()
    return code, out, err


def stable(text: str, chart_repo: str, oci_charts: str) -> str:
    """Output with the session's loopback ports replaced by fixed names (goldens compare this)."""
    return text.replace(chart_repo.rstrip("/"), "http://charts.test").replace(
        oci_charts.split("/")[2], "registry.test"
    )


def run_recipe(
    capsys: pytest.CaptureFixture[str], inputs: tuple[Path, Path], *args: str
) -> tuple[int, str, str]:
    data, recipe = inputs
    return mirror_list(capsys, "-r", str(recipe), "--data", str(data), "--plain-http", *args)


@pytest.mark.parametrize(("fmt", "golden"), [("yaml", "list.yaml"), ("json", "list.json"),
                                             ("hauler", "hauler.yaml"), ("zarf", "zarf.yaml")])  # fmt: skip
def test_output_matches_golden(
    capsys: pytest.CaptureFixture[str],
    mirror_inputs: tuple[Path, Path],
    chart_repo: str,
    oci_charts: str,
    update_goldens: bool,
    fmt: str,
    golden: str,
) -> None:
    code, out, _err = run_recipe(capsys, mirror_inputs, "-f", fmt)
    assert code == 0
    text = stable(out, chart_repo, oci_charts)
    path = GOLDEN / golden
    if update_goldens:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def test_images_come_from_containers_init_containers_crd_descriptors_and_manifests(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, out, _err = run_recipe(capsys, mirror_inputs)
    demo = yaml.safe_load(out)["components"][0]
    assert demo["component"] == "demo"
    assert demo["images"] == [
        "docker.io/library/busybox:1.37",
        "nvcr.io/nvidia/driver:580.95.05",
        "nvcr.io/nvidia/k8s/container-toolkit:v1.17.8-ubuntu20.04",
        "quay.io/example/hook:0.1",
        "registry.example.com/demo/app:1.0.0",
    ]


def test_oci_chart_is_pulled_from_the_registry_and_rendered(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, out, _err = run_recipe(capsys, mirror_inputs, "-f", "json")
    oci = json.loads(out)["components"][1]
    assert oci == {"component": "oci-demo", "type": "helm", "images": ["ghcr.io/example/agent:v2"]}


def test_unrenderable_and_missing_charts_are_warnings_and_exit_zero(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    code, out, err = run_recipe(capsys, mirror_inputs, "-f", "json")
    broken, ghost = json.loads(out)["components"][2:4]
    assert code == 0
    assert broken["images"] == [] and "this chart refuses to render" in broken["warnings"][0]
    assert broken["warnings"][0].startswith("helm template failed:")
    assert ghost["warnings"] == [
        f'chart pull failed: chart "ghost" version "9.9.9" not found in repository {ghost_repo(out)}'
    ]
    assert "component=ghost" in err and "component=broken" in err


def ghost_repo(out: str) -> str:
    charts = json.loads(out)["charts"]
    return str(next(c["repository"] for c in charts if c["name"] == "ghost"))


def test_set_enabled_false_on_a_descriptor_drops_its_image(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, out, _err = run_recipe(capsys, mirror_inputs, "--set", "demo:driver.enabled=false")
    images = yaml.safe_load(out)["images"]
    assert "nvcr.io/nvidia/driver:580.95.05" not in images
    assert "nvcr.io/nvidia/k8s/container-toolkit:v1.17.8-ubuntu20.04" in images


def test_set_through_an_alias_changes_the_rendered_image(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, out, _err = run_recipe(capsys, mirror_inputs, "--set", "ocidemo:tag=v3", "-f", "json")
    assert json.loads(out)["components"][1]["images"] == ["ghcr.io/example/agent:v3"]


def test_set_enabled_false_removes_the_component_and_its_chart(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, out, _err = run_recipe(capsys, mirror_inputs, "--set", "ghost:enabled=false", "-f", "json")
    doc = json.loads(out)
    assert "ghost" not in [c["component"] for c in doc["components"]]
    assert "ghost" not in [c["name"] for c in doc["charts"]]


def test_hauler_and_zarf_outputs_validate_against_their_schemas(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    _code, hauler_text, _err = run_recipe(capsys, mirror_inputs, "-f", "hauler")
    _code, zarf_text, _err = run_recipe(capsys, mirror_inputs, "-f", "zarf")
    pairs = [*zip(("hauler-images.json", "hauler-charts.json"), yaml.safe_load_all(hauler_text), strict=True),
             ("zarf-package-config.json", yaml.safe_load(zarf_text))]  # fmt: skip
    for name, doc in pairs:
        schema = json.loads((SCHEMAS / name).read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(doc)


def test_output_file_receives_the_list(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "zarf.yaml"
    code, out, _err = run_recipe(capsys, mirror_inputs, "-f", "zarf", "-o", str(target))
    assert code == 0 and out == ""
    assert yaml.safe_load(target.read_text())["kind"] == "ZarfPackageConfig"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-r", "/nonexistent/recipe.yaml"], "recipe file not found"),
        (["-r", "RECIPE", "-f", "xml"], 'unknown output format: "xml"'),
        (["-r", "RECIPE", "--service", "eks"], "--recipe cannot be combined with criteria flags (--service)"),
        (["-r", "RECIPE", "--set", "nosuch:x=1"], 'unknown component "nosuch"'),
        (["-r", "RECIPE", "--set", "demo"], "invalid format 'demo'"),
        ([], "no criteria provided"),
    ],
)
def test_malformed_input_exits_2(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path], args: list[str], message: str
) -> None:
    data, recipe = mirror_inputs
    argv = [str(recipe) if a == "RECIPE" else a for a in args]
    code, out, err = mirror_list(capsys, *argv, "--data", str(data))
    assert code == 2
    assert out == ""
    assert message in err


def test_malformed_image_descriptor_in_a_chart_exits_2(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path]
) -> None:
    # the template writes the version unquoted: 580.95 renders as a YAML number
    code, out, err = run_recipe(capsys, mirror_inputs, "--set", "demo:driver.version=580.95")
    assert code == 2 and out == ""
    assert "invalid structured image descriptor at ClusterPolicy/cluster-policy.spec.driver" in err


def test_real_cli_keeps_stdout_for_data_and_warnings_on_stderr(
    mirror_inputs: tuple[Path, Path], helm_home_dir: str
) -> None:
    import os
    import subprocess
    import sys

    data, recipe = mirror_inputs
    import aicr

    src = str(Path(aicr.__file__).resolve().parents[1])  # this tree's src/, whatever is installed
    env = {**os.environ, "HOME": helm_home_dir, "PYTHONPATH": src}
    proc = subprocess.run(
        [sys.executable, "-m", "aicr.cli.main", "mirror", "list", "-r", str(recipe), "--data", str(data),
         "--plain-http", "-f", "hauler"],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [d["kind"] for d in yaml.safe_load_all(proc.stdout)] == ["Images", "Charts"]
    assert "component=ghost" in proc.stderr and "warning" not in proc.stdout


def test_chart_sources_on_private_addresses_are_refused_without_the_opt_in(
    capsys: pytest.CaptureFixture[str], mirror_inputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # mirror list pulls through the same guarded pullers as `bundle --vendor-charts`
    monkeypatch.delenv("AICR_VENDOR_ALLOW_LOOPBACK")
    code, out, _err = run_recipe(capsys, mirror_inputs, "-f", "json")
    assert code == 0  # best effort: each component warns
    components = json.loads(out)["components"]
    helm = [c for c in components if c["type"] == "helm"]
    assert helm and all("AICR_VENDOR_ALLOW_LOOPBACK" in c["warnings"][0] for c in helm), helm
    images = [i for c in helm for i in c["images"]]
    assert "docker.io/library/busybox:1.37" not in images  # nothing rendered from a refused chart
