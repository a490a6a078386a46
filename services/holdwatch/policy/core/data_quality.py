"""DATA_QUALITY and scope REVIEW: facts the engine will not silently guess past.

Stale detainers carried into a new custody episode (scenario S35), events the fold could not
reconcile, offsets that contradict the jail's zone, a booking record that never
arrived, and acts outside the dates a profile is in force. (A conviction a jurisdiction's
offense table cannot classify is that jurisdiction's question: `policy.ca.offense_review`.)
"""

from __future__ import annotations

from datetime import datetime

from holdwatch.domain.timecalc import offset_matches_zone, shift
from holdwatch.policy.core.context import Context, Out


def _flag(ctx: Context, out: Out, rule: str, at: datetime, anchor: str, text: str) -> None:
    out.finding(
        "DATA_QUALITY",
        rule,
        kind="review",
        severity="warning",
        at=at,
        instant=True,
        anchor=anchor,
        citation="holdwatch event contract v1",
        explanation=text,
        evidence=[anchor],
    )


def _instants(ctx: Context) -> list[tuple[datetime, str]]:
    s = ctx.state
    found: list[tuple[datetime, str]] = []
    if s.booking:
        found.append((s.booking.booked_at, s.booking.event_id))
    found += [(e.at, e.event_id) for e in s.eligibility]
    found += [(d.received_at, d.event_id) for d in s.detainers]
    found += [(c.at, c.event_id) for c in s.contacts]
    if s.release:
        found.append((s.release.at, s.release.event_id))
    return found


def data_quality_rule(ctx: Context, out: Out) -> None:
    state, booking = ctx.state, ctx.state.booking
    for a in state.anomalies:
        if a.at <= ctx.as_of:
            _flag(ctx, out, "dq.anomaly", a.at, a.event_id, f"Inconsistent events: {a.what}.")
    if booking is None:
        if state.booking_id is not None and state.first_event_at is not None:
            due = shift(state.first_event_at, ctx.profile.params.missing_booking_after)
            if due <= ctx.as_of:
                _flag(
                    ctx,
                    out,
                    "dq.no_booking",
                    due,
                    state.event_ids[0],
                    "Events arrived for this booking but its booking.created never did.",
                )
            else:
                out.deadline(due, "DATA_QUALITY", "dq.no_booking", "booking record overdue")
        return
    for d in state.detainers:
        if ctx.is_stale(d):
            _flag(
                ctx,
                out,
                "dq.stale_detainer",
                booking.booked_at,
                d.event_id,
                f"Detainer {d.detainer_id} predates this custody episode (received or issued "
                "before the booking): it looks carried over from an earlier booking. A detainer "
                "binds one custody episode unless ICE re-lodges it.",
            )
    for at, event_id in _instants(ctx):
        if (
            at < booking.booked_at
            and event_id != booking.event_id
            and not any(d.event_id == event_id for d in state.detainers)
        ):
            _flag(
                ctx,
                out,
                "dq.before_booking",
                at,
                event_id,
                "An event is dated before the booking it belongs to.",
            )
        offset = at.utcoffset()
        if offset and not offset_matches_zone(at, ctx.zone, offset):
            _flag(
                ctx,
                out,
                "dq.offset",
                at,
                event_id,
                f"A timestamp's UTC offset does not match {ctx.zone} at that instant; the local "
                "time it claims does not exist or is mislabelled.",
            )


def scope_rule(ctx: Context, out: Out) -> None:
    """Acts outside the profile's effective dates are judged, but flagged for review."""
    booking = ctx.state.booking
    if booking is None:
        return
    end = ctx.custody_end or ctx.as_of
    profile = ctx.profile
    if profile.in_force(booking.booked_at) and profile.in_force(end):
        return
    last = profile.last_day
    until = f" to {last.isoformat()}" if last else ""
    out.finding(
        "REVIEW",
        "scope",
        kind="review",
        severity="warning",
        at=booking.booked_at,
        instant=True,
        anchor=booking.event_id,
        citation=profile.hold_citation,
        explanation=(
            f"Part of this custody falls outside the dates profile {profile.id} is in force "
            f"(from {profile.first_day.isoformat()}{until}); check which law applied."
        ),
        evidence=[booking.event_id],
    )
