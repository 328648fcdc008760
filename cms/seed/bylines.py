"""The demo's author profiles and bylines, its arranged home page and a correction, from
`content/bylines.toml`."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import (
    Article,
    ArticleAuthor,
    ArticleCorrection,
    AuthorProfile,
    Category,
    HomeSlot,
    HomeZone,
    User,
)
from cms.models.home import slot_key
from cms.seed.reader import collection
from cms.seed.stories import Story

_TABLES = collection("bylines")
PICK_HOURS = 12
CORRECTED_AFTER = timedelta(hours=2)


def _id(entity: Article | AuthorProfile | Category | User) -> int:
    if entity.id is None:
        raise RuntimeError(f"{type(entity).__name__} has not been flushed")
    return entity.id


async def profiles(session: AsyncSession, accounts: Mapping[str, User]) -> list[AuthorProfile]:
    made = [
        AuthorProfile(
            slug=table["slug"],
            names=dict(table["names"]),
            bios=dict(table["bios"]),
            links=[dict(link) for link in table["links"]],
            is_organization=table.get("organization", False),
            user_id=_id(accounts[table["account"]]) if "account" in table else None,
        )
        for table in _TABLES["profile"]
    ]
    session.add_all(made)
    await session.flush()
    return made


def _byline(story: Story, made: Sequence[AuthorProfile], accounts: Mapping[str, User]) -> list[int]:
    """The staff writer's profile, then a desk's correspondent; an agency's stories are its own."""
    by_desk: dict[str, tuple[dict[str, object], AuthorProfile]] = {
        desk: (table, author)
        for table, author in zip(_TABLES["profile"], made, strict=True)
        for desk in table.get("desks", ())
    }
    own = next(a for a in made if a.user_id == _id(accounts[story.author]))
    if story.desk not in by_desk:
        return [_id(own)]
    table, desk_author = by_desk[story.desk]
    if table.get("organization"):
        return [_id(desk_author)]
    return [_id(own), _id(desk_author)]


async def bylines(
    session: AsyncSession,
    stories: Sequence[Story],
    articles: Sequence[Article],
    accounts: Mapping[str, User],
) -> int:
    made = await profiles(session, accounts)
    for story, article in zip(stories, articles, strict=True):
        for position, author_id in enumerate(_byline(story, made, accounts)):
            session.add(
                ArticleAuthor(article_id=_id(article), author_id=author_id, position=position)
            )
    await session.flush()
    return len(made)


async def front_pages(
    session: AsyncSession,
    now: datetime,
    stories: Sequence[Story],
    articles: Sequence[Article],
    categories: Mapping[str, Category],
) -> int:
    """The arranged home pages, and the correction."""
    by_key = {story.key: article for story, article in zip(stories, articles, strict=True)}
    slots: list[HomeSlot] = []

    def place(
        locale: str,
        zone: HomeZone,
        position: int,
        key: str,
        category_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        slots.append(
            HomeSlot(
                key=slot_key(locale, zone, category_id, position),
                locale=locale,
                zone=zone,
                category_id=category_id,
                position=position,
                article_id=_id(by_key[key]),
                expires_at=expires_at,
            )
        )

    for locale, page in _TABLES["home"].items():
        place(locale, HomeZone.LEAD, 1, page["lead"])
        for position, key in enumerate(page["top"], start=1):
            place(locale, HomeZone.TOP, position, key)
        until = now + timedelta(hours=PICK_HOURS)
        for slug, key in page["picks"].items():
            place(locale, HomeZone.CATEGORY, 1, key, _id(categories[slug]), until)
    session.add_all(slots)
    for table in _TABLES["correction"]:
        article = by_key[table["story"]]
        assert article.published_at is not None
        corrected_at = min(now, article.published_at + CORRECTED_AFTER)
        article.updated_at = max(article.updated_at, corrected_at)
        session.add(article)
        session.add(
            ArticleCorrection(
                article_id=_id(article), text=table["text"], corrected_at=corrected_at
            )
        )
    await session.flush()
    return len(slots)
