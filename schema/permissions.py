"""Who may call which mutation, by role. Finer rules (whose article) live in the services.

Anonymous callers get `UNAUTHENTICATED`, signed-in callers without the role `FORBIDDEN`; the
README's permission table lists the same rules and a test checks every mutation against it.
"""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission

from cms.models import Role
from schema.context import Info

EVERY_ROLE = frozenset(Role)


def unauthenticated(message: str = "Sign in first: run the `login` mutation.") -> GraphQLError:
    return GraphQLError(message, extensions={"code": "UNAUTHENTICATED"})


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def roles(*allowed: Role) -> type[BasePermission]:
    """A permission class admitting signed-in users with one of `allowed` roles."""
    admitted = frozenset(allowed)

    class RolePermission(BasePermission):
        roles = admitted

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            user = info.context.viewer.user
            if user is None:
                raise unauthenticated()
            if user.role not in admitted:
                names = ", ".join(sorted(role.value for role in admitted))
                raise forbidden(f"This needs one of the roles {names}; you are {user.role.value}.")
            return True

    return RolePermission


SIGNED_IN = roles(*EVERY_ROLE)
PUBLISHERS = roles(Role.AUTHOR, Role.EDITOR, Role.ADMIN)
EDITORS = roles(Role.EDITOR, Role.ADMIN)
ADMINS = roles(Role.ADMIN)
