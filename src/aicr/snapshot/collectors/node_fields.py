"""The fields of a Node that the NodeTopology collector reads, as msgspec Structs.

Pure. Decoding a Node list page into `Node` (aicr.k8s.pages) reads the name, the labels and the
taints and skips everything else (status, images, annotations, managed fields) without building
it. A field of the wrong JSON type fails the decode (the API server never sends one). Kept out of
aicr.snapshot.collectors.topology so that `snapshot --local`, which imports the collector but
has no cluster, does not import msgspec.
"""

from __future__ import annotations

import msgspec


class Taint(msgspec.Struct, gc=False):
    """One entry of `spec.taints`."""

    key: str = ""
    value: str = ""
    effect: str = ""


class NodeMeta(msgspec.Struct, gc=False):
    """`metadata`: name and labels."""

    name: str = ""
    labels: dict[str, str] | None = None


class NodeSpec(msgspec.Struct, gc=False):
    """`spec`: taints."""

    taints: list[Taint] | None = None


class Node(msgspec.Struct, gc=False):
    """A Node as the collector sees it."""

    metadata: NodeMeta | None = None
    spec: NodeSpec | None = None
