"""What the `cms serve` and `cms export-schema` commands run: the server process and the SDL of the
API it serves. The command line itself (`cms/cli.py`) only parses options and calls these."""

from pathlib import Path

import uvicorn

from cms.settings import Settings
from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


WORKER_HEALTHCHECK_SECONDS = 30
"""How long uvicorn's supervisor waits for a worker to answer its ping before replacing it; its
default of 5 s kills workers still importing the app on a busy machine, again and again."""


def run_server(*, host: str, port: int, workers: int, access_log: bool) -> None:
    """uvicorn with uvloop and httptools, building one app per worker from the environment."""
    uvicorn.run(
        "cms.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_level="info",
        access_log=access_log,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


def write_schema(output: Path, settings: Settings) -> None:
    """The SDL as reviewers read it in `schema/schema.graphql`."""
    output.write_text(build_schema(settings).as_str() + "\n", encoding="utf-8")
