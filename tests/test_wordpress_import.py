"""`cms import wordpress`: posts, terms, authors and pictures from WXR files the tests write, in
several WordPress versions' shapes and with hostile content."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleSlugHistory,
    AuthorProfile,
    Category,
    Media,
    Tag,
    User,
)
from cms.settings import Settings
from cms.transfer.report import Report
from cms.transfer.wordpress.run import WordPressOptions, import_wordpress
from cms.transfer.writer import ImportOptions
from tests.conftest import Gql
from tests.media_files import photo
from tests.wxr_files import SITE, Post, write_wxr, wxr

PICTURE = photo(320, 240, gps=False)
OTHER_PICTURE = photo(320, 240, gps=False, seed=2)


class OldSite(BaseHTTPRequestHandler):
    """The old WordPress site's uploads, for pictures that are not next to the export."""

    def do_GET(self) -> None:
        body = {"/wp-content/uploads/remote.jpg": OTHER_PICTURE}.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def old_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OldSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def wp_settings(settings: Settings) -> Settings:
    """Downloads from the test's own server on loopback are allowed, nothing else private."""
    return settings.model_copy(
        update={"media_import_allowed_networks": [ip_network("127.0.0.1/32")]}
    )


async def _import(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    source: Path,
    options: ImportOptions | None = None,
    wordpress: WordPressOptions | None = None,
) -> Report:
    return await import_wordpress(
        sessions, settings, source, options or ImportOptions(), wordpress or WordPressOptions()
    )


async def _article(session: AsyncSession, title: str) -> Article:
    found = (await session.scalars(select(Article).where(col(Article.title) == title))).first()
    assert found is not None, f"no article {title!r}"
    return found


async def _count(session: AsyncSession, entity: object) -> int:
    return int(await session.scalar(select(func.count()).select_from(entity)) or 0)  # type: ignore[arg-type]


