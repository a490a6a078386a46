"""REVIEW for a prior conviction California's offense table cannot classify.

The §7282.5 criteria turn on what a conviction is; a code the table does not know and the
event gives no categories for is a question for a person, asked once per conviction, at the
first act the criteria would decide (a detainer taking effect, a contact with ICE).
"""

from __future__ import annotations

from holdwatch.policy.ca import section_7282_5
from holdwatch.policy.core.context import Context, Out


def unclassified_rule(ctx: Context, out: Out) -> None:
    """§7282.5 profiles: a conviction the offense table cannot classify is a REVIEW."""
    lodged = [ctx.effective_receipt(d) for d in ctx.state.detainers]
    acts = lodged + [c.at for c in ctx.state.contacts]
    if not acts or min(acts) > ctx.as_of:
        return
    asked: set[str] = set()
    for c in section_7282_5.unclassified(ctx.state):
        anchor = f"{c.code}|{c.convicted_on.isoformat()}"
        if anchor in asked:
            continue  # one conviction listed twice is one question (and one finding id)
        asked.add(anchor)
        out.finding(
            "REVIEW",
            "offense_table",
            kind="review",
            severity="warning",
            at=min(acts),
            instant=True,
            anchor=anchor,
            citation="Cal. Gov. Code §7282.5(a)",
            explanation=(
                f"Prior {c.level} conviction {c.code} ({c.convicted_on.isoformat()}) is not in "
                "holdwatch's offense table and the event gives no categories; whether it "
                "qualifies under §7282.5 needs a person."
            ),
            evidence=[ctx.state.booking.event_id] if ctx.state.booking else [],
        )
