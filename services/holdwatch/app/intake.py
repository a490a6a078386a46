"""A batch of stream entries → work per booking, and a dead letter for every other entry.

Everything here is decided from the entry alone: an entry that is not an event (no event
field, bytes that are not UTF-8, an event the contract rejects, an agency with no
profile) is dead-lettered with the field and the reason, never the value, and nothing
else waits for it. A valid event goes on as the contract defines it (`canonical_json`):
attributes the contract does not name are dropped here, before anything is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from holdwatch.adapters.entries import BadEntry, event_payload, raw_payload
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap, UnknownAgency
from holdwatch.app.ports import DeadLetter
from holdwatch.domain.contract import ContractError, canonical_json, parse_event
from holdwatch.domain.events import Event

Entry = tuple[str, Mapping[bytes, bytes]]  # stream entry id, fields


@dataclass(slots=True)
class Work:
    """What one batch brings to one booking."""

    agency: str
    booking_id: str | None
    #: each event with its canonical JSON (what is stored: `canonical_json`)
    events: list[tuple[Event, bytes]] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    due: datetime | None = None  # timer work: the instant that fell due
    late_ms: int | None = None
    #: the agency's own record, judged with no event of its own: an agency seen for the
    #: first time (by this process) has its standing duties' deadlines armed
    standing: bool = False


def gather_events(
    entries: Sequence[Entry], agencies: AgencyMap
) -> tuple[dict[str, Work], list[DeadLetter]]:
    """A batch's valid events grouped by booking, and a dead letter for each other entry."""
    work: dict[str, Work] = {}
    #: by (agency, booking id): a batch's bookings are tagged once, not at each event
    seen: dict[tuple[str, str | None], Work] = {}
    letters: list[DeadLetter] = []
    for entry_id, fields in entries:
        try:
            raw = event_payload(fields)
            event = parse_event(raw)
            agencies.profile_for(event.agency)
        except BadEntry as exc:
            letters.append(DeadLetter(entry_id, raw_payload(fields), exc.reason, str(exc)))
            continue
        except ContractError as exc:
            if (why := _encoding_error(raw)) is not None:
                errors: tuple[tuple[str, str], ...] = (("event", why),)
                letters.append(
                    DeadLetter(entry_id, raw, "invalid_encoding", f"event: {why}", errors)
                )
                continue
            errors = tuple((e.field, e.reason) for e in exc.errors)
            letters.append(
                DeadLetter(entry_id, raw_payload(fields), "invalid_event", str(exc), errors)
            )
            continue
        except UnknownAgency:
            detail = "agency: no profile is configured for this agency"
            letters.append(DeadLetter(entry_id, raw, "unknown_agency", detail))
            continue
        booking = (event.agency, event.subject)
        item = seen.get(booking)
        if item is None:
            tag = booking_tag(*booking)
            item = seen[booking] = work.setdefault(tag, Work(*booking))
        item.events.append((event, canonical_json(event)))
        item.acks.append(entry_id)
    return work, letters


def gather_timers(
    entries: Sequence[Entry],
) -> tuple[dict[str, Work], list[DeadLetter], list[float]]:
    """Fired timers grouped by booking, a dead letter for each unreadable entry, and how
    late (seconds) each timer fired."""
    work: dict[str, Work] = {}
    letters: list[DeadLetter] = []
    lateness: list[float] = []
    for entry_id, fields in entries:
        try:
            member = fields[b"timer"].decode()
            data = json.loads(fields[b"data"])
            due_ms, fired_ms = int(fields[b"due_ms"]), int(fields[b"fired_ms"])
        except (KeyError, ValueError) as exc:
            detail = f"timer entry: unreadable ({type(exc).__name__})"
            letters.append(DeadLetter(entry_id, raw_payload(fields), "invalid_timer", detail))
            continue
        tag = member.rsplit("|", 1)[0]
        item = work.setdefault(tag, Work(data["agency"], data["booking_id"]))
        # Judged just past the instant: custody that lasts to a deadline breaks it after.
        due = datetime.fromtimestamp((due_ms + 1) / 1000, UTC)
        item.due = max(item.due or due, due)
        item.late_ms = max(item.late_ms or 0, fired_ms - due_ms)
        item.acks.append(entry_id)
        lateness.append(max(0, fired_ms - due_ms) / 1000)
    return work, letters, lateness


def _encoding_error(raw: bytes) -> str | None:
    """Why `raw` is not text at all (where, never what), or None when it is UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not valid UTF-8 (byte {exc.start})"
    return None
