"""`cms check --connect`: whether every server the settings name answers, and is what it should
be, before a host joins the others. A setting can be well-formed and still point at the wrong
place (a replica URL naming the primary, a bucket that does not exist); this says so at deploy
time rather than at the first request.

The CDN purge URL and the SMTP server are left out: reaching them would purge pages or send mail.
"""

import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy import make_url, text

from cms.db import create_engine_for, is_sqlite
from cms.settings import Settings
from cms.storage import S3Storage

IN_RECOVERY = text("SELECT pg_is_in_recovery()")


@dataclass(slots=True)
class Reachability:
    """What answered, and what did not, each in words for the operator."""

    reached: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _name(url: str) -> str:
    """A database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


async def _database(settings: Settings, url: str, standby: bool, found: Reachability) -> None:
    role = "replica" if standby else "database"
    engine = create_engine_for(settings, url)
    try:
        async with engine.connect() as connection:
            if is_sqlite(url):
                await connection.execute(text("SELECT 1"))
            elif bool(await connection.scalar(IN_RECOVERY)) != standby:
                found.problems.append(
                    f"{role} {_name(url)} is "
                    + ("a primary, not a standby" if standby else "a standby, not the primary")
                )
                return
        found.reached.append(f"{role} {_name(url)}")
    except Exception as error:
        found.problems.append(f"{role} {_name(url)} did not answer: {error}")
    finally:
        await engine.dispose()


async def _redis(url: str, found: Reachability) -> None:
    client: Redis = Redis.from_url(url, socket_connect_timeout=5)
    try:
        await client.ping()
        found.reached.append("Redis")
    except Exception as error:
        found.problems.append(f"Redis did not answer: {error}")
    finally:
        await client.aclose()


def _bucket(settings: Settings, found: Reachability) -> None:
    storage = S3Storage.from_settings(settings)
    try:
        storage.client.head_bucket(Bucket=storage.bucket)
        found.reached.append(f"bucket {storage.bucket}")
    except Exception as error:
        found.problems.append(f"bucket {storage.bucket} is not reachable: {error}")


async def reach(settings: Settings) -> Reachability:
    """Connect to the primary, each replica, Redis and the media bucket that the settings name."""
    found = Reachability()
    await _database(settings, settings.database_url, False, found)
    for url in settings.database_replica_urls:
        await _database(settings, url, True, found)
    if settings.redis_url:
        await _redis(settings.redis_url, found)
    if settings.media_storage == "s3":
        await asyncio.to_thread(_bucket, settings, found)
    return found
