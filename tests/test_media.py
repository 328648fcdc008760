"""The media library on both storages: uploads, images and renditions, library, usages, covers."""

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import UploadFile

from cms.models import Media, Role, User
from cms.services import auth as auth_service
from cms.services.media.library import MediaLibrary
from cms.services.passwords import hash_password
from cms.services.viewer import Viewer
from cms.settings import Settings
from cms.storage import storage_for
from cms.web.app import create_app
from tests.builders import make_article, make_user
from tests.conftest import Gql, stored_keys
from tests.media_files import ELF, HTML, PDF, SVG, halves, has_gps, photo, png_bomb

UPLOAD = """
mutation Upload($input: UploadMediaInput!) {
  uploadMedia(input: $input) {
    media { id kind mimeType width height size placeholder dominantColor focalPoint { x y } }
    errors { field message code }
  }
}
"""
IMAGE_FIELDS = """
  id width height
  url wide: url(width: 500, format: WEBP) huge: url(width: 9000, format: WEBP)
  srcset squares: srcset(aspect: SQUARE)
  renditions { width height format aspect url }
"""


@pytest.fixture
async def media_library(
    media_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MediaLibrary]:
    library = MediaLibrary(media_settings, storage_for(media_settings), sessions)
    yield library
    await library.close()


@pytest.fixture
async def editor(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.EDITOR)
    await session.commit()
    return Viewer(user)


async def upload(
    gql: Gql, viewer: Viewer, data: bytes, name: str = "photo.jpg", **fields: Any
) -> dict[str, Any]:
    file = UploadFile(io.BytesIO(data), filename=name)
    result = await gql(UPLOAD, {"input": {"file": file, **fields}}, viewer=viewer)
    assert result.errors is None, result.errors
    payload: dict[str, Any] = result.data["uploadMedia"]
    return payload


async def rows(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Media)) or 0)


async def stored(library: MediaLibrary, url: str) -> bytes:
    prefix = library.settings.media_url_for("")
    assert url.startswith(prefix)
    return await library.storage.get(url.removeprefix(prefix))


async def image_node(gql: Gql, viewer: Viewer, media_id: str) -> dict[str, Any]:
    query = f'{{ node(id: "{media_id}") {{ ... on Media {{ {IMAGE_FIELDS} }} }} }}'
    result = await gql(query, viewer=viewer)
    assert result.errors is None, result.errors
    node: dict[str, Any] = result.data["node"]
    return node


async def test_a_phone_photo_is_upright_and_stripped_of_gps(
    gql: Gql, editor: Viewer, media_library: MediaLibrary
) -> None:
    original = photo(400, 300, orientation=6)
    assert has_gps(original)

    payload = await upload(gql, editor, original, alt="Harbour", focalPoint={"x": 0.3, "y": 0.6})

    media = payload["media"]
    assert payload["errors"] == []
    assert (media["kind"], media["mimeType"]) == ("IMAGE", "image/jpeg")
    assert (media["width"], media["height"]) == (300, 400)
    assert media["focalPoint"] == {"x": 0.3, "y": 0.6}
    assert media["dominantColor"].startswith("#")
    assert len(media["placeholder"]) > 10
    node = await image_node(gql, editor, media["id"])
    kept = await stored(media_library, node["url"])
    assert not has_gps(kept)
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (300, 400)


async def test_renditions_come_in_fixed_widths_and_url_picks_the_nearest(
    gql: Gql, editor: Viewer, media_library: MediaLibrary
) -> None:
    media = (await upload(gql, editor, photo(1400, 700)))["media"]

    await media_library.idle()
    node = await image_node(gql, editor, media["id"])

    widths = sorted({r["width"] for r in node["renditions"] if r["aspect"] == "ORIGINAL"})
    assert widths == [320, 640, 960, 1280, 1400]
    assert {r["format"] for r in node["renditions"]} == {"webp", "jpg"}
    assert node["wide"].endswith("/640.webp")
    assert node["huge"].endswith("/1400.webp")
    assert [part.rsplit(" ", 1)[1] for part in node["squares"].split(", ")] == [
        "320w",
        "640w",
        "700w",
    ]
    for rendition in node["renditions"]:
        data = await stored(media_library, rendition["url"])
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (rendition["width"], rendition["height"])


