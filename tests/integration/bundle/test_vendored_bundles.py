"""`--vendor-charts` end to end: every deployer's bundle carries and points at the vendored charts.

The fixture catalog's eks/training recipe is rewritten to pull its HTTP charts from a loopback
chart repository and its OCI chart (kai-scheduler) from a real docker-registry; the charts are
packaged by real Helm. Each bundle must render, lint and validate (as in test_bundle_render),
never name a chart repository where a deployer would fetch from it, and verify; its tree shape
is a golden (tests/golden/bundle/vendored/<deployer>.txt, refreshed by --update-goldens).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml
from tests.integration.bundle.bundle_support import DEPLOYERS, GOLDEN, fixture_recipe
from tests.integration.bundle.chart_repos import default_image, make_chart
from tests.integration.bundle.test_bundle_render import Checker, check_bundle
from tests.support.chart_server import ChartServer
from tests.support.oci_registry import LocalRegistry

import aicr
from aicr.bundle.api import plan_bundle, vendored_images
from aicr.bundle.options import BundleOptions
from aicr.bundle.publish import SupplyChain
from aicr.bundle.tree import write_bundle
from aicr.bundle.vendor import VendoredChart
from aicr.cli.main import main
from aicr.errors import AicrError, Code

OPTIONS: dict[str, dict[str, Any]] = {
    "helm": {},
    "helmfile": {},
    "argocd": {"repo": "https://github.com/example/aicr-bundles.git"},
    "argocd-helm": {},
    "flux": {"repo": "https://github.com/example/aicr-bundles.git"},
    "fleet": {"repo": "https://github.com/example/aicr-bundles.git"},
}
# Files that may name the chart repositories: the recipe, the provenance record, the README table.
RECORDS = ("recipe.yaml", "provenance.yaml", "README.md")


class Sources:
    """The rewritten recipe and where its charts are served."""

    def __init__(self, doc: dict[str, Any], http_url: str, oci_url: str, hosts: list[str]) -> None:
        self.doc = doc
        self.http_url = http_url
        self.oci_url = oci_url
        self.hosts = hosts


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, fixture_catalog: aicr.Catalog) -> Iterator[Sources]:
    root = tmp_path_factory.mktemp("vendor-charts")
    doc = fixture_recipe(fixture_catalog).to_dict()
    upstream = [r for r in doc["componentRefs"] if r.get("source")]
    oci_archives = []
    for ref in upstream:
        archive = make_chart(root, ref["chart"], ref["version"])
        if ref["source"].startswith("oci://"):
            oci_archives.append(archive)
            archive.rename(root / archive.name)  # not in the HTTP repository
    with LocalRegistry(root / "registry") as reg, ChartServer(root / "dist") as server:
        with helm.RegistryClient(plain_http=True) as client:
            for archive in oci_archives:
                client.push(str(root / archive.name), f"oci://{reg.host}/charts")
        oci_url = f"oci://{reg.host}/charts"
        for ref in upstream:
            ref["source"] = oci_url if ref["source"].startswith("oci://") else server.url
        yield Sources(doc, server.url, oci_url, [server.url.rstrip("/").split("//", 1)[1], reg.host])


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test repositories are on 127.0.0.1: the documented opt-in lets aicr pull from them."""
    monkeypatch.setenv("AICR_VENDOR_ALLOW_LOOPBACK", "true")


def build(sources: Sources, catalog: aicr.Catalog, out: Path, deployer: str, **extra: Any) -> Path:
    options = {**OPTIONS[deployer], "vendor_charts": True, **extra.pop("options", {})}
    aicr.build_bundle(sources.doc, out, deployer=deployer, catalog=catalog, options=options, **extra)
    return out


def tree_shape(root: Path) -> str:
    return "".join(p.relative_to(root).as_posix() + "\n" for p in sorted(root.rglob("*")) if p.is_file())


@pytest.mark.parametrize("deployer", DEPLOYERS)
def test_vendored_bundle_renders_validates_and_names_no_chart_repository(
    deployer: str,
    sources: Sources,
    fixture_catalog: aicr.Catalog,
    schemas: dict[str, Any],
    update_goldens: bool,
    tmp_path: Path,
) -> None:
    root = build(sources, fixture_catalog, tmp_path / "b", deployer)
    check = Checker(schemas)
    check_bundle(root, deployer, check)
    assert check.validated.get("Deployment", 0) == 5, check.validated  # one per vendored chart
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name not in RECORDS and path.suffix != ".tgz":
            text = path.read_text()
            for host in sources.hosts:
                assert host not in text, f"{path.relative_to(root)} still points at {host}"
    golden = GOLDEN / "vendored" / f"{deployer}.txt"
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(tree_shape(root))
        return
    assert tree_shape(root) == golden.read_text()


