"""Live streams for the "TV Live" link: whether the channel is on air, where to play it, and
what is on now and next."""

from collections.abc import Iterable
from datetime import UTC, datetime

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.models import LiveStream as LiveStreamEntity
from cms.models import ProgrammeSlot as ProgrammeSlotEntity
from cms.services import programme as programme_service
from schema.context import Info
from schema.enums import LiveStreamStatus
from schema.loaders import NowOrLater
from schema.media import Media, show_media
from schema.node_ids import row_id


@strawberry.type(description="One programme on a channel's schedule.")
class ProgrammeSlot(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Programme title.")
    description: str = strawberry.field(description="What the programme is about.")
    starts_at: datetime = strawberry.field(description="Start, ISO-8601 in UTC.")
    ends_at: datetime = strawberry.field(description="End, ISO-8601 in UTC.")

    @classmethod
    def from_entity(cls, slot: ProgrammeSlotEntity) -> "ProgrammeSlot":
        assert slot.id is not None
        return cls(
            id=slot.id,
            title=slot.title,
            description=slot.description,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["ProgrammeSlot | None"]:
        info.context.shows(cache_tags.LIVE)
        ids = [row_id(i) for i in node_ids]
        async with info.context.sessions() as session:
            found = await programme_service.slots_by_ids(
                session=session, ids=[i for i in ids if i is not None]
            )
        return [cls.from_entity(found[i]) if i in found else None for i in ids]

    @strawberry.field(description="Start in the site's time zone, ISO-8601 with offset.")
    def starts_at_local(self, info: Info) -> datetime:
        return self.starts_at.astimezone(info.context.settings.zone)

    @strawberry.field(description="End in the site's time zone, ISO-8601 with offset.")
    def ends_at_local(self, info: Info) -> datetime:
        return self.ends_at.astimezone(info.context.settings.zone)


@strawberry.type(description="A live channel or broadcast, such as the site's TV Live.")
class LiveStream(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="URL slug, unique.")
    title: str = strawberry.field(description="Channel or broadcast title.")
    description: str = strawberry.field(description="What viewers will see.")
    status: LiveStreamStatus = strawberry.field(description="Where the stream is in its life.")
    is_primary: bool = strawberry.field(description="The channel behind the site's TV Live link.")
    scheduled_start: datetime | None = strawberry.field(description="Announced start, in UTC.")
    started_at: datetime | None = strawberry.field(description="When it went on air, in UTC.")
    ended_at: datetime | None = strawberry.field(description="When it went off air, in UTC.")
    playback_url_value: strawberry.Private[str | None]
    poster_id: strawberry.Private[int | None]

    @classmethod
    def from_entity(cls, stream: LiveStreamEntity) -> "LiveStream":
        assert stream.id is not None
        return cls(
            id=stream.id,
            slug=stream.slug,
            title=stream.title,
            description=stream.description,
            status=LiveStreamStatus(stream.status.value),
            is_primary=stream.is_primary,
            scheduled_start=stream.scheduled_start,
            started_at=stream.started_at,
            ended_at=stream.ended_at,
            playback_url_value=stream.playback_url,
            poster_id=stream.poster_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["LiveStream | None"]:
        ids = [row_id(i) for i in node_ids]
        info.context.shows(cache_tags.LIVE)
        streams = [
            await info.context.loaders.stream_by_id.load(i) if i is not None else None for i in ids
        ]
        return [cls.from_entity(s) if s is not None else None for s in streams]

    @strawberry.field(description="Whether it is on air right now.")
    def is_on_air(self) -> bool:
        return self.status is LiveStreamStatus.LIVE

    @strawberry.field(description="HLS playback URL (https); null while the stream is not on air.")
    def playback_url(self) -> str | None:
        return self.playback_url_value if self.is_on_air() else None

    @strawberry.field(description="Image shown before playback starts.", graphql_type=Media | None)
    def poster(self, info: Info) -> NowOrLater[Media | None]:
        return show_media(info, self.poster_id)

    @strawberry.field(description="The programme on air now, by the schedule.")
    async def now_playing(self, info: Info) -> ProgrammeSlot | None:
        now = datetime.now(UTC)
        slots = await info.context.loaders.upcoming_slots_by_stream_id.load(self.id)
        current = next((s for s in slots if s.starts_at <= now), None)
        return ProgrammeSlot.from_entity(current) if current is not None else None

    @strawberry.field(description="The next programme to start, by the schedule.")
    async def up_next(self, info: Info) -> ProgrammeSlot | None:
        now = datetime.now(UTC)
        slots = await info.context.loaders.upcoming_slots_by_stream_id.load(self.id)
        following = next((s for s in slots if s.starts_at > now), None)
        return ProgrammeSlot.from_entity(following) if following is not None else None
