"""The minimal SQL of each operation, written once for both SQL ceilings: the raw one runs it on
the driver, the engine one through SQLAlchemy Core `text()`."""

_FEED_COLUMNS = """
    a.id, a.public_id, a.title, a.slug, a.lead, a.published_at, a.views, a.locale,
    m.storage_key, m.width, m.height, m.alt
"""
HOME_SQL = f"""
    SELECT {_FEED_COLUMNS}, c.names AS category_names, c.slug AS category_slug
    FROM article a
    LEFT JOIN category c ON c.id = a.category_id
    LEFT JOIN media m ON m.id = a.cover_id
    WHERE a.status = 'PUBLISHED' AND a.published_at IS NOT NULL
    ORDER BY a.published_at DESC, a.id DESC
    LIMIT :first
"""
ARTICLE_SQL = """
    SELECT a.id, a.title, a.body, a.published_at, a.views, a.source_name, a.locale,
           a.category_id, c.names AS category_names, c.slug AS category_slug,
           m.storage_key, m.alt
    FROM article a
    LEFT JOIN category c ON c.id = a.category_id
    LEFT JOIN media m ON m.id = a.cover_id
    WHERE a.locale = :locale AND a.slug = :slug AND a.status = 'PUBLISHED'
"""
TAGS_SQL = """
    SELECT t.names FROM article_tag x JOIN tag t ON t.id = x.tag_id
    WHERE x.article_id = :article_id ORDER BY x.position, t.id
"""
RELATED_SQL = """
    SELECT title, slug FROM article a
    WHERE category_id = :category_id AND id != :article_id
      AND status = 'PUBLISHED' AND published_at IS NOT NULL
      AND EXISTS (
        SELECT 1 FROM article_tag own JOIN article_tag other ON other.tag_id = own.tag_id
        WHERE own.article_id = :article_id AND other.article_id = a.id
      )
    ORDER BY published_at DESC, id DESC
    LIMIT 5
"""
CATEGORIES_SQL = "SELECT id, slug, names, parent_id FROM category"
_CATEGORY_FEED = f"""
    SELECT {_FEED_COLUMNS}
    FROM article a LEFT JOIN media m ON m.id = a.cover_id
    WHERE a.category_id = :id{{n}} AND a.status = 'PUBLISHED' AND a.published_at IS NOT NULL
"""
# A row value, not `published_at < :at OR (published_at = :at AND id < :id)`: with the second
# form SQLite merges two index ranges and sorts (7x slower at page 50) unless both `:at` are the
# same parameter.
_AFTER = "AND (a.published_at, a.id) < (:after_at, :after_id)"
_ORDER = "ORDER BY a.published_at DESC, a.id DESC LIMIT :limit"


def category_feed_sql(categories: int, after: bool) -> str:
    """One keyset page of a category and its subcategories (`:id0` … `:id<n-1>`): each
    category's own page through its feed index, then the newest `:limit` of those, as our
    server merges them. `category_id IN (…)` would read and sort every article of the subtree,
    which at 100,000 articles is no longer the limit to measure against."""
    keyset = _AFTER if after else ""
    arms = " UNION ALL ".join(
        f"SELECT * FROM ({_CATEGORY_FEED.format(n=n)} {keyset} {_ORDER}) AS arm{n}"
        for n in range(categories)
    )
    return f"SELECT * FROM ({arms}) AS feed ORDER BY published_at DESC, id DESC LIMIT :limit"
