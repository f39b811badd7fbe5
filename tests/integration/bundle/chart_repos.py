"""Chart repositories for the vendoring tests: charts packaged by real Helm, served over HTTP and OCI.

`make_chart` packages a small chart (a Deployment whose image comes from the values, with an
init container, and a ConfigMap) with helm-python-sdk; `ChartServer` (tests/support) serves a
directory as an HTTP chart repository.
"""

from __future__ import annotations

from pathlib import Path

import helm_python as helm

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels: {app: {{ .Release.Name | quote }}}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name | quote }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name | quote }}}
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: main
          image: {{ .Values.image | quote }}
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  replicas: {{ .Values.replicas | quote }}
"""


def default_image(name: str, version: str) -> str:
    """The image a test chart deploys unless its values say otherwise."""
    return f"registry.example/charts/{name}:{version}"


def make_chart(root: Path, name: str, version: str) -> Path:
    """Package chart `name` `version` into `root/dist/` and return the archive."""
    chart = root / f"{name}-{version}" / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: {name}\nversion: {version}\ndescription: test chart\nicon: https://example.com/i.png\n"
    )
    (chart / "values.yaml").write_text(f"replicas: 1\nimage: {default_image(name, version)}\n")
    (chart / "templates" / "deployment.yaml").write_text(DEPLOYMENT)
    (chart / "templates" / "configmap.yaml").write_text(CONFIGMAP)
    return Path(helm.package(str(chart), destination=str(root / "dist")))
