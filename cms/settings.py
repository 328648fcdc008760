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
MIN_SECRET_LENGTH = 32
"""Signing keys (sessions, previews, view counting) need at least 32 random characters."""


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
    field_suggestions: bool | None = Field(
        default=None,
        description='"Did you mean …?" in validation errors, which spell out hidden field names.',
    )
    debug: bool = Field(
        default=False, description="Tracebacks in the answer to a request that failed."
    )
    sql_echo: bool = False
    db_pool_size: int | None = Field(
        default=None,
        ge=1,
        description="Database connections a worker keeps (as many more open at peaks); by "
        "default 20 on PostgreSQL and 4 on SQLite, where each is a thread contending for the "
        "worker's one interpreter lock.",
    )
    session_ttl_hours: int = 12
    login_slowdown_after: int = 3
    login_slowdown_seconds: float = 1.0
    login_lockout_after: int = 10
    login_lockout_minutes: int = 15
    password_reset_url: str | None = Field(
        default=None,
        description="The page a reset mail links to, with `{token}` where the token goes; "
        "`CMS_SITE_URL` + `/reset-password?token={token}` when unset.",
    )
    password_reset_minutes: int = 30
    password_reset_max_requests: int = Field(
        default=5,
        description="Reset mails asked for one address, or from one client address, within "
        "`login_lockout_minutes`; more are refused, so nobody can flood a mailbox.",
    )
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
    max_query_directives: int = Field(default=5, description="Directives on one field.")
    max_query_repeats: int = Field(
        default=50, description="Selections of one field in one selection set, fragments included."
    )
    max_query_cost: int = 5000
    max_query_seconds: float = Field(
        default=10.0, description="Time a query may run before it is stopped (not mutations)."
    )
    max_batch_operations: int = 10
    compiled_queries: bool = Field(
        default=True,
        description="Answer known anonymous queries from compiled plans "
        "(docs/compiled-execution.md); false runs every query on the normal path.",
    )
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

    @field_validator("password_reset_url")
    @classmethod
    def _reset_url_has_token(cls, value: str | None) -> str | None:
        if value is not None and "{token}" not in value:
            raise ValueError("CMS_PASSWORD_RESET_URL needs a {token} placeholder")
        return value

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
        refusals = self.production_refusals()
        if refusals:
            raise ValueError("".join(["unsafe in production:", *(f"\n- {r}" for r in refusals)]))
        return self

    def production_refusals(self) -> list[str]:
        """Values that would leak secrets or open the server in production; none in development."""
        if self.env != "production":
            return []
        refusals: list[str] = []
        if self.secret_key == DEFAULT_SECRET_KEY:
            refusals.append("CMS_SECRET_KEY must be set to a random value in production")
        elif len(self.secret_key) < MIN_SECRET_LENGTH:
            refusals.append(
                f"CMS_SECRET_KEY has {len(self.secret_key)} characters; use at least "
                f"{MIN_SECRET_LENGTH} random ones (`python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`)"
            )
        if self.debug:
            refusals.append("CMS_DEBUG shows tracebacks to callers; turn it off")
        if self.sql_echo:
            refusals.append(
                "CMS_SQL_ECHO logs every statement with its values (password hashes, emails); "
                "turn it off"
            )
        if self.media_import_allowed_networks:
            refusals.append(
                "CMS_MEDIA_IMPORT_ALLOWED_NETWORKS lets importMedia reach private networks; "
                "leave it empty"
            )
        if self.smtp_password and not (self.smtp_tls or self.smtp_starttls):
            refusals.append(
                "CMS_SMTP_PASSWORD would cross the network in clear text; set CMS_SMTP_TLS or "
                "CMS_SMTP_STARTTLS"
            )
        return refusals

    def production_warnings(self) -> list[str]:
        """Values that are safe but probably not what a production site wants."""
        if self.env != "production":
            return []
        warnings: list[str] = []
        if self.database_url.startswith("sqlite"):
            warnings.append(
                "SQLite serves one machine (several workers on it are fine); a second machine, "
                "read replicas or online backups need PostgreSQL"
            )
        if not self.site_url.startswith("https://"):
            warnings.append(
                "CMS_SITE_URL is not https: session cookies are sent without the Secure flag"
            )
        for name, enabled in (
            ("CMS_GRAPHIQL", self.graphiql),
            ("CMS_INTROSPECTION", self.introspection),
            ("CMS_FIELD_SUGGESTIONS", self.field_suggestions),
        ):
            if enabled:
                warnings.append(f"{name} is on: it shows strangers the schema")
        return warnings

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
    def field_suggestions_enabled(self) -> bool:
        if self.field_suggestions is None:
            return self.env == "development"
        return self.field_suggestions

    @property
    def public_api_url(self) -> str:
        """Where readers reach this server (confirm and unsubscribe links); the site by default."""
        return (self.api_url or self.site_url).rstrip("/")

    def article_url(self, locale: str, slug: str, public_id: str) -> str:
        """The public page of an article on the site, for feeds and emails."""
        path = self.article_path.format(locale=locale, slug=slug, public_id=public_id)
        return self.site_url.rstrip("/") + "/" + path.lstrip("/")

    def password_reset_link(self, token: str) -> str:
        """Where a reset mail sends its reader: the frontend's page, or one under the site."""
        template = (
            self.password_reset_url or self.site_url.rstrip("/") + "/reset-password?token={token}"
        )
        return template.replace("{token}", token)

    def media_url_for(self, key: str) -> str:
        """Absolute URL of a stored file, so frontends on other hosts can use it as is."""
        base = self.media_url
        if base.startswith("/"):
            base = self.site_url.rstrip("/") + base
        return base.rstrip("/") + "/" + key
