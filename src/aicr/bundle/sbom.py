"""A bundle's software bill of materials: CycloneDX 1.6 JSON of its components, charts and images.

Pure: the recipe document (and optionally image references) in, deterministic JSON text out.
Each recipe component is an `application` component named after it, with its chart, version,
repository and namespace as properties and the repository as a distribution reference; images
(when known: `--vendor-charts` or mirror data) are `container` components with an OCI purl.
`dependencies` follow the recipe's dependencyRefs. No timestamp; the serial number is derived
from the content, so the same bundle always gives the same SBOM.
"""

from __future__ import annotations

import hashlib
import json
import uuid

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

SPEC_VERSION = "1.6"
SBOM_PATH = "sbom.cdx.json"


def _component(ref: dict[str, Any]) -> dict[str, Any]:
    name = str(ref.get("name") or "")
    props = [
        ("aicr:chart", str(ref.get("chart") or name)),
        ("aicr:namespace", str(ref.get("namespace") or "")),
        ("aicr:type", str(ref.get("type") or "Helm")),
    ]
    comp: dict[str, Any] = {
        "type": "application",
        "bom-ref": f"component:{name}",
        "name": name,
        "version": str(ref.get("version") or ref.get("tag") or ""),
        "properties": [{"name": k, "value": v} for k, v in props if v],
    }
    source = str(ref.get("source") or "")
    if source:
        comp["externalReferences"] = [{"type": "distribution", "url": source}]
    return comp


def image_purl(image: str) -> str:
    """`pkg:oci/<name>@<digest or tag>?repository_url=<registry/path>` for an image reference."""
    base, _, digest = image.partition("@")
    last = base.rsplit("/", 1)[-1]
    tag = ""
    if ":" in last:
        base, tag = base.rsplit(":", 1)
    repository = base
    name = repository.rsplit("/", 1)[-1]
    version = f"@{digest.replace(':', '%3A')}" if digest else (f"@{tag}" if tag else "")
    return f"pkg:oci/{name}{version}?repository_url={repository}"


def render_sbom(doc: dict[str, Any], aicr_version: str, images: Iterable[str] = ()) -> str:
    """The CycloneDX JSON of a bundle built from recipe `doc`."""
    refs = [r for r in doc.get("componentRefs") or [] if isinstance(r, dict)]
    components = [_component(r) for r in sorted(refs, key=lambda r: str(r.get("name")))]
    for image in sorted(set(images)):
        components.append(
            {"type": "container", "bom-ref": f"image:{image}", "name": image, "purl": image_purl(image)}
        )
    names = {str(r.get("name")) for r in refs}
    dependencies = [
        {
            "ref": f"component:{r.get('name')}",
            "dependsOn": sorted(f"component:{d}" for d in r.get("dependencyRefs") or [] if d in names),
        }
        for r in sorted(refs, key=lambda r: str(r.get("name")))
    ]
    criteria = doc.get("criteria") or {}
    bom: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "aicr", "version": aicr_version}]},
            "component": {
                "type": "application",
                "bom-ref": "bundle",
                "name": "aicr-bundle",
                "version": str((doc.get("metadata") or {}).get("version") or aicr_version),
                "properties": [
                    {"name": f"aicr:criteria:{k}", "value": str(v)} for k, v in sorted(criteria.items()) if v
                ],
            },
        },
        "components": components,
        "dependencies": dependencies,
    }
    body = json.dumps(bom, sort_keys=True)
    bom["serialNumber"] = uuid.UUID(hashlib.sha256(body.encode()).hexdigest()[:32]).urn
    return json.dumps(bom, indent=2, sort_keys=True) + "\n"
