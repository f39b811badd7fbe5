"""`aicr.build_bundle`: turn a recipe into a deployment bundle directory.

`plan_bundle` works over its inputs (recipe document, catalog, options) and returns the whole
bundle as an in-memory tree; its only reads are catalog files and a `--data` directory copied
into `data/`. `build_bundle` adds the edges - loading the recipe and catalog when given by name,
and writing the tree atomically with `tree.write_bundle`. The same recipe, catalog and options
always give a byte-identical tree.
"""

from __future__ import annotations

import os

from aicr.bundle import bundleinfo, checksums, components, layout, manifests, validations
from aicr.bundle.model import BundlePlan
from aicr.bundle.options import BundleOptions, is_dns_label
from aicr.bundle.sentences import sentence
from aicr.bundle.tree import BundleTree, write_bundle
from aicr.errors import AicrError, Code
from aicr.io.yamlout import dump

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aicr.bundle.model import DeployerOutput
    from aicr.bundle.publish import SupplyChain
    from aicr.bundle.vendor import VendoredChart
    from aicr.catalog.catalog import Catalog
    from aicr.recipe.result import RecipeResult


class BundleResult:
    """What `build_bundle` produced."""

    __slots__ = ("deployer", "files", "label", "notes", "output_dir", "releases", "size", "steps", "warnings")

    def __init__(self, output_dir: str, tree: BundleTree, output: DeployerOutput, deployer: str) -> None:
        self.output_dir = output_dir
        self.deployer = deployer
        self.label = output.label
        self.files = list(tree.files)
        self.size = tree.size()
        self.notes = list(output.notes)
        self.warnings = list(output.warnings)
        self.steps = [step.replace("{dir}", output_dir) for step in output.steps]
        self.releases = list(output.releases)

    @property
    def checksummed(self) -> int:
        """Files checksums.txt lists (every file but itself and the attestation): `aicr verify`'s count."""
        from aicr.bundle.checksums import EXCLUDED_PREFIXES, FILENAME

        return sum(1 for f in self.files if f != FILENAME and not f.startswith(EXCLUDED_PREFIXES))

    def summary(self) -> str:
        """The text `aicr bundle` prints on success."""
        lines = [
            f"{self.label} generated successfully!",
            f"Output directory: {self.output_dir}",
            f"Files generated: {self.checksummed} plus checksums.txt (aicr verify checks the same {self.checksummed})",
        ]
        if self.warnings:
            lines.append("")
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines.extend(f"  - {sentence(w)}" for w in self.warnings)
        if self.notes:
            lines.append("")
            lines.append("Notes:")
            lines.extend(f"  - {sentence(n)}" for n in self.notes)
        lines.append("")
        lines.append("To deploy:")
        lines.extend(f"  {i}. {step}" for i, step in enumerate(self.steps, 1))
        return "\n".join(lines) + "\n"


def _unused_shared_storage(opts: BundleOptions, comps: list[Any]) -> list[str]:
    """A warning when --shared-storage-class reaches no component (none declares shared volumes)."""
    if not opts.shared_storage_class or any((c.entry or {}).get("sharedStorageClassPaths") for c in comps):
        return []
    return [
        f'--shared-storage-class "{opts.shared_storage_class}" has no effect: no component of this '
        "recipe declares shared storage (registry sharedStorageClassPaths)"
    ]


def _aicr_version() -> str:
    from aicr.version import recipe_version

    return recipe_version()


def plan_bundle(
    doc: dict[str, Any],
    catalog: Catalog,
    opts: BundleOptions,
    aicr_version: str | None = None,
    pull: Callable[[components.Component], VendoredChart] | None = None,
) -> tuple[BundleTree, DeployerOutput, BundlePlan]:
    """The whole bundle, in memory: (tree, deployer report, plan).

    With `opts.vendor_charts`, `pull` (the network edge, e.g. `vendor.ChartPuller`) fetches each
    upstream chart, which the bundle then carries as a vendored wrapper chart.
    """
    import sys

    from aicr.bundle.deployers import MODULES
    from aicr.bundle.profile_lock import check_profile_locks

    version = aicr_version or _aicr_version()
    enabled, order, excluded = components.select(doc, catalog, opts)
    check_profile_locks(doc, catalog, opts)
    components.check_absent_overrides(doc, catalog, opts, enabled, excluded)
    comps = []
    for ref in components.order_refs(enabled, order):
        layout.check_name(ref["name"])
        comp = components.build_component(ref, catalog, opts)
        comp.pre = manifests.load(catalog, comp.name, ref.get("preManifestFiles") or [], what="pre-manifest")
        comp.post = manifests.load(catalog, comp.name, ref.get("manifestFiles") or [], what="manifest")
        manifests.check_pre_namespaces(comp.name, comp.namespace, comp.pre)
        _check_namespace(comp)
        comps.append(comp)
    notes = validations.run(comps, doc.get("criteria") or {}, opts, doc)
    folders = layout.plan(comps)
    vendored = _vendor(folders, opts, pull)
    filtered = _filtered_recipe(doc, enabled, order)
    plan = BundlePlan(filtered, comps, folders, opts, version)
    tree = BundleTree()
    __import__(MODULES[opts.deployer])  # not importlib.import_module: `importlib` loads `warnings`
    output: DeployerOutput = sys.modules[MODULES[opts.deployer]].generate(plan, tree)
    output.warnings = notes + _unused_shared_storage(opts, comps)
    if vendored:
        output.notes.append(
            f"{len(vendored)} Helm charts vendored into the bundle (provenance.yaml); "
            "installing them needs no chart repository"
        )
    recipe_text = dump(filtered)
    tree.add("recipe.yaml", recipe_text)
    if vendored:
        from aicr.bundle.vendor import provenance_yaml

        tree.add(bundleinfo.PROVENANCE, provenance_yaml(vendored, version))
    if opts.data_dir:
        _add_data_files(tree, opts.data_dir)
    tree.add(bundleinfo.FILENAME, bundleinfo.render(plan, output, recipe_text.encode("utf-8")))
    tree.add(checksums.FILENAME, checksums.render(tree))
    return tree, output, plan


