"""Full-text search over title, lead and body of the articles a viewer may see, best first.

A reader's words never reach the query language: the text is cut into words (letters and digits
of any script, so Georgian works) and each becomes a quoted prefix term, all required. A stray
quote or operator is therefore just ignored, never a syntax error. SQLite ranks with FTS5's bm25
(title weighs most), PostgreSQL with `ts_rank_cd` over the weighted `simple` vector. Pages are
keyset on (score, id), score lower-is-better on both.
"""

import html
import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    func,
    literal_column,
    or_,
    table,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from cms.errors import CmsError
from cms.models import Article
from cms.services.articles import ArticleFilter, feed_query
from cms.services.viewer import Viewer

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
WORD = re.compile(r"[^\W_]+")
START, STOP = "\ue000", "\ue001"
"""Private-use characters mark matches, so the snippet can be escaped before <mark> goes in."""


@dataclass(frozen=True, slots=True)
class SearchKey:
    """A hit's position in the ranking: its score (lower is better), then its id."""

    score: float
    id: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    key: SearchKey
    snippet: str


def search_terms(text: str) -> list[str]:
    """The words searched for; a clear error for an over-long query instead of a slow one."""
    if len(text) > MAX_QUERY_CHARS:
        raise CmsError(
            f"The search is {len(text)} characters long; use at most {MAX_QUERY_CHARS}.",
            field="query",
        )
    return list(dict.fromkeys(WORD.findall(text.lower())))[:MAX_TERMS]


def highlighted(snippet: str) -> str:
    """Escape the snippet as HTML text, then wrap the matched words in <mark>."""
    return html.escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")


Ranked = tuple[Select[Article], ColumnElement[float], ColumnElement[str]]


def _sqlite(query: Select[Article], terms: list[str]) -> Ranked:
    index: ColumnElement[str] = literal_column("article_search")
    fts = table("article_search", column("rowid"))
    matched = query.join(fts, fts.c.rowid == col(Article.id)).where(
        index.op("MATCH")(" ".join(f'"{term}"*' for term in terms))
    )
    return matched, func.bm25(index, 10.0, 5.0, 1.0), func.snippet(index, -1, START, STOP, "…", 24)


def _postgres(query: Select[Article], terms: list[str]) -> Ranked:
    simple: ColumnElement[str] = literal_column("'simple'::regconfig")
    wanted = func.to_tsquery(simple, " & ".join(f"{term}:*" for term in terms))
    vector: ColumnElement[str] = literal_column("article.search_vector")
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2"
    source = func.concat(col(Article.lead), " ", col(Article.body_text))
    snippet = func.ts_headline(simple, source, wanted, options)
    return query.where(vector.op("@@")(wanted)), -func.ts_rank_cd(vector, wanted), snippet


async def search(
    *,
    session: AsyncSession,
    viewer: Viewer,
    terms: list[str],
    filters: ArticleFilter,
    first: int,
    after: SearchKey | None = None,
) -> tuple[list[SearchHit], bool]:
    """Up to `first` hits after `after`, best first, and whether more follow."""
    if not terms or first == 0:
        return [], False
    rank = _postgres if session.get_bind().dialect.name == "postgresql" else _sqlite
    matched, score, snippet = rank(feed_query(viewer, filters), terms)
    query = matched.add_columns(score.label("score"), snippet.label("snippet"))
    if after is not None:
        query = query.where(
            or_(score > after.score, and_(score == after.score, col(Article.id) > after.id))
        )
    query = query.order_by(score, col(Article.id)).limit(first + 1)
    rows = list(await session.execute(query))
    hits = [
        SearchHit(article, SearchKey(float(rank), article.id), highlighted(text or ""))
        for article, rank, text in rows[:first]
    ]
    return hits, len(rows) > first
