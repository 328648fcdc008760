"""The raw ceiling's reads: the minimal SQL at the driver itself, shaped into our server's JSON.

No SQLAlchemy: `sqlite3` called on the event loop for SQLite (no thread hop per statement), a
pool of asyncpg connections for PostgreSQL. Both run the same statements (named `:parameters`,
rewritten to `$n` for asyncpg) as the engine ceiling in `bench/ceiling_sql.py`, and answer the
bytes our server answers (orjson keeps the key order and writes datetimes as our server does).
"""

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import orjson
from sqlalchemy.engine import make_url

from bench.ceiling_queries import (
    ARTICLE_SQL,
    CATEGORIES_SQL,
    HOME_SQL,
    RELATED_SQL,
    TAGS_SQL,
    category_feed_sql,
)
from bench.ceiling_sql import Json, decode_cursor, encode_cursor, global_id
from cms.settings import Settings

Row = Mapping[str, Any]


class Driver(ABC):
    """What differs between the two drivers: running a statement, and timestamps."""

    @abstractmethod
    async def fetch(self, sql: str, params: dict[str, Any]) -> Sequence[Row]: ...

    @abstractmethod
    def moment(self, value: Any) -> datetime:
        """A stored timestamp as an aware UTC datetime."""

    @abstractmethod
    def stored_moment(self, value: datetime) -> Any:
        """An aware datetime as the driver compares it with stored timestamps."""

    async def close(self) -> None:
        return None


