"""WordPress post content to plain HTML, before the site's sanitiser has the last word.

Block comments (`<!-- wp:paragraph -->`) are dropped, as their HTML is already there. Classic
content without paragraph tags gets them (WordPress adds them only when it renders: `wpautop`).
Shortcodes become HTML where a reader would miss them ([caption] → figure, [embed] and YouTube
links → an embed, [gallery] → its pictures) and lose their brackets otherwise, keeping any text
between them. Pictures are swapped for our stored copies by the caller (`images`/`replace_images`).
"""

import html
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_BLOCK_TAG = re.compile(r"<(p|div|h[1-6]|ul|ol|blockquote|figure|table|pre)\b", re.IGNORECASE)
_CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
_CAPTION_IMAGE = re.compile(r"^\s*((?:<a[^>]*>\s*)?<img[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
_EMBED = re.compile(r"\[embed[^\]]*\]\s*(\S+?)\s*\[/embed\]", re.IGNORECASE)
_BARE_URL_LINE = re.compile(r"^\s*(https?://\S+)\s*$", re.MULTILINE)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
_IDS = re.compile(r"ids\s*=\s*[\"']?([\d,\s]+)")
_SHORTCODE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\]")
_IMG_SRC = re.compile(r"(<img\b[^>]*?\bsrc\s*=\s*)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL)


def youtube_embed(url: str) -> str | None:
    """The privacy-friendly player address of a YouTube link, if it is one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    video = ""
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host == "youtube.com":
        video = parse_qs(parts.query).get("v", [""])[0] or parts.path.rsplit("/", 1)[-1]
    if not re.fullmatch(r"[\w-]{6,20}", video):
        return None
    return f"https://www.youtube-nocookie.com/embed/{video}"


def _embed(url: str) -> str:
    player = youtube_embed(html.unescape(url))
    if player is None:
        return f'<p><a href="{url}">{url}</a></p>'
    return f'<figure><iframe src="{player}" title="Video" allowfullscreen></iframe></figure>'


def _caption(match: re.Match[str]) -> str:
    inner = _CAPTION_IMAGE.match(match.group(1))
    if inner is None:
        return match.group(1)
    return f"<figure>{inner.group(1)}<figcaption>{inner.group(2).strip()}</figcaption></figure>"


def _gallery(attachments: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        ids = _IDS.search(match.group(1))
        urls = [attachments[i.strip()] for i in (ids.group(1) if ids else "").split(",")
                if i.strip() in attachments]  # fmt: skip
        return "".join(f'<figure><img src="{html.escape(url)}" alt=""></figure>' for url in urls)

    return replace


def autop(text: str) -> str:
    """Paragraphs at blank lines and line breaks at single newlines, as WordPress renders."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return "".join(_paragraph(paragraph.strip()) for paragraph in paragraphs if paragraph.strip())


def _paragraph(text: str) -> str:
    """A paragraph, unless it is a lone shortcode that becomes a figure of its own."""
    if text.startswith("[") and text.endswith("]"):
        return text
    return f"<p>{text.replace(chr(10), '<br>')}</p>"


def to_html(content: str, attachments: Mapping[str, str]) -> str:
    """Clean HTML from a post's content; `attachments` maps attachment ids to their URLs."""
    text = _BLOCK_COMMENT.sub("", content)
    text = _BARE_URL_LINE.sub(
        lambda m: f"[embed]{m.group(1)}[/embed]" if youtube_embed(m.group(1)) else m.group(0),
        text,
    )
    if not _BLOCK_TAG.search(text):
        text = autop(text)
    text = _CAPTION.sub(_caption, text)
    text = _EMBED.sub(lambda m: _embed(m.group(1)), text)
    text = _GALLERY.sub(_gallery(attachments), text)
    return _SHORTCODE.sub("", text)


def images(body: str) -> list[str]:
    """The picture addresses a body shows, each once, in order."""
    return list(dict.fromkeys(html.unescape(m.group(3)) for m in _IMG_SRC.finditer(body)))


def replace_images(body: str, stored: Mapping[str, str]) -> str:
    """Each picture's address swapped for our copy's; one we have no copy of is left for the
    sanitiser, which drops pictures from elsewhere."""

    def swap(match: re.Match[str]) -> str:
        url = stored.get(html.unescape(match.group(3)))
        if url is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{html.escape(url)}{match.group(2)}"

    return _IMG_SRC.sub(swap, body)
