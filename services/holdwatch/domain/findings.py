"""What holdwatch emits: findings (schemas/README.md) and the deadlines that may produce them.

A finding is about one booking (or one agency) and names the instant the violation began,
not when it was noticed. Its id is a hash of what it is about, so the same facts give the
same id in the live monitor, in a replay and in `holdwatch audit`.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

Code = Literal[
    "HOLD_BARRED",
    "HOLD_OVER_WINDOW",
    "HOLD_NOT_ELIGIBLE",
    "HOLD_AFTER_CANCEL",
    "TRANSFER_UNAUTHORIZED",
    "TRANSFER_ON_7282_5B_ONLY",
    "NOTIFY_UNAUTHORIZED",
    "TRUTH_COPY_MISSING",
    "TRUTH_RELEASE_NOTICE_MISSING",
    "TRUTH_INTERVIEW_NO_CONSENT",
    "WSO_287G_BARRED",
    "CIVIL_WARRANT_ARREST",
    "NO_ADMIN_WARRANT",
    "NO_JUDICIAL_WARRANT",
    "GONZALEZ_DB_ONLY",
    "USC_CLAIM",
    "STATE_DUTY_NOT_HONORED",
    "DATA_QUALITY",
    "REVIEW",
    "HOLD_DEADLINE_APPROACHING",
    "AGREEMENT_287G_MISSING",
    "AGREEMENT_287G_TERMINATION_UNAPPROVED",
    "STATUS_CHECK_LATE",
    "ENJOINED_STATUTE_CHARGE",
    "RELEASE_DELAYED_FOR_ICE",
    "RELEASE_TIME_LIMIT_EXCEEDED",
    "HOLD_WITHOUT_JUDICIAL_ORDER",
    "HOLD_NOT_REQUESTED",
    "HOLD_NO_STATE_AUTHORITY",
    "GONZALEZ_SETTLEMENT_HOLD_REQUEST",
    "STATE_REPORT_DUE",
]
Kind = Literal["violation", "advisory", "review"]
Severity = Literal["critical", "high", "warning", "info"]
Status = Literal["open", "resolved", "superseded"]


class AlternativeDeadline(BaseModel):
    """A deadline under another reading of the law (e.g. a state holiday calendar)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    calendar: str
    deadline: AwareDatetime
    violation: bool


class Finding(BaseModel):
    """One finding, as schemas/README.md lists it, plus optional extensions after `status`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    finding_id: str
    code: Code
    kind: Kind
    severity: Severity
    agency: str
    booking_id: str | None
    detainer_id: str | None
    violation_at: AwareDatetime
    ended_at: AwareDatetime | None
    duration_seconds: int | None
    policy: str
    citation: str
    explanation: str
    evidence: tuple[str, ...]
    status: Status
    # extensions (optional for consumers)
    rule: str
    facility: str | None = None
    timezone: str | None = None
    calendar_ambiguous: bool = False
    alternatives: tuple[AlternativeDeadline, ...] = ()
    #: how sure the rule applied is: read in the law's text, a secondary source, or inferred
    evidence_level: Literal["verified", "secondary", "inferred"] | None = None


class Deadline(BaseModel):
    """An instant at which re-evaluating the booking may raise `code` (a live timer)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: AwareDatetime
    code: Code
    rule: str
    agency: str
    booking_id: str | None
    detainer_id: str | None
    description: str
    hold: bool  # a hold deadline earns a HOLD_DEADLINE_APPROACHING warning before it


def finding_id(*parts: str | None) -> str:
    """A stable id from what a finding is about (never from when it was computed)."""
    text = "\x1f".join("" if p is None else p for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
