"""Preview tokens: signed, short-lived, naming one article; nothing is stored."""

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from cms.models.columns import utcnow
from cms.services.editorial import EditorialContext, get_for_editing
from cms.services.roles import check_can_edit
from cms.settings import Settings

_SALT = "article-preview"


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_SALT)


async def mint(ec: EditorialContext, public_id: str) -> tuple[str, datetime]:
    article = await get_for_editing(ec, public_id)
    check_can_edit(ec.viewer, article)
    token = _signer(ec.settings).dumps(article.public_id)
    return token, utcnow() + timedelta(minutes=ec.settings.preview_ttl_minutes)


def article_named_by(settings: Settings, token: str) -> str | None:
    """The public id a valid, unexpired token names; None for anything else."""
    try:
        public_id = _signer(settings).loads(token, max_age=settings.preview_ttl_minutes * 60)
    except BadSignature:
        return None
    return public_id if isinstance(public_id, str) else None
