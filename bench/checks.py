"""Before measuring, check the answers against direct SQL: a fast wrong answer is worth nothing.

The dataset gives drafts the newest timestamps of all, so a missing "published only" filter puts a
draft at the top of the home page or into a related list, and these checks fail.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import operations
from bench.ceiling_sql import global_id

Answer = dict[str, Any]
_NEWEST = "ORDER BY published_at DESC, id DESC"


class CheckFailed(Exception):
    """A benchmark answer differs from what the database says it should be."""


@dataclass(frozen=True, slots=True)
class Samples:
    """What the operations ask for, chosen from the dataset by fixed rules."""

    article_slug: str
    article_locale: str
    category_slug: str


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


async def samples(connection: AsyncConnection) -> Samples:
    """The 101st newest published article, and the first root category that has children."""
    article = (
        await connection.execute(
            text(
                "SELECT slug, locale FROM article WHERE status = 'PUBLISHED' "
                f"{_NEWEST} LIMIT 1 OFFSET 100"
            )
        )
    ).first()
    category = await connection.scalar(
        text(
            "SELECT c.slug FROM category c WHERE c.parent_id IS NULL AND EXISTS "
            "(SELECT 1 FROM category k WHERE k.parent_id = c.id) ORDER BY c.id LIMIT 1"
        )
    )
    assert article is not None
    assert category is not None
    return Samples(article.slug, article.locale, category)


async def _public_ids(connection: AsyncConnection, sql: str, **params: Any) -> list[str]:
    return list((await connection.scalars(text(sql), params)).all())


async def check_home(connection: AsyncConnection, answer: Answer) -> None:
    nodes = [edge["node"] for edge in answer["data"]["articles"]["edges"]]
    newest = await _public_ids(
        connection,
        f"SELECT public_id FROM article WHERE status = 'PUBLISHED' {_NEWEST} LIMIT :n",
        n=operations.PAGE_SIZE,
    )
    drafts = await _public_ids(
        connection, "SELECT public_id FROM article WHERE status <> 'PUBLISHED'"
    )
    got = [node["id"] for node in nodes]
    expect(not set(got) & {global_id(p) for p in drafts}, "HOME shows a draft")
    expect(got == [global_id(p) for p in newest], "HOME is not the 20 newest published, in order")


async def check_article(connection: AsyncConnection, answer: Answer, chosen: Samples) -> None:
    found = answer["data"]["article"]
    expect(found is not None, f"ARTICLE {chosen.article_slug!r} not found")
    row = (
        await connection.execute(
            text(
                "SELECT id, title, body, category_id FROM article WHERE slug = :s AND locale = :l"
            ),
            {"s": chosen.article_slug, "l": chosen.article_locale},
        )
    ).one()
    expect((found["title"], found["body"]) == (row.title, row.body), "ARTICLE is another article")
    related = await _public_ids(
        connection,
        "SELECT slug FROM article a WHERE category_id = :c AND id <> :id "
        "AND status = 'PUBLISHED' AND EXISTS (SELECT 1 FROM article_tag own "
        "JOIN article_tag other ON other.tag_id = own.tag_id "
        f"WHERE own.article_id = :id AND other.article_id = a.id) {_NEWEST} LIMIT 5",
        c=row.category_id,
        id=row.id,
    )
    got = [item["slug"] for item in found["related"]]
    expect(got == related, f"ARTICLE related is {got}, expected {related}")


async def check_category(
    connection: AsyncConnection, answer: Answer, chosen: Samples, page: int
) -> None:
    """Keyset pages must hold what the same page by offset holds."""
    tree = (await connection.execute(text("SELECT id, parent_id, slug FROM category"))).all()
    ids = {next(c.id for c in tree if c.slug == chosen.category_slug)}
    while grown := {c.id for c in tree if c.parent_id in ids} - ids:
        ids |= grown
    query = text(
        "SELECT public_id FROM article WHERE category_id IN :ids AND status = 'PUBLISHED' "
        f"{_NEWEST} LIMIT :n OFFSET :skip"
    ).bindparams(bindparam("ids", expanding=True))
    size = operations.PAGE_SIZE
    params = {"ids": sorted(ids), "n": size, "skip": (page - 1) * size}
    expected = [global_id(p) for p in (await connection.scalars(query, params)).all()]
    edges = answer["data"]["category"]["articles"]["edges"]
    expect([e["node"]["id"] for e in edges] == expected, f"CATEGORY page {page} is wrong")


async def check_all(
    connection: AsyncConnection, answers: dict[str, Answer], chosen: Samples
) -> None:
    await check_home(connection, answers["home"])
    await check_article(connection, answers["article"], chosen)
    await check_category(connection, answers["category_p1"], chosen, 1)
    deep = f"category_p{operations.DEEP_PAGE}"
    await check_category(connection, answers[deep], chosen, operations.DEEP_PAGE)
