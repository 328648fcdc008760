"""What anonymous readers may see, read as plain records for the compiled read path.

The compiled path (`schema/compiled/`) answers known public documents without building ORM
entities: these functions run SQLAlchemy Core selects on one connection and return dicts keyed
by column name. Every article statement starts from `articles.visible_articles(ANONYMOUS)`
(through `feed_query`), the same rule the GraphQL resolvers use, so the two paths cannot
disagree on what a reader sees; related articles come from the same ranking query as the
loaders'.

Statements are built once per shape and take their values as bound parameters: building and
hashing a select costs more than running it on a page of twenty rows.

They run through a `Reader` (`cms.services.record_readers`), which sends each statement's SQL
text, compiled once, to the driver itself: on SQLite a blocking connection on the event loop, as
a hand-written endpoint would use the sqlite3 module (reading twenty indexed rows from a local
file takes less time than handing the statement to aiosqlite's thread and its rows back), on
PostgreSQL an asyncpg connection.

Longer than our other modules on purpose: every statement the compiled path runs is here, beside
the visibility rule it builds on, so that one file shows all the SQL a public answer can send.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    Integer,
    Select,
    Table,
    bindparam,
    func,
    select,
    tuple_,
    union_all,
)

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleSlugHistory,
    ArticleTag,
    AuthorProfile,
    Category,
    Media,
    Tag,
    TagAlias,
)
from cms.services.articles import ArticleFilter, FeedKey, feed_query, visible_articles
from cms.services.categories import CategoryTree
from cms.services.record_readers import Reader
from cms.services.viewer import ANONYMOUS

Record = dict[str, Any]
"""One row as column name to value, with the values the ORM would give (aware UTC times,
decoded JSON, enums)."""
Shown = tuple[Record, Record | None, Record | None]
"""An article with its category and its cover, each None when the article has none."""

ARTICLE: Table = Article.__table__  # type: ignore[attr-defined]
CATEGORY: Table = Category.__table__  # type: ignore[attr-defined]
MEDIA: Table = Media.__table__  # type: ignore[attr-defined]
TAG: Table = Tag.__table__  # type: ignore[attr-defined]
ARTICLE_TAG: Table = ArticleTag.__table__  # type: ignore[attr-defined]
SLUG_HISTORY: Table = ArticleSlugHistory.__table__  # type: ignore[attr-defined]
ARTICLE_AUTHOR: Table = ArticleAuthor.__table__  # type: ignore[attr-defined]
AUTHOR: Table = AuthorProfile.__table__  # type: ignore[attr-defined]
TAG_ALIAS: Table = TagAlias.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns a response shows: of the articles, and of their category and cover (None:
    not joined). Reading only these spares the parsing of every unshown time and JSON value."""

    article: frozenset[str]
    category: frozenset[str] | None = None
    cover: frozenset[str] | None = None


ARTICLE_KEYS = frozenset({"id", "public_id", "published_at", "locale"})
"""Read with every article: its identity, its cursor and cache tag, and its language."""


def _picked(table: Table, keys: frozenset[str]) -> list[Column[Any]]:
    return [column for column in table.c if column.key in keys | {"id"}]


def _shown_select(query: Select[Any], columns: Columns) -> Select[Any]:
    """The articles of `query` with the columns asked for, their category's and cover's joined
    in the same statement when asked for."""
    picked = _picked(ARTICLE, columns.article | ARTICLE_KEYS)
    if columns.category is not None:
        picked += _picked(CATEGORY, columns.category)
    if columns.cover is not None:
        picked += _picked(MEDIA, columns.cover)
    query = query.with_only_columns(*picked)
    if columns.category is not None:
        query = query.outerjoin(CATEGORY, CATEGORY.c.id == ARTICLE.c.category_id)
    if columns.cover is not None:
        query = query.outerjoin(MEDIA, MEDIA.c.id == ARTICLE.c.cover_id)
    return query


