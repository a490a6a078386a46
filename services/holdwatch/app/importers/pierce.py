"""Pierce County (WA) ICE-hold bookings, as published by UWCHR (ice-detainers-pierce,
`charges/output/allholds.csv`, 2016-10 to 2018-07), into contract events.

One booking per `booking_key` (its first 12 hex digits as the subject), each event naming
its file and row (`provenancefile`, `provenancerow`). The detainer's receipt is not in the
data: it is taken as 12 hours after booking, before the last charge closes. Release
eligibility is the last criminal charge's close; the release goes to ICE when the hold's
disposition says `Immigration`. No demographic column is read.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROVENANCE_FILE = "pierce_county_ice_hold_bookings_2016_2018.csv"
ZONE = ZoneInfo("America/Los_Angeles")
AGENCY = "pierce"
SOURCE = "urn:jms:pierce-county"
FACILITY = "Pierce County Jail"
I247A_FROM = datetime(2017, 4, 2, tzinfo=ZONE)  # I-247A in use from this date on
DETAINER_DELAY = timedelta(hours=12)
ONE_MINUTE = timedelta(minutes=1)

CHAIN = ("WSI Chain", "Mini-Chain")


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


def read(path: Path) -> list[Booking]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for number, cells in enumerate(csv.DictReader(handle), start=1):
            grouped[cells["booking_key"]].append(Row(number, cells))
    return [Booking(key, tuple(rows)) for key, rows in sorted(grouped.items())]


@dataclass(frozen=True)
class Timeline:
    booked: datetime
    detainer: datetime
    eligible: datetime
    eligible_row: int
    cancelled: datetime | None
    released: datetime


def timeline(b: Booking) -> Timeline:
    first = b.rows[0]
    booked = local(first.cells["booking_dt"], f"{b.subject} booking_dt")
    released = local(first.cells["release_dt"], f"{b.subject} release_dt")
    closes = [
        (local(r.cells["charge_release_dt"], f"{b.subject} row {r.number}"), r.number)
        for r in b.criminal
    ]
    last_close, last_row = max(closes) if closes else (released, first.number)
    eligible, eligible_row = (
        (last_close, last_row) if last_close < released else (released, first.number)
    )
    # Receipt is not in the data: booking + 12 h, but before the last charge release.
    detainer = max(booked, min(booked + DETAINER_DELAY, last_close - ONE_MINUTE))
    cancelled = None
    if b.disposition == "Cancel Detainer":
        cancelled = local(b.hold.cells["charge_release_dt"], f"{b.subject} hold row")
    return Timeline(booked, detainer, eligible, eligible_row, cancelled, released)


def consistent(b: Booking) -> bool:
    t = timeline(b)
    ok = t.booked <= t.detainer <= t.eligible <= t.released
    return ok and (t.cancelled is None or t.cancelled >= t.detainer)


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
            "level": b.level,
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


def events(path: Path) -> Iterator[dict[str, Any]]:
    """Every usable booking of the file, as contract events (bookings whose dates do not
    fit one custody episode, or with no felony or misdemeanor flag, are left out)."""
    for b in read(path):
        if (b.level is not None or not b.criminal) and consistent(b):
            yield from booking_events(b, path.name)
