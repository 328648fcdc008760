"""One import's database side: per-item savepoints, batch commits, strict and dry runs, and the
cache tags to purge once at the end.

Each item is written inside a savepoint: an item that fails leaves nothing behind, and the run
goes on. Items are committed a batch at a time, and every write is an upsert by a stable key, so
an import killed midway (even `kill -9`) and run again redoes the lost batch and skips what is
already there: nothing is duplicated or lost. `--strict` and `--dry-run` keep the whole run in one
transaction, committed only if every item went in (strict) or never (dry run).

Webhooks are chosen per run (`ImportWebhooks`): none by default, one `import.completed` event in
the last commit, or each published article's own event in the transaction of its batch.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from cms import cache_tags
from cms.cache_tags import CacheTag
from cms.db import is_sqlite
from cms.errors import CmsError
from cms.models import Category
from cms.services.webhooks import outbox
from cms.settings import Settings
from cms.storage import Storage
from cms.transfer.keys import Keys, load_keys
from cms.transfer.report import Report

Purge = Callable[[set[str]], Awaitable[None]]
SUMMARISED = ("articles", "categories", "tags")
"""The kinds of record whose counts `import.completed` carries."""


class ImportWebhooks(StrEnum):
    """What an import tells webhook endpoints."""

    NONE = "none"
    SUMMARY = "summary"
    EACH = "each"


@dataclass(slots=True)
class ImportOptions:
    strict: bool = False
    dry_run: bool = False
    batch_size: int = 200
    webhooks: ImportWebhooks = ImportWebhooks.NONE


@dataclass(slots=True)
class Writer:
    session: AsyncSession
    settings: Settings
    storage: Storage
    keys: Keys
    options: ImportOptions
    report: Report
    kind: str
    """What is imported (`ndjson`, `wordpress`), as `import.completed` names it."""
    stale: set[CacheTag] = field(default_factory=set)
    articles_changed: bool = False

    @classmethod
    async def open(
        cls,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        storage: Storage,
        options: ImportOptions,
        kind: str,
    ) -> "Writer":
        session = sessions()
        writer = cls(
            session=session,
            settings=settings,
            storage=storage,
            keys=await load_keys(session),
            options=options,
            report=Report(dry_run=options.dry_run),
            kind=kind,
        )
        await writer._begin()
        return writer

    async def _begin(self) -> None:
        """On SQLite, open the transaction ourselves: the driver starts one only at the first
        write, so a savepoint taken before it would be the outermost and its release would
        commit. IMMEDIATE takes the write lock now, as every batch writes."""
        if is_sqlite(self.settings.database_url):
            await self.session.execute(text("BEGIN IMMEDIATE"))

    @property
    def announces_each(self) -> bool:
        """Each published article written gets its own webhook event."""
        return self.options.webhooks is ImportWebhooks.EACH

    @property
    def holds_everything(self) -> bool:
        """Strict and dry runs commit once (or never), at the end."""
        return self.options.strict or self.options.dry_run

    async def item(self, kind: str, name: str, write: Callable[[], Awaitable[str]]) -> None:
        """Write one item in a savepoint; `write` says "created", "updated" or "unchanged"."""
        try:
            async with self.session.begin_nested():
                outcome = await write()
        except (CmsError, ValueError) as error:
            message = error.message if isinstance(error, CmsError) else str(error)
            self.report.error(name, message)
            return
        except IntegrityError as error:
            message = f"the database refused it ({str(error.orig).splitlines()[0]})"
            self.report.error(name, message)
            return
        getattr(self.report, outcome)[kind] += 1

    async def checkpoint(self) -> None:
        """Commit the batch (or, holding everything, just free the session's memory)."""
        if self.holds_everything:
            await self.session.flush()
        else:
            await self.session.commit()
            await self._begin()
        self.session.expunge_all()

    async def finish(self, purge: Purge | None) -> Report:
        """Commit what is left (unless a dry run, or a strict run with errors) with the
        `import.completed` event if asked for and anything changed, then purge the response
        cache and CDN once for everything the run changed."""
        keep = not self.options.dry_run and not (self.options.strict and self.report.errors)
        if keep and self.options.webhooks is ImportWebhooks.SUMMARY and self.report.changed:
            counts = {
                kind: {"created": self.report.created[kind], "updated": self.report.updated[kind]}
                for kind in SUMMARISED
            }
            outbox.import_completed(self.session, self.kind, counts)
        if keep:
            await self.session.commit()
        else:
            await self.session.rollback()
        if keep and self.articles_changed:
            ids = (await self.session.scalars(select(Category.id))).all()
            self.stale |= {cache_tags.category_feed(category_id) for category_id in ids}
            self.stale |= {cache_tags.ALL_FEED, cache_tags.FEATURED_FEED}
        await self.session.close()
        if keep and self.stale and purge is not None:
            try:
                await purge(set(self.stale))
            except (OSError, RedisError) as error:
                self.report.warn(
                    "cache purge",
                    f"failed ({error}); cached pages show the old content until they expire",
                )
        return self.report
