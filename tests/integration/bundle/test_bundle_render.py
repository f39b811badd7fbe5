"""Every chart a bundle holds renders and lints with real Helm, and every object is schema-valid.

Wrapper charts (`-pre`, `-post`, manifest-only), the argocd-helm chart and its children render
through helm-python-sdk; rendered core kinds go through kubernetes-validate, Argo CD / Flux /
kustomize / helmfile documents through the vendored JSON Schemas in tests/schemas/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import kubernetes_validate
import pytest
import yaml
from tests.integration.bundle.bundle_support import DEPLOYERS, embedded_recipe, fixture_recipe

import aicr

KUBE_VERSION = "1.33"
SCHEMA_FOR = {
    ("argoproj.io/v1alpha1", "Application"): "argocd-application",
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease"): "flux-helmrelease-v2",
    ("source.toolkit.fluxcd.io/v1", "HelmRepository"): "flux-helmrepository-v1",
    ("source.toolkit.fluxcd.io/v1", "GitRepository"): "flux-gitrepository-v1",
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): "kustomization",
    ("fleet.cattle.io/v1alpha1", "GitRepo"): "fleet-gitrepo",
    ("fleet.cattle.io/v1alpha1", "HelmOp"): "fleet-helmop",
}


_VALIDATORS: dict[str, Any] = {}


def _validator(name: str, schema: dict[str, Any]) -> Any:
    """One validator per schema for the whole session (schema checking is the slow part)."""
    if name not in _VALIDATORS:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _VALIDATORS[name] = cls(schema)
    return _VALIDATORS[name]


class Checker:
    """Validates objects; counts, per kind, the objects validated and those no schema covers."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas
        self.validators = {name: _validator(name, schema) for name, schema in schemas.items()}
        self.validated: dict[str, int] = {}  # only objects a schema actually checked
        self.unvalidated: dict[str, int] = {}  # kinds without a schema (e.g. custom resources)

    def validate(self, doc: Any, schema: str, where: str, kind: str = "") -> None:
        """Check `doc` against the vendored `schema`; counted as `kind` (default: the schema name)."""
        error = jsonschema.exceptions.best_match(self.validators[schema].iter_errors(doc))
        if error is not None:
            pytest.fail(f"{where}: {schema}: {error.message} at {list(error.absolute_path)}")
        _count(self.validated, kind or schema)

    def object(self, doc: dict[str, Any], where: str) -> None:
        kind = str(doc.get("kind"))
        schema = SCHEMA_FOR.get((str(doc.get("apiVersion")), kind))
        if schema is not None:
            self.validate(doc, schema, where, kind)
            return
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            _count(self.unvalidated, kind)
            return
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{where}: {kind}: {exc.message}")
        _count(self.validated, kind)

    def stream(self, text: str, where: str) -> None:
        for doc in yaml.safe_load_all(text):
            if doc:
                self.object(doc, where)


