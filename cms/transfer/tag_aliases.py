"""A tag's aliases: the slugs of tags merged into it, so that their old addresses resolve."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import col, delete, select

from cms.models import TagAlias
from cms.transfer import fields
from cms.transfer.writer import Writer


async def tag_aliases(writer: Writer, tag_id: int | None) -> list[str]:
    query = select(TagAlias.slug).where(col(TagAlias.tag_id) == tag_id)
    return sorted(await writer.session.scalars(query))


async def write_tag_aliases(writer: Writer, tag_id: int, aliases: Sequence[str]) -> None:
    """The tag's aliases become exactly these; an alias another tag held moves to this one."""
    session = writer.session
    await session.execute(
        delete(TagAlias).where(
            col(TagAlias.tag_id) == tag_id, col(TagAlias.slug).not_in(list(aliases))
        )
    )
    for alias in aliases:
        await session.merge(TagAlias(slug=alias, tag_id=tag_id))
    await session.flush()


def aliases_of(record: Mapping[str, Any]) -> list[str] | None:
    """The record's aliases, or None when it says nothing of them (a WordPress term)."""
    if "aliases" not in record:
        return None
    aliases = sorted(set(fields.string_list(record, "aliases")) - {record.get("slug")})
    return [fields.slug_of({"alias": alias}, "alias") for alias in aliases]
