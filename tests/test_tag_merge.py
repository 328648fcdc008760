"""Merging tags: articles move to the kept tag once, old links and feeds follow, caches refresh."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from cms.models import Role, Tag
from cms.services.viewer import Viewer
from tests.builders import make_article, make_tag, make_user
from tests.conftest import Gql
from tests.signing_in import sign_in

MERGE = """
mutation M($source: String!, $target: String!) {
  mergeTags(input: {source: $source, target: $target}) {
    tag { slug } errors { field message code }
  }
}
"""
TAG_PAGE = """
query T($slug: String!) {
  tag(slug: $slug, locale: "en") { slug articles(first: 10) { edges { node { title } } } }
}
"""
FEED = """
query F($tag: String!) { articles(tag: $tag, first: 10) { edges { node { title } } } }
"""
TAGS_OF = "query A($id: String) { article(publicId: $id) { tags { slug } } }"


async def run(gql: Gql, document: str, viewer: Viewer | None = None, **variables: Any) -> Any:
    result = await (gql(document, variables, viewer=viewer) if viewer else gql(document, variables))
    assert result.errors is None, result.errors
    return result.data


async def test_articles_old_links_and_feeds_follow_the_kept_tag(
    gql: Gql, session: AsyncSession
) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    typo = await make_tag(session, slug="ellection")
    kept = await make_tag(session, slug="election")
    await make_article(session, title="Only the typo", tags=[typo])
    both = await make_article(session, title="Both", tags=[typo, kept])
    await make_article(session, title="Only the kept", tags=[kept])
    await session.commit()

    merged = await run(gql, MERGE, editor, source="ellection", target="election")

    assert merged["mergeTags"] == {"tag": {"slug": "election"}, "errors": []}
    old_link = (await run(gql, TAG_PAGE, slug="ellection"))["tag"]
    assert old_link["slug"] == "election"
    assert sorted(e["node"]["title"] for e in old_link["articles"]["edges"]) == [
        "Both",
        "Only the kept",
        "Only the typo",
    ]
    feed = await run(gql, FEED, tag="ellection")
    assert len(feed["articles"]["edges"]) == 3
    assert (await run(gql, TAGS_OF, id=both.public_id))["article"]["tags"] == [{"slug": "election"}]
    assert [t.slug for t in await session.scalars(select(Tag))] == ["election"]


async def test_a_merge_names_what_is_wrong(gql: Gql, session: AsyncSession) -> None:
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    await make_tag(session, slug="port")
    await session.commit()

    itself = await run(gql, MERGE, editor, source="port", target="port")
    unknown = await run(gql, MERGE, editor, source="nope", target="port")

    assert itself["mergeTags"]["errors"] == [
        {
            "field": "target",
            "message": "A tag cannot be merged into itself; choose another tag.",
            "code": "BAD_USER_INPUT",
        }
    ]
    assert unknown["mergeTags"]["errors"][0] == {
        "field": "source",
        "message": "No tag with slug 'nope'.",
        "code": "NOT_FOUND",
    }


async def test_cached_tag_pages_and_articles_show_the_merge_at_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    typo = await make_tag(session, slug="ellection")
    await make_tag(session, slug="election")
    article = await make_article(session, tags=[typo])
    await session.commit()
    _, headers = await sign_in(session, client)

    async def get(query: str, variables: str) -> Any:
        response = await client.get("/graphql", params={"query": query, "variables": variables})
        return response.json()["data"]

    old_tag = '{"slug": "ellection"}'
    tags_of = f'{{"id": "{article.public_id}"}}'
    assert (await get(TAG_PAGE, old_tag))["tag"]["slug"] == "ellection"
    assert (await get(TAGS_OF, tags_of))["article"]["tags"] == [{"slug": "ellection"}]

    await client.post(
        "/graphql",
        json={"query": MERGE, "variables": {"source": "ellection", "target": "election"}},
        headers=headers,
    )

    assert (await get(TAG_PAGE, old_tag))["tag"]["slug"] == "election"
    assert (await get(TAGS_OF, tags_of))["article"]["tags"] == [{"slug": "election"}]