def _vendor(
    folders: list[layout.Folder],
    opts: BundleOptions,
    pull: Callable[[components.Component], VendoredChart] | None,
) -> list[VendoredChart]:
    if not opts.vendor_charts:
        return []
    if pull is None:
        raise AicrError(Code.INTERNAL, "vendor_charts is set but no chart puller was given to plan_bundle")
    from aicr.bundle.vendor import vendor_folders

    return vendor_folders(folders, pull)


def _check_namespace(comp: components.Component) -> None:
    ns = comp.namespace
    if not is_dns_label(ns):
        raise AicrError(
            Code.INVALID_REQUEST,
            f'component "{comp.name}" has invalid namespace "{ns}": must be a DNS-1123 label',
        )


def _filtered_recipe(doc: dict[str, Any], enabled: list[dict[str, Any]], order: list[str]) -> dict[str, Any]:
    """The recipe as bundled: disabled components removed from refs and order."""
    out = dict(doc)
    out["componentRefs"] = enabled
    if "deploymentOrder" in doc:
        out["deploymentOrder"] = order
    return out


def _add_data_files(tree: BundleTree, data_dir: str) -> None:
    """Copy the external `--data` catalog into `data/` (sorted walk, regular files only)."""
    root = os.path.abspath(data_dir)
    found: list[str] = []
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not os.path.islink(os.path.join(base, d)))
        for name in files:
            path = os.path.join(base, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append(os.path.relpath(path, root).replace(os.sep, "/"))
    for rel in sorted(found):
        with open(os.path.join(root, *rel.split("/")), "rb") as fh:
            tree.add(f"data/{rel}", fh.read())


def vendored_images(plan: BundlePlan) -> list[str]:
    """Images of the vendored charts rendered with their values ([] without --vendor-charts)."""
    if not any(f.vendored is not None for f in plan.folders):
        return []
    from aicr.bundle.chartrender import chart_images

    return chart_images(plan.folders)


def recipe_document(recipe: Any) -> dict[str, Any]:
    """A plain recipe document from a RecipeResult, a mapping, or a file / URL / cm:// location."""
    from aicr.recipe.result import RecipeResult

    if isinstance(recipe, RecipeResult):
        return recipe.to_dict()
    if isinstance(recipe, dict):
        from aicr.recipe.document import validate_recipe

        return validate_recipe(recipe, "recipe")
    if isinstance(recipe, str | os.PathLike):
        from aicr.recipe.document import load_recipe

        return load_recipe(os.fspath(recipe)).to_dict()
    raise AicrError(
        Code.INVALID_REQUEST,
        f"recipe must be a RecipeResult, a mapping or a path, not {type(recipe).__name__}",
    )


def build_bundle(
    recipe: RecipeResult | dict[str, Any] | str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    deployer: str = "helm",
    catalog: Catalog | None = None,
    options: dict[str, Any] | None = None,
    *,
    force: bool = False,
    chain: SupplyChain | None = None,
) -> BundleResult:
    """Build a bundle for `recipe` into directory `out_dir` (written atomically) or an OCI registry.

    `options` takes the `aicr bundle` flags by their snake_case names with the CLI's string
    forms, e.g. `{"set": ["gpuoperator:driver.version=580.1"], "accelerated_node_toleration":
    ["nvidia.com/gpu=present:NoSchedule"], "repo": "https://github.com/org/repo.git"}`.
    A non-empty `out_dir` that is not an earlier aicr bundle is refused unless `force`.
    `chain` adds an SBOM and a key-signed attestation; an `oci://` `out_dir` pushes the bundle
    as an OCI artifact instead of writing a directory.
    """
    from aicr.bundle.publish import SupplyChain, add_attestation, add_sbom, push

    opts = BundleOptions.parse(deployer, options)
    target = os.fspath(out_dir)
    chain = chain or SupplyChain()
    if target.startswith("oci://"):
        from aicr.io.oci import OciRef

        OciRef.parse(target)  # a malformed reference fails before any work
        chain.oci = target
    doc = recipe_document(recipe)
    if catalog is None:
        from aicr.catalog.catalog import load_catalog

        catalog = load_catalog(data=opts.data_dir or None)
    if opts.vendor_charts:
        from aicr.bundle.vendor import ChartPuller

        with ChartPuller() as puller:
            tree, output, plan = plan_bundle(doc, catalog, opts, pull=puller)
    else:
        tree, output, plan = plan_bundle(doc, catalog, opts)
    if chain.sbom:
        add_sbom(tree, plan.doc, plan.aicr_version, vendored_images(plan))
    if chain.signing_key or chain.keyless is not None:
        add_attestation(
            tree,
            chain.signing_key,
            aicr_version=plan.aicr_version,
            parameters={"deployer": opts.deployer},
            keyless=chain.keyless,
        )
    if chain.oci:
        pushed = push(tree, chain, plan.doc, plan.aicr_version, opts.deployer)
        result = BundleResult(pushed.pinned, tree, output, opts.deployer)
        result.steps = [f"Pull and deploy {pushed.pinned} (aicr verify oci://{pushed.pinned})"]
        return result
    output_dir = os.path.abspath(target)
    write_bundle(tree, output_dir, force=force)
    return BundleResult(output_dir, tree, output, opts.deployer)
