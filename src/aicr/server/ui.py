"""The recipe explorer page: `GET /ui` and its script and style sheet, served by aicrd itself.

Edge module (Litestar handlers reading package data). The page is static HTML/CSS/JS from
`aicr/server/static/`, read once; it talks to the public API only (`/openapi.json` for the
criteria values and deployers, `/v1/recipe?explain=true`, `/v1/bundle`). Every answer carries a
Content-Security-Policy that allows only this origin's script and style files (no inline code).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from litestar import Response, get

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# path -> (packaged file, media type; Litestar adds "; charset=utf-8")
ASSETS = {
    "/ui": ("explorer.html", "text/html"),
    "/ui/explorer.js": ("explorer.js", "text/javascript"),
    "/ui/explorer.css": ("explorer.css", "text/css"),
}
UI_PATHS = tuple(ASSETS)


@cache
def asset(path: str) -> bytes:
    """The bytes of the file served at `path` (read from the package once)."""
    name, _media = ASSETS[path]
    return files("aicr.server").joinpath("static", name).read_bytes()


def _serve(path: str) -> Response[bytes]:
    return Response(content=asset(path), media_type=ASSETS[path][1], headers=_HEADERS)


@get("/ui", include_in_schema=False, sync_to_thread=False)
def page() -> Response[bytes]:
    """The explorer page."""
    return _serve("/ui")


@get("/ui/explorer.js", include_in_schema=False, sync_to_thread=False)
def script() -> Response[bytes]:
    """The page's script."""
    return _serve("/ui/explorer.js")


@get("/ui/explorer.css", include_in_schema=False, sync_to_thread=False)
def style() -> Response[bytes]:
    """The page's style sheet."""
    return _serve("/ui/explorer.css")


UI_HANDLERS = [page, script, style]
