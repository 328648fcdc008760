""" "Main news of the day": choosing the articles, writing the mail, sending it once per day.

Editors pick articles for a day (`digest_on`); without picks, the day's featured articles and then
the most read fill the mail. Each subscriber is claimed before their mail goes out, with a
conditional UPDATE of `last_digest_on` committed on its own: two senders (workers, a cron run, a
restart mid-send) can never both claim one subscriber for a day, so nobody gets the digest twice.
A failed send gives the claim back, so the next run retries that subscriber.
"""

import asyncio
import html
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select, update

from cms import metrics
from cms.models import Article, NewsletterSubscriber, SubscriberStatus
from cms.models.columns import utcnow
from cms.services import audit
from cms.services import newsletter as newsletter_service
from cms.services.articles import ArticleFilter, feed_query
from cms.services.editorial import EditorialContext, get_for_editing
from cms.services.mail import Mail, MailError, Send, mailer
from cms.services.most_read import Period, most_read
from cms.services.roles import EDITORS, Forbidden
from cms.services.viewer import ANONYMOUS
from cms.settings import Settings

logger = logging.getLogger(__name__)

SUBJECTS = {"ka": "დღის მთავარი ამბები", "en": "Main news of the day"}
UNSUBSCRIBE = {"ka": "გამოწერის გაუქმება", "en": "Unsubscribe"}
CLAIM_BATCH = 100


@dataclass(slots=True)
class DigestRun:
    sent: int = 0
    failed: int = 0
    locales: list[str] = field(default_factory=list)


async def pick_for_digest(ec: EditorialContext, public_id: str, day: date | None) -> Article:
    """Put an article in the digest of `day`, or take it out (None)."""
    if ec.user.role not in EDITORS:
        raise Forbidden("Only editors choose the articles of the daily digest.")
    article = await get_for_editing(ec, public_id)
    article.digest_on = day
    ec.session.add(article)
    audit.record(
        ec.session,
        ec.viewer,
        "article.digest_pick",
        "article",
        article.id,
        day=day.isoformat() if day else None,
    )
    await ec.session.commit()
    return article


async def digest_articles(
    *, session: AsyncSession, settings: Settings, locale: str, day: date
) -> list[Article]:
    """The picks of the day; else the day's featured articles, then the most read."""
    base = feed_query(ANONYMOUS, ArticleFilter(locale=locale))
    newest = (col(Article.published_at).desc(), col(Article.id).desc())
    picks = base.where(col(Article.digest_on) == day).order_by(*newest).limit(settings.digest_size)
    chosen = list((await session.scalars(picks)).all())
    if chosen:
        return chosen
    since = utcnow() - timedelta(days=1)
    featured = base.where(col(Article.is_featured), col(Article.published_at) >= since)
    chosen = list(
        (await session.scalars(featured.order_by(*newest).limit(settings.digest_size))).all()
    )
    read = await most_read(
        session=session,
        viewer=ANONYMOUS,
        period=Period.WEEK,
        today=utcnow().date(),
        first=settings.digest_size,
        locale=locale,
        published_since=utcnow() - timedelta(days=2),
    )
    seen = {article.id for article in chosen}
    chosen += [article for article, _ in read if article.id not in seen]
    return chosen[: settings.digest_size]


def render(
    settings: Settings, locale: str, day: date, articles: list[Article], unsubscribe_url: str
) -> Mail:
    """The digest as plain text and HTML, in the subscriber's language."""
    subject = f"{SUBJECTS.get(locale, SUBJECTS['en'])}: {day.isoformat()}"
    leave = UNSUBSCRIBE.get(locale, UNSUBSCRIBE["en"])
    urls = [settings.article_url(a.locale, a.slug, a.public_id) for a in articles]
    text = "\n\n".join(f"{a.title}\n{a.lead}\n{url}" for a, url in zip(articles, urls, strict=True))
    items = "".join(
        f'<li><a href="{html.escape(url)}">{html.escape(a.title)}</a>'
        f"<p>{html.escape(a.lead)}</p></li>"
        for a, url in zip(articles, urls, strict=True)
    )
    page = (
        f'<!doctype html><html lang="{html.escape(locale)}"><body>'
        f"<h1>{html.escape(subject)}</h1><ul>{items}</ul>"
        f'<p><a href="{html.escape(unsubscribe_url)}">{leave}</a></p></body></html>'
    )
    return Mail(
        to="",
        subject=subject,
        text=f"{subject}\n\n{text}\n\n{leave}: {unsubscribe_url}\n",
        html=page,
        unsubscribe_url=unsubscribe_url,
    )


