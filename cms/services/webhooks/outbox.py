"""Writing a webhook event in the transaction of the change it announces.

The event is a row of the write's own transaction: it exists exactly when the change committed
(a rollback drops both), and it survives a crash between commit and delivery, which a message
sent after commit would not. The delivery worker picks it up (`cms.services.webhooks.delivery`).

Article events concern what the public sees: `article.published` and `article.unpublished` when
an article enters or leaves the site, `article.updated` and `article.deleted` only for a
published one. A draft's edits do not change any page a frontend has to rebuild, and its title
must not leave the newsroom before it is published.

An import (`cms import … --webhooks`) announces itself once, with `import.completed` and its
counts, or each published article it wrote, as an editor's change would be.

Events carry identifiers (public id, locale, slug), never the body: a receiver that needs more
asks the API, which answers with what the public may see.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cms.models import Article, ArticleStatus, WebhookEvent, WebhookTopic


def record(session: AsyncSession, topic: WebhookTopic, **data: Any) -> None:
    """Add the event to the session's transaction; it is sent once that commits."""
    session.add(WebhookEvent(topic=topic.value, data=data))


def _article_data(article: Article) -> dict[str, Any]:
    return {
        "publicId": article.public_id,
        "locale": article.locale,
        "slug": article.slug,
        "categoryId": article.category_id,
    }


def article_status_changed(session: AsyncSession, article: Article, before: ArticleStatus) -> None:
    """`article.published` or `article.unpublished` when the article entered or left the site."""
    live_now = article.status is ArticleStatus.PUBLISHED
    if live_now != (before is ArticleStatus.PUBLISHED):
        topic = WebhookTopic.ARTICLE_PUBLISHED if live_now else WebhookTopic.ARTICLE_UNPUBLISHED
        record(session, topic, **_article_data(article))


def article_updated(session: AsyncSession, article: Article) -> None:
    """`article.updated` for a published article whose content or flags changed."""
    if article.status is ArticleStatus.PUBLISHED:
        record(session, WebhookTopic.ARTICLE_UPDATED, **_article_data(article))


def article_deleted(session: AsyncSession, article: Article) -> None:
    """`article.deleted` when the article being deleted was on the site."""
    if article.status is ArticleStatus.PUBLISHED:
        record(session, WebhookTopic.ARTICLE_DELETED, **_article_data(article))


def article_imported(session: AsyncSession, article: Article, before: ArticleStatus | None) -> None:
    """What an import's write of the article changed on the site; `before` is None for a new
    one."""
    if before is ArticleStatus.PUBLISHED and article.status is ArticleStatus.PUBLISHED:
        article_updated(session, article)
    else:
        article_status_changed(session, article, before or ArticleStatus.DRAFT)


def import_completed(
    session: AsyncSession, kind: str, counts: Mapping[str, Mapping[str, int]]
) -> None:
    """`import.completed`: one event for a whole import, so a frontend rebuilds once."""
    record(session, WebhookTopic.IMPORT_COMPLETED, kind=kind, **counts)
