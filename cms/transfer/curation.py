"""Upserts of what editors curate around articles: author profiles, tag aliases, home slots.

Like the other upserts, each compares the record with the row's own and writes only a
difference, so a repeated import changes nothing.
"""

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from cms import cache_tags
from cms.models import Article, AuthorProfile, HomeSlot, HomeZone
from cms.models.home import slot_key
from cms.services.authors import URL
from cms.transfer import fields
from cms.transfer.article_build import key_of, public_id_of
from cms.transfer.fields import slug_of
from cms.transfer.format import parse_timestamp
from cms.transfer.records import author_record, home_slot_record
from cms.transfer.upserts import created_at
from cms.transfer.writer import Writer


def _links(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Checked as the editor's form checks them: a frontend renders these as links."""
    value = record.get("links") or []
    if not isinstance(value, list) or not all(isinstance(link, dict) for link in value):
        raise ValueError("links must be a list of objects")
    links = []
    for number, link in enumerate(value, 1):
        label = fields.text(link, "label", limit=100, required=True)
        url = fields.text(link, "url", limit=2000, required=True)
        if not URL.match(url):
            raise ValueError(f"link {number}: {url!r} is not an http(s) address")
        links.append({"label": label, "url": url})
    return links


async def upsert_author(writer: Writer, record: Mapping[str, Any]) -> str:
    """A field the record leaves out (WordPress has no biographies) keeps the stored value."""
    keys, session = writer.keys, writer.session
    slug = slug_of(record)
    existing = (
        await session.scalars(select(AuthorProfile).where(col(AuthorProfile.slug) == slug))
    ).first()
    before = None
    if existing is not None:
        before = author_record(
            existing,
            keys.media.by_id.get(existing.photo_id or 0),
            keys.users.by_id.get(existing.user_id or 0),
        )
        record = {**before, **record}
    photo, account = record.get("photo"), record.get("account")
    author = AuthorProfile(
        slug=slug,
        names=fields.names(record, "names"),
        bios=fields.names(record, "bios"),
        photo_id=key_of(keys.media.by_key, photo, "photo") if photo else None,
        links=_links(record),
        is_organization=fields.flag(record, "is_organization"),
        user_id=key_of(keys.users.by_key, account, "account") if account else None,
        created_at=created_at(record),
    )
    if not author.names:
        raise ValueError("names is empty: a byline needs a name in at least one language")
    if before is not None and author_record(author, photo, account) == before:
        return "unchanged"
    if author.user_id is not None:
        await _release_account(writer, author.user_id, slug)
    writer.stale.add(cache_tags.AUTHORS)
    if existing is None:
        session.add(author)
        await session.flush()
        keys.authors.add(author.id, slug)
        return "created"
    for name in AuthorProfile.model_fields:
        if name != "id":
            setattr(existing, name, getattr(author, name))
    writer.stale.add(cache_tags.author(existing.id))
    await session.flush()
    return "updated"


async def _release_account(writer: Writer, user_id: int, slug: str) -> None:
    """An account has one profile: another profile that held it here lets it go."""
    holder = (
        await writer.session.scalars(
            select(AuthorProfile).where(
                col(AuthorProfile.user_id) == user_id, col(AuthorProfile.slug) != slug
            )
        )
    ).first()
    if holder is not None:
        holder.user_id = None
        await writer.session.flush()
        writer.report.warn(f"author {slug}", f"its account was {holder.slug}'s profile's")


async def upsert_home_slot(writer: Writer, record: Mapping[str, Any]) -> str:
    keys, session = writer.keys, writer.session
    locale = fields.text(record, "locale", limit=8, required=True)
    if locale not in writer.settings.locales:
        raise ValueError(f"locale {locale!r} is not one of this site's")
    category = record.get("category")
    public_id = public_id_of({"public_id": record.get("article")})
    article_id = await _article_id(writer, public_id)
    slot = HomeSlot(
        key="",
        locale=locale,
        zone=fields.choice(record, "zone", HomeZone, HomeZone.TOP),
        category_id=key_of(keys.categories.by_key, category, "category") if category else None,
        position=fields.number(record, "position"),
        article_id=article_id,
        expires_at=parse_timestamp(record.get("expires_at"), "expires_at"),
        set_at=parse_timestamp(record.get("set_at"), "set_at") or created_at(record),
    )
    slot.key = slot_key(slot.locale, slot.zone, slot.category_id, slot.position)
    existing = (
        await session.scalars(select(HomeSlot).where(col(HomeSlot.key) == slot.key))
    ).first()
    if existing is not None and home_slot_record(
        existing, category, await _public_id(writer, existing)
    ) == home_slot_record(slot, category, public_id):
        return "unchanged"
    writer.stale.add(cache_tags.home(locale))
    if existing is None:
        session.add(slot)
        await session.flush()
        return "created"
    for name in ("article_id", "expires_at", "set_at"):
        setattr(existing, name, getattr(slot, name))
    await session.flush()
    return "updated"


async def _article_id(writer: Writer, public_id: str) -> int:
    found = (
        await writer.session.scalars(select(Article.id).where(col(Article.public_id) == public_id))
    ).first()
    if found is None:
        raise ValueError(f"the article {public_id} is not here")
    return int(found)


async def _public_id(writer: Writer, slot: HomeSlot) -> str:
    return str(
        (
            await writer.session.scalars(
                select(Article.public_id).where(col(Article.id) == slot.article_id)
            )
        ).one()
    )
