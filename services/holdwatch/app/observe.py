"""What a committed batch tells the metrics and the logs: counts and ids, never content.

Runs after the commit, and a failure here must not undo it (the monitor logs it and goes
on).
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from holdwatch.app.judge import Judgement
from holdwatch.app.ports import Observer
from holdwatch.domain.events import DetainerReceived, Event
from holdwatch.domain.state import Detainer

log = structlog.get_logger("holdwatch.monitor")


def observe(
    observer: Observer,
    events: Sequence[Event],
    applied: Sequence[Event],
    judgement: Judgement | None,
    expired: Sequence[Event] = (),
) -> None:
    """Count `events` (applied, repeats, or expired: dated before what a compacted record
    keeps), each finding change, each new detainer's form and bases, and the release
    latency a release shows."""
    count = observer.event
    if len(applied) == len(events) and not expired:  # the usual case: every event applied
        for event in events:
            count(event.type, "applied")
    else:
        keys = {e.key for e in applied}
        gone = {e.key for e in expired}
        for event in events:
            outcome = (
                "applied" if event.key in keys else "expired" if event.key in gone else "duplicate"
            )
            count(event.type, outcome)
    j = judgement
    if j is None:
        return
    for change in j.changes:
        f = change.finding
        observer.finding(f.code, f.severity, change.change)
        log.info(
            "finding",
            finding_id=f.finding_id,
            code=f.code,
            severity=f.severity,
            change=change.change,
            agency=f.agency,
            violation_at=f.violation_at.isoformat(),
        )
    lodged: dict[str, Detainer] | None = None
    for event in applied:
        if isinstance(event, DetainerReceived):
            if lodged is None:
                lodged = {d.detainer_id: d for d in j.state.detainers}
            # A second copy of a detainer on file is an anomaly, not a second detainer;
            # one dated past as_of is not in the state yet but was received all the same.
            d = lodged.get(event.data.detainer_id)
            if d is None or d.event_id == event.id:
                data = event.data
                bases = tuple(sorted(data.probable_cause))
                observer.detainer(data.form, data.attached_warrant or "none", bases)
        elif event.type == "custody.released":
            _release_latency(observer, j)


def _release_latency(observer: Observer, j: Judgement) -> None:
    release = j.state.release
    if release is None:
        return
    spans = [s.at for s in j.state.eligibility if s.at <= release.at]
    if not spans:
        return
    lodged = any(d.received_at <= release.at for d in j.state.detainers)
    observer.release_latency((release.at - max(spans)).total_seconds(), lodged)
