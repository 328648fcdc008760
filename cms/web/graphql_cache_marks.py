"""Whether a GraphQL response may be shared: the `Cache-Control` the view marks it with, which
the response cache (`cms.web.http_cache`) and a CDN go by, `Surrogate-Key` naming its tags."""

from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from cms.settings import Settings
from cms.web.response_cache import MAX_AGE_HEADER, ResponseStore
from schema.context import Context


class CacheMarks(GraphQL[Context, None]):
    """Strawberry's view, saying how long a response may be kept and by whom."""

    settings: Settings
    cache: ResponseStore

    async def _mark(
        self,
        sub_response: Response,
        result: ExecutionResult | list[ExecutionResult],
        context: Context,
    ) -> None:
        """Marks the response, answered only once the entries this operation's writes made stale
        are gone, so the client's next read cannot hit one of them."""
        await self.cache.settle()
        sub_response.headers["Cache-Control"] = self._cache_control(result, context)
        if sub_response.headers["Cache-Control"].startswith("public"):
            sub_response.headers["Surrogate-Key"] = " ".join(sorted(context.cache_tags))
            if context.shows_views and self.settings.response_cache_bytes > 0:
                sub_response.headers[MAX_AGE_HEADER] = str(self.settings.views_max_age_seconds)

    def _cache_control(
        self, result: ExecutionResult | list[ExecutionResult], context: Context
    ) -> str:
        """Public for an anonymous query that went well; never for anyone signed in. View
        counts change without invalidating anything, so they are kept for a bounded age."""
        results = result if isinstance(result, list) else [result]
        if context.viewer.user is not None or context.token is not None:
            return "private, no-store"
        if not context.shareable or any(r.errors for r in results) or not context.cache_tags:
            return "no-store"
        s = self.settings
        max_age, s_maxage = s.cache_max_age, s.cache_s_maxage
        if context.shows_views:
            max_age = min(max_age, s.views_max_age_seconds)
            s_maxage = min(s_maxage, s.views_max_age_seconds)
        return (
            f"public, max-age={max_age}, s-maxage={s_maxage}, "
            f"stale-while-revalidate={s.cache_stale_while_revalidate}"
        )
