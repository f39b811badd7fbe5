"""NodeTopology aggregation and encodings (reference/snapshot.md §1.3, §7 #17)."""

from __future__ import annotations

from typing import Any

from aicr.snapshot.collectors.topology import Aggregator, empty, format_nodes


def node(
    name: str, labels: dict[str, str] | None = None, taints: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": {"taints": taints or []}}


def measure(nodes: list[dict[str, Any]], max_nodes: int = 0) -> dict[str, Any]:
    agg = Aggregator()
    agg.add(nodes)
    return {s.name: s for s in agg.measurement(max_nodes).subtypes}


def test_no_client_gives_zero_summary_and_empty_maps() -> None:
    m = empty()
    assert [(s.name, s.data) for s in m.subtypes] == [
        ("summary", {"node-count": 0, "taint-count": 0, "label-count": 0}),
        ("taint", {}),
        ("label", {}),
    ]


def test_shared_taint_lists_sorted_nodes() -> None:
    gpu = {"key": "nvidia.com/gpu", "effect": "NoSchedule"}
    subs = measure([node("node-b", taints=[gpu]), node("node-a", taints=[gpu])])
    assert subs["taint"].data == {"nvidia.com/gpu": "NoSchedule||node-a,node-b"}
    assert subs["summary"].data == {"node-count": 2, "taint-count": 1, "label-count": 0}
    item = subs["taint"].items[0]
    assert item.context == {"key": "nvidia.com/gpu", "value": "", "effect": "NoSchedule"}
    assert item.data == {"node-count": 2, "node-list": "node-a,node-b", "truncated": False}


def test_taint_key_with_several_effects_is_disambiguated() -> None:
    taints = [
        {"key": "dedicated", "value": "system-workload", "effect": "NoSchedule"},
        {"key": "dedicated", "value": "system-workload", "effect": "NoExecute"},
    ]
    subs = measure([node("node-1", taints=taints)])
    assert subs["taint"].data == {
        "dedicated.NoSchedule": "system-workload|node-1",
        "dedicated.NoExecute": "system-workload|node-1",
    }
    assert subs["summary"].data["taint-count"] == 2


def test_label_with_several_values_is_disambiguated() -> None:
    subs = measure([node("a", {"zone": "z1", "gpu": "true"}), node("b", {"zone": "z2", "gpu": "true"})])
    assert subs["label"].data == {"gpu": "true|a,b", "zone.z1": "z1|a", "zone.z2": "z2|b"}
    assert [i.context for i in subs["label"].items] == [
        {"key": "gpu", "value": "true"},
        {"key": "zone", "value": "z1"},
        {"key": "zone", "value": "z2"},
    ]


def test_max_nodes_truncates_lists_and_marks_items() -> None:
    subs = measure([node(n, {"role": "gpu"}) for n in ("node-c", "node-a", "node-b")], max_nodes=2)
    assert subs["label"].data == {"role": "gpu|node-a,node-b (+1 more)"}
    assert subs["label"].items[0].data == {
        "node-count": 3,
        "node-list": "node-a,node-b (+1 more)",
        "truncated": True,
    }


def test_format_nodes() -> None:
    assert format_nodes(["a", "b", "c"], 0) == "a,b,c"
    assert format_nodes(["a", "b", "c"], 3) == "a,b,c"
    assert format_nodes(["a", "b", "c"], 1) == "a (+2 more)"


def test_nodes_without_labels_spec_or_taints_are_counted_only() -> None:
    nodes: list[dict[str, Any]] = [
        {"metadata": {"name": "bare", "labels": None}, "spec": None},
        {"metadata": {"name": "no-spec"}, "status": {"capacity": {"cpu": "4"}}},
    ]
    agg = Aggregator()
    agg.add(nodes)
    subs = {s.name: s for s in agg.measurement().subtypes}
    assert subs["summary"].data == {"node-count": 2, "taint-count": 0, "label-count": 0}
