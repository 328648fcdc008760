"""Adding a correction to a published article, for editors."""

from datetime import datetime
from typing import Annotated

import strawberry

from cms.errors import CmsError
from cms.services import corrections as correction_service
from schema.article import Article
from schema.context import Info
from schema.correction import Correction
from schema.mutations.article_inputs import ID_DESCRIPTION
from schema.mutations.transaction import run_editorial
from schema.permissions import EDITORS
from schema.user_errors import UserError

INPUT = strawberry.argument(description="What to do; see the input type's fields.")


@strawberry.input(description="A correction to a published article.")
class AddCorrectionInput:
    id: str = strawberry.field(description=ID_DESCRIPTION)
    text: str = strawberry.field(
        description='For readers: what was wrong and what is right, e.g. "An earlier version '
        'of this article gave the wrong date for the vote; it is on 12 December."'
    )
    corrected_at: datetime | None = strawberry.field(
        default=None,
        description="When it was corrected, ISO-8601 with offset; now when omitted. Not in the "
        "future, not before publication.",
    )


@strawberry.type(description="The result of adding a correction.")
class AddCorrectionPayload:
    article: Article | None = strawberry.field(
        description="The article with its corrections; null when nothing was saved."
    )
    correction: Correction | None = strawberry.field(description="The correction as saved.")
    errors: list[UserError] = strawberry.field(description="What to fix; empty on success.")


@strawberry.type
class CorrectionMutations:
    @strawberry.mutation(
        description="Add a dated correction to a published article: readers see it under the "
        "article, its revision history records it, feeds show the corrected time.",
        permission_classes=[EDITORS],
    )
    async def add_correction(
        self, info: Info, input: Annotated[AddCorrectionInput, INPUT]
    ) -> AddCorrectionPayload:
        result = await run_editorial(
            info,
            lambda ec: correction_service.add_correction(
                ec, input.id, input.text, input.corrected_at
            ),
        )
        if isinstance(result, CmsError):
            return AddCorrectionPayload(
                article=None, correction=None, errors=[UserError.of(result)]
            )
        article, correction = result
        return AddCorrectionPayload(
            article=Article.from_entity(article),
            correction=Correction.from_entity(correction),
            errors=[],
        )