@pytest.mark.parametrize(("focal_x", "expected"), [(0.1, "red"), (0.9, "blue")])
async def test_square_crops_keep_the_focal_point(
    gql: Gql, editor: Viewer, media_library: MediaLibrary, focal_x: float, expected: str
) -> None:
    media = (
        await upload(gql, editor, halves(), "halves.png", focalPoint={"x": focal_x, "y": 0.5})
    )["media"]
    await media_library.idle()
    node = await image_node(gql, editor, media["id"])

    square = await stored(media_library, node["squares"].split(", ")[-1].rsplit(" ", 1)[0])

    with Image.open(io.BytesIO(square)) as image:
        red, _, blue = image.convert("RGB").resize((1, 1)).getpixel((0, 0))  # type: ignore[misc]
        assert image.size == (400, 400)
    assert ("red" if red > blue else "blue") == expected


async def test_the_same_file_is_stored_once(
    gql: Gql, editor: Viewer, media_library: MediaLibrary, session: AsyncSession
) -> None:
    data = photo(300, 200)
    first = (await upload(gql, editor, data))["media"]
    await media_library.idle()
    files = await stored_keys(media_library.storage)

    second = (await upload(gql, editor, data, "copy.jpg"))["media"]

    assert second["id"] == first["id"]
    assert await rows(session) == 1
    assert await stored_keys(media_library.storage) == files


async def test_documents_are_kept_as_sent(
    gql: Gql, editor: Viewer, media_library: MediaLibrary
) -> None:
    media = (await upload(gql, editor, PDF, "report.exe"))["media"]

    assert (media["kind"], media["mimeType"]) == ("DOCUMENT", "application/pdf")
    assert len(await stored_keys(media_library.storage)) == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (SVG, "not accepted"),
        (HTML, "not accepted"),
        (ELF, "not accepted"),
        (b"just some text", "not recognised"),
        (b"", "empty"),
        (photo(300, 200)[:2000], "corrupt or truncated"),
        (b"\xff\xd8\xff\xe0" + bytes(3000), "corrupt or truncated"),
        (png_bomb(), "pixels"),
    ],
    ids=["svg", "html", "executable", "unknown", "empty", "truncated", "corrupt", "bomb"],
)
async def test_refused_files_leave_nothing_behind(
    gql: Gql,
    editor: Viewer,
    media_library: MediaLibrary,
    session: AsyncSession,
    data: bytes,
    words: str,
) -> None:
    payload = await upload(gql, editor, data, "innocent.jpg")

    assert payload["media"] is None
    [error] = payload["errors"]
    assert error["field"] == "file"
    assert words in error["message"]
    assert await rows(session) == 0
    assert await stored_keys(media_library.storage) == []


async def test_a_file_over_the_limit_is_refused(
    gql: Gql, editor: Viewer, media_library: MediaLibrary, session: AsyncSession
) -> None:
    media_library.settings = media_library.settings.model_copy(update={"media_max_bytes": 1000})

    payload = await upload(gql, editor, PDF + bytes(2000))

    assert "at most 1,000" in payload["errors"][0]["message"]
    assert await rows(session) == 0
    assert await stored_keys(media_library.storage) == []


