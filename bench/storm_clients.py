"""The storm's clients: a publisher at a fixed rate, a check after each publish, and readers.

Pages are read the way a site's frontend reads them, as automatic persisted queries over GET
(the hash first, the text only when a worker does not know it yet), so every read goes through
the response cache. The checker opens a new connection for every request, so its reads are
answered by whichever worker accepts the connection, not the one that ran the publish.
"""

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.storm_data import Newsroom
from cms.services.persisted_queries import document_hash

ARTICLE_FIELDS = """
      publicId title slug lead publishedAt views
      category { name slug }
      cover { url width height alt }
"""

HOME_FEED = f"""
query StormHome($locale: String!) {{
  articles(first: 20, locale: $locale) {{ edges {{ node {{ {ARTICLE_FIELDS} }} }} }}
}}
"""

CATEGORY_PAGE = f"""
query StormCategory($slug: String!, $locale: String!) {{
  category(slug: $slug) {{
    name slug
    articles(first: 20, locale: $locale) {{
      edges {{ node {{ {ARTICLE_FIELDS} }} }}
      pageInfo {{ endCursor hasNextPage }}
    }}
  }}
}}
"""

PUBLISH = """
mutation StormPublish($id: String!) {
  publishArticle(input: {id: $id}) { article { publicId } errors { message } }
}
"""


@dataclass(frozen=True, slots=True)
class Page:
    """A cached public operation; `path` leads from `data` to its article connection."""

    name: str
    document: str
    variables: dict[str, str]
    path: tuple[str, ...]

    def params(self, *, with_text: bool) -> dict[str, str]:
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": document_hash(self.document)}}
        params = {"variables": json.dumps(self.variables), "extensions": json.dumps(extensions)}
        return (params | {"query": self.document}) if with_text else params

    def public_ids(self, answer: dict[str, Any]) -> list[str]:
        connection = answer["data"]
        for key in self.path:
            connection = connection[key]
        return [edge["node"]["publicId"] for edge in connection["edges"]]


def pages(newsroom: Newsroom) -> list[Page]:
    locale = {"locale": newsroom.locale}
    return [
        Page("home", HOME_FEED, locale, ("articles",)),
        Page(
            "category",
            CATEGORY_PAGE,
            locale | {"slug": newsroom.category_slug},
            ("category", "articles"),
        ),
    ]


@dataclass
class Tally:
    """What the clients saw; latencies in milliseconds."""

    publishes: list[float] = field(default_factory=list)
    checks: list[float] = field(default_factory=list)
    reads: list[float] = field(default_factory=list)
    hits: int = 0
    misses: int = 0
    not_modified: int = 0
    stale: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    publishing_seconds: float = 0.0
    reading_seconds: float = 0.0


async def fetch(client: httpx.AsyncClient, page: Page, etag: str | None = None) -> httpx.Response:
    """GET the page by its hash; a worker that has not learnt the document yet answers
    `PERSISTED_QUERY_NOT_FOUND` (never cached, so it has no ETag), and gets the text once."""
    headers = {"if-none-match": etag} if etag else {}
    response = await client.get("/graphql", params=page.params(with_text=False), headers=headers)
    if "etag" not in response.headers and b"PERSISTED_QUERY_NOT_FOUND" in response.content:
        response = await client.get("/graphql", params=page.params(with_text=True), headers=headers)
    return response


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def shows(shown: list[str], drafts: list[str], n: int) -> bool:
    """Whether a page read after publish `n` returned is fresh: draft `n` is on it with only
    storm articles above it (publishes overlap, so a later one may already be on top), or
    later storm articles have pushed it off the page."""
    if drafts[n] in shown:
        return set(shown[: shown.index(drafts[n])]) <= set(drafts)
    later = set(drafts[n + 1 :])
    return bool(shown) and all(public_id in later for public_id in shown)


class Checker:
    """Reads both pages after each publish. It revalidates with the last ETag it saw, so a 304
    claims that the body first given with that ETag is still current, and that body is judged."""

    def __init__(self, client: httpx.AsyncClient, drafts: list[str], tally: Tally) -> None:
        self.client = client
        self.drafts = drafts
        self.tally = tally
        self.etags: dict[str, str] = {}
        self.bodies: dict[str, list[str]] = {}

    async def check(self, page: Page, n: int) -> None:
        started = time.perf_counter()
        response = await fetch(self.client, page, self.etags.get(page.name))
        self.tally.checks.append(_since(started))
        etag = response.headers.get("etag", "")
        if response.status_code == 304 and etag in self.bodies:
            self.tally.not_modified += 1
            shown = self.bodies[etag]
        elif response.status_code == 200 and etag:
            shown = page.public_ids(response.json())
            self.bodies[etag], self.etags[page.name] = shown, etag
        else:
            self.tally.errors.append(f"check {page.name}: {response.status_code} {response.text}")
            return
        if not shows(shown, self.drafts, n):
            self.tally.stale.append(f"{page.name} after publish {n}: {shown[:3]} on top")


async def _publish(
    editor: httpx.AsyncClient, checker: Checker, checked: list[Page], n: int
) -> None:
    started = time.perf_counter()
    try:
        response = await editor.post(
            "/graphql", json={"query": PUBLISH, "variables": {"id": checker.drafts[n]}}
        )
    except httpx.HTTPError as error:
        checker.tally.errors.append(f"publish {n}: {error!r}")
        return
    checker.tally.publishes.append(_since(started))
    answer = response.json() if response.status_code == 200 else {}
    if answer.get("errors") or not answer.get("data") or answer["data"]["publishArticle"]["errors"]:
        checker.tally.errors.append(f"publish {n}: {response.status_code} {response.text}")
        return
    for page in checked:
        await checker.check(page, n)


async def _read(url: str, order: list[Page], stop: asyncio.Event, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while not stop.is_set():
            for page in order:
                started = time.perf_counter()
                try:
                    response = await fetch(client, page)
                except httpx.HTTPError as error:
                    tally.errors.append(f"read {page.name}: {error!r}")
                    continue
                tally.reads.append(_since(started))
                if response.status_code != 200 or b'"errors"' in response.content:
                    tally.errors.append(f"read {page.name}: {response.status_code}")
                elif response.headers.get("x-cache") == "HIT":
                    tally.hits += 1
                else:
                    tally.misses += 1


async def storm(url: str, newsroom: Newsroom, *, rate: float, readers: int) -> Tally:
    """Publish every draft at `rate` a second, checking after each, while `readers` read."""
    tally = Tally()
    checked = pages(newsroom)
    stop = asyncio.Event()
    reading_started = time.perf_counter()
    reading = [
        asyncio.create_task(_read(url, checked[n % 2 :] + checked[: n % 2], stop, tally))
        for n in range(readers)
    ]
    fresh_connections = httpx.Limits(max_keepalive_connections=0)
    async with (
        httpx.AsyncClient(
            base_url=url, timeout=30, headers={"authorization": f"Bearer {newsroom.token}"}
        ) as editor,
        httpx.AsyncClient(base_url=url, timeout=30, limits=fresh_connections) as checking,
    ):
        checker = Checker(checking, newsroom.drafts, tally)
        started = time.perf_counter()
        publishing = []
        for n in range(len(newsroom.drafts)):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            publishing.append(asyncio.create_task(_publish(editor, checker, checked, n)))
        await asyncio.gather(*publishing)
        tally.publishing_seconds = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*reading)
    tally.reading_seconds = time.perf_counter() - reading_started
    return tally
