"""Locale arguments: validated against the configured locales, with a message that lists them."""

from schema.context import Info
from schema.errors import bad_input


def checked_locale(info: Info, locale: str | None) -> str | None:
    if locale is None:
        return None
    allowed = info.context.settings.locales
    if locale not in allowed:
        raise bad_input(f"Unknown locale {locale!r}: use one of {', '.join(allowed)}.")
    return locale
