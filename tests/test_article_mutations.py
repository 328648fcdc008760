"""Writing, reviewing, scheduling and publishing articles through the mutations."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from strawberry.relay import GlobalID

from cms.models import Article, ArticleStatus, Revision, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_category, make_user
from tests.conftest import Gql

PAYLOAD = (
    "article { publicId slug title status version body plainText } errors { field message code }"
)
CREATE = (
    f"mutation C($input: CreateArticleInput!) {{ createArticle(input: $input) {{ {PAYLOAD} }} }}"
)
UPDATE = (
    f"mutation U($input: UpdateArticleInput!) {{ updateArticle(input: $input) {{ {PAYLOAD} }} }}"
)
PUBLISH = f"mutation P($id: String!) {{ publishArticle(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
SUBMIT = (
    f"mutation S($id: String!) {{ submitArticleForReview(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
)
UNPUBLISH = f"mutation N($id: String!) {{ unpublishArticle(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
SCHEDULE = (
    "mutation S($id: String!, $at: DateTime!) { scheduleArticle(input: {id: $id, publishAt: $at})"
    f" {{ {PAYLOAD} }} }}"
)
RESTORE = (
    "mutation R($id: String!, $v: Int!) { restoreArticleRevision(input: {id: $id, version: $v})"
    f" {{ {PAYLOAD} }} }}"
)
REVISIONS = (
    "query Q($id: String!) { article(publicId: $id) { version revisions { version changedFields"
    " author { name } content } } }"
)
FEED = "{ articles { edges { node { title } } } }"


async def _staff(session: AsyncSession, role: Role, name: str = "Nino") -> Viewer:
    user = await make_user(session, role=role, display_name=name)
    await session.commit()
    return Viewer(user)


async def _create(gql: Gql, viewer: Viewer, **fields: Any) -> dict[str, Any]:
    result = await gql(CREATE, {"input": {"title": "Wine exports rise"} | fields}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["createArticle"]
    return payload


async def test_a_new_article_is_a_draft_readers_cannot_see(session: AsyncSession, gql: Gql) -> None:
    author = await _staff(session, Role.AUTHOR)

    payload = await _create(gql, author, lead="Up nine percent.")

    assert payload["errors"] == []
    assert (payload["article"]["status"], payload["article"]["version"]) == ("DRAFT", 1)
    assert (await gql(FEED)).data["articles"]["edges"] == []


async def test_georgian_titles_get_latin_slugs_unique_per_locale(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)

    first = await _create(gql, author, title="ღვინის ექსპორტი გაიზარდა", locale="ka")
    second = await _create(gql, author, title="ღვინის ექსპორტი გაიზარდა", locale="ka")
    english = await _create(gql, author, title="Ghvinis eksporti gaizarda", locale="en")

    assert first["article"]["slug"] == "ghvinis-eksporti-gaizarda"
    assert second["article"]["slug"] == "ghvinis-eksporti-gaizarda-2"
    assert english["article"]["slug"] == "ghvinis-eksporti-gaizarda"


async def test_markdown_is_converted_and_scripts_never_survive(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)

    markdown = await _create(
        gql, author, body="## Markets\n\n> Growth goes on.", bodyFormat="MARKDOWN"
    )
    html = await _create(
        gql,
        author,
        body='<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:x">x</a></p>',
    )

    assert "<h2>Markets</h2>" in markdown["article"]["body"]
    assert "<blockquote>" in markdown["article"]["body"]
    body = html["article"]["body"]
    assert "script" not in body
    assert "onclick" not in body
    assert "javascript:" not in body
    assert html["article"]["plainText"] == "Hi x"


async def test_bad_input_names_the_field_and_writes_nothing(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)
    cases = [
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"category": "no-such-category"}, "category"),
        ({"sourceUrl": "javascript:alert(1)"}, "sourceUrl"),
        ({"locale": "fr"}, "locale"),
        ({"slug": "Not A Slug!"}, "slug"),
    ]

    for fields, field in cases:
        result = await gql(CREATE, {"input": {"title": "Valid"} | fields}, viewer=author)
        errors = result.data["createArticle"]["errors"]
        assert [e["field"] for e in errors] == [field], fields
        assert result.data["createArticle"]["article"] is None

    assert await session.scalar(select(func.count()).select_from(Article)) == 0
    assert await session.scalar(select(func.count()).select_from(Revision)) == 0


async def test_publishing_makes_it_public_and_unpublishing_hides_it(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)
    article = (await _create(gql, author))["article"]

    published = await gql(PUBLISH, {"id": article["publicId"]}, viewer=author)
    visible = await gql(FEED)
    await gql(UNPUBLISH, {"id": article["publicId"]}, viewer=author)
    hidden = await gql(FEED)

    assert published.data["publishArticle"]["article"]["status"] == "PUBLISHED"
    assert visible.data["articles"]["edges"] == [{"node": {"title": "Wine exports rise"}}]
    assert hidden.data["articles"]["edges"] == []


async def test_an_impossible_transition_names_the_current_status(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)
    article = (await _create(gql, author))["article"]
    await gql(PUBLISH, {"id": article["publicId"]}, viewer=author)

    result = await gql(SUBMIT, {"id": article["publicId"]}, viewer=author)

    error = result.data["submitArticleForReview"]["errors"][0]
    assert "PUBLISHED" in error["message"]
    assert error["field"] == "status"


async def test_contributors_submit_but_cannot_publish(session: AsyncSession, gql: Gql) -> None:
    contributor = await _staff(session, Role.CONTRIBUTOR)
    article = (await _create(gql, contributor))["article"]

    submitted = await gql(SUBMIT, {"id": article["publicId"]}, viewer=contributor)
    publish = await gql(PUBLISH, {"id": article["publicId"]}, viewer=contributor)

    assert submitted.data["submitArticleForReview"]["article"]["status"] == "IN_REVIEW"
    assert publish.errors is not None
    assert publish.errors[0].extensions == {"code": "FORBIDDEN"}


async def test_authors_cannot_touch_each_others_articles(session: AsyncSession, gql: Gql) -> None:
    nino = await _staff(session, Role.AUTHOR, "Nino")
    giorgi = await _staff(session, Role.AUTHOR, "Giorgi")
    article = (await _create(gql, nino))["article"]

    update = await gql(
        UPDATE, {"input": {"id": article["publicId"], "version": 1, "title": "Mine"}}, viewer=giorgi
    )
    publish = await gql(PUBLISH, {"id": article["publicId"]}, viewer=giorgi)
    read = await gql(REVISIONS, {"id": article["publicId"]}, viewer=giorgi)

    assert update.data["updateArticle"]["errors"][0]["code"] == "FORBIDDEN"
    assert publish.data["publishArticle"]["errors"][0]["code"] == "FORBIDDEN"
    assert read.data["article"] is None


async def test_a_stale_version_is_a_conflict_that_names_who_changed_it(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino")
    other = await _staff(session, Role.EDITOR, "Giorgi")
    public_id = (await _create(gql, editor))["article"]["publicId"]
    await gql(UPDATE, {"input": {"id": public_id, "version": 1, "lead": "New lead"}}, viewer=other)

    stale = await gql(
        UPDATE, {"input": {"id": public_id, "version": 1, "title": "Lost?"}}, viewer=editor
    )

    error = stale.data["updateArticle"]["errors"][0]
    assert error["code"] == "CONFLICT"
    assert "Giorgi" in error["message"]
    assert "version 2" in error["message"]
    assert await session.scalar(select(col(Article.title))) == "Wine exports rise"


async def test_concurrent_updates_with_one_version_exactly_one_wins(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR)
    public_id = (await _create(gql, editor))["article"]["publicId"]

    results = await asyncio.gather(
        *(
            gql(
                UPDATE,
                {"input": {"id": public_id, "version": 1, "title": f"Take {n}"}},
                viewer=editor,
            )
            for n in range(5)
        )
    )

    outcomes = [r.data["updateArticle"] for r in results]
    winners = [o for o in outcomes if not o["errors"]]
    assert len(winners) == 1
    assert all(o["errors"][0]["code"] == "CONFLICT" for o in outcomes if o["errors"])
    stored = (await session.scalars(select(Article))).one()
    assert (stored.title, stored.version) == (winners[0]["article"]["title"], 2)


async def test_a_new_slug_keeps_the_old_one_resolving(session: AsyncSession, gql: Gql) -> None:
    editor = await _staff(session, Role.EDITOR)
    article = (await _create(gql, editor))["article"]
    await gql(PUBLISH, {"id": article["publicId"]}, viewer=editor)

    await gql(
        UPDATE,
        {"input": {"id": article["publicId"], "version": 2, "slug": "wine-record"}},
        viewer=editor,
    )
    found = await gql('query { article(slug: "wine-exports-rise", locale: "ka") { slug } }')

    assert found.data["article"] == {"slug": "wine-record"}


async def test_scheduling_in_the_past_is_refused(session: AsyncSession, gql: Gql) -> None:
    author = await _staff(session, Role.AUTHOR)
    public_id = (await _create(gql, author))["article"]["publicId"]
    past = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()

    refused = await gql(SCHEDULE, {"id": public_id, "at": past}, viewer=author)
    accepted = await gql(SCHEDULE, {"id": public_id, "at": future}, viewer=author)

    assert refused.data["scheduleArticle"]["errors"][0]["field"] == "scheduledAt"
    assert accepted.data["scheduleArticle"]["article"]["status"] == "SCHEDULED"
    assert (await gql(FEED)).data["articles"]["edges"] == []


async def test_a_breaking_flag_until_a_time_without_offset_is_refused_naming_the_time(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR)
    article = await make_article(session)
    await session.commit()

    result = await gql(
        "mutation B($id: String!) { setArticleBreaking(input: "
        '{id: $id, breaking: true, until: "2030-01-01T09:00:00"}) { errors { message } } }',
        {"id": article.public_id},
        viewer=editor,
    )
    page = await gql(
        "query Q($id: String!) { article(publicId: $id) { isBreaking } }",
        {"id": article.public_id},
    )

    assert result.errors is not None
    assert result.errors[0].message == (
        "Give the time '2030-01-01T09:00:00' with its offset, e.g. 2026-12-01T09:00:00+04:00."
    )
    assert page.data["article"] == {"isBreaking": False}


async def test_a_time_with_no_utc_equivalent_is_refused_and_the_draft_stays_a_draft(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _staff(session, Role.AUTHOR)
    public_id = (await _create(gql, author))["article"]["publicId"]

    at = "9999-12-31T23:59:59-14:00"

    result = await gql(SCHEDULE, {"id": public_id, "at": at}, viewer=author)
    status = await session.scalar(
        select(col(Article.status)).where(col(Article.public_id) == public_id)
    )

    assert result.errors is not None
    assert result.errors[0].message.endswith(
        f"{at!r} is too near the calendar's ends; give a time between 0001-01-02 and 9999-12-30."
    )
    assert status == ArticleStatus.DRAFT


async def test_every_save_is_a_revision_and_restoring_adds_one(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR, "Nino")
    public_id = (await _create(gql, editor, lead="First lead"))["article"]["publicId"]
    await gql(
        UPDATE, {"input": {"id": public_id, "version": 1, "lead": "Second lead"}}, viewer=editor
    )

    restored = await gql(RESTORE, {"id": public_id, "v": 1}, viewer=editor)
    history = (await gql(REVISIONS, {"id": public_id}, viewer=editor)).data["article"]

    assert restored.data["restoreArticleRevision"]["errors"] == []
    assert [r["version"] for r in history["revisions"]] == [3, 2, 1]
    assert history["revisions"][1]["changedFields"] == ["lead"]
    assert history["revisions"][0]["content"]["lead"] == "First lead"
    assert history["revisions"][0]["author"] == {"name": "Nino"}


async def test_readers_cannot_list_revisions(session: AsyncSession, gql: Gql) -> None:
    article = await make_article(session)
    await session.commit()

    result = await gql(REVISIONS, {"id": article.public_id})

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


async def test_editors_set_featured_and_breaking_that_expires(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR)
    article = await make_article(session, category_id=(await make_category(session)).id)
    await session.commit()
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    await gql(
        "mutation F($id: String!) "
        "{ setArticleFeatured(input: {id: $id, featured: true}) { errors { message } } }",
        {"id": article.public_id},
        viewer=editor,
    )
    await gql(
        "mutation B($id: String!, $until: DateTime) "
        "{ setArticleBreaking(input: {id: $id, breaking: true, until: $until}) "
        "{ errors { message } } }",
        {"id": article.public_id, "until": until},
        viewer=editor,
    )
    page = await gql(
        "query Q($id: String!) { article(publicId: $id) { isFeatured isBreaking } }",
        {"id": article.public_id},
    )

    assert page.data["article"] == {"isFeatured": True, "isBreaking": True}


async def test_deleting_removes_the_article(session: AsyncSession, gql: Gql) -> None:
    editor = await _staff(session, Role.EDITOR)
    article = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    result = await gql(
        "mutation D($id: String!) "
        "{ deleteArticle(input: {id: $id}) { deletedId errors { message } } }",
        {"id": article.public_id},
        viewer=editor,
    )

    assert result.data["deleteArticle"] == {"deletedId": article.public_id, "errors": []}
    assert await session.scalar(select(func.count()).select_from(Article)) == 0


async def test_a_cover_id_past_the_largest_key_is_an_error_on_the_cover(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _staff(session, Role.EDITOR)
    too_large = str(GlobalID("Media", "99999999999999999999"))

    result = await gql(CREATE, {"input": {"title": "Ports", "cover": too_large}}, viewer=editor)

    assert result.errors is None, result.errors
    assert result.data["createArticle"]["article"] is None
    assert [e["field"] for e in result.data["createArticle"]["errors"]] == ["cover"]
