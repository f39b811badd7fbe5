"""NodeTopology collector: every taint and label across all nodes, aggregated per value.

`Aggregator` and the encoders are pure; `collect` pages through the node list (500 per page)
with an injected `ApiClient`. reference/snapshot.md §1.3, §2: `summary` counts, `taint` and
`label` data in the reference's compact encodings, plus (as the current reference does) lossless
`items` with key/value/effect context. No client → empty measurement; a list error propagates
(the measurement is then omitted).
"""

from __future__ import annotations

from aicr.snapshot.model import Item, Measurement, Subtype

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from aicr.k8s.client import ApiClient
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
    """Accumulates node names per (taint key, effect, value) and per (label key, value)."""

    def __init__(self) -> None:
        self.node_count = 0
        self.taints: dict[tuple[str, str, str], list[str]] = {}
        self.labels: dict[tuple[str, str], list[str]] = {}

    def add(self, nodes: Iterable[dict[str, Any]]) -> None:
        """Count `nodes` (one page of Node objects) and record their taints and labels."""
        taints, labels = self.taints, self.labels
        for node in nodes:
            self.node_count += 1
            meta = node.get("metadata") or {}
            name = str(meta.get("name", ""))
            for taint in (node.get("spec") or {}).get("taints") or []:
                tid = (str(taint.get("key", "")), str(taint.get("effect", "")), str(taint.get("value", "")))
                taints.setdefault(tid, []).append(name)
            for key, value in (meta.get("labels") or {}).items():
                labels.setdefault((key, str(value)), []).append(name)

    def measurement(self, max_nodes: int = 0) -> Measurement:
        """The NodeTopology measurement of everything added so far (node lists sorted)."""
        for names in self.taints.values():
            names.sort()
        for names in self.labels.values():
            names.sort()
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


def _node_item(context: dict[str, str], nodes: list[str], max_nodes: int) -> Item:
    data: dict[str, Reading] = {
        "node-count": len(nodes),
        "node-list": format_nodes(nodes, max_nodes),
        "truncated": max_nodes > 0 and len(nodes) > max_nodes,
    }
    return Item(context, data)


def encode_taints(
    taints: dict[tuple[str, str, str], list[str]], max_nodes: int
) -> tuple[dict[str, Reading], list[Item]]:
    """`effect|value|nodes` per key, or `<key>.<effect>` → `value|nodes` when a key repeats."""
    per_key: dict[str, int] = {}
    for key, _, _ in taints:
        per_key[key] = per_key.get(key, 0) + 1
    data: dict[str, Reading] = {}
    items = []
    for (key, effect, value), nodes in sorted(taints.items()):
        listed = format_nodes(nodes, max_nodes)
        if per_key[key] > 1:
            data[f"{key}.{effect}"] = f"{value}|{listed}"
        else:
            data[key] = f"{effect}|{value}|{listed}"
        items.append(_node_item({"key": key, "value": value, "effect": effect}, nodes, max_nodes))
    return data, items


def encode_labels(
    labels: dict[tuple[str, str], list[str]], max_nodes: int
) -> tuple[dict[str, Reading], list[Item]]:
    """`value|nodes` per key, or `<key>.<value>` keys when a label has several values."""
    per_key: dict[str, int] = {}
    for key, _ in labels:
        per_key[key] = per_key.get(key, 0) + 1
    data: dict[str, Reading] = {}
    items = []
    for (key, value), nodes in sorted(labels.items()):
        map_key = f"{key}.{value}" if per_key[key] > 1 else key
        data[map_key] = f"{value}|{format_nodes(nodes, max_nodes)}"
        items.append(_node_item({"key": key, "value": value}, nodes, max_nodes))
    return data, items


def collect(client: ApiClient | None, max_nodes: int = 0, page_size: int = PAGE_SIZE) -> Measurement:
    """The NodeTopology measurement over every node, page by page."""
    if client is None:
        return empty()
    aggregator = Aggregator()
    for page in client.list_pages("Node", None, limit=page_size):
        aggregator.add(page)
    return aggregator.measurement(max_nodes)
