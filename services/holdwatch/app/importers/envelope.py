"""What every importer writes around its facts: CloudEvents for one booking's plan, each
naming the file and row it came from (plus what else the source makes the reader know)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

#: (event type, instant, data) in the order the booking's events are numbered
Plan = Sequence[tuple[str, datetime, dict[str, Any]]]


def envelopes(
    plan: Plan, *, subject: str, source: str, agency: str, provenance: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "specversion": "1.0",
            "id": f"{subject}-{n}",
            "source": source,
            "type": kind,
            "time": at.isoformat(),
            "subject": subject,
            "agency": agency,
            **provenance,
            "data": data,
        }
        for n, (kind, at, data) in enumerate(plan, start=1)
    ]


def rows(
    path: Path, usable: str, convert: Callable[[int, dict[str, str], str], list[dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    """Each CSV row (numbered from 1 after the header) with a value in `usable`, converted."""
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            if row[usable]:
                yield from convert(number, row, path.name)
