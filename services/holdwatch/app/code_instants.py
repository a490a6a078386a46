"""When the engine raises each code: the instant a finding's `violation_at` names.

The duty data says which codes a duty raises; this says, for counsel, at which instant, as
the rules compute it. An entry keyed by (subject, code) is the reading for that duty alone
(Texas's duty to inform raises TRUTH_COPY_MISSING at another instant than California's
request copy); one keyed by (None, code) holds for every duty. Durations come from the
profile's parameters, so a deployment's settings show as they run.
"""

from __future__ import annotations

from datetime import timedelta

from holdwatch.policy.core.profile import Params

#: (subject or None, code) -> the instant, with {truth_sla} and {warning_lead} to fill in.
WHEN: dict[tuple[str | None, str], str] = {
    (None, "HOLD_BARRED"): "from the first minute of custody past release (RE), or from the "
    "detainer's receipt if that came later",
    (None, "HOLD_OVER_WINDOW"): "at the end of the window the governing detainer allows, "
    "counted from release (RE)",
    (None, "HOLD_NOT_ELIGIBLE"): "from the first minute of custody past release (RE), when "
    "the criteria were not met on that day",
    (None, "HOLD_AFTER_CANCEL"): "from ICE's cancellation, or from release (RE) if the "
    "detainer was already cancelled",
    (None, "HOLD_DEADLINE_APPROACHING"): "live only: {warning_lead} before a hold deadline "
    "(the scheduled release where holds are barred, the window's end otherwise)",
    ("hold", "REVIEW"): "at the window's end when the form's counting rule is unverified; "
    "from release (RE) when whether the criteria were met is unclear",
    (None, "TRANSFER_UNAUTHORIZED"): "at the hand-over to immigration authorities",
    (None, "TRANSFER_ON_7282_5B_ONLY"): "at the hand-over to immigration authorities",
    (None, "NO_JUDICIAL_WARRANT"): "at the detainer's receipt, until a judicial warrant "
    "arrives or custody ends (an advisory)",
    ("transfer", "REVIEW"): "at the hand-over, when whether the law allowed it is unclear",
    (None, "NOTIFY_UNAUTHORIZED"): "at the communication to immigration authorities",
    ("release_notification", "REVIEW"): "at the communication, when whether the law allowed "
    "it is unclear",
    ("request_copy", "TRUTH_COPY_MISSING"): "at the first ICE access (information, interview "
    "or hand-over) before the copy was given, a violation; {truth_sla} after the detainer's "
    "receipt if no copy was given by then, an advisory",
    ("request_copy", "REVIEW"): "at ICE access after the agency told the person it would not "
    "comply",
    ("inform", "TRUTH_COPY_MISSING"): "from the start of the hold, if the person had not been told",
    (None, "TRUTH_RELEASE_NOTICE_MISSING"): "at release or transfer before the notice was "
    "given, a violation; {truth_sla} after ICE was told the release date if the notice was "
    "not given by then, an advisory",
    (None, "TRUTH_INTERVIEW_NO_CONSENT"): "at the interview",
    (None, "WSO_287G_BARRED"): "at each Warrant Service Officer or 287(g) act",
    (None, "CIVIL_WARRANT_ARREST"): "at the arrest",
    (None, "STATE_DUTY_NOT_HONORED"): "at a release that did not honor the detainer",
    (None, "GONZALEZ_DB_ONLY"): "at the detainer's issue (or its receipt, if earlier)",
    (None, "NO_ADMIN_WARRANT"): "at the detainer's receipt",
    (None, "USC_CLAIM"): "at the claim, or at the detainer's receipt if that came later",
    (None, "AGREEMENT_287G_MISSING"): "on the agency's own record: from the compliance instant "
    "(00:00 local on the day the law is read to require it) while no agreement is in force, "
    "and again from each later end of an agreement (or lapse of a request, where a request "
    "counts) until one is in force",
    (None, "AGREEMENT_287G_TERMINATION_UNAPPROVED"): "at the end of an agreement without the "
    "approval the law requires on record",
    (None, "ENJOINED_STATUTE_CHARGE"): "at the booking, when a charge is under a section a "
    "court then barred the state from enforcing (an advisory)",
    (None, "STATUS_CHECK_LATE"): "48 elapsed hours after the booking, when no nationality or "
    "status check was recorded by then",
    (None, "RELEASE_DELAYED_FOR_ICE"): "from the first minute of custody past release (RE), "
    "when the person was then let go to immigration officers, even inside a release-time limit",
    ("release_timing", "REVIEW"): "from release (RE), when custody went on past it after "
    "immigration authorities were told of the release, but nothing shows they took the person",
    (None, "RELEASE_TIME_LIMIT_EXCEEDED"): "at the end of the release-time limit, counted in "
    "elapsed hours from the bond (or from RE when the bond's instant is not given)",
    (None, "HOLD_WITHOUT_JUDICIAL_ORDER"): "from the first minute of custody past release (RE) "
    "on the detainer, until a judicial official's order to hold arrives",
    (None, "HOLD_NOT_REQUESTED"): "from the first minute of custody past release (RE), or "
    "from the detainer's receipt if that came later, while no detainer in force asks for "
    "custody; until one that does arrives, or custody ends",
    (None, "HOLD_NO_STATE_AUTHORITY"): "from the first minute of custody past release (RE) "
    "on a civil detainer, or from its receipt if that came later, until a judge's warrant "
    "arrives or custody ends",
    (None, "GONZALEZ_SETTLEMENT_HOLD_REQUEST"): "at the detainer's issue (or its receipt, if "
    "earlier), while the person stays in custody on it (an advisory)",
    (None, "STATE_REPORT_DUE"): "at a release that did not honor a detainer, excused or not: "
    "the refusal to report (an advisory; the report's due date is not computed)",
}

UNDOCUMENTED = "REVIEW: the instant is not documented for this code"


def hours(span: timedelta) -> str:
    """A duration as counsel says it: `24 hours`, `90 minutes`."""
    minutes = int(span.total_seconds()) // 60
    if minutes % 60:
        return f"{minutes} minutes"
    count = minutes // 60
    return "1 hour" if count == 1 else f"{count} hours"


def when(subject: str | None, code: str, params: Params) -> str:
    """The instant at which the engine raises `code` for a duty on `subject`."""
    text = WHEN.get((subject, code)) or WHEN.get((None, code))
    if text is None:
        return UNDOCUMENTED
    return text.format(truth_sla=hours(params.truth_sla), warning_lead=hours(params.warning_lead))
