"""Which fields the compiled path answers, and which it refers to the normal path.

A document is compiled only when every field it selects is listed under `COMPILED` for its
type; any other field sends the whole document to Strawberry. Every field of `Query` must be in
one of the two tables: `tests/test_compiled_coverage.py` fails on a new field in neither, so
adding a public query field is a decision about this path too.
"""

from collections.abc import Mapping

TYPENAME = "__typename"

COMPILED: Mapping[str, frozenset[str]] = {
    "Query": frozenset({"articles", "article", "category", "categories", "tag"}),
    "Article": frozenset(
        {
            "id",
            "publicId",
            "locale",
            "slug",
            "title",
            "lead",
            "body",
            "plainText",
            "readingTimeMinutes",
            "publishedAt",
            "publishedAtLocal",
            "updatedAt",
            "createdAt",
            "scheduledAt",
            "expiresAt",
            "views",
            "sourceName",
            "sourceUrl",
            "isFeatured",
            "seoTitle",
            "seoDescription",
            "status",
            "version",
            "isLiveBlog",
            "isBreaking",
            "isOverdue",
            "category",
            "cover",
            "tags",
            "authors",
            "related",
            "translations",
        }
    ),
    "ArticleConnection": frozenset({"edges", "pageInfo", "totalCount", "nodes"}),
    "ArticleEdge": frozenset({"cursor", "node"}),
    "PageInfo": frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}),
    "Category": frozenset(
        {
            "id",
            "slug",
            "position",
            "showInMenu",
            "name",
            "description",
            "parent",
            "children",
            "articles",
        }
    ),
    "Tag": frozenset({"id", "slug", "name", "articles"}),
    "Author": frozenset({"id", "slug", "name", "bio"}),
    "Media": frozenset(
        {
            "id",
            "kind",
            "mimeType",
            "size",
            "width",
            "height",
            "durationSeconds",
            "alt",
            "caption",
            "credit",
            "dominantColor",
            "placeholder",
            "focalPoint",
            "originalFilename",
            "sourceUrl",
            "createdAt",
            "url",
            "srcset",
            "renditions",
        }
    ),
    "FocalPoint": frozenset({"x", "y"}),
    "ImageRendition": frozenset({"url", "width", "height", "format", "aspect", "bytes"}),
}
"""Fields the compiled path answers, by type; `__typename` is answered on every type."""

INTERPRETED: Mapping[str, str] = {
    "node": "any type by global id: an interface the planner does not follow",
    "liveStreams": "live TV changes by the minute and is cached under its own tag",
    "schedule": "live TV programme",
    "liveNow": "live TV: what is on now depends on the clock",
    "mostRead": "view windows are counted in their own tables",
    "homePage": "slots, expiries and fill-ins are read by the home page service",
    "author": "an author's page: profile and feed, read by the normal path",
    "search": "full-text search differs between SQLite and PostgreSQL",
    "newsletterSubscribers": "staff only",
    "me": "signed-in callers only",
    "editorialArticles": "staff only",
    "auditLog": "staff only",
    "mediaLibrary": "staff only",
    "webhookEndpoints": "staff only",
    "webhookDeliveries": "staff only",
    "staff": "staff only",
}
"""`Query` fields left to the normal path, with the reason."""