@lru_cache(maxsize=256)
def _keys(columns: Columns) -> tuple[list[str], list[str], list[str]]:
    def keys(table: Table, wanted: frozenset[str] | None) -> list[str]:
        return [c.key for c in _picked(table, wanted)] if wanted is not None else []

    return (
        keys(ARTICLE, columns.article | ARTICLE_KEYS),
        keys(CATEGORY, columns.category),
        keys(MEDIA, columns.cover),
    )


def _split(rows: Sequence[Sequence[Any]], columns: Columns) -> list[Shown]:
    keys, category_keys, media_keys = _keys(columns)
    a, c = len(keys), len(keys) + len(category_keys)
    shown: list[Shown] = []
    for row in rows:
        category = (
            dict(zip(category_keys, row[a:c], strict=True))
            if category_keys and row[a] is not None
            else None
        )
        cover = (
            dict(zip(media_keys, row[c:], strict=True))
            if media_keys and row[c] is not None
            else None
        )
        shown.append((dict(zip(keys, row[:a], strict=True)), category, cover))
    return shown


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(ARTICLE.c.published_at.desc(), ARTICLE.c.id.desc())


@lru_cache(maxsize=1024)
def _feed_statement(
    filters: ArticleFilter, after: bool, columns: Columns, dialect: str
) -> Select[Any]:
    """A page of the feed, with the plan `articles.feed_page` chose for the normal path: the
    keyset as one row-value comparison (a range of the feed index), and a page over several
    categories as one index range per category merged in order, limited per category on
    PostgreSQL, which would otherwise sort whole categories."""
    moment = ARTICLE.c.published_at
    limit = bindparam("limit", type_=Integer)

    def ranged(query: Select[Any]) -> Select[Any]:
        if not after:
            return query
        key = tuple_(
            bindparam("after_moment", type_=moment.type), bindparam("after_id", type_=Integer)
        )
        return query.where(tuple_(moment, ARTICLE.c.id) < key)

    if filters.category_ids is None or len(filters.category_ids) < 2:
        return _shown_select(
            _newest_first(ranged(feed_query(ANONYMOUS, filters))).limit(limit), columns
        )
    arms: list[Select[*tuple[Any, ...]]] = []
    for category_id in filters.category_ids:
        arm = ranged(
            feed_query(ANONYMOUS, replace(filters, category_ids=(category_id,)))
        ).with_only_columns(ARTICLE.c.id.label("id"), moment.label("moment"))
        if dialect == "postgresql":
            arm = arm.order_by(moment.desc(), ARTICLE.c.id.desc()).limit(limit).subquery().select()
        arms.append(arm)
    merged = union_all(*arms)
    ids = merged.order_by(merged.selected_columns.moment.desc(), merged.selected_columns.id.desc())
    page = ids.limit(limit).subquery()
    query = select(ARTICLE).join(page, page.c.id == ARTICLE.c.id)
    return _shown_select(query, columns).order_by(page.c.moment.desc(), page.c.id.desc())


async def feed_page(
    reader: Reader,
    filters: ArticleFilter,
    first: int,
    after: FeedKey | None,
    columns: Columns,
) -> tuple[list[Shown], bool]:
    """Up to `first` published articles after `after`, newest first, and whether more follow
    (as `articles.feed_page` for a reader)."""
    statement = _feed_statement(filters, after is not None, columns, reader.dialect)
    values: dict[str, Any] = {"limit": first + 1}
    if after is not None:
        values |= {"after_moment": after.moment, "after_id": after.id}
    rows = await reader.rows(statement, values)
    return _split(rows[:first], columns), len(rows) > first


@lru_cache(maxsize=1024)
def _count_statement(filters: ArticleFilter) -> Select[Any]:
    return feed_query(ANONYMOUS, filters).with_only_columns(func.count()).order_by(None)


async def feed_count(reader: Reader, filters: ArticleFilter) -> int:
    rows = await reader.rows(_count_statement(filters))
    return int(rows[0][0]) if rows else 0


@lru_cache(maxsize=256)
def _by_public_id_statement(columns: Columns) -> Select[Any]:
    query = visible_articles(ANONYMOUS).where(ARTICLE.c.public_id == bindparam("public_id"))
    return _shown_select(query, columns)


