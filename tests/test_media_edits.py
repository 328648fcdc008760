"""Fixing a media item after upload: texts, the focal point and its new crops, who may, and the
cached pages that show it."""

import io
from typing import Any

import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from strawberry import relay

from cms.models import Role
from cms.services.media.library import MediaLibrary
from cms.services.viewer import Viewer
from tests.builders import make_article, make_media, make_user
from tests.conftest import Gql
from tests.media_files import halves
from tests.signing_in import sign_in

UPLOAD = """
mutation Upload($input: UploadMediaInput!) {
  uploadMedia(input: $input) { media { id } errors { field message } }
}
"""
UPDATE = """
mutation Update($input: UpdateMediaInput!) {
  updateMedia(input: $input) {
    media { id alt caption credit focalPoint { x y } }
    errors { field message code }
  }
}
"""
SQUARES = '{ node(id: "%s") { ... on Media { squares: srcset(aspect: SQUARE) } } }'


def global_id(media_id: int | None) -> str:
    return str(relay.GlobalID("Media", str(media_id)))


async def viewer(session: AsyncSession, role: Role) -> Viewer:
    user = await make_user(session, role=role)
    await session.commit()
    return Viewer(user)


async def upload(gql: Gql, who: Viewer, **fields: Any) -> str:
    file = UploadFile(io.BytesIO(halves()), filename="halves.png")
    result = await gql(UPLOAD, {"input": {"file": file, **fields}}, viewer=who)
    assert result.data["uploadMedia"]["errors"] == []
    media_id: str = result.data["uploadMedia"]["media"]["id"]
    return media_id


async def update(gql: Gql, who: Viewer, **fields: Any) -> dict[str, Any]:
    result = await gql(UPDATE, {"input": fields}, viewer=who)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["updateMedia"]
    return payload


async def square_colour(gql: Gql, who: Viewer, library: MediaLibrary, media_id: str) -> str:
    result = await gql(SQUARES % media_id, viewer=who)
    largest = result.data["node"]["squares"].split(", ")[-1].rsplit(" ", 1)[0]
    data = await library.storage.get(largest.removeprefix(library.settings.media_url_for("")))
    with Image.open(io.BytesIO(data)) as image:
        red, _, blue = image.convert("RGB").resize((1, 1)).getpixel((0, 0))  # type: ignore[misc]
    return "red" if red > blue else "blue"


async def test_texts_change_and_crops_follow_a_new_focal_point(
    gql: Gql, session: AsyncSession, media_library: MediaLibrary
) -> None:
    editor = await viewer(session, Role.EDITOR)
    media_id = await upload(gql, editor, focalPoint={"x": 0.1, "y": 0.5})
    await media_library.idle()
    assert await square_colour(gql, editor, media_library, media_id) == "red"

    payload = await update(
        gql,
        editor,
        id=media_id,
        alt=" Two colours ",
        credit="Agency",
        focalPoint={"x": 0.9, "y": 0.5},
    )
    await media_library.idle()

    assert payload["errors"] == []
    assert payload["media"]["alt"] == "Two colours"
    assert payload["media"]["credit"] == "Agency"
    assert payload["media"]["caption"] == ""
    assert payload["media"]["focalPoint"] == {"x": 0.9, "y": 0.5}
    assert await square_colour(gql, editor, media_library, media_id) == "blue"


async def test_bad_input_is_refused_per_field_and_nothing_changes(
    gql: Gql, session: AsyncSession
) -> None:
    editor = await viewer(session, Role.EDITOR)
    media = await make_media(session, alt="Kept")
    await session.commit()
    media_id = global_id(media.id)

    too_long = await update(gql, editor, id=media_id, alt="x" * 501, caption="New")
    off_picture = await update(gql, editor, id=media_id, focalPoint={"x": 1.5, "y": 0.5})
    wrong_id = await update(gql, editor, id="QXJ0aWNsZTox", alt="x")

    assert too_long["errors"] == [
        {"field": "alt", "message": "At most 500 characters.", "code": "BAD_USER_INPUT"}
    ]
    assert off_picture["errors"][0]["field"] == "focalPoint"
    assert wrong_id["errors"][0]["field"] == "id"
    await session.refresh(media)
    assert (media.alt, media.caption, media.focal_x) == ("Kept", "", 0.5)


async def test_writers_change_only_the_media_they_uploaded(
    gql: Gql, session: AsyncSession, media_library: MediaLibrary
) -> None:
    contributor = await viewer(session, Role.CONTRIBUTOR)
    theirs = await upload(gql, contributor)
    others = await make_media(session)
    await session.commit()
    others_id = global_id(others.id)

    own = await update(gql, contributor, id=theirs, caption="Mine")
    refused = await update(gql, contributor, id=others_id, caption="Not mine")
    await media_library.idle()

    assert own["errors"] == []
    assert refused["media"] is None
    assert refused["errors"][0]["code"] == "FORBIDDEN"


async def test_a_cached_article_shows_the_new_alt_text_at_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    cover = await make_media(session, alt="Old words")
    article = await make_article(session, cover_id=cover.id)
    await session.commit()
    _, headers = await sign_in(session, client)
    page = "query A($id: String) { article(publicId: $id) { cover { id alt } } }"
    params = {"query": page, "variables": f'{{"id": "{article.public_id}"}}'}
    before = (await client.get("/graphql", params=params)).json()["data"]["article"]["cover"]
    assert before["alt"] == "Old words"

    changed = await client.post(
        "/graphql",
        json={"query": UPDATE, "variables": {"input": {"id": before["id"], "alt": "New words"}}},
        headers=headers,
    )

    assert changed.json()["data"]["updateMedia"]["errors"] == []
    after = (await client.get("/graphql", params=params)).json()["data"]["article"]["cover"]
    assert after["alt"] == "New words"
