"""The per-request context: settings, the session factory, who is asking, and the loaders."""

from dataclasses import dataclass, field
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection
from starlette.responses import Response

from cms.services.viewer import ANONYMOUS, Viewer
from cms.services.views import ViewCounter
from cms.settings import Settings
from schema.loaders import Loaders


@dataclass
class Context:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    viewer: Viewer = ANONYMOUS
    token: str | None = None
    connection: HTTPConnection | None = None
    response: Response | None = None
    views: ViewCounter | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.sessions, self.viewer)

    @property
    def client_address(self) -> str | None:
        client = self.connection.client if self.connection else None
        return client.host if client else None

    @property
    def user_agent(self) -> str:
        return self.connection.headers.get("user-agent", "") if self.connection else ""


Info = strawberry.Info[Context, Any]
