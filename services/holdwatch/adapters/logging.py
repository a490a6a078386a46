"""JSON logging that keeps personal data (names, birth dates, A-numbers, evidence) out of logs.

Every line, ours or a library's, goes through one redacting pipeline: FastStream's logger ships
its own handler with propagate=False (bypassing redaction), and structlog's dict tracebacks show
frame locals by default, which is where PII lives.

Secrets stay out too: a URL in any line keeps only its scheme and host (a webhook's secret
is often its path or query, a Redis URL's its password), the access log shows the path
without its query string (a token sent there is refused, and must not be kept), httpx and
httpcore, which log every request's URL, speak only from WARNING up, and uvicorn's ANSI
`color_message` copy of each line is dropped.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import faststream  # noqa: F401  # import first: its logger's handler is installed at import time
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[REDACTED]"
PII_KEYS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "full_name",
        "date_of_birth",
        "dob",
        "a_number",
        "anumber",
        "alien_number",
        "ssn",
        "evidence",
        "address",
        "phone",
        "person",
    }
)
# "A123456789", "A-12345678", "A 123 456 789", "A-123-456-789"; word-bounded so longer ids pass.
_A_NUMBER = re.compile(r"\bA[- ]?(?:\d{8,9}|\d{3}[- ]\d{3}[- ]\d{3}|\d{2}[- ]\d{3}[- ]\d{3})\b")
# pydantic echoes the bad input: "[type=..., input_value='Jane Roe', input_type=str]".
_INPUT_VALUE = re.compile(r"input_value=(?:.*(?=, input_type=)|[^\n]*)")
# scheme://[userinfo@]host[:port] then whatever follows up to a space or quote
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)(?:[^\s/@'\"<>]*@)?([^\s/?#'\"<>]*)[^\s'\"<>]*")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: loggers that print each request's full URL at INFO
QUIET_LOGGERS = ("httpx", "httpcore")
# Library loggers that would otherwise print plain, unredacted text through their own handlers.
RE_HOMED_LOGGERS = (
    "faststream",
    "faststream.access",
    "faststream.access.redis",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
)


def _scrub_text(text: str) -> str:
    # Each pattern runs only where its literal part occurs: most values (ids, codes, levels)
    # have none, and four regex passes over each value of each line cost more than the line.
    if "input_value=" in text:
        text = _INPUT_VALUE.sub(f"input_value={REDACTED}", text)
    if "A" in text:
        text = _A_NUMBER.sub("[A-NUMBER]", text)
    if "://" in text:
        text = _URL.sub(_url_host, text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    return text


def _url_host(m: re.Match[str]) -> str:
    whole, scheme, host = m.group(0), m.group(1), m.group(2)
    return scheme + host + ("/[…]" if whole != scheme + host else "")


#: a secret calendar URL's path (entrypoints/calendar.py): the secret is the credential
CALENDAR_SECRET = re.compile(r"^(/api/v1/deadlines/)(?!secret$)[^/]+(\.ics)$")


class PathOnlyAccessLog(logging.Filter):
    """uvicorn's access line names the full path; keep it without its query string, and
    without the secret of a secret calendar URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path = CALENDAR_SECRET.sub(r"\1[secret]\2", args[2].split("?", 1)[0])
            record.args = (args[0], args[1], path, args[3], args[4])
        return True


def drop_color_message(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    """uvicorn passes an ANSI-coloured copy of each message as extra `color_message`."""
    event_dict.pop("color_message", None)
    return event_dict


def _is_pii_key(key: object) -> bool:
    return str(key).lower().replace("-", "_").replace(" ", "_") in PII_KEYS


def _redact(value: Any, *, by_key: bool) -> Any:
    """Return a redacted copy; the caller's objects are never mutated."""
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED if by_key and _is_pii_key(k) else _redact(v, by_key=by_key)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact(v, by_key=by_key) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact(v, by_key=by_key) for v in value)
    return value


def redact_pii(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    """Structlog processor: blank PII keys at any depth and mask A-numbers in any string."""
    redacted: EventDict = _redact(event_dict, by_key=True)
    return redacted


def _redact_exception(logger: WrappedLogger, method: str, event_dict: EventDict) -> EventDict:
    """Scrub the rendered exception, which exists only after redact_pii has run.

    Text-only: the frame dicts' "name" key is a function name, not a person's.
    """
    if "exception" in event_dict:
        event_dict["exception"] = _redact(event_dict["exception"], by_key=False)
    return event_dict


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send structlog and stdlib records to `stream` (default stdout) as redacted JSON.

    Replaces all root handlers (any other handler would bypass redaction), so calling it again
    reconfigures rather than duplicating output. Run uvicorn with log_config=None, or its
    dictConfig re-installs its own handlers.
    """
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_pii,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            _redact_exception,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout if stream is None else stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in RE_HOMED_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, PathOnlyAccessLog) for f in access.filters):
        access.addFilter(PathOnlyAccessLog())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structlog logger named `name`, typed for the stdlib wrapper configured above."""
    return structlog.stdlib.get_logger(name)
