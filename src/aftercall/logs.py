"""Logging for every role: structlog through the standard library, and nothing secret in a line. A signed link's
query string is a working key to a medical transcript, a presigned S3 URL's is a credential, and a Bearer token is
an API key: each is cut out of every record, whoever logged it (aftercall, uvicorn's access log, httpx)."""

from __future__ import annotations

import logging
import re

import structlog

# The query string of any URL or path ("/v1/files/a.json?expires=…&signature=…"), and Bearer tokens.
_QUERY = re.compile(r"((?:https?://|/)[^\s?\"'<>]*)\?[^\s\"'<>]*")
_BEARER = re.compile(r"(Bearer\s+)[^\s\"',]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every URL's query string and every Bearer token replaced by a marker."""
    return _BEARER.sub(r"\1[redacted]", _QUERY.sub(r"\1?[redacted]", text))


class Redacting(logging.Filter):
    """Rewrites each record's message, arguments applied, without its secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure(level: str) -> None:
    """Log at ``level`` to standard error through one redacting handler; uvicorn's loggers propagate to it (start
    uvicorn with ``log_config=None``)."""
    logging.basicConfig(level=level.upper(), format="%(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Redacting) for f in handler.filters):
            handler.addFilter(Redacting())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.format_exc_info,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
    )
