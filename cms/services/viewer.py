"""Who is asking. Visibility rules take a viewer, so that no query path decides on its own."""

from dataclasses import dataclass

from cms.models import User
from cms.services.roles import EDITORS


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User | None = None
    previewing: bool = False

    @property
    def sees_unpublished(self) -> bool:
        """Editors and admins review every article; readers see published ones only."""
        if self.previewing:
            return True
        return self.user is not None and self.user.is_active and self.user.role in EDITORS


ANONYMOUS = Viewer()
PREVIEWER = Viewer(previewing=True)
"""A reader holding a valid preview token, used for that one article lookup only."""
