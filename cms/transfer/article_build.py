"""An article record checked and turned into an entity: every field read with a message that
names it, the body through the site's sanitiser whatever its source (sanitising is a fixed point,
so our own exports come back unchanged), body text and reading time derived from it."""

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, cast

from cms.models import Article, ArticleStatus
from cms.services.article_slugs import SLUG_PATTERN
from cms.services.html import sanitise_body
from cms.services.text import reading_time_minutes, sanitised_text
from cms.transfer import fields
from cms.transfer.format import PUBLIC_ID, parse_date, parse_timestamp
from cms.transfer.records import article_record, correction_record, live_entry_record
from cms.transfer.upserts import created_at
from cms.transfer.writer import Writer

BODY_LIMIT = 2_000_000
"""Characters of a body's source HTML."""


def public_id_of(record: Mapping[str, Any]) -> str:
    value = record.get("public_id")
    if not isinstance(value, str) or not PUBLIC_ID.match(value):
        raise ValueError(f"public id {value!r} is not 13 lowercase hexadecimal characters")
    return value


def _slug(value: Any, name: str) -> str:
    if not isinstance(value, str) or not SLUG_PATTERN.match(value) or len(value) > 200:
        raise ValueError(f"{name} {value!r} is not lowercase Latin letters, digits and hyphens")
    return value


def key_of(writer_map: Mapping[str, int], key: Any, what: str) -> int:
    found = writer_map.get(key)
    if found is None:
        raise ValueError(f"the {what} {key!r} is not in the import nor in this database")
    return found


Sanitised = tuple[str, str]
"""A body as stored, and its plain text."""


def sanitised(writer: Writer, source: str) -> Sanitised:
    body = sanitise_body(
        source,
        media_url_prefix=writer.settings.media_url_for(""),
        embed_hosts=frozenset(writer.settings.embed_hosts),
    )
    return body, sanitised_text(body)


def sanitised_ahead(writer: Writer, source: Any) -> dict[str, Sanitised]:
    """A body sanitised while it is read, ahead of its batch (`read_ahead`); empty for what the
    article's own check will refuse, so that check still names the item and the problem."""
    if not isinstance(source, str) or len(source) > BODY_LIMIT:
        return {}
    try:
        return {source: sanitised(writer, source)}
    except ValueError:
        return {}


def _body(
    writer: Writer, source: str, stored: Article | None, ahead: Mapping[str, Sanitised]
) -> Sanitised:
    """The sanitised body and its text; a body equal to the one stored was sanitised already,
    which spares a repeated import most of its work."""
    if stored is not None and stored.body == source:
        return stored.body, stored.body_text
    return ahead.get(source) or sanitised(writer, source)


def _unsaved(**values: Any) -> Article:
    """The values as an article without SQLModel's per-attribute bookkeeping, which costs a
    third of an import's CPU: read, compared and inserted as is, made an entity only when the
    unit of work needs one (`as_entity`)."""
    return cast(Article, SimpleNamespace(id=None, **values))


def column_values(article: Article) -> dict[str, Any]:
    return {name: value for name, value in vars(article).items() if name != "id"}


def as_entity(article: Article) -> Article:
    return Article(**column_values(article))