async def test_posts_come_in_with_status_dates_terms_and_author(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    posts = [
        Post(1, "Wine exports rise", name="wine-exports-rise", categories=["wine"],
             tags=["exports"], excerpt="<p>Up <b>12%</b>.</p>"),
        Post(2, "A draft", status="draft", date_gmt="0000-00-00 00:00:00",
             date_local="2019-05-01 12:00:00"),
        Post(3, "Coming soon", status="future", date_gmt="2030-01-01 08:00:00"),
        Post(4, "Under review", status="pending"),
        Post(5, "Deleted", status="trash"),
    ]  # fmt: skip
    source = write_wxr(
        tmp_path, wxr(posts, categories={"economy": "", "wine": "economy"}, tags=("exports",))
    )

    report = await _import(sessions, settings, source)

    assert report.errors == []
    assert report.created["articles"] == 4
    wine = await _article(session, "Wine exports rise")
    assert (wine.status, wine.slug, wine.lead) == ("PUBLISHED", "wine-exports-rise", "Up 12%.")
    assert wine.published_at is not None
    assert wine.published_at.isoformat() == "2019-03-01T10:00:00+00:00"
    categories = {c.slug: c for c in (await session.scalars(select(Category))).all()}
    assert wine.category_id == categories["wine"].id
    assert categories["wine"].parent_id == categories["economy"].id
    assert (await session.scalars(select(Tag.slug))).all() == ["exports"]
    assert (await session.scalars(select(User.email))).all() == ["nino@old.example"]
    draft = await _article(session, "A draft")
    assert draft.status == "DRAFT"
    assert draft.created_at.isoformat() == "2019-05-01T08:00:00+00:00"  # 12:00 in Tbilisi
    scheduled = await _article(session, "Coming soon")
    assert (scheduled.status, scheduled.published_at) == ("SCHEDULED", None)
    assert scheduled.scheduled_at is not None
    assert (await _article(session, "Under review")).status == "IN_REVIEW"
    assert [p.message for p in report.warnings] == ["status 'trash' is not imported"]


async def test_older_wordpress_versions_read_alike(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    for version in ("1.0", "1.1"):
        folder = tmp_path / version
        folder.mkdir()
        post = Post(int(version[-1]) + 10, f"From WXR {version}", name=f"wxr-{version[-1]}")
        report = await _import(sessions, settings, write_wxr(folder, wxr([post], version=version)))
        assert report.created["articles"] == 1, report.summary()
    assert await _count(session, Article) == 2


async def test_hostile_content_becomes_clean_html(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    content = """<!-- wp:paragraph --><p>Hello <strong>readers</strong><script>alert(1)</script>
<a href="javascript:alert(2)" onclick="steal()">click</a></p><!-- /wp:paragraph -->
<iframe src="https://evil.example/frame"></iframe>
[caption id="attachment_9" width="300"]<img src="https://elsewhere.example/a.jpg" alt="A"> Caption[/caption]
[contact-form-7 id="3"]<p>Broken <em>nesting</b></p><div><p>unclosed
https://www.youtube.com/watch?v=dQw4w9WgXcQ
"""  # noqa: E501
    source = write_wxr(tmp_path, wxr([Post(1, "Hostile", content=content)]))

    report = await _import(sessions, settings, source, wordpress=WordPressOptions(download=False))

    body = (await _article(session, "Hostile")).body
    for gone in ("<script", "alert", "javascript:", "onclick", "evil.example", "[caption",
                 "contact-form", "elsewhere.example", "<!--"):  # fmt: skip
        assert gone not in body
    assert "<p>Hello <strong>readers</strong>" in body
    assert "<figcaption>Caption</figcaption>" in body
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in body
    assert [p.message for p in report.errors] == [
        "not found next to the export, and downloads are off"
    ]


async def test_pictures_come_from_the_uploads_folder_or_the_old_site_each_stored_once(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], wp_settings: Settings,
    tmp_path: Path, old_site: str,
) -> None:  # fmt: skip
    uploads = tmp_path / "uploads" / "2019" / "03"
    uploads.mkdir(parents=True)
    (uploads / "cover.jpg").write_bytes(PICTURE)
    local = f"{SITE}/wp-content/uploads/2019/03/cover.jpg"
    remote = f"{old_site}/wp-content/uploads/remote.jpg"
    missing = f"{old_site}/wp-content/uploads/gone.jpg"
    posts = [
        Post(1, "Attachment", post_type="attachment", attachment_url=local, status="inherit"),
        Post(2, "With cover", meta={"_thumbnail_id": "1"},
             content=f'<p>Body</p><img src="{remote}" alt="Remote"><img src="{missing}">'),
        Post(3, "Same pictures", meta={"_thumbnail_id": "1"}, content=f'<img src="{remote}">'),
        Post(4, "Dangling cover", meta={"_thumbnail_id": "77"}),
    ]  # fmt: skip
    source = write_wxr(tmp_path, wxr(posts))

    report = await _import(sessions, wp_settings, source)

    assert await _count(session, Media) == 2
    covered = await _article(session, "With cover")
    same = await _article(session, "Same pictures")
    assert covered.cover_id is not None
    assert covered.cover_id == same.cover_id
    remote_copy = (
        await session.scalars(select(Media).where(col(Media.source_url) == remote))
    ).one()
    assert f'<img src="{wp_settings.media_url_for(remote_copy.storage_key)}"' in covered.body
    assert "gone.jpg" not in covered.body
    assert [(p.item, p.message) for p in report.errors] == [
        (f"picture {missing} of post 2 ('With cover')", "The server answered 404.")
    ]
    assert ("post 4 ('Dangling cover')", "its featured image (attachment 77) is missing") in {
        (p.item, p.message) for p in report.warnings
    }
    assert (await _article(session, "Dangling cover")).cover_id is None


async def test_duplicate_slugs_get_a_number_and_old_permalinks_keep_resolving(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path, gql: Gql,
) -> None:  # fmt: skip
    posts = [
        Post(1, "First", name="budget", link=f"{SITE}/2019/03/budget/"),
        Post(2, "Second", name="budget", link=f"{SITE}/2019/03/budget-2019/",
             meta={"_wp_old_slug": ["draft-budget", "budget-plans"]}),
    ]  # fmt: skip
    source = write_wxr(tmp_path, wxr(posts))

    report = await _import(sessions, settings, source)
    await _import(sessions, settings, source)

    assert report.errors == []
    second = await _article(session, "Second")
    assert second.slug == "budget-2"
    old = (
        await session.scalars(
            select(ArticleSlugHistory.slug).where(col(ArticleSlugHistory.article_id) == second.id)
        )
    ).all()
    assert sorted(old) == ["budget-2019", "budget-plans", "draft-budget"]
    result = await gql('{ article(slug: "budget-plans", locale: "ka") { title slug } }')
    assert result.data == {"article": {"title": "Second", "slug": "budget-2"}}


async def test_a_post_in_two_languages_becomes_two_linked_translations(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    posts = [
        Post(1, "Wine exports rise", name="wine", language="en", translations="pll_1"),
        Post(2, "ღვინის ექსპორტი იზრდება", name="%e1%83%a6%e1%83%95%e1%83%98%e1%83%9c%e1%83%90",
             language="ka", translations="pll_1"),
        Post(3, "WPML post", meta={"_wpml_language": "en_US", "_icl_trid": "7"}),
    ]  # fmt: skip
    source = write_wxr(tmp_path, wxr(posts))

    await _import(sessions, settings, source)

    english = await _article(session, "Wine exports rise")
    georgian = await _article(session, "ღვინის ექსპორტი იზრდება")
    assert (english.locale, georgian.locale) == ("en", "ka")
    assert georgian.slug == "ghvina"
    assert english.translation_group is not None
    assert english.translation_group == georgian.translation_group
    assert (await _article(session, "WPML post")).locale == "en"


async def test_legacy_public_ids_come_from_a_meta_field_when_they_have_the_right_shape(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    posts = [
        Post(1, "Kept id", meta={"legacy_id": "61dff2e28e0d7"}),
        Post(2, "Wrong shape", meta={"legacy_id": "61DFF2E28"}),
    ]
    source = write_wxr(tmp_path, wxr(posts))

    report = await _import(
        sessions, settings, source, wordpress=WordPressOptions(public_id_meta="legacy_id")
    )

    assert (await _article(session, "Kept id")).public_id == "61dff2e28e0d7"
    assert [(p.item, p.message) for p in report.errors] == [
        (
            "post 2 ('Wrong shape')",
            "its legacy_id '61DFF2E28' is not a public id (13 lowercase hexadecimal characters)",
        )
    ]
    assert await _count(session, Article) == 1


async def test_a_second_import_of_the_same_file_changes_nothing(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    posts = [Post(n, f"Post {n}", name=f"post-{n}", categories=["news"], tags=["a", "b"],
                  status="draft" if n % 3 == 0 else "publish", date_gmt="0000-00-00 00:00:00"
                  if n % 3 == 0 else "2019-03-01 10:00:00") for n in range(1, 13)]  # fmt: skip
    source = write_wxr(tmp_path, wxr(posts, categories={"news": ""}, tags=("a", "b")))
    await _import(sessions, settings, source)

    again = await _import(sessions, settings, source)

    assert again.errors == []
    assert again.changed == 0
    assert again.unchanged["articles"] == 12


async def test_posts_by_an_author_missing_from_the_export_come_in_without_a_byline(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    source = write_wxr(tmp_path, wxr([Post(1, "Orphan", creator="ghost")]))

    report = await _import(sessions, settings, source)

    assert report.created["articles"] == 1
    assert [p.message for p in report.warnings] == ["its author 'ghost' is not in the export"]


async def test_terms_a_post_uses_but_the_channel_does_not_list_are_created(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    source = write_wxr(tmp_path, wxr([Post(1, "Partial", categories=["misc"], tags=["loose"])]))

    report = await _import(sessions, settings, source)

    assert report.errors == []
    article = await _article(session, "Partial")
    category = (await session.scalars(select(Category).where(col(Category.slug) == "misc"))).one()
    assert article.category_id == category.id
    assert (await session.scalars(select(Tag.slug))).all() == ["loose"]


async def test_authors_become_author_profiles_in_their_posts_bylines(
    session: AsyncSession, sessions: async_sessionmaker[AsyncSession], settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    posts = [Post(1, "By Nino"), Post(2, "From the desk", creator="news.desk")]
    source = write_wxr(tmp_path, wxr(posts, authors={"nino": "nino@old.example", "news.desk": ""}))

    report = await _import(sessions, settings, source)
    again = await _import(sessions, settings, source)

    assert report.errors == []
    profiles = {p.slug: p for p in (await session.scalars(select(AuthorProfile))).all()}
    account = (await session.scalars(select(User))).one()
    assert profiles["nino"].names == dict.fromkeys(settings.locales, "Nino")
    assert profiles["nino"].user_id == account.id
    assert profiles["news-desk"].names == dict.fromkeys(settings.locales, "News.Desk")
    assert profiles["news-desk"].user_id is None
    bylines = select(Article.title, AuthorProfile.slug).join(
        ArticleAuthor, col(ArticleAuthor.article_id) == col(Article.id)
    )
    found = await session.execute(
        bylines.join(AuthorProfile, col(AuthorProfile.id) == col(ArticleAuthor.author_id))
    )
    assert {title: slug for title, slug in found} == {
        "By Nino": "nino",
        "From the desk": "news-desk",
    }
    assert (again.errors, again.changed) == ([], 0)
