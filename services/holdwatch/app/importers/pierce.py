"""Pierce County (WA) ICE-hold bookings, as published by UWCHR (ice-detainers-pierce,
`charges/output/allholds.csv`, 2016-10 to 2018-07), into contract events.

One booking per `booking_key` (its first 12 hex digits as the subject), each event naming
its file and row (`provenancefile`, `provenancerow`). The detainer's receipt is not in the
data: it is taken as 12 hours after booking, before the last charge closes (and not after
release eligibility or a cancellation). Release eligibility is the last criminal charge's
close; the release goes to ICE when the hold's disposition says `Immigration`. A charge's
level comes from the booking's felony/misdemeanor flags and is left out when neither is
set. No demographic column is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from holdwatch.app.importers.envelope import records
from holdwatch.app.importers.outcome import YEARS, Imported, Outcome, Reject, Unimportable

PROVENANCE_FILE = "pierce_county_ice_hold_bookings_2016_2018.csv"
ZONE = ZoneInfo("America/Los_Angeles")
AGENCY = "pierce"
SOURCE = "urn:jms:pierce-county"
FACILITY = "Pierce County Jail"
I247A_FROM = datetime(2017, 4, 2, tzinfo=ZONE)  # I-247A in use from this date on
DETAINER_DELAY = timedelta(hours=12)
ONE_MINUTE = timedelta(minutes=1)

CHAIN = ("WSI Chain", "Mini-Chain")
EMPTY_KEY = "booking_key: is empty"


@dataclass(frozen=True)
class Row:
    number: int  # 1-based CSV data row number (header excluded)
    cells: dict[str, str]

    @property
    def is_hold(self) -> bool:
        return self.cells["is_immigration_hold_charge"] == "1"


@dataclass(frozen=True)
class Booking:
    key: str
    rows: tuple[Row, ...]

    @property
    def subject(self) -> str:
        return self.key[:12]

    @property
    def hold(self) -> Row:
        (hold,) = [r for r in self.rows if r.is_hold]
        return hold

    @property
    def criminal(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.is_hold)

    @property
    def disposition(self) -> str:
        return self.hold.cells["release_disposition_desc"]

    @property
    def level(self) -> str | None:
        # felony/misdemeanor are booking-level flags in the source (the most serious charge).
        first = self.rows[0].cells
        if first["felony"] == "1":
            return "felony"
        if first["misdemeanor"] == "1":
            return "misdemeanor"
        return None


#: Wall times that were ambiguous (fall back) or nonexistent (spring forward); fold=0 used.
NOTES: list[str] = []


def local(text: str, where: str) -> datetime:
    """A naive CSV wall time in America/Los_Angeles as an aware instant (fold=0)."""
    naive = datetime.fromisoformat(text)
    early = naive.replace(tzinfo=ZONE, fold=0)
    late = naive.replace(tzinfo=ZONE, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(ZONE).replace(tzinfo=None)
        kind = "nonexistent" if back != naive else "ambiguous"
        NOTES.append(f"{where}: {kind} local time {text}; fold=0 used")
    # Normalise so the offset printed is the zone's real offset at that instant.
    return early.astimezone(UTC).astimezone(ZONE)


def rfc3339(instant: datetime) -> str:
    return instant.astimezone(ZONE).isoformat()


def read(path: Path) -> tuple[list[Booking], list[Reject]]:
    """The file's bookings in key order, and the rows that cannot be part of one: a row
    with no booking_key, and a malformed row (its booking is then left out whole, as it
    would be incomplete)."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    rejects: list[Reject] = []
    broken: set[str] = set()
    for number, cells, malformed in records(path):
        key = cells["booking_key"]
        if malformed or not key:
            rejects.append(Reject(number, key[:12] if key else None, malformed or EMPTY_KEY))
            broken.add(key or "")
        else:
            grouped[key].append(Row(number, cells))
    bookings = [Booking(k, tuple(rows)) for k, rows in sorted(grouped.items()) if k not in broken]
    return bookings, rejects


def _instant(row: Row, column: str, subject: str) -> datetime:
    text = row.cells[column]
    if not text:
        raise Unimportable(column, "is empty", row.number)
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        naive = None
    if naive is None or naive.tzinfo is not None:
        raise Unimportable(column, "is not a local time (YYYY-MM-DD HH:MM)", row.number)
    if naive.year not in YEARS:
        raise Unimportable(column, f"is not in the years {YEARS[0]}-{YEARS[-1]}", row.number)
    return local(text, f"{subject} row {row.number} {column}")


