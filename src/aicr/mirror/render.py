"""Rendering a component with real Helm (helm-python-sdk): its upstream chart and its manifests.

Edge module: loads the helm-python-sdk native library and runs chart templates (trusted recipes
only - chart templates execute). Nothing here touches the network; archives come from a
`ChartSource` (aicr.mirror.sources). Manifests are rendered the way the bundle's wrapper chart
renders them at install time: templates of a throw-away chart whose values hold the component's
values under the component's name (aicr.bundle.charts.wrapped). Every Helm failure is raised as
`RenderError` so the caller can turn it into a per-component warning.
"""

from __future__ import annotations

from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

WRAPPER_VERSION = "0.0.0"


class RenderError(Exception):
    """Helm could not load or render a chart."""


def _helm() -> ModuleType:
    try:
        import helm_python
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise AicrError(
            Code.UNAVAILABLE,
            "aicr mirror list renders charts with helm-python-sdk, which is not installed "
            "(pip install 'aicr[mirror]')",
        ) from exc
    return helm_python


def render_archive(archive: bytes, values: dict[str, Any], *, name: str, namespace: str) -> dict[str, str]:
    """Template path -> rendered text of a chart archive (`helm template` with these values)."""
    helm = _helm()
    try:
        with helm.Chart.load_archive(archive) as chart:
            rendered: dict[str, str] = chart.render(values, name=name, namespace=namespace, is_install=True)
    except helm.HelmError as exc:
        raise RenderError(_message(exc)) from exc
    return rendered


def render_manifests(
    component: str, namespace: str, manifests: list[tuple[str, str]], values: dict[str, Any]
) -> dict[str, str]:
    """Rendered text of a component's manifests (basename -> text), as its wrapper chart renders them."""
    import tempfile
    from pathlib import Path

    helm = _helm()
    with tempfile.TemporaryDirectory(prefix="aicr-mirror-") as tmp:
        root = Path(tmp) / "wrapper"
        (root / "templates").mkdir(parents=True)
        (root / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: {component}-manifests\nversion: {WRAPPER_VERSION}\n", encoding="utf-8"
        )
        for base, text in manifests:
            (root / "templates" / base).write_text(text, encoding="utf-8")
        try:
            with helm.Chart.load(str(root)) as chart:
                rendered: dict[str, str] = chart.render(
                    {component: values}, name=component, namespace=namespace, is_install=True
                )
        except helm.HelmError as exc:
            raise RenderError(_message(exc)) from exc
    return {path.rsplit("/", 1)[-1]: text for path, text in rendered.items()}


def _message(exc: Exception) -> str:
    detail = getattr(exc, "detail", None)
    text = str(detail or exc).strip()
    return " ".join(text.split()) or type(exc).__name__
