"""A demo story as written, and how it becomes an article: the content stays plain data."""

import re
from dataclasses import dataclass
from html import escape

from cms.models import ArticleStatus

_QUOTE_MARKS = {"ka": ("„", "“"), "en": ("“", "”")}


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation from a named (fictional) person, shown as a blockquote."""

    text: str
    speaker: str
    role: str


@dataclass(frozen=True, slots=True)
class Story:
    """One demo article. `text` holds blocks separated by blank lines; `## ` opens a sub-heading.

    The quote follows the first paragraph under the first sub-heading; the category's background
    paragraph and the desk's attribution line close the body.
    """

    key: str
    locale: str
    category: str
    title: str
    lead: str
    text: str
    quote: Quote
    tags: tuple[str, ...]
    author: str
    desk: str
    status: ArticleStatus = ArticleStatus.PUBLISHED
    featured: bool = False
    breaking: bool = False
    pair: str | None = None


def _blocks(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text.strip())]


def render_body(story: Story, background: str, attribution: str) -> str:
    """The sanitised HTML body: paragraphs, sub-headings, one quotation, the attribution last."""
    opening, closing = _QUOTE_MARKS[story.locale]
    quote = story.quote
    quotation = (
        f"<blockquote><p>{opening}{escape(' '.join(quote.text.split()), quote=False)}{closing}"
        f" — {escape(quote.speaker, quote=False)}, {escape(quote.role, quote=False)}</p>"
        "</blockquote>"
    )
    parts: list[str] = []
    under_heading = quoted = False
    for block in _blocks(story.text):
        if block.startswith("## "):
            parts.append(f"<h2>{escape(block[3:], quote=False)}</h2>")
            under_heading = True
            continue
        parts.append(f"<p>{escape(block, quote=False)}</p>")
        if under_heading and not quoted:
            parts.append(quotation)
            quoted = True
    if not quoted:
        raise ValueError(f"story {story.key!r} has no paragraph under a sub-heading")
    parts.append(f"<p>{escape(' '.join(background.split()), quote=False)}</p>")
    parts.append(f"<p><em>{escape(attribution, quote=False)}</em></p>")
    return "\n".join(parts)
