"""Fixtures for `mirror list`: charts packaged by real Helm, served by a local HTTP chart repository
and pushed to a real OCI registry (Debian's docker-registry), and a `--data` catalog plus a
recipe whose components point at them.

Charts (all written here, see `CHARTS`):
- `demo` 1.0.0 (HTTP): a Deployment with an initContainer and a container, and a GPU Operator
  `ClusterPolicy` whose `driver` descriptor follows `.Values.driver.enabled`;
- `ocidemo` 0.4.0 (OCI): a DaemonSet;
- `broken` 1.0.0 (HTTP): a template that fails to render;
- `ghost` 9.9.9: in no repository.
The catalog gives `demo` a values file and a manifest (a CronJob whose image comes from the
component's values), so the wrapper-chart rendering path is covered too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import helm_python as helm
import pytest
from tests.support.chart_server import ChartServer
from tests.support.helm_home import helm_home, helm_home_dir  # noqa: F401  (fixtures)
from tests.support.oci_registry import LocalRegistry

from aicr.io.yamlout import dump

# release notes that are not YAML: must not become an extraction warning
NOTES = "Installed {{ .Release.Name }}:\n  - not: [yaml\n"
DEMO_TEMPLATES = {
    "deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      initContainers:
        - name: init
          image: {{ .Values.init.image }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
""",
    "NOTES.txt": NOTES,
    "clusterpolicy.yaml": """\
apiVersion: nvidia.com/v1
kind: ClusterPolicy
metadata:
  name: cluster-policy
spec:
  driver:
    enabled: {{ .Values.driver.enabled }}
    repository: nvcr.io/nvidia
    image: driver
    version: {{ .Values.driver.version }}
  toolkit:
    repository: nvcr.io/nvidia/k8s
    image: container-toolkit
    version: v1.17.8-ubuntu20.04
""",
}
DEMO_VALUES = (
    "image: {repository: registry.example.com/demo/app, tag: '1.0.0'}\n"
    "init: {image: 'busybox:1.37'}\n"
    "driver: {enabled: true, version: '580.95.05'}\n"
)
OCI_TEMPLATES = {
    "daemonset.yaml": """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - name: agent
          image: ghcr.io/example/agent:{{ .Values.tag }}
""",
}
BROKEN_TEMPLATES = {"fail.yaml": '{{ fail "this chart refuses to render" }}\n'}
HOOK_MANIFEST = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: demo-hook
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: hook
              image: {{ index .Values "demo" "hookImage" }}
"""


def make_chart(root: Path, name: str, version: str, templates: dict[str, str], values: str = "") -> Path:
    chart = root / "src" / f"{name}-{version}" / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n")
    (chart / "values.yaml").write_text(values or "tag: v2\n")
    for file, text in templates.items():
        (chart / "templates" / file).write_text(text)
    return Path(helm.package(str(chart), destination=str(root / "dist")))


@pytest.fixture(scope="session")
def chart_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`http://127.0.0.1:<port>/` serving demo and broken with a Helm-generated index.yaml."""
    root = tmp_path_factory.mktemp("mirror-charts")
    make_chart(root, "demo", "1.0.0", DEMO_TEMPLATES, DEMO_VALUES)
    make_chart(root, "broken", "1.0.0", BROKEN_TEMPLATES)
    with ChartServer(root / "dist") as server:
        yield server.url


@pytest.fixture(scope="session")
def oci_charts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oci://127.0.0.1:<port>/charts` holding ocidemo 0.4.0, pushed by Helm."""
    root = tmp_path_factory.mktemp("mirror-oci")
    archive = make_chart(root, "ocidemo", "0.4.0", OCI_TEMPLATES)
    with LocalRegistry(root / "registry") as registry:
        with helm.RegistryClient(plain_http=True) as client:
            client.push(str(archive), f"oci://{registry.host}/charts")
        yield f"oci://{registry.host}/charts"


def _ref(name: str, source: str, chart: str, version: str, **extra: object) -> dict[str, object]:
    return {"name": name, "namespace": name, "chart": chart, "type": "Helm", "source": source,
            "version": version, **extra}  # fmt: skip


@pytest.fixture(scope="session")
def mirror_inputs(
    tmp_path_factory: pytest.TempPathFactory, chart_repo: str, oci_charts: str
) -> tuple[Path, Path]:
    """(the --data catalog directory, the recipe file) of the synthetic mirror recipe."""
    root = tmp_path_factory.mktemp("mirror-inputs")
    data = root / "data"
    (data / "components" / "demo" / "manifests").mkdir(parents=True)
    registry = {
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "kind": "ComponentRegistry",
        "components": [
            {"name": n, "displayName": n, "valueOverrideKeys": [n.replace("-", "")] if n == "oci-demo" else [],
             "helm": {"defaultRepository": s, "defaultChart": c, "defaultVersion": v, "defaultNamespace": n}}
            for n, s, c, v in (
                ("demo", chart_repo, "demo", "1.0.0"),
                ("oci-demo", oci_charts, "ocidemo", "0.4.0"),
                ("broken", chart_repo, "broken", "1.0.0"),
                ("ghost", chart_repo, "ghost", "9.9.9"),
            )
        ],
    }  # fmt: skip
    (data / "registry.yaml").write_text(dump(registry))
    (data / "components" / "demo" / "values.yaml").write_text("hookImage: quay.io/example/hook:0.1\n")
    (data / "components" / "demo" / "manifests" / "hook.yaml").write_text(HOOK_MANIFEST)
    recipe = {
        "kind": "RecipeResult",
        "apiVersion": "aicr.nvidia.com/v1alpha1",
        "metadata": {"version": "v0.1.0"},
        "criteria": {"service": "eks", "accelerator": "h100", "intent": "training", "os": "any", "platform": "any"},
        "componentRefs": [
            _ref("demo", chart_repo, "demo", "1.0.0", valuesFile="components/demo/values.yaml",
                 manifestFiles=["components/demo/manifests/hook.yaml"]),
            _ref("oci-demo", oci_charts, "ocidemo", "0.4.0"),
            _ref("broken", chart_repo, "broken", "1.0.0"),
            _ref("ghost", chart_repo, "ghost", "9.9.9"),
        ],
        "deploymentOrder": ["demo", "oci-demo", "broken", "ghost"],
    }  # fmt: skip
    recipe_file = root / "recipe.yaml"
    recipe_file.write_text(dump(recipe))
    return data, recipe_file


@pytest.fixture(autouse=True)
def loopback_chart_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart pullers refuse loopback hosts unless opted in (docs/bundle.md); these tests serve
    their charts from 127.0.0.1, so they opt in, as a test registry on localhost would."""
    monkeypatch.setenv("AICR_VENDOR_ALLOW_LOOPBACK", "true")
