"""The span of custody on a detainer past release eligibility: what every hold rule judges.

A hold starts at RE (or when the first detainer takes effect, if later) and lasts while
the person stays in custody with no new local basis; a judicial warrant received during it
ends it, since custody then rests on the warrant. Each regime (policy/core/holds.py)
judges these spans its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from holdwatch.domain.state import Detainer, Eligibility
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, duration_text

RULE = "hold"


@dataclass(frozen=True, slots=True)
class Hold:
    """Custody on a detainer past RE; `end` is None while it continues."""

    span: Eligibility
    start: datetime
    end: datetime | None
    end_reason: str
    detainers: tuple[Detainer, ...]  # every detainer lodged by the end (or now)
    evidence: tuple[str, ...]


def holds(ctx: Context) -> list[Hold]:
    """Each eligibility span during which custody continued with a detainer on file."""
    out: list[Hold] = []
    state = ctx.state
    for span in state.eligibility:
        if span.at > ctx.as_of:
            continue
        stops = [
            (t, why)
            for t, why in (
                (ctx.until(span.revoked_at), "a new local basis to hold"),
                (ctx.custody_end, "release from custody"),
            )
            if t is not None
        ]
        stop, stop_why = min(stops) if stops else (None, "")
        horizon = stop or ctx.as_of
        lodged = tuple(d for d in state.detainers if ctx.effective_receipt(d) <= horizon)
        if not lodged:
            continue
        start = max(span.at, min(ctx.effective_receipt(d) for d in lodged))
        warrant = ctx.warrant(JUDICIAL_ANY)
        end, why = stop, stop_why
        if warrant is not None and (end is None or warrant.received_at < end):
            if warrant.received_at <= start:
                continue  # custody rests on the warrant from the start
            end, why = warrant.received_at, f"receipt of a judicial warrant ({warrant.kind})"
        if end is not None and end <= start:
            continue
        evidence = [span.event_id, *(d.event_id for d in lodged)]
        if warrant is not None and end == warrant.received_at:
            evidence.append(warrant.event_id)
        if end is not None and span.revoke_event_id and end == span.revoked_at:
            evidence.append(span.revoke_event_id)
        if end is not None and state.release and end == state.release.at:
            evidence.append(state.release.event_id)
        out.append(Hold(span, start, end, why, lodged, tuple(evidence)))
    return out


def too_short(ctx: Context, hold: Hold, since: datetime) -> bool:
    grace = ctx.profile.params.hold_grace
    return (hold.end or ctx.as_of) - since <= grace and grace.total_seconds() > 0


def held_text(ctx: Context, hold: Hold, since: datetime) -> str:
    if hold.end is None:
        return f"and is still held as of {ctx.local(ctx.as_of)}"
    secs = int((hold.end - since).total_seconds())
    return f"until {ctx.local(hold.end)} ({hold.end_reason}), {duration_text(secs)} in all"
