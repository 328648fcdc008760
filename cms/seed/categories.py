"""The demo newsroom's sections and tags: a business portal's menu, in Georgian and English.

The names and descriptions are in `content/categories.toml`.
"""

from dataclasses import dataclass

from cms.seed.reader import collection


@dataclass(frozen=True, slots=True)
class CategorySeed:
    """A section of the site; `parent` names another section's slug to build the tree."""

    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    position: int
    parent: str | None = None
    show_in_menu: bool = True


@dataclass(frozen=True, slots=True)
class TagSeed:
    slug: str
    names: dict[str, str]


_TABLES = collection("categories")
CATEGORIES: tuple[CategorySeed, ...] = tuple(CategorySeed(**table) for table in _TABLES["category"])
TAGS: tuple[TagSeed, ...] = tuple(TagSeed(**table) for table in _TABLES["tag"])
