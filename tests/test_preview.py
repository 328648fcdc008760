"""Preview tokens: a signed, short-lived link that shows one unpublished article to anyone."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role, User
from cms.services.viewer import Viewer
from cms.settings import Settings
from tests.builders import make_article, make_category, make_tag, make_user
from tests.conftest import Gql

MINT = """
mutation Mint($id: String!) {
  createPreviewToken(input: {id: $id}) { token expiresAt errors { field message code } }
}
"""
PREVIEW = """
query Preview($publicId: String!, $previewToken: String) {
  article(publicId: $publicId, previewToken: $previewToken) {
    publicId title status related { title }
  }
}
"""
PREVIEW_SALT = "article-preview"


async def _author(session: AsyncSession, name: str = "Nino") -> User:
    return await make_user(session, role=Role.AUTHOR, display_name=name)


async def _mint(gql: Gql, viewer: Viewer, public_id: str) -> dict[str, Any]:
    result = await gql(MINT, {"id": public_id}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["createPreviewToken"]
    return payload


def _token_signed_minutes_ago(settings: Settings, public_id: str, minutes: int) -> str:
    """A token as the app would sign it, but with its clock `minutes` behind."""

    class EarlierSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - minutes * 60

    serializer = URLSafeTimedSerializer(
        settings.secret_key, salt=PREVIEW_SALT, signer=EarlierSigner
    )
    return serializer.dumps(public_id)


async def test_an_author_previews_their_own_draft_without_signing_in(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _author(session)
    draft = await make_article(
        session, title="Budget leak", status=ArticleStatus.DRAFT, created_by_id=author.id
    )
    await session.commit()

    minted = await _mint(gql, Viewer(author), draft.public_id)
    result = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": minted["token"]})

    assert minted["errors"] == []
    assert result.errors is None, result.errors
    assert result.data["article"]["title"] == "Budget leak"
    assert result.data["article"]["status"] == "DRAFT"


async def test_the_token_says_when_it_expires(
    session: AsyncSession, gql: Gql, settings: Settings
) -> None:
    author = await _author(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()
    before = datetime.now(UTC)

    minted = await _mint(gql, Viewer(author), draft.public_id)

    expires_at = datetime.fromisoformat(minted["expiresAt"])
    ttl = timedelta(minutes=settings.preview_ttl_minutes)
    assert before + ttl <= expires_at <= datetime.now(UTC) + ttl


async def test_without_the_token_the_draft_stays_hidden(session: AsyncSession, gql: Gql) -> None:
    author = await _author(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()
    await _mint(gql, Viewer(author), draft.public_id)

    result = await gql(PREVIEW, {"publicId": draft.public_id})

    assert result.errors is None
    assert result.data == {"article": None}


async def test_a_token_for_one_article_does_not_open_another(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _author(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    other = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()
    token = (await _mint(gql, Viewer(author), draft.public_id))["token"]

    result = await gql(PREVIEW, {"publicId": other.public_id, "previewToken": token})

    assert result.data == {"article": None}
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


async def test_a_forged_or_garbled_token_is_refused(
    session: AsyncSession, gql: Gql, settings: Settings
) -> None:
    author = await _author(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()
    genuine = (await _mint(gql, Viewer(author), draft.public_id))["token"]
    forged = URLSafeTimedSerializer("not-the-secret", salt=PREVIEW_SALT).dumps(draft.public_id)
    other_purpose = URLSafeTimedSerializer(settings.secret_key, salt="other").dumps(draft.public_id)
    garbled = ("x" if genuine[0] != "x" else "y") + genuine[1:]

    for token in (forged, other_purpose, garbled, "garbage", ""):
        result = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": token})

        assert result.errors is not None, token
        assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
        assert result.data == {"article": None}


async def test_an_expired_token_is_refused(
    session: AsyncSession, gql: Gql, settings: Settings
) -> None:
    author = await _author(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()
    ttl = settings.preview_ttl_minutes
    fresh = _token_signed_minutes_ago(settings, draft.public_id, ttl - 1)
    expired = _token_signed_minutes_ago(settings, draft.public_id, ttl + 1)

    still_valid = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": fresh})
    refused = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": expired})

    assert still_valid.data["article"]["publicId"] == draft.public_id
    assert refused.data == {"article": None}
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "BAD_USER_INPUT"}
    assert "expired" in refused.errors[0].message


async def test_a_previewed_draft_relates_only_to_published_articles(
    session: AsyncSession, gql: Gql
) -> None:
    author = await _author(session)
    economy = await make_category(session)
    wine = await make_tag(session)
    await make_article(session, title="Older", category_id=economy.id, tags=[wine])
    await make_article(session, title="Newer", category_id=economy.id, tags=[wine])
    await make_article(
        session,
        title="Other draft",
        category_id=economy.id,
        status=ArticleStatus.DRAFT,
        tags=[wine],
    )
    await make_article(
        session,
        title="In review",
        category_id=economy.id,
        status=ArticleStatus.IN_REVIEW,
        tags=[wine],
    )
    draft = await make_article(
        session,
        title="Budget leak",
        category_id=economy.id,
        status=ArticleStatus.DRAFT,
        created_by_id=author.id,
        tags=[wine],
    )
    await session.commit()
    token = (await _mint(gql, Viewer(author), draft.public_id))["token"]

    result = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": token})

    assert result.errors is None, result.errors
    assert [r["title"] for r in result.data["article"]["related"]] == ["Newer", "Older"]


async def test_an_author_cannot_preview_another_authors_draft(
    session: AsyncSession, gql: Gql
) -> None:
    nino = await _author(session, "Nino")
    giorgi = await _author(session, "Giorgi")
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=nino.id)
    await session.commit()

    payload = await _mint(gql, Viewer(giorgi), draft.public_id)

    assert payload["token"] is None
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]


async def test_an_editor_previews_anyones_draft(session: AsyncSession, gql: Gql) -> None:
    author = await _author(session)
    editor = await make_user(session, role=Role.EDITOR)
    draft = await make_article(session, status=ArticleStatus.DRAFT, created_by_id=author.id)
    await session.commit()

    token = (await _mint(gql, Viewer(editor), draft.public_id))["token"]
    result = await gql(PREVIEW, {"publicId": draft.public_id, "previewToken": token})

    assert result.data["article"]["publicId"] == draft.public_id


async def test_anonymous_callers_cannot_mint_tokens(session: AsyncSession, gql: Gql) -> None:
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    await session.commit()

    result = await gql(MINT, {"id": draft.public_id})

    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}