async def test_the_library_searches_filters_and_pages(
    gql: Gql, editor: Viewer, media_library: MediaLibrary
) -> None:
    for n in range(3):
        await upload(gql, editor, photo(120, 80, seed=n), caption=f"Tbilisi harbour {n}")
    await upload(gql, editor, PDF, "budget.pdf", caption="Budget report")
    query = """
    query Library($search: String, $kind: MediaKind, $after: String) {
      mediaLibrary(search: $search, kind: $kind, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { caption kind } }
      }
    }
    """

    first = (await gql(query, {"search": "HARBOUR"}, viewer=editor)).data["mediaLibrary"]
    after = first["pageInfo"]["endCursor"]
    second = (await gql(query, {"search": "harbour", "after": after}, viewer=editor)).data
    documents = (await gql(query, {"kind": "DOCUMENT"}, viewer=editor)).data["mediaLibrary"]

    assert first["totalCount"] == 3
    captions = [e["node"]["caption"] for e in first["edges"]]
    captions += [e["node"]["caption"] for e in second["mediaLibrary"]["edges"]]
    assert captions == ["Tbilisi harbour 2", "Tbilisi harbour 1", "Tbilisi harbour 0"]
    assert second["mediaLibrary"]["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["caption"] for e in documents["edges"]] == ["Budget report"]


async def test_an_item_in_use_is_not_deleted(
    gql: Gql, editor: Viewer, media_library: MediaLibrary, session: AsyncSession
) -> None:
    media = (await upload(gql, editor, photo(200, 100)))["media"]
    await media_library.idle()
    node = await image_node(gql, editor, media["id"])
    body = f'<figure><img src="{node["url"]}" alt=""></figure>'
    await make_article(session, title="Body story", body=body)
    await session.commit()
    delete = """
    mutation Delete($id: ID!) {
      deleteMedia(input: {id: $id}) {
        deletedId usages { articles { title } } errors { code message }
      }
    }
    """

    refused = (await gql(delete, {"id": media["id"]}, viewer=editor)).data["deleteMedia"]

    assert refused["deletedId"] is None
    assert refused["usages"]["articles"] == [{"title": "Body story"}]
    assert refused["errors"][0]["code"] == "IN_USE"
    assert "Body story" in refused["errors"][0]["message"]
    assert await rows(session) == 1


async def test_deleting_an_unused_item_removes_its_files(
    gql: Gql, editor: Viewer, media_library: MediaLibrary, session: AsyncSession
) -> None:
    media = (await upload(gql, editor, photo(700, 400)))["media"]
    await media_library.idle()
    assert len(await stored_keys(media_library.storage)) > 10

    result = await gql(
        "mutation D($id: ID!) { deleteMedia(input: {id: $id}) { deletedId errors { message } } }",
        {"id": media["id"]},
        viewer=editor,
    )

    assert result.data["deleteMedia"] == {"deletedId": media["id"], "errors": []}
    assert await rows(session) == 0
    assert await stored_keys(media_library.storage) == []


async def _token(session: AsyncSession, settings: Settings) -> str:
    user = User(
        email="photo@newsroom.example",
        display_name="Photo Desk",
        role=Role.EDITOR,
        password_hash=hash_password("correct horse battery staple"),
    )
    session.add(user)
    await session.commit()
    token, _ = await auth_service.login(
        session=session,
        settings=settings,
        email=user.email,
        password="correct horse battery staple",
        address=None,
    )
    return token


def multipart(data: bytes, query: str = UPLOAD) -> dict[str, Any]:
    """The GraphQL multipart request the README's curl command sends."""
    operations = {"query": query, "variables": {"input": {"file": None}}}
    return {
        "data": {"operations": json.dumps(operations), "map": '{"0": ["variables.input.file"]}'},
        "files": {"0": ("phone.jpg", data, "image/jpeg")},
    }


HOME = """
{ articles(first: 5) { edges { node { title cover {
  alt placeholder srcset url(width: 640, format: WEBP) focalPoint { x y }
} } } } }
"""


async def test_an_uploaded_phone_photo_becomes_a_cover_with_a_gps_free_srcset(
    media_settings: Settings, session: AsyncSession, gql: Gql, editor: Viewer
) -> None:
    app = create_app(media_settings)
    token = await _token(session, media_settings)
    original = photo(1600, 1200)
    headers = {"authorization": f"Bearer {token}", "apollo-require-preflight": "true"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as client:
        response = await client.post("/graphql", headers=headers, **multipart(original))
        media = response.json()["data"]["uploadMedia"]["media"]
        await app.state.media.idle()
        create = """
        mutation Cover($cover: ID!) {
          createArticle(input: {title: "Harbour at dawn", locale: "en", cover: $cover}) {
            article { publicId } errors { message }
          }
        }
        """
        made = (await gql(create, {"cover": media["id"]}, viewer=editor)).data["createArticle"]
        publish = (
            "mutation P($id: String!) { publishArticle(input: {id: $id}) { errors { message } } }"
        )
        await gql(publish, {"id": made["article"]["publicId"]}, viewer=editor)
        home = (await client.post("/graphql", json={"query": HOME})).json()["data"]
    await app.state.engine.dispose()

    cover = home["articles"]["edges"][0]["node"]["cover"]
    entries = [part.rsplit(" ", 1) for part in cover["srcset"].split(", ")]
    assert [width for _, width in entries] == ["320w", "640w", "960w", "1280w", "1600w"]
    assert cover["url"].endswith("/640.webp")
    for url, _ in entries:
        data = await app.state.media.storage.get(url.removeprefix(media_settings.media_url_for("")))
        assert len(data) < len(original)
        assert not has_gps(data)
