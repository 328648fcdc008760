"""Which media type a GraphQL response is sent in, chosen from the request's `Accept` header as
the GraphQL-over-HTTP specification says.

- `application/graphql-response+json` when asked for, and when there is no `Accept` at all
  (the specification's default since 2025): request errors then carry 4xx status codes.
- `application/json` when asked for, and for wildcards (`*/*`, `application/*`), which is what
  browsers, curl and most existing clients send: the legacy behaviour, 200 for every response
  a GraphQL service produced.
- `None` when the client accepts neither (every range excluded or unknown): 406.

The response cache keys on the chosen type, not on the header, so clients that send different
`Accept` headers for the same type share entries. The choice is made once a request: the first to
ask (the response cache, or the GraphQL view when the cache does not take part) keeps it in the
request's scope for the next.
"""

from functools import lru_cache

from starlette.types import Scope
from strawberry.http.parse_content_type import parse_content_type

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_RANGES = {
    GRAPHQL_RESPONSE_JSON: (GRAPHQL_RESPONSE_JSON,),
    JSON: (JSON,),
    "application/*": (JSON, GRAPHQL_RESPONSE_JSON),
    "*/*": (JSON, GRAPHQL_RESPONSE_JSON),
}
_SPECIFICITY = {GRAPHQL_RESPONSE_JSON: 2, JSON: 2, "application/*": 1, "*/*": 0}
_NEGOTIATED = "cms.media_type"
"""The scope key of the negotiated type: the scope's own, not `state`, which a server may build
from the lifespan's state shared by all requests."""


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


@lru_cache(maxsize=512)
def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None when nothing offered fits."""
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    # For each offered type: (quality, specificity, earlier in the header) of its best range.
    ranking: dict[str, tuple[float, int, int]] = {}
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = part.split(";")
        media_range = media_range.strip().lower()
        for offered in _RANGES.get(media_range, ()):
            rank = (_quality(parameters), _SPECIFICITY[media_range], -position)
            # The most specific range decides an offered type's quality (RFC 9110, 12.5.1).
            if offered not in ranking or rank[1] > ranking[offered][1]:
                ranking[offered] = rank
    acceptable = [(rank, offered) for offered, rank in ranking.items() if rank[0] > 0]
    if not acceptable:
        return None
    # Ties (as for `*/*`) go to JSON, the type legacy clients expect.
    return max(acceptable, key=lambda item: (item[0], item[1] == JSON))[1]


def negotiated(scope: Scope) -> str | None:
    """The response media type for this request, chosen on the first call and kept in scope."""
    if _NEGOTIATED not in scope:
        accept = next((value for name, value in scope["headers"] if name == b"accept"), None)
        scope[_NEGOTIATED] = negotiate(accept.decode("latin-1") if accept is not None else None)
    media_type: str | None = scope[_NEGOTIATED]
    return media_type


@lru_cache(maxsize=256)
def content_type_parts(header: str) -> tuple[str, dict[str, str]]:
    """A `Content-Type` header's media type and parameters (not to be modified), parsed once
    per distinct header: Strawberry's parser goes through the email package, which cost more
    than a compiled answer's SQL."""
    return parse_content_type(header)
