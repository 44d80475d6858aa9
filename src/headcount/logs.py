"""structlog for everything, stdlib logging (uvicorn, SQLAlchemy) routed through it."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

import structlog

from headcount.settings import Settings

# uvicorn logs request targets, and WebSocket clients put their token in the query string.
_TOKEN = re.compile(r"(?i)(token=|authorization[\"']?[:=]\s*[\"']?(?:bearer\s+)?)[^\s&\"',]+")


def _redact(_: object, __: str, event: structlog.types.EventDict) -> structlog.types.EventDict:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = _TOKEN.sub(r"\1[redacted]", value)
    return event


_SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _redact,
]


def configure(settings: Settings) -> None:
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer()
        if settings.effective_log_format == "console"
        else structlog.processors.JSONRenderer()
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_dir is not None:
        handlers += _file_handlers(settings.log_dir)
    root = logging.getLogger()
    root.handlers.clear()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    level = logging.getLevelName(settings.log_level.upper())
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # One line per request and per WebSocket is ours to write (with the user id, no tokens).
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("uvicorn.error").addFilter(_not_per_connection)
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        # Drops a disabled level before any processor runs: the access log is on the hot path.
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )


# uvicorn logs a traceback at ERROR for every text frame that is not UTF-8: the client's
# fault, already answered with close code 1007, and a way for anyone to fill error.log.
INVALID_UTF8 = "Invalid UTF-8 sequence received from client"


def _not_per_connection(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    per_connection = ("connection open", "connection closed", INVALID_UTF8)
    return not (message.startswith(per_connection) or '"WebSocket /' in message)


def _file_handlers(directory: Path) -> list[logging.Handler]:
    directory.mkdir(parents=True, exist_ok=True)
    combined = logging.handlers.RotatingFileHandler(
        directory / "combined.log", maxBytes=10 * 1024 * 1024, backupCount=5
    )
    errors = logging.handlers.RotatingFileHandler(
        directory / "error.log", maxBytes=10 * 1024 * 1024, backupCount=5
    )
    errors.setLevel(logging.ERROR)
    return [combined, errors]
