"""The compiled `Query` fields: the arguments and cache tags of the resolvers in
`schema/query.py`, answered from records."""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from cms import cache_tags
from cms.services import public_records
from cms.services.articles import ArticleFilter
from schema.compiled import objects
from schema.compiled.plan import Field
from schema.compiled.state import Refer, Run


async def _articles(run: Run, selected: Field) -> Any:
    arguments = run.arguments(selected)
    category_ids = tag_id = None
    if arguments["category"] is not None:
        run.shows(cache_tags.CATEGORIES)
        tree = await run.tree()
        found = tree.by_slug.get(arguments["category"])
        if found is None:
            raise Refer("unknown category")
        category_ids = tree.with_descendants(found)
    if arguments["tag"] is not None:
        tag = await public_records.tag_by_slug(run.reader, arguments["tag"])
        run.shows(cache_tags.TAGS)
        if tag is None:
            raise Refer("unknown tag")
        tag_id = tag["id"]
    filters = ArticleFilter(
        locale=run.locale(arguments["locale"]),
        category_ids=category_ids,
        tag_id=tag_id,
        featured=arguments["featured"],
    )
    return await objects.connection(run, filters, selected, arguments["first"], arguments["after"])


async def _article(run: Run, selected: Field) -> Any:
    arguments = run.arguments(selected)
    public_id, slug = arguments["publicId"], arguments["slug"]
    if (public_id is None) == (slug is None) or arguments["previewToken"] is not None:
        raise Refer("not one of publicId and slug, or a preview")
    chosen = run.locale(arguments["locale"]) or run.settings.default_locale
    run.shows(
        cache_tags.article_slug(chosen, slug) if slug is not None else cache_tags.article(public_id)
    )
    if public_id is not None:
        shown = await public_records.article_by_public_id(
            run.reader, public_id, objects.shown_columns(selected)
        )
    else:
        shown = await public_records.article_by_slug(
            run.reader, chosen, slug, objects.shown_columns(selected)
        )
    if shown is None:
        return None
    run.shows(cache_tags.article(shown[0]["public_id"]))
    return (await objects.articles(run, [shown], selected.children))[0]


async def _category(run: Run, selected: Field) -> Any:
    arguments = run.arguments(selected)
    chosen = run.locale(arguments["locale"])
    run.shows(cache_tags.CATEGORIES)
    found = (await run.tree()).by_slug.get(arguments["slug"])
    if found is None:
        return None
    item = (found._mapping, chosen, False)  # type: ignore[attr-defined]
    return (await objects.categories(run, [item], selected.children))[0]


async def _categories(run: Run, selected: Field) -> Any:
    arguments = run.arguments(selected)
    chosen = run.locale(arguments["locale"])
    menu_only = arguments["menuOnly"]
    run.shows(cache_tags.CATEGORIES)
    roots = (await run.tree()).roots
    items: list[objects.CategoryItem] = [
        (root._mapping, chosen, menu_only)  # type: ignore[attr-defined]
        for root in roots
        if root.show_in_menu or not menu_only
    ]
    return await objects.categories(run, items, selected.children)


async def _tag(run: Run, selected: Field) -> Any:
    arguments = run.arguments(selected)
    chosen = run.locale(arguments["locale"])
    run.shows(cache_tags.TAGS)
    found = await public_records.tag_by_slug(run.reader, arguments["slug"])
    if found is None:
        return None
    run.shows(cache_tags.tag(found["id"]))
    return (await objects.tags(run, [(found, chosen)], selected.children))[0]


async def _typename(run: Run, selected: Field) -> Any:
    return "Query"


ROOTS: Mapping[str, Callable[[Run, Field], Awaitable[Any]]] = {
    "articles": _articles,
    "article": _article,
    "category": _category,
    "categories": _categories,
    "tag": _tag,
    "__typename": _typename,
}


async def answer(run: Run, fields: tuple[Field, ...]) -> dict[str, Any]:
    return {selected.key: await ROOTS[selected.name](run, selected) for selected in fields}
