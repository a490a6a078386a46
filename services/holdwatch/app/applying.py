"""A batch's events on one booking's record: repeats skipped, new ones kept, the fold
extended while they come in time order.

Pure, and apart from the planning (app/monitor.py) that judges and commits what it leaves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from holdwatch.adapters.keys import event_field
from holdwatch.app.booking_cache import Cached
from holdwatch.app.intake import Work
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import Folded, extend, folded
from holdwatch.domain.events import Event


@dataclass(slots=True)
class Applied:
    """A batch's events applied to a booking's record (`apply_events`)."""

    fold: Folded
    new: dict[str, bytes] = field(default_factory=dict)  # history field → canonical JSON
    applied: list[Event] = field(default_factory=list)
    expired: list[Event] = field(default_factory=list)
    late: int = 0
    disorder: int = 0
    in_order: bool = True  # False: the fold was not extended, and must be folded again


def apply_events(cached: Cached, item: Work, late_before: datetime) -> Applied:
    """`item`'s events on `cached`: repeats skipped, each new one stored, and the fold
    extended while they come in time order; an event dated before `late_before` arrived
    late."""
    done = Applied(cached.fold or folded(item.agency, item.booking_id, cached.history()))
    new, stored = done.new, cached.stored
    latest = done.fold.state.last_event_at
    horizon_kept = cached.compacted_before
    for event, canonical in item.events:
        at = event.time
        if horizon_kept is not None and at < horizon_kept:
            done.expired.append(event)  # its record was compacted away: judged long ago
            continue
        name = event_field(event)
        known = new.get(name) or stored.get(name)
        if known is not None:
            if known == canonical or parse_event(known) == event:
                continue  # a repeat of (source, id): already applied
            # a conflicting repeat, named by a digest of its canonical form
            name += "\x1f" + hashlib.sha256(canonical).hexdigest()[:16]
            if name in stored or name in new:
                continue
            done.in_order = False
        new[name] = canonical
        done.applied.append(event)
        if done.in_order:
            extended = extend(done.fold, event)
            done.in_order = extended is not None
            done.fold = extended or done.fold
        done.late += at < late_before
        if latest is None or at > latest:
            latest = at
        elif at < latest:
            done.disorder += 1
    return done
