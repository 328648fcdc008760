"""Who is asking: a bearer token, or the session cookie GraphiQL sends after `login`.

The cookie is SameSite=Strict and honoured only for same-origin requests (checked with the
`Origin` and `Sec-Fetch-Site` headers a browser always sends on cross-site POSTs), or requests
from an origin listed in `CMS_CORS_ORIGINS`, so another site cannot make an editor's browser
run a mutation.
"""

from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from cms.services import auth as auth_service
from cms.services.auth import SESSION_COOKIE
from cms.services.viewer import ANONYMOUS, Viewer
from cms.settings import Settings

WEB_SCHEMES = {"ws": "http", "wss": "https"}


def _origin(url: str) -> str:
    """Scheme and host; a WebSocket's ws(s) URL has the origin of the page that opened it."""
    parts = urlsplit(url)
    scheme = WEB_SCHEMES.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}".lower()


def same_origin(connection: HTTPConnection, settings: Settings) -> bool:
    """Whether the cookie may be honoured: the request comes from this site, or from an
    origin in `CMS_CORS_ORIGINS`, which is trusted with credentials."""
    origin = connection.headers.get("origin")
    if origin is not None and origin.lower() in settings.cors_origins:
        return True
    fetch_site = connection.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    if origin is None:
        return True
    allowed = {_origin(str(connection.base_url)), _origin(settings.site_url)}
    return origin.lower() in allowed


def bearer_token(connection: HTTPConnection) -> str | None:
    authorization = connection.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def presented_token(connection: HTTPConnection, settings: Settings) -> str | None:
    bearer = bearer_token(connection)
    if bearer is not None:
        return bearer
    cookie = connection.cookies.get(SESSION_COOKIE)
    if cookie and same_origin(connection, settings):
        return cookie
    return None


async def viewer_for(token: str | None, sessions: async_sessionmaker[AsyncSession]) -> Viewer:
    if not token:
        return ANONYMOUS
    async with sessions() as session:
        user = await auth_service.user_for_token(session=session, token=token)
    return Viewer(user) if user is not None else ANONYMOUS
