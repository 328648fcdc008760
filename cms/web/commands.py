"""What the `cms serve` and `cms export-schema` commands run: the server process and the SDL of the
API it serves. The command line itself (`cms/cli.py`) only parses options and calls these."""

import os
import shutil
import tempfile
from pathlib import Path

import uvicorn

from cms.log_config import logging_config
from cms.settings import Settings
from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


WORKER_HEALTHCHECK_SECONDS = 30
"""How long uvicorn's supervisor waits for a worker to answer its ping before replacing it; its
default of 5 s kills workers still importing the app on a busy machine, again and again."""


WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def follow_served_address(settings: Settings, host: str, port: int) -> Settings:
    """In development without `CMS_SITE_URL`, absolute links (media, `srcset`, feeds, sitemaps,
    newsletter links) name the address served, so `cms serve --port 8100` links to 8100. The
    workers read their settings from the environment, so the value goes there too. Production
    keeps the explicit `CMS_SITE_URL` it requires."""
    if settings.env != "development" or "site_url" in settings.model_fields_set:
        return settings
    name = "localhost" if host in WILDCARD_HOSTS else host
    if ":" in name:
        name = f"[{name}]"
    site_url = f"http://{name}:{port}"
    os.environ["CMS_SITE_URL"] = site_url
    return settings.model_copy(update={"site_url": site_url})


def prepare_metrics_directory() -> Path:
    """An empty folder where each worker writes its metrics for `/metrics` to sum: the one in
    `PROMETHEUS_MULTIPROC_DIR`, emptied of an earlier run's files, or a new temporary one. Set
    before the workers start, as `prometheus-client` reads it when first imported."""
    configured = os.environ.get(MULTIPROC_DIR)
    folder = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="cms-metrics-"))
    if configured and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_DIR] = str(folder)
    return folder


def run_server(*, host: str, port: int, workers: int, access_log: bool, settings: Settings) -> None:
    """uvicorn with uvloop and httptools, building one app per worker from the environment;
    each worker logs as `settings` say and the request events replace uvicorn's access log."""
    if workers > 1:
        prepare_metrics_directory()
    uvicorn.run(
        "cms.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_config=logging_config(settings, access_log=access_log),
        log_level=settings.log_level.lower(),
        access_log=False,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


def write_schema(output: Path, settings: Settings) -> None:
    """The SDL as reviewers read it in `schema/schema.graphql`."""
    output.write_text(build_schema(settings).as_str() + "\n", encoding="utf-8")
