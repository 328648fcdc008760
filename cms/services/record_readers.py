"""Reading rows at the driver: each statement compiled once, its SQL text sent straight to
sqlite3 or asyncpg.

The compiled read path (`cms.services.public_records`) sends a few fixed statement shapes with
new values each time. Executing one through SQLAlchemy builds an execution context, a cursor
result and row objects, which on a page of twenty indexed rows costs as much again as sqlite3
running the query. So a statement is compiled once per dialect (`Prepared`): its SQL text, the
order of its parameters with their bind processors, and a result processor per column, taken
from SQLAlchemy's own types, so the values are the ones the ORM gives (aware UTC times, decoded
JSON, enums). A call binds the values, runs the text on the driver's connection and converts
the columns it got back: what a hand-written endpoint does, with the types kept in one place.

Reads run outside a transaction, one snapshot per statement. Listeners of the engine's
`before_cursor_execute` event still hear each statement (the bench and the tests count them).
"""

from collections.abc import AsyncIterator, Callable, Mapping, MutableMapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import Engine, Executable, Select
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

Row = tuple[Any, ...]
Processor = Callable[[Any], Any] | None


class Reader(Protocol):
    """Runs a statement and returns all its rows as tuples of converted values."""

    @property
    def dialect(self) -> str: ...

    async def rows(
        self, statement: Executable, values: Mapping[str, Any] | None = None
    ) -> Sequence[Row]: ...


