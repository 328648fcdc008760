"""Seeded filler text in both site locales, so bodies have realistic size, markup and scripts."""

import random
from dataclasses import dataclass


def _vocabulary(text: str) -> list[str]:
    return text.split()


ENGLISH = _vocabulary(
    "government minister parliament election budget economy inflation bank market price energy "
    "gas road bridge school hospital doctor teacher student court judge law reform protest "
    "city village region border river mountain winter summer harvest wine tourism airport "
    "railway port trade export import company worker salary pension tax report survey study "
    "research science museum theatre film festival music football match team coach player "
    "record season league cup final victory defeat weather storm flood fire police rescue "
    "agreement talks visit summit partner union council mayor vote campaign party leader "
    "opposition coalition decision plan project investment growth debt currency exchange rate "
    "data statement interview analysis opinion history culture language book author award"
)

GEORGIAN = _vocabulary(
    "მთავრობა მინისტრი პარლამენტი არჩევნები ბიუჯეტი ეკონომიკა ინფლაცია ბანკი ბაზარი ფასი "
    "ენერგია გზა ხიდი სკოლა საავადმყოფო ექიმი მასწავლებელი სტუდენტი სასამართლო კანონი "
    "რეფორმა ქალაქი სოფელი რეგიონი საზღვარი მდინარე მთა ზამთარი ზაფხული რთველი ღვინო "
    "ტურიზმი აეროპორტი რკინიგზა პორტი ვაჭრობა ექსპორტი იმპორტი კომპანია ხელფასი პენსია "
    "გადასახადი კვლევა მუზეუმი თეატრი ფილმი ფესტივალი მუსიკა ფეხბურთი მატჩი გუნდი "
    "მწვრთნელი მოთამაშე სეზონი ლიგა ფინალი გამარჯვება ამინდი ქარიშხალი წყალდიდობა პოლიცია "
    "შეთანხმება მოლაპარაკება ვიზიტი სამიტი პარტნიორი საკრებულო მერი კამპანია პარტია ლიდერი"
)

SOURCES = ("Reuters", "AP", "AFP", "Interpressnews", "BBC", "Civil.ge", "Newsroom staff")


@dataclass(frozen=True, slots=True)
class Body:
    """An article body as stored: sanitised HTML and its plain text, one block a line."""

    html: str
    text: str


def words(rng: random.Random, vocabulary: list[str], count: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def sentence(rng: random.Random, vocabulary: list[str], count: int) -> str:
    """Capitalised in Latin script only: Georgian has no capitals in running text."""
    text = words(rng, vocabulary, count)
    return (text[0].upper() + text[1:] if text.isascii() else text) + "."


def paragraph(rng: random.Random, vocabulary: list[str], count: int) -> str:
    """About `count` words in sentences of 8 to 16 words."""
    sentences, written = [], 0
    while written < count:
        length = min(rng.randint(8, 16), max(count - written, 4))
        sentences.append(sentence(rng, vocabulary, length))
        written += length
    return " ".join(sentences)


def body(rng: random.Random, vocabulary: list[str], total_words: int = 600) -> Body:
    """An intro, four `<h2>` sections of paragraphs and one `<blockquote>`: about 600 words."""
    blocks: list[tuple[str, str]] = [("p", paragraph(rng, vocabulary, 60))]
    per_section = (total_words - 60 - 30) // 4
    quote_section = rng.randrange(4)
    for section in range(4):
        blocks.append(("h2", sentence(rng, vocabulary, 5)))
        paragraphs = rng.randint(2, 3)
        for _ in range(paragraphs):
            blocks.append(("p", paragraph(rng, vocabulary, per_section // paragraphs - 2)))
        if section == quote_section:
            blocks.append(("blockquote", paragraph(rng, vocabulary, 30)))
    html = "".join(f"<{tag}>{text}</{tag}>" for tag, text in blocks)
    return Body(html=html, text="\n".join(text for _, text in blocks))
