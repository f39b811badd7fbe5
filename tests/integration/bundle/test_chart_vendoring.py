"""Pulling charts for --vendor-charts from a real HTTP chart repository and a real OCI registry.

Charts are packaged and indexed by real Helm (helm-python-sdk); the HTTP repository is a
loopback http.server thread; the OCI registry is Debian's docker-registry, pushed to by Helm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import helm_python as helm
import httpx
import pytest
import yaml
from tests.support.chart_server import ChartServer
from tests.support.oci_registry import LocalRegistry, free_port

from aicr.bundle import vendor
from aicr.errors import AicrError, Code
from aicr.io import oci


def make_chart(root: Path, name: str, version: str) -> Path:
    chart = root / f"{name}-{version}" / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n")
    (chart / "values.yaml").write_text("replicas: 1\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  r: '{{ .Values.replicas }}'\n"
    )
    return Path(helm.package(str(chart), destination=str(root / "dist")))


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repositories here are on 127.0.0.1: the documented opt-in lets aicr pull from them."""
    monkeypatch.setenv("AICR_VENDOR_ALLOW_LOOPBACK", "true")


@pytest.fixture(scope="module")
def chart_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("charts")
    make_chart(root, "demo", "1.2.3")
    make_chart(root, "demo", "1.3.0")
    with ChartServer(root / "dist") as server:
        yield server.url


def test_http_chart_is_pulled_and_its_digest_checked(chart_repo: str) -> None:
    with httpx.Client() as client:
        pulled = vendor.pull_http_chart(chart_repo, "demo", "1.2.3", client)
    assert pulled.filename == "demo-1.2.3.tgz"
    assert pulled.sha256 == hashlib.sha256(pulled.data).hexdigest()
    with helm.Chart.load(_write(pulled)) as chart:
        rendered = chart.render({}, name="r", namespace="ns")
    assert any("ConfigMap" in text for text in rendered.values())


def _write(pulled: vendor.VendoredChart) -> str:
    import tempfile

    path = Path(tempfile.mkdtemp()) / pulled.filename
    path.write_bytes(pulled.data)
    return str(path)


def test_a_leading_v_in_the_recipe_version_still_matches(chart_repo: str) -> None:
    with httpx.Client() as client:
        assert vendor.pull_http_chart(chart_repo, "demo", "v1.3.0", client).version == "1.3.0"


def test_missing_version_is_not_found_naming_chart_and_version(chart_repo: str) -> None:
    with httpx.Client() as client, pytest.raises(AicrError) as err:
        vendor.pull_http_chart(chart_repo, "demo", "9.9.9", client)
    assert err.value.code is Code.NOT_FOUND
    assert '"demo" version "9.9.9"' in err.value.message


def test_unreachable_repository_is_unavailable() -> None:
    with httpx.Client() as client, pytest.raises(AicrError) as err:
        vendor.pull_http_chart(f"http://127.0.0.1:{free_port()}/", "demo", "1.2.3", client)
    assert err.value.code is Code.UNAVAILABLE


def test_oci_chart_pushed_by_helm_is_pulled(tmp_path: Path) -> None:
    archive = make_chart(tmp_path, "ocidemo", "0.4.0+build.1")
    with LocalRegistry(tmp_path / "reg") as reg:
        with helm.RegistryClient(plain_http=True) as client:
            client.push(str(archive), f"oci://{reg.host}/charts")
        with oci.Registry(reg.host, plain_http=True, credentials=("", "")) as registry:
            pulled = vendor.pull_oci_chart(registry, f"oci://{reg.host}/charts", "ocidemo", "0.4.0+build.1")
            with pytest.raises(AicrError) as err:
                vendor.pull_oci_chart(registry, f"oci://{reg.host}/charts", "ocidemo", "0.5.0")
    assert pulled.data == archive.read_bytes()
    assert err.value.code is Code.NOT_FOUND


def test_provenance_records_every_chart_with_its_digest_sorted_by_name(chart_repo: str) -> None:
    with httpx.Client() as client:
        charts = [vendor.pull_http_chart(chart_repo, "demo", v, client) for v in ("1.3.0", "1.2.3")]
    charts[0].name, charts[1].name = "zeta", "alpha"
    doc = yaml.safe_load(vendor.provenance_yaml(charts, "v0.1.0").split("---\n", 1)[1])
    assert doc["kind"] == "BundleProvenance"
    assert [c["name"] for c in doc["vendoredCharts"]] == ["alpha", "zeta"]
    assert doc["vendoredCharts"][0] == {
        "name": "alpha",
        "chart": "demo",
        "version": "1.2.3",
        "repository": chart_repo,
        "sha256": charts[1].sha256,
        "tarballName": "demo-1.2.3.tgz",
        "pullerVersion": "v0.1.0",
    }
