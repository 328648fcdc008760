"""Chromium driving the console, for `test_console_browser.py`.

Debian's Chromium (`/usr/bin/chromium`, the `chromium` package) through Playwright for Python,
never a downloaded browser. Every request to another origin is blocked and recorded, so a test
can assert that none was made. When a block fails, a screenshot of the page is kept under
`test-artefacts/console/` (gitignored; CI can keep the folder as an artefact).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
from playwright.async_api import Page, Route, WebSocket, async_playwright
from starlette.applications import Starlette

from cms.settings import Settings
from cms.web.app import create_app
from cms.web.console_assets import ConsoleAssets
from tests.live_server import ROOT, free_port
from tests.polling import until

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = ROOT / "test-artefacts" / "console"
RESULT = "document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None; CI installs both (`.ci/run`)."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: `apt-get install chromium` (CI installs it)"
    if not ConsoleAssets.load(None).installed:
        return "the console's scripts are not installed: run `make console-assets`"
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


@dataclass(frozen=True, slots=True)
class ConsoleServer:
    url: str
    app: Starlette


@asynccontextmanager
async def console_server(settings: Settings) -> AsyncIterator[ConsoleServer]:
    """The app served by uvicorn in this event loop; its site URL is the address served."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(settings.model_copy(update={"site_url": url}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, ws="websockets-sansio")
    config.log_level = "warning"
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await until(lambda: server.started, what="the server starting")
    try:
        yield ConsoleServer(url, app)
    finally:
        server.should_exit = True
        await task


@dataclass
class Console:
    """The console open in a page, with what left the origin."""

    page: Page
    origin: str
    outside: list[str] = field(default_factory=list)

    async def sign_in(self, email: str, password: str) -> None:
        await self.page.fill("#console-email", email)
        await self.page.fill("#console-password", password)
        await self.page.click("#console-sign-in button")

    async def run(self, document: str, operation: str, shows: str) -> str:
        """Type `document` into a new tab, run it, and wait until the result shows `shows`."""
        await self.start(document, operation)
        return await self.result_showing(shows)

    async def result_showing(self, text: str) -> str:
        """The result pane, once it shows `text`."""
        await self.page.wait_for_function(f"(text) => {RESULT}.includes(text)", arg=text)
        result: str = await self.page.evaluate(RESULT)
        return result

    async def start(self, document: str, operation: str) -> None:
        """Type `document` into a new tab and run it (a subscription keeps running)."""
        await self.page.click("[aria-label='Add tab']")
        await self.page.evaluate(
            "(text) => document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror.setValue(text)",
            document,
        )
        await self.page.wait_for_function(
            "(name) => document.querySelector('.graphiql-tab-active')?.textContent.includes(name)",
            arg=operation,
        )
        await self.page.click(".graphiql-execute-button")

    async def open_docs(self) -> str:
        """The Docs pane's text once GraphiQL has the schema or has given up asking for it."""
        await self.page.click("[aria-label='Show Documentation Explorer']")
        pane = self.page.locator(".graphiql-doc-explorer")
        await pane.locator("text=/Root Types|Error fetching schema/").wait_for()
        return await pane.inner_text()


@asynccontextmanager
async def open_console(server: ConsoleServer, name: str) -> AsyncIterator[Console]:
    """A fresh browser on the console; a screenshot is kept if the block fails."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = await browser.new_context()
        page = await context.new_page()
        console = Console(page, _origin(server.url))

        async def only_this_origin(route: Route) -> None:
            if _origin(route.request.url) == console.origin:
                await route.continue_()
            else:
                console.outside.append(route.request.url)
                await route.abort()

        def socket_opened(socket: WebSocket) -> None:
            if _origin(socket.url) != console.origin:
                console.outside.append(socket.url)

        await context.route("**/*", only_this_origin)
        page.on("websocket", socket_opened)
        try:
            await page.goto(f"{server.url}/graphql")
            await page.wait_for_selector(".graphiql-execute-button")
            yield console
        except BaseException:
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)
            raise
        finally:
            await browser.close()
