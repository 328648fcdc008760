"""`Article.jsonLd`: schema.org NewsArticle structured data a frontend puts into the page as is."""

import json
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article, ArticleCorrection, Media, MediaKind
from cms.models.columns import utcnow
from cms.seed import seed_demo
from cms.services.structured_data import ArticleParts, news_article
from cms.settings import Settings
from tests.builders import make_article, make_category, make_media, make_tag, make_user
from tests.conftest import Gql

RECOMMENDED = {"headline", "image", "datePublished", "dateModified", "author"}
"""What Google's article structured-data guidelines recommend (it requires nothing more)."""
PAGE = """
query P($after: String) {
  articles(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { title jsonLd } }
  }
}
"""
ONE = "query O($id: String!) { article(publicId: $id) { jsonLd } }"


def _check_news_article(data: dict[str, Any]) -> None:
    """The properties search engines read, each of the shape they expect."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert set(data) >= RECOMMENDED, RECOMMENDED - set(data)
    assert data["headline"]
    assert data["image"]
    assert all(url.startswith("https://") for url in data["image"])
    assert data["datePublished"] <= data["dateModified"]
    assert all(author["name"] for author in data["author"])
    assert all(author["url"].startswith("https://") for author in data["author"])
    assert data["publisher"]["name"]
    assert data["mainEntityOfPage"]["@id"] == data["url"]
    assert data["inLanguage"] in ("ka", "en")
    assert data["isAccessibleForFree"] is True


async def test_every_demo_article_carries_the_recommended_properties(
    session: AsyncSession, settings: Settings, gql: Gql
) -> None:
    await seed_demo(session, settings)
    found: list[dict[str, Any]] = []
    after = None

    while True:
        result = await gql(PAGE, {"after": after})
        assert result.errors is None, result.errors
        page = result.data["articles"]
        found += [json.loads(edge["node"]["jsonLd"]) for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(found) >= 40
    for data in found:
        _check_news_article(data)


async def test_an_article_names_its_authors_section_keywords_cover_and_corrections(
    session: AsyncSession, gql: Gql
) -> None:
    author = await make_user(session, display_name="Nino Beridze")
    category = await make_category(session, slug="economy", names={"en": "Economy"})
    tag = await make_tag(session, slug="wine", names={"en": "Wine"})
    cover = await make_media(session, storage_key="covers/harvest.jpg", width=1600, height=900)
    published_at = utcnow() - timedelta(days=1)
    article = await make_article(
        session,
        slug="harvest",
        title="A record harvest",
        published_at=published_at,
        category_id=category.id,
        cover_id=cover.id,
        tags=[tag],
        authors=[author],
    )
    assert article.id is not None
    session.add(
        ArticleCorrection(
            article_id=article.id, text="The yield was misstated.", corrected_at=published_at
        )
    )
    await session.commit()

    result = await gql(ONE, {"id": article.public_id})

    data = json.loads(result.data["article"]["jsonLd"])
    _check_news_article(data)
    assert data["url"] == "https://news.example/en/harvest"
    assert data["headline"] == "A record harvest"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Nino Beridze",
            "url": "https://news.example/en/authors/nino-beridze",
        }
    ]
    assert data["articleSection"] == "Economy"
    assert data["keywords"] == ["Wine"]
    assert data["image"] == ["https://news.example/media/covers/harvest.jpg"]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The yield was misstated.",
            "datePublished": published_at.isoformat(timespec="seconds"),
        }
    ]


async def test_the_text_cannot_end_the_script_element_it_is_put_in(
    session: AsyncSession, gql: Gql
) -> None:
    title = "</script><script>alert(1)</script> & <!-- more"
    article = await make_article(session, title=title)
    await session.commit()

    text = (await gql(ONE, {"id": article.public_id})).data["article"]["jsonLd"]

    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text)["headline"] == title


def test_the_publisher_comes_from_settings(settings: Settings) -> None:
    configured = settings.model_copy(
        update={
            "publisher_name": "Tbilisi Business Daily",
            "publisher_logo_url": "https://news.example/logo.png",
            "publisher_same_as": ["https://x.com/tbilisibiz"],
        }
    )
    article = Article(id=1, public_id="0123456789abc", locale="en", slug="s", title="T")

    data = news_article(configured, article, ArticleParts())

    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "Tbilisi Business Daily",
        "url": "https://news.example/",
        "logo": {"@type": "ImageObject", "url": "https://news.example/logo.png"},
        "sameAs": ["https://x.com/tbilisibiz"],
    }
    assert data["author"] == [
        {
            "@type": "NewsMediaOrganization",
            "name": "Tbilisi Business Daily",
            "url": "https://news.example/",
        }
    ]


def test_images_are_the_largest_crop_per_aspect_and_big_enough(settings: Settings) -> None:
    cover = Media(
        kind=MediaKind.IMAGE,
        storage_key="o.jpg",
        checksum="c",
        mime_type="image/jpeg",
        size_bytes=1,
        renditions=[
            {"aspect": "16x9", "width": 320, "height": 180, "format": "jpg", "key": "a/320.jpg"},
            {"aspect": "16x9", "width": 1280, "height": 720, "format": "jpg", "key": "a/1280.jpg"},
            {"aspect": "1x1", "width": 200, "height": 200, "format": "jpg", "key": "s/200.jpg"},
            {"aspect": "1x1", "width": 800, "height": 800, "format": "jpg", "key": "s/800.jpg"},
        ],
    )
    article = Article(id=1, public_id="0123456789abc", locale="en", slug="s", title="T")

    data = news_article(settings, article, ArticleParts(cover=cover))

    assert data["image"] == [
        "https://news.example/media/a/1280.jpg",
        "https://news.example/media/s/800.jpg",
    ]
