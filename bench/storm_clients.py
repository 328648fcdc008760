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
from datetime import datetime
from typing import Any

import httpx

from bench.storm_data import Newsroom
from cms.services.persisted_queries import document_hash

ARTICLE_FIELDS = """
      publicId title slug lead publishedAt views
      category { name slug }
      cover { url width height alt }
"""

PAGE_SIZE = 20

HOME_FEED = f"""
query StormHome($locale: String!) {{
  articles(first: {PAGE_SIZE}, locale: $locale) {{ edges {{ node {{ {ARTICLE_FIELDS} }} }} }}
}}
"""

CATEGORY_PAGE = f"""
query StormCategory($slug: String!, $locale: String!) {{
  category(slug: $slug) {{
    name slug
    articles(first: {PAGE_SIZE}, locale: $locale) {{
      edges {{ node {{ {ARTICLE_FIELDS} }} }}
      pageInfo {{ endCursor hasNextPage }}
    }}
  }}
}}
"""

PUBLISH = """
mutation StormPublish($id: String!) {
  publishArticle(input: {id: $id}) { article { publicId publishedAt } errors { message } }
}
"""


@dataclass(frozen=True, slots=True)
class Shown:
    """An article as a page or a publish answered it."""

    public_id: str
    published_at: datetime

    @classmethod
    def of(cls, node: dict[str, Any]) -> "Shown":
        return cls(node["publicId"], datetime.fromisoformat(node["publishedAt"]))


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

    def shown(self, answer: dict[str, Any]) -> list[Shown]:
        connection = answer["data"]
        for key in self.path:
            connection = connection[key]
        return [Shown.of(edge["node"]) for edge in connection["edges"]]


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


def shows(page: list[Shown], published: Shown) -> bool:
    """Whether a page read after a publish returned is fresh: the article is on it, or the page
    is full of newer ones (publishes overlap, and under load a check may be answered after
    twenty more)."""
    if any(shown.public_id == published.public_id for shown in page):
        return True
    return len(page) == PAGE_SIZE and page[-1].published_at > published.published_at


class Checker:
    """Reads both pages after each publish. It revalidates with the last ETag it saw, so a 304
    claims that the body first given with that ETag is still current, and that body is judged."""

    def __init__(self, client: httpx.AsyncClient, tally: Tally) -> None:
        self.client = client
        self.tally = tally
        self.etags: dict[str, str] = {}
        self.bodies: dict[str, list[Shown]] = {}

    async def check(self, page: Page, n: int, published: Shown) -> None:
        started = time.perf_counter()
        response = await fetch(self.client, page, self.etags.get(page.name))
        self.tally.checks.append(_since(started))
        etag = response.headers.get("etag", "")
        if response.status_code == 304 and etag in self.bodies:
            self.tally.not_modified += 1
            shown = self.bodies[etag]
        elif response.status_code == 200 and etag:
            shown = page.shown(response.json())
            self.bodies[etag], self.etags[page.name] = shown, etag
        else:
            self.tally.errors.append(f"check {page.name}: {response.status_code} {response.text}")
            return
        if not shows(shown, published):
            top = [article.public_id for article in shown[:3]]
            self.tally.stale.append(f"{page.name} after publish {n}: {top} on top")


async def _publish(
    editor: httpx.AsyncClient, checker: Checker, checked: list[Page], draft: str, n: int
) -> None:
    started = time.perf_counter()
    try:
        response = await editor.post(
            "/graphql", json={"query": PUBLISH, "variables": {"id": draft}}
        )
    except httpx.HTTPError as error:
        checker.tally.errors.append(f"publish {n}: {error!r}")
        return
    checker.tally.publishes.append(_since(started))
    answer = response.json() if response.status_code == 200 else {}
    if answer.get("errors") or not answer.get("data") or answer["data"]["publishArticle"]["errors"]:
        checker.tally.errors.append(f"publish {n}: {response.status_code} {response.text}")
        return
    published = Shown.of(answer["data"]["publishArticle"]["article"])
    for page in checked:
        await checker.check(page, n, published)


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
        checker = Checker(checking, tally)
        started = time.perf_counter()
        publishing = []
        for n, draft in enumerate(newsroom.drafts):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            publishing.append(asyncio.create_task(_publish(editor, checker, checked, draft, n)))
        await asyncio.gather(*publishing)
        tally.publishing_seconds = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*reading)
    tally.reading_seconds = time.perf_counter() - reading_started
    return tally
