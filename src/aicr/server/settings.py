"""Server settings: every knob aicrd reads from its environment, parsed once at start-up.

Pure apart from reading the mapping it is given. A malformed value is an INVALID_REQUEST error
naming the variable, and aicrd refuses to start on it (reference/surface.md §3; the allowlist
variables are parsed by `aicr.recipe.allowlist`, which rejects unknown values).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from aicr.errors import AicrError, Code
from aicr.recipe.allowlist import Allowlist

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MIB = 1024 * 1024
_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})  # strconv.ParseBool; anything else is off
LOG_LEVELS = ("debug", "info", "warn", "warning", "error")
# (variable, default, meaning) for `aicrd --help`: every setting `Settings.from_env` reads.
ENVIRONMENT = (
    ("AICR_SERVER_ADDRESS", "0.0.0.0", "address to listen on"),
    ("PORT", "8080", "port to listen on"),
    ("AICR_LOG_LEVEL", "info", "debug, info, warn or error (LOG_LEVEL is read too)"),
    ("SHUTDOWN_TIMEOUT_SECONDS", "30", "time in-flight requests get after SIGTERM"),
    ("AICR_RATE_LIMIT", "100", "requests per second per client address (0 disables)"),
    ("AICR_RATE_BURST", "200", "burst size of the rate limit"),
    ("AICR_CACHE_ENTRIES", "2048", "cached recipe/query/bundle answers"),
    ("AICR_IDLE_TIMEOUT_SECONDS", "120", "keep-alive idle time between requests"),
    ("AICR_HEADER_TIMEOUT_SECONDS", "5", "time to send the request line and headers"),
    ("AICR_READ_TIMEOUT_SECONDS", "10", "time to send the body once the headers are in (then 408)"),
    ("AICR_MAX_HEADER_BYTES", "65536", "largest request head (then 431)"),
    (
        "AICR_MAX_CONNECTIONS",
        "1024",
        "open connections; beyond it the oldest still sending headers is dropped",
    ),
    ("AICR_ALLOWED_SERVICES", "(all)", "comma-separated services the server resolves"),
    ("AICR_ALLOWED_ACCELERATORS", "(all)", "comma-separated accelerators"),
    ("AICR_ALLOWED_INTENTS", "(all)", "comma-separated intents"),
    ("AICR_ALLOWED_OS", "(all)", "comma-separated operating systems"),
    ("AICR_AUTH_TOKENS_FILE", "(off)", "bearer-token file (name + sha256 per token); re-read on change"),
    ("AICR_AUTH_PROTECT_OPS", "false", "also require a token on /health, /ready and /metrics"),
    ("AICR_ALLOW_VENDOR_CHARTS", "false", "allow /v1/bundle?vendor-charts=true (server-side chart pulls)"),
)


def help_text() -> str:
    """`aicrd --help`: what it does and every environment variable with its default."""
    width = max(len(name) for name, _d, _m in ENVIRONMENT)
    rows = "\n".join(f"  {name:<{width}}  {default:>7}  {meaning}" for name, default, meaning in ENVIRONMENT)
    return (
        "usage: aicrd [-h]\n\n"
        "Serve the AICR REST API (/v1/recipe, /v1/query, /v1/bundle, /health, /ready, /metrics,\n"
        "/openapi.json) and the recipe explorer page (/ui). Configuration comes from the environment:\n\n"
        f"  {'variable':<{width}}  {'default':>7}  meaning\n{rows}\n\n"
        "Example: PORT=9090 AICR_ALLOWED_SERVICES=eks,gke aicrd\n"
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """aicrd configuration. Defaults follow the reference server (surface.md §3)."""

    address: str = "0.0.0.0"  # containers: listen on every interface
    port: int = 8080
    log_level: str = "info"
    shutdown_timeout: float = 30.0
    rate_limit: float = 100.0  # tokens per second per client address; 0 disables limiting
    rate_burst: int = 200
    recipe_body_limit: int = 1 * MIB
    bundle_body_limit: int = 8 * MIB
    recipe_timeout: float = 30.0
    bundle_timeout: float = 60.0
    keep_alive_timeout: float = 120.0  # idle time between requests on one connection
    header_timeout: float = 5.0  # request line + headers, from their first byte
    read_timeout: float = 10.0  # the whole request body, once the headers are in
    max_header_bytes: int = 64 * 1024
    max_connections: int = 1024  # open connections; the oldest idle one is evicted beyond
    cache_entries: int = 2048
    cache_bytes: int = 128 * MIB
    bundle_concurrency: int = 4
    allowlist: Allowlist = field(default_factory=Allowlist)
    auth_tokens_file: str = ""  # empty: authentication off
    auth_protect_ops: bool = False  # true: /health, /ready and /metrics need a token too
    allow_vendor_charts: bool = False  # AICR_ALLOW_VENDOR_CHARTS; the pulls run from this server

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        valid: Mapping[str, Iterable[str]] | None = None,
    ) -> Settings:
        """Read the environment; `valid` lists the criteria values allowlists may name."""
        env = os.environ if environ is None else environ
        return cls(
            address=env.get("AICR_SERVER_ADDRESS", "").strip() or "0.0.0.0",
            port=_integer(env, "PORT", 8080, low=1, high=65535),
            log_level=log_level(env),
            shutdown_timeout=_number(env, "SHUTDOWN_TIMEOUT_SECONDS", 30.0, low=0.0),
            rate_limit=_number(env, "AICR_RATE_LIMIT", 100.0, low=0.0),
            rate_burst=_integer(env, "AICR_RATE_BURST", 200, low=1),
            cache_entries=_integer(env, "AICR_CACHE_ENTRIES", 2048, low=1),
            keep_alive_timeout=_number(env, "AICR_IDLE_TIMEOUT_SECONDS", 120.0, low=1.0),
            header_timeout=_number(env, "AICR_HEADER_TIMEOUT_SECONDS", 5.0, low=0.1),
            read_timeout=_number(env, "AICR_READ_TIMEOUT_SECONDS", 10.0, low=0.1),
            max_header_bytes=_integer(env, "AICR_MAX_HEADER_BYTES", 64 * 1024, low=1024),
            max_connections=_integer(env, "AICR_MAX_CONNECTIONS", 1024, low=16),
            allowlist=Allowlist.from_env(env, valid),
            auth_tokens_file=(env.get("AICR_AUTH_TOKENS_FILE") or "").strip(),
            auth_protect_ops=_boolean(env, "AICR_AUTH_PROTECT_OPS"),
            allow_vendor_charts=env.get("AICR_ALLOW_VENDOR_CHARTS", "").strip() in _GO_TRUE,
        )

    @property
    def rate_limited(self) -> bool:
        """Whether requests are rate limited at all."""
        return self.rate_limit > 0


def log_level(env: Mapping[str, str]) -> str:
    """AICR_LOG_LEVEL (or the v0.11 name LOG_LEVEL); anything unknown means info, as in the reference."""
    level = (env.get("AICR_LOG_LEVEL") or env.get("LOG_LEVEL") or "info").strip().lower()
    return level if level in LOG_LEVELS else "info"


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def _integer(env: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None) -> int:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise AicrError(Code.INVALID_REQUEST, f"invalid {name}: {raw!r} is not an integer") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise AicrError(Code.INVALID_REQUEST, f"invalid {name}: {value} (must be {bounds})")
    return value


def _boolean(env: Mapping[str, str], name: str) -> bool:
    raw = _raw(env, name)
    if raw is None:
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise AicrError(Code.INVALID_REQUEST, f"invalid {name}: {raw!r} (want true or false)")


def _number(env: Mapping[str, str], name: str, default: float, *, low: float) -> float:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise AicrError(Code.INVALID_REQUEST, f"invalid {name}: {raw!r} is not a number") from None
    if not value >= low or value == float("inf"):  # also rejects NaN
        raise AicrError(Code.INVALID_REQUEST, f"invalid {name}: {raw} (must be a finite number >= {low:g})")
    return value
