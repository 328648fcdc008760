"""Newsletter subscriptions with double opt-in, and the signed links in every mail.

Subscribing always answers the same, whatever the address's state, so the form never reveals who
is subscribed: a new or unsubscribed address gets a confirmation link, a pending one gets it
again, a confirmed one a note that it already is. Links are signed with the secret key
(itsdangerous): a confirmation link expires, an unsubscribe link works for ever.
"""

import csv
import io
from datetime import datetime

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from cms.errors import CmsError
from cms.models import NewsletterSubscriber, SubscriberStatus
from cms.models.columns import utcnow
from cms.services.articles import FeedKey
from cms.services.mail import Mail, MailError, mailer
from cms.services.users import normalise_email
from cms.settings import Settings

CONFIRM = "newsletter-confirm"
UNSUBSCRIBE = "newsletter-unsubscribe"
INVALID_LINK = "This link is invalid or has expired. Subscribe again to get a new one."

TEXTS = {
    "ka": {
        "confirm_subject": "დაადასტურეთ გამოწერა",
        "confirm": "დღის მთავარი ამბების მისაღებად დაადასტურეთ გამოწერა:",
        "already_subject": "თქვენ უკვე გამოწერილი გაქვთ",
        "already": "ეს მისამართი უკვე იღებს დღის მთავარ ამბებს. გამოწერის გაუქმება:",
    },
    "en": {
        "confirm_subject": "Confirm your subscription",
        "confirm": "To get the main news of the day, confirm your subscription:",
        "already_subject": "You are already subscribed",
        "already": "This address already gets the main news of the day. To unsubscribe:",
    },
}


def texts(locale: str) -> dict[str, str]:
    return TEXTS.get(locale, TEXTS["en"])


def _signer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=salt)


def link(settings: Settings, subscriber: NewsletterSubscriber, purpose: str) -> str:
    """The signed confirm or unsubscribe URL for one subscriber."""
    token = _signer(settings, purpose).dumps([subscriber.id, subscriber.email])
    action = "confirm" if purpose == CONFIRM else "unsubscribe"
    return f"{settings.public_api_url}/newsletter/{action}?token={token}"


async def _from_token(
    session: AsyncSession, settings: Settings, token: str, purpose: str, max_age: int | None
) -> NewsletterSubscriber:
    try:
        subscriber_id, email = _signer(settings, purpose).loads(token, max_age=max_age)
        found = await session.get(NewsletterSubscriber, int(subscriber_id))
    except (BadData, TypeError, ValueError) as error:
        raise CmsError(INVALID_LINK, field="token") from error
    if found is None or found.email != email:
        raise CmsError(INVALID_LINK, field="token")
    return found


async def subscribe(*, session: AsyncSession, settings: Settings, email: str, locale: str) -> None:
    """Record the wish and mail the link; the same outcome for every valid address."""
    address = normalise_email(email)
    if locale not in settings.locales:
        raise CmsError(
            f"Unknown locale {locale!r}: use one of {', '.join(settings.locales)}.", field="locale"
        )
    query = select(NewsletterSubscriber).where(col(NewsletterSubscriber.email) == address)
    subscriber = (await session.scalars(query)).first()
    if subscriber is None:
        subscriber = NewsletterSubscriber(email=address, locale=locale)
    elif subscriber.status is not SubscriberStatus.CONFIRMED:
        subscriber.status, subscriber.locale, subscriber.unsubscribed_at = (
            SubscriberStatus.PENDING,
            locale,
            None,
        )
    session.add(subscriber)
    await session.commit()
    words = texts(subscriber.locale)
    unsubscribe = link(settings, subscriber, UNSUBSCRIBE)
    if subscriber.status is SubscriberStatus.CONFIRMED:
        mail = Mail(address, words["already_subject"], f"{words['already']}\n{unsubscribe}\n")
    else:
        confirm = link(settings, subscriber, CONFIRM)
        mail = Mail(address, words["confirm_subject"], f"{words['confirm']}\n{confirm}\n")
    try:
        async with mailer(settings) as send:
            await send(Mail(mail.to, mail.subject, mail.text, unsubscribe_url=unsubscribe))
    except MailError as error:
        raise CmsError(
            "We could not send the email just now; please try again later.", field="email"
        ) from error


async def confirm(*, session: AsyncSession, settings: Settings, token: str) -> NewsletterSubscriber:
    subscriber = await _from_token(
        session, settings, token, CONFIRM, settings.newsletter_confirm_hours * 3600
    )
    if subscriber.status is SubscriberStatus.UNSUBSCRIBED:
        raise CmsError(INVALID_LINK, field="token")
    if subscriber.status is SubscriberStatus.PENDING:
        subscriber.status, subscriber.confirmed_at = SubscriberStatus.CONFIRMED, utcnow()
        session.add(subscriber)
        await session.commit()
    return subscriber


async def subscriber_for_unsubscribe(
    *, session: AsyncSession, settings: Settings, token: str
) -> NewsletterSubscriber:
    """Whom an unsubscribe link names, to ask them to confirm; changes nothing."""
    return await _from_token(session, settings, token, UNSUBSCRIBE, None)


async def unsubscribe(
    *, session: AsyncSession, settings: Settings, token: str
) -> NewsletterSubscriber:
    subscriber = await _from_token(session, settings, token, UNSUBSCRIBE, None)
    if subscriber.status is not SubscriberStatus.UNSUBSCRIBED:
        subscriber.status, subscriber.unsubscribed_at = SubscriberStatus.UNSUBSCRIBED, utcnow()
        session.add(subscriber)
        await session.commit()
    return subscriber


async def subscribers(
    *,
    session: AsyncSession,
    first: int,
    after: FeedKey | None = None,
    status: SubscriberStatus | None = None,
) -> tuple[list[NewsletterSubscriber], bool]:
    """Subscribers in the order they signed up, in keyset pages on (created_at, id)."""
    query = select(NewsletterSubscriber).where(*_status_is(status))
    if after is not None:
        query = query.where(
            or_(
                col(NewsletterSubscriber.created_at) > after.moment,
                and_(
                    col(NewsletterSubscriber.created_at) == after.moment,
                    col(NewsletterSubscriber.id) > after.id,
                ),
            )
        )
    order = (col(NewsletterSubscriber.created_at), col(NewsletterSubscriber.id))
    rows = list((await session.scalars(query.order_by(*order).limit(first + 1))).all())
    return rows[:first], len(rows) > first


async def subscriber_count(*, session: AsyncSession, status: SubscriberStatus | None) -> int:
    query = select(func.count()).select_from(NewsletterSubscriber).where(*_status_is(status))
    return int(await session.scalar(query) or 0)


def _status_is(status: SubscriberStatus | None) -> list[ColumnElement[bool]]:
    return [] if status is None else [col(NewsletterSubscriber.status) == status]


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _cell(value: str) -> str:
    """A value a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


async def export_csv(*, session: AsyncSession) -> str:
    """Every subscriber as CSV, for the admins' mailing tools."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "locale", "status", "created_at", "confirmed_at", "unsubscribed_at"])
    query = select(NewsletterSubscriber).order_by(col(NewsletterSubscriber.id))
    for row in await session.scalars(query):
        writer.writerow(
            [
                _cell(row.email),
                row.locale,
                row.status.value,
                _when(row.created_at),
                _when(row.confirmed_at),
                _when(row.unsubscribed_at),
            ]
        )
    return out.getvalue()
