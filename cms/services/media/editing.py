"""Changing what an editor said about a media item after upload: texts and the focal point.

The same limits as an upload apply. A new focal point on a still image means new crops: the item
keeps its current renditions until the library has cut the new ones (under new keys, since the
focal point is part of a crop's key), so pages never point at a file that is not there yet.
"""

from dataclasses import replace
from typing import Any

from cms import cache_tags
from cms.after_commit import invalidate
from cms.errors import NotFound
from cms.models import Media
from cms.services import audit
from cms.services.media.library import MediaDetails, MediaLibrary
from cms.services.roles import EDITORS, Forbidden
from cms.services.viewer import Viewer

EDITABLE = ("alt", "caption", "credit", "focal_x", "focal_y")


async def update_details(
    library: MediaLibrary, media_id: int, changes: dict[str, Any], viewer: Viewer
) -> Media:
    """Apply `changes` (a subset of `EDITABLE`) to an item: editors any, others their own."""
    user = viewer.user
    if user is None:
        raise Forbidden("Sign in to change media.")
    async with library.sessions() as session:
        media = await session.get(Media, media_id)
        if media is None:
            raise NotFound("No media item with this id.", field="id")
        if user.role not in EDITORS and media.uploaded_by_id != user.id:
            raise Forbidden("You can only change media you uploaded; ask an editor.")
        current = MediaDetails(**{name: getattr(media, name) for name in EDITABLE})
        wanted = replace(current, **changes).checked()
        moved = (wanted.focal_x, wanted.focal_y) != (current.focal_x, current.focal_y)
        for name in EDITABLE:
            setattr(media, name, getattr(wanted, name))
        recut = moved and bool(media.renditions)  # only still images have crops
        if recut:
            media.renditions_done_at = None
        audit.record(session, viewer, "media.update", "media", media_id, fields=sorted(changes))
        invalidate(session, {cache_tags.media(media_id)})
        await session.commit()
        await session.refresh(media)
    if recut:
        library.enqueue(media)
    return media
