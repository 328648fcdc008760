"""Editors arranging a language's home page: fill a slot, move it, clear it (the page is read by
`cms.services.home_page`). Each change is one transaction, audited, and once committed drops
the cached home page of that language and tells its subscribers.

A slot is named by its zone, its category (for category picks) and its position, counted from 1.
An article goes into a slot of its own language; the language is the article's.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, delete, select

from cms import cache_tags
from cms.after_commit import emit, invalidate
from cms.errors import CmsError, NotFound
from cms.models import ArticleStatus, HomeSlot, HomeZone
from cms.models.columns import utcnow
from cms.models.home import slot_key
from cms.services import audit
from cms.services.categories import category_tree
from cms.services.editorial import EditorialContext, get_for_editing
from cms.services.home_page import home_changed, zone_size
from cms.services.roles import EDITORS, Forbidden


@dataclass(frozen=True, slots=True)
class SlotRef:
    """Which slot: `category` is a category's slug, for CATEGORY picks only."""

    zone: HomeZone
    position: int
    category: str | None = None


def _check_editor(ec: EditorialContext) -> None:
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors arrange the home page.")


def _locale(ec: EditorialContext, locale: str | None) -> str:
    chosen = locale or ec.settings.default_locale
    if chosen not in ec.settings.locales:
        raise CmsError(
            f"Unknown locale {chosen!r}: use {', '.join(ec.settings.locales)}.", field="locale"
        )
    return chosen


def _position(ec: EditorialContext, zone: HomeZone, position: int, field: str) -> int:
    size = zone_size(ec.settings, zone)
    if not 1 <= position <= size:
        where = "the lead slot is 1" if size == 1 else f"use 1 to {size}"
        raise CmsError(f"No slot {position} in {zone.value}: {where}.", field=field)
    return position


async def _category_id(ec: EditorialContext, ref: SlotRef) -> int | None:
    """The category of a CATEGORY pick: a top-level category shown in the menu."""
    if ref.zone is not HomeZone.CATEGORY:
        if ref.category:
            raise CmsError(f"{ref.zone.value} slots belong to no category.", field="category")
        return None
    if not ref.category:
        raise CmsError("Name the category (its slug) whose picks these are.", field="category")
    tree = await category_tree(session=ec.session)
    found = tree.by_slug.get(ref.category)
    if found is None:
        raise NotFound(f"No category with slug {ref.category!r}.", field="category")
    if found.parent_id is not None or not found.show_in_menu:
        raise CmsError(
            "The home page has picks for top-level categories shown in the menu only.",
            field="category",
        )
    return found.id


async def _zone_slots(
    ec: EditorialContext, locale: str, zone: HomeZone, category_id: int | None
) -> list[HomeSlot]:
    query = select(HomeSlot).where(
        col(HomeSlot.locale) == locale,
        col(HomeSlot.zone) == zone,
        col(HomeSlot.category_id) == category_id
        if category_id is not None
        else col(HomeSlot.category_id).is_(None),
    )
    return list((await ec.session.scalars(query.order_by(col(HomeSlot.position)))).all())


def _changed(ec: EditorialContext, locale: str, action: str, ref: SlotRef) -> None:
    audit.record(
        ec.session,
        ec.viewer,
        action,
        "home_slot",
        None,
        locale=locale,
        zone=ref.zone.value,
        category=ref.category,
        position=ref.position,
    )
    invalidate(ec.session, {cache_tags.home(locale)})
    emit(ec.session, home_changed(locale))


async def set_slot(
    ec: EditorialContext, ref: SlotRef, public_id: str, expires_at: datetime | None
) -> str:
    """Put a published article into a slot (replacing what was there); the page's locale."""
    _check_editor(ec)
    position = _position(ec, ref.zone, ref.position, "position")
    category_id = await _category_id(ec, ref)
    try:
        article = await get_for_editing(ec, public_id)
    except NotFound as error:
        raise NotFound(error.message, field="article") from error
    if article.status is not ArticleStatus.PUBLISHED:
        raise CmsError(
            f"Only published articles go on the home page; this one is {article.status.value}.",
            field="article",
        )
    if category_id is not None:
        tree = await category_tree(session=ec.session)
        if article.category_id not in tree.with_descendants(tree.by_id[category_id]):
            raise CmsError(f"The article is not in {ref.category!r} or below it.", field="article")
    if expires_at is not None and expires_at <= utcnow():
        raise CmsError("The expiry must be in the future.", field="expires_at")
    slots = await _zone_slots(ec, article.locale, ref.zone, category_id)
    for slot in slots:
        if slot.article_id == article.id and slot.position != position:
            raise CmsError(
                f"The article is already in slot {slot.position} of {ref.zone.value}; "
                "move that slot instead.",
                field="article",
            )
    await ec.session.execute(
        delete(HomeSlot).where(
            col(HomeSlot.key) == slot_key(article.locale, ref.zone, category_id, position)
        )
    )
    assert article.id is not None
    ec.session.add(
        HomeSlot(
            key=slot_key(article.locale, ref.zone, category_id, position),
            locale=article.locale,
            zone=ref.zone,
            category_id=category_id,
            position=position,
            article_id=article.id,
            expires_at=expires_at,
            set_by_id=ec.user.id,
        )
    )
    _changed(ec, article.locale, "home.set", ref)
    await ec.session.commit()
    return article.locale


async def clear_slot(ec: EditorialContext, ref: SlotRef, locale: str | None) -> str:
    """Empty a slot: the newest articles fill it again."""
    _check_editor(ec)
    chosen = _locale(ec, locale)
    position = _position(ec, ref.zone, ref.position, "position")
    category_id = await _category_id(ec, ref)
    key = slot_key(chosen, ref.zone, category_id, position)
    await ec.session.execute(delete(HomeSlot).where(col(HomeSlot.key) == key))
    _changed(ec, chosen, "home.clear", ref)
    await ec.session.commit()
    return chosen


async def move_slot(ec: EditorialContext, ref: SlotRef, to: int, locale: str | None) -> str:
    """Move a slot's article to another position of its zone; those between shift by one, as
    when dragging a story up or down a list."""
    _check_editor(ec)
    chosen = _locale(ec, locale)
    start = _position(ec, ref.zone, ref.position, "position")
    end = _position(ec, ref.zone, to, "to")
    category_id = await _category_id(ec, ref)
    slots = await _zone_slots(ec, chosen, ref.zone, category_id)
    order: list[HomeSlot | None] = [None] * zone_size(ec.settings, ref.zone)
    for slot in slots:
        order[slot.position - 1] = slot
    if order[start - 1] is None:
        raise CmsError(f"Slot {start} of {ref.zone.value} is empty.", field="position")
    order.insert(end - 1, order.pop(start - 1))
    await ec.session.execute(delete(HomeSlot).where(col(HomeSlot.id).in_([s.id for s in slots])))
    for index, kept in enumerate(order, start=1):
        if kept is not None:
            ec.session.add(
                HomeSlot(
                    key=slot_key(chosen, ref.zone, category_id, index),
                    locale=chosen,
                    zone=ref.zone,
                    category_id=category_id,
                    position=index,
                    article_id=kept.article_id,
                    expires_at=kept.expires_at,
                    set_by_id=ec.user.id,
                )
            )
    _changed(ec, chosen, "home.move", ref)
    await ec.session.commit()
    return chosen