@lru_cache(maxsize=256)
def _by_slug_statements(columns: Columns) -> tuple[Select[Any], Select[Any]]:
    current = visible_articles(ANONYMOUS).where(
        ARTICLE.c.locale == bindparam("locale"), ARTICLE.c.slug == bindparam("slug")
    )
    former = (
        visible_articles(ANONYMOUS)
        .join(SLUG_HISTORY, SLUG_HISTORY.c.article_id == ARTICLE.c.id)
        .where(
            SLUG_HISTORY.c.locale == bindparam("locale"), SLUG_HISTORY.c.slug == bindparam("slug")
        )
        .limit(1)
    )
    return _shown_select(current, columns), _shown_select(former, columns)


async def article_by_public_id(reader: Reader, public_id: str, columns: Columns) -> Shown | None:
    rows = await reader.rows(_by_public_id_statement(columns), {"public_id": public_id})
    return _split(rows, columns)[0] if rows else None


async def article_by_slug(reader: Reader, locale: str, slug: str, columns: Columns) -> Shown | None:
    """The article with this slug now, or else the one that used to have it."""
    for statement in _by_slug_statements(columns):
        rows = await reader.rows(statement, {"locale": locale, "slug": slug})
        if rows:
            return _split(rows, columns)[0]
    return None


_OWN_TAG = ARTICLE_TAG.alias("own_tag")
_OTHER_TAG = ARTICLE_TAG.alias("other_tag")
_SOURCE = ARTICLE.alias("source")


def _related_arm(index: int) -> Select[Any]:
    """The related ids of one source (`source_<index>`): its category's published articles,
    newest first through the feed index, keeping those that share a tag with it, as many as
    asked. Starting from the tags would read every article of each tag and sort them."""
    source_id: BindParameter[int] = bindparam(f"source_{index}", type_=Integer)
    shares_a_tag = (
        select(_OTHER_TAG.c.article_id)
        .where(
            _OTHER_TAG.c.article_id == ARTICLE.c.id,
            _OTHER_TAG.c.tag_id.in_(
                select(_OWN_TAG.c.tag_id).where(_OWN_TAG.c.article_id == source_id)
            ),
        )
        .exists()
    )
    category = select(_SOURCE.c.category_id).where(_SOURCE.c.id == source_id).scalar_subquery()
    return (
        feed_query(ANONYMOUS, ArticleFilter())
        .where(ARTICLE.c.category_id == category, ARTICLE.c.id != source_id, shares_a_tag)
        .order_by(ARTICLE.c.published_at.desc(), ARTICLE.c.id.desc())
        .with_only_columns(ARTICLE.c.id.label("id"), source_id.label("source_id"))
        .limit(bindparam("per_article"))
        .subquery()
        .select()
    )


@lru_cache(maxsize=256)
def _related_statement(sources: int, columns: Columns) -> Select[Any]:
    ids = union_all(*(_related_arm(index) for index in range(sources))).subquery()
    query = select(ARTICLE).join(ids, ids.c.id == ARTICLE.c.id)
    return _shown_select(query, columns).add_columns(ids.c.source_id)


async def related(
    reader: Reader, article_ids: Sequence[int], per_article: int, columns: Columns
) -> dict[int, list[Shown]]:
    """For each article, the newest published others of its category that share a tag with it
    (the rule of `articles.related_by_shared_tags`), newest first."""
    values: dict[str, Any] = {f"source_{i}": source for i, source in enumerate(article_ids)}
    values["per_article"] = per_article
    statement = _related_statement(len(article_ids), columns)
    rows = await reader.rows(statement, values)
    grouped: dict[int, list[Shown]] = defaultdict(list)
    for row, shown in zip(rows, _split([row[:-1] for row in rows], columns), strict=True):
        grouped[row[-1]].append(shown)
    for found in grouped.values():
        found.sort(key=lambda shown: (shown[0]["published_at"], shown[0]["id"]), reverse=True)
    return grouped