def build_article(
    writer: Writer,
    record: Mapping[str, Any],
    stored: Article | None = None,
    ahead: Mapping[str, Sanitised] | None = None,
) -> tuple[Article, dict[str, Any]]:
    """The article a record describes, and its links by key (tags, authors, former slugs);
    `ahead` holds bodies already sanitised, by their source."""
    keys, settings = writer.keys, writer.settings
    locale = fields.text(record, "locale", limit=8, required=True)
    if locale not in settings.locales:
        raise ValueError(
            f"locale {locale!r} is not one of this site's ({', '.join(settings.locales)})"
        )
    body, text = _body(writer, fields.text(record, "body", limit=BODY_LIMIT), stored, ahead or {})
    category, cover = record.get("category"), record.get("cover")
    source_url = fields.optional_text(record, "source_url", limit=2000)
    if source_url and not source_url.lower().startswith(("http://", "https://")):
        raise ValueError("source_url must be an http(s) address")
    article = _unsaved(
        public_id=public_id_of(record),
        locale=locale,
        translation_group=fields.optional_text(record, "translation_group", limit=36),
        slug=_slug(record.get("slug"), "slug"),
        title=fields.text(record, "title", limit=300, required=True),
        lead=fields.text(record, "lead", limit=5000),
        body=body,
        body_text=text,
        reading_time_minutes=reading_time_minutes(text),
        status=fields.choice(record, "status", ArticleStatus, ArticleStatus.DRAFT),
        published_at=parse_timestamp(record.get("published_at"), "published_at"),
        scheduled_at=parse_timestamp(record.get("scheduled_at"), "scheduled_at"),
        expires_at=parse_timestamp(record.get("expires_at"), "expires_at"),
        created_at=created_at(record),
        updated_at=parse_timestamp(record.get("updated_at"), "updated_at") or created_at(record),
        category_id=key_of(keys.categories.by_key, category, "category") if category else None,
        source_name=fields.optional_text(record, "source_name", limit=200),
        source_url=source_url,
        cover_id=key_of(keys.media.by_key, cover, "cover") if cover else None,
        is_featured=fields.flag(record, "is_featured"),
        is_breaking=fields.flag(record, "is_breaking"),
        breaking_until=parse_timestamp(record.get("breaking_until"), "breaking_until"),
        is_live_blog=fields.flag(record, "is_live_blog"),
        seo_title=fields.optional_text(record, "seo_title", limit=300),
        seo_description=fields.optional_text(record, "seo_description", limit=500),
        views=fields.number(record, "views"),
        digest_on=parse_date(record.get("digest_on"), "digest_on"),
        version=fields.number(record, "version", 1),
        created_by_id=None,
        updated_by_id=None,
    )
    if article.status is ArticleStatus.PUBLISHED and article.published_at is None:
        raise ValueError("a PUBLISHED article needs published_at")
    if article.status is ArticleStatus.SCHEDULED and article.scheduled_at is None:
        raise ValueError("a SCHEDULED article needs scheduled_at")
    links = {
        "tags": [
            key_of(keys.tags.by_key, tag, "tag")
            for tag in dict.fromkeys(fields.string_list(record, "tags"))
        ],
        "authors": [
            key_of(keys.authors.by_key, slug, "author")
            for slug in dict.fromkeys(fields.string_list(record, "authors"))
        ],
        "corrections": _corrections(record),
        "live_blog": _live_blog(writer, record),
        "former_slugs": sorted(
            {_slug(slug, "former slug") for slug in fields.string_list(record, "former_slugs")}
            - {article.slug}
        ),
    }
    return article, links


def _objects(record: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{name} must be a list of objects")
    return value


def _corrections(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Corrections as row values (without the article)."""
    rows = []
    for number, item in enumerate(_objects(record, "corrections"), 1):
        when = parse_timestamp(item.get("corrected_at"), f"correction {number} corrected_at")
        if when is None:
            raise ValueError(f"correction {number} needs corrected_at")
        rows.append({"text": fields.text(item, "text", limit=5000, required=True),
                     "corrected_at": when})  # fmt: skip
    return rows


def _live_blog(writer: Writer, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Live blog entries as row values, each body through the sanitiser like the article's."""
    rows = []
    for number, item in enumerate(_objects(record, "live_blog"), 1):
        what = f"live blog entry {number}"
        author = item.get("author")
        body = sanitise_body(
            fields.text(item, "body", limit=200_000, required=True),
            media_url_prefix=writer.settings.media_url_for(""),
            embed_hosts=frozenset(writer.settings.embed_hosts),
        )
        created = parse_timestamp(item.get("created_at"), f"{what} created_at")
        rows.append(
            {
                "body": body,
                "created_at": created or created_at(record),
                "author_id": key_of(writer.keys.users.by_key, author, f"{what} author")
                if author
                else None,
                "edited_at": parse_timestamp(item.get("edited_at"), f"{what} edited_at"),
                "pinned_at": parse_timestamp(item.get("pinned_at"), f"{what} pinned_at"),
            }
        )
    return rows


def record_of(writer: Writer, article: Article, links: Mapping[str, Any]) -> dict[str, Any]:
    keys = writer.keys
    return article_record(
        article,
        category=keys.categories.by_id.get(article.category_id or 0),
        tags=[keys.tags.by_id[t] for t in links["tags"]],
        authors=[keys.authors.by_id[a] for a in links["authors"]],
        former_slugs=links["former_slugs"],
        cover=keys.media.by_id.get(article.cover_id or 0),
        corrections=[correction_record(c["text"], c["corrected_at"]) for c in links["corrections"]],
        live_blog=[
            live_entry_record(
                e["body"],
                e["created_at"],
                keys.users.by_id.get(e["author_id"] or 0),
                e["edited_at"],
                e["pinned_at"],
            )
            for e in links["live_blog"]
        ],
    )
