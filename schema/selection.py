"""What a query asks of a field's result, so that a resolver reads only what will be shown."""

from collections.abc import Iterable

from graphql import DocumentNode, FieldNode, Node, SelectionSetNode
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


VIEW_COUNT_FIELDS = frozenset({"views", "mostRead"})
"""Fields whose answer moves with every view: the counts, and the list ordered by them."""


def document_selects(document: DocumentNode, names: frozenset[str]) -> bool:
    """Whether a field with one of these names (not aliases) is selected anywhere in the
    document, in any operation or fragment; like `selects_any`, it errs towards yes."""
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.name.value in names:
            return True
        selection_set = getattr(node, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            stack.extend(selection_set.selections)
    return False