@lru_cache(maxsize=256)
def _translations_statement(columns: Columns) -> Select[Any]:
    query = (
        visible_articles(ANONYMOUS)
        .where(ARTICLE.c.translation_group.in_(bindparam("groups", expanding=True)))
        .order_by(ARTICLE.c.locale)
    )
    return _shown_select(query, columns)


async def translations(
    reader: Reader, groups: Sequence[str], columns: Columns
) -> dict[str, list[Shown]]:
    """The published articles of each translation group, by locale."""
    statement = _translations_statement(columns)
    rows = await reader.rows(statement, {"groups": list(groups)})
    grouped: dict[str, list[Shown]] = defaultdict(list)
    for shown in _split(rows, columns):
        grouped[shown[0]["translation_group"]].append(shown)
    return grouped


_TAGS_OF_ARTICLES = (
    select(ARTICLE_TAG.c.article_id, *TAG.c)
    .join(TAG, TAG.c.id == ARTICLE_TAG.c.tag_id)
    .where(ARTICLE_TAG.c.article_id.in_(bindparam("article_ids", expanding=True)))
    .order_by(ARTICLE_TAG.c.article_id, ARTICLE_TAG.c.position, TAG.c.id)
)


async def tags_of(reader: Reader, article_ids: Sequence[int]) -> dict[int, list[Record]]:
    """Each article's tags, in the order editors gave them."""
    keys = [c.key for c in TAG.c]
    rows = await reader.rows(_TAGS_OF_ARTICLES, {"article_ids": list(article_ids)})
    grouped: dict[int, list[Record]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(dict(zip(keys, row[1:], strict=True)))
    return grouped


_AUTHORS_OF_ARTICLES = (
    select(ARTICLE_AUTHOR.c.article_id, AUTHOR.c.id, AUTHOR.c.slug, AUTHOR.c.names, AUTHOR.c.bios)
    .join(AUTHOR, AUTHOR.c.id == ARTICLE_AUTHOR.c.author_id)
    .where(ARTICLE_AUTHOR.c.article_id.in_(bindparam("article_ids", expanding=True)))
    .order_by(ARTICLE_AUTHOR.c.article_id, ARTICLE_AUTHOR.c.position, AUTHOR.c.id)
)


async def authors_of(reader: Reader, article_ids: Sequence[int]) -> dict[int, list[Record]]:
    """Each article's bylines in order: only the columns a byline shows are read."""
    rows = await reader.rows(_AUTHORS_OF_ARTICLES, {"article_ids": list(article_ids)})
    grouped: dict[int, list[Record]] = defaultdict(list)
    for row in rows:
        article_id, author_id, slug, names, bios = tuple(row)
        grouped[article_id].append({"id": author_id, "slug": slug, "names": names, "bios": bios})
    return grouped


_TAG_BY_SLUG = select(TAG).where(TAG.c.slug == bindparam("slug"))
_TAG_BY_ALIAS = (
    select(TAG)
    .join(TAG_ALIAS, TAG_ALIAS.c.tag_id == TAG.c.id)
    .where(TAG_ALIAS.c.slug == bindparam("slug"))
)


async def tag_by_slug(reader: Reader, slug: str) -> Record | None:
    """As `categories.tag_by_slug`: the tag, or the one a tag of this slug was merged into."""
    found = await reader.rows(_TAG_BY_SLUG, {"slug": slug}) or await reader.rows(
        _TAG_BY_ALIAS, {"slug": slug}
    )
    return dict(zip([c.key for c in TAG.c], found[0], strict=True)) if found else None


_CATEGORIES = select(CATEGORY).order_by(CATEGORY.c.position, CATEGORY.c.id)


async def category_tree(reader: Reader) -> CategoryTree:
    """Every category as `categories.category_tree` gives them, from plain rows: each node has
    the attributes the tree reads, under the same names, and its record as `_mapping`."""
    keys = [c.key for c in CATEGORY.c]
    nodes = []
    for row in await reader.rows(_CATEGORIES):
        record = dict(zip(keys, row, strict=True))
        nodes.append(SimpleNamespace(**record, _mapping=record))
    return CategoryTree.of(nodes)  # type: ignore[arg-type]
