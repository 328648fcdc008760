"""Reads the demo newsroom's text from the files under `content/`: prose is edited there, not code.

Collections are TOML files; an article is a Markdown file whose TOML front matter sits between two
`+++` lines (as in Hugo). Articles are read in file-name order, and a name's numeric prefix only
fixes that order: `012-ka-wine-exports.md` is the story keyed `ka-wine-exports`.
"""

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

CONTENT = files(__package__) / "content"
FENCE = "+++\n"


@dataclass(frozen=True, slots=True)
class Document:
    """One Markdown file: its key, its front matter and the Markdown after it."""

    key: str
    meta: dict[str, Any]
    body: str


def collection(name: str) -> dict[str, Any]:
    """The tables of `content/<name>.toml`."""
    return tomllib.loads((CONTENT / f"{name}.toml").read_text(encoding="utf-8"))


def documents(folder: str) -> list[Document]:
    """Every `content/<folder>/NNN-<key>.md`, in name order."""
    entries = sorted(
        (entry for entry in (CONTENT / folder).iterdir() if entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )
    return [parse(f"{folder}/{entry.name}", entry.read_text(encoding="utf-8")) for entry in entries]


def parse(path: str, text: str) -> Document:
    """A story file's key, front matter and body; a malformed one is refused naming `path`."""
    prefix, _, key = path.rpartition("/")[2].removesuffix(".md").partition("-")
    if not (prefix.isdigit() and key):
        raise ValueError(f"{path}: name it NNN-<key>.md, the number giving its place in the list")
    front, fence, body = text.removeprefix(FENCE).partition("\n" + FENCE)
    if not text.startswith(FENCE) or not fence:
        raise ValueError(f"{path}: the front matter must open and close with a '+++' line")
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: front matter: {error}") from error
    return Document(key=key, meta=meta, body=body)
