"""`cms import wordpress FILE.xml`: two passes over the file, in constant memory.

The first pass reads the channel's authors, categories and tags (written then) and every
attachment's address (kept, so a post can name its featured image whatever the order of items);
the second imports posts a batch at a time. Each picture is its own item, stored before the post
that shows it, so a picture that cannot be had is reported and the post still comes in.
"""

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cms.errors import CmsError
from cms.services.slugs import with_suffix
from cms.settings import Settings
from cms.storage import storage_for
from cms.transfer.article_build import Sanitised, sanitised_ahead
from cms.transfer.articles import ArticleBatch
from cms.transfer.curation import upsert_author
from cms.transfer.progress import Reporter, Silent
from cms.transfer.read_ahead import read_ahead
from cms.transfer.report import Report
from cms.transfer.upserts import upsert_category, upsert_tag, upsert_user
from cms.transfer.wordpress import content, mapping
from cms.transfer.wordpress.media import Pictures
from cms.transfer.wordpress.wxr import Author, Entry, Item, Term, UnreadableFile, read
from cms.transfer.writer import ImportOptions, Purge, Writer


@dataclass(frozen=True, slots=True)
class WordPressOptions:
    public_id_meta: str | None = None
    """`--public-id-from meta:KEY`: the post meta field holding a legacy public id."""
    timezone: str | None = None
    """The WordPress site's zone, for drafts that have no UTC time; the CMS's by default."""
    uploads: Path | None = None
    """The `wp-content/uploads` folder copied next to the export; `uploads/` beside it if unset."""
    download: bool = True
    """Download pictures not found in the uploads folder (through the SSRF-safe importer)."""


@dataclass(slots=True)
class Channel:
    site: str = ""
    authors: dict[str, Author] = field(default_factory=dict)
    bylines: dict[str, str] = field(default_factory=dict)
    """Each author's login and the slug of the author profile made for them."""
    attachments: dict[str, str] = field(default_factory=dict)
    posts: int = 0


def _entries(path: Path, report: Report) -> Iterator[Entry]:
    try:
        yield from read(path)
    except UnreadableFile as error:
        report.error(path.name, str(error))


def _site(path: Path) -> str:
    """What derived public ids are made unique by: the export's own name and first bytes."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    marker = head.find(b"<wp:base_site_url>")
    if marker >= 0:
        end = head.find(b"<", marker + 18)
        return head[marker + 18 : end].decode(errors="replace").strip()
    return hashlib.sha256(head).hexdigest()[:16]


async def _author(writer: Writer, channel: Channel, entry: Author) -> None:
    """An author becomes a byline's profile (slug from the login, name from the display name);
    one with an email also gets an account tied to the profile, which can sign in once its
    password is set."""
    name = entry.display_name or entry.login
    item = f"author {entry.login}"
    account = None
    if entry.email:
        user = {"email": entry.email, "role": "AUTHOR", "is_active": True, "display_name": name}
        await writer.item("users", item, partial(upsert_user, writer, user))
        account = _account(writer, entry.email)
    slug = mapping.as_slug(entry.login)[:100].strip("-") or f"author-{len(channel.bylines) + 1}"
    profile = {"slug": slug, "names": dict.fromkeys(writer.settings.locales, name)}
    if account is not None:
        profile["account"] = account
    await writer.item("authors", item, partial(upsert_author, writer, profile))
    if slug in writer.keys.authors.by_key:
        channel.bylines[entry.login] = slug


def _account(writer: Writer, email: str) -> str | None:
    """The imported account with this email, as the keys spell it."""
    wanted = email.strip().lower()
    return next((e for e in writer.keys.users.by_key if e.lower() == wanted), None)


async def _first_pass(writer: Writer, path: Path, progress: Reporter) -> Channel:
    channel = Channel(site=_site(path))
    terms: dict[tuple[str, str], Term] = {}
    progress.stage("Reading authors, categories, tags and attachments", None)
    for entry in _entries(path, writer.report):
        if isinstance(entry, Author) and entry.login:
            channel.authors[entry.login] = entry
            await _author(writer, channel, entry)
        elif isinstance(entry, Term):
            terms[(entry.kind, entry.slug)] = entry
        elif isinstance(entry, Item) and entry.post_type == "attachment":
            channel.attachments[entry.post_id] = entry.attachment_url or entry.link
        elif isinstance(entry, Item) and entry.post_type == "post":
            channel.posts += 1
            _undeclared_terms(entry, terms)
        progress.advance()
    await _write_terms(writer, terms.values())
    await writer.checkpoint()
    return channel


def _undeclared_terms(item: Item, terms: dict[tuple[str, str], Term]) -> None:
    """A post's terms that the channel did not list (partial exports) are created too."""
    for domain, nicename, label in item.terms:
        kind = {"category": "category", "post_tag": "tag"}.get(domain)
        if kind is not None and nicename and (kind, nicename) not in terms:
            terms[(kind, nicename)] = Term(kind, nicename, label.strip())


