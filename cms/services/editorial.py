"""What every editorial write shares: the editor's context, running again after a lost race,
saving with optimistic locking, marking cached pages stale, and the revision each write records.

Every editorial function runs as one transaction: it validates everything first, writes, records a
revision and an audit entry, and commits; an error anywhere leaves the database as it was.

Checks read before they write, so a concurrent editor can get in between: the unique slug
constraint or the version check then refuses the late write, the transaction rolls back whole,
and the action runs again from a fresh read (`retried`), where the check sees the winner and
answers as if the winner had come first: "slug taken", "already published", or a slug made from
the title with the next free number.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from cms import cache_tags
from cms.after_commit import invalidate
from cms.cache_tags import CacheTag
from cms.errors import CmsError, NotFound
from cms.models import (
    Article,
    ArticleAuthor,
    ArticleCorrection,
    ArticleTag,
    AuthorProfile,
    Revision,
    Tag,
    User,
)
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.categories import CategoryTree, category_tree
from cms.services.roles import Forbidden, check_can_read_history
from cms.services.viewer import Viewer
from cms.settings import Settings

SNAPSHOT_FIELDS = (
    "title",
    "slug",
    "lead",
    "body",
    "category_id",
    "source_name",
    "source_url",
    "seo_title",
    "seo_description",
    "cover_id",
)
LATER_FIELDS = frozenset({"authors"})
"""Recorded in revisions since a later version: an older revision without one does not know it."""
# Each lost race means another editor's write went in, so N editors racing need N attempts.
ATTEMPTS = 5
T = TypeVar("T")


class Conflict(CmsError):
    code = "CONFLICT"


@dataclass(frozen=True, slots=True)
class EditorialContext:
    session: AsyncSession
    settings: Settings
    viewer: Viewer

    @property
    def user(self) -> User:
        if self.viewer.user is None:
            raise Forbidden("Sign in first.")
        return self.viewer.user


async def tag_slugs(session: AsyncSession, article_id: int) -> list[str]:
    query = (
        select(Tag.slug)
        .join(ArticleTag, col(ArticleTag.tag_id) == col(Tag.id))
        .where(col(ArticleTag.article_id) == article_id)
        .order_by(col(ArticleTag.position))
    )
    return list((await session.scalars(query)).all())


async def _author_slugs(session: AsyncSession, article_id: int) -> list[str]:
    query = (
        select(AuthorProfile.slug)
        .join(ArticleAuthor, col(ArticleAuthor.author_id) == col(AuthorProfile.id))
        .where(col(ArticleAuthor.article_id) == article_id)
        .order_by(col(ArticleAuthor.position))
    )
    return list((await session.scalars(query)).all())


async def _corrections(session: AsyncSession, article_id: int) -> list[dict[str, str]]:
    query = (
        select(ArticleCorrection)
        .where(col(ArticleCorrection.article_id) == article_id)
        .order_by(col(ArticleCorrection.corrected_at), col(ArticleCorrection.id))
    )
    return [
        {"text": c.text, "corrected_at": c.corrected_at.isoformat()}
        for c in await session.scalars(query)
    ]


async def revise(
    ec: EditorialContext, article: Article, action: str, *, changed: Sequence[str] = ()
) -> None:
    """Store the saved state as a revision (with the fields `changed` says the act changed),
    and the act in the audit log."""
    await record_revision(ec.session, article, ec.user.id, changed=changed)
    audit.record(ec.session, ec.viewer, action, "article", article.id, version=article.version)


async def record_revision(
    session: AsyncSession,
    article: Article,
    author_id: int | None,
    *,
    changed: Sequence[str] = (),
) -> None:
    """Store the whole saved state, with the fields that differ from the last revision; an
    editor's save and the scheduler's publish alike (`author_id` None)."""
    assert article.id is not None
    await session.flush()
    content = {name: getattr(article, name) for name in SNAPSHOT_FIELDS}
    content["status"] = article.status.value
    content["tags"] = await tag_slugs(session, article.id)
    content["authors"] = await _author_slugs(session, article.id)
    # Absent until the first correction, so that older revisions do not differ by an empty list.
    if corrections := await _corrections(session, article.id):
        content["corrections"] = corrections
    last = select(Revision.content).where(col(Revision.article_id) == article.id)
    before = (await session.scalars(last.order_by(col(Revision.id).desc()).limit(1))).first()
    differs = {
        k
        for k, v in content.items()
        if (before or {}).get(k) != v
        and (before or v)
        and (before is None or k in before or k not in LATER_FIELDS)
    }
    session.add(
        Revision(
            article_id=article.id,
            version=article.version,
            author_id=author_id,
            changed_fields=sorted(differs | set(changed)),
            content=content,
        )
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an article shows besides its own page: the category tree (its category's page and
    every ancestor's list it) and its tags. Read once per write, for the states before and after."""

    tree: CategoryTree
    tag_ids: tuple[int, ...]

    def pages(self, article: Article, tag_ids: Sequence[int] | None = None) -> set[CacheTag]:
        """The cached pages showing `article` as it is now; `tag_ids` if its tags changed."""
        return cache_tags.showing_article(
            article,
            self.tree.with_ancestors(article.category_id),
            self.tag_ids if tag_ids is None else tag_ids,
        )


