"""The per-request context: settings, the session factory, who is asking, the loaders, the
event bus subscriptions listen to, and the request id that names the request in the log.
A WebSocket keeps one context (and one request id) for its whole life."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import strawberry
from asgi_correlation_id import correlation_id
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection
from starlette.responses import Response

from cms.cache_tags import CacheTag
from cms.events import EventBus
from cms.replicas import ReadRouter
from cms.services.mail import Outbox
from cms.services.media.library import MediaLibrary
from cms.services.viewer import ANONYMOUS, Viewer
from cms.services.views import ViewCounter
from cms.settings import Settings
from schema.loaders import Loaders


def current_request_id() -> str:
    """The id the HTTP middleware gave this request (and its `X-Request-Id` header); a fresh
    one when the schema runs without HTTP."""
    return correlation_id.get() or uuid4().hex


@lru_cache(maxsize=4096)
def _header_token(tag: str) -> str:
    """A tag as one `Surrogate-Key` token; the same few tags recur on every response."""
    return quote(tag, safe=":")


@dataclass
class Context:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    viewer: Viewer = ANONYMOUS
    token: str | None = None
    connection: HTTPConnection | None = None
    response: Response | None = None
    cache_tags: set[str] = field(default_factory=set)
    shareable: bool = True
    shows_views: bool = False
    """The document asks for view counts, so a shared answer is kept for a bounded age."""
    media: MediaLibrary | None = None
    views: ViewCounter | None = None
    outbox: Outbox | None = None
    events: EventBus = field(default_factory=EventBus)
    connection_params: dict[str, object] | None = None
    request_id: str = field(default_factory=current_request_id)
    forwarded_for: str | None = None
    """The client's address as a trusted proxy named it (`CMS_TRUSTED_PROXIES`), if it did."""
    reads: ReadRouter | None = None
    """Where an anonymous query over HTTP reads, with read replicas (`cms.replicas`)."""
    _loaders: Loaders | None = field(default=None, init=False, repr=False)

    @property
    def loaders(self) -> Loaders:
        """Built at first use: a request the compiled path answers never needs them."""
        if self._loaders is None:
            self._loaders = Loaders(self.sessions, self.viewer)
        return self._loaders

    def fresh_loaders(self) -> None:
        """New loaders, so that a long-lived socket never answers from rows cached earlier."""
        self._loaders = None

    def shows(self, *tags: CacheTag) -> None:
        """Record what the response contains, so that a write to it invalidates the response.

        Tags leave in the `Surrogate-Key` header, one per space-separated token: text a caller
        looked up (a slug that names nothing) is percent-encoded into one. Tags of stored
        things (hex ids, numbers, `[a-z0-9-]` slugs) are left as they are, so writes match them.
        """
        self.cache_tags.update(map(_header_token, tags))

    @property
    def media_library(self) -> MediaLibrary:
        """The app's media library; a context built without one cannot change media."""
        if self.media is None:
            raise RuntimeError("This context has no media library.")
        return self.media

    @property
    def mail_outbox(self) -> Outbox:
        """The app's outbox; a context built without one cannot send mail."""
        if self.outbox is None:
            raise RuntimeError("This context has no outbox.")
        return self.outbox

    @property
    def client_address(self) -> str | None:
        """Who sign-in lockouts and view counts count by: the address the edge resolved, else
        the peer's."""
        if self.forwarded_for is not None:
            return self.forwarded_for
        client = self.connection.client if self.connection else None
        return client.host if client else None

    @property
    def user_agent(self) -> str:
        return self.connection.headers.get("user-agent", "") if self.connection else ""


Info = strawberry.Info[Context, Any]
