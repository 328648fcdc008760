"""A correction as readers see it: what was wrong, and when it was put right."""

from datetime import datetime

import strawberry

from cms.models import ArticleCorrection
from schema.context import Info


@strawberry.type(description="A correction to a published article, shown under it.")
class Correction:
    text: str = strawberry.field(description="What was wrong and what is right, for readers.")
    corrected_at: datetime = strawberry.field(description="When it was corrected, in UTC.")

    @strawberry.field(description="When it was corrected, in the site's time zone (for display).")
    def corrected_at_local(self, info: Info) -> datetime:
        return self.corrected_at.astimezone(info.context.settings.zone)

    @classmethod
    def from_entity(cls, correction: ArticleCorrection) -> "Correction":
        return cls(text=correction.text, corrected_at=correction.corrected_at)
