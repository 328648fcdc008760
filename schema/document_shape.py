"""The shape of a parsed document, measured in one pass before validation: depth, aliases,
directives on one node, and the most repeated field of one selection set.

Validation and cost analysis are the costly steps for a hostile document (a field repeated
thousands of times makes overlap validation quadratic; fragments that spread each other twice
make naive walks exponential), so this pass is linear: each fragment is measured once and its
result reused wherever it is spread, through any number of spreads.

Depth counts fields through fragments, the root field at depth 0 (as graphql-depth-limit and
Strawberry's `QueryDepthLimiter` do, so `{ a { b } }` has depth 1). Only the introspection
fields `__schema` and `__type` are not counted (graphql-core bounds their depth, and GraphiQL's
own introspection query is deeper than any page needs); operations and fragments are never
skipped for their names, so
`query __type { ... }` or `fragment __schema on Query { ... }` are measured like any other.
"""

from collections import Counter
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class Shape:
    depth: int
    aliases: int
    directives: int
    """The most directives on one field, fragment or operation."""
    repeated_field: str
    repeats: int
    """How often `repeated_field` is selected in one selection set, fragments included."""


class _Measure:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragment_depths: dict[str, int] = {}
        self.fragment_keys: dict[str, Counter[str]] = {}
        self.repeated_field, self.repeats = "", 0

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value not in INTROSPECTION_ROOTS:
                    deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self.fragment_depth(selection.name.value))
        return deepest

    def fragment_depth(self, name: str) -> int:
        if name not in self.fragment_depths:
            self.fragment_depths[name] = 0  # a cycle counts nothing; validation reports it
            fragment = self.fragments.get(name)
            self.fragment_depths[name] = self.depth(fragment.selection_set) if fragment else 0
        return self.fragment_depths[name]

    def keys(self, selection_set: SelectionSetNode) -> Counter[str]:
        """The response keys one selection set yields, as graphql-core merges them."""
        keys: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                keys[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                keys.update(self.keys(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                keys.update(self.fragment_key_counts(selection.name.value))
        return keys

    def fragment_key_counts(self, name: str) -> Counter[str]:
        if name not in self.fragment_keys:
            self.fragment_keys[name] = Counter()
            fragment = self.fragments.get(name)
            if fragment is not None:
                self.fragment_keys[name] = self.keys(fragment.selection_set)
        return self.fragment_keys[name]

    def note_repeats(self, selection_set: SelectionSetNode) -> None:
        counts = self.keys(selection_set)
        if counts:
            key, count = counts.most_common(1)[0]
            if count > self.repeats:
                self.repeated_field, self.repeats = key, count


def measure(document: DocumentNode) -> Shape:
    """The document's shape; raises RecursionError for fragments chained past the stack."""
    measure = _Measure(document)
    depth = aliases = directives = 0
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        directives = max(directives, len(getattr(node, "directives", None) or ()))
        if isinstance(node, FieldNode) and node.alias is not None:
            aliases += 1
        if isinstance(node, OperationDefinitionNode):
            depth = max(depth, measure.depth(node.selection_set) - 1)
        selection_set = getattr(node, "selection_set", None)
        if isinstance(selection_set, SelectionSetNode):
            measure.note_repeats(selection_set)
            stack.extend(selection_set.selections)
    return Shape(depth, aliases, directives, measure.repeated_field, measure.repeats)
