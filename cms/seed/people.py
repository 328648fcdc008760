"""Who writes the demo stories, and the desks and wires they are attributed to.

Their names, bios and addresses are in `content/people.toml`.
"""

from dataclasses import dataclass

from cms.models import Role
from cms.seed.reader import collection

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


_TABLES = collection("people")
AUTHORS: tuple[AuthorSeed, ...] = tuple(
    AuthorSeed(**(table | {"role": Role(table["role"])})) for table in _TABLES["author"]
)
DESKS: tuple[Desk, ...] = tuple(Desk(**table) for table in _TABLES["desk"])
