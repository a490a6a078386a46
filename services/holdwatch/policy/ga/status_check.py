"""O.C.G.A. §42-4-14(b): a nationality and status check within 48 hours of arrival.

Owed on every booking, whether or not immigration authorities touched it (so the rule runs
on every record, `Rulebook.always`). The 48 hours are elapsed time from the booking; a
person released before then is owed nothing. A check made late ends the finding.
"""

from __future__ import annotations

from datetime import timedelta

from holdwatch.domain.timecalc import elapsed_deadline
from holdwatch.policy.core.context import Context, Out

WITHIN = timedelta(hours=48)
CITATION = "O.C.G.A. §42-4-14(b)"


def status_check_rule(ctx: Context, out: Out) -> None:
    booking = ctx.state.booking
    if booking is None or not ctx.profile.params.report_state_duty:
        return
    if not any(c == "STATUS_CHECK_LATE" for c, _ in ctx.profile.evidence):
        return
    due = elapsed_deadline(booking.booked_at, WITHIN, ctx.zone)
    release = ctx.state.release
    if release is not None and release.at <= due:
        return
    checks = sorted((c.at for c in ctx.state.status_checks), key=lambda t: t.timestamp())
    if any(t <= due for t in checks):
        return
    if ctx.as_of < due:
        out.deadline(due, "STATUS_CHECK_LATE", "status_check", "the 48-hour status check falls due")
        return
    later = [t for t in checks if t <= ctx.as_of]
    ends = [t for t in (later[0] if later else None, ctx.custody_end) if t is not None]
    out.finding(
        "STATUS_CHECK_LATE",
        "status_check",
        kind="violation",
        severity="info",
        at=due,
        ended_at=min(ends, key=lambda t: t.timestamp()) if ends else None,
        anchor=booking.event_id,
        citation=CITATION,
        explanation=(
            f"The person arrived at {ctx.local(booking.booked_at)}; Georgia law required a "
            f"nationality and status check within 48 hours, by {ctx.local(due)}, and none was "
            "recorded by then. This is a state-law compliance finding, not a federal violation."
        ),
        evidence=[booking.event_id, *(c.event_id for c in ctx.state.status_checks)],
    )