class SqliteDriver(Driver):
    """One `sqlite3` connection a process, used on the event loop: each statement blocks it for
    as long as SQLite takes, and no thread hands rows over."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path)
        self.connection.row_factory = sqlite3.Row
        self.connection.execute("PRAGMA busy_timeout=5000")
        self.connection.execute("PRAGMA query_only=ON")

    async def fetch(self, sql: str, params: dict[str, Any]) -> Sequence[Row]:
        rows: list[Row] = self.connection.execute(sql, params).fetchall()
        return rows

    def moment(self, value: str) -> datetime:
        """SQLAlchemy stores `YYYY-MM-DD HH:MM:SS.ffffff` in UTC on SQLite."""
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    def stored_moment(self, value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    async def close(self) -> None:
        self.connection.close()


_NAMED = re.compile(r"(?<!:):([a-z_]\w*)")


class AsyncpgDriver(Driver):
    """A pool of asyncpg connections; statements are prepared once per connection by asyncpg."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._numbered: dict[str, tuple[str, list[str]]] = {}

    @classmethod
    async def connect(cls, dsn: str, size: int = 20) -> "AsyncpgDriver":
        return cls(await asyncpg.create_pool(dsn, min_size=1, max_size=size))

    def _numbered_sql(self, sql: str) -> tuple[str, list[str]]:
        """`:name` parameters as asyncpg's `$n`, with the names in their order."""
        if sql not in self._numbered:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match[1] not in names:
                    names.append(match[1])
                return f"${names.index(match[1]) + 1}"

            self._numbered[sql] = (_NAMED.sub(number, sql), names)
        return self._numbered[sql]

    async def fetch(self, sql: str, params: dict[str, Any]) -> Sequence[Row]:
        numbered, names = self._numbered_sql(sql)
        rows: list[asyncpg.Record] = await self.pool.fetch(
            numbered, *(params[name] for name in names)
        )
        return rows

    def moment(self, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def stored_moment(self, value: datetime) -> datetime:
        return value

    async def close(self) -> None:
        await self.pool.close()


async def connect(database_url: str) -> Driver:
    """The driver under an SQLAlchemy URL (`sqlite+aiosqlite:///…` or `postgresql+asyncpg://…`)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return SqliteDriver(url.database or "")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return await AsyncpgDriver.connect(dsn)


class RawReads:
    """The three operations, each answered as the JSON bytes our server sends."""

    def __init__(self, driver: Driver, settings: Settings) -> None:
        self.driver = driver
        self.settings = settings

    def _name(self, names: str | None, locale: str) -> str | None:
        if names is None:
            return None
        by_locale: dict[str, str] = orjson.loads(names)
        default = self.settings.default_locale
        return by_locale.get(locale) or by_locale.get(default) or next(iter(by_locale.values()), "")

    def _feed_node(self, row: Row, with_category: bool) -> Json:
        node: Json = {
            "id": global_id(row["public_id"]),
            "title": row["title"],
            "slug": row["slug"],
            "lead": row["lead"],
            "publishedAt": self.driver.moment(row["published_at"]),
            "views": row["views"],
        }
        if with_category:
            name = self._name(row["category_names"], row["locale"])
            node["category"] = (
                None if name is None else {"name": name, "slug": row["category_slug"]}
            )
        key = row["storage_key"]
        node["cover"] = (
            None
            if key is None
            else {
                "url": self.settings.media_url_for(key),
                "width": row["width"],
                "height": row["height"],
                "alt": row["alt"],
            }
        )
        return node

    async def home(self, variables: Json) -> bytes:
        rows = await self.driver.fetch(HOME_SQL, {"first": variables["first"]})
        edges = [{"node": self._feed_node(row, True)} for row in rows]
        return orjson.dumps({"data": {"articles": {"edges": edges}}})

    async def article(self, variables: Json) -> bytes:
        params = {"locale": variables["locale"], "slug": variables["slug"]}
        found = next(iter(await self.driver.fetch(ARTICLE_SQL, params)), None)
        if found is None:
            return orjson.dumps({"data": {"article": None}})
        tags = await self.driver.fetch(TAGS_SQL, {"article_id": found["id"]})
        related = await self.driver.fetch(
            RELATED_SQL, {"category_id": found["category_id"], "article_id": found["id"]}
        )
        locale, key = found["locale"], found["storage_key"]
        name = self._name(found["category_names"], locale)
        article = {
            "title": found["title"],
            "body": found["body"],
            "publishedAt": self.driver.moment(found["published_at"]),
            "views": found["views"],
            "sourceName": found["source_name"],
            "category": None if name is None else {"name": name, "slug": found["category_slug"]},
            "tags": [{"name": self._name(tag["names"], locale)} for tag in tags],
            "cover": (
                None
                if key is None
                else {"url": self.settings.media_url_for(key), "alt": found["alt"]}
            ),
            "related": [{"title": row["title"], "slug": row["slug"]} for row in related],
        }
        return orjson.dumps({"data": {"article": article}})

    async def category(self, variables: Json) -> bytes:
        """Two statements, as the engine ceiling: the category tree, then one keyset page."""
        tree = await self.driver.fetch(CATEGORIES_SQL, {})
        found = next((c for c in tree if c["slug"] == variables["slug"]), None)
        if found is None:
            return orjson.dumps({"data": {"category": None}})
        ids = {found["id"]}
        while grown := {c["id"] for c in tree if c["parent_id"] in ids} - ids:
            ids |= grown
        first, after = variables["first"], variables.get("after")
        params: dict[str, Any] = {"limit": first + 1}
        params |= {f"id{n}": ident for n, ident in enumerate(sorted(ids))}
        if after is not None:
            after_at, params["after_id"] = decode_cursor(after)
            params["after_at"] = self.driver.stored_moment(after_at)
        sql = category_feed_sql(len(ids), after is not None)
        rows = await self.driver.fetch(sql, params)
        page = rows[:first]
        edges = [{"node": self._feed_node(row, False)} for row in page]
        end = (
            encode_cursor(self.driver.moment(page[-1]["published_at"]), page[-1]["id"])
            if page
            else None
        )
        articles = {
            "edges": edges,
            "pageInfo": {"endCursor": end, "hasNextPage": len(rows) > first},
        }
        name = self._name(found["names"], self.settings.default_locale)
        category = {"name": name, "slug": found["slug"], "articles": articles}
        return orjson.dumps({"data": {"category": category}})

    async def answer(self, kind: str, variables: Json) -> bytes:
        if kind == "home":
            return await self.home(variables)
        if kind == "article":
            return await self.article(variables)
        return await self.category(variables)
