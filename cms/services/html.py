"""Article bodies: Markdown to HTML, and any HTML down to the elements a news page may carry.

The allow-list is enforced by nh3 (ammonia, an HTML5 parser), never by regular expressions: it
decodes entities and control characters the way a browser does before it judges a URL. Sanitising
runs in three steps:

1. nh3 with the allow-list; an `attribute_filter` keeps an `img` `src` only for our own media and
   an `iframe` `src` only for https on an allow-listed embed host.
2. A pass over nh3's (well-formed) output drops what nh3 cannot: an `img` or `iframe` whose `src`
   was refused (an empty frame or a broken image is worse than none), and every `iframe`'s inner
   content, which nh3 copies through verbatim as raw text, `<script>` and all. It also turns `h1`
   into `h2`: the headline is the page's `h1`, so a pasted or Markdown `# Heading` is a sub-heading,
   and demoting it keeps it a heading instead of leaving loose text.
3. nh3 again, so the last hand on the HTML is the sanitiser's and the result is a fixed point.
"""

from collections.abc import Callable, Mapping
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt

DEFAULT_EMBED_HOSTS: frozenset[str] = frozenset(
    {
        "www.youtube.com",
        "www.youtube-nocookie.com",
        "player.vimeo.com",
        "www.facebook.com",
        "platform.twitter.com",
    }
)
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "strong", "em", "b", "i"}
    | {"figure", "figcaption", "img", "iframe"}
)
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "iframe": frozenset({"src", "width", "height", "allowfullscreen", "title"}),
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "title"})
_DEMOTED = {"h1": "h2"}
_RESHAPED = ("<img", "<iframe", "<h1")
"""The elements step 2 changes; in nh3's output every other `<` is escaped."""

_markdown = MarkdownIt("commonmark", {"html": True}).disable("table")

AttributeFilter = Callable[[str, str, str], str | None]


class BodyFormat(StrEnum):
    HTML = "HTML"
    MARKDOWN = "MARKDOWN"


def markdown_to_html(source: str) -> str:
    """CommonMark without tables; raw HTML passes through, as the sanitiser judges it next."""
    html: str = _markdown.render(source)  # typed Any, as renderers are pluggable
    return html


def prepare_body(
    source: str,
    body_format: BodyFormat,
    *,
    media_url_prefix: str,
    embed_hosts: frozenset[str] = DEFAULT_EMBED_HOSTS,
) -> str:
    """The HTML to store for an editor's body, whichever format they wrote it in."""
    html = markdown_to_html(source) if body_format is BodyFormat.MARKDOWN else source
    return sanitise_body(html, media_url_prefix=media_url_prefix, embed_hosts=embed_hosts)


def sanitise_body(
    html: str,
    *,
    media_url_prefix: str,
    embed_hosts: frozenset[str] = DEFAULT_EMBED_HOSTS,
) -> str:
    """Only the allowed elements survive, so a body is safe to render on any page as is."""
    attribute_filter = _src_filter(_media_prefix(media_url_prefix), embed_hosts)
    first = _clean(html, ALLOWED_TAGS | frozenset(_DEMOTED), attribute_filter)
    if _needs_reshaping(first):
        first = _reshape(first)
    return _clean(first, ALLOWED_TAGS, attribute_filter)


def _needs_reshaping(html: str) -> bool:
    """Step 2 re-emits everything but media and `h1` as it found it, so a body without them
    (most of them, and most of an import's time before this check) skips the Python pass."""
    return any(tag in html for tag in _RESHAPED)


def _clean(html: str, tags: frozenset[str], attribute_filter: AttributeFilter) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def _media_prefix(prefix: str) -> str:
    """The prefix ending in one slash, so `/media` cannot admit `/media-elsewhere/`."""
    normalised = prefix.rstrip("/") + "/"
    if normalised == "/":
        raise ValueError("media_url_prefix must name the media path or URL, not the site root")
    return normalised


def _src_filter(media_prefix: str, embed_hosts: frozenset[str]) -> AttributeFilter:
    hosts = frozenset(host.lower() for host in embed_hosts)

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute != "src":
            return value
        if tag == "img":
            return value if _is_own_media(value, media_prefix) else None
        if tag == "iframe":
            return value if _is_allowed_embed(value, hosts) else None
        return value

    return keep


def _is_plain_url(url: str) -> bool:
    """No whitespace, control characters or backslashes, which parsers disagree about."""
    return not any(char.isspace() or char < " " or char in "\x7f\\" for char in url)


def _is_own_media(src: str, media_prefix: str) -> bool:
    if not (src.startswith(media_prefix) and _is_plain_url(src)):
        return False
    segments = unquote(src[len(media_prefix) :]).split("/")
    return not any(segment in {".", ".."} or "\\" in segment for segment in segments)


def _is_allowed_embed(src: str, hosts: frozenset[str]) -> bool:
    if not _is_plain_url(src):
        return False
    parts = urlsplit(src)
    try:
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and parts.username is None
        and port in {None, 443}
        and parts.hostname in hosts
    )


class _Reshaper(HTMLParser):
    """Re-emits nh3's output token by token, minus refused media and iframe content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self._in_iframe = False
        self._iframe_dropped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._in_iframe:
            return
        has_src = any(name == "src" for name, _ in attrs)
        if tag == "iframe":
            self.set_cdata_mode(tag)  # raw text to `</iframe`, as nh3's parser read it
            self._in_iframe, self._iframe_dropped = True, not has_src
            if not has_src:
                return
        elif tag == "img" and not has_src:
            return
        elif tag in _DEMOTED:
            self.parts.append(f"<{_DEMOTED[tag]}>")
            return
        self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._in_iframe:
            if tag == "iframe":
                self._in_iframe = False
                if not self._iframe_dropped:
                    self.parts.append("</iframe>")
            return
        self.parts.append(f"</{_DEMOTED.get(tag, tag)}>")

    def handle_data(self, data: str) -> None:
        if not self._in_iframe:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def _reshape(html: str) -> str:
    reshaper = _Reshaper()
    reshaper.feed(html)
    reshaper.close()
    return "".join(reshaper.parts)
