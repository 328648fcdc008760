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


def localized(names: dict[str, str], locale: str, default_locale: str) -> str:
    """The text in `locale`, else in the site's default locale, else any there is."""
    return names.get(locale) or names.get(default_locale) or next(iter(names.values()), "")
