"""Settings come from `CMS_*` variables with local defaults, and refuse unsafe production values."""

from datetime import time
from typing import Any

import pytest
from pydantic import ValidationError

from cms.settings import Settings

SAFE_SECRET = "x" * 40


def test_defaults_run_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CMS_DATABASE_URL", "CMS_ENV", "CMS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings(_env_file=None)

    assert settings.database_url == "sqlite+aiosqlite:///./cms.db"
    assert (settings.timezone, settings.default_locale, settings.locales) == (
        "Asia/Tbilisi",
        "ka",
        ["ka", "en"],
    )
    assert settings.graphiql_enabled
    assert settings.introspection_enabled


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMS_DATABASE_URL", "postgresql+asyncpg://db/newsroom")
    monkeypatch.setenv("CMS_LOCALES", '["en", "ka", "ru"]')

    settings = Settings(_env_file=None)

    assert settings.database_url == "postgresql+asyncpg://db/newsroom"
    assert settings.locales == ["en", "ka", "ru"]


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="CMS_SECRET_KEY"):
        Settings(_env_file=None, env="production")


def test_production_turns_off_graphiql_introspection_and_field_suggestions() -> None:
    settings = Settings(_env_file=None, env="production", secret_key=SAFE_SECRET)

    assert not settings.graphiql_enabled
    assert not settings.introspection_enabled
    assert not settings.field_suggestions_enabled


def test_production_may_turn_them_on_again_with_a_warning() -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key=SAFE_SECRET,
        graphiql=True,
        introspection=True,
        field_suggestions=True,
    )

    assert settings.graphiql_enabled
    assert settings.introspection_enabled
    assert settings.field_suggestions_enabled
    assert [w for w in settings.production_warnings() if "shows strangers" in w] == [
        "CMS_GRAPHIQL is on: it shows strangers the schema",
        "CMS_INTROSPECTION is on: it shows strangers the schema",
        "CMS_FIELD_SUGGESTIONS is on: it shows strangers the schema",
    ]


@pytest.mark.parametrize(
    ("unsafe", "named"),
    [
        ({"secret_key": "short-but-not-default"}, "CMS_SECRET_KEY has 21 characters"),
        ({"debug": True}, "CMS_DEBUG"),
        ({"sql_echo": True}, "CMS_SQL_ECHO"),
        ({"media_import_allowed_networks": ["10.0.0.0/8"]}, "CMS_MEDIA_IMPORT_ALLOWED_NETWORKS"),
        ({"smtp_host": "mail.example", "smtp_password": "pw"}, "CMS_SMTP_PASSWORD"),
    ],
)
def test_production_refuses_unsafe_values(unsafe: dict[str, Any], named: str) -> None:
    values: dict[str, Any] = {"secret_key": SAFE_SECRET} | unsafe

    with pytest.raises(ValidationError, match=named):
        Settings(_env_file=None, env="production", **values)
    assert Settings(_env_file=None, env="development", **values)


def test_production_names_every_unsafe_value_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, env="production", debug=True, sql_echo=True)

    message = str(refused.value)
    assert all(name in message for name in ("CMS_SECRET_KEY", "CMS_DEBUG", "CMS_SQL_ECHO"))


def test_smtp_credentials_over_tls_are_accepted_in_production() -> None:
    settings = Settings(
        _env_file=None,
        env="production",
        secret_key=SAFE_SECRET,
        smtp_host="mail.example",
        smtp_password="pw",
        smtp_starttls=True,
    )

    assert settings.production_refusals() == []


def test_sqlite_in_production_is_a_warning_not_a_refusal() -> None:
    """One machine runs SQLite well (WAL, several workers); a second machine cannot share it."""
    on_sqlite = Settings(_env_file=None, env="production", secret_key=SAFE_SECRET)
    on_postgres = Settings(
        _env_file=None,
        env="production",
        secret_key=SAFE_SECRET,
        database_url="postgresql+asyncpg://db/newsroom",
        site_url="https://news.example",
    )

    assert any("SQLite" in warning for warning in on_sqlite.production_warnings())
    assert on_postgres.production_warnings() == []


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, timezone="Mars/Olympus")


def test_media_urls_are_absolute() -> None:
    settings = Settings(_env_file=None, site_url="https://news.example/")

    assert settings.media_url_for("ab/cd/x.jpg") == "https://news.example/media/ab/cd/x.jpg"


@pytest.mark.parametrize(("value", "expected"), [("07:30", time(7, 30)), ("", None), ("off", None)])
def test_the_digest_time_is_a_local_time_or_off(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: time | None
) -> None:
    monkeypatch.setenv("CMS_DIGEST_TIME", value)

    assert Settings(_env_file=None).digest_time == expected


def test_links_are_absolute_on_the_site_and_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(
        _env_file=None, site_url="https://news.example/", article_path="/{locale}/news/{slug}"
    )
    behind_api = Settings(_env_file=None, api_url="https://cms.news.example/")

    assert settings.article_url("ka", "ghvino", "0123456789abc") == (
        "https://news.example/ka/news/ghvino"
    )
    assert settings.public_api_url == "https://news.example"
    assert behind_api.public_api_url == "https://cms.news.example"


def test_replica_urls_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMS_DATABASE_URL", "postgresql+asyncpg://cms@primary/newsroom")
    monkeypatch.setenv(
        "CMS_DATABASE_REPLICA_URLS",
        "postgresql+asyncpg://cms@replica-1/newsroom, postgresql+asyncpg://cms@replica-2/newsroom",
    )

    settings = Settings(_env_file=None)

    assert settings.database_replica_urls == [
        "postgresql+asyncpg://cms@replica-1/newsroom",
        "postgresql+asyncpg://cms@replica-2/newsroom",
    ]


def test_replicas_need_postgresql_on_both_sides() -> None:
    with pytest.raises(ValidationError, match="needs a PostgreSQL CMS_DATABASE_URL"):
        Settings(_env_file=None, database_replica_urls=["postgresql+asyncpg://cms@r/newsroom"])
    with pytest.raises(ValidationError, match="is not a postgresql\\+asyncpg:// URL"):
        Settings(
            _env_file=None,
            database_url="postgresql+asyncpg://cms@primary/newsroom",
            database_replica_urls=["mysql://cms:secret@replica/newsroom"],
        )
