"""Errors an editor can fix, returned in mutation payloads rather than raised."""

import strawberry
from strawberry.utils.str_converters import to_camel_case

from cms.errors import CmsError


@strawberry.type(description="Something in the input to fix before trying again.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field at fault, as named in the mutation's input; null when the "
        "problem is the whole request."
    )
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    code: str = strawberry.field(
        description="A stable code for programs: BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN."
    )

    @classmethod
    def of(cls, error: CmsError) -> "UserError":
        field = to_camel_case(error.field) if error.field else None
        return cls(field=field, message=error.message, code=error.code)
