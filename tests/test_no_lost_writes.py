"""No lost writes: a server killed outright amid a stream of edits keeps every write it
acknowledged, and leaves no article half-written.

Editors create tagged articles, edit them twice and publish them through GraphQL against a real
uvicorn process, each remembering every write whose response came back without errors. The test
kills the process with SIGKILL at a random moment (a seeded RNG, so a failure replays), starts a
new one on the same database and checks every article: the acknowledged state or, for the one
write a writer had in flight, the state it would have made, and nothing else; and whole, with one
revision and one audit entry per version, the tags and the author its last revision names.
"""

import asyncio
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import Article, ArticleAuthor, ArticleTag, AuditEntry, Revision, Role, Tag
from tests.builders import make_token, make_user
from tests.live_server import ServerProcess, server_process

SEED = 20261207
ROUNDS = 4
WRITERS = 4
ACTIONS = ("article.create", "article.update", "article.update", "article.publish")
PAYLOAD = "article { publicId version } errors { field message }"
CREATE = f"mutation($input: CreateArticleInput!) {{ createArticle(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation($input: UpdateArticleInput!) {{ updateArticle(input: $input) {{ {PAYLOAD} }} }}"
PUBLISH = f"mutation($id: String!) {{ publishArticle(input: {{id: $id}}) {{ {PAYLOAD} }} }}"


@dataclass(frozen=True, slots=True)
class State:
    version: int
    title: str
    tags: tuple[str, ...]
    status: str


@dataclass
class Story:
    """One article as its writer knows it: the last acknowledged state, and the state a write
    in flight when the server died would have made."""

    title: str
    public_id: str | None = None
    acked: State | None = None
    pending: State | None = None


@dataclass
class Acks:
    """Counts acknowledged writes and says when the kill is due."""

    kill_after: int
    count: int = 0
    due: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self) -> None:
        self.count += 1
        if self.count >= self.kill_after:
            self.due.set()


class ServerGone(Exception):
    """The request got no answer: its write may or may not have happened."""


