"""schema.org `NewsArticle` JSON-LD for an article page, ready to put into a `<script
type="application/ld+json">` as it is.

It carries what search engines' article guidelines recommend (Google lists no required property
for articles, and recommends `headline`, `image`, `datePublished`, `dateModified` and `author`
with `name` and `url`), and what a news page adds: the publisher from settings, the page it
describes, language, section, keywords, `isAccessibleForFree` and the corrections. Images are
the cover's largest crop per aspect ratio (16:9, 1:1 and the original), of at least 50,000
pixels as Google asks; every URL is absolute.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cms.models import Article, ArticleCorrection, AuthorProfile, Category, Media, Tag
from cms.services.text import localized
from cms.settings import Settings

MIN_IMAGE_PIXELS = 50_000
WEB_FORMATS = ("jpg", "jpeg", "png", "webp", "gif")


@dataclass(frozen=True, slots=True)
class ArticleParts:
    """What the JSON-LD names besides the article itself, read by the caller (in batches)."""

    authors: Sequence[AuthorProfile] = ()
    category: Category | None = None
    cover: Media | None = None
    tags: Sequence[Tag] = ()
    corrections: Sequence[ArticleCorrection] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def publisher(settings: Settings) -> dict[str, Any]:
    """The publication, from `CMS_PUBLISHER_*` (its name defaults to `CMS_SITE_NAME`)."""
    found: dict[str, Any] = {
        "@type": "NewsMediaOrganization",
        "name": settings.publisher_name or settings.site_name,
        "url": settings.site_url.rstrip("/") + "/",
    }
    if settings.publisher_logo_url:
        found["logo"] = {"@type": "ImageObject", "url": settings.publisher_logo_url}
    if settings.publisher_same_as:
        found["sameAs"] = list(settings.publisher_same_as)
    return found


def images(settings: Settings, cover: Media | None) -> list[str]:
    """The cover's largest rendition of each aspect, big enough for search results."""
    if cover is None:
        return []
    largest: dict[str, dict[str, Any]] = {}
    for row in cover.renditions:
        if row.get("format") not in WEB_FORMATS or row["width"] * row["height"] < MIN_IMAGE_PIXELS:
            continue
        best = largest.get(row["aspect"])
        if best is None or row["width"] > best["width"]:
            largest[row["aspect"]] = row
    urls = [settings.media_url_for(row["key"]) for row in largest.values()]
    return list(dict.fromkeys(urls)) or [settings.media_url_for(cover.storage_key)]


def _authors(
    settings: Settings, locale: str, authors: Sequence[AuthorProfile]
) -> list[dict[str, Any]]:
    """The bylines, each with its page on the site; an article without one is the publication's
    own."""
    if authors:
        return [
            {
                "@type": "Organization" if author.is_organization else "Person",
                "name": localized(author.names, locale, settings.default_locale),
                "url": settings.author_url(locale, author.slug),
            }
            for author in authors
        ]
    own = publisher(settings)
    return [{"@type": own["@type"], "name": own["name"], "url": own["url"]}]


def news_article(settings: Settings, article: Article, parts: ArticleParts) -> dict[str, Any]:
    """The article as a schema.org `NewsArticle`."""
    url = settings.article_url(article.locale, article.slug, article.public_id)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.seo_title or article.title,
        "description": article.seo_description or article.lead,
        "inLanguage": article.locale,
        "author": _authors(settings, article.locale, parts.authors),
        "publisher": publisher(settings),
        "isAccessibleForFree": True,
    }
    if article.body_text:
        data["wordCount"] = len(article.body_text.split())
    if article.published_at is not None:
        corrected = [c.corrected_at for c in parts.corrections]
        modified = max(article.updated_at, article.published_at, *corrected)
        data |= {"datePublished": _iso(article.published_at), "dateModified": _iso(modified)}
    if pictures := images(settings, parts.cover):
        data["image"] = pictures
    if parts.category is not None:
        names = parts.category.names
        data["articleSection"] = names.get(article.locale) or parts.category.slug
    if parts.tags:
        data["keywords"] = [tag.names.get(article.locale) or tag.slug for tag in parts.tags]
    if parts.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": _iso(c.corrected_at)}
            for c in parts.corrections
        ]
    if article.source_name:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source_name}
    return data
