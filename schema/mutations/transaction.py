"""Running one editorial action in its own transaction, for every mutation module."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from cms.errors import CmsError
from cms.services.editorial import EditorialContext
from schema.context import Info

T = TypeVar("T")


async def run_editorial(
    info: Info, action: Callable[[EditorialContext], Awaitable[T]]
) -> T | CmsError:
    """Run `action` in one session; a domain error is returned, not raised, for `errors`."""
    async with info.context.sessions() as session:
        ec = EditorialContext(session, info.context.settings, info.context.viewer)
        try:
            return await action(ec)
        except CmsError as error:
            return error
