"""Domain errors: raised by services, turned into GraphQL errors or user errors at the edge."""


class CmsError(Exception):
    """Something the caller can fix; the message says what, in words an editor understands."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(CmsError):
    code = "NOT_FOUND"
