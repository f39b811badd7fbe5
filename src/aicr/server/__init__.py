"""aicrd, the AICR REST server: a Litestar app that parses requests, calls the library, renders.

No business logic lives here. Criteria parsing, resolution, query selection, allowlists and
bundle generation are the library's (`aicr.recipe`, `aicr.catalog`, `aicr.bundle`); this package
adds HTTP concerns only: routing, limits, rate limiting, caching of rendered responses, metrics,
OpenAPI and process lifecycle. `create_app` builds the ASGI app; `aicr.server.main` runs it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from aicr.server.app import create_app

        return create_app
    if name == "Settings":
        from aicr.server.settings import Settings

        return Settings
    raise AttributeError(f"module 'aicr.server' has no attribute {name!r}")
