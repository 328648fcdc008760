"""Upserting articles (and their revisions) by public id, a batch at a time.

The rows already there for a batch are read with a handful of queries and turned into export
records; an incoming record equal to its row's is skipped without a write. With `--webhooks
each`, an article written that is or was on the site gets its webhook event in the same
savepoint, so an article left out is never announced.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from cms import cache_tags
from cms.errors import CmsError
from cms.models import (
    Article,
    ArticleAuthor,
    ArticleCorrection,
    ArticleSlugHistory,
    ArticleStatus,
    ArticleTag,
    LiveBlogUpdate,
    Revision,
)
from cms.services.webhooks import outbox
from cms.transfer import fields
from cms.transfer.article_build import (
    Sanitised,
    as_entity,
    build_article,
    column_values,
    key_of,
    public_id_of,
    record_of,
)
from cms.transfer.keys import article_records, articles_by_public_id
from cms.transfer.progress import Reporter
from cms.transfer.records import revision_record
from cms.transfer.upserts import created_at
from cms.transfer.writer import Writer

Item = tuple[str, Mapping[str, Any]]
"""A record and how the report names it."""
KEPT = ("id", "created_by_id", "updated_by_id")
"""Columns an update leaves alone: the row's id, and who created and last edited it here."""
LINKS = (ArticleTag, ArticleAuthor, ArticleSlugHistory, ArticleCorrection, LiveBlogUpdate)
"""The rows that belong to an article: an update replaces them all."""


async def slug_owner(session: AsyncSession, locale: str, slug: str) -> str | None:
    """The public id of another article that has or had this slug, if any."""
    current = select(Article.public_id).where(
        col(Article.locale) == locale, col(Article.slug) == slug
    )
    former = (
        select(Article.public_id)
        .join(ArticleSlugHistory, col(ArticleSlugHistory.article_id) == col(Article.id))
        .where(col(ArticleSlugHistory.locale) == locale, col(ArticleSlugHistory.slug) == slug)
    )
    owners = (await session.scalars(current.union_all(former))).all()
    return owners[0] if owners else None


