"""Compacting a record that never ends: an agency's own (events without a booking), which
would otherwise grow for as long as the agency reports 287(g) activity.

Findings over before the retention period go (the alerts stream carried each), and the
events no remaining finding cites. Only when the record reaches an eighth of the period
further back, so the cost is paid rarely; and only if the record left judges exactly as the
whole did (nothing to emit, the same timers), so compacting can never raise, change or
withdraw a finding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from holdwatch.app.booking_cache import Stored
from holdwatch.app.judge import Judgement, judge_fold
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import Folded, History, folded
from holdwatch.policy.core.rulebook import Rulebook

log = structlog.get_logger("holdwatch.monitor")


@dataclass(frozen=True, slots=True)
class Compaction:
    """What compacting a record drops, and what it keeps."""

    stored: Stored
    ledger: dict[str, str]
    fold: Folded
    events: list[str]  # history fields dropped
    findings: list[str]  # finding ids dropped from the ledger
    before: datetime  # nothing dated earlier is kept


def refold(agency: str, booking_id: str | None, stored: Mapping[str, bytes]) -> Folded:
    """A record's fold from its stored events, in full."""
    history = History.of(parse_event(raw) for raw in stored.values())
    return folded(agency, booking_id, history)


def compact(
    agency: str,
    stored: Stored,
    ledger: Mapping[str, str],
    j: Judgement,
    profile: Rulebook,
    as_of: datetime,
    now: datetime,
    retention: timedelta,
) -> Compaction | None:
    """What to drop from an agency's record judged `j` as of `as_of`; None: keep it all."""
    first = j.state.first_event_at
    cutoff = as_of - retention
    if first is None or first >= cutoff - retention / 8:
        return None
    over: list[str] = []
    cited: set[str] = set()
    for fid, record in ledger.items():
        f = json.loads(record)
        end = f["ended_at"] or (f["violation_at"] if f["status"] == "superseded" else None)
        if end is not None and datetime.fromisoformat(end) < cutoff:
            over.append(fid)
        else:
            cited.update(f["evidence"])
    dropped = {
        name
        for name, raw in stored.items()
        if (e := parse_event(raw)).time < cutoff and e.id not in cited
    }
    if not dropped and not over:
        return None
    kept = Stored({n: raw for n, raw in stored.items() if n not in dropped})
    left = {fid: r for fid, r in ledger.items() if fid not in set(over)}
    fold = refold(agency, None, kept)
    check = judge_fold(fold, profile, as_of, left, now=now)
    if check.changes or check.wake != j.wake or check.custody != j.custody:
        log.warning("compaction_skipped", agency=agency, changes=len(check.changes))
        return None
    return Compaction(kept, left, fold, sorted(dropped), over, cutoff)
