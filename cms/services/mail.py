"""Outgoing mail over SMTP (aiosmtplib); newsletter mail carries RFC 8058 one-click unsubscribe.

Without `CMS_SMTP_HOST` (a laptop), mail is written to the log instead, links included, so a
developer can still confirm a subscription.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from cms.settings import Settings

logger = logging.getLogger(__name__)

Send = Callable[["Mail"], Awaitable[None]]


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    unsubscribe_url: str | None = None


def message(settings: Settings, mail: Mail) -> EmailMessage:
    built = EmailMessage()
    built["From"] = settings.mail_from
    built["To"] = mail.to
    built["Subject"] = mail.subject
    built["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2].strip(">"))
    if mail.unsubscribe_url is not None:
        built["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        built["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    built.set_content(mail.text)
    if mail.html is not None:
        built.add_alternative(mail.html, subtype="html")
    return built


@asynccontextmanager
async def mailer(settings: Settings) -> AsyncIterator[Send]:
    """One SMTP connection for a batch of mail, opened on the first message."""
    if settings.smtp_host is None:

        async def log_only(mail: Mail) -> None:
            text = mail.text if settings.env == "development" else "(text withheld in production)"
            logger.warning(
                "CMS_SMTP_HOST unset; not sent to %s: %s\n%s", mail.to, mail.subject, text
            )

        yield log_only
        return
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_tls,
        start_tls=settings.smtp_starttls,
        timeout=30,
    )

    async def send(mail: Mail) -> None:
        try:
            if not client.is_connected:
                await client.connect()
            await client.send_message(message(settings, mail))
        except (aiosmtplib.SMTPException, OSError) as error:
            raise MailError(f"sending to {mail.to} failed: {error}") from error

    try:
        yield send
    finally:
        if client.is_connected:
            with suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()


class Outbox:
    """Mail sent after the answer, each on its own connection: a reply never waits for the SMTP
    server, so its timing cannot tell whether a mail went out (password resets)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pending: set[asyncio.Task[None]] = set()

    def post(self, mail: Mail) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(mail))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _deliver(self, mail: Mail) -> None:
        try:
            async with mailer(self.settings) as send:
                await send(mail)
        except MailError as error:
            logger.warning("mail not delivered: %s", error)

    async def close(self) -> None:
        """Wait for the mail still on its way (at shutdown)."""
        if self._pending:
            await asyncio.gather(*self._pending)
