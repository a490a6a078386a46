"""Travis County (TX) Sheriff's bookings with an ICE detainer, 2000-2016, as republished
by the Austin American-Statesman (statesman/ice-travis-county), into contract events.

The file has dates, not times: every instant here is noon at the jail (America/Chicago)
on the recorded day, and says so (`provenanceprecision: day`). Holds measured in hours
cannot be judged from it; ordering, volumes and outcomes can. One booking per row:
booked, detainer lodged the same day, eligible when the last charge was disposed, then
the detainer's disposition closes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from holdwatch.app.importers.envelope import envelopes, rows

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


def _noon(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(12), ZONE)


def booking_events(number: int, row: dict[str, str], file: str) -> list[dict[str, Any]]:
    subject = row["booking_key"]
    booked = _noon(row["booking_date"])
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
    disposed = row["last_disposition_date"]
    if disposed:
        plan.append(
            (
                "release.eligible",
                max(_noon(disposed), booked + timedelta(minutes=2)),
                {"reason": "other"},
            )
        )
    closing, at = row["detainer_disposition_type"], row["detainer_disposition_date"]
    if at and closing == "WARRANT WITHDRAWN":
        plan.append(("detainer.cancelled", _noon(at), {"detainer_id": f"{subject}-d"}))
    elif at and closing in RELEASES:
        plan.append(
            (
                "custody.released",
                max(_noon(at), booked + timedelta(minutes=3)),
                {"to": RELEASES[closing]},
            )
        )
    provenance = {"provenancefile": file, "provenancerow": number, "provenanceprecision": "day"}
    return envelopes(plan, subject=subject, source=SOURCE, agency=AGENCY, provenance=provenance)


def events(path: Path) -> Iterator[dict[str, Any]]:
    return rows(path, "booking_date", booking_events)