@dataclass(frozen=True)
class Timeline:
    booked: datetime
    detainer: datetime
    eligible: datetime
    eligible_row: int
    cancelled: datetime | None
    released: datetime


def check(b: Booking) -> None:
    """Raise `Unimportable` if the booking cannot be one custody episode: not exactly one
    hold row, or a time unreadable or before the booking."""
    holds = [r for r in b.rows if r.is_hold]
    if len(holds) != 1:
        why = "no row is the hold" if not holds else "more than one row is the hold"
        raise Unimportable("is_immigration_hold_charge", why, b.rows[0].number)
    timeline(b)


def timeline(b: Booking) -> Timeline:
    """The booking's instants; `Unimportable` names the cell that makes them impossible."""
    first = b.rows[0]
    booked = _instant(first, "booking_dt", b.subject)
    released = _instant(first, "release_dt", b.subject)
    if released < booked:
        raise Unimportable("release_dt", "before booking_dt", first.number)
    closes = [(_instant(r, "charge_release_dt", b.subject), r.number) for r in b.criminal]
    for at, number in closes:
        if at < booked:
            raise Unimportable("charge_release_dt", "before booking_dt", number)
    last_close, last_row = max(closes) if closes else (released, first.number)
    eligible, eligible_row = (
        (last_close, last_row) if last_close < released else (released, first.number)
    )
    cancelled = None
    if b.disposition == "Cancel Detainer":
        cancelled = _instant(b.hold, "charge_release_dt", b.subject)
        if cancelled < booked:
            raise Unimportable("charge_release_dt", "before booking_dt", b.hold.number)
    # Receipt is not in the data: booking + 12 h, but before the last charge release, and
    # never after eligibility or the cancellation.
    latest = min(booked + DETAINER_DELAY, last_close - ONE_MINUTE, eligible, cancelled or eligible)
    detainer = max(booked, latest)
    return Timeline(booked, detainer, eligible, eligible_row, cancelled, released)


def released_to(disposition: str) -> str:
    if disposition == "Immigration":
        return "ice"
    if disposition in CHAIN:
        return "other_agency"
    return "public"


def booking_events(b: Booking, provenance_file: str = PROVENANCE_FILE) -> list[dict[str, Any]]:
    t = timeline(b)
    subject = b.subject
    hold = b.hold.number
    first = b.rows[0].number
    detainer_id = f"{subject}-hold"
    charges = [
        {
            "charge_id": f"{subject}-c{r.number}",
            "code": r.cells["booking_charge_desc"],
            **(
                {"description": r.cells["booking_charge_txt"]}
                if r.cells["booking_charge_txt"]
                else {}
            ),
            **({"level": b.level} if b.level else {}),
        }
        for r in b.criminal
    ]
    plan: list[tuple[str, datetime, int, dict[str, Any]]] = [
        (
            "booking.created",
            t.booked,
            first,
            {
                "facility": FACILITY,
                "timezone": str(ZONE),
                "person": {"person_id": f"pierce-{subject}"},
                "charges": charges,
            },
        ),
        (
            "detainer.received",
            t.detainer,
            hold,
            {
                "detainer_id": detainer_id,
                "form": "I-247A" if t.booked >= I247A_FROM else "I-247D",
                "probable_cause": [],
            },
        ),
        ("release.eligible", t.eligible, t.eligible_row, {"reason": "other"}),
    ]
    if t.cancelled is not None:
        plan.append(("detainer.cancelled", t.cancelled, hold, {"detainer_id": detainer_id}))
    plan.append(("custody.released", t.released, hold, {"to": released_to(b.disposition)}))
    return [
        {
            "specversion": "1.0",
            "id": f"{subject}-{n}",
            "source": SOURCE,
            "type": kind,
            "time": rfc3339(at),
            "subject": subject,
            "agency": AGENCY,
            "datacontenttype": "application/json",
            "provenancefile": provenance_file,
            "provenancerow": row,
            "data": data,
        }
        for n, (kind, at, row, data) in enumerate(plan, start=1)
    ]


def events(path: Path) -> Iterator[Outcome]:
    """Every booking of the file: its events, or why it cannot be imported."""
    bookings, rejects = read(path)
    yield from rejects
    subjects: set[str] = set()
    for b in bookings:
        first = b.rows[0].number
        try:
            if b.subject in subjects:  # two keys with the same first 12 characters
                raise Unimportable("booking_key", "repeats an earlier booking's subject")
            check(b)
            plan = booking_events(b, path.name)
        except Unimportable as exc:
            yield Reject(exc.row or first, b.subject, str(exc))
            continue
        subjects.add(b.subject)
        yield Imported(first, b.subject, plan)
