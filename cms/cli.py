"""The `cms` command: check (and reach), serve, migrate, seed, backup, restore, export, import,
export-schema, export-settings-doc, users, queries, digest.

The heavier parts (the GraphQL schema, backups, transfers, password hashing) are imported by
the commands that use them, so a command starts in a fraction of a second and an import's time
is spent on articles.
"""

import asyncio
import secrets
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from cms.db import create_engine, create_sessionmaker
from cms.errors import CmsError
from cms.migrations import upgrade
from cms.models import Role
from cms.settings import Settings
from cms.transfer.writer import ImportWebhooks

if TYPE_CHECKING:
    from cms.services.digest import DigestRun
    from cms.services.scheduling import SchedulerRun
    from cms.transfer.report import Report

app = typer.Typer(help="Newsroom CMS: a headless GraphQL CMS for news publishers.")
user_app = typer.Typer(help="Staff accounts.")
app.add_typer(user_app, name="user")
queries_app = typer.Typer(help="Registered (persisted) GraphQL documents.")
app.add_typer(queries_app, name="queries")
digest_app = typer.Typer(help="The daily newsletter digest.")
app.add_typer(digest_app, name="digest")
import_app = typer.Typer(help="Bring content in: our own export, or a WordPress site.")
app.add_typer(import_app, name="import")

GENERATED_PASSWORD_BYTES = 18
"""24 URL-safe characters: far beyond guessing, short enough to type once."""


def _checked_settings() -> Settings:
    """The settings, or exit 1 naming every value that is unsafe in production; warnings are
    printed and do not stop anything."""
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            typer.echo(f"Refused: {problem['msg'].removeprefix('Value error, ')}", err=True)
        raise typer.Exit(1) from None
    if refusals := settings.serving_refusals():
        for refusal in refusals:
            typer.echo(f"Refused: {refusal}", err=True)
        raise typer.Exit(1)
    for warning in settings.production_warnings():
        typer.echo(f"Warning: {warning}.", err=True)
    return settings


@app.command()
def check(
    connect: Annotated[
        bool,
        typer.Option(
            help="Also connect to the database, each replica (which must be a standby), Redis "
            "and the media bucket; exits 1 naming each that does not answer."
        ),
    ] = False,
) -> None:
    """Check the settings (`CMS_*` and `.env`) before a start; exits 1 when they are unsafe in
    production: a default or short secret, debug output, SQL echo, and the like."""
    settings = _checked_settings()
    if connect:
        from cms import connectivity

        found = asyncio.run(connectivity.reach(settings))
        for reached in found.reached:
            typer.echo(f"Reached {reached}.")
        for problem in found.problems:
            typer.echo(f"Not ready: {problem}.", err=True)
        if found.problems:
            raise typer.Exit(1)
    if settings.env == "production":
        typer.echo("The settings are fit for production.")
        if settings.staff_only_schema:
            typer.echo(
                "The console is served at /graphql; introspection and field suggestions are "
                "answered to signed-in staff only, and refused to everyone else."
            )
    else:
        typer.echo("Development settings; CMS_ENV=production checks them for production.")


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
    access_log: Annotated[
        bool,
        typer.Option(
            help="A log line per request; behind a proxy or CDN that logs them, turning it off "
            "spares a cache hit a good part of its cost."
        ),
    ] = True,
) -> None:
    """Check the settings, migrate the database, then serve the API (the console at /graphql in
    development)."""
    from cms.web.commands import follow_served_address, run_server

    settings = follow_served_address(_checked_settings(), host, port)
    asyncio.run(_migrate(settings))
    if demo:
        asyncio.run(_seed(settings))
    typer.echo(
        f"Links in responses (media, feeds, emails) use {settings.site_url}; "
        "set CMS_SITE_URL to change it."
    )
    if settings.graphiql_enabled:
        typer.echo(f"The console: http://{host}:{port}/graphql")
    run_server(host=host, port=port, workers=workers, access_log=access_log, settings=settings)


async def _create_user(
    settings: Settings, email: str, password: str, role: Role, name: str | None
) -> str:
    from cms.services import users as user_service

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            user = await user_service.create_user(
                session=session, email=email, password=password, role=role, display_name=name
            )
            return user.email
    finally:
        await engine.dispose()


def _read_password(from_stdin: bool, generate: bool) -> str:
    """The password given, on stdin or at the prompt, or a new random one; never a default."""
    if generate:
        return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def create_user(
    email: Annotated[str, typer.Option(help="Email address, used to sign in.")],
    role: Annotated[Role, typer.Option(help="ADMIN, EDITOR, AUTHOR or CONTRIBUTOR.")],
    name: Annotated[str | None, typer.Option(help="Name shown in bylines.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    generate_password: Annotated[
        bool,
        typer.Option(
            "--generate-password", help="Make a random password and print it, this once only."
        ),
    ] = False,
) -> None:
    """Create a staff account; asks for the password (or reads it from stdin, or generates
    one). There is no default password."""
    settings = Settings()
    asyncio.run(_migrate(settings))
    password = _read_password(password_stdin, generate_password)
    try:
        created = asyncio.run(_create_user(settings, email, password, role, name))
    except CmsError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"Created {role.value} {created}.")
    if generate_password:
        typer.echo(f"Password (shown only now, stored only as a hash): {password}")


