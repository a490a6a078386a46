"""Travis County (TX) Sheriff's bookings with an ICE detainer, 2000-2016, as republished
by the Austin American-Statesman (statesman/ice-travis-county), into contract events.

The file has dates, not times: every instant here is noon at the jail (America/Chicago)
on the recorded day, and says so (`provenanceprecision: day`). Holds measured in hours
cannot be judged from it; ordering, volumes and outcomes can. One booking per row:
booked, detainer lodged the same day, eligible when the last charge was disposed, then
the detainer's disposition closes it; a disposition with no event here leaves the detainer
open, with a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from holdwatch.app.importers.envelope import day, envelopes, rows
from holdwatch.app.importers.outcome import Imported, Outcome

ZONE = ZoneInfo("America/Chicago")
AGENCY = "tcso"
SOURCE = "urn:jms:travis-county"
FACILITY = "Travis County Correctional Complex"
RELEASES = {
    "RELEASED TO ICE": "ice",
    "RELEASED TO TDCJ-ID": "other_agency",
    "RELEASED TO OTHER AGENCY": "other_agency",
    "RELEASED TO FEDS": "us_marshals",
}


def _noon(row: dict[str, str], column: str) -> datetime:
    return datetime.combine(day(row, column), time(12), ZONE)


def booking_events(number: int, row: dict[str, str], file: str) -> Imported:
    subject = row["booking_key"]
    booked = _noon(row, "booking_date")
    plan: list[tuple[str, datetime, dict[str, Any]]] = [
        (
            "booking.created",
            booked,
            {"facility": FACILITY, "timezone": str(ZONE), "person": {"person_id": subject}},
        ),
        (
            "detainer.received",
            booked + timedelta(minutes=1),
            {"detainer_id": f"{subject}-d", "form": "other", "probable_cause": []},
        ),
    ]
    if row["last_disposition_date"]:
        plan.append(
            (
                "release.eligible",
                max(_noon(row, "last_disposition_date"), booked + timedelta(minutes=2)),
                {"reason": "other"},
            )
        )
    closing = row["detainer_disposition_type"]
    at = _noon(row, "detainer_disposition_date") if row["detainer_disposition_date"] else None
    notes: tuple[str, ...] = ()
    if at and closing == "WARRANT WITHDRAWN":
        plan.append(("detainer.cancelled", at, {"detainer_id": f"{subject}-d"}))
    elif at and closing in RELEASES:
        plan.append(
            (
                "custody.released",
                max(at, booked + timedelta(minutes=3)),
                {"to": RELEASES[closing]},
            )
        )
    elif at is None and closing:
        notes = ("detainer_disposition_date: is empty; detainer left open",)
    elif at:
        why = "not mapped" if closing else "is empty"
        notes = (f"detainer_disposition_type: {why}; detainer left open",)
    provenance = {"provenancefile": file, "provenancerow": number, "provenanceprecision": "day"}
    plan_events = envelopes(
        plan, subject=subject, source=SOURCE, agency=AGENCY, provenance=provenance
    )
    return Imported(number, subject, plan_events, notes)


def events(path: Path) -> Iterator[Outcome]:
    """Every row of the file: a booking's events, or why the row cannot be imported."""
    return rows(path, "booking_key", booking_events)
