"""bundle-info.yaml: the bundle's build record (deployer, recipe digest, settings, release index).

Pure. reference/bundle.md §6: no timestamp (the file is checksummed), the recipe is bound by the
SHA-256 of the recipe.yaml beside it, and `layout.releases` lists every release in deployment
order with bundle-local paths.
"""

from __future__ import annotations

from aicr.bundle.charts import yaml_document
from aicr.bundle.checksums import sha256_hex
from aicr.documents import API_VERSION, KIND_BUNDLE_INFO

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from aicr.bundle.model import BundlePlan, DeployerOutput

FILENAME = "bundle-info.yaml"
PROVENANCE = "provenance.yaml"


def _scheduling(selector: dict[str, str], tolerations: list[dict[str, Any]], given: bool) -> dict[str, Any]:
    block: dict[str, Any] = {}
    if selector:
        block["selector"] = {k: selector[k] for k in sorted(selector)}
    if given and tolerations:
        block["tolerations"] = [dict(t) for t in tolerations]
    return block


def render(plan: BundlePlan, output: DeployerOutput, recipe_bytes: bytes) -> str:
    """bundle-info.yaml content."""
    opts = plan.opts
    recipe: dict[str, Any] = {"path": "recipe.yaml", "digest": "sha256:" + sha256_hex(recipe_bytes)}
    if plan.recipe_version:
        recipe["version"] = plan.recipe_version
    settings: dict[str, Any] = {
        "checksums": True,
        "attested": False,
        "vendorCharts": any(f.vendored is not None for f in plan.folders),
        "readinessHooks": False,
        "serial": opts.serial,
    }
    settings.update(output.settings)
    if opts.storage_class:
        settings["storageClass"] = opts.storage_class
    if opts.shared_storage_class:
        settings["sharedStorageClass"] = opts.shared_storage_class
    scheduling: dict[str, Any] = {}
    system = _scheduling(opts.system_selector, opts.system_tolerations, opts.tolerations_given)
    accelerated = _scheduling(opts.accelerated_selector, opts.accelerated_tolerations, opts.tolerations_given)
    if system:
        scheduling["system"] = system
    if accelerated:
        scheduling["accelerated"] = accelerated
    if scheduling:
        settings["nodeScheduling"] = scheduling
    doc: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": KIND_BUNDLE_INFO,
        "metadata": {"version": plan.aicr_version},
        "build": {"deployer": opts.deployer, "recipe": recipe, "settings": settings},
        "layout": {"entrypoint": output.entrypoint, "releases": output.releases},
    }
    if settings["vendorCharts"]:
        doc["layout"] = {
            "entrypoint": output.entrypoint,
            "provenance": PROVENANCE,
            "releases": output.releases,
        }
    return yaml_document(doc)
