"""What several commands parse alike: an instant, a day, the settings their flags override."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from holdwatch.settings import Settings


def instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--as-of: not an RFC 3339 timestamp") from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            "--as-of: needs a UTC offset, e.g. 2025-04-10T00:00:00-07:00"
        )
    return value


def day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: not a date as YYYY-MM-DD") from exc


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings (HOLDWATCH_*), with the command's own flags on top."""
    overrides = {
        "agencies_file": getattr(args, "agencies", None),
        "http_port": getattr(args, "port", None),
        "routing_file": getattr(args, "routing", None),
        "api_tokens_file": getattr(args, "tokens", None),
    }
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
