"""Entities as export records: what a newsroom's data is, without the database's own ids.

References between records use stable keys (a category's slug, a user's email, an author
profile's slug, a media file's checksum, an article's public id), so a file imported into another
database means the same. The importer builds the same record from what it holds to decide
whether an item changed.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from cms.models import (
    Article,
    AuthorProfile,
    Category,
    HomeSlot,
    LiveStream,
    Media,
    ProgrammeSlot,
    Revision,
    Tag,
    User,
)
from cms.transfer.format import timestamp


def user_record(user: User, *, with_secrets: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "role": user.role.value,
        "is_active": user.is_active,
        "created_at": timestamp(user.created_at),
    }
    if with_secrets:
        record["password_hash"] = user.password_hash
    return record


def category_record(category: Category, parent_slug: str | None) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "names": category.names,
        "descriptions": category.descriptions,
        "parent": parent_slug,
        "position": category.position,
        "show_in_menu": category.show_in_menu,
        "created_at": timestamp(category.created_at),
    }


def tag_record(tag: Tag, aliases: Sequence[str]) -> dict[str, Any]:
    """Aliases are the slugs of tags merged into this one: their old addresses keep working."""
    return {
        "slug": tag.slug,
        "names": tag.names,
        "aliases": sorted(aliases),
        "created_at": timestamp(tag.created_at),
    }


def author_record(author: AuthorProfile, photo: str | None, account: str | None) -> dict[str, Any]:
    """A byline's profile; `account` is the email of the staff account it belongs to, if any."""
    return {
        "slug": author.slug,
        "names": author.names,
        "bios": author.bios,
        "photo": photo,
        "links": author.links,
        "is_organization": author.is_organization,
        "account": account,
        "created_at": timestamp(author.created_at),
    }


def home_slot_record(slot: HomeSlot, category: str | None, article: str) -> dict[str, Any]:
    return {
        "locale": slot.locale,
        "zone": slot.zone.value,
        "category": category,
        "position": slot.position,
        "article": article,
        "expires_at": timestamp(slot.expires_at),
        "set_at": timestamp(slot.set_at),
    }


def correction_record(text: str, corrected_at: Any) -> dict[str, Any]:
    return {"text": text, "corrected_at": timestamp(corrected_at)}


def live_entry_record(
    body: str, created_at: Any, author: str | None, edited_at: Any, pinned_at: Any
) -> dict[str, Any]:
    """A live blog entry; `author` is the email of the account that wrote it."""
    return {
        "body": body,
        "created_at": timestamp(created_at),
        "author": author,
        "edited_at": timestamp(edited_at),
        "pinned_at": timestamp(pinned_at),
    }


def media_record(media: Media) -> dict[str, Any]:
    """The file's metadata; renditions are not exported, the receiving server cuts its own."""
    return {
        "checksum": media.checksum,
        "file": media.storage_key,
        "kind": media.kind.value,
        "mime_type": media.mime_type,
        "size_bytes": media.size_bytes,
        "width": media.width,
        "height": media.height,
        "duration_seconds": media.duration_seconds,
        "alt": media.alt,
        "caption": media.caption,
        "credit": media.credit,
        "focal_x": media.focal_x,
        "focal_y": media.focal_y,
        "dominant_color": media.dominant_color,
        "placeholder": media.placeholder,
        "original_filename": media.original_filename,
        "source_url": media.source_url,
        "created_at": timestamp(media.created_at),
    }


def article_record(
    article: Article,
    *,
    category: str | None,
    tags: Sequence[str],
    authors: Sequence[str],
    former_slugs: Sequence[str],
    cover: str | None,
    corrections: Sequence[Mapping[str, Any]],
    live_blog: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Body text and reading time are left out: they follow from the body. `authors` are
    profile slugs in byline order; corrections and live blog entries in time order."""
    return {
        "public_id": article.public_id,
        "locale": article.locale,
        "translation_group": article.translation_group,
        "slug": article.slug,
        "former_slugs": sorted(former_slugs),
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "status": article.status.value,
        "published_at": timestamp(article.published_at),
        "scheduled_at": timestamp(article.scheduled_at),
        "expires_at": timestamp(article.expires_at),
        "created_at": timestamp(article.created_at),
        "updated_at": timestamp(article.updated_at),
        "category": category,
        "tags": list(tags),
        "authors": list(authors),
        "source_name": article.source_name,
        "source_url": article.source_url,
        "cover": cover,
        "is_featured": article.is_featured,
        "is_breaking": article.is_breaking,
        "breaking_until": timestamp(article.breaking_until),
        "is_live_blog": article.is_live_blog,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "views": article.views,
        "digest_on": article.digest_on.isoformat() if article.digest_on else None,
        "version": article.version,
        "corrections": sorted(
            (dict(c) for c in corrections), key=lambda c: (c["corrected_at"], c["text"])
        ),
        "live_blog": sorted(
            (dict(e) for e in live_blog), key=lambda e: (e["created_at"], e["body"])
        ),
    }


def revision_record(revision: Revision, article: str, author: str | None) -> dict[str, Any]:
    return {
        "article": article,
        "version": revision.version,
        "author": author,
        "created_at": timestamp(revision.created_at),
        "changed_fields": revision.changed_fields,
        "content": revision.content,
    }


def stream_record(
    stream: LiveStream, poster: str | None, slots: Sequence[ProgrammeSlot]
) -> dict[str, Any]:
    """A channel with its programme: slots have no key of their own but the stream and time."""
    return {
        "slug": stream.slug,
        "title": stream.title,
        "description": stream.description,
        "status": stream.status.value,
        "playback_url": stream.playback_url,
        "poster": poster,
        "scheduled_start": timestamp(stream.scheduled_start),
        "started_at": timestamp(stream.started_at),
        "ended_at": timestamp(stream.ended_at),
        "is_primary": stream.is_primary,
        "position": stream.position,
        "created_at": timestamp(stream.created_at),
        "updated_at": timestamp(stream.updated_at),
        "programme": [
            {
                "title": slot.title,
                "description": slot.description,
                "starts_at": timestamp(slot.starts_at),
                "ends_at": timestamp(slot.ends_at),
            }
            for slot in sorted(slots, key=lambda slot: (slot.starts_at, slot.title))
        ],
    }


def keys_by_id(rows: Sequence[tuple[int | None, str]]) -> Mapping[int, str]:
    return {row_id: key for row_id, key in rows if row_id is not None}
