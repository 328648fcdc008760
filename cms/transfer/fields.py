"""Reading one record's fields with messages that name the field and what is wrong with it."""

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)
KEY_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def text(record: Mapping[str, Any], name: str, *, limit: int, required: bool = False) -> str:
    value = record.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, not {type(value).__name__}")
    value = value.strip() if required else value
    if required and not value:
        raise ValueError(f"{name} is missing or empty")
    if len(value) > limit:
        raise ValueError(f"{name} is {len(value)} characters long; the limit is {limit}")
    return value


def optional_text(record: Mapping[str, Any], name: str, *, limit: int) -> str | None:
    return text(record, name, limit=limit) if record.get(name) is not None else None


def flag(record: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = record.get(name, default)
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def number(record: Mapping[str, Any], name: str, default: int = 0) -> int:
    value = record.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number")
    return value


def choice(record: Mapping[str, Any], name: str, kind: type[E], default: E) -> E:
    value = record.get(name, default.value)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{name} {value!r} is not one of {allowed}") from None


def names(record: Mapping[str, Any], name: str) -> dict[str, str]:
    value = record.get(name) or {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{name} must map language codes to text")
    return dict(value)


def string_list(record: Mapping[str, Any], name: str) -> list[str]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{name} must be a list of text")
    return list(value)


def slug_of(record: Mapping[str, Any], name: str = "slug", limit: int = 100) -> str:
    slug = text(record, name, limit=limit, required=True)
    if not KEY_SLUG.match(slug):
        raise ValueError(f"{name} {slug!r} is not lowercase Latin letters, digits and hyphens")
    return slug
