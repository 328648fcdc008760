"""What the `cms serve` and `cms export-schema` commands run: the server process and the SDL of the
API it serves. The command line itself (`cms/cli.py`) only parses options and calls these."""

import os
from pathlib import Path

import uvicorn

from cms.settings import Settings
from schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


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
    )


def write_schema(output: Path, settings: Settings) -> None:
    """The SDL as reviewers read it in `schema/schema.graphql`."""
    output.write_text(build_schema(settings).as_str() + "\n", encoding="utf-8")
