"""Deleting a live stream, refused while anything still depends on it.

A stream on air, the primary channel (there is always one) and a channel with programmes still
to come are in use; past programmes go with the stream. Readers' cached pages forget it at once.
"""

from sqlalchemy import func
from sqlmodel import col, select

from cms.errors import CmsError
from cms.models import LiveStreamStatus, ProgrammeSlot
from cms.models.columns import utcnow
from cms.services import audit
from cms.services.editorial import EditorialContext
from cms.services.live import changed, require_editor, stream_for_editing


async def delete_stream(ec: EditorialContext, slug: str) -> None:
    require_editor(ec)
    stream = await stream_for_editing(ec, slug)
    if stream.status is LiveStreamStatus.LIVE:
        raise CmsError("The stream is on air; end it or take it off air first.", field="slug")
    if stream.is_primary:
        raise CmsError(
            "This is the primary TV Live channel; make another stream primary first.",
            field="slug",
        )
    upcoming = await ec.session.scalar(
        select(func.count())
        .select_from(ProgrammeSlot)
        .where(col(ProgrammeSlot.stream_id) == stream.id, col(ProgrammeSlot.ends_at) > utcnow())
    )
    if upcoming:
        raise CmsError(
            f"{upcoming} programme(s) on this channel are still to come; delete them first.",
            field="slug",
        )
    audit.record(
        ec.session, ec.viewer, "live_stream.delete", "live_stream", stream.id, slug=stream.slug
    )
    changed(ec.session, stream.id)
    await ec.session.delete(stream)
    await ec.session.commit()
