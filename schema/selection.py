"""What a query asks of a field's result, so that a resolver reads only what will be shown."""

from collections.abc import Iterable

from strawberry.types.nodes import SelectedField, Selection


def selects_any(selections: Iterable[Selection], names: frozenset[str]) -> bool:
    """Whether a field with one of these names (not aliases) is asked anywhere below, at any
    depth and through fragments of either kind; `@skip` and `@include` are not weighed, so
    the answer errs towards reading too much."""
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name in names:
            return True
        if selects_any(selection.selections, names):
            return True
    return False
