"""Row ids inside node ids and id arguments.

`str.isdigit` also accepts superscripts and other scripts' digits, which `int` refuses, and a
number past the largest key makes the database driver fail: neither names a row, so both are
an id that names nothing, like any other unknown id.
"""

MAX_ROW_ID = 2**31 - 1
"""Primary keys are `integer` columns: 32 bits on PostgreSQL."""


def row_id(text: str) -> int | None:
    """The row a node's id names, or None when the text cannot name one."""
    if not (0 < len(text) <= len(str(MAX_ROW_ID)) and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None
