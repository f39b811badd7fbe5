"""Typed list pages: a list response decoded into the caller's msgspec Struct, nothing more.

Pure (decoding only). `decoder(item_type)` reads `{"items": [...], "metadata": {"continue": …}}`
with msgspec, building `item_type` for each item: fields the Struct does not declare are skipped
without building Python objects, so a collector that reads three fields of a Node never holds
its status, images or annotations. Decoders are built once per item type.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class ListMeta(msgspec.Struct):
    """The list's `metadata`: only the continue token."""

    continue_: str | None = msgspec.field(default=None, name="continue")


class Page(msgspec.Struct, Generic[T]):
    """One page of a list response."""

    items: list[T] | None = None
    metadata: ListMeta | None = None


_DECODERS: dict[type, msgspec.json.Decoder[Page[object]]] = {}


def decoder(item_type: type[T]) -> msgspec.json.Decoder[Page[T]]:
    """The (cached) decoder of a list page whose items are `item_type`."""
    found = _DECODERS.get(item_type)
    if found is None:
        found = _DECODERS[item_type] = msgspec.json.Decoder(Page[item_type])  # type: ignore[valid-type]
    return found  # type: ignore[return-value]
