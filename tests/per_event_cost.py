"""Per-event cost of the monitor's own work (`Monitor.plan`, no storage) against booking
length: a booking is built to N events, then its next events are planned one batch each,
in time order, as a live feed brings them. Prints CPU ms per event for each N (the best
of five runs by default: the machine may be shared).

    python tests/per_event_cost.py [--lengths 5 50 500 5000] [--mix quiet|noisy]

`quiet`: the events change no finding (release date updates); `noisy`: each is an ICE
notification a California profile judges (a finding each, every one judged again on each
event by the rules). A timing is not a test on a shared machine: what makes the cost
constant, that an event in time order parses and folds only itself, is checked exactly in
tests/unit/test_monitor_core.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap
from holdwatch.app.booking_cache import EMPTY
from holdwatch.app.intake import Entry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from story import Story

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def monitor(profile: str, now: datetime) -> Any:
    """A monitor on ports that are never called (`plan` does no I/O)."""
    from holdwatch.app import monitor as m  # noqa: PLC0415

    agencies = AgencyMap({}, profile, timedelta(hours=2))
    if hasattr(m, "MonitorConfig"):
        return m.Monitor(
            m.Storage(None, None, None),  # type: ignore[arg-type]
            agencies,
            lambda: now,
            None,  # type: ignore[arg-type]
            m.MonitorConfig("events", "timers"),
        )
    return m.Monitor(  # the constructor before ports (for a before/after comparison)
        None, None, agencies, lambda: now, None, None, events_stream="e", timers_stream="t"
    )


def story(length: int, mix: str, booking: str = "LONG") -> Story:
    s = (
        Story(agency="lasd", booking=booking)
        .booked(T0.isoformat())
        .detainer((T0 + timedelta(minutes=5)).isoformat())
    )
    for i in range(length - 2):
        at = (T0 + timedelta(minutes=10 + i)).isoformat()
        if mix == "noisy":
            s.notified(at, information="release_date")
        else:
            s.add("release.scheduled", at, {"expected_at": (T0 + timedelta(days=30)).isoformat()})
    return s


def cost(length: int, mix: str, timed: int = 50) -> float:
    """ms per event for the last `timed` events of `length`-event bookings, over enough
    bookings that at least 50 events are timed."""
    now = T0 + timedelta(minutes=10 + length)
    mon = monitor("ca-sb54" if mix == "noisy" else "us-federal", now)
    spent, count = 0.0, 0
    for b in range(max(1, 50 // timed)):
        booking = f"LONG{b}"
        events = story(length, mix, booking).events
        tag = booking_tag("lasd", booking)
        entries: list[Entry] = [
            (f"{i}-0", {b"event": json.dumps(e).encode()}) for i, e in enumerate(events)
        ]
        cut = max(0, len(entries) - timed)
        cached = EMPTY
        if cut:  # the booking so far, in one batch
            items, _ = mon.gather(entries[:cut])
            cached = replace(mon.plan(tag, items[tag], EMPTY, "event").cached, version=1)
        started = time.process_time()
        for entry in entries[cut:]:
            work, _ = mon.gather([entry])
            plan = mon.plan(tag, work[tag], cached, "event")
            cached = replace(plan.cached, version=cached.version + 1)
        spent += time.process_time() - started
        count += len(entries) - cut
    return spent * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[5, 50, 500, 5000])
    parser.add_argument("--mix", choices=("quiet", "noisy"), default="quiet")
    parser.add_argument("--runs", type=int, default=5, help="best of this many")
    args = parser.parse_args()
    cost(5, args.mix)  # warm: imports, the profile's tables
    base = None
    for n in args.lengths:
        ms = min(cost(n, args.mix, timed=min(50, max(1, n - 2))) for _ in range(args.runs))
        base = base or ms
        print(f"{args.mix} {n:>6} events: {ms:8.3f} ms/event  ({ms / base:5.2f}x)")


if __name__ == "__main__":
    main()