class Prepared:
    """A statement compiled for one dialect, with what converting its values takes."""

    __slots__ = ("compiled", "dialect", "expanding", "results", "shapes", "statement")

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        self.statement = statement
        self.dialect = dialect
        self.compiled = cast("Select[Any]", statement).compile(dialect=dialect)
        self.results: tuple[Processor, ...] | None = None
        names = self.compiled.bind_names
        self.expanding = (
            tuple(names[bind] for bind in self.compiled.post_compile_params)
            if not self.compiled.literal_execute_params
            else None
        )
        """The names of the expanding (`IN`) parameters, whose list lengths decide the text;
        None when a value is rendered into the text itself, so no text can be reused."""
        self.shapes: dict[tuple[int, ...], _Shape] = {}

    def result_processors(self, type_codes: Sequence[Any]) -> tuple[Processor, ...]:
        """A processor per column, chosen once: asyncpg's depend on the type the server
        reports (`type_codes`, OIDs); sqlite3 reports none."""
        if self.results is None:
            columns = cast("Select[Any]", self.statement).selected_columns
            self.results = tuple(
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, code)
                for column, code in zip(columns, type_codes, strict=True)
            )
        return self.results

    def bound(self, values: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
        """The SQL text and its positional parameters for these values. The text changes only
        with the lengths of the lists an expanding `IN` parameter gets, so it is rendered once
        per lengths."""
        if self.expanding is None:
            return _Shape.of(self.compiled, values).bound(self.compiled, values)
        parameters = self.compiled.construct_params(dict(values or {}))
        lengths = tuple(len(parameters[name]) for name in self.expanding)
        shape = self.shapes.get(lengths)
        if shape is None:
            shape = self.shapes[lengths] = _Shape.of(self.compiled, values)
        return shape.text, shape.positional(parameters)

    def converted(
        self, rows: Sequence[Sequence[Any]], processors: tuple[Processor, ...]
    ) -> list[Row]:
        """The rows with each processed column converted (most columns need nothing)."""
        converting = [(i, p) for i, p in enumerate(processors) if p is not None]
        if not converting:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for i, process in converting:
                values[i] = process(values[i])
            converted.append(tuple(values))
        return converted


@dataclass(frozen=True, slots=True)
class _Shape:
    """A statement's text for one set of expanding list lengths, with its parameter order."""

    text: str
    order: tuple[str, ...]
    processors: Mapping[str, Callable[[Any], Any]]
    expansion: Mapping[str, list[str]]
    """Each expanding parameter's name to the names of its rendered parameters."""

    @classmethod
    def of(cls, compiled: SQLCompiler, values: Mapping[str, Any] | None) -> "_Shape":
        state = compiled.construct_expanded_state(dict(values or {}))
        return cls(
            state.statement,
            tuple(state.positiontup or ()),
            state.processors,
            state.parameter_expansion,
        )

    def bound(
        self, compiled: SQLCompiler, values: Mapping[str, Any] | None
    ) -> tuple[str, list[Any]]:
        return self.text, self.positional(compiled.construct_params(dict(values or {})))

    def positional(self, parameters: MutableMapping[str, Any]) -> list[Any]:
        for name, expanded in self.expansion.items():
            parameters.update(zip(expanded, parameters[name], strict=True))
        processors = self.processors
        positional = []
        for name in self.order:
            value = parameters[name]
            process = processors.get(name)
            positional.append(
                process(value) if process is not None and value is not None else value
            )
        return positional


class Statements:
    """Prepared statements by the statement object, for one dialect. The public read path
    builds each statement shape once (`functools.lru_cache`), so the object is its key."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._prepared: dict[int, tuple[Executable, Prepared]] = {}

    def __getitem__(self, statement: Executable) -> Prepared:
        found = self._prepared.get(id(statement))
        if found is None or found[0] is not statement:
            found = (statement, Prepared(statement, self.dialect))
            self._prepared[id(statement)] = found
        return found[1]


def _announce(engine: Engine, sql: str, parameters: Sequence[Any]) -> None:
    """Tells the engine's `before_cursor_execute` listeners, when there are any."""
    listeners = engine.dispatch.before_cursor_execute
    if listeners:
        listeners(None, None, sql, parameters, None, False)


@dataclass(frozen=True, slots=True)
class _SqliteReader:
    connection: Any
    """The `sqlite3.Connection` itself."""
    statements: Statements
    engine: Engine
    """The engine the connection belongs to, whose listeners hear each statement."""

    @property
    def dialect(self) -> str:
        return "sqlite"

    async def rows(
        self, statement: Executable, values: Mapping[str, Any] | None = None
    ) -> Sequence[Row]:
        prepared = self.statements[statement]
        sql, parameters = prepared.bound(values)
        _announce(self.engine, sql, parameters)
        cursor = self.connection.execute(sql, parameters)
        processors = prepared.results or prepared.result_processors(
            [None] * len(cursor.description)
        )
        return prepared.converted(cursor.fetchall(), processors)


@dataclass(frozen=True, slots=True)
class _AsyncpgReader:
    connection: Any
    """The `asyncpg.Connection` itself."""
    statements: Statements
    engine: Engine
    """The engine the connection belongs to, whose listeners hear each statement."""

    @property
    def dialect(self) -> str:
        return "postgresql"

    async def rows(
        self, statement: Executable, values: Mapping[str, Any] | None = None
    ) -> Sequence[Row]:
        prepared = self.statements[statement]
        sql, parameters = prepared.bound(values)
        _announce(self.engine, sql, parameters)
        processors = prepared.results
        if processors is None:
            described = await self.connection.prepare(sql)
            processors = prepared.result_processors(
                [attribute.type.oid for attribute in described.get_attributes()]
            )
        return prepared.converted(await self.connection.fetch(sql, *parameters), processors)


class RecordReaders:
    """Where the public read path gets its reader: on SQLite, the blocking engine's one
    connection, used on the event loop (`cms.db.create_blocking_engine`); on PostgreSQL, a
    pooled asyncpg connection."""

    def __init__(self, engine: AsyncEngine, blocking: Engine | None) -> None:
        self.engine = engine
        self.blocking = blocking
        self.statements = Statements((blocking or engine.sync_engine).dialect)
        self._sqlite: _SqliteReader | None = None

    @asynccontextmanager
    async def reading(self, engine: AsyncEngine | None = None) -> AsyncIterator[Reader]:
        """A reader for the block; on PostgreSQL, on `engine` when given (a read replica)."""
        if self.blocking is not None:
            if self._sqlite is None:
                # A StaticPool holds one connection for the engine's life: kept, not checked out.
                fairy = self.blocking.raw_connection()
                self._sqlite = _SqliteReader(
                    fairy.driver_connection, self.statements, self.blocking
                )
            yield self._sqlite
            return
        engine = engine or self.engine
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            yield _AsyncpgReader(raw.driver_connection, self.statements, engine.sync_engine)
