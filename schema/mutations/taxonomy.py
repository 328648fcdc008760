"""Category and tag mutations for editors."""

from typing import Annotated, Any

import strawberry
from strawberry import UNSET

from cms.errors import CmsError
from cms.services import taxonomy as taxonomy_service
from schema.category import Category, Tag
from schema.context import Info
from schema.mutations.transaction import run_editorial
from schema.permissions import EDITORS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A text in one language.")
class LocalizedTextInput:
    locale: str = strawberry.field(description="`ka` or `en`.")
    text: str = strawberry.field(description="The text in that language.")


def _texts(items: list[LocalizedTextInput] | None) -> dict[str, str]:
    return {item.locale: item.text for item in items or []}


@strawberry.input(description="A new category.")
class CreateCategoryInput:
    names: list[LocalizedTextInput] = strawberry.field(description="Its name per language.")
    slug: str | None = strawberry.field(
        default=None, description="URL slug; made from the first name when omitted."
    )
    descriptions: list[LocalizedTextInput] | None = strawberry.field(
        default=None, description="A short description per language."
    )
    parent: str | None = strawberry.field(
        default=None, description="Slug of the category to nest it under."
    )
    position: int | None = strawberry.field(default=None, description="Order among siblings.")
    show_in_menu: bool = strawberry.field(default=True, description="List it in the site menu.")


@strawberry.input(description="Changes to a category; fields left out stay as they are.")
class UpdateCategoryInput:
    slug: str = strawberry.field(description="The category's current slug.")
    new_slug: str | None = strawberry.field(default=UNSET, description="A new URL slug.")
    names: list[LocalizedTextInput] | None = strawberry.field(
        default=UNSET, description="Names to set, per language (rename)."
    )
    descriptions: list[LocalizedTextInput] | None = strawberry.field(
        default=UNSET, description="Descriptions to set, per language."
    )
    parent: str | None = strawberry.field(
        default=UNSET, description="Slug of the new parent (move); null for the top level."
    )
    position: int | None = strawberry.field(default=UNSET, description="Order among siblings.")
    show_in_menu: bool | None = strawberry.field(
        default=UNSET, description="List it in the site menu."
    )


@strawberry.input(description="Delete a category.")
class DeleteCategoryInput:
    slug: str = strawberry.field(description="The category's slug.")
    reassign_to: str | None = strawberry.field(
        default=None,
        description="Slug of the category to move its articles to; required while it has any.",
    )


@strawberry.input(description="A new tag.")
class CreateTagInput:
    names: list[LocalizedTextInput] = strawberry.field(description="Its name per language.")
    slug: str | None = strawberry.field(
        default=None, description="URL slug; made from the first name when omitted."
    )


@strawberry.input(description="Rename a tag.")
class RenameTagInput:
    slug: str = strawberry.field(description="The tag's slug.")
    names: list[LocalizedTextInput] = strawberry.field(description="Names to set, per language.")


@strawberry.input(description="Delete a tag; articles simply lose it.")
class DeleteTagInput:
    slug: str = strawberry.field(description="The tag's slug.")


@strawberry.type(description="The result of a category mutation.")
class CategoryPayload:
    category: Category | None = strawberry.field(description="The category as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of a tag mutation.")
class TagPayload:
    tag: Tag | None = strawberry.field(description="The tag as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of a deletion.")
class DeletePayload:
    deleted: bool = strawberry.field(description="True when it was deleted.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _given(data: object) -> dict[str, Any]:
    values = {k: v for k, v in vars(data).items() if v is not UNSET}
    for key in ("names", "descriptions"):
        if key in values:
            values[key] = _texts(values[key])
    return values


@strawberry.type
class TaxonomyMutations:
    @strawberry.mutation(description="Add a category to the tree.", permission_classes=[EDITORS])
    async def create_category(
        self, info: Info, input: Annotated[CreateCategoryInput, INPUT]
    ) -> CategoryPayload:
        result = await run_editorial(
            info, lambda ec: taxonomy_service.create_category(ec, _given(input))
        )
        if isinstance(result, CmsError):
            return CategoryPayload(category=None, errors=[UserError.of(result)])
        return CategoryPayload(category=Category.from_entity(result, None), errors=[])

    @strawberry.mutation(
        description="Rename, move, reorder or hide a category.", permission_classes=[EDITORS]
    )
    async def update_category(
        self, info: Info, input: Annotated[UpdateCategoryInput, INPUT]
    ) -> CategoryPayload:
        changes = {k: v for k, v in _given(input).items() if k != "slug"}
        result = await run_editorial(
            info, lambda ec: taxonomy_service.update_category(ec, input.slug, changes)
        )
        if isinstance(result, CmsError):
            return CategoryPayload(category=None, errors=[UserError.of(result)])
        return CategoryPayload(category=Category.from_entity(result, None), errors=[])

    @strawberry.mutation(
        description="Delete a category. Refused while it has articles, unless `reassignTo` "
        "names where they go; its sub-categories move up a level.",
        permission_classes=[EDITORS],
    )
    async def delete_category(
        self, info: Info, input: Annotated[DeleteCategoryInput, INPUT]
    ) -> DeletePayload:
        result = await run_editorial(
            info,
            lambda ec: taxonomy_service.delete_category(ec, input.slug, input.reassign_to),
        )
        if isinstance(result, CmsError):
            return DeletePayload(deleted=False, errors=[UserError.of(result)])
        return DeletePayload(deleted=True, errors=[])

    @strawberry.mutation(description="Add a tag.", permission_classes=[EDITORS])
    async def create_tag(self, info: Info, input: Annotated[CreateTagInput, INPUT]) -> TagPayload:
        result = await run_editorial(
            info, lambda ec: taxonomy_service.create_tag(ec, _given(input))
        )
        if isinstance(result, CmsError):
            return TagPayload(tag=None, errors=[UserError.of(result)])
        return TagPayload(tag=Tag.from_entity(result, None), errors=[])

    @strawberry.mutation(description="Rename a tag.", permission_classes=[EDITORS])
    async def rename_tag(self, info: Info, input: Annotated[RenameTagInput, INPUT]) -> TagPayload:
        result = await run_editorial(
            info, lambda ec: taxonomy_service.rename_tag(ec, input.slug, _texts(input.names))
        )
        if isinstance(result, CmsError):
            return TagPayload(tag=None, errors=[UserError.of(result)])
        return TagPayload(tag=Tag.from_entity(result, None), errors=[])

    @strawberry.mutation(description="Delete a tag.", permission_classes=[EDITORS])
    async def delete_tag(
        self, info: Info, input: Annotated[DeleteTagInput, INPUT]
    ) -> DeletePayload:
        result = await run_editorial(info, lambda ec: taxonomy_service.delete_tag(ec, input.slug))
        if isinstance(result, CmsError):
            return DeletePayload(deleted=False, errors=[UserError.of(result)])
        return DeletePayload(deleted=True, errors=[])
