"""Reading a WXR file safely and in constant memory.

defusedxml refuses any entity declaration (the "billion laughs" bomb, external entities that
would read local files or call URLs) before a single item is read; WXR files never need one.
Elements are matched by local name, so the namespaces of WXR 1.0, 1.1 and 1.2 all read alike,
and each item is dropped from the tree once it has been handed on.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse


class UnreadableFile(Exception):
    """The file is not XML we can read safely, from the point named on."""


@dataclass(slots=True)
class Author:
    login: str
    email: str
    display_name: str


@dataclass(slots=True)
class Term:
    kind: str
    """`category` or `tag`."""
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass(slots=True)
class Item:
    post_id: str
    post_type: str
    title: str = ""
    link: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    modified_gmt: str = ""
    post_name: str = ""
    status: str = ""
    parent: str = ""
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    """(domain, nicename, label) of each `<category>`: categories, tags, languages."""
    meta: dict[str, list[str]] = field(default_factory=dict)

    def first_meta(self, key: str) -> str:
        values = self.meta.get(key)
        return values[0] if values else ""


Entry = Author | Term | Item


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "") for child in element}


def _item(element: Element) -> Item:
    texts: dict[str, str] = {}
    item = Item(post_id="", post_type="")
    for child in element:
        name = _local(child.tag)
        if name == "category":
            item.terms.append(
                (child.get("domain", ""), child.get("nicename", ""), child.text or "")
            )
        elif name == "postmeta":
            meta = _child_text(child)
            item.meta.setdefault(meta.get("meta_key", ""), []).append(meta.get("meta_value", ""))
        elif child.tag.endswith("}encoded"):
            texts["excerpt" if "excerpt" in child.tag else "content"] = child.text or ""
        else:
            texts[name] = child.text or ""
    item.post_id = texts.get("post_id", "").strip()
    item.post_type = texts.get("post_type", "").strip()
    item.title = texts.get("title", "")
    item.link = texts.get("link", "").strip()
    item.pub_date = texts.get("pubDate", "").strip()
    item.creator = texts.get("creator", "").strip()
    item.content = texts.get("content", "")
    item.excerpt = texts.get("excerpt", "")
    item.post_date = texts.get("post_date", "").strip()
    item.post_date_gmt = texts.get("post_date_gmt", "").strip()
    item.modified_gmt = texts.get("post_modified_gmt", "").strip()
    item.post_name = texts.get("post_name", "").strip()
    item.status = texts.get("status", "").strip()
    item.parent = texts.get("post_parent", "").strip()
    item.attachment_url = texts.get("attachment_url", "").strip()
    return item


def _entry(element: Element) -> Entry | None:
    name = _local(element.tag)
    texts = _child_text(element)
    if name == "author":
        return Author(
            login=texts.get("author_login", "").strip(),
            email=texts.get("author_email", "").strip(),
            display_name=texts.get("author_display_name", "").strip(),
        )
    if name == "category":
        return Term(
            "category",
            texts.get("category_nicename", "").strip(),
            texts.get("cat_name", "").strip(),
            parent=texts.get("category_parent", "").strip(),
            description=texts.get("category_description", ""),
        )
    if name == "tag":
        return Term("tag", texts.get("tag_slug", "").strip(), texts.get("tag_name", "").strip())
    return None


def read(path: Path) -> Iterator[Entry]:
    """Authors and terms of the channel, then items, in file order."""
    channel: Element | None = None
    depth = 0
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 2 and _local(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            if _local(element.tag) == "item":
                yield _item(element)
            elif element.tag.startswith("{http://wordpress.org/export/"):
                entry = _entry(element)
                if entry is not None:
                    yield entry
            channel.remove(element)
    except DefusedXmlException as error:
        raise UnreadableFile(
            f"the file declares XML entities ({type(error).__name__}); a WordPress export never "
            "does, and they can make a parser read local files or exhaust memory, so it is refused"
        ) from None
    except ParseError as error:
        line, column = error.position
        raise UnreadableFile(
            f"the XML is malformed or cut short at line {line}, column {column}: {error.msg}"
        ) from None
    if channel is None:
        raise UnreadableFile("no RSS channel found; is this a WordPress WXR export?")
