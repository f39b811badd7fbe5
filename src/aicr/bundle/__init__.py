"""Registry-driven bundler: recipe -> Helm / Helmfile / Argo CD / Argo CD Helm / Flux artifacts.

Pure core (components, values, scheduling, manifests, folder layout, deployers, checksums) over
an in-memory tree; `api.build_bundle` and `verify.verify_bundle` are the edges that read and
write directories. No per-component code: every component-specific fact comes from the catalog.
"""
