"""NodeTopology collector: every taint and label across all nodes, aggregated per value.

`Aggregator` and the encoders are pure; `collect` pages through the node list (500 per page)
with an injected `ApiClient`, decoding only each node's name, labels and taints.
reference/snapshot.md §1.3, §2: `summary` counts, `taint` and `label` data in the reference's
compact encodings, plus (as the current reference does) lossless `items` with key/value/effect
context. No client → empty measurement; a list error propagates
(the measurement is then omitted).
"""

from __future__ import annotations

from aicr.snapshot.model import Item, Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import defaultdict
    from collections.abc import Iterable, Mapping
    from typing import Any

    from aicr.k8s.client import ApiClient
    from aicr.snapshot.collectors.node_fields import Node
    from aicr.snapshot.model import Reading

PAGE_SIZE = 500
TIMEOUT_S = 90.0


def empty() -> Measurement:
    """The measurement when no cluster is configured: zero counts, empty taint and label data."""
    summary = {"node-count": 0, "taint-count": 0, "label-count": 0}
    return Measurement("NodeTopology", [Subtype("summary", summary), Subtype("taint"), Subtype("label")])


def format_nodes(nodes: list[str], max_nodes: int) -> str:
    """Sorted names joined by `,`; beyond `max_nodes` (> 0) the first N plus ` (+K more)`."""
    if max_nodes > 0 and len(nodes) > max_nodes:
        return ",".join(nodes[:max_nodes]) + f" (+{len(nodes) - max_nodes} more)"
    return ",".join(nodes)


class Aggregator:
    """Accumulates node names per taint (key, effect, value) and per label key and value.

    The names are the only per-node state kept: each node's name string is shared by the lists
    it appears in, and the decoded pages are dropped as soon as they are added. Labels are held
    as key -> value -> names so that encoding sorts plain strings, not (key, value) tuples.
    """

    def __init__(self) -> None:
        from collections import defaultdict  # here: `snapshot --local` imports this module

        self.node_count = 0
        self.taints: defaultdict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.labels: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    def add(self, nodes: Iterable[dict[str, Any]]) -> None:
        """Count `nodes` (Node objects as dicts) and record their taints and labels."""
        import msgspec

        from aicr.snapshot.collectors.node_fields import Node

        self.add_nodes(msgspec.convert(list(nodes), list[Node]))

    def add_nodes(self, nodes: list[Node]) -> None:
        """Count `nodes` (one decoded page) and record their taints and labels."""
        taints, labels = self.taints, self.labels
        self.node_count += len(nodes)
        for node in nodes:
            meta = node.metadata
            name = ""
            if meta is not None:
                name = meta.name
                if meta.labels:
                    for key, value in meta.labels.items():
                        labels[key][value].append(name)
            spec = node.spec
            if spec is not None and spec.taints:
                for taint in spec.taints:
                    taints[taint.key, taint.effect, taint.value].append(name)

    def measurement(self, max_nodes: int = 0) -> Measurement:
        """The NodeTopology measurement of everything added so far (node lists sorted)."""
        taint_data, taint_items = encode_taints(self.taints, max_nodes)
        label_data, label_items = encode_labels(self.labels, max_nodes)
        summary: dict[str, Reading] = {
            "node-count": self.node_count,
            "taint-count": len(taint_items),
            "label-count": len(label_items),
        }
        return Measurement(
            "NodeTopology",
            [
                Subtype("summary", summary),
                Subtype("taint", taint_data, items=taint_items),
                Subtype("label", label_data, items=label_items),
            ],
        )


def _node_list(nodes: list[str], max_nodes: int) -> tuple[str, bool]:
    """`nodes` sorted in place and joined, with whether `max_nodes` truncated the list."""
    if len(nodes) == 1:
        return nodes[0], False
    nodes.sort()
    if max_nodes <= 0 or len(nodes) <= max_nodes:
        return ",".join(nodes), False
    return format_nodes(nodes, max_nodes), True


def encode_taints(
    taints: dict[tuple[str, str, str], list[str]], max_nodes: int
) -> tuple[dict[str, Reading], list[Item]]:
    """`effect|value|nodes` per key, or `<key>.<effect>` → `value|nodes` when a key repeats.

    Sorts each group's node list in place.
    """
    per_key: dict[str, int] = {}
    for key, _effect, _value in taints:
        per_key[key] = per_key.get(key, 0) + 1
    data: dict[str, Reading] = {}
    items = []
    for (key, effect, value), nodes in sorted(taints.items()):
        node_list, truncated = _node_list(nodes, max_nodes)
        if per_key[key] > 1:
            data[key + "." + effect] = value + "|" + node_list
        else:
            data[key] = effect + "|" + value + "|" + node_list
        node_data: dict[str, Reading] = {
            "node-count": len(nodes),
            "node-list": node_list,
            "truncated": truncated,
        }
        items.append(Item.adopt({"key": key, "value": value, "effect": effect}, node_data))
    return data, items


def encode_labels(
    labels: Mapping[str, Mapping[str, list[str]]], max_nodes: int
) -> tuple[dict[str, Reading], list[Item]]:
    """`value|nodes` per key, or `<key>.<value>` keys when a label has several values.

    Sorts each group's node list in place.
    """
    data: dict[str, Reading] = {}
    items = []
    adopt = Item.adopt
    for key in sorted(labels):
        values = labels[key]
        several = len(values) > 1
        for value in sorted(values):
            nodes = values[value]
            node_list, truncated = _node_list(nodes, max_nodes)
            data[key + "." + value if several else key] = value + "|" + node_list
            node_data: dict[str, Reading] = {
                "node-count": len(nodes),
                "node-list": node_list,
                "truncated": truncated,
            }
            items.append(adopt({"key": key, "value": value}, node_data))
    return data, items


def collect(client: ApiClient | None, max_nodes: int = 0, page_size: int = PAGE_SIZE) -> Measurement:
    """The NodeTopology measurement over every node, page by page."""
    if client is None:
        return empty()
    import gc

    from aicr.snapshot.collectors.node_fields import Node

    aggregator = Aggregator()
    paused = gc.isenabled()
    gc.disable()  # acyclic data only: full collections here cost up to 4x the work (docs/decisions.md)
    try:
        for page in client.list_pages_typed("Node", Node, limit=page_size):
            aggregator.add_nodes(page)
        return aggregator.measurement(max_nodes)
    finally:
        if paused:
            gc.enable()
