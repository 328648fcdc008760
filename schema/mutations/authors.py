"""Author profiles and articles' bylines, for editors: who signs an article is an editorial
decision, like its placement (a writer's own byline is set when they create the article)."""

from typing import Annotated, Any

import strawberry
from strawberry import UNSET, relay

from cms.errors import CmsError
from cms.models import AuthorProfile
from cms.services import authors as author_service
from schema.article import Article
from schema.author import Author
from schema.context import Info
from schema.mutations.article_inputs import ID_DESCRIPTION
from schema.mutations.media import media_id
from schema.mutations.taxonomy import LocalizedTextInput
from schema.mutations.transaction import run_editorial
from schema.permissions import EDITORS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A link on an author's profile.")
class AuthorLinkInput:
    label: str = strawberry.field(description='What it is, e.g. "X" or "Website".')
    url: str = strawberry.field(description="An http(s) address.")


@strawberry.input(description="A new author profile, for someone who signs without an account.")
class CreateAuthorInput:
    names: list[LocalizedTextInput] = strawberry.field(description="The name per language.")
    slug: str | None = strawberry.field(
        default=None, description="URL slug of the author's page; made from the name if omitted."
    )
    bios: list[LocalizedTextInput] | None = strawberry.field(
        default=None, description="A short biography per language, at most 2,000 characters."
    )
    photo: relay.GlobalID | None = strawberry.field(
        default=None, description="The `id` of an image from the media library."
    )
    links: list[AuthorLinkInput] | None = strawberry.field(
        default=None, description="Links to the author elsewhere, at most 10."
    )
    is_organization: bool = strawberry.field(
        default=False, description="An agency or organisation rather than a person."
    )


@strawberry.input(description="Changes to an author profile; fields left out stay as they are.")
class UpdateAuthorInput:
    slug: str = strawberry.field(description="The author's current slug.")
    new_slug: str | None = strawberry.field(default=UNSET, description="A new URL slug.")
    names: list[LocalizedTextInput] | None = strawberry.field(
        default=UNSET, description="Names to set, per language."
    )
    bios: list[LocalizedTextInput] | None = strawberry.field(
        default=UNSET, description="Biographies to set, per language."
    )
    photo: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="An image's `id`; null removes the photo."
    )
    links: list[AuthorLinkInput] | None = strawberry.field(
        default=UNSET, description="The links, replacing all of them."
    )
    is_organization: bool | None = strawberry.field(
        default=UNSET, description="An agency or organisation rather than a person."
    )


@strawberry.input(description="An article's authors, in byline order.")
class SetArticleAuthorsInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    version: int = strawberry.field(description="The `version` you read, as for `updateArticle`.")
    authors: list[str] = strawberry.field(
        description="Authors' slugs in byline order, at most 10; replaces the current ones."
    )


@strawberry.type(description="The result of an author mutation.")
class AuthorPayload:
    author: Author | None = strawberry.field(description="The profile as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type(description="The result of setting an article's authors.")
class SetArticleAuthorsPayload:
    article: Article | None = strawberry.field(description="The article with its new bylines.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


def _given(data: object) -> dict[str, Any]:
    values = {k: v for k, v in vars(data).items() if v is not UNSET}
    for key in ("names", "bios"):
        if key in values:
            values[key] = {item.locale: item.text for item in values[key] or []}
    if values.get("links") is not None:
        values["links"] = [{"label": link.label, "url": link.url} for link in values["links"]]
    if isinstance(values.get("photo"), relay.GlobalID):
        values["photo"] = media_id(values["photo"], field="photo")
    return values


def _author_payload(info: Info, result: AuthorProfile | CmsError) -> AuthorPayload:
    if isinstance(result, CmsError):
        return AuthorPayload(author=None, errors=[UserError.of(result)])
    return AuthorPayload(
        author=Author.from_entity(result, info.context.settings.default_locale), errors=[]
    )


@strawberry.type
class AuthorMutations:
    @strawberry.mutation(
        description="Add an author profile for a contributor or agency without an account "
        "(staff get theirs when they first write).",
        permission_classes=[EDITORS],
    )
    async def create_author(
        self, info: Info, input: Annotated[CreateAuthorInput, INPUT]
    ) -> AuthorPayload:
        try:
            data = _given(input)
        except CmsError as error:
            return _author_payload(info, error)
        result = await run_editorial(info, lambda ec: author_service.create_author(ec, data))
        return _author_payload(info, result)

    @strawberry.mutation(
        description="Edit an author profile: names, biography, photo, links, slug.",
        permission_classes=[EDITORS],
    )
    async def update_author(
        self, info: Info, input: Annotated[UpdateAuthorInput, INPUT]
    ) -> AuthorPayload:
        try:
            data = {k: v for k, v in _given(input).items() if k != "slug"}
        except CmsError as error:
            return _author_payload(info, error)
        result = await run_editorial(
            info, lambda ec: author_service.update_author(ec, input.slug, data)
        )
        return _author_payload(info, result)

    @strawberry.mutation(
        description="Choose an article's authors, in byline order. Send the `version` you "
        "read: if someone saved in the meantime, nothing is changed (CONFLICT).",
        permission_classes=[EDITORS],
    )
    async def set_article_authors(
        self, info: Info, input: Annotated[SetArticleAuthorsInput, INPUT]
    ) -> SetArticleAuthorsPayload:
        result = await run_editorial(
            info,
            lambda ec: author_service.set_article_authors(
                ec, input.id, input.version, input.authors
            ),
        )
        if isinstance(result, CmsError):
            return SetArticleAuthorsPayload(article=None, errors=[UserError.of(result)])
        return SetArticleAuthorsPayload(article=Article.from_entity(result), errors=[])
