"""One background paragraph per section and language: the context a wire story closes with.

The paragraphs are in `content/backgrounds.toml`.
"""

from cms.seed.reader import collection

BACKGROUNDS: dict[tuple[str, str], str] = {
    (section, locale): text
    for section, texts in collection("backgrounds").items()
    for locale, text in texts.items()
}
