"""One settings object for the whole application, read from `CMS_*` variables and `.env`.

The defaults run everything on a laptop with no configuration: a SQLite file, media on disk,
the site's clock in Tbilisi. Production swaps values, never code. Each field's description is its
documentation: `cms export-settings-doc` writes docs/configuration.md from them.

Longer than our other modules on purpose: one class, so that one `Settings()` validates every
value against the others (the production checks below) and the configuration page lists them in
one place; splitting it would scatter what an operator reads as one list.
"""

from datetime import time
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse as parse_rate
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cms.models.enums import MediaKind

DEFAULT_SECRET_KEY = "change-me"
MIN_SECRET_LENGTH = 32
"""Signing keys (sessions, previews, view counting) need at least 32 random characters."""


class Settings(BaseSettings):
    """Application settings; every field is an environment variable with the `CMS_` prefix."""

    model_config = SettingsConfigDict(env_prefix="CMS_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = Field(
        default="development",
        description="`production` turns off the console (GraphiQL), introspection and field "
        "suggestions (`CMS_STAFF_CONSOLE` gives them back to signed-in staff), masks unexpected "
        "errors, and refuses unsafe values (see the deployment page).",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./cms.db",
        description="The database; `postgresql+asyncpg://user:password@host:5432/name` for "
        "PostgreSQL.",
    )
    database_replica_urls: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="PostgreSQL streaming replicas anonymous queries and feeds read from, "
        "comma-separated "
        "(`postgresql+asyncpg://…@replica-1:5432/newsroom,…`); writes, subscriptions and "
        "signed-in callers use `CMS_DATABASE_URL`. A replica that has not replayed the "
        "primary's latest commit, or does not answer, is skipped (see the deployment page).",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis, for state shared by several workers: the response cache, and "
        "subscription events travel between workers over its pub/sub.",
    )
    redis_prefix: str = Field(
        default="cms",
        description="Prefix of every Redis key and channel, so several sites can share one Redis "
        "(subscription events go to `<prefix>:events`).",
    )
    media_root: Path = Field(
        default=Path("./media"), description="Where media files are stored with `local` storage."
    )
    media_url: str = Field(
        default="/media/",
        description="Public URL prefix of stored media; a relative one is joined to "
        "`CMS_SITE_URL`, an absolute one names a CDN or the bucket's public URL.",
    )
    media_storage: Literal["local", "s3"] = Field(
        default="local",
        description="`local` (files under `CMS_MEDIA_ROOT`, served at `/media/`) or `s3` (any "
        "S3-compatible bucket).",
    )
    media_max_bytes: int = Field(
        default=25 * 1024 * 1024,
        description="The largest file `uploadMedia` and `importMedia` accept (25 MiB); a "
        "multipart request declaring more is refused (413) unread.",
    )
    media_allowed_kinds: list[MediaKind] = Field(
        default=list(MediaKind), description="The kinds of media accepted."
    )
    media_max_image_pixels: int = Field(
        default=60_000_000,
        description="Larger images (and decompression bombs) are refused.",
    )
    media_import_timeout_seconds: float = Field(
        default=20.0, description="The deadline for one `importMedia` download."
    )
    media_import_allowed_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=list,
        description="Private networks `importMedia` may fetch from anyway; empty in production. "
        "The tests set it, as the only HTTP server they can run listens on loopback.",
    )
    s3_bucket: str | None = Field(default=None, description="The bucket for `s3` storage.")
    s3_endpoint_url: str | None = Field(
        default=None, description="The endpoint of an S3-compatible store other than AWS."
    )
    s3_region: str | None = Field(default=None, description="The bucket's region.")
    s3_access_key_id: str | None = Field(
        default=None,
        description="The store's access key; the AWS defaults (variables, roles) apply when unset.",
    )
    s3_secret_access_key: str | None = Field(
        default=None, description="The secret of `CMS_S3_ACCESS_KEY_ID`."
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="Signs sessions, preview tokens, newsletter links and reader hashes; in "
        "production at least 32 random characters.",
    )
    site_url: str = Field(
        default="http://localhost:8000",
        description="The public site, for absolute URLs; the origin whose pages may open a "
        "WebSocket.",
    )
    timezone: str = Field(
        default="Asia/Tbilisi",
        description="The site's time zone (an IANA name), for display fields and the digest time.",
    )
    default_locale: str = Field(
        default="ka", description="The language used when a query names none."
    )
    locales: list[str] = Field(
        default=["ka", "en"], description="The languages content is written in."
    )
    page_size_max: int = Field(default=100, description="The largest `first` a connection accepts.")
    graphiql: bool | None = Field(
        default=None,
        description="Serve the editors' console (GraphiQL) at `/graphql` to everyone; on in "
        "development, off in production unless set (or `CMS_STAFF_CONSOLE`).",
    )
    staff_console: bool = Field(
        default=False,
        description="Production: serve the console at `/graphql`, and answer introspection (the "
        "Docs pane) and field suggestions to signed-in staff only; anonymous callers are still "
        "refused them. Leave `CMS_GRAPHIQL`, `CMS_INTROSPECTION` and `CMS_FIELD_SUGGESTIONS` "
        "unset with it.",
    )
    console_assets_dir: Path | None = Field(
        default=None,
        description="Where `make console-assets` (npm ci) installed the console's scripts and "
        "styles; `console/node_modules` of the checkout when unset.",
    )
    introspection: bool | None = Field(
        default=None,
        description="Answer `__schema` and `__type`; on in development, off in production unless "
        "set.",
    )
    field_suggestions: bool | None = Field(
        default=None,
        description='"Did you mean …?" in validation errors, which spell out hidden field names; '
        "on in development, off in production unless set.",
    )
    debug: bool = Field(
        default=False,
        description="Tracebacks in the answer to a request that failed; refused in production.",
    )
    sql_echo: bool = Field(
        default=False,
        description="Log every SQL statement with its values (otherwise SQL errors carry no "
        "values); refused in production.",
    )
    db_pool_size: int | None = Field(
        default=None,
        ge=1,
        description="Database connections a worker keeps (as many more open at peaks); by "
        "default 20 on PostgreSQL and 4 on SQLite, where each is a thread contending for the "
        "worker's one interpreter lock. On PostgreSQL, workers * 2 * this must stay under the "
        "server's `max_connections`.",
    )
    session_ttl_hours: int = Field(default=12, description="How long a sign-in lasts.")
    login_slowdown_after: int = Field(
        default=3,
        description="After this many failed sign-ins (per account, per client address) each "
        "attempt waits.",
    )
    login_slowdown_seconds: float = Field(
        default=1.0,
        description="The wait per failure beyond `CMS_LOGIN_SLOWDOWN_AFTER`.",
    )
    login_lockout_after: int = Field(
        default=10,
        description="After this many failed sign-ins the account or client address is refused.",
    )
    login_lockout_minutes: int = Field(
        default=15, description="How long a locked-out account or address is refused."
    )
    password_reset_url: str | None = Field(
        default=None,
        description="The page a reset mail links to, with `{token}` where the token goes; "
        "`CMS_SITE_URL` + `/reset-password?token={token}` when unset.",
    )
    password_reset_minutes: int = Field(
        default=30, description="How long a password reset link works (once)."
    )
    password_reset_max_requests: int = Field(
        default=5,
        description="Reset mails asked for one address, or from one client address, within "
        "`CMS_LOGIN_LOCKOUT_MINUTES`; more are refused, so nobody can flood a mailbox.",
    )
    preview_ttl_minutes: int = Field(
        default=60, description="How long a `createPreviewToken` token shows its draft."
    )
    scheduler_interval_seconds: float = Field(
        default=5.0,
        description="How often each worker publishes due articles, expires breaking flags and "
        "announces programmes that start; `0` turns the background scheduler off.",
    )
    webhook_poll_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often each worker looks for webhook deliveries that are due; `0` turns "
        "delivery off in this process (events still queue up in the outbox).",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a webhook endpoint has to answer one delivery before it counts "
        "as failed and is tried again.",
    )
    webhook_max_attempts: int = Field(
        default=8,
        ge=1,
        description="Tries per delivery; after the last failure it is dead-lettered (`DEAD`) "
        "until an admin redelivers it.",
    )
    webhook_retry_base_seconds: float = Field(
        default=30.0,
        ge=0,
        description="The wait before the first retry; each later wait doubles up to "
        "`CMS_WEBHOOK_RETRY_MAX_SECONDS`, and every wait is shifted by up to 50% either way at "
        "random.",
    )
    webhook_retry_max_seconds: float = Field(
        default=6 * 3600.0, ge=0, description="The longest wait between two tries of a delivery."
    )
    webhook_log_days: int = Field(
        default=30,
        ge=0,
        description="How long the delivery log keeps an event whose deliveries have all ended "
        "(delivered, or dead and not sent again); `0` keeps the log forever.",
    )
    webhook_allowed_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=list,
        description="Private networks webhooks may be sent to anyway; empty in production. "
        "The tests set it, as the only HTTP receiver they can run listens on loopback.",
    )
    persisted_queries_only: bool = Field(
        default=False,
        description="Anonymous callers may only run registered documents (the allow-list).",
    )
    persisted_queries_dir: Path | None = Field(
        default=None, description="A folder of `.graphql` documents registered at start-up."
    )
    automatic_persisted_queries: int = Field(
        default=2000, description="Automatic persisted queries remembered per worker."
    )
    max_body_bytes: int = Field(
        default=100_000,
        description="The largest JSON request body (413) or GET query string (414).",
    )
    max_query_tokens: int = Field(
        default=2000, description="Tokens in one document, counted while parsing."
    )
    max_query_depth: int = Field(
        default=10, description="Depth of a document, through fragments; the root field is 0."
    )
    max_query_aliases: int = Field(default=15, description="Aliases in one document.")
    max_query_directives: int = Field(default=5, description="Directives on one field.")
    max_query_repeats: int = Field(
        default=50, description="Selections of one field in one selection set, fragments included."
    )
    max_query_cost: int = Field(
        default=5000,
        description="Cost of a document: each field costs 1, and a field with `first` multiplies "
        "what it selects by the page size.",
    )
    max_query_seconds: float = Field(
        default=10.0, description="Time a query may run before it is stopped (not mutations)."
    )
    max_batch_operations: int = Field(
        default=10, description="Operations in one batched request (a JSON array)."
    )
    compiled_queries: bool = Field(
        default=True,
        description="Answer known anonymous queries from compiled plans "
        "(docs/compiled-execution.md); false runs every query on the normal path.",
    )
    response_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="Size of the in-process response cache (64 MiB); `0` turns the cache off.",
    )
    cache_max_age: int = Field(
        default=30, description="`max-age` of public responses' `Cache-Control`, in seconds."
    )
    cache_s_maxage: int = Field(
        default=300,
        description="`s-maxage` of public responses' `Cache-Control` (shared caches, CDNs).",
    )
    cache_stale_while_revalidate: int = Field(
        default=60, description="`stale-while-revalidate` of public responses' `Cache-Control`."
    )
    views_max_age_seconds: int = Field(
        default=60,
        ge=0,
        description="How long a cached answer that shows view counts (`views`, `mostRead`) "
        "stays fresh; after it, the next reader gets it while one request recomputes it, "
        "since a view never invalidates a cached answer.",
    )
    cdn_purge_url: str | None = Field(
        default=None,
        description="Where the surrogate keys of stale responses are POSTed for a CDN to purge.",
    )
    view_flush_seconds: float = Field(
        default=2.0, description="How often each worker writes the views it queued."
    )
    view_repeat_minutes: int = Field(
        default=30, description="A reader counts once per article within this time."
    )
    site_name: str = Field(
        default="Newsroom",
        description="The publication's name in feeds, the news sitemap and mail.",
    )
    home_top_slots: int = Field(
        default=4, ge=1, le=20, description="Top stories under the lead on the home page."
    )
    home_category_slots: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Editors' picks per top-level category (those in the menu) on the home page.",
    )
    author_path: str = Field(
        default="/{locale}/authors/{slug}",
        description="An author's page on the site, joined to `CMS_SITE_URL`; the placeholders "
        "are `{locale}` and `{slug}`.",
    )
    publisher_name: str | None = Field(
        default=None,
        description="The publisher named in articles' structured data (`jsonLd`); "
        "`CMS_SITE_NAME` when unset.",
    )
    publisher_logo_url: str | None = Field(
        default=None,
        description="Absolute URL of the publisher's logo for structured data: a PNG or JPEG "
        "search engines can fetch.",
    )
    publisher_same_as: list[str] = Field(
        default=[],
        description="The publisher's other official pages (social accounts, Wikipedia), as a "
        'JSON list of URLs, e.g. ["https://x.com/newsroom"].',
    )
    api_url: str | None = Field(
        default=None,
        description="Where readers reach this server, for the links in mail (`/newsletter/…`) "
        "and the feeds' self links; `CMS_SITE_URL` when unset.",
    )
    article_path: str = Field(
        default="/{locale}/{slug}",
        description="An article's page on the site, joined to `CMS_SITE_URL`; the placeholders "
        "are `{locale}`, `{slug}` and `{public_id}`.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server for mail; unset: mail is only logged (in production without "
        "its text, which may hold a link).",
    )
    smtp_port: int = Field(default=25, description="The SMTP server's port.")
    smtp_username: str | None = Field(
        default=None, description="The SMTP user name, if the server wants one."
    )
    smtp_password: str | None = Field(
        default=None,
        description="The SMTP password; production refuses it without `CMS_SMTP_TLS` or "
        "`CMS_SMTP_STARTTLS`.",
    )
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    smtp_tls: bool = Field(default=False, description="Connect with TLS (port 465).")
    mail_from: str = Field(
        default="Newsroom <newsletter@localhost>",
        description="The sender of newsletter and password reset mail.",
    )
    newsletter_confirm_hours: int = Field(
        default=48, description="How long a newsletter confirmation link works."
    )
    digest_time: time | None = Field(
        default=time(8, 0),
        description="When (site time) the app starts sending the day's digest; empty or `off`: "
        "only `cms digest send` sends it.",
    )
    digest_size: int = Field(default=8, description="Articles in a digest.")
    live_provider_hosts: list[str] = Field(
        default=["stream.mux.com", "videodelivery.net"],
        description="Hosts whose https playback URLs are accepted even when they are not `.m3u8` "
        "manifests.",
    )
    ws_ping_seconds: float = Field(
        default=15.0,
        description="How often the server pings each WebSocket, so proxies keep idle sockets open.",
    )
    ws_max_subscriptions: int = Field(
        default=20, description="Operations one WebSocket may have running at once."
    )
    ws_allowed_origins: list[str] = Field(
        default=[],
        description="Origins besides `CMS_SITE_URL` whose pages may open a WebSocket.",
    )
    ws_init_timeout_seconds: float = Field(
        default=10.0,
        description="A socket that sends no `connection_init` within this is closed with 4408.",
    )
    ws_send_queue_bytes: int = Field(
        default=1024 * 1024,
        description="Unsent bytes a socket may fall behind by before it is closed with 1013.",
    )
    embed_hosts: list[str] = Field(
        default=[
            "www.youtube.com",
            "www.youtube-nocookie.com",
            "player.vimeo.com",
            "www.facebook.com",
            "platform.twitter.com",
        ],
        description="Hosts an article body or live-blog entry may embed in an `iframe` (https "
        "only); other frames are dropped when the HTML is sanitised.",
    )

    metrics_token: str | None = Field(
        default=None,
        description="The bearer token a Prometheus scrape of `/metrics` must send (in production "
        "at least 32 random characters); unset: there is no `/metrics` (404).",
    )
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="`json` (one event per line) or `text`; JSON in production, text in "
        "development unless set.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="The least severe log events written."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma-separated origins (`https://www.example.com`) whose pages may call the "
        "API from a browser, with credentials; no other origin gets CORS headers.",
    )
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default=[],
        description="Comma-separated addresses or networks of the reverse proxies and CDN in "
        "front; only a request from one of them has its `X-Forwarded-For` believed, for the "
        "client address rate limits and sign-in lockouts count by.",
    )
    rate_limit_anonymous: str = Field(
        default="300/minute",
        description="GraphQL requests an anonymous client (by address) may make that the "
        "response cache does not answer (`limits` notation, `off` for none); over it: 429.",
    )
    rate_limit_staff: str = Field(
        default="3000/minute",
        description="GraphQL requests a signed-in user may make (counted per account).",
    )
    rate_limit_cached: str = Field(
        default="1200/minute",
        description="Anonymous GraphQL requests per client address, cache hits included.",
    )
    rate_limit_views: str = Field(
        default="60/minute", description="View beacons (`POST /views/…`) per client address."
    )

    @field_validator("cors_origins", "trusted_proxies", "database_replica_urls", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`a, b` in the environment; a list when built in code."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _bare_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin == "*" or origin.count("/") != 2 or not origin.startswith("http"):
                raise ValueError(
                    f"CORS origin {origin!r} must be a scheme and host, as "
                    "`https://www.example.com`, without a path or `*`"
                )
        return [origin.lower() for origin in value]

    @field_validator(
        "rate_limit_anonymous", "rate_limit_staff", "rate_limit_cached", "rate_limit_views"
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        if value != "off":
            try:
                parse_rate(value)
            except ValueError as error:
                raise ValueError(
                    f"rate {value!r} is not like `300/minute` or `10 per second`, or `off`"
                ) from error
        return value

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
        if self.database_replica_urls and not self.database_url.startswith("postgresql"):
            raise ValueError("CMS_DATABASE_REPLICA_URLS needs a PostgreSQL CMS_DATABASE_URL")
        for url in self.database_replica_urls:
            if not url.startswith("postgresql+asyncpg://"):
                raise ValueError(
                    f"CMS_DATABASE_REPLICA_URLS: {url.split('@')[-1]!r} is not a "
                    "postgresql+asyncpg:// URL"
                )
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
        if self.metrics_token is not None and len(self.metrics_token) < MIN_SECRET_LENGTH:
            refusals.append(
                f"CMS_METRICS_TOKEN has {len(self.metrics_token)} characters; use at least "
                f"{MIN_SECRET_LENGTH} random ones"
            )
        if self.media_import_allowed_networks:
            refusals.append(
                "CMS_MEDIA_IMPORT_ALLOWED_NETWORKS lets importMedia reach private networks; "
                "leave it empty"
            )
        if self.webhook_allowed_networks:
            refusals.append(
                "CMS_WEBHOOK_ALLOWED_NETWORKS lets webhooks reach private networks; leave it empty"
            )
        if self.smtp_password and not (self.smtp_tls or self.smtp_starttls):
            refusals.append(
                "CMS_SMTP_PASSWORD would cross the network in clear text; set CMS_SMTP_TLS or "
                "CMS_SMTP_STARTTLS"
            )
        return refusals

    def serving_refusals(self) -> list[str]:
        """What `cms check` and `cms serve` refuse besides `production_refusals`: a value a
        production server needs, though a program may build production settings without it."""
        if self.env == "production" and "site_url" not in self.model_fields_set:
            return [
                "CMS_SITE_URL must be set in production: every absolute link (media URLs, "
                "feeds, sitemaps, newsletter links) is built from it"
            ]
        return []

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
    def log_as_json(self) -> bool:
        return self.env == "production" if self.log_format is None else self.log_format == "json"

    @property
    def graphiql_enabled(self) -> bool:
        if self.graphiql is None:
            return self.env == "development" or self.staff_console
        return self.graphiql

    @property
    def staff_only_schema(self) -> bool:
        """Introspection and field suggestions for signed-in staff only (`CMS_STAFF_CONSOLE`)."""
        return self.env == "production" and self.staff_console

    @property
    def introspection_enabled(self) -> bool:
        """Introspection for everyone; see `staff_only_schema` for staff alone."""
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

    def author_url(self, locale: str, slug: str) -> str:
        """An author's public page on the site, for structured data and feeds."""
        path = self.author_path.format(locale=locale, slug=slug)
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
