"""The columns a selection of article fields shows, decided once when a document is compiled.

An article list reads only these (and a key set every article carries): a page that shows
titles and covers parses no update times, no scheduled times and no category descriptions.
"""

from collections.abc import Iterable, Mapping

from cms.services.public_records import Columns

ARTICLE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "slug": ("slug",),
    "title": ("title",),
    "lead": ("lead",),
    "body": ("body",),
    "plainText": ("body_text",),
    "readingTimeMinutes": ("reading_time_minutes",),
    "updatedAt": ("updated_at",),
    "createdAt": ("created_at",),
    "scheduledAt": ("scheduled_at",),
    "expiresAt": ("expires_at",),
    "views": ("views",),
    "sourceName": ("source_name",),
    "sourceUrl": ("source_url",),
    "isFeatured": ("is_featured",),
    "seoTitle": ("seo_title", "title"),
    "seoDescription": ("seo_description", "lead"),
    "status": ("status",),
    "version": ("version",),
    "isLiveBlog": ("is_live_blog",),
    "isBreaking": ("is_breaking", "breaking_until"),
    "isOverdue": ("status", "scheduled_at"),
    "category": ("category_id",),
    "cover": ("cover_id",),
    "related": ("category_id",),
    "translations": ("translation_group",),
}
"""Columns beyond `public_records.ARTICLE_KEYS` that a field of `Article` shows."""

CATEGORY_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "slug": ("slug",),
    "position": ("position",),
    "showInMenu": ("show_in_menu",),
    "name": ("names",),
    "description": ("descriptions",),
    "parent": ("parent_id",),
}

MEDIA_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "kind": ("kind",),
    "mimeType": ("mime_type",),
    "size": ("size_bytes",),
    "width": ("width",),
    "height": ("height",),
    "durationSeconds": ("duration_seconds",),
    "alt": ("alt",),
    "caption": ("caption",),
    "credit": ("credit",),
    "dominantColor": ("dominant_color",),
    "placeholder": ("placeholder",),
    "focalPoint": ("focal_x", "focal_y"),
    "originalFilename": ("original_filename",),
    "sourceUrl": ("source_url",),
    "createdAt": ("created_at",),
    "url": ("storage_key", "width", "renditions"),
    "srcset": ("storage_key", "width", "renditions"),
    "renditions": ("renditions",),
}


def _wanted(names: Iterable[str], table: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    return frozenset(column for name in names for column in table.get(name, ()))


def article_columns(fields: Iterable[tuple[str, Iterable[str]]]) -> Columns:
    """The columns of articles showing `fields`: (field name, names of the fields selected
    below it) pairs, for every selection that shows these articles."""
    article: set[str] = set()
    category: set[str] | None = None
    cover: set[str] | None = None
    for name, below in fields:
        article |= _wanted([name], ARTICLE_COLUMNS)
        if name == "category":
            category = (category or set()) | _wanted(below, CATEGORY_COLUMNS)
        elif name == "cover":
            cover = (cover or set()) | _wanted(below, MEDIA_COLUMNS)
    return Columns(
        frozenset(article),
        frozenset(category) if category is not None else None,
        frozenset(cover) if cover is not None else None,
    )
