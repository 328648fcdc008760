"""Slugs from titles: Georgian romanised, everything else folded to plain Latin letters.

Georgian follows the national romanisation system of 2002, the one on road signs and in passports,
so a reader can guess a URL from a headline. Its apostrophes (ejectives: k', p', t', ts', ch', q')
are kept by `transliterate` and dropped inside words by `slugify`, as they are in URLs in practice.
Mtavruli capitals (all-caps headlines) romanise to capitals. Other scripts are decomposed (NFKD)
and lose their accents; what still is not ASCII (Cyrillic, emoji) falls out of the slug.
"""

import unicodedata
from collections.abc import Collection

MAX_SLUG_LENGTH = 200

_MKHEDRULI = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i",
    "კ": "k'", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p'", "ჟ": "zh", "რ": "r", "ს": "s",
    "ტ": "t'", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q'", "შ": "sh", "ჩ": "ch", "ც": "ts",  # noqa: RUF001
    "ძ": "dz", "წ": "ts'", "ჭ": "ch'", "ხ": "kh", "ჯ": "j", "ჰ": "h",
}  # fmt: skip
_MTAVRULI = {
    chr(ord(letter) - ord("ა") + ord("Ა")): latin.upper() for letter, latin in _MKHEDRULI.items()
}
_GEORGIAN = str.maketrans(_MKHEDRULI | _MTAVRULI)
_UNDECOMPOSED = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
    "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "\N{LATIN SMALL LETTER DOTLESS I}": "i",
})  # fmt: skip
_APOSTROPHES = str.maketrans(
    dict.fromkeys(
        "'`\N{RIGHT SINGLE QUOTATION MARK}\N{LEFT SINGLE QUOTATION MARK}"
        "\N{MODIFIER LETTER APOSTROPHE}",
        None,
    )
)


def transliterate(text: str) -> str:
    """Latin letters for Georgian and accented text, so a title can become a readable URL."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_GEORGIAN).translate(_UNDECOMPOSED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def slugify(title: str, *, max_length: int = 80) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary; "" when none are left."""
    if max_length < 1:
        raise ValueError("max_length must be positive")
    latin = transliterate(title).translate(_APOSTROPHES).lower()
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in latin).split()
    return _join_within(words, max_length)


def _join_within(words: list[str], max_length: int) -> str:
    """As many whole words as fit; a first word longer than the limit is cut rather than lost."""
    if not words:
        return ""
    slug = words[0][:max_length]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > max_length:
            break
        slug = f"{slug}-{word}"
    return slug


def with_suffix(slug: str, taken: Collection[str]) -> str:
    """The slug, or the first free `slug-2`, `slug-3`, …, never longer than the slug column."""
    if not slug:
        raise ValueError("an empty slug cannot be made unique; choose a fallback first")
    number, candidate = 1, _fit(slug, "")
    while candidate in taken:
        number += 1
        candidate = _fit(slug, f"-{number}")
    return candidate


def _fit(slug: str, suffix: str) -> str:
    """The slug plus suffix, cutting the slug at its last hyphen that leaves room, if any."""
    room = MAX_SLUG_LENGTH - len(suffix)
    if len(slug) <= room:
        return slug + suffix
    cut = slug[:room]
    if slug[room] != "-" and "-" in cut:
        cut = cut[: cut.rindex("-")]
    return cut.rstrip("-") + suffix
