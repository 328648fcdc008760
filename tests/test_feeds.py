"""RSS, the sitemap and the Google News sitemap: well-formed XML, absolute URLs, public only."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus
from tests.builders import make_article, make_category

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "atom": "http://www.w3.org/2005/Atom",
}


async def _xml(client: httpx.AsyncClient, path: str) -> Element:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert "xml" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=300"
    root: Element = ElementTree.fromstring(response.content)
    return root


async def test_rss_per_locale_lists_published_articles_newest_first(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, title="Older", slug="older", lead="First & foremost")
    await make_article(session, title="Newer", slug="newer")
    await make_article(session, title="Georgian", locale="ka")
    await make_article(session, title="Draft", status=ArticleStatus.DRAFT)
    await session.commit()

    rss = await _xml(client, "/feeds/en.xml")

    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "en"
    self_link = channel.find("atom:link", NS)
    assert self_link is not None
    assert self_link.get("href") == "https://news.example/feeds/en.xml"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    assert [item.findtext("link") for item in items] == [
        "https://news.example/en/newer",
        "https://news.example/en/older",
    ]
    assert items[1].findtext("description") == "First & foremost"
    published = parsedate_to_datetime(items[0].findtext("pubDate") or "")
    assert published.tzinfo is not None


async def test_rss_per_category_includes_its_subcategories(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    economy = await make_category(session, slug="economy", names={"en": "Economy"})
    banking = await make_category(session, slug="banking", parent_id=economy.id)
    await make_article(session, title="Rates", category_id=banking.id)
    await make_article(session, title="GDP", category_id=economy.id)
    await make_article(session, title="Football")
    await session.commit()

    rss = await _xml(client, "/feeds/en/economy.xml")

    assert rss.findtext("channel/title") == "Newsroom - Economy"
    assert [item.findtext("title") for item in rss.iterfind("channel/item")] == ["GDP", "Rates"]


async def test_unknown_locales_and_categories_are_not_found(client: httpx.AsyncClient) -> None:
    assert (await client.get("/feeds/fr.xml")).status_code == 404
    assert (await client.get("/feeds/en/nothing.xml")).status_code == 404


async def test_the_sitemap_lists_every_published_article_with_its_last_change(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await make_article(session, slug="wine", locale="en")
    await make_article(session, slug="ghvino", locale="ka")
    await make_article(session, slug="secret", status=ArticleStatus.SCHEDULED)
    await session.commit()

    sitemap = await _xml(client, "/sitemap.xml")

    assert sitemap.tag == f"{{{NS['sm']}}}urlset"
    urls = [entry.findtext("sm:loc", namespaces=NS) for entry in sitemap.findall("sm:url", NS)]
    assert urls == ["https://news.example/ka/ghvino", "https://news.example/en/wine"]
    lastmod = sitemap.findtext("sm:url/sm:lastmod", namespaces=NS)
    assert lastmod is not None
    assert datetime.fromisoformat(lastmod).tzinfo is not None


async def test_the_news_sitemap_holds_the_last_two_days(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    now = datetime.now(UTC)
    await make_article(session, title="Fresh", slug="fresh", published_at=now - timedelta(hours=3))
    await make_article(session, title="Stale", published_at=now - timedelta(days=3))
    await make_article(session, title="Unpublished", status=ArticleStatus.DRAFT)
    await session.commit()

    news = await _xml(client, "/news-sitemap.xml")

    [entry] = news.findall("sm:url", NS)
    assert entry.findtext("sm:loc", namespaces=NS) == "https://news.example/en/fresh"
    assert entry.findtext("news:news/news:title", namespaces=NS) == "Fresh"
    assert entry.findtext("news:news/news:publication/news:name", namespaces=NS) == "Newsroom"
    assert entry.findtext("news:news/news:publication/news:language", namespaces=NS) == "en"
    published = entry.findtext("news:news/news:publication_date", namespaces=NS)
    assert published is not None
    assert datetime.fromisoformat(published) > now - timedelta(hours=4)
