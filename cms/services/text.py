"""Plain text and reading time derived from an article's HTML body."""

import math
import re
from html.parser import HTMLParser

WORDS_PER_MINUTE = 200
_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "li", "figcaption", "br"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The body's words without markup, one block per line, for search, feeds and snippets."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def reading_time_minutes(text: str) -> int:
    """Whole minutes at an average adult reading speed, at least one."""
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


def localized(names: dict[str, str], locale: str, default_locale: str) -> str:
    """The text in `locale`, else in the site's default locale, else any there is."""
    return names.get(locale) or names.get(default_locale) or next(iter(names.values()), "")