class ArticleBatch:
    """The rows already there for a batch of records, read at once."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.existing: dict[str, Article] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, int] = {}
        self.owners: dict[tuple[str, str], str] = {}
        self.checked: set[str] = set()
        self.ahead: Mapping[str, Sanitised] = {}

    async def prefetch_owners(self, slugs: Iterable[str]) -> None:
        """Who has or had each of these slugs, in each of the site's languages, with two
        queries. Naming the languages lets both use their (locale, slug) index: a slug alone
        would read the whole table for every batch, and an import would slow as it grows."""
        wanted = set(slugs) - self.checked
        if not wanted:
            return
        locales = self.writer.settings.locales
        current = select(Article.public_id, Article.locale, Article.slug).where(
            col(Article.locale).in_(locales), col(Article.slug).in_(wanted)
        )
        former = (
            select(Article.public_id, ArticleSlugHistory.locale, ArticleSlugHistory.slug)
            .join(ArticleSlugHistory, col(ArticleSlugHistory.article_id) == col(Article.id))
            .where(
                col(ArticleSlugHistory.locale).in_(locales),
                col(ArticleSlugHistory.slug).in_(wanted),
            )
        )
        for query in (current, former):
            for public_id, locale, slug in await self.writer.session.execute(query):
                self.owners.setdefault((locale, slug), public_id)
        self.checked |= wanted

    async def owner(self, locale: str, slug: str) -> str | None:
        if slug in self.checked and locale in self.writer.settings.locales:
            return self.owners.get((locale, slug))
        return await slug_owner(self.writer.session, locale, slug)

    async def load(self, items: Sequence[Item]) -> None:
        self.owners, self.checked = {}, set()
        slugs = [str(r.get("slug")) for _, r in items]
        slugs += [str(s) for _, r in items for s in (r.get("former_slugs") or [])]
        await self.prefetch_owners(slugs)
        ids = [r["public_id"] for _, r in items if isinstance(r.get("public_id"), str)]
        found = await articles_by_public_id(self.writer.session, ids)
        self.existing = {article.public_id: article for article in found}
        records = await article_records(self.writer.session, found, self.writer.keys)
        self.records = {record["public_id"]: record for record in records}

    async def prepare(self, record: Mapping[str, Any]) -> "Prepared | None":
        """The checked article and its links, or None when the row there is the same; reads
        only, so an item refused here has written nothing."""
        writer = self.writer
        # A field the source does not have (a WordPress post has no view count) keeps its value.
        record = {**self.records.get(str(record.get("public_id")), {}), **record}
        article, links = build_article(
            writer, record, self.existing.get(str(record.get("public_id"))), self.ahead
        )
        public_id = article.public_id
        fingerprint = hash(orjson.dumps(record, option=orjson.OPT_SORT_KEYS, default=str))
        if self.seen.setdefault(public_id, fingerprint) != fingerprint:
            raise ValueError(f"public id {public_id} appears twice in this import, differently")
        existing = self.existing.get(public_id)
        if existing is not None and record_of(writer, article, links) == self.records[public_id]:
            return None
        for slug in [article.slug, *links["former_slugs"]]:
            owner = await self.owner(article.locale, slug)
            if owner is not None and owner != public_id:
                if slug == article.slug:
                    raise ValueError(f"the slug {slug!r} belongs to article {owner}")
                links["former_slugs"].remove(slug)
                writer.report.warn(f"article {public_id}", f"old slug {slug!r} is {owner}'s")
        for slug in [article.slug, *links["former_slugs"]]:
            self.owners[(article.locale, slug)] = public_id
        return Prepared(article, links, existing)

    async def write(
        self,
        items: Sequence[Item],
        progress: Reporter,
        ahead: Mapping[str, Sanitised] | None = None,
    ) -> None:
        """Check every item, then insert all new articles and their links with a few
        statements in one savepoint; if the database refuses any of that, insert them one by
        one, each in its own savepoint, so only the bad one is left out. Changed articles are
        updated one by one. `ahead` holds the batch's bodies sanitised while it was read."""
        writer = self.writer
        self.ahead = ahead or {}
        await self.load(items)
        new: list[tuple[str, Prepared]] = []
        changed: list[tuple[str, Prepared]] = []
        for name, record in items:
            try:
                prepared = await self.prepare(record)
            except (CmsError, ValueError) as error:
                writer.report.error(
                    name, error.message if isinstance(error, CmsError) else str(error)
                )
                progress.advance()
                continue
            if prepared is None:
                writer.report.unchanged["articles"] += 1
                progress.advance()
            else:
                (new if prepared.existing is None else changed).append((name, prepared))
        try:
            async with writer.session.begin_nested():
                await self._insert([prepared for _, prepared in new])
                for _, prepared in new:
                    self._announce(prepared.article, None)
            writer.report.created["articles"] += len(new)
            progress.advance(len(new))
        except IntegrityError:
            for _, prepared in new:
                prepared.article.id = None
            changed = new + changed
        for name, prepared in changed:
            await writer.item("articles", name, partial(self._write_one, prepared))
            progress.advance()
        await writer.checkpoint()

    async def _insert(self, batch: Sequence["Prepared"]) -> None:
        if not batch:
            return
        session = self.writer.session
        rows = [column_values(prepared.article) for prepared in batch]
        articles = _table(Article)
        inserted = await session.execute(
            insert(articles).returning(articles.c.id, sort_by_parameter_order=True), rows
        )
        ids = list(inserted.scalars())
        tags, authors, history, corrections, entries = [], [], [], [], []
        for article_id, prepared in zip(ids, batch, strict=True):
            article, links = prepared.article, prepared.links
            article.id = article_id
            tags += [{"article_id": article_id, "tag_id": t, "position": n}
                     for n, t in enumerate(links["tags"])]  # fmt: skip
            authors += [{"article_id": article_id, "author_id": a, "position": n}
                        for n, a in enumerate(links["authors"])]  # fmt: skip
            corrections += [{"article_id": article_id, **c} for c in links["corrections"]]
            entries += [{"article_id": article_id, **e} for e in links["live_blog"]]
            history += [{"article_id": article_id, "locale": article.locale, "slug": slug}
                        for slug in links["former_slugs"]]  # fmt: skip
            self._changed(article, links)
        for table, values in ((ArticleTag, tags), (ArticleAuthor, authors),
                              (ArticleSlugHistory, history), (ArticleCorrection, corrections),
                              (LiveBlogUpdate, entries)):  # fmt: skip
            if values:
                await session.execute(insert(_table(table)), values)

    def _changed(self, article: Article, links: Mapping[str, Any]) -> None:
        self.writer.stale |= cache_tags.showing_article(article, [], links["tags"])
        self.writer.articles_changed = True

    async def _write_one(self, prepared: "Prepared") -> str:
        article, links, existing = prepared.article, prepared.links, prepared.existing
        session = self.writer.session
        before = existing.status if existing is not None else None
        if existing is not None:
            self.writer.stale |= cache_tags.showing_article(existing, [], [])
            for name in Article.model_fields:
                if name not in KEPT:
                    setattr(existing, name, getattr(article, name))
            article = existing
            for link in LINKS:
                await session.execute(delete(link).where(col(link.article_id) == article.id))
        else:
            article = as_entity(article)
            session.add(article)
        await session.flush()
        assert article.id is not None
        rows: list[Any] = (
            [
                ArticleTag(article_id=article.id, tag_id=t, position=n)
                for n, t in enumerate(links["tags"])
            ]
            + [
                ArticleAuthor(article_id=article.id, author_id=a, position=n)
                for n, a in enumerate(links["authors"])
            ]
            + [ArticleCorrection(article_id=article.id, **c) for c in links["corrections"]]
            + [LiveBlogUpdate(article_id=article.id, **e) for e in links["live_blog"]]
            + [
                ArticleSlugHistory(article_id=article.id, locale=article.locale, slug=slug)
                for slug in links["former_slugs"]
            ]
        )
        session.add_all(rows)
        self._announce(article, before)
        await session.flush()
        self._changed(article, links)
        return "created" if existing is None else "updated"

    def _announce(self, article: Article, before: ArticleStatus | None) -> None:
        if self.writer.announces_each:
            outbox.article_imported(self.writer.session, article, before)


