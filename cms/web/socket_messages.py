"""The messages a graphql-transport-ws client may send, checked before Strawberry reads them.

Strawberry indexes into whatever JSON arrives: an array, a string or `"payload": "x"` raised a
TypeError and dropped the socket with no close code, and `"query": 42` or `"id": 1` went on to
run. Each shape here is the protocol's (github.com/enisdenjo/graphql-ws, PROTOCOL.md), strict, so
that anything else closes the socket with 4400 and a reason that names the faulty field.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

OBJECT_ERRORS = {"model_type", "dict_type"}
CLOSE_REASON_BYTES = 123
"""A close frame's reason must fit 123 bytes of UTF-8, or the frame itself is invalid."""


class _Message(BaseModel):
    model_config = ConfigDict(strict=True)


class ConnectionInit(_Message):
    type: Literal["connection_init"]
    payload: dict[str, Any] | None = None


class Ping(_Message):
    type: Literal["ping"]
    payload: dict[str, Any] | None = None


class Pong(_Message):
    type: Literal["pong"]
    payload: dict[str, Any] | None = None


class SubscribePayload(_Message):
    query: str
    operationName: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None


class Subscribe(_Message):
    id: str
    type: Literal["subscribe"]
    payload: SubscribePayload


class Complete(_Message):
    id: str
    type: Literal["complete"]


CLIENT_MESSAGE: TypeAdapter[ConnectionInit | Ping | Pong | Subscribe | Complete] = TypeAdapter(
    Annotated[ConnectionInit | Ping | Pong | Subscribe | Complete, Field(discriminator="type")]
)


def close_reason(text: str) -> str:
    """`text` cut to what a close frame can carry."""
    return text.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore")


def invalid_message(message: object) -> str | None:
    """Why `message` is not a client message of the protocol, or None when it is one."""
    if not isinstance(message, dict):
        return "A message must be a JSON object."
    try:
        CLIENT_MESSAGE.validate_python(message)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "union_tag_not_found":
            return "A message needs a `type`."
        if first["type"] == "union_tag_invalid":
            return close_reason(f"Unknown message type: {message['type']!r}")
        field = ".".join(str(part) for part in first["loc"][1:])
        problem = "should be a JSON object" if first["type"] in OBJECT_ERRORS else first["msg"]
        return close_reason(f"Invalid {message['type']} message: {field}: {problem}")
    return None
