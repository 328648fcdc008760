"""No mass assignment, and one writer cannot reach another's article.

Input types carry no field a writer may not set (role, status, owner, flags): shown by
introspecting every input a contributor or author may send, and by sending such fields anyway.
Every mutation the permission table (docs/editorial-workflow.md) grants authors on their "own"
articles is tried by one author on another's draft and published article, and `node(id:)`,
`article`, the desk list and the media library's usages are asked for another's draft: nothing
changes and nothing is shown.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, get_named_type
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from strawberry import Schema
from strawberry.relay import GlobalID

from cms.models import Article, ArticleStatus, Revision, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_media, make_user
from tests.conftest import Gql
from tests.test_permission_matrix import PERMISSION_TABLE, sample

PRIVILEGED = re.compile(
    r"role|status|owner|creat|updatedBy|author|user|active|featured|breaking|views|"
    r"publishedAt|digest|liveBlog|version_?id|^id$",
    re.IGNORECASE,
)
"""Input names that would let a writer set what only editors, admins or the system set.
`id` names which object to act on only at an input's top level (checked separately)."""
WRITERS = ("CONTRIBUTOR", "AUTHOR")


def writer_rules() -> dict[str, dict[str, str]]:
    """`{mutation: {CONTRIBUTOR: cell, AUTHOR: cell}}` for the mutations writers may call."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in PERMISSION_TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[:2] == ["mutation", "anonymous"]:
            header = cells
        elif header and len(cells) == len(header) and re.fullmatch(r"[a-z][A-Za-z]+", cells[0]):
            row = dict(zip(header, cells, strict=True))
            if any(row[role] != "no" for role in WRITERS):
                rows[cells[0]] = {role: row[role] for role in WRITERS}
    return rows


def input_fields(schema: GraphQLSchema, type_name: str, top: bool = True) -> set[str]:
    """Every field name of an input type and the input types inside it (`id` only below the
    top level, where it could name something else to attach)."""
    named = schema.get_type(type_name)
    assert isinstance(named, GraphQLInputObjectType)
    found = set()
    for name, member in named.fields.items():
        if not (top and name == "id"):
            found.add(f"{type_name}.{name}")
        inner = get_named_type(member.type)
        if isinstance(inner, GraphQLInputObjectType):
            found |= input_fields(schema, inner.name, top=False)
    return found


def test_writers_inputs_carry_no_privileged_field(graphql_schema: Schema) -> None:
    schema = graphql_schema._schema
    mutations = schema.mutation_type
    assert mutations is not None
    names: set[str] = set()
    for mutation in writer_rules():
        argument = mutations.fields[mutation].args.get("input")
        if argument is not None:
            names |= input_fields(schema, get_named_type(argument.type).name)

    privileged = {name for name in names if PRIVILEGED.search(name.split(".")[1])}

    assert "CreateArticleInput.title" in names
    assert privileged == set()


async def _writer(session: AsyncSession, name: str, role: Role = Role.AUTHOR) -> Viewer:
    user = await make_user(session, display_name=name, role=role)
    await session.commit()
    return Viewer(user)


CREATE = """
mutation C($input: CreateArticleInput!) {
  createArticle(input: $input) { article { publicId status authors { name } } errors { code } }
}
"""


@pytest.mark.parametrize(
    "extra",
    [
        {"status": "PUBLISHED"},
        {"createdById": 1},
        {"authors": ["1"]},
        {"isFeatured": True},
        {"role": "ADMIN"},
        {"views": 1000},
    ],
)
async def test_privileged_fields_sent_anyway_are_refused_and_nothing_is_written(
    session: AsyncSession, gql: Gql, extra: dict[str, Any]
) -> None:
    contributor = await _writer(session, "Ana", Role.CONTRIBUTOR)

    result = await gql(CREATE, {"input": {"title": "Mine"} | extra}, viewer=contributor)

    assert result.errors is not None
    assert f"'{next(iter(extra))}'" in result.errors[0].message
    assert await session.scalar(select(func.count()).select_from(Article)) == 0


async def test_a_writers_new_article_is_their_own_draft(session: AsyncSession, gql: Gql) -> None:
    contributor = await _writer(session, "Ana", Role.CONTRIBUTOR)

    created = (await gql(CREATE, {"input": {"title": "Mine"}}, viewer=contributor)).data

    assert created["createArticle"]["article"]["status"] == "DRAFT"
    assert created["createArticle"]["article"]["authors"] == [{"name": "Ana"}]


def _variables(schema: GraphQLSchema, mutation: str, victim: Article) -> dict[str, Any]:
    """Any valid input aimed at `victim`."""
    mutations = schema.mutation_type
    assert mutations is not None
    input_type = mutations.fields[mutation].args["input"].type
    values: dict[str, Any] = sample(input_type)
    if "ids" in values:
        values["ids"] = [victim.public_id]
    else:
        values["id"] = victim.public_id
    overrides = {
        "version": victim.version,
        "publishAt": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        "title": "Taken over",
    }
    values |= {k: v for k, v in overrides.items() if k in values}
    return {"input": values}


async def _state(sessions: async_sessionmaker[AsyncSession], article_id: int) -> tuple[Any, ...]:
    """What a mutation would change: status, version, title, translation group, revisions."""
    async with sessions() as session:
        row = await session.get(Article, article_id)
        assert row is not None
        revisions = await session.scalar(
            select(func.count()).select_from(Revision).where(col(Revision.article_id) == article_id)
        )
    return (row.status, row.version, row.title, row.translation_group, revisions)


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.PUBLISHED])
async def test_an_author_cannot_touch_anothers_article_through_any_mutation(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    gql: Gql,
    graphql_schema: Schema,
    status: ArticleStatus,
) -> None:
    owner = await make_user(session, role=Role.AUTHOR)
    other = await _writer(session, "Giorgi")
    victim = await make_article(session, status=status, created_by_id=owner.id, authors=[owner])
    await session.commit()
    assert victim.id is not None
    victim_id = victim.id
    before = await _state(sessions, victim_id)
    own_only = sorted(m for m, rule in writer_rules().items() if rule["AUTHOR"].startswith("own"))
    schema = graphql_schema._schema

    codes = {}
    for mutation in own_only:
        field = schema.mutation_type.fields[mutation]  # type: ignore[union-attr]
        payload = get_named_type(field.type)
        bulk = isinstance(payload, GraphQLObjectType) and "results" in payload.fields
        errors = "results { errors { code } }" if bulk else "errors { code }"
        document = (
            f"mutation M($input: {field.args['input'].type}) "
            f"{{ {mutation}(input: $input) {{ {errors} }} }}"
        )
        result = await gql(document, _variables(schema, mutation, victim), viewer=other)
        assert result.errors is None, (mutation, result.errors)
        answer = result.data[mutation]
        found = [e for r in answer["results"] for e in r["errors"]] if bulk else answer["errors"]
        codes[mutation] = [error["code"] for error in found]

    assert set(own_only) == {
        "updateArticle",
        "submitArticleForReview",
        "publishArticle",
        "scheduleArticle",
        "unpublishArticle",
        "restoreArticleRevision",
        "createPreviewToken",
        "setArticleExpiry",
        "bulkPublishArticles",
        "bulkScheduleArticles",
        "bulkTagArticles",
    }
    assert codes == {mutation: ["FORBIDDEN"] for mutation in own_only}
    assert await _state(sessions, victim_id) == before


NODE = "query N($id: ID!) { node(id: $id) { ... on Article { title body } } }"


async def test_an_author_cannot_read_anothers_draft_by_id_or_node(
    session: AsyncSession, gql: Gql
) -> None:
    owner = await _writer(session, "Nino")
    other = await _writer(session, "Giorgi")
    assert owner.user is not None
    draft = await make_article(
        session, status=ArticleStatus.DRAFT, created_by_id=owner.user.id, title="Scoop"
    )
    await session.commit()
    node_id = str(GlobalID("Article", draft.public_id))

    by_node = await gql(NODE, {"id": node_id}, viewer=other)
    by_id = await gql(
        "query A($p: String) { article(publicId: $p) { title } }",
        {"p": draft.public_id},
        viewer=other,
    )
    on_the_desk = await gql("{ editorialArticles { nodes { title } } }", viewer=other)
    owners_view = await gql(NODE, {"id": node_id}, viewer=owner)

    assert by_node.data == {"node": None}
    assert by_id.data == {"article": None}
    assert on_the_desk.data == {"editorialArticles": {"nodes": []}}
    assert owners_view.data["node"]["title"] == "Scoop"


async def test_an_author_cannot_link_a_translation_to_anothers_draft(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], gql: Gql
) -> None:
    owner = await make_user(session, role=Role.AUTHOR)
    other = await _writer(session, "Giorgi")
    victim = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=owner.id)
    published = await make_article(session, created_by_id=owner.id)
    await session.commit()
    assert victim.id is not None
    victim_id, victim_public_id = victim.id, victim.public_id
    before = await _state(sessions, victim_id)

    linked = await gql(
        CREATE,
        {"input": {"title": "Mine", "locale": "ka", "translationOf": victim_public_id}},
        viewer=other,
    )
    to_published = await gql(
        CREATE,
        {"input": {"title": "Mine", "locale": "ka", "translationOf": published.public_id}},
        viewer=other,
    )

    assert linked.data["createArticle"]["errors"] == [{"code": "NOT_FOUND"}]
    assert to_published.data["createArticle"]["errors"] == []
    assert await _state(sessions, victim_id) == before


async def test_media_usages_show_a_writer_no_draft_of_anothers(
    session: AsyncSession, gql: Gql
) -> None:
    owner = await _writer(session, "Nino")
    other = await _writer(session, "Giorgi")
    assert owner.user is not None
    picture = await make_media(session)
    await make_article(
        session, status=ArticleStatus.DRAFT, created_by_id=owner.user.id, cover_id=picture.id
    )
    await make_article(session, title="Public", cover_id=picture.id)
    await session.commit()
    usages = "{ mediaLibrary { edges { node { usages { articles { title } } } } } }"

    seen_by_other = (await gql(usages, viewer=other)).data["mediaLibrary"]["edges"]
    seen_by_owner = (await gql(usages, viewer=owner)).data["mediaLibrary"]["edges"]

    assert seen_by_other == [{"node": {"usages": {"articles": [{"title": "Public"}]}}}]
    assert len(seen_by_owner[0]["node"]["usages"]["articles"]) == 2


async def test_a_writer_reads_the_revisions_of_their_own_articles_only(
    session: AsyncSession, gql: Gql
) -> None:
    owner = await _writer(session, "Nino")
    other = await _writer(session, "Giorgi", Role.CONTRIBUTOR)
    editor = await _writer(session, "Ana", Role.EDITOR)
    assert owner.user is not None
    created = await gql(CREATE, {"input": {"title": "Scoop", "body": "Named source"}}, viewer=owner)
    public_id = created.data["createArticle"]["article"]["publicId"]
    await gql(
        "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { code } } }",
        {"id": public_id},
        viewer=owner,
    )
    history = "query H($p: String) { article(publicId: $p) { revisions { content } } }"

    by_other = await gql(history, {"p": public_id}, viewer=other)
    by_owner = await gql(history, {"p": public_id}, viewer=owner)
    by_editor = await gql(history, {"p": public_id}, viewer=editor)

    assert by_other.errors is not None
    assert by_other.errors[0].extensions == {"code": "FORBIDDEN"}
    assert "Named source" not in str(by_other.data)
    assert len(by_owner.data["article"]["revisions"]) == 2
    assert by_editor.data == by_owner.data
