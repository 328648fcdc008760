"""Settings come from `CMS_*` variables with local defaults, and refuse unsafe production values."""

from datetime import time

import pytest
from pydantic import ValidationError

from cms.settings import Settings


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


def test_production_turns_off_graphiql_and_introspection() -> None:
    settings = Settings(_env_file=None, env="production", secret_key="x" * 40)

    assert not settings.graphiql_enabled
    assert not settings.introspection_enabled


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
