"""The fixed GraphQL documents of BENCHMARK.md against our schema; only variables change."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

HOME = """
query Home($first: Int!) {
  articles(first: $first) {
    edges { node {
      id title slug lead publishedAt views
      category { name slug }
      cover { url width height alt }
    } }
  }
}
"""

ARTICLE = """
query Article($slug: String!, $locale: String!) {
  article(slug: $slug, locale: $locale) {
    title body publishedAt views sourceName
    category { name slug }
    tags { name }
    cover { url alt }
    related(first: 5) { title slug }
  }
}
"""

CATEGORY = """
query Category($slug: String!, $first: Int!, $after: String) {
  category(slug: $slug) {
    name slug
    articles(first: $first, after: $after) {
      edges { node {
        id title slug lead publishedAt views
        cover { url width height alt }
      } }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""

PAGE_SIZE = 20
DEEP_PAGE = 50


@dataclass(frozen=True, slots=True)
class Operation:
    """A named request: `kind` picks the SQL ceiling's endpoint, `name` the bytes ceiling's."""

    name: str
    kind: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)

    def body(self) -> bytes:
        payload = {"query": self.document, "variables": self.variables}
        return json.dumps(payload, separators=(",", ":")).encode()

    def persisted_query_string(self) -> str:
        """The GET form a CDN can cache: the document's registered hash and the variables."""
        sha256 = hashlib.sha256(self.document.encode()).hexdigest()
        extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
        return urlencode(
            {
                "variables": json.dumps(self.variables, separators=(",", ":")),
                "extensions": json.dumps(extensions, separators=(",", ":")),
            }
        )


def home() -> Operation:
    return Operation("home", "home", HOME, {"first": PAGE_SIZE})


def article(slug: str, locale: str) -> Operation:
    return Operation("article", "article", ARTICLE, {"slug": slug, "locale": locale})


def category(slug: str, after: str | None = None, page: int = 1) -> Operation:
    variables = {"slug": slug, "first": PAGE_SIZE, "after": after}
    return Operation(f"category_p{page}", "category", CATEGORY, variables)
