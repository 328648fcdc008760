"""Limits that protect the public endpoint, each checked before the step it protects.

- Tokens, while parsing: the parser stops at the limit, so a long document costs no more than
  a short one.
- Depth, aliases, directives on one field and repeats of one field, on the parsed document
  before validation (see `document_shape`): validation itself is quadratic in repeated fields.
  The verdict is cached with the document text, like parsing and validation.
- Cost, before execution: page sizes multiply what they select (see `query_cost`).
- Time, while a query executes: past the limit it is cancelled at its next await. Mutations
  are not cut off, as stopping a write half-way is worse than a slow one, and only a signed-in
  editor can send one.

Each refusal is a GraphQL error that names the value, the limit and its setting, with an
`extensions.code`.
"""

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types.graphql import OperationType

from cms.settings import Settings
from schema.document_shape import measure
from schema.query_cost import query_cost


def limit_error(message: str, code: str, setting: str, limit: float) -> GraphQLError:
    """A refusal that says what was over which limit, and which setting raises it."""
    env = f"CMS_{setting.upper()}"
    return GraphQLError(
        message.format(limit=limit, setting=env),
        extensions={"code": code, "limit": limit, "setting": env},
    )


@dataclass(frozen=True, slots=True)
class Limits:
    tokens: int
    depth: int
    aliases: int
    directives: int
    repeats: int
    cost: int
    seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(
            tokens=settings.max_query_tokens,
            depth=settings.max_query_depth,
            aliases=settings.max_query_aliases,
            directives=settings.max_query_directives,
            repeats=settings.max_query_repeats,
            cost=settings.max_query_cost,
            seconds=settings.max_query_seconds,
        )

    def shape_refusal(self, document: DocumentNode) -> GraphQLError | None:
        try:
            shape = measure(document)
        except RecursionError:
            return limit_error(
                "Fragments are nested too deeply; the depth limit is {limit} ({setting}).",
                "QUERY_TOO_DEEP",
                "max_query_depth",
                self.depth,
            )
        if shape.depth > self.depth:
            return limit_error(
                f"Query depth {shape.depth} exceeds the limit of {{limit}} ({{setting}}).",
                "QUERY_TOO_DEEP",
                "max_query_depth",
                self.depth,
            )
        if shape.aliases > self.aliases:
            return limit_error(
                f"Alias count {shape.aliases} exceeds the limit of {{limit}} ({{setting}}).",
                "TOO_MANY_ALIASES",
                "max_query_aliases",
                self.aliases,
            )
        if shape.directives > self.directives:
            return limit_error(
                f"Directive count {shape.directives} on one field exceeds the limit of "
                "{limit} ({setting}).",
                "TOO_MANY_DIRECTIVES",
                "max_query_directives",
                self.directives,
            )
        if shape.repeats > self.repeats:
            return limit_error(
                f"Field `{shape.repeated_field}` is selected {shape.repeats} times in one "
                "selection set, over the limit of {limit} ({setting}).",
                "FIELD_REPEATED",
                "max_query_repeats",
                self.repeats,
            )
        return None


class LimitedParsing(ParserCache):
    """Parses (cached by text, as Strawberry's `ParserCache`) with the token limit, and names
    the limit when it is hit."""

    def __init__(self, limits: Limits, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.limits = limits

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        tokens = self.limits.tokens
        try:
            context.graphql_document = self.cached_parse_document(context.query, max_tokens=tokens)
        except GraphQLSyntaxError as error:
            if f"more than {tokens} tokens" not in error.message:
                raise
            raise limit_error(
                "Token count exceeds the limit of {limit} ({setting}); the document was not "
                "parsed.",
                "QUERY_TOO_LONG",
                "max_query_tokens",
                tokens,
            ) from None
        yield


class ShapeVerdicts:
    """The shape refusal of recently seen documents, by text, so a cached document pays a
    dictionary lookup for it."""

    def __init__(self, limits: Limits, size: int) -> None:
        self.limits = limits
        self.size = size
        self._verdicts: OrderedDict[str, GraphQLError | None] = OrderedDict()

    def refusal(self, query: str | None, document: DocumentNode) -> GraphQLError | None:
        if query is None:
            return self.limits.shape_refusal(document)
        if query in self._verdicts:
            self._verdicts.move_to_end(query)
            return self._verdicts[query]
        verdict = self._verdicts[query] = self.limits.shape_refusal(document)
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        return verdict


class LimitedValidation(ValidationCache):
    """Refuses a document over a shape limit before it is validated; validates (cached) the
    rest as Strawberry's `ValidationCache` does."""

    def __init__(self, verdicts: ShapeVerdicts, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.verdicts = verdicts

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        refusal = self.verdicts.refusal(context.query, context.graphql_document)
        if refusal is None:
            yield from super().on_validate()
            return
        context.pre_execution_errors = [refusal]
        yield


class QueryCostLimiter(SchemaExtension):
    """Refuses an operation whose cost exceeds the limit before it runs."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            schema = context.schema._schema
            cost = query_cost(schema, document, context.operation_name, context.variables or {})
            if cost > self.limits.cost:
                error = limit_error(
                    f"Query cost {cost} exceeds the limit of {{limit}} ({{setting}}). Ask for "
                    "smaller pages (`first`) or fewer nested lists.",
                    "QUERY_TOO_COSTLY",
                    "max_query_cost",
                    self.limits.cost,
                )
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


class QueryTimeLimit(SchemaExtension):
    """Stops a query that runs past the time limit, and answers with an error naming it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.operation_type is not OperationType.QUERY:
            yield
            return
        try:
            async with asyncio.timeout(self.limits.seconds):
                yield
        except TimeoutError:
            raise limit_error(
                "Query time exceeded the limit of {limit} s ({setting}); the query was stopped.",
                "QUERY_TIMEOUT",
                "max_query_seconds",
                self.limits.seconds,
            ) from None


def limit_extensions(limits: Limits, cache_size: int) -> list[Callable[[], SchemaExtension]]:
    """The extensions, in order: parse, check the shape and validate, cost, time."""
    verdicts = ShapeVerdicts(limits, cache_size)
    return [
        lambda: LimitedParsing(limits, cache_size),
        lambda: LimitedValidation(verdicts, cache_size),
        lambda: QueryCostLimiter(limits),
        lambda: QueryTimeLimit(limits),
    ]
