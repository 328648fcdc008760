"""The full-text index lives beside the ORM metadata, written by hand in its migration.

SQLite keeps an FTS5 table (`article_search`, with shadow tables `article_search_*`) filled by
triggers; PostgreSQL a generated `tsvector` column on `article` with a GIN index. Neither fits
SQLAlchemy's model of tables, so Alembic's comparison skips them by these names.
"""

from typing import Any

SEARCH_TABLE = "article_search"
SEARCH_VECTOR = "search_vector"
SEARCH_VECTOR_INDEX = "ix_article_search_vector"


def is_search_object(name: str | None, type_: str, parent: Any = None) -> bool:
    """True for the hand-written search objects, which models do not describe."""
    if name is None:
        return False
    if type_ == "table":
        return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")
    if type_ == "column":
        return name == SEARCH_VECTOR and getattr(parent, "name", None) == "article"
    if type_ == "index":
        return name == SEARCH_VECTOR_INDEX
    return False
