"""The curated home page as frontends read it: `homePage`, and `homePageChanged` for changes.

The layout and the rules (what shows, what fills an empty slot) are in `cms.services.home_page`.
"""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from cms.events import Topic
from cms.services import home_page as home_page_service
from cms.services.home_page import HomePageData, PlacedArticle
from schema.article import Article
from schema.category import Category
from schema.context import Info
from schema.locale import checked_locale

HomeLocaleArgument = Annotated[
    str | None,
    strawberry.argument(description="The language's home page (`ka` or `en`); the default one."),
]


@strawberry.type(description="One place on the home page and the article in it.")
class HomeSlot:
    position: int = strawberry.field(description="The slot's number in its zone, from 1.")
    article: Article = strawberry.field(description="The article shown here.")
    curated: bool = strawberry.field(
        description="True when an editor chose it; false for the newest article filling an "
        "empty slot."
    )
    expires_at: datetime | None = strawberry.field(
        description="When an editor's choice leaves the slot, in UTC; null for no expiry."
    )

    @classmethod
    def of(cls, placed: PlacedArticle) -> "HomeSlot":
        return cls(
            position=placed.position,
            article=Article.from_entity(placed.article, with_body=False),
            curated=placed.curated,
            expires_at=placed.expires_at,
        )


@strawberry.type(description="A top-level category's picks on the home page.")
class HomeSection:
    category: Category = strawberry.field(description="The category (from the menu).")
    slots: list[HomeSlot] = strawberry.field(description="Its picks, in order.")


@strawberry.type(description="A language's home page: the lead story, top stories, sections.")
class HomePage:
    locale: str = strawberry.field(description="The page's language.")
    lead: HomeSlot | None = strawberry.field(
        description="The lead story; null only when nothing is published in the language."
    )
    top: list[HomeSlot] = strawberry.field(description="Top stories under the lead, in order.")
    sections: list[HomeSection] = strawberry.field(
        description="Picks per top-level category shown in the menu, in menu order."
    )

    @classmethod
    def of(cls, page: HomePageData) -> "HomePage":
        return cls(
            locale=page.locale,
            lead=HomeSlot.of(page.lead) if page.lead is not None else None,
            top=[HomeSlot.of(p) for p in page.top],
            sections=[
                HomeSection(
                    category=Category.from_entity(category, page.locale),
                    slots=[HomeSlot.of(p) for p in picks],
                )
                for category, picks in page.sections
            ],
        )


async def read_home_page(info: Info, locale: str) -> HomePage:
    async with info.context.sessions() as session:
        page = await home_page_service.home_page(
            session=session, settings=info.context.settings, locale=locale
        )
    info.context.shows(*page.tags)
    return HomePage.of(page)


def chosen_locale(info: Info, locale: str | None) -> str:
    return checked_locale(info, locale) or info.context.settings.default_locale


@strawberry.type
class HomeQueries:
    @strawberry.field(
        description="The home page editors arranged, with the newest articles in any slot left "
        "empty. An expired or unpublished article is gone from it at once."
    )
    async def home_page(self, info: Info, locale: HomeLocaleArgument = None) -> HomePage:
        return await read_home_page(info, chosen_locale(info, locale))


@strawberry.type
class HomeSubscription:
    @strawberry.subscription(
        description="A language's home page each time it changes: an editor fills, moves or "
        "clears a slot, a slot expires, or an article is published."
    )
    async def home_page_changed(
        self, info: Info, locale: HomeLocaleArgument = None
    ) -> AsyncGenerator[HomePage, None]:
        chosen = chosen_locale(info, locale)
        async for event in info.context.events.subscribe():
            if event.topic not in (Topic.HOME_CHANGED, Topic.ARTICLE_PUBLISHED):
                continue
            if event.locale != chosen:
                continue
            info.context.fresh_loaders()
            yield await read_home_page(info, chosen)
