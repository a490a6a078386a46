"""What a plan writes: a booking's `Commit` (app/ports.py), built from its judgement.

Pure, and apart from the planning (app/monitor.py) so that each stays small: the fields
here are only what the Lua commit (adapters/redis_store.py) needs, in its units.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from holdwatch.app.booking_cache import Cached
from holdwatch.app.compaction import Compaction
from holdwatch.app.intake import Work
from holdwatch.app.judge import Custody, Judgement
from holdwatch.app.ports import Commit


@dataclass(frozen=True, slots=True)
class Change:
    """What applying a batch's events changed besides the judgement."""

    new: Mapping[str, bytes]  # history field → canonical JSON of each event applied
    late: int  # of them, how many arrived late
    disorder: int  # of them, how many are dated before one already applied
    rev: str  # the revision the commit leaves
    compaction: Compaction | None
    history: Mapping[str, bytes]  # every stored event after the commit (the store packs it)
    ledger: Mapping[str, str]  # every finding after the commit


def booking_commit(
    tag: str,
    item: Work,
    cached: Cached,
    trigger: str,
    as_of: datetime,
    j: Judgement,
    change: Change,
    retention: timedelta,
) -> Commit:
    """The commit of a booking `cached` was read at, judged `j` as of `as_of`."""
    compaction = change.compaction
    return Commit(
        tag=tag,
        agency=item.agency,
        booking_id=item.booking_id,
        expected_version=cached.version,
        as_of=as_of,
        events=list(change.new.items()),
        alerts=[
            (c.finding.finding_id, c.record, c.change, c.finding.status == "open")
            for c in j.changes
        ],
        trigger=trigger,
        late_ms=item.late_ms,
        deadline_ms=_ms(j.wake.deadline),
        warning_ms=_ms(j.wake.warning),
        custody=_custody_json(j.custody),
        retain_ms=_retain_ms(j, as_of, retention),
        acks=item.acks,
        late=change.late,
        out_of_order=change.disorder,
        expected_rev=cached.rev,
        rev=change.rev,
        standing=item.standing and not change.new,
        forget_events=compaction.events if compaction else (),
        forget_findings=compaction.findings if compaction else (),
        compacted_before=compaction.before if compaction else None,
        history=change.history,
        ledger=change.ledger,
    )


def confirm(tag: str, item: Work, cached: Cached) -> Commit:
    """Only repeats arrived: ack them, but only if Redis still holds what the cache
    says (a booking Redis lost must be written again, not acked away)."""
    return Commit(
        tag=tag,
        agency=item.agency,
        booking_id=item.booking_id,
        expected_version=cached.version,
        as_of=cached.as_of or datetime.min.replace(tzinfo=UTC),
        events=(),
        alerts=(),
        trigger="event",
        late_ms=None,
        deadline_ms=None,
        warning_ms=None,
        custody=None,
        retain_ms=None,
        acks=item.acks,
        expected_rev=cached.rev,
        rev=cached.rev,
    )


def _retain_ms(j: Judgement, as_of: datetime, retention: timedelta) -> int | None:
    """Keep a booking while it can still change on its own; then for the retention."""
    release, wake = j.state.release, j.wake
    over = (
        release is not None
        and release.at <= as_of
        and wake.deadline is None
        and wake.warning is None
    )
    return int(retention.total_seconds() * 1000) if over else None


def _ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def _custody_json(c: Custody | None) -> str | None:
    if c is None:
        return None
    return json.dumps(
        {
            "agency": c.agency,
            "facility": c.facility,
            "profile": c.profile,
            "detainers": c.detainers,
            "hold_deadline_ms": _ms(c.hold_deadline),
            "warning_ms": _ms(c.hold_warning),
        }
    )
