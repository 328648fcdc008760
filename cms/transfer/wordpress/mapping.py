"""A WordPress post as one of our article records: public id, language, dates, status, slugs.

WordPress stores each post's time twice, in UTC (`post_date_gmt`) and in the site's zone
(`post_date`); UTC wins, and a draft (whose UTC time is all zeros) is read in the zone the
import is told. Legacy ids: without `meta:KEY` the public id is derived from the site and post
id, so a second run finds the same article; with it, the field must already be a public id.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from cms.models import ArticleStatus
from cms.services.article_slugs import SLUG_PATTERN
from cms.services.slugs import slugify
from cms.services.text import plain_text
from cms.transfer.format import PUBLIC_ID, timestamp
from cms.transfer.wordpress.wxr import Item

STATUSES = {
    "publish": ArticleStatus.PUBLISHED,
    "future": ArticleStatus.SCHEDULED,
    "draft": ArticleStatus.DRAFT,
    "auto-draft": ArticleStatus.DRAFT,
    "pending": ArticleStatus.IN_REVIEW,
    "private": ArticleStatus.ARCHIVED,
}
LANGUAGE_META = ("_wpml_language", "wpml_language", "_icl_lang_code")
GROUP_META = ("_wpml_translation_group", "_icl_trid", "wpml_translation_id")
NO_TIME = "0000-00-00 00:00:00"
UNDATED = ("created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class Mapping:
    """How posts become articles: the site they came from, its zone, and where ids are."""

    site: str
    zone: ZoneInfo
    default_locale: str
    public_id_meta: str | None = None


def public_id(item: Item, mapping: Mapping) -> str:
    if mapping.public_id_meta is None:
        return hashlib.sha256(f"{mapping.site}|{item.post_id}".encode()).hexdigest()[:13]
    value = item.first_meta(mapping.public_id_meta).strip()
    if not PUBLIC_ID.match(value):
        raise ValueError(
            f"its {mapping.public_id_meta} {value!r} is not a public id "
            "(13 lowercase hexadecimal characters)"
        )
    return value


def as_slug(value: str) -> str:
    """A WordPress slug (percent-encoded when not Latin) as ours; "" if nothing is left."""
    decoded = unquote(value).strip().lower()
    if SLUG_PATTERN.match(decoded) and len(decoded) <= 200:
        return decoded
    return slugify(decoded, max_length=200)


def former_slugs(item: Item, slug: str) -> list[str]:
    """Old permalinks: the link's last path segment and every `_wp_old_slug`."""
    candidates = [urlsplit(item.link).path.rstrip("/").rsplit("/", 1)[-1] if item.link else ""]
    candidates += item.meta.get("_wp_old_slug", [])
    found = {as_slug(candidate) for candidate in candidates}
    return sorted(s for s in found if s and s != slug and not s.isdigit() and s != "index-php")


def _time(value: str, zone: ZoneInfo | None) -> datetime | None:
    if not value or value == NO_TIME:
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - zone added next
    except ValueError:
        return None
    return parsed.replace(tzinfo=zone or UTC).astimezone(UTC)


def published(item: Item, zone: ZoneInfo) -> datetime | None:
    when = _time(item.post_date_gmt, None) or _time(item.post_date, zone)
    if when is None and item.pub_date:
        try:
            when = parsedate_to_datetime(item.pub_date).astimezone(UTC)
        except (TypeError, ValueError):
            when = None
    return when


def locale(item: Item, mapping: Mapping) -> str:
    """Polylang's language term or WPML's meta; `en_US` and `en-gb` are read as `en`."""
    code = next((nicename for domain, nicename, _ in item.terms if domain == "language"), "")
    code = code or next((item.first_meta(k) for k in LANGUAGE_META if item.first_meta(k)), "")
    code = re.split(r"[_-]", code.strip().lower())[0] if code.strip() else ""
    return code or mapping.default_locale


def translation_group(item: Item, mapping: Mapping) -> str | None:
    """Polylang's `post_translations` term or WPML's group, as a stable UUID."""
    group = next((n for domain, n, _ in item.terms if domain == "post_translations"), "")
    group = group or next((item.first_meta(k) for k in GROUP_META if item.first_meta(k)), "")
    if not group:
        return None
    return str(uuid5(NAMESPACE_URL, f"{mapping.site}|translations|{group}"))


def terms(item: Item, domain: str) -> list[str]:
    return [s for d, nicename, _ in item.terms if d == domain and (s := as_slug(nicename))]


def article_record(
    item: Item, mapping: Mapping, *, body: str, slug: str, cover: str | None, authors: list[str]
) -> dict[str, Any]:
    """The record our importer takes, from a post and what the caller resolved for it."""
    status = STATUSES[item.status]
    when = published(item, mapping.zone)
    if when is None and status in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED):
        raise ValueError("it has no valid date")
    modified = _time(item.modified_gmt, None)
    categories = terms(item, "category")
    record = {
        "public_id": public_id(item, mapping),
        "locale": locale(item, mapping),
        "translation_group": translation_group(item, mapping),
        "slug": slug,
        "former_slugs": former_slugs(item, slug),
        "title": plain_text(item.title).replace("\n", " ")[:300] or f"Post {item.post_id}",
        "lead": plain_text(item.excerpt),
        "body": body,
        "status": status.value,
        "published_at": timestamp(when) if status is not ArticleStatus.SCHEDULED else None,
        "scheduled_at": timestamp(when) if status is ArticleStatus.SCHEDULED else None,
        "created_at": timestamp(when),
        "updated_at": timestamp(modified or when),
        "category": categories[0] if categories else None,
        "tags": terms(item, "post_tag"),
        "authors": authors,
        "cover": cover,
        "source_url": None,
    }
    # A post without a date keeps the times its first import gave it.
    return {k: v for k, v in record.items() if v is not None or k not in UNDATED}
