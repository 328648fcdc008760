"""Merging two tags into one, for editors."""

from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.services import tag_merge as tag_merge_service
from schema.category import Tag
from schema.context import Info
from schema.mutations.taxonomy import INPUT, TagPayload
from schema.mutations.transaction import run_editorial
from schema.permissions import EDITORS
from schema.user_errors import UserError


@strawberry.input(description="Which tag to fold into which.")
class MergeTagsInput:
    source: str = strawberry.field(description="The slug of the tag that goes away.")
    target: str = strawberry.field(description="The slug of the tag that stays.")


@strawberry.type
class TagMergeMutations:
    @strawberry.mutation(
        description="Merge the tag `source` into `target`: its articles get `target`, its "
        "slug keeps working as a link to `target` (in `tag(slug:)` and `articles(tag:)`), and "
        "`source` is deleted.",
        permission_classes=[EDITORS],
    )
    async def merge_tags(self, info: Info, input: Annotated[MergeTagsInput, INPUT]) -> TagPayload:
        result = await run_editorial(
            info, lambda ec: tag_merge_service.merge_tags(ec, input.source, input.target)
        )
        if isinstance(result, CmsError):
            return TagPayload(tag=None, errors=[UserError.of(result)])
        return TagPayload(tag=Tag.from_entity(result, None), errors=[])
