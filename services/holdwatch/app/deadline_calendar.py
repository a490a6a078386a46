"""Hold deadlines as an iCalendar feed (RFC 5545), for a defender's calendar.

Two events per person held on a detainer whose hold has a deadline: the deadline itself
and the warning before it. Each event's UID is derived from the booking alone, so a
calendar that subscribes to the feed moves the event when the deadline moves (a late
event, a revoked eligibility) instead of adding another; SEQUENCE is the booking's commit
count, which only grows. A hold that ends (release, a cancelled detainer) leaves the
custody summary and so the feed: the client drops its events on the next refresh.
Instants are written in UTC; the description names the jail's local time when known.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

PRODID = "-//holdwatch//hold deadlines//EN"
#: how long each event lasts on the calendar: a deadline is an instant
SPAN = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class HoldDeadline:
    agency: str
    booking_id: str
    facility: str
    deadline: datetime
    #: when the warning comes (None: the hold is already past its deadline)
    warning: datetime | None
    #: grows with every commit of the booking
    sequence: int
    #: the person's name, only for a caller whose role may see it
    name: str | None = None
    #: the jail's zone, for the description's local time
    zone: str | None = None


def uid(kind: str, agency: str, booking_id: str) -> str:
    key = hashlib.sha256(f"{agency}/{booking_id}".encode()).hexdigest()[:32]
    return f"{kind}-{key}@holdwatch"


def _local(at: datetime, zone: str | None) -> str:
    if zone is None:
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
    except (ValueError, KeyError):
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _event(
    hold: HoldDeadline, kind: str, start: datetime, summary: str, text: str, now: datetime
) -> Event:
    event = Event()
    event.add("uid", uid(kind, hold.agency, hold.booking_id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + SPAN).astimezone(UTC))
    event.add("sequence", hold.sequence)
    event.add("summary", summary)
    event.add("description", text)
    event.add("categories", ["holdwatch", kind])
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def calendar(holds: Iterable[HoldDeadline], now: datetime, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for hold in sorted(holds, key=lambda h: (h.deadline, h.agency, h.booking_id)):
        who = (
            f"{hold.name} ({hold.agency}/{hold.booking_id})"
            if hold.name
            else (f"{hold.agency}/{hold.booking_id}")
        )
        where = f"{hold.facility}, {hold.agency}"
        deadline = _local(hold.deadline, hold.zone)
        passed = hold.deadline <= now
        cal.add_component(
            _event(
                hold,
                "hold-deadline",
                hold.deadline,
                f"{'Hold deadline passed' if passed else 'Hold deadline'}: {who}",
                f"The jail must release {who} from the immigration hold by {deadline} "
                f"({where}); custody past it is unlawful."
                + (" The deadline has passed and the person is still held." if passed else ""),
                now,
            )
        )
        if hold.warning is not None:
            lead = hold.deadline - hold.warning
            hours = f"{lead.total_seconds() / 3600:g} h"
            cal.add_component(
                _event(
                    hold,
                    "hold-warning",
                    hold.warning,
                    f"Hold deadline in {hours}: {who}",
                    f"{hours} to the hold deadline of {who} at {deadline} ({where}).",
                    now,
                )
            )
    return bytes(cal.to_ical())
