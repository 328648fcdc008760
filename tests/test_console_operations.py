"""The console's ready operations run against the demo newsroom, as an editor runs them: each
tab's operations in order, with its variables and the values an editor pastes in (an article's
`publicId` and `version`, a picture's id) filled from the answers before. A schema change that
breaks one of them fails here rather than in an editor's hands."""

import json
from typing import Any

import httpx
from graphql import parse, validate
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Role
from cms.seed import seed_demo
from cms.settings import Settings
from cms.web.console_page import read_tabs
from schema import build_schema
from tests.builders import make_token, make_user

OPERATION_NAMES = [
    ["WriteADraft"],
    ["SubmitForReview"],
    ["PublishNow"],
    ["Schedule"],
    ["FindAPicture", "SetACover"],
    ["MakeALiveBlog", "PostAnUpdate"],
    ["MarkBreaking"],
    ["WatchBreakingNews"],
    ["AuditLog"],
    ["AddACorrection"],
    ["LeadTheHomePage"],
    ["CaptionAPicture"],
]
NEEDS_A_PUBLISHED_ARTICLE = {"MarkBreaking", "AddACorrection", "LeadTheHomePage"}


async def _run(
    client: httpx.AsyncClient, token: str, query: str, name: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "operationName": name, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    answer: dict[str, Any] = response.json()
    assert "errors" not in answer, (name, answer)
    data: dict[str, Any] = answer["data"]
    return data


def _errors_of(data: dict[str, Any]) -> list[object]:
    """The `errors` of every mutation payload in `data` (a query's lists have none)."""
    payloads = [payload for payload in data.values() if isinstance(payload, dict)]
    return [error for payload in payloads for error in payload.get("errors", [])]


async def _draft(client: httpx.AsyncClient, token: str, tab: dict[str, str]) -> dict[str, Any]:
    variables = json.loads(tab["variables"])
    data = await _run(client, token, tab["query"], "WriteADraft", variables)
    assert data["createArticle"]["errors"] == []
    article: dict[str, Any] = data["createArticle"]["article"]
    return article


def test_the_tabs_are_the_operations_the_docs_name() -> None:
    tabs = read_tabs()

    assert [
        [line.split()[1].split("(")[0] for line in tab["query"].splitlines() if _opens(line)]
        for tab in tabs
    ] == OPERATION_NAMES
    for tab in tabs:
        assert tab["query"].startswith("# "), "each tab says what it does"
        json.loads(tab["variables"])


def _opens(line: str) -> bool:
    return line.startswith(("query ", "mutation ", "subscription "))


async def test_every_ready_operation_runs_against_the_demo_newsroom(
    session: AsyncSession, settings: Settings, client: httpx.AsyncClient
) -> None:
    await seed_demo(session, settings)
    editor = await make_user(session, role=Role.EDITOR, email="desk@newsroom.example")
    token = await make_token(session, editor)
    admin = await make_user(session, role=Role.ADMIN, email="chief@newsroom.example")
    admin_token = await make_token(session, admin)
    await session.commit()
    tabs = read_tabs()
    schema = build_schema(settings)._schema
    pictures = await _run(client, token, tabs[4]["query"], "FindAPicture", {})
    picture = pictures["mediaLibrary"]["edges"][0]["node"]["id"]

    for tab, names in zip(tabs, OPERATION_NAMES, strict=True):
        draft = await _draft(client, token, tabs[0])
        if NEEDS_A_PUBLISHED_ARTICLE & set(names):
            await _run(client, token, tabs[2]["query"], "PublishNow", {"id": draft["publicId"]})
        pasted = (
            tab["variables"]
            .replace('"PUBLIC-ID"', json.dumps(draft["publicId"]))
            .replace('"MEDIA-ID"', json.dumps(picture))
        )
        variables = json.loads(pasted) | (
            {"version": draft["version"]} if "SetACover" in names else {}
        )
        for name in names:
            if name == "WatchBreakingNews":
                assert validate(schema, parse(tab["query"])) == []
                continue
            caller = admin_token if name == "AuditLog" else token
            data = await _run(client, caller, tab["query"], name, variables)
            assert _errors_of(data) == [], (name, data)
            assert all(payload is not None for payload in data.values()), (name, data)
