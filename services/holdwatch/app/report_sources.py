"""Where a report's facts come from: a JSONL history (offline) or the live Redis.

Both fold each booking with the same core as the audit and the monitor; the live source
takes findings from the monitor's ledgers (what was actually alerted), the offline one
evaluates them as of the report's instant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import Any

from holdwatch.adapters.keys import Keys
from holdwatch.adapters.redis_store import BookingStore
from holdwatch.app.agencies import AgencyMap, UnknownAgency
from holdwatch.app.audit import read_events, with_agency_records
from holdwatch.app.judge import LIVE_ONLY
from holdwatch.app.local_overlays import registry_for
from holdwatch.app.report import Period, Report, Scope, tally
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import History, project
from holdwatch.domain.findings import Finding
from holdwatch.domain.state import CustodyState
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.settings import Settings


def from_lines(
    lines: Iterable[bytes], profile: Rulebook, as_of: datetime, period: Period
) -> Report:
    """A report on a history file; raises `AuditInputError` on unreadable lines, as audit."""
    groups = read_events(lines)
    out_of_order = 0
    judged: list[tuple[CustodyState, tuple[Finding, ...]]] = []
    for (agency, booking_id), events in with_agency_records(groups, profile).items():
        latest = None
        for e in events:  # in file order: arrival order, as far as a file tells
            if latest is not None and e.time < latest:
                out_of_order += 1
            latest = e.time if latest is None or e.time > latest else latest
        state = project(agency, booking_id, History.of(events))
        judged.append((state, evaluate(state, profile, as_of).findings))
    scope = Scope(
        source="history file",
        bookings=len(groups),
        events=sum(len(v) for v in groups.values()),
        out_of_order_events=out_of_order,
        late_events=None,
        dead_letters=Counter(),
        notes=(
            "a file holds no dead letters (unreadable lines stop the report) and no arrival "
            "times (late events are not counted); out of order: earlier than a line above",
        ),
    )
    rows = tally(judged, period, as_of)
    profiles = {agency: profile for agency, _facility in rows}
    return Report(period, profile.label, rows, scope, profiles, as_of)


async def from_redis(
    store: BookingStore,
    keys: Keys,
    dlq_stream: str,
    as_of: datetime,
    period: Period,
    profile_for: Callable[[str], Rulebook | None] = lambda _agency: None,
) -> Report:
    """A report on what the live monitor holds: every booking still retained in Redis.

    `profile_for` names the rulebook that judged an agency (the agency map's), for the
    report's labels and legend; without it they are the law-neutral words."""
    judged: list[tuple[CustodyState, list[Finding]]] = []
    events = late = disorder = 0
    async for tags in _booking_tags(store, keys):
        for snap in await store.load(tags):
            late, disorder = late + snap.late, disorder + snap.out_of_order
            history = History.of(parse_event(raw) for raw in snap.history.values())
            findings = [Finding.model_validate_json(r) for r in snap.ledger.values()]
            if not history.events:
                if findings:  # an agency's own record, judged with no event of its own
                    state = CustodyState(findings[0].agency, None)
                    judged.append((state, [f for f in findings if f.code not in LIVE_ONLY]))
                continue
            events += len(history.events)
            first = next(iter(history.events.values()))
            state = project(first.agency, first.subject, history)
            judged.append((state, [f for f in findings if f.code not in LIVE_ONLY]))
    letters: Counter[str] = Counter()
    rows: Any = await store.redis.xrange(dlq_stream)
    for _id, fields in rows:
        letters[fields.get(b"reason", b"unknown").decode()] += 1
    scope = Scope(
        source="live (Redis)",
        bookings=len(judged),
        events=events,
        out_of_order_events=disorder,
        late_events=late,
        dead_letters=letters,
        notes=(
            "late: applied more than 15 minutes after they happened, counted over each "
            "booking's whole life",
            "bookings closed longer than the retention period have left Redis",
        ),
    )
    rows = tally(judged, period, as_of)
    profiles = {a: p for a in {a for a, _f in rows} if (p := profile_for(a)) is not None}
    return Report(period, "per agency map", rows, scope, profiles, as_of)


def agency_profiles(settings: Settings) -> Callable[[str], Rulebook | None]:
    """The agency map's profile of each agency (the monitor's, from the same settings), for
    a live report's labels: None for an agency the map does not name and no default judges."""
    agencies = AgencyMap.load(
        settings.agencies_file,
        settings.default_profile or None,
        settings.warning_lead,
        registry_for(settings.overlays_dir),
    )

    def profile_for(agency: str) -> Rulebook | None:
        try:
            return agencies.profile_for(agency)
        except UnknownAgency:
            return None

    return profile_for


async def _booking_tags(store: BookingStore, keys: Keys) -> AsyncIterator[list[str]]:
    """Every booking's tag: its packed key `…:b:{tag}`, or (not read since the previous
    layout) its `…:b:{tag}:meta`; a booking moved while the scan runs may be named twice."""
    batch: list[str] = []
    for part in keys.parts:  # each partition's bookings begin with its base
        marker = f"{part.base}:b:"
        async for key in store.redis.scan_iter(match=f"{marker}*", count=1000):
            name = key.decode()[len(marker) :]
            if name.endswith(":meta"):
                name = name.removesuffix(":meta")
            elif not name.endswith("}"):
                continue
            batch.append(name)
            if len(batch) >= 500:
                yield batch
                batch = []
    if batch:
        yield batch