def _table(entity: type[Any]) -> Table:
    """The entity's table: Core's executemany, without the ORM's bulk bookkeeping per row."""
    table: Table = entity.__table__
    return table


@dataclass(slots=True)
class Prepared:
    article: Article
    links: dict[str, Any]
    existing: Article | None


async def upsert_revision(writer: Writer, record: Mapping[str, Any]) -> str:
    public_id = public_id_of({"public_id": record.get("article")})
    article_id = (
        await writer.session.scalars(select(Article.id).where(col(Article.public_id) == public_id))
    ).first()
    if article_id is None:
        raise ValueError(f"the article {public_id} is not here")
    author = record.get("author")
    content = record.get("content") or {}
    if not isinstance(content, dict):
        raise ValueError("content must be an object")
    revision = Revision(
        article_id=article_id,
        version=fields.number(record, "version", 1),
        author_id=key_of(writer.keys.users.by_key, author, "author") if author else None,
        created_at=created_at(record),
        changed_fields=fields.string_list(record, "changed_fields"),
        content=content,
    )
    existing = (
        await writer.session.scalars(
            select(Revision).where(
                col(Revision.article_id) == article_id,
                col(Revision.version) == revision.version,
                col(Revision.created_at) == revision.created_at,
            )
        )
    ).first()
    if existing is None:
        writer.session.add(revision)
        await writer.session.flush()
        return "created"
    before = writer.keys.users.by_id.get(existing.author_id or 0)
    if revision_record(existing, public_id, before) == revision_record(revision, public_id, author):
        return "unchanged"
    existing.author_id, existing.changed_fields = revision.author_id, revision.changed_fields
    existing.content = content
    return "updated"
