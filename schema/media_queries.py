"""The editors' media library: search, filter by kind and date, newest first in keyset pages."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from cms.models import MediaKind as MediaKindEntity
from cms.services import media as media_service
from cms.services.media import MediaFilter
from schema.article_feed import AfterArgument, FirstArgument
from schema.context import Info
from schema.enums import MediaKind
from schema.media import Media
from schema.pagination import check_first, created_at_page, decode_cursor
from schema.permissions import SIGNED_IN


@strawberry.type(description="A media item in a list, with the cursor to continue after it.")
class MediaEdge:
    cursor: str = strawberry.field(description="Pass as `after` to get the items after this.")
    node: Media = strawberry.field(description="The media item.")


@strawberry.type(description="A page of the media library, newest first.")
class MediaConnection:
    edges: list[MediaEdge] = strawberry.field(description="The items of this page.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page sits in the list.")
    filters: strawberry.Private[MediaFilter]

    @strawberry.field(description="How many items match, across all pages.")
    async def total_count(self, info: Info) -> int:
        async with info.context.sessions() as session:
            return await media_service.media_count(session=session, filters=self.filters)


@strawberry.type
class MediaQueries:
    @strawberry.field(
        description="The media library for staff, newest first: search the texts, filter by "
        "kind and upload time.",
        permission_classes=[SIGNED_IN],
    )
    async def media_library(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description="Words in the alt text, caption, credit or filename."),
        ] = None,
        kind: Annotated[
            MediaKind | None, strawberry.argument(description="Only items of this kind.")
        ] = None,
        created_from: Annotated[
            datetime | None,
            strawberry.argument(name="from", description="Added at or after this time."),
        ] = None,
        created_to: Annotated[
            datetime | None, strawberry.argument(name="to", description="Added before this time.")
        ] = None,
        first: FirstArgument = 20,
        after: AfterArgument = None,
    ) -> MediaConnection:
        check_first(first, info.context.settings.page_size_max)
        position = decode_cursor(after) if after is not None else None
        filters = MediaFilter(
            search=search,
            kind=MediaKindEntity[kind.name] if kind is not None else None,
            created_from=created_from,
            created_to=created_to,
        )
        async with info.context.sessions() as session:
            rows, has_next = await media_service.media_page(
                session=session, filters=filters, first=first, after=position
            )
        edges, page_info = created_at_page(
            rows,
            lambda cursor, row: MediaEdge(cursor=cursor, node=Media.from_entity(row)),
            has_next=has_next,
            after_given=position is not None,
        )
        return MediaConnection(edges=edges, page_info=page_info, filters=filters)