async def _write(
    client: httpx.AsyncClient, story: Story, state: State, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    story.pending = state
    try:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    except httpx.TransportError as error:
        raise ServerGone from error
    assert response.status_code == 200, response.text
    (payload,) = response.json()["data"].values()
    assert payload["errors"] == [], payload["errors"]
    assert payload["article"]["version"] == state.version
    story.acked, story.pending = state, None
    return dict(payload["article"])


async def _editor(
    client: httpx.AsyncClient, name: str, stories: list[Story], acks: Acks, rng: random.Random
) -> None:
    """Write stories until the server dies: create with tags, edit twice, publish."""
    for number in range(200):
        story = Story(f"{name} story {number}")
        stories.append(story)
        tags = [f"{name} desk", f"topic {rng.randrange(5)}"]
        state = State(1, story.title, tuple(_slug(t) for t in tags), "DRAFT")
        try:
            created = await _write(
                client,
                story,
                state,
                CREATE,
                {"input": {"title": story.title, "locale": "en", "tags": tags, "body": "<p>…</p>"}},
            )
            acks.add()
            story.public_id = created["publicId"]
            for edit in (1, 2):
                tags = [f"{name} desk", f"edit {edit}", f"topic {rng.randrange(5)}"]
                title = f"{story.title} (edit {edit})"
                state = State(state.version + 1, title, tuple(_slug(t) for t in tags), "DRAFT")
                change = {"id": story.public_id, "version": state.version - 1, "title": title}
                await _write(client, story, state, UPDATE, {"input": change | {"tags": tags}})
                acks.add()
            state = State(state.version + 1, state.title, state.tags, "PUBLISHED")
            await _write(client, story, state, PUBLISH, {"id": story.public_id})
            acks.add()
        except ServerGone:
            return


def _slug(tag: str) -> str:
    return tag.lower().replace(" ", "-")


async def _round(
    server: ServerProcess, token: str, stories: list[Story], rng: random.Random, number: int
) -> None:
    """Editors write until the kill, at a random count of acknowledged writes plus a random
    fraction of a request's time, so some write is usually in flight."""
    acks = Acks(kill_after=rng.randint(6, 40))
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as client:
        editors = [
            asyncio.create_task(_editor(client, f"r{number} w{n}", stories, acks, rng))
            for n in range(WRITERS)
        ]
        await asyncio.wait_for(acks.due.wait(), timeout=60)
        await asyncio.sleep(rng.uniform(0, 0.05))
        server.kill()
        await asyncio.gather(*editors)
    assert acks.count >= acks.kill_after


async def _stored(session: AsyncSession, article: Article) -> State:
    tags = await session.scalars(
        select(Tag.slug)
        .join(ArticleTag, col(ArticleTag.tag_id) == col(Tag.id))
        .where(col(ArticleTag.article_id) == article.id)
        .order_by(col(ArticleTag.position))
    )
    return State(article.version, article.title, tuple(tags), article.status.value)


async def _check_whole(session: AsyncSession, article: Article, state: State) -> None:
    """One revision and one audit entry per version, in order; the last revision, the tag rows
    and the author row agree with the article."""
    revisions = (
        await session.scalars(
            select(Revision)
            .where(col(Revision.article_id) == article.id)
            .order_by(col(Revision.version))
        )
    ).all()
    assert [r.version for r in revisions] == list(range(1, article.version + 1)), article.title
    last = revisions[-1].content
    assert (last["title"], tuple(last["tags"]), last["status"]) == (
        state.title,
        state.tags,
        state.status,
    )
    actions = await session.scalars(
        select(AuditEntry.action)
        .where(col(AuditEntry.entity_type) == "article", col(AuditEntry.entity_id) == article.id)
        .order_by(col(AuditEntry.id))
    )
    assert list(actions) == list(ACTIONS[: article.version]), article.title
    authors = await session.scalars(
        select(ArticleAuthor.author_id).where(col(ArticleAuthor.article_id) == article.id)
    )
    assert len(authors.all()) == 1, article.title


async def _check(
    sessions: async_sessionmaker[AsyncSession], stories: list[Story], *, sqlite: bool
) -> None:
    """Every acknowledged write is there exactly, nothing else is, and every article is whole;
    then what is stored becomes what the stories expect from now on."""
    async with sessions() as session:
        articles = {a.title: a for a in (await session.scalars(select(Article))).all()}
        known: set[str] = set()
        for story in stories:
            candidates = [s for s in (story.pending, story.acked) if s is not None]
            found = next((articles[s.title] for s in candidates if s.title in articles), None)
            if found is None:
                assert story.acked is None, f"acknowledged {story.title!r} is gone"
                continue
            state = await _stored(session, found)
            assert state in candidates, f"{story.title!r}: stored {state}, expected {candidates}"
            await _check_whole(session, found, state)
            known.add(found.title)
            story.public_id, story.acked, story.pending = found.public_id, state, None
        assert set(articles) == known, "articles no writer wrote"
        if sqlite:
            assert (await session.execute(text("PRAGMA integrity_check"))).scalar_one() == "ok"
    stories[:] = [story for story in stories if story.acked is not None]


async def test_a_killed_server_loses_no_acknowledged_write(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    tmp_path: Path,
) -> None:
    editor = await make_user(session, role=Role.EDITOR)
    token = await make_token(session, editor)
    await session.commit()
    env = {
        "CMS_DATABASE_URL": database_url,
        "CMS_SCHEDULER_INTERVAL_SECONDS": "0",
        "CMS_MEDIA_ROOT": str(tmp_path / "media"),
    }
    rng = random.Random(SEED)
    stories: list[Story] = []

    for number in range(ROUNDS + 1):
        with server_process(env) as server:
            await _check(sessions, stories, sqlite=database_url.startswith("sqlite"))
            if number < ROUNDS:
                await _round(server, token, stories, rng, number)

    assert {s.acked.status for s in stories if s.acked} == {"DRAFT", "PUBLISHED"}
