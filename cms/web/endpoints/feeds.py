"""`/feeds/{locale}.xml`, `/feeds/{locale}/{category}.xml`, `/feeds/{locale}/authors/{author}.xml`,
`/sitemap.xml`, `/news-sitemap.xml`.

Cacheable for five minutes: a CDN absorbs feed readers and crawlers. Every reader is anonymous,
so with read replicas they read from a fresh one (`cms.replicas`).
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from cms.replicas import ReadRouter
from cms.services import feeds as feed_service
from cms.settings import Settings

CACHE = {"Cache-Control": "public, max-age=300"}


def _xml(body: bytes, media_type: str = "application/xml") -> Response:
    return Response(body, media_type=f"{media_type}; charset=utf-8", headers=CACHE)


def routes(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    reads: ReadRouter | None = None,
) -> list[Route]:
    async def reading() -> async_sessionmaker[AsyncSession]:
        return sessions if reads is None else await reads.sessions_for_reads()

    async def rss(request: Request) -> Response:
        locale = request.path_params["locale"]
        slug = request.path_params.get("category")
        author = request.path_params.get("author")
        if locale not in settings.locales:
            return PlainTextResponse(f"No feed for locale {locale!r}.", status_code=404)
        async with (await reading())() as session:
            body = await feed_service.rss(
                session=session,
                settings=settings,
                locale=locale,
                category_slug=slug,
                author_slug=author,
            )
        if body is None:
            missing = f"author {author!r}" if author else f"category {slug!r}"
            return PlainTextResponse(f"No {missing}.", status_code=404)
        return _xml(body, "application/rss+xml")

    async def sitemap(request: Request) -> Response:
        async with (await reading())() as session:
            return _xml(await feed_service.sitemap(session=session, settings=settings))

    async def news_sitemap(request: Request) -> Response:
        async with (await reading())() as session:
            return _xml(await feed_service.news_sitemap(session=session, settings=settings))

    return [
        Route("/feeds/{locale}.xml", rss),
        Route("/feeds/{locale}/{category}.xml", rss),
        Route("/feeds/{locale}/authors/{author}.xml", rss),
        Route("/sitemap.xml", sitemap),
        Route("/news-sitemap.xml", news_sitemap),
    ]
