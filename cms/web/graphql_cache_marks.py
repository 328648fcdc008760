"""Whether a GraphQL response may be shared: the `Cache-Control` the view marks it with, which
the response cache (`cms.web.http_cache`) and a CDN go by, `Surrogate-Key` naming its tags."""

from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from cms.settings import Settings
from schema.context import Context


class CacheMarks(GraphQL[Context, None]):
    """Strawberry's view, saying how long a response may be kept and by whom."""

    settings: Settings

    def _cache_control(
        self, result: ExecutionResult | list[ExecutionResult], context: Context
    ) -> str:
        """Public for an anonymous query that went well; never for anyone signed in."""
        results = result if isinstance(result, list) else [result]
        if context.viewer.user is not None or context.token is not None:
            return "private, no-store"
        if not context.shareable or any(r.errors for r in results) or not context.cache_tags:
            return "no-store"
        s = self.settings
        return (
            f"public, max-age={s.cache_max_age}, s-maxage={s.cache_s_maxage}, "
            f"stale-while-revalidate={s.cache_stale_while_revalidate}"
        )
