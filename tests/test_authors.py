"""Author profiles: editors create them (also for agencies without accounts) and choose bylines;
readers see an author's page, articles and feed, with names in the article's language."""

import httpx
from defusedxml import ElementTree
from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import ArticleStatus, Role
from cms.services.viewer import Viewer
from tests.builders import make_article, make_author, make_user
from tests.conftest import Gql

CREATE = """
mutation C($input: CreateAuthorInput!) {
  createAuthor(input: $input) { author { slug name } errors { field message code } }
}
"""
UPDATE = """
mutation U($input: UpdateAuthorInput!) {
  updateAuthor(input: $input) { author { slug name bio } errors { field message code } }
}
"""
SET = """
mutation S($input: SetArticleAuthorsInput!) {
  setArticleAuthors(input: $input) {
    article { version authors { slug name } } errors { field message code }
  }
}
"""
PAGE = """
query A($slug: String!, $locale: String) {
  author(slug: $slug, locale: $locale) {
    slug name bio url links { label url }
    articles { totalCount edges { node { title } } }
  }
}
"""
BYLINES = "query B($id: String!) { article(publicId: $id) { authors { slug name } } }"
WIRE = {
    "names": [
        {"locale": "en", "text": "Black Sea Trade Wire"},
        {"locale": "ka", "text": "შავი ზღვის სავაჭრო სააგენტო"},
    ],
    "bios": [{"locale": "en", "text": "A news agency."}],
    "links": [{"label": "Website", "url": "https://wire.example"}],
    "isOrganization": True,
}


async def _editor(session: AsyncSession) -> Viewer:
    user = await make_user(session, role=Role.EDITOR, display_name="Nino Beridze")
    await session.commit()
    return Viewer(user)


async def test_an_agency_without_an_account_signs_an_article_with_a_staff_writer(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    writer = await make_user(session, display_name="Ana Lomidze")
    article = await make_article(session, title="Ports", authors=[writer])
    await make_article(session, title="Unsigned")
    await session.commit()

    created = await gql(CREATE, {"input": WIRE}, editor)
    staff_slug = (await gql(BYLINES, {"id": article.public_id})).data["article"]["authors"][0]
    bylines = await gql(
        SET,
        {
            "input": {
                "id": article.public_id,
                "version": article.version,
                "authors": ["black-sea-trade-wire", staff_slug["slug"]],
            }
        },
        editor,
    )
    page = await gql(PAGE, {"slug": "black-sea-trade-wire", "locale": "ka"})

    assert created.data["createAuthor"] == {  # named in the site's default language
        "author": {"slug": "black-sea-trade-wire", "name": "შავი ზღვის სავაჭრო სააგენტო"},
        "errors": [],
    }
    assert bylines.data["setArticleAuthors"]["errors"] == []
    assert bylines.data["setArticleAuthors"]["article"]["authors"] == [
        {"slug": "black-sea-trade-wire", "name": "Black Sea Trade Wire"},
        {"slug": "ana-lomidze", "name": "Ana Lomidze"},
    ]
    author = page.data["author"]
    assert author["name"] == "შავი ზღვის სავაჭრო სააგენტო"
    assert author["bio"] == "A news agency."
    assert author["url"] == "https://news.example/ka/authors/black-sea-trade-wire"
    assert author["links"] == [{"label": "Website", "url": "https://wire.example"}]
    assert author["articles"] == {"totalCount": 1, "edges": [{"node": {"title": "Ports"}}]}


async def test_an_author_page_lists_published_articles_only(
    session: AsyncSession, gql: Gql
) -> None:
    author = await make_author(session, slug="levan", names={"en": "Levan"})
    await make_article(session, title="Out", authors=[author])
    await make_article(session, title="Draft", status=ArticleStatus.DRAFT, authors=[author])
    await session.commit()

    page = await gql(PAGE, {"slug": "levan"})
    missing = await gql(PAGE, {"slug": "nobody"})

    assert page.data["author"]["articles"]["edges"] == [{"node": {"title": "Out"}}]
    assert missing.data == {"author": None}


async def test_the_author_feed_lists_their_published_articles(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    author = await make_author(session, slug="levan", names={"en": "Levan Tsiklauri"})
    await make_article(session, title="Wine", authors=[author])
    await make_article(session, title="Someone else's")
    await session.commit()

    response = await client.get("/feeds/en/authors/levan.xml")
    missing = await client.get("/feeds/en/authors/nobody.xml")

    rss = ElementTree.fromstring(response.content)
    assert rss.findtext("channel/title") == "Newsroom - Levan Tsiklauri"
    assert [item.findtext("title") for item in rss.iterfind("channel/item")] == ["Wine"]
    assert missing.status_code == 404


async def test_bad_profiles_and_bylines_are_refused_per_field(
    session: AsyncSession, gql: Gql
) -> None:
    editor = await _editor(session)
    await make_author(session, slug="taken")
    article = await make_article(session)
    await session.commit()
    name = [{"locale": "en", "text": "Someone"}]
    cases = [
        ({"names": []}, "names"),
        ({"names": [{"locale": "fr", "text": "Quelqu'un"}]}, "names"),
        ({"names": name, "slug": "taken"}, "slug"),
        ({"names": name, "slug": "Not a slug"}, "slug"),
        ({"names": name, "links": [{"label": "X", "url": "javascript:alert(1)"}]}, "links"),
        ({"names": name, "bios": [{"locale": "en", "text": "x" * 2001}]}, "bios"),
        ({"names": name, "photo": "TGl2ZVN0cmVhbTox"}, "photo"),
    ]

    for given, field in cases:
        payload = (await gql(CREATE, {"input": given}, editor)).data["createAuthor"]
        assert payload["author"] is None
        assert [e["field"] for e in payload["errors"]] == [field], given
    unknown = await gql(UPDATE, {"input": {"slug": "nobody", "names": name}}, editor)
    assert unknown.data["updateAuthor"]["errors"][0]["code"] == "NOT_FOUND"
    for authors, version, field in (
        (["nobody"], article.version, "authors"),
        (["taken", "taken"], article.version, "authors"),
        (["taken"], article.version - 1, "version"),
    ):
        result = await gql(
            SET,
            {"input": {"id": article.public_id, "version": version, "authors": authors}},
            editor,
        )
        assert [e["field"] for e in result.data["setArticleAuthors"]["errors"]] == [field]
    assert (await gql(BYLINES, {"id": article.public_id})).data["article"]["authors"] == []


async def test_renaming_an_author_changes_every_byline(session: AsyncSession, gql: Gql) -> None:
    editor = await _editor(session)
    author = await make_author(session, slug="levan", names={"en": "Levan"})
    article = await make_article(session, authors=[author])
    await session.commit()

    renamed = await gql(
        UPDATE,
        {
            "input": {
                "slug": "levan",
                "newSlug": "levan-tsiklauri",
                "names": [{"locale": "en", "text": "Levan Tsiklauri"}],
                "bios": [{"locale": "en", "text": "Freelance correspondent."}],
            }
        },
        editor,
    )
    bylines = await gql(BYLINES, {"id": article.public_id})

    assert renamed.data["updateAuthor"] == {
        "author": {
            "slug": "levan-tsiklauri",
            "name": "Levan Tsiklauri",
            "bio": "Freelance correspondent.",
        },
        "errors": [],
    }
    assert bylines.data["article"]["authors"] == [
        {"slug": "levan-tsiklauri", "name": "Levan Tsiklauri"}
    ]
