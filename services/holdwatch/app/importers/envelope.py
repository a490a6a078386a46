"""What every importer writes around its facts: CloudEvents for one booking's plan, each
naming the file and row it came from (plus what else the source makes the reader know),
and the reading of rows that turns a bad cell into a `Reject` instead of a crash or a gap."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from holdwatch.app.importers.outcome import YEARS, Imported, Outcome, Reject, Unimportable

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


def cell(row: dict[str, str], column: str) -> str:
    """A cell that must be filled (a missing column is the file's fault: KeyError)."""
    value = row[column]
    if not value:
        raise Unimportable(column, "is empty")
    return value


def day(row: dict[str, str], column: str) -> date:
    text = cell(row, column)
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise Unimportable(column, "is not a date (YYYY-MM-DD)") from None
    if value.year not in YEARS:
        raise Unimportable(column, f"is not in the years {YEARS[0]}-{YEARS[-1]}")
    return value


def records(path: Path) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """Each CSV row, numbered from 1 after the header, with the reason it cannot be trusted
    when its cell count is not the header's (its cells may not be in their columns)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for number, row in enumerate(reader, start=1):
            malformed = None in row or None in row.values()
            width = len(reader.fieldnames or ())
            yield number, row, f"row: not {width} cells like the header" if malformed else None


def rows(
    path: Path,
    key: str,
    convert: Callable[[int, dict[str, str], str], Imported],
    subject: Callable[[str], str] = str,
) -> Iterator[Outcome]:
    """One booking per CSV row, keyed by the column `key` (its events' subject is
    `subject(key)`); a row that cannot be converted, or repeats an earlier row's key, is
    rejected with the reason."""
    seen: set[str] = set()
    for number, row, malformed in records(path):
        booking = subject(row[key]) if row[key] else None
        try:
            if malformed:
                raise Unimportable("row", malformed.removeprefix("row: "))
            if booking is None:
                raise Unimportable(key, "is empty")
            if booking in seen:
                raise Unimportable(key, "repeats an earlier row's")
            outcome = convert(number, row, path.name)
        except Unimportable as exc:
            yield Reject(exc.row or number, booking, str(exc))
            continue
        seen.add(booking)
        yield outcome
