"""Gonzalez v. ICE (C.D. Cal. No. 2:13-cv-04416): what the case says about a detainer, by
where it was issued and when.

- GONZALEZ_DB_ONLY: a detainer resting only on a database check. A violation by ICE for
  one issued from the Central District of California while the 2019 injunction stood (its
  dates are parameters); elsewhere, or at other times, an advisory whose words say which:
  the injunction never reached an office outside the Central District.
- GONZALEZ_SETTLEMENT_HOLD_REQUEST: while the class settlement is in effect (from
  Mar. 4, 2025, five years), an office it covers may send only the notification-only
  I-247G; a detainer from such an office that asks the jail to keep custody is flagged for
  counsel at its issue, where the law allows a hold (where it bars one, the hold is the
  finding, and an unheeded request harms no one). The coverage list is a parameter (its
  exhibit is unread).

The two are different defects of one detainer (its probable-cause basis; what it asks of
the jail), so a database-only hold request from a covered office raises both.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from holdwatch.domain.state import Detainer
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.profile import Params

CENTRAL_DISTRICT_OFFICES = ("perc", "pacific enforcement response center", "los angeles")
INJUNCTION = (
    "Gonzalez v. ICE, 416 F. Supp. 3d 995 (C.D. Cal. 2019), vacated in part, "
    "975 F.3d 788 (9th Cir. 2020)"
)
SETTLEMENT = (
    "Gonzalez v. ICE, No. 2:13-cv-04416 (C.D. Cal.), class settlement approved Dec. 2024, "
    "in effect Mar. 4, 2025"
)


def central_district(d: Detainer) -> bool:
    """Issued by an ICE officer in the Central District of California (the 2019 class)."""
    if d.issuing_district:
        return d.issuing_district.replace(" ", "").lower() in ("c.d.cal.", "cdcal", "c.d.cal")
    office = (d.issuing_office or "").lower()
    return any(name in office for name in CENTRAL_DISTRICT_OFFICES)


def settlement_covers(d: Detainer, params: Params) -> bool:
    """Whether the detainer's issuing office is on the settlement's coverage list (each
    listed name matched as whole words, ignoring case)."""
    office = d.issuing_office or ""
    return any(
        re.search(rf"\b{re.escape(name)}\b", office, re.IGNORECASE)
        for name in params.gonzalez_settlement_offices
    )


def issued(d: Detainer) -> datetime:
    """When ICE issued the detainer (its receipt, if no issue time or a later one is given)."""
    return min(d.issued_at or d.received_at, d.received_at)


def _in(day: date, start: date, end: date) -> bool:
    return start <= day < end


def settlement_hold_request(ctx: Context, d: Detainer) -> bool:
    """A custody request from a covered office while the settlement is in effect."""
    params = ctx.profile.params
    day = issued(d).astimezone(ctx.zone).date()
    return (
        "maintain_custody" in d.requests
        and _in(day, params.gonzalez_settlement_from, params.gonzalez_settlement_to)
        and settlement_covers(d, params)
    )


def _office(d: Detainer) -> str:
    return d.issuing_office or "an ICE office the record does not name"


def gonzalez_rule(ctx: Context, out: Out) -> None:
    """GONZALEZ_DB_ONLY, in words true of where the detainer came from."""
    params = ctx.profile.params
    for d in ctx.state.detainers:
        if d.probable_cause != {"biometric_database"} or d.received_at > ctx.as_of:
            continue
        at = issued(d)
        central = central_district(d)
        enjoined = central and _in(at.date(), params.gonzalez_from, params.gonzalez_to)
        if enjoined:
            why = (
                "ICE was enjoined from issuing such detainers from the Central District of "
                "California at the time."
            )
        elif central:
            why = (
                "It came from the Central District of California outside the dates of the "
                f"Gonzalez database injunction ({params.gonzalez_from} to "
                f"{params.gonzalez_to}); the district court's findings that these checks "
                "wrongly flag citizens remain; ask ICE for its basis."
            )
        else:
            why = (
                "The Gonzalez injunction, limited to Central District of California offices, "
                "never reached this office; its findings that database checks wrongly flag "
                "citizens are persuasive only. Ask ICE for its basis."
            )
        out.finding(
            "GONZALEZ_DB_ONLY",
            "gonzalez",
            kind="violation" if enjoined else "advisory",
            severity="high" if enjoined else ("warning" if central else "info"),
            at=at,
            instant=True,
            detainer_id=d.detainer_id,
            anchor=d.event_id,
            citation=INJUNCTION,
            explanation=(
                f"ICE's detainer {d.detainer_id}, issued by {_office(d)}, rests only on a "
                f"database check: no final order and no pending proceedings. {why}"
            ),
            evidence=[d.event_id],
        )


def settlement_rule(ctx: Context, out: Out) -> None:
    """GONZALEZ_SETTLEMENT_HOLD_REQUEST: an advisory for counsel at the detainer's issue,
    lasting while the person stays in custody on it."""
    if ctx.profile.hold_regime in ("zero", "no_state_authority"):
        return  # the law bars the hold anyway: a hold on it is that finding, and no other
    params = ctx.profile.params
    for d in ctx.state.detainers:
        if d.received_at > ctx.as_of or not settlement_hold_request(ctx, d):
            continue
        end = (
            ctx.custody_end
            if d.cancelled_at is None
            else min(t for t in (d.cancelled_at, ctx.custody_end) if t is not None)
        )
        out.finding(
            "GONZALEZ_SETTLEMENT_HOLD_REQUEST",
            "gonzalez.settlement",
            kind="advisory",
            severity="high",
            at=issued(d),
            ended_at=ctx.until(end),
            detainer_id=d.detainer_id,
            anchor=d.event_id,
            citation=SETTLEMENT,
            explanation=(
                f"Detainer {d.detainer_id} ({d.form}) asks the jail to keep custody, but it was "
                f"issued by {_office(d)}, which the Gonzalez settlement covers "
                f"({params.gonzalez_settlement_from} to {params.gonzalez_settlement_to}): "
                "such offices may send only a request for advance notification of release "
                "(Form I-247G). Holding the person past release on it is a seizure ICE was "
                "not allowed to request (Fourth Amendment exposure); ask ICE for a "
                "neutral probable-cause review or a judge's warrant."
            ),
            evidence=[d.event_id],
        )