async def _write_terms(writer: Writer, terms: Iterable[Term]) -> None:
    locale = writer.settings.default_locale
    categories = []
    for term in terms:
        if term.kind == "category":
            categories.append(term)
            continue
        tag: dict[str, Any] = {
            "slug": mapping.as_slug(term.slug),
            "names": {locale: term.name or term.slug},
        }
        await writer.item("tags", f"tag {term.slug}", partial(upsert_tag, writer, tag))
    for term in _parents_first(categories):
        record: dict[str, Any] = {
            "slug": mapping.as_slug(term.slug),
            "names": {locale: term.name or term.slug},
            "descriptions": {locale: term.description} if term.description else {},
            "parent": mapping.as_slug(term.parent) or None,
        }
        await writer.item(
            "categories", f"category {term.slug}", partial(upsert_category, writer, record)
        )


def _parents_first(terms: list[Term]) -> list[Term]:
    by_slug = {term.slug: term for term in terms}
    ordered: list[Term] = []
    placed: set[str] = set()

    def place(term: Term, seen: frozenset[str]) -> None:
        if term.slug in placed or term.slug in seen:
            return
        parent = by_slug.get(term.parent)
        if parent is not None:
            place(parent, seen | {term.slug})
        placed.add(term.slug)
        ordered.append(term)

    for term in terms:
        place(term, frozenset())
    return ordered


class Posts:
    """The second pass: each post, its pictures, its slug, then the article upsert."""

    def __init__(self, writer: Writer, channel: Channel, options: WordPressOptions) -> None:
        self.writer, self.channel = writer, channel
        zone = ZoneInfo(options.timezone or writer.settings.timezone)
        self.mapping = mapping.Mapping(
            site=channel.site,
            zone=zone,
            default_locale=writer.settings.default_locale,
            public_id_meta=options.public_id_meta,
        )
        self.pictures = Pictures(writer, options.uploads, options.download)
        self.batch = ArticleBatch(writer)
        self.claimed: dict[tuple[str, str], str] = {}
        """Slugs given to posts of this run, so two in one batch never get the same."""

    async def _picture(self, url: str, item: str) -> tuple[str, str] | None:
        """Our copy of a picture as its own item: one that cannot be had is reported, and
        the post comes in without it."""
        found: list[tuple[str, str]] = []

        async def fetch() -> str:
            before = url in self.pictures.known
            found.append(await self.pictures.stored(url))
            return "unchanged" if before else "created"

        await self.writer.item("pictures", f"picture {url} of {item}", fetch)
        return found[0] if found else None

    async def _slug(self, item: Item, locale: str, public_id: str) -> str:
        """The post's slug, or the next free one when another article has it."""
        base = mapping.as_slug(item.post_name) or mapping.as_slug(item.title)
        base = base or f"post-{item.post_id}"
        taken: set[str] = set()
        while True:
            candidate = with_suffix(base, taken)
            owner = self.claimed.get((locale, candidate))
            if owner is None:
                owner = await self.batch.owner(locale, candidate)
            if owner is None or owner == public_id:
                self.claimed[(locale, candidate)] = public_id
                return candidate
            taken.add(candidate)

    async def record(self, post: "Post") -> dict[str, Any]:
        item, name, html = post.item, post.name, post.html
        attachments = self.channel.attachments
        stored: dict[str, str] = {}
        for url in content.images(html):
            picture = await self._picture(url, name)
            if picture is not None:
                stored[url] = self.writer.settings.media_url_for(picture[1])
        cover = None
        thumbnail = item.first_meta("_thumbnail_id")
        if thumbnail and thumbnail not in attachments:
            self.writer.report.warn(name, f"its featured image (attachment {thumbnail}) is missing")
        elif thumbnail:
            picture = await self._picture(attachments[thumbnail], name)
            cover = picture[0] if picture else None
        authors = []
        byline = self.channel.bylines.get(item.creator)
        if byline is not None:
            authors = [byline]
        elif item.creator:
            self.writer.report.warn(name, f"its author {item.creator!r} is not in the export")
        locale = mapping.locale(item, self.mapping)
        public_id = mapping.public_id(item, self.mapping)
        slug = await self._slug(item, locale, public_id)
        body = content.replace_images(html, stored)
        return mapping.article_record(
            item, self.mapping, body=body, slug=slug, cover=cover, authors=authors
        )


