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


class Redacting(structlog.stdlib.ProcessorFormatter):
    """Formats every record, aftercall's or a library's, as the one format of the process, then cuts its secrets."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure(level: str, log_format: str = "console") -> None:
    """Log at ``level`` to standard error, every line in one format whoever wrote it: readable text (``console``) or
    one JSON object a line (``json``), with time, level and logger, and no secrets (uvicorn's loggers propagate here:
    start uvicorn with ``log_config=None``)."""
    json_lines = log_format == "json"
    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
    ]
    handler = logging.StreamHandler()
    handler.setFormatter(
        Redacting(
            foreign_pre_chain=shared,  # a library's record gets the same time, level and logger name
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    wrap = structlog.stdlib.ProcessorFormatter.wrap_for_formatter
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, wrap],
        logger_factory=structlog.stdlib.LoggerFactory(),
    )
