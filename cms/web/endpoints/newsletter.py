"""The links in newsletter mail, and the admins' CSV export.

`GET /newsletter/confirm?token=` confirms. Unsubscribing follows RFC 8058: mail clients POST
`List-Unsubscribe=One-Click` to the URL of the `List-Unsubscribe` header and it is done in one
request; opening that URL in a browser (GET) shows one button that POSTs, because link scanners
in mail systems fetch every GET link and must not unsubscribe anyone.
"""

import html
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from cms.errors import CmsError
from cms.services import newsletter as newsletter_service
from cms.services.roles import ADMINS
from cms.services.viewer import Viewer
from cms.settings import Settings

NO_STORE = {"Cache-Control": "no-store"}
PAGES = {
    "ka": {
        "confirmed": "გამოწერა დადასტურებულია. დღის მთავარ ამბებს ყოველდღე მიიღებთ.",
        "unsubscribed": "გამოწერა გაუქმებულია. მეტ წერილს აღარ მიიღებთ.",
        "button": "გამოწერის გაუქმება",
    },
    "en": {
        "confirmed": "Your subscription is confirmed: the main news of the day, every morning.",
        "unsubscribed": "You are unsubscribed and will get no more mail from us.",
        "button": "Unsubscribe",
    },
}


def _page(message: str, status: int = 200, form: str = "") -> HTMLResponse:
    body = f"<!doctype html><html><body><p>{html.escape(message)}</p>{form}</body></html>"
    return HTMLResponse(body, status_code=status, headers=NO_STORE)


def _texts(locale: str) -> dict[str, str]:
    return PAGES.get(locale, PAGES["en"])


def routes(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    authenticate: Callable[[Request], Awaitable[Viewer]],
) -> list[Route]:
    async def confirm(request: Request) -> Response:
        async with sessions() as session:
            try:
                subscriber = await newsletter_service.confirm(
                    session=session, settings=settings, token=request.query_params.get("token", "")
                )
            except CmsError as error:
                return _page(error.message, 400)
        return _page(_texts(subscriber.locale)["confirmed"])

    async def unsubscribe(request: Request) -> Response:
        token = request.query_params.get("token", "")
        async with sessions() as session:
            try:
                if request.method == "GET":
                    subscriber = await newsletter_service.subscriber_for_unsubscribe(
                        session=session, settings=settings, token=token
                    )
                    button = _texts(subscriber.locale)["button"]
                    form = (
                        f'<form method="post"><button type="submit">{html.escape(button)}'
                        "</button></form>"
                    )
                    return _page(subscriber.email, form=form)
                subscriber = await newsletter_service.unsubscribe(
                    session=session, settings=settings, token=token
                )
            except CmsError as error:
                return _page(error.message, 400)
        return _page(_texts(subscriber.locale)["unsubscribed"])

    async def export(request: Request) -> Response:
        viewer = await authenticate(request)
        if viewer.user is None:
            return PlainTextResponse("Sign in first.", status_code=401, headers=NO_STORE)
        if viewer.user.role not in ADMINS:
            return PlainTextResponse("Admins only.", status_code=403, headers=NO_STORE)
        async with sessions() as session:
            body = await newsletter_service.export_csv(session=session)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={**NO_STORE, "Content-Disposition": 'attachment; filename="subscribers.csv"'},
        )

    return [
        Route("/newsletter/confirm", confirm, methods=["GET"]),
        Route("/newsletter/unsubscribe", unsubscribe, methods=["GET", "POST"]),
        Route("/newsletter/subscribers.csv", export, methods=["GET"]),
    ]
