"""Rendering the vendored charts of a bundle with their values, to list the images they deploy.

Edge module (temporary files; the Helm SDK through helm-python-sdk, `import helm_python`).
Each vendored archive is rendered offline as an install of release `<folder>` into the
component's namespace with the component's bundle-time values (install-time `--dynamic` values
are unknown here); the rendered manifests go through `aicr.bundle.images`. A chart that does not
render is INVALID_REQUEST naming the component: an SBOM that silently missed images would lie.
"""

from __future__ import annotations

from aicr.bundle import images
from aicr.errors import AicrError, Code

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.layout import Folder


def _helm() -> Any:
    try:
        import helm_python
    except ImportError as exc:
        raise AicrError(
            Code.UNAVAILABLE,
            "listing the images of vendored charts (--sbom with --vendor-charts) needs helm-python-sdk: "
            "pip install 'aicr[helm]'",
        ) from exc
    return helm_python


def render_folder(folder: Folder) -> dict[str, str]:
    """The rendered manifests (template path -> text) of a vendored folder's chart."""
    import os
    import tempfile

    chart = folder.vendored
    if chart is None:
        return {}
    helm = _helm()
    with tempfile.TemporaryDirectory(prefix="aicr-chart-") as tmp:
        path = os.path.join(tmp, chart.filename)
        with open(path, "wb") as fh:
            fh.write(chart.data)
        try:
            with helm.Chart.load(path) as loaded:
                rendered: dict[str, str] = loaded.render(
                    folder.component.values, name=folder.name, namespace=folder.namespace, is_install=True
                )
        except helm.HelmError as exc:
            raise AicrError(
                Code.INVALID_REQUEST,
                f'component "{folder.component.name}": chart {chart.filename} does not render: {exc}',
            ) from exc
    return rendered


def chart_images(folders: list[Folder]) -> list[str]:
    """Sorted, normalised images of every vendored folder's rendered chart."""
    found: set[str] = set()
    for folder in folders:
        if folder.vendored is None:
            continue
        rendered = render_folder(folder)
        texts = [text for name, text in sorted(rendered.items()) if name.endswith((".yaml", ".yml", ".json"))]
        found.update(images.collect(texts, f"chart {folder.vendored.filename} ({folder.component.name})"))
    return sorted(found)
