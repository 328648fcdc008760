"""One settings object for the whole application, read from `CMS_*` variables and `.env`.

The defaults run everything on a laptop with no configuration: a SQLite file, media on disk,
the site's clock in Tbilisi. Production swaps values, never code.
"""

from datetime import time
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cms.models.enums import MediaKind

DEFAULT_SECRET_KEY = "change-me"


class Settings(BaseSettings):
    """Application settings; every field is an environment variable with the `CMS_` prefix."""

    model_config = SettingsConfigDict(env_prefix="CMS_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./cms.db"
    redis_url: str | None = None
    redis_prefix: str = Field(
        default="cms", description="Prefix of every Redis key and channel, to share one Redis."
    )
    media_root: Path = Path("./media")
    media_url: str = Field(
        default="/media/",
        description="Public URL prefix of stored media; absolute when media sits on a CDN.",
    )
    media_storage: Literal["local", "s3"] = "local"
    media_max_bytes: int = 25 * 1024 * 1024
    media_allowed_kinds: list[MediaKind] = list(MediaKind)
    media_max_image_pixels: int = 60_000_000
    media_import_timeout_seconds: float = 20.0
    media_import_allowed_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=list,
        description="Private networks `importMedia` may fetch from anyway; empty in production. "
        "The tests set it, as the only HTTP server they can run listens on loopback.",
    )
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    secret_key: str = DEFAULT_SECRET_KEY
    site_url: str = "http://localhost:8000"
    timezone: str = "Asia/Tbilisi"
    default_locale: str = "ka"
    locales: list[str] = ["ka", "en"]
    page_size_max: int = 100
    graphiql: bool | None = None
    introspection: bool | None = None
    sql_echo: bool = False
    session_ttl_hours: int = 12
    login_slowdown_after: int = 3
    login_slowdown_seconds: float = 1.0
    login_lockout_after: int = 10
    login_lockout_minutes: int = 15
    preview_ttl_minutes: int = 60
    scheduler_interval_seconds: float = 5.0
    persisted_queries_only: bool = Field(
        default=False,
        description="Anonymous callers may only run registered documents (the allow-list).",
    )
    persisted_queries_dir: Path | None = None
    automatic_persisted_queries: int = 2000
    max_body_bytes: int = 100_000
    max_query_tokens: int = 2000
    max_query_depth: int = 10
    max_query_aliases: int = 15
    max_query_cost: int = 5000
    max_batch_operations: int = 10
    response_cache_bytes: int = 64 * 1024 * 1024
    cache_max_age: int = 30
    cache_s_maxage: int = 300
    cache_stale_while_revalidate: int = 60
    cdn_purge_url: str | None = None
    view_flush_seconds: float = 2.0
    view_repeat_minutes: int = 30
    site_name: str = "Newsroom"
    api_url: str | None = None
    article_path: str = "/{locale}/{slug}"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    mail_from: str = "Newsroom <newsletter@localhost>"
    newsletter_confirm_hours: int = 48
    digest_time: time | None = time(8, 0)
    digest_size: int = 8
    live_provider_hosts: list[str] = ["stream.mux.com", "videodelivery.net"]
    ws_ping_seconds: float = 15.0
    ws_max_subscriptions: int = 20
    ws_allowed_origins: list[str] = []
    ws_init_timeout_seconds: float = Field(
        default=10.0, description="A socket that sends no `connection_init` within this closes."
    )
    ws_send_queue_bytes: int = Field(
        default=1024 * 1024,
        description="Unsent bytes a socket may fall behind by before it is closed with 1013.",
    )
    embed_hosts: list[str] = [
        "www.youtube.com",
        "www.youtube-nocookie.com",
        "player.vimeo.com",
        "www.facebook.com",
        "platform.twitter.com",
    ]

    @field_validator("digest_time", mode="before")
    @classmethod
    def _digest_off(cls, value: object) -> object:
        """An empty `CMS_DIGEST_TIME` (or `off`) turns the automatic digest off."""
        return None if value in ("", "off") else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name") from error
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        if self.default_locale not in self.locales:
            raise ValueError(f"default_locale {self.default_locale!r} is not in locales")
        if self.media_storage == "s3" and not self.s3_bucket:
            raise ValueError("CMS_MEDIA_STORAGE=s3 needs CMS_S3_BUCKET")
        if self.env == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError("CMS_SECRET_KEY must be set to a random value in production")
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def graphiql_enabled(self) -> bool:
        return self.env == "development" if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return self.env == "development" if self.introspection is None else self.introspection

    @property
    def public_api_url(self) -> str:
        """Where readers reach this server (confirm and unsubscribe links); the site by default."""
        return (self.api_url or self.site_url).rstrip("/")

    def article_url(self, locale: str, slug: str, public_id: str) -> str:
        """The public page of an article on the site, for feeds and emails."""
        path = self.article_path.format(locale=locale, slug=slug, public_id=public_id)
        return self.site_url.rstrip("/") + "/" + path.lstrip("/")

    def media_url_for(self, key: str) -> str:
        """Absolute URL of a stored file, so frontends on other hosts can use it as is."""
        base = self.media_url
        if base.startswith("/"):
            base = self.site_url.rstrip("/") + base
        return base.rstrip("/") + "/" + key
