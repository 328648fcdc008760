"""Categories (the site's menu, a tree) and tags, each with its own article feed.

A category or tag reached through an article speaks that article's language; reached through
`categories(locale:)` or `category(locale:)`, it speaks the locale asked for.
"""

from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay

from cms import cache_tags
from cms.models import Category as CategoryEntity
from cms.models import Tag as TagEntity
from cms.services import categories as category_service
from cms.services.articles import ArticleFilter
from cms.services.text import localized
from schema.article_feed import AfterArgument, ArticleConnection, FirstArgument, resolve_feed
from schema.context import Info
from schema.errors import bad_input
from schema.locale import checked_locale
from schema.node_ids import row_id

LocaleArgument = Annotated[
    str | None,
    strawberry.argument(description="Only articles in this locale (`ka` or `en`)."),
]
NameLocaleArgument = Annotated[
    str | None,
    strawberry.argument(description="The language of the name; by default the one in context."),
]


def _int_ids(node_ids: Iterable[str]) -> list[int | None]:
    return [row_id(i) for i in node_ids]


@strawberry.type(description="A section of the site, such as Economy; categories form a tree.")
class Category(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="URL slug, unique.")
    position: int = strawberry.field(description="Order among its siblings in the menu.")
    show_in_menu: bool = strawberry.field(description="Whether the site's menu lists it.")
    entity: strawberry.Private[CategoryEntity]
    context_locale: strawberry.Private[str | None]
    menu_only: strawberry.Private[bool] = False

    @classmethod
    def from_entity(
        cls, entity: CategoryEntity, locale: str | None, *, menu_only: bool = False
    ) -> "Category":
        assert entity.id is not None
        return cls(
            id=entity.id,
            slug=entity.slug,
            position=entity.position,
            show_in_menu=entity.show_in_menu,
            entity=entity,
            context_locale=locale,
            menu_only=menu_only,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["Category | None"]:
        info.context.shows(cache_tags.CATEGORIES)
        tree = await info.context.loaders.category_tree()
        found = [tree.by_id.get(i) if i is not None else None for i in _int_ids(node_ids)]
        return [cls.from_entity(c, None) if c is not None else None for c in found]

    def _locale(self, info: Info, locale: str | None) -> str:
        return (
            checked_locale(info, locale)
            or self.context_locale
            or info.context.settings.default_locale
        )

    @strawberry.field(description="The name, in the locale asked for or in context.")
    def name(self, info: Info, locale: NameLocaleArgument = None) -> str:
        settings = info.context.settings
        return localized(self.entity.names, self._locale(info, locale), settings.default_locale)

    @strawberry.field(description="A short description of the section, for its page and SEO.")
    def description(self, info: Info, locale: NameLocaleArgument = None) -> str:
        settings = info.context.settings
        chosen = self._locale(info, locale)
        return localized(self.entity.descriptions, chosen, settings.default_locale)

    @strawberry.field(description="The category above this one, if any.")
    async def parent(self, info: Info) -> "Category | None":
        if self.entity.parent_id is None:
            return None
        tree = await info.context.loaders.category_tree()
        parent = tree.by_id.get(self.entity.parent_id)
        return Category.from_entity(parent, self.context_locale) if parent else None

    @strawberry.field(
        description="The categories directly below this one, in menu order (only those shown "
        "in the menu when the tree was asked for with `menuOnly`)."
    )
    async def children(self, info: Info) -> list["Category"]:
        tree = await info.context.loaders.category_tree()
        return [
            Category.from_entity(child, self.context_locale, menu_only=self.menu_only)
            for child in tree.children[self.id]
            if child.show_in_menu or not self.menu_only
        ]

    @strawberry.field(
        description="Published articles of this category and the categories below it, newest first."
    )
    async def articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        locale: LocaleArgument = None,
    ) -> ArticleConnection:
        tree = await info.context.loaders.category_tree()
        filters = ArticleFilter(
            locale=checked_locale(info, locale) or self.context_locale,
            category_ids=tree.with_descendants(self.entity),
        )
        return await resolve_feed(info, filters, first, after)


@strawberry.type(description="A topic that cuts across categories, such as Inflation.")
class Tag(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="URL slug, unique.")
    entity: strawberry.Private[TagEntity]
    context_locale: strawberry.Private[str | None]

    @classmethod
    def from_entity(cls, entity: TagEntity, locale: str | None) -> "Tag":
        assert entity.id is not None
        return cls(id=entity.id, slug=entity.slug, entity=entity, context_locale=locale)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list["Tag | None"]:
        ids = _int_ids(node_ids)
        info.context.shows(cache_tags.TAGS, *(cache_tags.tag(i) for i in ids if i is not None))
        async with info.context.sessions() as session:
            found = await category_service.tags_by_ids(
                session=session, ids=[i for i in ids if i is not None]
            )
        return [cls.from_entity(found[i], None) if i in found else None for i in ids]

    @strawberry.field(description="The name, in the locale asked for or in context.")
    def name(self, info: Info, locale: NameLocaleArgument = None) -> str:
        default = info.context.settings.default_locale
        chosen = checked_locale(info, locale) or self.context_locale or default
        return localized(self.entity.names, chosen, default)

    @strawberry.field(description="Published articles with this tag, newest first.")
    async def articles(
        self,
        info: Info,
        first: FirstArgument = 20,
        after: AfterArgument = None,
        locale: LocaleArgument = None,
    ) -> ArticleConnection:
        filters = ArticleFilter(
            locale=checked_locale(info, locale) or self.context_locale, tag_id=self.id
        )
        return await resolve_feed(info, filters, first, after)


async def category_subtree(info: Info, slug: str | None) -> tuple[int, ...] | None:
    """The category ids a `category: slug` argument selects (it and all below it); None for no
    argument, a bad-input error naming the slug when no category has it."""
    if slug is None:
        return None
    ids = (await info.context.loaders.category_tree()).subtree_ids(slug)
    if ids is None:
        raise bad_input(f"No category with slug {slug!r}; see `categories`.")
    return ids
