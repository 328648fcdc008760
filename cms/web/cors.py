"""Cross-origin browser access (CORS) for the origins in `CMS_CORS_ORIGINS`, with Starlette's
middleware.

A listed origin may call the API with credentials: its preflight is answered, its responses
name it in `Access-Control-Allow-Origin`, and a session cookie it sends is honoured
(`cms.web.auth_context`). Any other origin gets no CORS headers, so a browser keeps the answer
from its page, and its cookie is ignored. Public answers say `Vary: Origin` (set by the view), so
a CDN keeps one copy per origin.
"""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from cms.settings import Settings

ALLOWED_HEADERS = [
    "authorization",
    "content-type",
    "accept",
    "apollo-require-preflight",
    "x-requested-with",
    "x-request-id",
]
"""What a GraphQL client sends: a bearer token, the JSON or multipart body, the media type it
accepts, the preflight marker uploads need, and a request id to trace."""
EXPOSED_HEADERS = ["x-request-id", "x-cache", "retry-after", "etag"]
PREFLIGHT_MAX_AGE = 600
"""Seconds a browser reuses a preflight's answer."""


def cors(settings: Settings) -> Middleware:
    return Middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=ALLOWED_HEADERS,
        allow_credentials=True,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE,
    )
