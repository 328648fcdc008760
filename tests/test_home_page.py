"""The curated home page: editors fill, move and clear slots; readers get the newest articles in
empty slots; expired and unpublished articles leave at once; caches and subscribers hear of it."""

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col, select
from strawberry import Schema

from cms import cache_tags
from cms.db import create_sessionmaker
from cms.events import EventBus
from cms.models import Article, ArticleStatus, Category, HomeSlot, Role
from cms.models.columns import utcnow
from cms.services import home_page as home_page_service
from cms.services.viewer import ANONYMOUS, Viewer
from cms.settings import Settings
from schema.context import Context
from tests.builders import make_article, make_category, make_user
from tests.conftest import Gql
from tests.polling import until

PAGE = "lead { position curated article { title } } top { position curated article { title } }"
HOME = f"""
query H {{ homePage(locale: "en") {{
  {PAGE} sections {{ category {{ slug }} slots {{ curated article {{ title }} }} }}
}} }}
"""
SET = f"""
mutation S($input: SetHomeSlotInput!) {{
  setHomeSlot(input: $input) {{ homePage {{ {PAGE} }} errors {{ field message code }} }}
}}
"""
MOVE = f"""
mutation M($input: MoveHomeSlotInput!) {{
  moveHomeSlot(input: $input) {{ homePage {{ {PAGE} }} errors {{ field message code }} }}
}}
"""
CLEAR = f"""
mutation C($input: ClearHomeSlotInput!) {{
  clearHomeSlot(input: $input) {{ homePage {{ {PAGE} }} errors {{ field message code }} }}
}}
"""
UNPUBLISH = "mutation U($id: String!) { unpublishArticle(input: {id: $id}) { errors { code } } }"


async def _newsroom(session: AsyncSession) -> tuple[Viewer, Category, list[Article]]:
    """An editor, a menu category, and six articles, "Article 1" oldest; two in the category."""
    editor = Viewer(await make_user(session, role=Role.EDITOR))
    economy = await make_category(session, slug="economy", names={"en": "Economy"})
    articles = []
    for n in range(1, 7):
        category_id = economy.id if n in (2, 3) else None
        articles.append(await make_article(session, title=f"Article {n}", category_id=category_id))
    await session.commit()
    return editor, economy, articles


def _titles(slots: list[dict[str, Any]]) -> list[str]:
    return [slot["article"]["title"] for slot in slots]


async def test_an_uncurated_page_shows_the_newest_articles(session: AsyncSession, gql: Gql) -> None:
    await _newsroom(session)

    page = (await gql(HOME)).data["homePage"]

    assert page["lead"] == {"position": 1, "curated": False, "article": {"title": "Article 6"}}
    assert _titles(page["top"]) == ["Article 5", "Article 4", "Article 3", "Article 2"]
    # Both Economy articles are already above: no article shows twice on one page.
    assert page["sections"] == [{"category": {"slug": "economy"}, "slots": []}]


async def test_an_editor_chooses_the_lead_and_the_rest_fills_around_it(
    session: AsyncSession, gql: Gql
) -> None:
    editor, _, articles = await _newsroom(session)

    result = await gql(
        SET, {"input": {"zone": "LEAD", "position": 1, "article": articles[0].public_id}}, editor
    )
    pick = await gql(
        SET,
        {
            "input": {
                "zone": "CATEGORY",
                "category": "economy",
                "position": 1,
                "article": articles[1].public_id,
            }
        },
        editor,
    )
    page = (await gql(HOME)).data["homePage"]

    assert result.data["setHomeSlot"]["errors"] == []
    assert pick.data["setHomeSlot"]["errors"] == []
    assert page["lead"] == {"position": 1, "curated": True, "article": {"title": "Article 1"}}
    assert _titles(page["top"]) == ["Article 6", "Article 5", "Article 4", "Article 3"]
    assert page["sections"][0]["slots"] == [{"curated": True, "article": {"title": "Article 2"}}]


async def test_slots_move_and_clear(session: AsyncSession, gql: Gql) -> None:
    editor, _, articles = await _newsroom(session)
    for position, article in ((1, articles[0]), (2, articles[1])):
        await gql(
            SET,
            {"input": {"zone": "TOP", "position": position, "article": article.public_id}},
            editor,
        )

    moved = await gql(
        MOVE, {"input": {"zone": "TOP", "position": 1, "to": 3, "locale": "en"}}, editor
    )
    assert moved.data["moveHomeSlot"]["errors"] == [], moved
    top = moved.data["moveHomeSlot"]["homePage"]["top"]
    cleared = await gql(CLEAR, {"input": {"zone": "TOP", "position": 3, "locale": "en"}}, editor)

    assert [(s["position"], s["curated"], s["article"]["title"]) for s in top[:3]] == [
        (1, True, "Article 2"),
        (2, False, "Article 5"),
        (3, True, "Article 1"),
    ]
    after = cleared.data["clearHomeSlot"]["homePage"]["top"]
    assert [s["curated"] for s in after] == [True, False, False, False]


