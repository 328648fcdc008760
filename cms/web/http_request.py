"""A decoded HTTP body or query string checked into GraphQL requests, or refused with a 400
that says what is wrong: a body that is not an object or a list of objects, parameters of the
wrong type, an empty or oversized batch, or a NUL character, which no text field can store
(PostgreSQL refuses it, so it would otherwise surface as an unexpected error)."""

from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

_TYPES: dict[str, tuple[type, str]] = {
    "query": (str, "a string"),
    "operationName": (str, "a string"),
    "variables": (dict, "an object"),
    "extensions": (dict, "an object"),
}


def _has_nul(value: object) -> bool:
    """Whether a NUL appears in any string or key of a JSON value (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _one(data: object, where: str) -> GraphQLRequestData:
    """`where` prefixes each message, to say which operation of a batch is at fault."""
    if not isinstance(data, dict):
        raise HTTPException(400, f"{where}The request must be a JSON object with a `query`.")
    for name, (kind, described) in _TYPES.items():
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise HTTPException(400, f"{where}`{name}` must be {described} or null.")
    if _has_nul([data.get(name) for name in _TYPES]):
        raise HTTPException(400, f"{where}The request contains a NUL character (U+0000).")
    return GraphQLRequestData(
        query=data.get("query"),
        variables=data.get("variables"),
        operation_name=data.get("operationName") or None,
        extensions=data.get("extensions"),
    )


def graphql_requests(data: Any, max_batch: int) -> GraphQLRequestData | list[GraphQLRequestData]:
    """One request for an object, a batch for a list of objects."""
    if not isinstance(data, list):
        return _one(data, "")
    if not data:
        raise HTTPException(400, "A batch needs at least one operation.")
    if len(data) > max_batch:
        raise HTTPException(
            400, f"A batch may hold at most {max_batch} operations; this one has {len(data)}."
        )
    return [_one(item, f"Operation {n} of the batch: ") for n, item in enumerate(data, 1)]
