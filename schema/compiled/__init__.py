"""Compiled execution of public queries: the same answers as Strawberry, without its per-field
execution.

graphql-core resolves a document field by field: argument coercion, extension hooks and an
awaitable check for each of a page's ~300 fields, then ORM entities for every row. A frontend
sends a few fixed documents, so each is compiled once, at its first use, into a plan
(`plan.compile_plan`): the fields it selects, collected and checked against the same limits and
validation rules. Running a plan reads records with a handful of Core statements sent to the
driver (`cms.services.public_records`, which shares the visibility rule with every other read)
and writes the response dicts directly (`roots`, `objects`).

The compiled path only ever answers or steps aside: a document it does not support, variables
that do not coerce, a cost over the limit, an argument the normal path would refuse, or a run
past the time limit (`CMS_MAX_QUERY_SECONDS`) all return None, and the caller runs the normal
path, which gives the exact errors. So bad input is answered the same way on both paths by
construction.
"""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLSchema
from graphql.execution.values import VariableValues, get_variable_values
from sqlalchemy.ext.asyncio import AsyncEngine

from cms.cache_tags import CacheTag
from cms.services.record_readers import RecordReaders
from cms.settings import Settings
from schema.compiled.plan import Inputs, Plan, Unsupported, compile_plan
from schema.compiled.roots import answer
from schema.compiled.state import Refer, Run
from schema.limits import Limits
from schema.query_cost import query_cost
from schema.text_input import nul_location

PLAN_CACHE_SIZE = 1024
"""Plans (and refusals) kept per process, by document text and operation name."""
INPUTS_PER_PLAN = 256
"""Variable sets a plan keeps checked; past them it starts afresh."""


@dataclass(frozen=True, slots=True)
class Answer:
    data: dict[str, Any]
    tags: frozenset[CacheTag]
    """The cache tags the normal path would have recorded for the same response."""


class CompiledQueries:
    """Plans by document, and the running of them."""

    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.limits = Limits.from_settings(settings)
        self._plans: OrderedDict[tuple[str, str | None], Plan | Unsupported] = OrderedDict()

    def plan(self, query: str, operation_name: str | None) -> Plan | Unsupported:
        """The document's plan, or why the normal path must run it; compiled once."""
        key = (query, operation_name)
        found = self._plans.get(key)
        if found is not None:
            self._plans.move_to_end(key)
            return found
        try:
            found = compile_plan(self.schema, self.limits, query, operation_name)
        except Unsupported as refusal:
            found = refusal
        self._plans[key] = found
        if len(self._plans) > PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return found

    async def answer(
        self,
        plan: Plan,
        variables: Mapping[str, Any] | None,
        readers: RecordReaders,
        engine: AsyncEngine | None = None,
    ) -> Answer | None:
        """The response's data and cache tags, or None where the normal path must answer;
        read on `engine` when given (a read replica), else where `readers` read."""
        inputs = self._inputs(plan, variables)
        if inputs is None or inputs.variables is None:
            return None
        started = time.monotonic()
        try:
            # Reads on SQLite's blocking connection never await, so only asyncpg's can be cut
            # short: the check after the run covers both.
            limit = (
                asyncio.timeout(self.limits.seconds) if readers.blocking is None else nullcontext()
            )
            async with limit, readers.reading(engine) as reader:
                run = Run(
                    reader,
                    self.settings,
                    inputs.variables,
                    self.settings.zone,
                    coerced=inputs.arguments,
                )
                data = await answer(run, plan.fields)
        except (Refer, GraphQLError, TimeoutError):
            return None
        if time.monotonic() - started > self.limits.seconds:
            # A run past the limit is answered by the normal path, which gives the limit's error.
            return None
        return Answer(data, frozenset(run.tags))

    def _inputs(self, plan: Plan, variables: Mapping[str, Any] | None) -> Inputs | None:
        """The plan's inputs for these variables, checked once per variable set; None for
        variables that cannot be keyed (the normal path answers those)."""
        try:
            key = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        found = plan.inputs.get(key)
        if found is None:
            found = Inputs(self._coerced(plan, dict(variables or {})))
            if len(plan.inputs) >= INPUTS_PER_PLAN:
                plan.inputs.clear()
            plan.inputs[key] = found
        return found

    def _coerced(self, plan: Plan, inputs: dict[str, Any]) -> VariableValues | None:
        """The coerced variables, or None where the normal path must answer: a NUL in a
        string, variables that do not coerce, a cost over the limit."""
        if nul_location(None, inputs) is not None:
            return None
        coerced = get_variable_values(
            self.schema, plan.operation.variable_definitions or (), inputs
        )
        if isinstance(coerced, list):
            return None
        name = plan.operation.name.value if plan.operation.name else None
        if query_cost(self.schema, plan.document, name, inputs) > self.limits.cost:
            return None
        return coerced


__all__ = ["Answer", "CompiledQueries", "Plan", "Unsupported"]