async def _claim(
    sessions: async_sessionmaker[AsyncSession], subscriber_id: int, day: date
) -> NewsletterSubscriber | None:
    """Mark the subscriber as served today, unless someone already did; committed at once."""
    async with sessions() as session:
        subscriber = await session.get(NewsletterSubscriber, subscriber_id)
        if subscriber is None:
            return None
        previous = subscriber.last_digest_on
        claimed = await session.execute(
            update(NewsletterSubscriber)
            .where(
                col(NewsletterSubscriber.id) == subscriber_id,
                col(NewsletterSubscriber.status) == SubscriberStatus.CONFIRMED,
                or_(
                    col(NewsletterSubscriber.last_digest_on).is_(None),
                    col(NewsletterSubscriber.last_digest_on) < day,
                ),
            )
            .values(last_digest_on=day)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        subscriber.last_digest_on = previous
        return subscriber


async def _release(
    sessions: async_sessionmaker[AsyncSession], subscriber: NewsletterSubscriber, day: date
) -> None:
    async with sessions() as session:
        await session.execute(
            update(NewsletterSubscriber)
            .where(
                col(NewsletterSubscriber.id) == subscriber.id,
                col(NewsletterSubscriber.last_digest_on) == day,
            )
            .values(last_digest_on=subscriber.last_digest_on)
        )
        await session.commit()


async def _due(
    sessions: async_sessionmaker[AsyncSession], locale: str, day: date, skip: set[int]
) -> list[int]:
    query = (
        select(NewsletterSubscriber.id)
        .where(
            col(NewsletterSubscriber.locale) == locale,
            col(NewsletterSubscriber.status) == SubscriberStatus.CONFIRMED,
            or_(
                col(NewsletterSubscriber.last_digest_on).is_(None),
                col(NewsletterSubscriber.last_digest_on) < day,
            ),
            col(NewsletterSubscriber.id).not_in(skip),
        )
        .order_by(col(NewsletterSubscriber.id))
        .limit(CLAIM_BATCH)
    )
    async with sessions() as session:
        return [i for i in (await session.scalars(query)).all() if i is not None]


async def _send_locale(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    send: Send,
    locale: str,
    day: date,
    run: DigestRun,
) -> None:
    failed: set[int] = set()
    due = await _due(sessions, locale, day, failed)
    if not due:
        return
    async with sessions() as session:
        articles = await digest_articles(session=session, settings=settings, locale=locale, day=day)
    if not articles:
        return
    run.locales.append(locale)
    while due:
        for subscriber_id in due:
            subscriber = await _claim(sessions, subscriber_id, day)
            if subscriber is None:
                continue
            leave = newsletter_service.link(settings, subscriber, newsletter_service.UNSUBSCRIBE)
            mail = render(settings, locale, day, articles, leave)
            try:
                await send(Mail(subscriber.email, mail.subject, mail.text, mail.html, leave))
                run.sent += 1
                metrics.DIGEST_MAILS.labels("sent").inc()
            except MailError:
                logger.exception("digest to subscriber %d failed; will retry", subscriber_id)
                await _release(sessions, subscriber, day)
                failed.add(subscriber_id)
                run.failed += 1
                metrics.DIGEST_MAILS.labels("failed").inc()
        due = await _due(sessions, locale, day, failed)


async def send_digest(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, day: date | None = None
) -> DigestRun:
    """Send the digest of `day` (today, in the site's time zone) to everyone not yet served."""
    day = day or datetime.now(settings.zone).date()
    run = DigestRun()
    async with mailer(settings) as send:
        for locale in settings.locales:
            await _send_locale(sessions, settings, send, locale, day, run)
    return run


async def run_forever(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, interval: float = 60.0
) -> None:
    """The app's daily sender: from `CMS_DIGEST_TIME` on, serve whoever has not had today's."""
    assert settings.digest_time is not None
    while True:
        now = datetime.now(settings.zone)
        if now.time() >= settings.digest_time:
            try:
                run = await send_digest(sessions, settings, now.date())
                if run.sent or run.failed:
                    logger.info("digest: sent %d, failed %d", run.sent, run.failed)
            except Exception:
                logger.exception("digest run failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)
