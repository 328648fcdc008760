"""Live-blog updates as readers see them, and the newest-first connection an article exposes."""

from datetime import datetime

import strawberry
from strawberry import relay

from cms.models import LiveBlogUpdate as LiveBlogUpdateEntity
from schema.author import Author
from schema.context import Info
from schema.loaders import LiveUpdatesKey
from schema.pagination import check_first, created_at_page, decode_cursor


@strawberry.type(description="One timestamped entry of a live blog.")
class LiveBlogUpdate:
    id: strawberry.ID = strawberry.field(
        description="Stable id of the entry, to merge pushed entries with a loaded page."
    )
    body: str = strawberry.field(description="Sanitised HTML.")
    created_at: datetime = strawberry.field(description="When it was posted, ISO-8601 in UTC.")
    edited_at: datetime | None = strawberry.field(
        description="When its text was last corrected, in UTC; null when never."
    )
    pinned_at: datetime | None = strawberry.field(
        description="When editors pinned it above the running list, in UTC; null when not pinned."
    )
    author_id: strawberry.Private[int | None]

    @classmethod
    def from_entity(cls, update: LiveBlogUpdateEntity) -> "LiveBlogUpdate":
        return cls(
            id=strawberry.ID(str(update.id)),
            body=update.body,
            created_at=update.created_at,
            edited_at=update.edited_at,
            pinned_at=update.pinned_at,
            author_id=update.author_id,
        )

    @strawberry.field(description="When it was posted, in the site's time zone.")
    def created_at_local(self, info: Info) -> datetime:
        return self.created_at.astimezone(info.context.settings.zone)

    @strawberry.field(
        description="Who posted it, by their author profile; null when the account is gone, "
        "inactive or without a profile."
    )
    async def author(self, info: Info) -> Author | None:
        if self.author_id is None:
            return None
        author = await info.context.loaders.author_by_user_id.load(self.author_id)
        locale = info.context.settings.default_locale
        return Author.from_entity(author, locale) if author is not None else None


@strawberry.type(description="A live-blog entry in a list, with the cursor to continue after it.")
class LiveBlogUpdateEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the entries after this.")
    node: LiveBlogUpdate = strawberry.field(description="The entry.")


@strawberry.type(description="A page of live-blog entries, newest first.")
class LiveBlogUpdateConnection:
    edges: list[LiveBlogUpdateEdge] = strawberry.field(description="The entries of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the list.")
    article_id: strawberry.Private[int]

    @strawberry.field(description="How many entries the blog holds, across all pages.")
    async def total_count(self, info: Info) -> int:
        return await info.context.loaders.live_update_count_by_article_id.load(self.article_id)

    @strawberry.field(
        description="The entries editors pinned, the most recently pinned first, whatever the "
        "page; they also appear in their place in the list."
    )
    async def pinned(self, info: Info) -> list[LiveBlogUpdate]:
        rows = await info.context.loaders.pinned_live_updates_by_article_id.load(self.article_id)
        return [LiveBlogUpdate.from_entity(row) for row in rows]

    @strawberry.field(description="The entries of this page, for clients that skip the edges.")
    def nodes(self) -> list[LiveBlogUpdate]:
        return [edge.node for edge in self.edges]


async def resolve_live_updates(
    info: Info, article_id: int, first: int, after: str | None
) -> LiveBlogUpdateConnection:
    """One page per article, batched across the articles of a request by a loader."""
    check_first(first, info.context.settings.page_size_max)
    position = decode_cursor(after) if after is not None else None
    rows = await info.context.loaders.live_updates_by_key.load(
        LiveUpdatesKey(article_id=article_id, first=first + 1, after=position)
    )
    edges, page_info = created_at_page(
        rows[:first],
        lambda cursor, row: LiveBlogUpdateEdge(cursor=cursor, node=LiveBlogUpdate.from_entity(row)),
        has_next=len(rows) > first,
        after_given=position is not None,
    )
    return LiveBlogUpdateConnection(edges=edges, page_info=page_info, article_id=article_id)
