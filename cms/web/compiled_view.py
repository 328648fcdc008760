"""The edge's choice between the compiled path and Strawberry, and the header that tells which.

An anonymous query over HTTP whose document compiles (`schema.compiled`) is answered by its
plan; anything else (a signed-in caller, a preview, a mutation, a document or input the compiler
leaves aside) runs on Strawberry as before. The compiled answer records the same cache tags in
the context, so `Cache-Control`, `Surrogate-Key` and the response cache treat it like any other.
`X-Execution: compiled` or `interpreted` says which path served a response.
"""

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry import Schema
from strawberry.http import GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.types import ExecutionResult

from cms.db import create_blocking_engine
from cms.services.record_readers import RecordReaders
from cms.settings import Settings
from schema.compiled import CompiledQueries, Plan
from schema.context import Context

HEADER = "X-Execution"
logger = logging.getLogger("cms.compiled")


@dataclass
class CompiledResult(ExecutionResult):
    """A result the compiled path produced."""


def execution_label(result: ExecutionResult | list[ExecutionResult]) -> str:
    """`compiled` when the compiled path answered every operation of the request."""
    results = result if isinstance(result, list) else [result]
    return "compiled" if all(isinstance(r, CompiledResult) for r in results) else "interpreted"


class CompiledPath:
    def __init__(self, schema: BaseSchema, settings: Settings, engine: AsyncEngine) -> None:
        assert isinstance(schema, Schema)
        self.queries = CompiledQueries(schema._schema, settings)
        self.blocking = create_blocking_engine(settings)
        self.readers = RecordReaders(engine, self.blocking)
        self.enabled = settings.compiled_queries

    def close(self) -> None:
        """Closes the blocking reader's connection, when the app stops."""
        if self.blocking is not None:
            self.blocking.dispose()

    async def answer(self, data: GraphQLRequestData, context: Context) -> ExecutionResult | None:
        """The compiled answer for an anonymous query, or None for the normal path."""
        if (
            not self.enabled
            or context.viewer.user is not None
            or context.token is not None
            or data.query is None
        ):
            return None
        if data.variables is not None and not isinstance(data.variables, dict):
            return None
        plan = self.queries.plan(data.query, data.operation_name)
        if not isinstance(plan, Plan):
            return None
        try:
            engine = None if context.reads is None else await context.reads.engine_for_reads()
            found = await self.queries.answer(plan, data.variables, self.readers, engine)
        except Exception:
            logger.exception("The compiled path failed; the normal path answers instead.")
            return None
        if found is None:
            return None
        context.shows(*found.tags)
        context.shows_views = plan.shows_views
        return CompiledResult(data=found.data, errors=None)
