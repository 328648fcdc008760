"""RSS 2.0 per locale, category and author, the sitemap, and the Google News sitemap, as XML bytes.

Every URL is absolute, built from `CMS_SITE_URL` and `CMS_ARTICLE_PATH`; every article comes
through the visibility rule as an anonymous reader, so nothing unpublished is ever listed. The
sitemap holds the newest 50,000 articles (the protocol's limit per file); the news sitemap the
articles of the last two days, at most 1,000, as Google News asks. (The GraphQL article feeds are
`feed_page` in `cms.services.articles`, paged by `schema.article_feed`.) A corrected article
carries the time of its last correction in RSS (`atom:updated`) and in the sitemap (`lastmod`,
as a correction is a save).
"""

from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.models import Article
from cms.models.columns import utcnow
from cms.services import authors as author_service
from cms.services import categories as category_service
from cms.services.articles import ArticleFilter, feed_page, feed_query
from cms.services.corrections import corrections_by_article_ids
from cms.services.text import localized
from cms.services.viewer import ANONYMOUS
from cms.settings import Settings

RSS_ITEMS = 50
SITEMAP_MAX = 50_000
NEWS_MAX = 1_000
NEWS_WINDOW = timedelta(days=2)
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def _text(parent: Element, tag: str, text: str, **attributes: str) -> Element:
    child = SubElement(parent, tag, attributes)
    child.text = text
    return child


def _document(root: Element) -> bytes:
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _url(settings: Settings, article: Article) -> str:
    return settings.article_url(article.locale, article.slug, article.public_id)


async def rss(
    *,
    session: AsyncSession,
    settings: Settings,
    locale: str,
    category_slug: str | None = None,
    author_slug: str | None = None,
) -> bytes | None:
    """The newest published articles of a locale (and of a category and those below it, or of
    an author), newest first; None when no category or author has the slug."""
    category = category_ids = author = None
    if author_slug is not None:
        author = await author_service.author_by_slug(session=session, slug=author_slug)
        if author is None:
            return None
    if category_slug is not None:
        tree = await category_service.category_tree(session=session)
        category = tree.by_slug.get(category_slug)
        if category is None:
            return None
        category_ids = tree.with_descendants(category)
    page, _ = await feed_page(
        session=session,
        viewer=ANONYMOUS,
        filters=ArticleFilter(
            locale=locale,
            category_ids=category_ids,
            author_id=author.id if author is not None else None,
        ),
        first=RSS_ITEMS,
    )
    articles = page.articles
    site = settings.site_url.rstrip("/")
    title = settings.site_name
    path = f"/feeds/{locale}.xml"
    if category is not None:
        title += " - " + (category.names.get(locale) or category.slug)
        path = f"/feeds/{locale}/{category.slug}.xml"
    if author is not None:
        title += " - " + localized(author.names, locale, settings.default_locale)
        path = f"/feeds/{locale}/authors/{author.slug}.xml"
    root = Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    channel = SubElement(root, "channel")
    _text(channel, "title", title)
    _text(channel, "link", site + "/")
    _text(channel, "description", title)
    _text(channel, "language", locale)
    SubElement(
        channel,
        "atom:link",
        {"href": settings.public_api_url + path, "rel": "self", "type": "application/rss+xml"},
    )
    if articles and articles[0].published_at is not None:
        _text(channel, "lastBuildDate", format_datetime(articles[0].published_at, usegmt=True))
    corrected = await corrections_by_article_ids(
        session=session, article_ids=[a.id for a in articles if a.id is not None]
    )
    for article in articles:
        assert article.published_at is not None
        assert article.id is not None
        item = SubElement(channel, "item")
        _text(item, "title", article.title)
        _text(item, "link", _url(settings, article))
        _text(item, "description", article.lead)
        _text(item, "guid", article.public_id, isPermaLink="false")
        _text(item, "pubDate", format_datetime(article.published_at, usegmt=True))
        if corrections := corrected.get(article.id):
            moment = corrections[-1].corrected_at.isoformat(timespec="seconds")
            _text(item, "atom:updated", moment)
    return _document(root)


async def sitemap(*, session: AsyncSession, settings: Settings) -> bytes:
    """Every published article's page with its last change, newest first."""
    query = (
        feed_query(ANONYMOUS, ArticleFilter())
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(SITEMAP_MAX)
    )
    root = Element("urlset", {"xmlns": SITEMAP})
    for article in await session.scalars(query):
        entry = SubElement(root, "url")
        _text(entry, "loc", _url(settings, article))
        _text(entry, "lastmod", article.updated_at.isoformat(timespec="seconds"))
    return _document(root)


async def news_sitemap(
    *, session: AsyncSession, settings: Settings, now: datetime | None = None
) -> bytes:
    """Articles of the last two days in the Google News sitemap format."""
    since = (now or utcnow()) - NEWS_WINDOW
    query = (
        feed_query(ANONYMOUS, ArticleFilter())
        .where(col(Article.published_at) >= since)
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(NEWS_MAX)
    )
    root = Element("urlset", {"xmlns": SITEMAP, "xmlns:news": NEWS})
    for article in await session.scalars(query):
        assert article.published_at is not None
        entry = SubElement(root, "url")
        _text(entry, "loc", _url(settings, article))
        news = SubElement(entry, "news:news")
        publication = SubElement(news, "news:publication")
        _text(publication, "news:name", settings.site_name)
        _text(publication, "news:language", article.locale)
        _text(news, "news:publication_date", article.published_at.isoformat(timespec="seconds"))
        _text(news, "news:title", article.title)
    return _document(root)