async def test_expired_and_unpublished_articles_leave_their_slots_at_once(
    session: AsyncSession, gql: Gql
) -> None:
    editor, _, articles = await _newsroom(session)
    later = (utcnow() + timedelta(hours=1)).isoformat()
    await gql(
        SET,
        {"input": {"zone": "LEAD", "position": 1, "article": articles[0].public_id}},
        editor,
    )
    await gql(
        SET,
        {
            "input": {
                "zone": "TOP",
                "position": 1,
                "article": articles[1].public_id,
                "expiresAt": later,
            }
        },
        editor,
    )
    await session.execute(update(HomeSlot).values(expires_at=utcnow() - timedelta(seconds=1)))
    await session.execute(
        update(HomeSlot).where(col(HomeSlot.zone) == "LEAD").values(expires_at=None)
    )
    await session.commit()
    await gql(UNPUBLISH, {"id": articles[0].public_id}, editor)

    page = (await gql(HOME)).data["homePage"]
    emptied = await home_page_service.expire_home_slots(session=session)

    assert page["lead"]["article"]["title"] == "Article 6"
    assert "Article 1" not in _titles(page["top"])
    assert page["top"][0]["curated"] is False
    assert emptied == 2


async def test_bad_slots_are_refused_per_field_and_nothing_is_saved(
    session: AsyncSession, gql: Gql
) -> None:
    editor, _, articles = await _newsroom(session)
    draft = await make_article(session, status=ArticleStatus.DRAFT)
    nested = await make_category(session, slug="banking", parent_id=articles[1].category_id)
    await session.commit()
    article = articles[0].public_id
    cases = [
        ({"zone": "LEAD", "position": 2, "article": article}, "position"),
        ({"zone": "TOP", "position": 0, "article": article}, "position"),
        ({"zone": "CATEGORY", "position": 1, "article": article}, "category"),
        ({"zone": "CATEGORY", "position": 1, "article": article, "category": "nope"}, "category"),
        (
            {"zone": "CATEGORY", "position": 1, "article": article, "category": nested.slug},
            "category",
        ),
        ({"zone": "CATEGORY", "position": 1, "article": article, "category": "economy"}, "article"),
        ({"zone": "LEAD", "position": 1, "article": article, "category": "economy"}, "category"),
        ({"zone": "LEAD", "position": 1, "article": draft.public_id}, "article"),
        ({"zone": "LEAD", "position": 1, "article": "0000000000000"}, "article"),
        (
            {
                "zone": "LEAD",
                "position": 1,
                "article": article,
                "expiresAt": (utcnow() - timedelta(minutes=1)).isoformat(),
            },
            "expiresAt",
        ),
    ]

    for given, field in cases:
        payload = (await gql(SET, {"input": given}, editor)).data["setHomeSlot"]
        assert payload["homePage"] is None
        assert [e["field"] for e in payload["errors"]] == [field], given
    moved = await gql(
        MOVE, {"input": {"zone": "TOP", "position": 1, "to": 9, "locale": "en"}}, editor
    )
    empty = await gql(
        MOVE, {"input": {"zone": "TOP", "position": 1, "to": 2, "locale": "en"}}, editor
    )
    assert [e["field"] for e in moved.data["moveHomeSlot"]["errors"]] == ["to"]
    assert [e["field"] for e in empty.data["moveHomeSlot"]["errors"]] == ["position"]
    assert (await session.scalars(select(HomeSlot))).all() == []


async def test_a_change_drops_the_cached_page_and_reaches_subscribers(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, graphql_schema: Schema
) -> None:
    editor, _, articles = await _newsroom(session)
    bus = EventBus()
    stale: list[set[str]] = []
    sessions = create_sessionmaker(engine, events=bus, invalidate=stale.append)
    reader = Context(settings=settings, sessions=sessions, viewer=ANONYMOUS, events=bus)
    subscription = await graphql_schema.subscribe(
        'subscription { homePageChanged(locale: "en") { lead { article { title } } } }',
        context_value=reader,
    )
    first = asyncio.ensure_future(anext(subscription))
    await until(lambda: bus.subscriber_count == 1, what="the subscription")

    result = await graphql_schema.execute(
        SET,
        variable_values={
            "input": {"zone": "LEAD", "position": 1, "article": articles[0].public_id}
        },
        context_value=Context(settings=settings, sessions=sessions, viewer=editor, events=bus),
    )
    pushed = await first
    await bus.stop()

    assert result.errors is None, result.errors
    assert stale == [{cache_tags.home("en")}]
    assert pushed.data == {"homePageChanged": {"lead": {"article": {"title": "Article 1"}}}}