async def placement(session: AsyncSession, article: Article) -> Placement:
    assert article.id is not None
    tree = await category_tree(session=session)
    tag_ids = await session.scalars(
        select(ArticleTag.tag_id).where(col(ArticleTag.article_id) == article.id)
    )
    return Placement(tree, tuple(tag_ids))


async def mark_stale(session: AsyncSession, article: Article) -> None:
    """Announce, on commit, every cached response that shows this article as it is now."""
    invalidate(session, (await placement(session, article)).pages(article))


async def get_for_editing(ec: EditorialContext, public_id: str) -> Article:
    found = (
        await ec.session.scalars(select(Article).where(col(Article.public_id) == public_id))
    ).first()
    if found is None:
        raise NotFound(f"No article with public id {public_id!r}.", field="id")
    return found


def _sqlite_locked(error: Exception) -> bool:
    """SQLite has one writer: a transaction that read before another one committed cannot
    write (SQLITE_BUSY_SNAPSHOT, at once), and a writer can wait past the busy timeout. Both
    are told `database is locked`, and both succeed when run again from a fresh read."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


async def retried(
    ec: EditorialContext, write: Callable[[], Awaitable[T]], *lost_race: type[Exception]
) -> T:
    """`write()`, run again from a fresh read after losing a race to a concurrent transaction."""
    for _ in range(ATTEMPTS - 1):
        try:
            return await write()
        except Exception as error:
            if not (isinstance(error, lost_race) or _sqlite_locked(error)):
                raise
            await ec.session.rollback()
    return await write()


async def conflict(session: AsyncSession, article: Article) -> Conflict:
    editor = await session.get(User, article.updated_by_id) if article.updated_by_id else None
    who = editor.display_name if editor else "someone"
    return Conflict(
        f"This article was changed by {who} since you opened it; it is now at version "
        f"{article.version}. Reload it and apply your changes again.",
        field="version",
    )


async def save(
    ec: EditorialContext,
    article: Article,
    values: dict[str, Any],
    expected_version: int,
    *,
    tag_ids: Sequence[int] | None = None,
) -> None:
    """Write `values` only if nobody saved since `expected_version`; bump the version. Once
    committed, the cached pages that showed the article and those that show it now go stale;
    `tag_ids` are its tags after the write, when the write sets them."""
    assert article.id is not None
    shown = await placement(ec.session, article)
    before = shown.pages(article)
    values |= {"version": expected_version + 1, "updated_at": utcnow(), "updated_by_id": ec.user.id}
    result = await ec.session.execute(
        update(Article)
        .where(col(Article.id) == article.id, col(Article.version) == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await ec.session.rollback()
        await ec.session.refresh(article)
        raise await conflict(ec.session, article)
    await ec.session.refresh(article)
    invalidate(ec.session, before | shown.pages(article, tag_ids))


async def revisions(session: AsyncSession, article_id: int, viewer: Viewer) -> list[Revision]:
    """An article's saved states, newest first, for those who may read its history."""
    article = await session.get(Article, article_id)
    if article is None:
        raise NotFound("No such article.")
    check_can_read_history(viewer, article)
    query = (
        select(Revision)
        .where(col(Revision.article_id) == article_id)
        .order_by(col(Revision.version).desc(), col(Revision.id).desc())
    )
    return list((await session.scalars(query)).all())
