"""Which document a request runs, under Apollo's automatic persisted queries.

`extensions.persistedQuery.sha256Hash` stands in for the text; an unknown hash answers
`PersistedQueryNotFound` so the client retries with the text. With `CMS_PERSISTED_QUERIES_ONLY`,
anonymous callers may only run registered documents.
"""

import dataclasses

from cross_web import HTTPException
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from cms.services.persisted_queries import PersistedQueryStore, document_hash
from cms.settings import Settings
from cms.web.graphql_http import refusal
from schema.context import Context


class PersistedQueries(GraphQL[Context, None]):
    """Strawberry's view, with the document of a request looked up by its hash."""

    settings: Settings
    persisted: PersistedQueryStore

    def _resolve_document(
        self, data: GraphQLRequestData, context: Context
    ) -> GraphQLRequestData | ExecutionResult:
        """The request with its document text, or the refusal the APQ protocol prescribes."""
        persisted = (data.extensions or {}).get("persistedQuery")
        locked = self.settings.persisted_queries_only and context.viewer.user is None
        if not isinstance(persisted, dict):
            if locked and (
                data.query is None or document_hash(data.query) not in self.persisted.registered
            ):
                return refusal(
                    "This endpoint runs registered queries only; send a registered "
                    "document's sha256Hash.",
                    "PERSISTED_QUERY_NOT_ALLOWED",
                )
            return data
        sha256 = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(sha256, str):
            raise HTTPException(400, "persistedQuery needs version 1 and a sha256Hash string.")
        if data.query is None:
            document = self.persisted.lookup(sha256)
            if document is None:
                return refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return dataclasses.replace(data, query=document)
        if document_hash(data.query) != sha256:
            raise HTTPException(400, "provided sha does not match query")
        if locked and sha256 not in self.persisted.registered:
            return refusal(
                "This endpoint runs registered queries only.", "PERSISTED_QUERY_NOT_ALLOWED"
            )
        self.persisted.remember(sha256, data.query)
        return data