def _count(table: dict[str, int], key: str) -> None:
    table[key] = table.get(key, 0) + 1


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def values_files(folder: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("values.yaml", "cluster-values.yaml"):
        path = folder / name
        if path.exists():
            values = merged(values, yaml.safe_load(path.read_text()) or {})
    return values


def render_chart(folder: Path, values: dict[str, Any], namespace: str, check: Checker) -> dict[str, str]:
    lint = helm.lint(str(folder), strict=True, kube_version=f"v{KUBE_VERSION}.0")
    assert lint["errors"] == [], (folder, lint)
    assert not [m for m in lint["messages"] if m["severity"] > 1], (folder, lint["messages"])
    with helm.Chart.load(str(folder)) as chart:
        rendered: dict[str, str] = chart.render(
            values, name=folder.name.split("-", 1)[-1], namespace=namespace
        )
    for path, text in rendered.items():
        check.stream(text, f"{folder.name}:{path}")
    return rendered


def local_charts(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/Chart.yaml"))


def check_fleet_folders(root: Path, check: Checker) -> None:
    """Every fleet.yaml is schema-valid and names only values files that exist in its folder."""
    for path in sorted(root.glob("*/fleet.yaml")):
        doc = yaml.safe_load(path.read_text())
        check.validate(doc, "fleet-yaml", str(path.relative_to(root)), "fleet.yaml")
        for name in doc["helm"].get("valuesFiles", []):
            assert (path.parent / name).is_file(), f"{path}: valuesFiles names missing {name}"
        if doc["helm"].get("chart") == ".":
            assert (path.parent / "Chart.yaml").is_file(), f"{path}: local chart without Chart.yaml"


def check_bundle(root: Path, deployer: str, check: Checker) -> int:
    """Render/lint every chart and validate every emitted document; returns the charts rendered."""
    charts = 0
    if deployer == "argocd-helm":
        rendered = render_chart(root, {"repoURL": "oci://registry.example/bundles"}, "argocd", check)
        assert "aicr-bundle/templates/aicr-stack.yaml" in rendered
        charts += 1
    for folder in local_charts(root):
        if deployer == "flux":
            release = yaml.safe_load((folder / "helmrelease.yaml").read_text().split("---\n", 1)[1])
            values, namespace = release["spec"].get("values", {}), release["spec"]["targetNamespace"]
        else:
            values, namespace = values_files(folder), "default"
        render_chart(folder, values, namespace, check)
        charts += 1
    patterns = {
        "argocd": ["*/application.yaml", "app-of-apps.yaml"],
        "flux": ["*/helmrelease.yaml", "*/configmap-values.yaml", "sources/*.yaml", "kustomization.yaml"],
        "fleet": ["gitrepo.yaml", "helmops.yaml"],
    }.get(deployer, [])
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            check.stream(path.read_text(), str(path.relative_to(root)))
    if deployer == "fleet":
        check_fleet_folders(root, check)
    if deployer == "helmfile":
        for path in [root / "helmfile.yaml", *sorted(root.glob("level-*.yaml"))]:
            check.validate(yaml.safe_load(path.read_text().split("---\n", 1)[1]), "helmfile", path.name)
    return charts


@pytest.mark.parametrize("deployer", DEPLOYERS)
def test_fixture_bundle_charts_render_lint_and_validate(
    fixture_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path, deployer: str
) -> None:
    options = {"dynamic": ["gpuoperator:driver.version"]} if deployer != "argocd" else {}
    recipe = fixture_recipe(fixture_catalog)
    aicr.build_bundle(recipe, tmp_path / "b", deployer=deployer, catalog=fixture_catalog, options=options)
    check = Checker(schemas)
    charts = check_bundle(tmp_path / "b", deployer, check)
    assert charts >= 3
    assert check.validated.get("ConfigMap", 0) >= 1 and check.validated.get("Namespace", 0) >= 1
    expected = {"argocd": ("Application", 9), "argocd-helm": ("Application", 9), "flux": ("HelmRelease", 8),
                "helmfile": ("helmfile", 5), "fleet": ("fleet.yaml", 8)}.get(deployer)  # fmt: skip
    if expected:
        assert check.validated.get(expected[0], 0) == expected[1], check.validated


# Kinds a schema checks in the embedded leaves' bundles (helm's wrapper charts there hold only
# custom resources), and the custom resources no schema covers.
VALIDATED_KINDS = {
    "helm": set(),
    "argocd-helm": {"Application"},
    "flux": {"GitRepository", "HelmRelease", "HelmRepository", "Kustomization"},
    "fleet": {"GitRepo", "fleet.yaml"},
}
CUSTOM_KINDS = {
    "eks-training-kubeflow": {"ClusterTrainingRuntime", "Skyhook"},
    "gke-inference-dynamo": {"Gateway", "Skyhook"},
}


@pytest.mark.parametrize("leaf", ["eks-training-kubeflow", "gke-inference-dynamo"])
@pytest.mark.parametrize("deployer", ["helm", "argocd-helm", "flux", "fleet"])
def test_embedded_leaf_bundles_render_lint_and_validate(
    embedded_catalog: aicr.Catalog, schemas: dict[str, Any], tmp_path: Path, leaf: str, deployer: str
) -> None:
    recipe = embedded_recipe(embedded_catalog, leaf)
    aicr.build_bundle(recipe, tmp_path / "b", deployer=deployer, catalog=embedded_catalog)
    check = Checker(schemas)
    assert check_bundle(tmp_path / "b", deployer, check) >= 1
    assert set(check.validated) == VALIDATED_KINDS[deployer], check.validated
    assert set(check.unvalidated) == CUSTOM_KINDS[leaf], check.unvalidated  # no built-in kind unchecked


def test_argocd_helm_guards_fail_the_render(fixture_catalog: aicr.Catalog, tmp_path: Path) -> None:
    aicr.build_bundle(
        fixture_recipe(fixture_catalog), tmp_path / "b", deployer="argocd-helm", catalog=fixture_catalog
    )
    with helm.Chart.load(str(tmp_path / "b")) as chart:
        with pytest.raises(helm.HelmRenderError, match="repoURL is required"):
            chart.render({}, name="aicr-bundle", namespace="argocd")
        with pytest.raises(helm.HelmRenderError, match="53"):
            chart.render(
                {"repoURL": "oci://r/x", "deployer": {"namePrefix": "p" * 50}}, name="b", namespace="argocd"
            )
        with pytest.raises(helm.HelmRenderError, match="equals the parent Application name"):
            chart.render({"repoURL": "oci://r/x", "appName": "cert-manager"}, name="b", namespace="argocd")
        rendered = chart.render(
            {"repoURL": "oci://r/x/", "deployer": {"namePrefix": "t-"}, "targetRevision": "1.2.3"},
            name="b",
            namespace="argocd",
        )
    post = yaml.safe_load(rendered["aicr-bundle/templates/gpu-operator-post.yaml"])
    assert post["metadata"]["name"] == "t-gpu-operator-post"
    assert post["spec"]["source"]["repoURL"] == "oci://r/x/aicr-bundle"
    assert post["spec"]["source"]["targetRevision"] == "1.2.3"
    child = yaml.safe_load(rendered["aicr-bundle/templates/gpu-operator.yaml"])
    values = yaml.safe_load(child["spec"]["source"]["helm"]["values"])
    assert values["driver"]["version"] == "580.105.08" and values["cdi"] == {"enabled": True}


def test_v011_recipes_bundle_with_v011_data_and_render(schemas: dict[str, Any], tmp_path: Path) -> None:
    """The hidden-check shape: recipes of the v0.11-format catalog, bundled with it as --data."""
    root = Path(__file__).resolve().parents[2] / "fixtures" / "v011-catalog"
    v011 = aicr.load_catalog(root=str(root))
    layered = aicr.load_catalog(data=str(root))
    parents = {o.get("base") for o in v011.overlays.values()}
    leaves = [
        n
        for n, o in sorted(v011.overlays.items())
        if o.get("criteria") and n not in parents and n != v011.base_name
    ]
    assert len(leaves) >= 10
    check = Checker(schemas)
    for name in leaves:
        recipe = v011.resolve(aicr.Criteria(**v011.overlays[name]["criteria"]))
        out = tmp_path / name
        aicr.build_bundle(recipe.to_dict(), out, catalog=layered, options={"data": str(root)})
        for ref in recipe.component_refs:
            folder = next(out.glob(f"[0-9][0-9][0-9]-{ref['name']}"), None)
            if folder is None or (folder / "Chart.yaml").exists():
                continue
            values = yaml.safe_load((folder / "values.yaml").read_text()) or {}
            expected = v011.component_values(ref)
            for key, value in expected.items():  # catalog values survive; injection only adds paths
                if not isinstance(value, dict):
                    assert values[key] == value, (name, ref["name"], key)
        check_bundle(out, "helm", check)
    assert check.validated.get("ConfigMap", 0) >= 1, check.validated
    assert sum(check.validated.values()) >= 10, check.validated
