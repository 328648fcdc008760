"""Who writes the demo stories, and the desks and wires they are attributed to."""

from dataclasses import dataclass

from cms.models import Role

EMAIL_DOMAIN = "newsroom.example"


@dataclass(frozen=True, slots=True)
class AuthorSeed:
    key: str
    display_name: str
    role: Role
    bio: str

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


@dataclass(frozen=True, slots=True)
class Desk:
    """The source an article is attributed to: its name per locale and where it lives."""

    key: str
    names: dict[str, str]
    url: str

    def attribution(self, locale: str) -> str:
        """The body's closing line, e.g. "Newsroom Business Desk reports."."""
        verb = "იტყობინება" if locale == "ka" else "reports"
        return f"{self.names[locale]} {verb}."


AUTHORS: tuple[AuthorSeed, ...] = (
    AuthorSeed(
        "nino.beridze",
        "Nino Beridze",
        Role.EDITOR,
        "Economics editor. Covers the National Bank, public finances and the lari, and runs the "
        "morning markets briefing.",
    ),
    AuthorSeed(
        "giorgi.kapanadze",
        "Giorgi Kapanadze",
        Role.AUTHOR,
        "Energy and infrastructure reporter: hydropower, ports, railways and the transit trade "
        "between the Black Sea and the Caspian.",
    ),
    AuthorSeed(
        "ana.lomidze",
        "Ana Lomidze",
        Role.AUTHOR,
        "Writes about technology, startups and tourism, and hosts the weekly founders' interview "
        "on TV Live.",
    ),
)

DESKS: tuple[Desk, ...] = (
    Desk(
        "business",
        {"ka": "ნიუსრუმის ბიზნეს განყოფილება", "en": "Newsroom Business Desk"},
        "https://newsroom.example/desks/business",
    ),
    Desk(
        "markets",
        {"ka": "ნიუსრუმის ფინანსური განყოფილება", "en": "Newsroom Markets Desk"},
        "https://newsroom.example/desks/markets",
    ),
    Desk(
        "politics",
        {"ka": "ნიუსრუმის პოლიტიკური განყოფილება", "en": "Newsroom Politics Desk"},
        "https://newsroom.example/desks/politics",
    ),
    Desk(
        "regions",
        {"ka": "ნიუსრუმის რეგიონული ბიურო", "en": "Newsroom Regional Bureau"},
        "https://newsroom.example/desks/regions",
    ),
    Desk(
        "technology",
        {"ka": "ნიუსრუმის ტექნოლოგიების განყოფილება", "en": "Newsroom Technology Desk"},
        "https://newsroom.example/desks/technology",
    ),
    Desk(
        "wire",
        {"ka": "შავი ზღვის სავაჭრო სააგენტო", "en": "Black Sea Trade Wire"},
        "https://blacksea-wire.example/stories",
    ),
)
