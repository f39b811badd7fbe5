"""ApiClient.list_pages_typed: list pages decoded into a Struct of the fields read, page by page."""

from __future__ import annotations

import msgspec
import pytest
from tests.support.kube_emulator import KubeEmulator, make_nodes

from aicr.errors import AicrError, Code
from aicr.k8s.client import ApiClient


class _Meta(msgspec.Struct):
    name: str = ""


class _Named(msgspec.Struct):
    metadata: _Meta | None = None


def test_typed_pages_follow_continue_tokens_and_keep_only_declared_fields(
    kube: KubeEmulator, api: ApiClient
) -> None:
    kube.add("v1/nodes", *make_nodes(5))
    pages = list(api.list_pages_typed("Node", _Named, limit=2))
    assert [len(page) for page in pages] == [2, 2, 1]
    names = [node.metadata.name for page in pages for node in page if node.metadata is not None]
    assert names == [f"node-{i:05d}" for i in range(5)]
    assert msgspec.structs.asdict(pages[0][0]) == {"metadata": _Meta("node-00000")}


def test_typed_pages_match_the_untyped_listing(kube: KubeEmulator, api: ApiClient) -> None:
    kube.add("v1/nodes", *make_nodes(7))
    typed = [n.metadata.name for p in api.list_pages_typed("Node", _Named, limit=3) for n in p if n.metadata]
    assert typed == [n["metadata"]["name"] for n in api.list("Node", limit=3)]


def test_a_field_of_the_wrong_type_is_unavailable_naming_the_request(
    kube: KubeEmulator, api: ApiClient
) -> None:
    kube.add("v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": 5}})
    with pytest.raises(AicrError, match="unreadable list for GET /api/v1/nodes") as err:
        list(api.list_pages_typed("Node", _Named))
    assert err.value.code is Code.UNAVAILABLE


def test_a_list_error_keeps_its_status_code(kube: KubeEmulator, api: ApiClient) -> None:
    kube.call(lambda emu: emu.fail("GET", "nodes", 403, "nodes is forbidden"))
    with pytest.raises(AicrError) as err:
        list(api.list_pages_typed("Node", _Named))
    assert err.value.code is Code.UNAUTHORIZED
