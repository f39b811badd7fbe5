"""NodeTopology aggregation and encodings (reference/snapshot.md §1.3, §7 #17)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

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


def _naive(nodes: list[dict[str, Any]], max_nodes: int) -> dict[str, Any]:
    """The encodings of reference/snapshot.md §1.3 written the obvious way, as the oracle."""
    taints: dict[tuple[str, str, str], list[str]] = {}
    labels: dict[tuple[str, str], list[str]] = {}
    for n in nodes:
        name = n["metadata"]["name"]
        for t in n["spec"]["taints"]:
            taints.setdefault((t["key"], t["effect"], t["value"]), []).append(name)
        for pair in n["metadata"]["labels"].items():
            labels.setdefault(pair, []).append(name)

    def listing(names: list[str]) -> tuple[str, bool]:
        names = sorted(names)
        if 0 < max_nodes < len(names):
            return ",".join(names[:max_nodes]) + f" (+{len(names) - max_nodes} more)", True
        return ",".join(names), False

    taint_data: dict[str, str] = {}
    label_data: dict[str, str] = {}
    taint_items: list[Any] = []
    label_items: list[Any] = []
    for key, effect, value in sorted(taints):
        text, cut = listing(taints[key, effect, value])
        shared = sum(1 for k in taints if k[0] == key) > 1
        taint_data[f"{key}.{effect}" if shared else key] = (
            f"{value}|{text}" if shared else f"{effect}|{value}|{text}"
        )
        count = len(taints[key, effect, value])
        taint_items.append(({"key": key, "value": value, "effect": effect}, count, text, cut))
    for key, value in sorted(labels):
        text, cut = listing(labels[key, value])
        shared = sum(1 for k in labels if k[0] == key) > 1
        label_data[f"{key}.{value}" if shared else key] = f"{value}|{text}"
        label_items.append(({"key": key, "value": value}, len(labels[key, value]), text, cut))
    return {
        "summary": {"node-count": len(nodes), "taint-count": len(taints), "label-count": len(labels)},
        "taint": (taint_data, taint_items),
        "label": (label_data, label_items),
    }


_word = st.sampled_from(["a", "b", "gpu", "zone", "z1", "", "nvidia.com/gpu", "x.y"])


@given(
    st.lists(
        st.tuples(
            st.dictionaries(_word, _word, max_size=4),
            st.lists(st.fixed_dictionaries({"key": _word, "value": _word, "effect": _word}), max_size=3),
        ),
        max_size=12,
    ),
    st.integers(min_value=-1, max_value=4),
)
def test_aggregation_matches_the_obvious_encoding(specs: list[Any], max_nodes: int) -> None:
    nodes = [node(f"n{i:02d}", labels, taints) for i, (labels, taints) in enumerate(reversed(specs))]
    subs = measure(nodes, max_nodes)
    want = _naive(nodes, max_nodes)
    assert subs["summary"].data == want["summary"]
    for name in ("taint", "label"):
        data, items = want[name]
        assert subs[name].data == data
        got = [
            (i.context, i.data["node-count"], i.data["node-list"], i.data["truncated"])
            for i in subs[name].items
        ]
        assert got == items
