"""The minimal SQL for each operation, shaped into the same JSON our GraphQL server answers.

It runs through SQLAlchemy Core `text()` on an engine built by `cms.db` (same driver, pool and
pragmas as the app), so the ratio to it measures what GraphQL and the ORM add, not the driver.
"""

import base64
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Row, RowMapping, TextualSelect, bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import ceiling_queries as queries
from cms.models.columns import UTCDateTime
from cms.settings import Settings

Json = dict[str, Any]

HOME_SQL = text(queries.HOME_SQL).columns(published_at=UTCDateTime, category_names=JSON)
ARTICLE_SQL = text(queries.ARTICLE_SQL).columns(published_at=UTCDateTime, category_names=JSON)
TAGS_SQL = text(queries.TAGS_SQL).columns(names=JSON)
RELATED_SQL = text(queries.RELATED_SQL)
CATEGORIES_SQL = text(queries.CATEGORIES_SQL).columns(names=JSON)


@cache
def category_feed_sql(categories: int, after: bool) -> TextualSelect:
    query = text(queries.category_feed_sql(categories, after))
    if after:
        query = query.bindparams(bindparam("after_at", type_=UTCDateTime))
    return query.columns(published_at=UTCDateTime)


def global_id(public_id: str) -> str:
    return base64.b64encode(f"Article:{public_id}".encode()).decode()


def encode_cursor(published_at: datetime, article_id: int) -> str:
    raw = f"feed:{published_at.isoformat()}|{article_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    moment, _, ident = (
        base64.urlsafe_b64decode(cursor).decode().removeprefix("feed:").partition("|")
    )
    return datetime.fromisoformat(moment), int(ident)


def _name(names: dict[str, str], locale: str, settings: Settings) -> str:
    return names.get(locale) or names.get(settings.default_locale) or next(iter(names.values()), "")


def _cover(row: RowMapping, settings: Settings) -> Json | None:
    if row["storage_key"] is None:
        return None
    return {
        "url": settings.media_url_for(row["storage_key"]),
        "width": row["width"],
        "height": row["height"],
        "alt": row["alt"],
    }


def _feed_node(row: RowMapping, settings: Settings, with_category: bool) -> Json:
    node: Json = {
        "id": global_id(row["public_id"]),
        "title": row["title"],
        "slug": row["slug"],
        "lead": row["lead"],
        "publishedAt": row["published_at"],
        "views": row["views"],
    }
    if with_category:
        names = row["category_names"]
        node["category"] = (
            {"name": _name(names, row["locale"], settings), "slug": row["category_slug"]}
            if names is not None
            else None
        )
    node["cover"] = _cover(row, settings)
    return node


async def home(connection: AsyncConnection, settings: Settings, variables: Json) -> Json:
    result = await connection.execute(HOME_SQL, {"first": variables["first"]})
    edges = [{"node": _feed_node(row, settings, True)} for row in result.mappings()]
    return {"data": {"articles": {"edges": edges}}}


async def article(connection: AsyncConnection, settings: Settings, variables: Json) -> Json:
    found = (await connection.execute(ARTICLE_SQL, variables)).mappings().first()
    if found is None:
        return {"data": {"article": None}}
    tags = await connection.execute(TAGS_SQL, {"article_id": found["id"]})
    related = await connection.execute(
        RELATED_SQL, {"category_id": found["category_id"], "article_id": found["id"]}
    )
    locale, names = found["locale"], found["category_names"]
    category = {"name": _name(names, locale, settings), "slug": found["category_slug"]}
    cover = {"url": settings.media_url_for(found["storage_key"]), "alt": found["alt"]}
    return {
        "data": {
            "article": {
                "title": found["title"],
                "body": found["body"],
                "publishedAt": found["published_at"],
                "views": found["views"],
                "sourceName": found["source_name"],
                "category": category if names is not None else None,
                "tags": [{"name": _name(names, locale, settings)} for (names,) in tags],
                "cover": cover if found["storage_key"] is not None else None,
                "related": [{"title": title, "slug": slug} for title, slug in related],
            }
        }
    }


def _with_descendants(tree: list[Row[Any]], root: int) -> list[int]:
    ids = {root}
    while grown := {c.id for c in tree if c.parent_id in ids} - ids:
        ids |= grown
    return sorted(ids)


async def category(connection: AsyncConnection, settings: Settings, variables: Json) -> Json:
    """Two statements, as the minimum: the (small) category tree, then one keyset page."""
    tree = list(await connection.execute(CATEGORIES_SQL))
    found = next((c for c in tree if c.slug == variables["slug"]), None)
    if found is None:
        return {"data": {"category": None}}
    first, after = variables["first"], variables.get("after")
    ids = _with_descendants(tree, found.id)
    params: Json = {f"id{n}": ident for n, ident in enumerate(ids)} | {"limit": first + 1}
    if after is not None:
        params["after_at"], params["after_id"] = decode_cursor(after)
    query = category_feed_sql(len(ids), after is not None)
    rows = (await connection.execute(query, params)).mappings().all()
    page = rows[:first]
    edges = [{"node": _feed_node(row, settings, False)} for row in page]
    end = encode_cursor(page[-1]["published_at"], page[-1]["id"]) if page else None
    page_info = {"endCursor": end, "hasNextPage": len(rows) > first}
    name = _name(found.names, settings.default_locale, settings)
    articles = {"edges": edges, "pageInfo": page_info}
    return {"data": {"category": {"name": name, "slug": found.slug, "articles": articles}}}
