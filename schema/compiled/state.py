"""What one compiled answer carries while it runs: the reader, the coerced variables, the
cache tags it collects, and the category tree read at most once."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from graphql.execution.values import VariableValues, get_argument_values

from cms.cache_tags import CacheTag
from cms.services import public_records
from cms.services.categories import CategoryTree
from cms.services.record_readers import Reader
from cms.settings import Settings
from schema.compiled.plan import Field


class Refer(Exception):
    """The input is one the normal path answers with an error (an unknown locale, a bad
    cursor, `first` over the cap): leave the whole request to it, which gives the exact error."""


@dataclass
class Run:
    reader: Reader
    settings: Settings
    variables: VariableValues
    zone: ZoneInfo
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The time `isBreaking` and `isOverdue` are judged at, once for the whole answer."""
    tags: set[CacheTag] = field(default_factory=set)
    coerced: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    """Fields' coerced arguments by the field's identity, shared by the runs of a plan with
    the same variables (`plan.Inputs`)."""
    _tree: CategoryTree | None = None

    def shows(self, *tags: CacheTag) -> None:
        """As `Context.shows`: the answer's cache tags, handed to the context when it is done."""
        self.tags.update(tags)

    def arguments(self, selected: Field) -> Mapping[str, Any]:
        """The field's coerced arguments, defaults filled in, as the normal path gets them."""
        found = self.coerced.get(id(selected))
        if found is None:
            assert selected.definition is not None
            found = get_argument_values(selected.definition, selected.node, self.variables)
            self.coerced[id(selected)] = found
        return found

    def locale(self, locale: str | None) -> str | None:
        """A locale argument as `checked_locale` takes it."""
        if locale is not None and locale not in self.settings.locales:
            raise Refer(f"unknown locale {locale!r}")
        return locale

    async def tree(self) -> CategoryTree:
        if self._tree is None:
            self._tree = await public_records.category_tree(self.reader)
        return self._tree
