"""Bylines named by staff account, as format version 1 and WordPress name them, read as the
accounts' author profiles (made the way the editor makes them, on first use)."""

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from cms.models import User
from cms.services.authors import profile_for_user
from cms.transfer.writer import Writer


async def bylines_of_accounts(writer: Writer, record: Mapping[str, Any]) -> Any:
    """The profile slugs of the accounts a record's `authors` name by email; anything else
    (an unknown email, a malformed list) is left as is, for the article's check to report."""
    emails = record.get("authors")
    if not isinstance(emails, list):
        return emails
    return [await _profile_slug(writer, e) if isinstance(e, str) else e for e in emails]


async def _profile_slug(writer: Writer, email: str) -> str:
    user_id = writer.keys.users.by_key.get(email)
    if user_id is None:
        return email
    user = (await writer.session.scalars(select(User).where(col(User.id) == user_id))).one()
    profile = await profile_for_user(writer.session, user, writer.settings.locales)
    writer.keys.authors.add(profile.id, profile.slug)
    return profile.slug
