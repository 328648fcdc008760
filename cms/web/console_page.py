"""The editors' console page at `/graphql` and the files it loads at `/console/…`.

The page replaces Strawberry's GraphiQL page, which loads seven files from a public CDN: here
every script, style and font comes from this origin (`cms.web.console_assets`), and the page
says so to the browser with a Content-Security-Policy that allows scripts from this origin only
and no inline script at all. The ready operations (`console/tabs.toml`) travel in a JSON data
block, which a browser never runs. Without the installed vendor files the page says how to
install them instead of staying blank.
"""

import json
import tomllib
from html import escape

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from cms.web.console_assets import INSTALL_HINT, OWN_DIR, ConsoleAssets

TABS_FILE = OWN_DIR / "tabs.toml"
IMMUTABLE = "public, max-age=31536000, immutable"


def read_tabs() -> list[dict[str, str]]:
    """The console's ready operations, as GraphiQL's `defaultTabs`."""
    with TABS_FILE.open("rb") as file:
        tabs = tomllib.load(file)["tab"]
    return [
        {"query": tab["query"].strip() + "\n", "variables": tab["variables"].strip()}
        for tab in tabs
    ]


def content_security_policy(connection: HTTPConnection) -> str:
    """Scripts, styles and connections from this origin only; fonts are inline `data:` URLs in
    GraphiQL's stylesheet, and GraphiQL sets inline styles on its panes as it lays them out."""
    socket = f"{'wss' if connection.url.scheme == 'https' else 'ws'}://{connection.url.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            f"connect-src 'self' {socket}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _json_block(value: object) -> str:
    """JSON inside a `<script type="application/json">`, unable to close the element early."""
    return json.dumps(value).replace("<", "\\u003c")


class ConsolePage:
    """Renders the page; built once per process, as the files do not change while it runs."""

    def __init__(self, assets: ConsoleAssets, endpoint: str = "/graphql") -> None:
        self.assets = assets
        self.config = _json_block({"endpoint": endpoint, "tabs": read_tabs()})

    def response(self, request: Request) -> Response:
        headers = {
            "Content-Security-Policy": content_security_policy(request),
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store",
        }
        if not self.assets.installed:
            return HTMLResponse(self._missing(), headers=headers)
        return HTMLResponse(self._page(), headers=headers)

    def _page(self) -> str:
        styles = "".join(
            f'<link rel="stylesheet" href="{a.url}" integrity="{a.integrity}">'
            for a in self.assets.assets.values()
            if not a.is_script
        )
        scripts = "".join(
            f'<script src="{a.url}" integrity="{a.integrity}"></script>'
            for a in self.assets.assets.values()
            if a.is_script
        )
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Newsroom CMS console</title>"
            '<link rel="icon" href="data:,">'
            f"{styles}</head><body>"
            '<header id="console-bar">Newsroom CMS</header>'
            '<div id="graphiql" class="graphiql-container">Loading the console…</div>'
            f'<script type="application/json" id="console-config">{self.config}</script>'
            f"{scripts}</body></html>"
        )

    def _missing(self) -> str:
        files = "".join(f"<li><code>{escape(path)}</code></li>" for path in self.assets.missing)
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Newsroom CMS console: not installed</title></head><body>"
            '<main class="console-missing"><h1>The console (GraphiQL) is not installed</h1>'
            "<p>Its scripts and styles are installed from npm at the versions locked in "
            f"<code>console/package-lock.json</code>: run <code>{INSTALL_HINT}</code> in the "
            "checkout, then restart the server. The API itself works without them.</p>"
            f"<p>Missing:</p><ul>{files}</ul></main></body></html>"
        )

    def routes(self) -> list[Route]:
        return [Route("/console/{name}", self._asset)]

    async def _asset(self, request: Request) -> Response:
        asset = self.assets.assets.get(request.path_params["name"])
        if asset is None:
            return Response("No such console file.", status_code=404, media_type="text/plain")
        versioned = request.query_params.get("v") == asset.version
        headers = {
            "Cache-Control": IMMUTABLE if versioned else "no-cache",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(asset.body, media_type=asset.media_type, headers=headers)
