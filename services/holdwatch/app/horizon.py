"""The instant a batch is judged as of: the clock's, unless the stream says otherwise.

A monitor behind the stream's head must not judge as of the wall clock (a booking's
later events may still be unread). What the stream has outstanding bounds it:

- the oldest entry dated *before* the ones in hand that is not yet applied (another
  replica's batch in flight, an entry waiting to be reclaimed): nothing at or after its
  instant is known yet, so judge just before it — a hard bound;
- the first entry *after* the ones in hand (unread, or another replica's): in a stream
  written in event-time order nothing unread is dated before it, so judge just before it,
  and never before the latest event in hand. A stream written out of order here (a
  jail's feed an hour behind another's, a late event) makes no such promise: the entry
  after is dated before what was read already, and the clock rules, as it did before
  event time was heeded; a late event then supersedes what it changes, as it must.

Pure: the adapter reads the outstanding entries' instants, the monitor brings the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

TICK = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Outstanding:
    """Event times of what the stream has not applied yet, around the entries in hand."""

    before: datetime | None = None  # the oldest pending entry dated before them
    after: datetime | None = None  # the first entry after them
    read: datetime | None = None  # the latest event time read so far (timers compare)


def horizon(now: datetime, outstanding: Outstanding, latest: datetime | None = None) -> datetime:
    """Judge as of this: `now`, or just before what is outstanding; `latest` is the latest
    event time in hand (for timers, which bring no events: the latest read)."""
    limits = [now]
    if outstanding.before is not None:
        limits.append(outstanding.before - TICK)
    after = outstanding.after
    if after is not None and (latest is None or after >= latest):
        limits.append(after - TICK if latest is None else max(after - TICK, latest))
    return min(limits)
