"""Deployers: one module per output format, each turning a BundlePlan into bundle files.

`MODULES` maps the `--deployer` name to its module; each module has
`generate(plan: BundlePlan, tree: BundleTree) -> DeployerOutput`. Modules are imported only
when chosen.
"""

from __future__ import annotations

MODULES: dict[str, str] = {
    "helm": "aicr.bundle.deployers.helm",
    "helmfile": "aicr.bundle.deployers.helmfile",
    "argocd": "aicr.bundle.deployers.argocd",
    "argocd-helm": "aicr.bundle.deployers.argocd_helm",
    "flux": "aicr.bundle.deployers.flux",
    "fleet": "aicr.bundle.deployers.fleet",
}
