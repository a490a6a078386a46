"""Pennsylvania ICE detainers, FY2008-FY2015 (ICE FOIA records, eads/geocode-pa-detainers),
into contract events: one custody episode per detainer.

The file is ICE's side: a detainer's prepare date and how it was lifted, no booking and no
release. What a jail feed would carry around it is synthesized and marked
(`provenancesynthetic`): the booking at 06:00 on the prepare date, the detainer at noon,
and its closing a day later — a transfer to ICE for `Booked into Detention`, a release for
a declined detainer, a cancellation when lifted; an open detainer stays open, and so does
one whose lift reason has no event here (`Transferred`, `Died`, ...), with a note.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from holdwatch.app.importers.envelope import cell, day, envelopes, rows
from holdwatch.app.importers.outcome import Imported, Outcome

ZONE = ZoneInfo("America/New_York")
SOURCE = "urn:ice:foia:pa-detainers"
FORMS = {"I247 ": "I-247", "I247D": "I-247D", "I247N": "I-247N", "I247A": "I-247A"}
LIFTED = ("Lifted", "Case Closed", "Prosecutorial Discretion")


def _form(text: str) -> str:
    return next((form for prefix, form in FORMS.items() if text.startswith(prefix)), "I-247")


def _agency(facility: str) -> str:
    """A stable agency id from the facility name ("BUCKS CNTY JAIL, PA" -> "bucks-cnty-jail")."""
    name = facility.split(",", maxsplit=1)[0].strip().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in name).split()) or "unknown"


def _subject(seq: str) -> str:
    return f"pa-{seq}"


def detainer_events(number: int, row: dict[str, str], file: str) -> Imported:
    subject = _subject(row["detainer_seq"])
    prepared = day(row, "detainer_prepare_date")
    booked = datetime.combine(prepared, time(6), ZONE)
    lodged = datetime.combine(prepared, time(12), ZONE)
    detainer_id = f"{subject}-d"
    plan: list[tuple[str, datetime, dict[str, Any]]] = [
        (
            "booking.created",
            booked,
            {
                "facility": cell(row, "detention_facility"),
                "timezone": str(ZONE),
                "person": {"person_id": subject},
            },
        ),
        (
            "detainer.received",
            lodged,
            {"detainer_id": detainer_id, "form": _form(row["detainer_type"]), "probable_cause": []},
        ),
    ]
    reason, closed = row["detainer_lift_reason"], lodged + timedelta(days=1)
    notes: tuple[str, ...] = ()
    if reason == "Booked into Detention":
        plan.append(("release.eligible", closed, {"reason": "other"}))
        plan.append(("custody.released", closed, {"to": "ice", "receiving_agency": "ICE ERO"}))
    elif reason == "Detainer Declined by LEA":
        plan.append(("release.eligible", closed, {"reason": "other"}))
        plan.append(("custody.released", closed, {"to": "public"}))
    elif reason.startswith(LIFTED):
        plan.append(("detainer.cancelled", closed, {"detainer_id": detainer_id}))
    elif reason:
        notes = ("detainer_lift_reason: not mapped; detainer left open",)
    provenance = {
        "provenancefile": file,
        "provenancerow": number,
        "provenancesynthetic": "booking, times of day and closing date",
    }
    agency = _agency(row["detention_facility"])
    plan_events = envelopes(
        plan, subject=subject, source=SOURCE, agency=agency, provenance=provenance
    )
    return Imported(number, subject, plan_events, notes)


def events(path: Path) -> Iterator[Outcome]:
    """Every row of the file: a detainer's episode, or why the row cannot be imported."""
    return rows(path, "detainer_seq", detainer_events, _subject)