async def _publish_due(settings: Settings) -> "SchedulerRun":
    """One scheduler run; with Redis configured, the workers' subscribers hear what it did."""
    from cms.events import bus_for
    from cms.services import scheduling

    engine = create_engine(settings)
    events = bus_for(settings)
    await events.start()
    try:
        return await scheduling.run_once(create_sessionmaker(engine, events))
    finally:
        await events.stop()
        await engine.dispose()


@app.command("publish-due")
def publish_due() -> None:
    """Publish scheduled articles whose time has come, archive those set to leave the site,
    expire breaking flags and home page slots (for cron)."""
    run = asyncio.run(_publish_due(Settings()))
    typer.echo(
        f"Published {len(run.published)} article(s); "
        f"{len(run.expired)} left the site; "
        f"expired {run.breaking_expired} breaking flag(s); "
        f"emptied {run.home_slots_emptied} home page slot(s)."
    )


async def _register(settings: Settings, paths: list[Path]) -> list[str]:
    from cms.services import persisted_queries

    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            documents = persisted_queries.read_documents(paths)
            return await persisted_queries.register(session=session, documents=documents)
    finally:
        await engine.dispose()


@queries_app.command("add")
def add_queries(
    paths: Annotated[list[Path], typer.Argument(help=".graphql files or folders of them.")],
) -> None:
    """Register documents in the allow-list; clients then send just their sha256Hash."""
    settings = Settings()
    asyncio.run(_migrate(settings))
    for sha256 in asyncio.run(_register(settings, paths)):
        typer.echo(sha256)
    typer.echo("Restart the server (or its workers) to load new documents.")


async def _send_digest(settings: Settings, day: date | None) -> "DigestRun":
    from cms.services import digest

    engine = create_engine(settings)
    try:
        return await digest.send_digest(create_sessionmaker(engine), settings, day)
    finally:
        await engine.dispose()


@digest_app.command("send")
def send_digest(
    day: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The day (YYYY-MM-DD); today in CMS_TIMEZONE."),
    ] = None,
) -> None:
    """Send the day's digest to every confirmed subscriber who has not had it (safe to repeat)."""
    run = asyncio.run(_send_digest(Settings(), day.date() if day else None))
    typer.echo(
        f"Sent {run.sent} digest(s) in {', '.join(run.locales) or 'no language'}; "
        f"{run.failed} failed and will be retried."
    )
    if run.failed:
        raise typer.Exit(1)


@app.command()
def backup(
    archive: Annotated[Path, typer.Argument(help="The archive to write (a new .tar file).")],
) -> None:
    """Save the database and its media in one archive, consistently, while the server runs."""
    from cms.backup import BackupError, create_backup

    try:
        manifest = asyncio.run(create_backup(Settings(), archive))
    except BackupError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(1) from error
    typer.echo(
        f"Backed up {manifest.rows('article')} article(s), {len(manifest.tables)} tables and "
        f"{len(manifest.media)} media file(s) at migration {manifest.alembic_revision} "
        f"to {archive}."
    )


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `cms backup`.")],
    force: Annotated[
        bool, typer.Option(help="Replace a database that already holds content.")
    ] = False,
) -> None:
    """Restore an archive into this instance's database and media store; checks every file
    first and the restored tables after, and migrates an older archive."""
    from cms.backup import BackupError, restore_backup

    try:
        manifest = asyncio.run(restore_backup(Settings(), archive, force=force))
    except BackupError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(1) from error
    typer.echo(
        f"Restored {manifest.rows('article')} article(s) and {len(manifest.media)} media "
        f"file(s) from {manifest.created_at.isoformat()}; checksums verified."
    )


@app.command("export")
def export(
    out_dir: Annotated[Path, typer.Argument(help="A new or empty folder to write into.")],
    with_secrets: Annotated[
        bool, typer.Option("--with-secrets", help="Include staff password hashes.")
    ] = False,
    revisions: Annotated[bool, typer.Option(help="Include every article's revisions.")] = False,
) -> None:
    """Export the content as documented NDJSON files with the media files and a manifest
    (docs/export-and-import.md)."""
    from cms.transfer import run as transfer
    from cms.transfer.export import ExportOptions

    options = ExportOptions(with_secrets=with_secrets, with_revisions=revisions)
    try:
        result = asyncio.run(transfer.run_export(Settings(), out_dir, options))
    except FileExistsError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    counts = ", ".join(
        f"{f.records} {name.removesuffix('.ndjson')}" for name, f in result.files.items()
    )
    typer.echo(f"Exported {counts} and {result.media_files} media file(s) to {out_dir}.")


