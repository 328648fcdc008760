"""How the server logs: one JSON object per line in production (for a log shipper), readable
text in development; `CMS_LOG_FORMAT` and `CMS_LOG_LEVEL` override. Applied by `cms serve`
in every worker, through uvicorn's `log_config`, so the application's own events (the
scheduler's publications, the digest's sends, each request's `cms.request` event) appear beside
uvicorn's.

Every line passes `Redact`: an email address or a bearer token written into a message by
mistake comes out masked. Passwords are never logged in the first place.
"""

import logging
import re
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

from cms.settings import Settings

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"(?i)(bearer\s+)[\w.~+/=-]+")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
"""The fields every JSON line has; what a record carries besides (`extra=`) is added to it, but
not uvicorn's `color_message`, a copy of the message with terminal colours."""


class Redact(logging.Filter):
    """Masks email addresses and bearer tokens in a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _BEARER.sub(r"\1[token]", _EMAIL.sub("[email]", message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


def logging_config(settings: Settings, *, access_log: bool) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary; `access_log` False silences `cms.request`."""
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
        if settings.log_as_json
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": Redact}},
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["redact"],
            }
        },
        "root": {"level": settings.log_level, "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "cms.request": {"level": settings.log_level if access_log else "WARNING"},
        },
    }
