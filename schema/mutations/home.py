"""Arranging the home page, for editors: fill, move and clear slots."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.models import HomeZone as HomeZoneEntity
from cms.services import home_curation as curation_service
from cms.services.editorial import EditorialContext
from cms.services.home_curation import SlotRef
from schema.context import Info
from schema.enums import HomeZone
from schema.home import HomePage, read_home_page
from schema.mutations.transaction import run_editorial
from schema.permissions import EDITORS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")
ZONE = "LEAD (one slot), TOP or CATEGORY."
CATEGORY = "For CATEGORY picks: the top-level category's slug; leave out otherwise."
POSITION = "The slot's number in its zone, from 1."
LOCALE = "Which language's home page (`ka` or `en`); the default one when omitted."


@strawberry.input(description="Put a published article into a home page slot.")
class SetHomeSlotInput:
    zone: HomeZone = strawberry.field(description=ZONE)
    position: int = strawberry.field(description=POSITION)
    article: str = strawberry.field(
        description="The article's `publicId`; its language decides which home page."
    )
    category: str | None = strawberry.field(default=None, description=CATEGORY)
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When it leaves the slot, ISO-8601 with offset, in the future; null to keep "
        "it until changed.",
    )


@strawberry.input(description="Move a slot's article to another position of the same zone.")
class MoveHomeSlotInput:
    zone: HomeZone = strawberry.field(description=ZONE)
    position: int = strawberry.field(description="The slot to move, from 1.")
    to: int = strawberry.field(description="Its new position; those between shift by one.")
    category: str | None = strawberry.field(default=None, description=CATEGORY)
    locale: str | None = strawberry.field(default=None, description=LOCALE)


@strawberry.input(description="Empty a home page slot; the newest article fills it again.")
class ClearHomeSlotInput:
    zone: HomeZone = strawberry.field(description=ZONE)
    position: int = strawberry.field(description=POSITION)
    category: str | None = strawberry.field(default=None, description=CATEGORY)
    locale: str | None = strawberry.field(default=None, description=LOCALE)


@strawberry.type(description="The result of arranging the home page.")
class HomePagePayload:
    home_page: HomePage | None = strawberry.field(
        description="The home page as readers now see it; null when nothing was changed."
    )
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _ref(zone: HomeZone, position: int, category: str | None) -> SlotRef:
    return SlotRef(zone=HomeZoneEntity[zone.name], position=position, category=category)


async def _payload(
    info: Info, action: Callable[[EditorialContext], Awaitable[str]]
) -> HomePagePayload:
    locale = await run_editorial(info, action)
    if isinstance(locale, CmsError):
        return HomePagePayload(home_page=None, errors=[UserError.of(locale)])
    return HomePagePayload(home_page=await read_home_page(info, locale), errors=[])


@strawberry.type
class HomeMutations:
    @strawberry.mutation(
        description="Put a published article into a slot of the home page of its language, "
        "replacing the one there, until `expiresAt` if given.",
        permission_classes=[EDITORS],
    )
    async def set_home_slot(
        self, info: Info, input: Annotated[SetHomeSlotInput, INPUT]
    ) -> HomePagePayload:
        ref = _ref(input.zone, input.position, input.category)
        return await _payload(
            info,
            lambda ec: curation_service.set_slot(ec, ref, input.article, input.expires_at),
        )

    @strawberry.mutation(
        description="Move a slot's article up or down its zone.", permission_classes=[EDITORS]
    )
    async def move_home_slot(
        self, info: Info, input: Annotated[MoveHomeSlotInput, INPUT]
    ) -> HomePagePayload:
        ref = _ref(input.zone, input.position, input.category)
        return await _payload(
            info, lambda ec: curation_service.move_slot(ec, ref, input.to, input.locale)
        )

    @strawberry.mutation(
        description="Empty a home page slot; the newest article fills it.",
        permission_classes=[EDITORS],
    )
    async def clear_home_slot(
        self, info: Info, input: Annotated[ClearHomeSlotInput, INPUT]
    ) -> HomePagePayload:
        ref = _ref(input.zone, input.position, input.category)
        return await _payload(info, lambda ec: curation_service.clear_slot(ec, ref, input.locale))
