"""The instant a batch is judged as of: the clock's, unless the stream says otherwise.

A monitor behind the stream's head must not judge as of the wall clock (a booking's
later events may still be unread). What the stream has outstanding bounds it:

- the oldest entry dated *before* the ones in hand that is not yet applied (another
  replica's batch in flight, an entry waiting to be reclaimed): nothing at or after its
  instant is known yet, so judge just before it — a hard bound;
- the first entry *after* the ones in hand (unread, or another replica's): in a stream
  written in event-time order nothing unread is dated before it, so judge just before it;
  but never before the latest event in hand: a stream written out of order (a jail's feed
  an hour behind another's, a late event) promises nothing there, and holding its events
  back would only delay them.

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


NOTHING = Outstanding()


def horizon(now: datetime, outstanding: Outstanding, latest: datetime | None = None) -> datetime:
    """Judge as of this: `now`, or just before what is outstanding; `latest` is the latest
    event time in hand (None for timers, which bring no events)."""
    limits = [now]
    if outstanding.before is not None:
        limits.append(outstanding.before - TICK)
    if outstanding.after is not None:
        after = outstanding.after - TICK
        limits.append(after if latest is None else max(after, latest))
    return min(limits)