ImportFlags = {
    "strict": typer.Option(help="Write nothing unless every item can be imported."),
    "dry_run": typer.Option("--dry-run", help="Report what would change; write nothing."),
    "report": typer.Option(help="Also write the report, with every problem, as JSON here."),
    "webhooks": typer.Option(
        help="Tell webhook endpoints: none, one import.completed event (summary), or each "
        "published article's own event (each)."
    ),
}


def _finish_import(report: "Report", report_file: Path | None) -> None:
    typer.echo(report.summary())
    if report_file is not None:
        report.write(report_file)
    if report.errors:
        raise typer.Exit(1)


@import_app.command("ndjson")
def import_ndjson(
    folder: Annotated[Path, typer.Argument(help="A folder written by `cms export`.")],
    strict: Annotated[bool, ImportFlags["strict"]] = False,
    dry_run: Annotated[bool, ImportFlags["dry_run"]] = False,
    report: Annotated[Path | None, ImportFlags["report"]] = None,
    webhooks: Annotated[ImportWebhooks, ImportFlags["webhooks"]] = ImportWebhooks.NONE,
) -> None:
    """Import an export of ours; safe to repeat (records are matched by their keys), and
    resumable: after an interruption, run it again."""
    from cms.transfer import run as transfer
    from cms.transfer.ndjson_import import FormatError
    from cms.transfer.writer import ImportOptions
    from cms.web.purge import purger_for

    settings = Settings()
    options = ImportOptions(strict=strict, dry_run=dry_run, webhooks=webhooks)
    try:
        result = asyncio.run(
            transfer.run_ndjson_import(settings, folder, options, purger_for(settings))
        )
    except FormatError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error
    _finish_import(result, report)


@import_app.command("wordpress")
def import_wordpress(
    source: Annotated[Path, typer.Argument(help="The WXR file from Tools → Export.")],
    public_id_from: Annotated[
        str | None,
        typer.Option(help="meta:KEY: a post meta field holding each post's legacy public id."),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="The WordPress site's time zone; CMS_TIMEZONE if unset.")
    ] = None,
    uploads: Annotated[
        Path | None, typer.Option(help="The copied wp-content/uploads folder; ./uploads beside it.")
    ] = None,
    download: Annotated[
        bool, typer.Option(help="Download pictures missing from the uploads folder.")
    ] = True,
    strict: Annotated[bool, ImportFlags["strict"]] = False,
    dry_run: Annotated[bool, ImportFlags["dry_run"]] = False,
    report: Annotated[Path | None, ImportFlags["report"]] = None,
    webhooks: Annotated[ImportWebhooks, ImportFlags["webhooks"]] = ImportWebhooks.NONE,
) -> None:
    """Import a WordPress site's posts, categories, tags, authors and pictures; safe to repeat
    and resumable."""
    from cms.transfer import run as transfer
    from cms.transfer.wordpress.run import WordPressOptions
    from cms.transfer.writer import ImportOptions
    from cms.web.purge import purger_for

    if public_id_from is not None and not public_id_from.startswith("meta:"):
        typer.echo("Error: --public-id-from takes meta:KEY, e.g. meta:legacy_id.", err=True)
        raise typer.Exit(2)
    settings = Settings()
    wordpress = WordPressOptions(
        public_id_meta=public_id_from.removeprefix("meta:") if public_id_from else None,
        timezone=timezone,
        uploads=uploads,
        download=download,
    )
    options = ImportOptions(strict=strict, dry_run=dry_run, webhooks=webhooks)
    result = asyncio.run(
        transfer.run_wordpress_import(settings, source, options, wordpress, purger_for(settings))
    )
    _finish_import(result, report)


@app.command("export-schema")
def export_schema(
    output: Annotated[
        Path | None, typer.Option(help="Where to write the SDL; schema/schema.graphql if unset.")
    ] = None,
) -> None:
    """Write the GraphQL schema (SDL) to schema/schema.graphql for review."""
    from cms.web.commands import SCHEMA_FILE, write_schema

    output = output or SCHEMA_FILE
    write_schema(output, Settings())
    typer.echo(f"Wrote {output}")


@app.command("export-settings-doc")
def export_settings_doc(
    output: Annotated[
        Path | None, typer.Option(help="Where to write the page; docs/configuration.md if unset.")
    ] = None,
) -> None:
    """Write docs/configuration.md from the settings' descriptions, types and defaults."""
    from cms import configuration_doc

    output = output or configuration_doc.CONFIGURATION_DOC
    configuration_doc.write(output)
    typer.echo(f"Wrote {output}")


if __name__ == "__main__":
    app()
