"""GraphQL errors a caller can act on, each with a machine-readable `extensions.code`."""

from graphql import GraphQLError

from cms.errors import CmsError


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def from_domain(error: CmsError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": error.code})
