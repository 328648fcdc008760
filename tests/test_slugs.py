"""Slugs are readable Latin for Georgian and English titles, bounded, and unique on demand."""

import pytest

from cms.services.slugs import MAX_SLUG_LENGTH, slugify, transliterate, with_suffix


def test_georgian_follows_the_national_romanisation() -> None:
    alphabet = "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"

    assert transliterate(alphabet) == "abgdevztik'lmnop'zhrst'upkghq'shchtsdzts'ch'khjh"


def test_mtavruli_capitals_romanise_to_capitals() -> None:
    assert transliterate("ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ ᲓᲦᲔᲡ") == "SAKARTVELO DGHES"


def test_accents_are_dropped_and_case_kept() -> None:
    assert transliterate("Café Łódź, Straße") == "Cafe Lodz, Strasse"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("საქართველოს ეროვნული ბანკი", "sakartvelos-erovnuli-banki"),
        ("ღვინის ექსპორტი 12%-ით გაიზარდა", "ghvinis-eksporti-12-it-gaizarda"),
        ("ჭაჭა და წყალი", "chacha-da-tsqali"),
        (
            "NBG-ის პრეზიდენტი Apple-ზე: „ეს ახალი ეტაპია“",
            "nbg-is-prezidenti-apple-ze-es-akhali-etapia",
        ),
        ("Georgia's wine exports rise", "georgias-wine-exports-rise"),
        ("Breaking!!! 🍷 Wine — exports, up 12%…", "breaking-wine-exports-up-12"),
        ("  --Tbilisi__Batumi--  ", "tbilisi-batumi"),
        ("ᲗᲑᲘᲚᲘᲡᲘ", "tbilisi"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["", "   ", "!!! — ???", "🍷🎉", "Путин"])
def test_nothing_left_gives_an_empty_slug(title: str) -> None:
    assert slugify(title) == ""


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    words = ["sakartvelos", "erovnuli", "banki"] * 10
    title = " ".join(words)

    slug = slugify(title, max_length=40)

    assert slug == "sakartvelos-erovnuli-banki-sakartvelos"
    assert len(slugify(title)) <= 80
    assert slugify(title).split("-") == words[: len(slugify(title).split("-"))]


def test_a_single_overlong_word_is_cut_rather_than_lost() -> None:
    assert slugify("a" * 100, max_length=10) == "a" * 10


def test_max_length_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_length"):
        slugify("title", max_length=0)


def test_a_free_slug_is_kept() -> None:
    assert with_suffix("wine-exports", {"wine", "wine-exports-2"}) == "wine-exports"


def test_a_taken_slug_gets_the_first_free_number() -> None:
    assert with_suffix("wine", {"wine"}) == "wine-2"
    assert with_suffix("wine", {"wine", "wine-2", "wine-3"}) == "wine-4"
    assert with_suffix("wine", ["wine", "wine-3"]) == "wine-2"


def test_suffixed_slugs_stay_within_the_column() -> None:
    slug = "a" * 195 + "-bcde"

    suffixed = with_suffix(slug, {slug})

    assert suffixed == "a" * 195 + "-2"
    assert len(suffixed) <= MAX_SLUG_LENGTH


def test_an_overlong_slug_is_cut_to_the_column() -> None:
    assert with_suffix("a" * 250, set()) == "a" * MAX_SLUG_LENGTH


def test_an_empty_slug_cannot_be_suffixed() -> None:
    with pytest.raises(ValueError, match="empty slug"):
        with_suffix("", set())