async def import_wordpress(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    source: Path,
    options: ImportOptions,
    wordpress: WordPressOptions,
    progress: Reporter | None = None,
    purge: Purge | None = None,
) -> Report:
    progress = progress or Silent()
    if wordpress.uploads is None:
        wordpress = replace(wordpress, uploads=source.parent / "uploads")
    writer = await Writer.open(sessions, settings, storage_for(settings), options, "wordpress")
    try:
        channel = await _first_pass(writer, source, progress)
        if not writer.report.errors or not options.strict:
            await _second_pass(writer, source, channel, Posts(writer, channel, wordpress), progress)
    except BaseException:
        await writer.session.rollback()
        await writer.session.close()
        raise
    return await writer.finish(purge)


@dataclass(frozen=True, slots=True)
class Post:
    """A post as read: its item, its content as HTML, and that HTML sanitised (for a post whose
    pictures keep their addresses, the body as stored)."""

    item: Item
    name: str
    html: str
    ahead: dict[str, Sanitised]


def _read_posts(writer: Writer, source: Path, channel: Channel) -> Iterator[Post]:
    for entry in read_safely(source):
        if isinstance(entry, Item) and entry.post_type == "post":
            html = content.to_html(entry.content, channel.attachments)
            name = f"post {entry.post_id} ({entry.title[:60]!r})"
            yield Post(entry, name, html, sanitised_ahead(writer, html))


async def _second_pass(
    writer: Writer, source: Path, channel: Channel, posts: Posts, progress: Reporter
) -> None:
    """Each batch of posts is read, and its bodies sanitised, while the one before is written."""
    progress.stage("Importing posts", channel.posts)
    read = _read_posts(writer, source, channel)
    async with aclosing(read_ahead(read, writer.options.batch_size)) as batches:
        async for pending in batches:
            await _posts(writer, posts, pending, progress)


def read_safely(source: Path) -> Iterator[Entry]:
    """The second reading: the first has reported a broken file, so here it just stops."""
    try:
        yield from read(source)
    except UnreadableFile:
        return


async def _posts(writer: Writer, posts: Posts, pending: list[Post], progress: Reporter) -> None:
    records: list[tuple[str, dict[str, Any]]] = []
    await posts.batch.prefetch_owners(
        mapping.as_slug(p.item.post_name) or mapping.as_slug(p.item.title) for p in pending
    )
    for post in pending:
        if post.item.status not in mapping.STATUSES:
            writer.report.warn(post.name, f"status {post.item.status!r} is not imported")
            progress.advance()
            continue
        try:
            records.append((post.name, await posts.record(post)))
        except (ValueError, CmsError) as error:
            message = error.message if isinstance(error, CmsError) else str(error)
            writer.report.error(post.name, message)
            progress.advance()
    ahead = {source: body for post in pending for source, body in post.ahead.items()}
    await posts.batch.write(records, progress, ahead)
