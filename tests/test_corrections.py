"""Corrections: editors add them to published articles; readers, revisions and feeds show them."""

from datetime import timedelta

import httpx
from defusedxml import ElementTree
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.models.columns import utcnow
from cms.services.viewer import Viewer
from tests.builders import make_article, make_user
from tests.conftest import Gql

ADD = """
mutation A($input: AddCorrectionInput!) {
  addCorrection(input: $input) {
    article { version corrections { text correctedAt } }
    correction { text }
    errors { field message code }
  }
}
"""
READ = "query R($id: String!) { article(publicId: $id) { corrections { text correctedAt } } }"
REVISIONS = (
    "query Q($id: String!) { article(publicId: $id) { revisions { changedFields content } } }"
)


async def _editor(session: AsyncSession, role: Role = Role.EDITOR) -> Viewer:
    user = await make_user(session, role=role)
    await session.commit()
    return Viewer(user)


async def test_readers_see_a_dated_correction_under_the_article(
    session: AsyncSession, gql: Gql
) -> None:
    article = await make_article(session, published_at=utcnow() - timedelta(hours=2))
    editor = await _editor(session)
    text = "An earlier version gave the wrong date for the vote; it is on 12 December."

    added = await gql(ADD, {"input": {"id": article.public_id, "text": text}}, viewer=editor)
    read = await gql(READ, {"id": article.public_id})

    assert added.errors is None, added.errors
    assert added.data["addCorrection"]["errors"] == []
    assert added.data["addCorrection"]["article"]["version"] == article.version + 1
    corrections = read.data["article"]["corrections"]
    assert [c["text"] for c in corrections] == [text]
    assert corrections[0]["correctedAt"].endswith("+00:00")


async def test_the_revision_history_records_the_correction(session: AsyncSession, gql: Gql) -> None:
    article = await make_article(session, published_at=utcnow() - timedelta(hours=2))
    editor = await _editor(session)

    await gql(ADD, {"input": {"id": article.public_id, "text": "Wrong name."}}, viewer=editor)
    history = await gql(REVISIONS, {"id": article.public_id}, viewer=editor)

    newest = history.data["article"]["revisions"][0]
    assert "corrections" in newest["changedFields"]
    assert [c["text"] for c in newest["content"]["corrections"]] == ["Wrong name."]


async def test_bad_corrections_are_refused_per_field_and_nothing_is_saved(
    session: AsyncSession, gql: Gql
) -> None:
    published_at = utcnow() - timedelta(hours=2)
    article = await make_article(session, published_at=published_at)
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    editor = await _editor(session)
    cases = [
        ({"id": article.public_id, "text": "   "}, "text"),
        ({"id": article.public_id, "text": "x" * 1001}, "text"),
        ({"id": draft.public_id, "text": "Fixed."}, "id"),
        ({"id": "0000000000000", "text": "Fixed."}, "id"),
        (
            {
                "id": article.public_id,
                "text": "Fixed.",
                "correctedAt": (utcnow() + timedelta(days=1)).isoformat(),
            },
            "correctedAt",
        ),
        (
            {
                "id": article.public_id,
                "text": "Fixed.",
                "correctedAt": (published_at - timedelta(minutes=5)).isoformat(),
            },
            "correctedAt",
        ),
    ]

    for given, field in cases:
        result = await gql(ADD, {"input": given}, viewer=editor)
        payload = result.data["addCorrection"]
        assert payload["article"] is None
        assert [e["field"] for e in payload["errors"]] == [field], given

    read = await gql(READ, {"id": article.public_id})
    assert read.data["article"]["corrections"] == []


async def test_authors_may_not_add_corrections(session: AsyncSession, gql: Gql) -> None:
    author = await make_user(session, role=Role.AUTHOR)
    article = await make_article(session, created_by_id=author.id)
    await session.commit()

    result = await gql(
        ADD, {"input": {"id": article.public_id, "text": "Fixed."}}, viewer=Viewer(author)
    )

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}


async def test_rss_and_the_sitemap_show_the_corrected_time(
    session: AsyncSession, gql: Gql, client: httpx.AsyncClient
) -> None:
    published_at = utcnow() - timedelta(days=1)
    article = await make_article(session, slug="vote", published_at=published_at)
    editor = await _editor(session)
    corrected_at = published_at + timedelta(hours=3)

    await gql(
        ADD,
        {
            "input": {
                "id": article.public_id,
                "text": "Fixed.",
                "correctedAt": corrected_at.isoformat(),
            }
        },
        viewer=editor,
    )
    rss = ElementTree.fromstring((await client.get("/feeds/en.xml")).content)
    sitemap = ElementTree.fromstring((await client.get("/sitemap.xml")).content)

    updated = rss.findtext("channel/item/{http://www.w3.org/2005/Atom}updated")
    assert updated == corrected_at.isoformat(timespec="seconds")
    lastmod = sitemap.findtext(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}url/"
        "{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod"
    )
    assert lastmod is not None
    assert lastmod > published_at.isoformat(timespec="seconds")
