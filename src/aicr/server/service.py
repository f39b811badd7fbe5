"""The server's link to the library: resolve, query and bundle, with caching and worker threads.

Calls `Catalog.resolve`, `aicr.recipe.query.hydrate/select` and `aicr.bundle.api.build_bundle`
exactly as the CLI does and renders their results once: rendered bodies are kept in a bounded
LRU keyed by normalised criteria (plus the selector for queries), so a repeated request costs a
dict lookup. Library calls run in worker threads; concurrent requests for the same uncached key
share one computation. Nothing here knows about HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from aicr.errors import AicrError, Code
from aicr.server.cache import ResponseCache
from aicr.server.errorbody import encode
from aicr.version import recipe_version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from typing import Any

    from aicr.catalog.catalog import Catalog
    from aicr.recipe.criteria import Criteria
    from aicr.server.bundles import BundleArchive
    from aicr.server.metrics import Metrics
    from aicr.server.settings import Settings

# Errors that depend only on the request and the catalog, so caching them is safe.
_DETERMINISTIC = frozenset({Code.INVALID_REQUEST, Code.NOT_FOUND})
_HYDRATED_ENTRIES = 128
_KEY_MEMO_ENTRIES = 4096  # raw query string -> normalised cache key


class RecipeService:
    """Cached recipe and query answers and bundle builds over one catalog."""

    def __init__(self, settings: Settings, metrics: Metrics, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.metrics = metrics
        self.catalog = catalog
        self.version = recipe_version()
        self.cache = ResponseCache(settings.cache_entries, settings.cache_bytes)
        self._hydrated: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._hydrated_lock = threading.Lock()
        self._inflight: dict[Hashable, asyncio.Future[bytes]] = {}
        self._keys: dict[tuple[str, bytes], Hashable] = {}
        self._compute = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aicrd-compute")
        self._bundles = ThreadPoolExecutor(
            max_workers=settings.bundle_concurrency, thread_name_prefix="aicrd-bundle"
        )

    # -- readiness -------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the catalog is loaded."""
        return self.catalog is not None

    def require_catalog(self) -> Catalog:
        """The catalog, or UNAVAILABLE while it is still loading."""
        if self.catalog is None:
            raise AicrError(Code.UNAVAILABLE, "service is initializing")
        return self.catalog

    def allowed_values(self) -> dict[str, frozenset[str]]:
        """Valid criteria values (static plus catalog-declared)."""
        return self.require_catalog().allowed_values()

    @staticmethod
    def warm_up() -> None:
        """Import the library modules requests use, so the first request does not pay for it."""
        import aicr.bundle.api
        import aicr.recipe.document
        import aicr.recipe.query
        import aicr.recipe.resolve  # noqa: F401

    def close(self) -> None:
        """Stop the worker threads (running builds finish first)."""
        self._compute.shutdown(wait=False, cancel_futures=True)
        self._bundles.shutdown(wait=False, cancel_futures=True)

    # -- cached answers --------------------------------------------------------------------

    def cached(self, key: Hashable, kind: str) -> bytes | None:
        """A cached body for `key` (counted as a hit), or None. Cached errors are raised."""
        value = self.cache.get(key)
        self.metrics.cache_lookup(kind, value is not None)
        if value is None:
            return None
        if isinstance(value, AicrError):
            raise value
        return value

    def peek(self, key: Hashable, kind: str) -> bytes | None:
        """A cached body for `key`, or None for a miss or a cached error (fast path)."""
        value = self.cache.get(key)
        if isinstance(value, bytes):
            self.metrics.cache_lookup(kind, True)
            return value
        return None

    def fast_get(self, kind: str, query_string: bytes) -> bytes | None:
        """The cached body for a GET /v1/recipe or /v1/query query string, or None.

        None covers every case the handler must decide (a miss, a cached error, a bad or
        disallowed parameter, the catalog still loading); the handler then parses the same
        query string with the same functions and answers or fails. The normalised cache key of
        a query string that parsed cleanly is memoised, so a repeated request skips parsing.
        """
        key = self._keys.get((kind, query_string))
        if key is None:
            key = self._fast_key(kind, query_string)
            if key is None:
                return None
            if len(self._keys) >= _KEY_MEMO_ENTRIES:
                self._keys.clear()
            self._keys[(kind, query_string)] = key
        return self.peek(key, kind)

    def _fast_key(self, kind: str, query_string: bytes) -> Hashable | None:
        from aicr.server.parsing import criteria_from_params, first_values

        catalog = self.catalog
        if catalog is None:
            return None
        params = first_values(query_string)
        if params.get("explain"):  # explained answers take the handler's path (own cache key)
            return None
        if "profile" in params:
            return None  # /v1 rejects profile input; the handler says so
        try:
            criteria = criteria_from_params(params, catalog.allowed_values())
            self.settings.allowlist.check(criteria)
        except AicrError:
            return None
        if kind == "recipe":
            return ("recipe", criteria.key())
        selector = params.get("selector")
        if selector is None:
            return None
        return ("query", criteria.key(), selector)

    async def recipe(
        self,
        criteria: Criteria,
        profile: str | None = None,
        slurm_mode: str | None = None,
        *,
        explain: bool = False,
    ) -> bytes:
        """The RecipeResult for `criteria` as JSON bytes (allowlists checked first).

        `profile` (`name=value`) and `slurm_mode` are the /v2 inputs; /v1 never passes them.
        With `explain`, the document gains `provenance` (RecipeResult.provenance, keyed by path).
        """
        self.settings.allowlist.check(criteria)
        key = ("recipe", *_variant(criteria, profile, slurm_mode), *(("explain",) if explain else ()))
        body = self.cached(key, "recipe")
        if body is not None:
            return body
        catalog = self.require_catalog()

        def compute() -> bytes:
            result = catalog.resolve(
                criteria,
                version=self.version,
                profile=profile,
                slurm_accounting_mode=slurm_mode,
                explain=explain,
            )
            if result.provenance is None:
                return encode(result.doc)
            return encode({**result.doc, "provenance": result.provenance})

        return await self._shared(key, compute)

    async def query(
        self, criteria: Criteria, selector: str, profile: str | None = None, slurm_mode: str | None = None
    ) -> bytes:
        """The value at `selector` in the hydrated recipe, as JSON bytes."""
        from aicr.recipe.query import select

        self.settings.allowlist.check(criteria)
        variant = _variant(criteria, profile, slurm_mode)
        key = ("query", *variant, selector)
        body = self.cached(key, "query")
        if body is not None:
            return body
        self.require_catalog()
        return await self._shared(
            key, lambda: encode(select(self._hydrated_doc(criteria, variant, profile, slurm_mode), selector))
        )

    def _hydrated_doc(
        self, criteria: Criteria, key: tuple[Any, ...], profile: str | None, slurm_mode: str | None
    ) -> dict[str, Any]:
        """Resolve and hydrate (worker thread); hydrated documents are kept in a small LRU."""
        from aicr.recipe.query import hydrate

        with self._hydrated_lock:
            doc = self._hydrated.get(key)
            if doc is not None:
                self._hydrated.move_to_end(key)
                return doc
        catalog = self.require_catalog()
        result = catalog.resolve(
            criteria, version=self.version, profile=profile, slurm_accounting_mode=slurm_mode
        )
        doc = hydrate(result, catalog)
        with self._hydrated_lock:
            self._hydrated[key] = doc
            while len(self._hydrated) > _HYDRATED_ENTRIES:
                self._hydrated.popitem(last=False)
        return doc

    async def _shared(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """Run `compute` in a worker once per key; every concurrent caller awaits that run."""
        future = self._inflight.get(key)
        if future is None:
            loop = asyncio.get_running_loop()
            future = asyncio.ensure_future(loop.run_in_executor(self._compute, compute))
            self._inflight[key] = future
            future.add_done_callback(lambda done: self._settle(key, done))
        # shield: a caller that times out must not cancel the run the others are waiting for
        return await asyncio.shield(future)

    def _settle(self, key: Hashable, future: asyncio.Future[bytes]) -> None:
        self._inflight.pop(key, None)
        if future.cancelled():
            return
        error = future.exception()
        if error is None:
            self.cache.put(key, future.result())
        elif isinstance(error, AicrError) and error.code in _DETERMINISTIC:
            self.cache.put(key, error)

    # -- bundles ---------------------------------------------------------------------------

    async def bundle(self, recipe: Any, deployer: str, options: dict[str, Any]) -> BundleArchive:
        """Build a bundle in a worker thread and return it zipped."""
        from aicr.server.bundles import build_archive

        catalog = self.require_catalog()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._bundles, lambda: build_archive(recipe, deployer=deployer, options=options, catalog=catalog)
        )

    async def blocking(self, fn: Callable[[], Any]) -> Any:
        """Run a CPU-heavy step (large body parsing) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._compute, fn)


def _variant(criteria: Criteria, profile: str | None, slurm_mode: str | None) -> tuple[Any, ...]:
    """The cache key part of one resolution: /v1's key alone when no /v2 input is given."""
    if profile is None and slurm_mode is None:
        return (criteria.key(),)
    return (criteria.key(), profile, slurm_mode)
