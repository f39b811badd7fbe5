"""Process-wide server state shared by the gateway and the route handlers.

Plain data: settings, metrics, the recipe service, the rate limiter and the lifecycle flags.
"""

from __future__ import annotations

from aicr.server.ratelimit import RateLimiter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aicr.server.auth import Authenticator
    from aicr.server.metrics import Metrics
    from aicr.server.service import RecipeService
    from aicr.server.settings import Settings

SERVICE_NAME = "aicrd"
STATE_KEY = "aicrd"  # key of this object in the Litestar app state


class ServerState:
    """Everything a request may need besides the request itself."""

    __slots__ = ("auth", "draining", "limiter", "metrics", "openapi_body", "root_body", "service", "settings")

    def __init__(self, settings: Settings, metrics: Metrics, service: RecipeService) -> None:
        self.settings = settings
        self.metrics = metrics
        self.service = service
        self.limiter = (
            RateLimiter(settings.rate_limit, settings.rate_burst) if settings.rate_limited else None
        )
        self.auth: Authenticator | None = None  # set by create_app when a tokens file is configured
        self.draining = False  # set on SIGTERM: /ready turns 503 while in-flight requests finish
        self.root_body = b""
        self.openapi_body = b""

    @property
    def ready(self) -> bool:
        """Whether the server should receive traffic."""
        return self.service.ready and not self.draining
