"""The `cms` command: serve, migrate, seed, export-schema."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from cms.db import create_engine, create_sessionmaker
from cms.migrations import upgrade
from cms.settings import Settings

app = typer.Typer(help="Newsroom CMS: a headless GraphQL CMS for news publishers.")

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _seed(settings: Settings) -> dict[str, int]:
    from cms.seed import seed_demo

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            return await seed_demo(session, settings)
    finally:
        await engine.dispose()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (creates the SQLite file if missing)."""
    asyncio.run(_migrate(Settings()))
    typer.echo("Database is up to date.")


@app.command()
def seed() -> None:
    """Fill an empty database with the demo newsroom (does nothing if it has content)."""
    settings = Settings()
    asyncio.run(_migrate(settings))
    counts = asyncio.run(_seed(settings))
    if counts:
        typer.echo("Seeded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    else:
        typer.echo("The database already has content; nothing seeded.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    demo: Annotated[
        bool, typer.Option(help="Seed the demo newsroom into an empty database.")
    ] = False,
) -> None:
    """Migrate the database, then serve the API (GraphiQL at /graphql)."""
    settings = Settings()
    asyncio.run(_migrate(settings))
    if demo:
        asyncio.run(_seed(settings))
    typer.echo(f"GraphiQL: http://{host}:{port}/graphql")
    uvicorn.run(
        "cms.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_level="info",
    )


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = SCHEMA_FILE,
) -> None:
    """Write the GraphQL schema (SDL) to schema/schema.graphql for review."""
    from schema import build_schema

    output.write_text(build_schema(Settings()).as_str() + "\n", encoding="utf-8")
    typer.echo(f"Wrote {output}")
