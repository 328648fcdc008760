"""Writers: the response objects of a compiled plan, built from records a level at a time.

Each writer takes every object of one level of the response (all articles of a page, all their
categories) and the fields selected on them, and returns one dict per object. A relation is
read once for the whole level, as the normal path's loaders batch it. Values are formatted by
the functions the Strawberry types use (`isoformat` for `DateTime`, `to_base64` for Relay ids,
`encode_cursor`, `localized`, `media_url`), and cache tags are recorded where the resolvers
record them.

Longer than our other modules on purpose: the writers call each other (an article's category
lists its articles, a category page's articles have categories), and one module keeps that
recursion free of import cycles.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from strawberry.relay.utils import to_base64

from cms import cache_tags
from cms.services import public_records
from cms.services.articles import ArticleFilter, FeedKey
from cms.services.public_records import Columns, Record, Shown
from cms.services.text import localized
from schema.article import RELATED_MAX, is_breaking, is_overdue
from schema.article_feed import feed_tags
from schema.compiled.plan import Field
from schema.compiled.state import Refer, Run
from schema.enums import ArticleStatus, MediaKind
from schema.media import ImageAspect, ImageFormat, media_srcset, media_url, renditions_of
from schema.pagination import check_first, decode_cursor, encode_cursor

TYPENAME = "__typename"
CategoryItem = tuple[Mapping[str, Any], str | None, bool]
"""A category record, the locale it speaks by default, and whether it lists menu items only."""
TagItem = tuple[Record, str | None]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _local(run: Run, moment: datetime | None) -> str | None:
    return moment.astimezone(run.zone).isoformat() if moment is not None else None


ArticleScalar = Callable[[Record, Run], Any]
ARTICLE_SCALARS: Mapping[str, ArticleScalar] = {
    TYPENAME: lambda a, run: "Article",
    "id": lambda a, run: to_base64("Article", a["public_id"]),
    "publicId": lambda a, run: a["public_id"],
    "locale": lambda a, run: a["locale"],
    "slug": lambda a, run: a["slug"],
    "title": lambda a, run: a["title"],
    "lead": lambda a, run: a["lead"],
    "body": lambda a, run: a["body"],
    "plainText": lambda a, run: a["body_text"],
    "readingTimeMinutes": lambda a, run: a["reading_time_minutes"],
    "publishedAt": lambda a, run: _iso(a["published_at"]),
    "publishedAtLocal": lambda a, run: _local(run, a["published_at"]),
    "updatedAt": lambda a, run: _iso(a["updated_at"]),
    "createdAt": lambda a, run: _iso(a["created_at"]),
    "scheduledAt": lambda a, run: _iso(a["scheduled_at"]),
    "expiresAt": lambda a, run: _iso(a["expires_at"]),
    "views": lambda a, run: a["views"],
    "sourceName": lambda a, run: a["source_name"],
    "sourceUrl": lambda a, run: a["source_url"],
    "isFeatured": lambda a, run: a["is_featured"],
    "seoTitle": lambda a, run: a["seo_title"] or a["title"],
    "seoDescription": lambda a, run: a["seo_description"] or a["lead"],
    "status": lambda a, run: ArticleStatus(a["status"].value).name,
    "version": lambda a, run: a["version"],
    "isLiveBlog": lambda a, run: a["is_live_blog"],
    "isBreaking": lambda a, run: is_breaking(a["is_breaking"], a["breaking_until"], run.now),
    "isOverdue": lambda a, run: is_overdue(
        ArticleStatus(a["status"].value), a["scheduled_at"], run.now
    ),
}


def _regroup(flat: list[Any], lengths: Sequence[int]) -> list[list[Any]]:
    grouped, start = [], 0
    for length in lengths:
        grouped.append(flat[start : start + length])
        start += length
    return grouped


async def _scatter(present: Sequence[bool], write: Awaitable[list[Any]]) -> list[Any]:
    """Written values at the positions where `present` holds, None elsewhere."""
    values = iter(await write)
    return [next(values) if here else None for here in present]


async def articles(
    run: Run, items: Sequence[Shown], fields: Sequence[Field]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in items]
    for selected in fields:
        scalar = ARTICLE_SCALARS.get(selected.name)
        if scalar is not None:
            for written, (article, _, _) in zip(out, items, strict=True):
                written[selected.key] = scalar(article, run)
            continue
        values = await _ARTICLE_RELATIONS[selected.name](run, items, selected)
        for written, value in zip(out, values, strict=True):
            written[selected.key] = value
    return out


async def _article_lists(
    run: Run, lists: Sequence[Sequence[Shown]], fields: Sequence[Field]
) -> list[list[dict[str, Any]]]:
    flat = [item for found in lists for item in found]
    return _regroup(await articles(run, flat, fields), [len(found) for found in lists])


async def _category(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    present: list[bool] = []
    shown: list[CategoryItem] = []
    for article, category, _ in items:
        if article["category_id"] is not None:
            run.shows(cache_tags.CATEGORIES)
        present.append(category is not None)
        if category is not None:
            shown.append((category, article["locale"], False))
    return await _scatter(present, categories(run, shown, selected.children))


async def _cover(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    present: list[bool] = []
    for article, _, cover in items:
        if article["cover_id"] is not None:
            run.shows(cache_tags.media(article["cover_id"]))
        present.append(cover is not None)
    shown = [cover for _, _, cover in items if cover is not None]
    return await _scatter(present, media(run, shown, selected.children))


async def _tags(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    found = await public_records.tags_of(run.reader, [a["id"] for a, _, _ in items])
    lists: list[list[TagItem]] = []
    for article, _, _ in items:
        own = found.get(article["id"], [])
        run.shows(*(cache_tags.tag(tag["id"]) for tag in own))
        lists.append([(tag, article["locale"]) for tag in own])
    flat = await tags(run, [tag for own in lists for tag in own], selected.children)
    return _regroup(flat, [len(own) for own in lists])


async def _related(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    first = check_first(run.arguments(selected)["first"], RELATED_MAX)
    sources = [a["id"] for a, _, _ in items if a["category_id"] is not None]
    found: dict[int, list[Shown]] = {}
    if first > 0 and sources:
        found = await public_records.related(run.reader, sources, first, shown_columns(selected))
    lists: list[list[Shown]] = []
    for article, _, _ in items:
        if article["category_id"] is None or first == 0:
            lists.append([])
            continue
        lists.append(found.get(article["id"], []))
        run.shows(cache_tags.category_feed(article["category_id"]))
    return await _article_lists(run, lists, selected.children)


async def _translations(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    groups = sorted({a["translation_group"] for a, _, _ in items if a["translation_group"]})
    found: dict[str, list[Shown]] = {}
    if groups:
        found = await public_records.translations(run.reader, groups, shown_columns(selected))
    lists: list[list[Shown]] = []
    for article, _, _ in items:
        group = article["translation_group"]
        if group is None:
            lists.append([])
            continue
        lists.append([other for other in found.get(group, []) if other[0]["id"] != article["id"]])
        run.shows(cache_tags.translation_group(group))
    return await _article_lists(run, lists, selected.children)


async def _authors(run: Run, items: Sequence[Shown], selected: Field) -> list[Any]:
    found = await public_records.authors_of(run.reader, [a["id"] for a, _, _ in items])
    lists: list[list[dict[str, Any]]] = []
    for article, _, _ in items:
        authors = found.get(article["id"], [])
        run.shows(*(cache_tags.author(author["id"]) for author in authors))
        lists.append([_author(run, author, article["locale"], selected) for author in authors])
    return lists


def _author(run: Run, author: Record, locale: str, selected: Field) -> dict[str, Any]:
    default = run.settings.default_locale
    values = {
        TYPENAME: "Author",
        "id": to_base64("Author", author["id"]),
        "slug": author["slug"],
        "name": localized(author["names"], locale, default),
        "bio": localized(author["bios"], locale, default),
    }
    return {child.key: values[child.name] for child in selected.children}


Relation = Callable[[Run, Sequence[Shown], Field], Awaitable[list[Any]]]
_ARTICLE_RELATIONS: Mapping[str, Relation] = {
    "category": _category,
    "cover": _cover,
    "tags": _tags,
    "authors": _authors,
    "related": _related,
    "translations": _translations,
}


def shown_columns(selected: Field) -> Columns:
    assert selected.columns is not None
    return selected.columns


async def connection(
    run: Run, filters: ArticleFilter, selected: Field, first: int, after: str | None
) -> dict[str, Any]:
    """One page of a feed, as `resolve_feed` and `ArticleConnection` give it."""
    check_first(first, run.settings.page_size_max)
    position = decode_cursor(after) if after is not None else None
    page, has_next = await public_records.feed_page(
        run.reader, filters, first, position, shown_columns(selected)
    )
    run.shows(*feed_tags(filters), *(cache_tags.article(a["public_id"]) for a, _, _ in page))
    cursors = _cursors(page) if _shows_cursors(selected) else []
    out: dict[str, Any] = {}
    for child in selected.children:
        if child.name == TYPENAME:
            out[child.key] = "ArticleConnection"
        elif child.name == "totalCount":
            out[child.key] = await public_records.feed_count(run.reader, filters)
        elif child.name == "nodes":
            out[child.key] = await articles(run, page, child.children)
        elif child.name == "pageInfo":
            out[child.key] = _page_info(child, cursors, has_next, position is not None)
        else:
            out[child.key] = await _edges(run, child, page, cursors)
    return out


def _shows_cursors(selected: Field) -> bool:
    for child in selected.children:
        if child.name == "pageInfo" and any(c.name.endswith("Cursor") for c in child.children):
            return True
        if child.name == "edges" and any(c.name == "cursor" for c in child.children):
            return True
    return False


def _cursors(page: list[Shown]) -> list[str]:
    return [encode_cursor(FeedKey(a["published_at"], a["id"])) for a, _, _ in page]


def _page_info(
    selected: Field, cursors: list[str], has_next: bool, has_previous: bool
) -> dict[str, Any]:
    values = {
        TYPENAME: "PageInfo",
        "hasNextPage": has_next,
        "hasPreviousPage": has_previous,
        "startCursor": cursors[0] if cursors else None,
        "endCursor": cursors[-1] if cursors else None,
    }
    return {child.key: values[child.name] for child in selected.children}


async def _edges(
    run: Run, selected: Field, page: list[Shown], cursors: list[str]
) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = [{} for _ in page]
    for child in selected.children:
        if child.name == "node":
            values: list[Any] = await articles(run, page, child.children)
        elif child.name == "cursor":
            values = cursors
        else:
            values = ["ArticleEdge"] * len(page)
        for edge, value in zip(edges, values, strict=True):
            edge[child.key] = value
    return edges


async def categories(
    run: Run, items: Sequence[CategoryItem], fields: Sequence[Field]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in items]
    default = run.settings.default_locale
    for selected in fields:
        name, key = selected.name, selected.key
        if name in ("name", "description"):
            asked = run.locale(run.arguments(selected)["locale"])
            column = "names" if name == "name" else "descriptions"
            for written, (category, locale, _) in zip(out, items, strict=True):
                chosen = asked or locale or default
                written[key] = localized(category[column], chosen, default)
        elif name in _CATEGORY_RELATIONS:
            values = await _CATEGORY_RELATIONS[name](run, items, selected)
            for written, value in zip(out, values, strict=True):
                written[key] = value
        else:
            for written, (category, _, _) in zip(out, items, strict=True):
                written[key] = _category_scalar(name, category)
    return out


def _category_scalar(name: str, category: Mapping[str, Any]) -> Any:
    if name == TYPENAME:
        return "Category"
    if name == "id":
        return to_base64("Category", category["id"])
    if name == "showInMenu":
        return category["show_in_menu"]
    return category[name]


async def _parent(run: Run, items: Sequence[CategoryItem], selected: Field) -> list[Any]:
    tree = await run.tree()
    parents = [
        tree.by_id.get(c["parent_id"]) if c["parent_id"] is not None else None for c, _, _ in items
    ]
    shown: list[CategoryItem] = [
        (p._mapping, locale, False)  # type: ignore[attr-defined]
        for p, (_, locale, _) in zip(parents, items, strict=True)
        if p is not None
    ]
    return await _scatter(
        [p is not None for p in parents], categories(run, shown, selected.children)
    )


async def _children(run: Run, items: Sequence[CategoryItem], selected: Field) -> list[Any]:
    tree = await run.tree()
    lists: list[list[CategoryItem]] = [
        [
            (child._mapping, locale, menu_only)  # type: ignore[attr-defined]
            for child in tree.children[category["id"]]
            if child.show_in_menu or not menu_only
        ]
        for category, locale, menu_only in items
    ]
    flat = await categories(run, [c for found in lists for c in found], selected.children)
    return _regroup(flat, [len(found) for found in lists])


async def _category_articles(run: Run, items: Sequence[CategoryItem], selected: Field) -> list[Any]:
    arguments = run.arguments(selected)
    asked = run.locale(arguments["locale"])
    tree = await run.tree()
    pages = []
    for category, locale, _ in items:
        entity = tree.by_id.get(category["id"])
        if entity is None:
            raise Refer("a category missing from the tree")
        filters = ArticleFilter(locale=asked or locale, category_ids=tree.with_descendants(entity))
        pages.append(
            await connection(run, filters, selected, arguments["first"], arguments["after"])
        )
    return pages


CategoryRelation = Callable[[Run, Sequence[CategoryItem], Field], Awaitable[list[Any]]]
_CATEGORY_RELATIONS: Mapping[str, CategoryRelation] = {
    "parent": _parent,
    "children": _children,
    "articles": _category_articles,
}


async def tags(run: Run, items: Sequence[TagItem], fields: Sequence[Field]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in items]
    default = run.settings.default_locale
    for selected in fields:
        name, key = selected.name, selected.key
        for index, (tag, locale) in enumerate(items):
            if name == TYPENAME:
                value: Any = "Tag"
            elif name == "id":
                value = to_base64("Tag", tag["id"])
            elif name == "slug":
                value = tag["slug"]
            elif name == "name":
                asked = run.locale(run.arguments(selected)["locale"])
                value = localized(tag["names"], asked or locale or default, default)
            else:
                arguments = run.arguments(selected)
                filters = ArticleFilter(
                    locale=run.locale(arguments["locale"]) or locale, tag_id=tag["id"]
                )
                value = await connection(
                    run, filters, selected, arguments["first"], arguments["after"]
                )
            out[index][key] = value
    return out


_MEDIA_COLUMNS: Mapping[str, str] = {
    "mimeType": "mime_type",
    "size": "size_bytes",
    "width": "width",
    "height": "height",
    "durationSeconds": "duration_seconds",
    "alt": "alt",
    "caption": "caption",
    "credit": "credit",
    "dominantColor": "dominant_color",
    "placeholder": "placeholder",
    "originalFilename": "original_filename",
    "sourceUrl": "source_url",
}


async def media(run: Run, items: Sequence[Record], fields: Sequence[Field]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in items]
    for selected in fields:
        write, key = _media_writer(run, selected), selected.key
        for written, item in zip(out, items, strict=True):
            written[key] = write(item)
    return out


def _media_writer(run: Run, selected: Field) -> Callable[[Record], Any]:
    """How to write one field of a media item, decided once for all items of a level."""
    name, settings = selected.name, run.settings
    column = _MEDIA_COLUMNS.get(name)
    if column is not None:
        return itemgetter(column)
    if name == TYPENAME:
        return lambda item: "Media"
    if name == "id":
        return lambda item: to_base64("Media", item["id"])
    if name == "kind":
        return lambda item: MediaKind(item["kind"].value).name
    if name == "createdAt":
        return lambda item: _iso(item["created_at"])
    if name == "focalPoint":
        return lambda item: _focal_point(item, selected)
    if name == "renditions":
        return lambda item: [
            {child.key: _rendition_field(rendition, child.name) for child in selected.children}
            for rendition in renditions_of(settings, item["renditions"])
        ]
    arguments = run.arguments(selected)
    image_format: ImageFormat = arguments["format"]
    aspect: ImageAspect = arguments["aspect"]
    if name == "url":
        width = arguments["width"]
        return lambda item: media_url(
            settings,
            item["storage_key"],
            item["width"],
            item["renditions"],
            width,
            image_format,
            aspect,
        )
    return lambda item: media_srcset(
        settings, item["storage_key"], item["width"], item["renditions"], image_format, aspect
    )


def _focal_point(item: Record, selected: Field) -> dict[str, Any]:
    point = {TYPENAME: "FocalPoint", "x": item["focal_x"], "y": item["focal_y"]}
    return {child.key: point[child.name] for child in selected.children}


def _rendition_field(rendition: Any, name: str) -> Any:
    if name == TYPENAME:
        return "ImageRendition"
    if name == "aspect":
        return rendition.aspect.name
    return getattr(rendition, name)