def test_provenance_records_each_chart_and_checksums_cover_the_archives(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    root = build(sources, fixture_catalog, tmp_path / "b", "helm")
    doc = yaml.safe_load((root / "provenance.yaml").read_text().split("---\n", 1)[1])
    assert doc["kind"] == "BundleProvenance"
    records = doc["vendoredCharts"]
    assert [r["name"] for r in records] == sorted(r["name"] for r in records)
    assert {r["name"] for r in records} == {
        "aws-ebs-csi-driver", "cert-manager", "gpu-operator", "kai-scheduler", "skyhook-operator",
    }  # fmt: skip
    checksums = (root / "checksums.txt").read_text()
    for record in records:
        assert set(record) == {
            "name",
            "chart",
            "version",
            "repository",
            "sha256",
            "tarballName",
            "pullerVersion",
        }
        (archive,) = root.glob(f"*-{record['name']}/charts/{record['tarballName']}")
        assert hashlib.sha256(archive.read_bytes()).hexdigest() == record["sha256"]
        assert f"{record['sha256']}  {archive.relative_to(root).as_posix()}\n" in checksums
    kai = next(r for r in records if r["name"] == "kai-scheduler")
    assert kai["repository"] == sources.oci_url and kai["tarballName"] == "kai-scheduler-v0.13.0.tgz"
    assert "  provenance.yaml\n" in checksums
    info = yaml.safe_load((root / "bundle-info.yaml").read_text().split("---\n", 1)[1])
    assert info["build"]["settings"]["vendorCharts"] is True
    assert info["layout"]["provenance"] == "provenance.yaml"


def test_vendored_wrapper_installs_the_archive_with_the_component_values(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    root = build(
        sources, fixture_catalog, tmp_path / "b", "helm", options={"set": ["certmanager:replicas=3"]}
    )
    folder = next(root.glob("*-cert-manager"))
    chart = yaml.safe_load((folder / "Chart.yaml").read_text())
    assert chart["dependencies"] == [{"name": "cert-manager", "version": "v1.17.2", "alias": "cert-manager"}]
    assert "./" in (folder / "install.sh").read_text() and not (folder / "upstream.env").exists()
    values = yaml.safe_load((folder / "values.yaml").read_text().split("---\n", 1)[1])
    with helm.Chart.load(str(folder)) as loaded:
        rendered = loaded.render(values, name="cert-manager", namespace="cert-manager")
    deployment = next(t for p, t in rendered.items() if p.endswith("deployment.yaml"))
    assert "replicas: 3" in deployment


def test_sbom_lists_the_images_of_the_rendered_vendored_charts(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    custom = "nvcr.io/nvidia/custom-operator:v1.0"
    root = build(
        sources, fixture_catalog, tmp_path / "b", "helm",
        options={"set": [f"gpuoperator:image={custom}"]}, chain=SupplyChain(sbom=True),
    )  # fmt: skip
    bom = json.loads((root / "sbom.cdx.json").read_text())
    containers = {c["name"]: c["purl"] for c in bom["components"] if c["type"] == "container"}
    expected = {custom, "docker.io/library/busybox:1.36"} | {
        default_image(r["chart"], r["version"])
        for r in sources.doc["componentRefs"]
        if r.get("source") and r["name"] != "gpu-operator"
    }
    assert set(containers) == expected
    assert containers[custom] == "pkg:oci/custom-operator@v1.0?repository_url=nvcr.io/nvidia/custom-operator"


def test_verify_passes_and_a_tampered_archive_fails_against_provenance(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build(sources, fixture_catalog, tmp_path / "b", "helm")
    assert aicr.verify_bundle(root).passed
    (archive,) = root.glob("*-gpu-operator/charts/gpu-operator-v25.3.3.tgz")
    archive.write_bytes(archive.read_bytes() + b"\0")
    rel = archive.relative_to(root).as_posix()
    lines = (root / "checksums.txt").read_text().splitlines(keepends=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    fixed = [f"{digest}  {rel}\n" if line.endswith(f"  {rel}\n") else line for line in lines]
    (root / "checksums.txt").write_text("".join(fixed))  # checksums alone would now pass
    assert main(["verify", str(root)]) == 4
    captured = capsys.readouterr()
    assert f"vendored chart archive mismatch: {rel}" in captured.out + captured.err


def test_missing_chart_version_exits_3_naming_it_and_leaves_no_output(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    doc = json.loads(json.dumps(sources.doc))
    ref = next(r for r in doc["componentRefs"] if r["name"] == "cert-manager")
    ref["version"] = "v9.9.9"
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(yaml.safe_dump(doc))
    out = tmp_path / "out"
    with pytest.raises(AicrError) as err:
        aicr.build_bundle(doc, out, catalog=fixture_catalog, options={"vendor_charts": True})
    assert err.value.code is Code.NOT_FOUND
    assert '"cert-manager" version "v9.9.9"' in err.value.message
    assert not out.exists()


def test_cli_missing_chart_version_exits_3_and_leaves_the_output_directory_empty(
    sources: Sources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "recipe.yaml"
    doc = (
        aicr.load_catalog()
        .resolve(aicr.Criteria(service="eks", intent="training"), version="v0.1.0")
        .to_dict()
    )
    for ref in doc["componentRefs"]:
        if ref.get("source"):
            ref["source"] = sources.http_url  # the test repository holds none of these versions
    recipe.write_text(yaml.safe_dump(doc))
    out = tmp_path / "out"
    out.mkdir()
    assert main(["bundle", "-r", str(recipe), "-o", str(out), "--vendor-charts"]) == 3
    err = capsys.readouterr().err
    assert "not found in repository" in err and '" version "' in err
    assert list(out.iterdir()) == []


def test_loopback_repository_is_refused_without_the_opt_in(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AICR_VENDOR_ALLOW_LOOPBACK")
    with pytest.raises(AicrError) as err:
        build(sources, fixture_catalog, tmp_path / "b", "helm")
    assert err.value.code is Code.INVALID_REQUEST and "loopback" in err.value.message
    assert not (tmp_path / "b").exists()


def test_fleet_helmop_mode_refuses_vendored_charts(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    with pytest.raises(AicrError) as err:
        build(sources, fixture_catalog, tmp_path / "b", "fleet", options={"fleet_mode": "helmop"})
    assert err.value.code is Code.INVALID_REQUEST and "--vendor-charts" in err.value.message


def test_a_vendored_crd_owner_applies_its_crds_from_the_archive(
    fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    """kai-scheduler (ownsCRDs, on its registry chart) keeps apply-crds.sh, reading the vendored archive."""
    archive = make_chart(tmp_path, "kai-scheduler", "v0.13.0")

    def pull(comp: Any) -> VendoredChart:
        data = archive.read_bytes() if comp.name == "kai-scheduler" else b"archive"
        return VendoredChart(comp.chart_name, comp.version, comp.source, comp.source, data, comp.name)

    doc = fixture_recipe(fixture_catalog).to_dict()
    opts = BundleOptions.parse("helm", {"vendor_charts": True})
    tree, _output, _plan = plan_bundle(doc, fixture_catalog, opts, aicr_version="v0.1.0", pull=pull)
    write_bundle(tree, str(tmp_path / "b"))
    (folder,) = (tmp_path / "b").glob("*-kai-scheduler")
    script = (folder / "apply-crds.sh").read_text()
    assert (
        """CHART="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"/'charts/kai-scheduler-v0.13.0.tgz'"""
        in script
    )
    assert "REPO=''" in script and "oci://" not in script
    assert "bash ./apply-crds.sh\n" in (folder / "install.sh").read_text()
    lint = subprocess.run(["shellcheck", "-s", "bash", str(folder / "apply-crds.sh"), str(folder / "install.sh")],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert lint.returncode == 0, lint.stdout


def test_a_removed_archive_fails_verify_even_with_checksums_rewritten(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    root = build(sources, fixture_catalog, tmp_path / "b", "flux")
    (archive,) = root.glob("cert-manager/charts/*.tgz")
    rel = archive.relative_to(root).as_posix()
    archive.unlink()
    archive.parent.rmdir()
    lines = (root / "checksums.txt").read_text().splitlines(keepends=True)
    (root / "checksums.txt").write_text("".join(line for line in lines if not line.endswith(f"  {rel}\n")))
    result = aicr.verify_bundle(root)
    assert not result.passed
    assert result.errors == [f"vendored chart archive not found: cert-manager/charts/{archive.name}"]
    error = result.error()
    assert error is not None and error.code is Code.UNAUTHORIZED  # exit 4


def test_vendoring_the_same_charts_twice_gives_identical_bundles(
    sources: Sources, fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    first = build(sources, fixture_catalog, tmp_path / "one", "argocd")
    second = build(sources, fixture_catalog, tmp_path / "two", "argocd")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_a_vendored_chart_that_does_not_render_fails_the_sbom_naming_the_component(
    fixture_catalog: aicr.Catalog, tmp_path: Path
) -> None:
    make_chart(tmp_path, "broken", "1.0.0")  # the chart directory, then broken below
    chart_dir = tmp_path / "broken-1.0.0" / "broken"
    (chart_dir / "templates" / "fail.yaml").write_text('{{ required "needs .Values.token" .Values.token }}\n')
    archive = Path(helm.package(str(chart_dir), destination=str(tmp_path / "again")))

    def pull(comp: Any) -> VendoredChart:
        return VendoredChart("broken", "1.0.0", comp.source, comp.source, archive.read_bytes(), comp.name)

    opts = BundleOptions.parse("helm", {"vendor_charts": True})
    doc = fixture_recipe(fixture_catalog).to_dict()
    _tree, _output, plan = plan_bundle(doc, fixture_catalog, opts, aicr_version="v0.1.0", pull=pull)
    with pytest.raises(AicrError) as err:
        vendored_images(plan)
    assert err.value.code is Code.INVALID_REQUEST
    assert 'component "aws-ebs-csi-driver": chart broken-1.0.0.tgz does not render' in err.value.message
