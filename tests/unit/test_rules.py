"""Rules beyond the rulebook's scenarios, table-driven: each row is a small story and the
(code, local instant) findings the law gives for it, or the codes that must NOT appear."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story, prior

T = "2025-06-{:02d}T{}:00-07:00"


def base(**booked: object) -> Story:
    s = Story(booking="R1")
    s.booked(T.format(1, "20:00"), **booked)  # type: ignore[arg-type]
    return s


def eligible_transfer(priors: list[dict[str, object]] | None = None, **kw: object) -> Story:
    s = base(priors=priors or [], **kw)
    s.detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"), comply=True)
    s.eligible(T.format(3, "10:00"), "sentence_served")
    return s.released(T.format(3, "10:00"), to="ice")


def run(story: Story, profile: str, as_of: str = "2025-06-30T00:00:00-07:00") -> list[Finding]:
    events = [parse_event(story_line) for story_line in story.jsonl().splitlines()]
    return list(evaluate(fold(events), resolve(profile), datetime.fromisoformat(as_of)).findings)


def codes(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.violation_at.isoformat()) for f in findings}


Build = Callable[[], Story]
CASES: list[tuple[str, Build, str, set[tuple[str, str]], set[str]]] = [
    # §7282.5(a)(3): felony theft within 15 years unlocks transfer
    ("felony 487 in lookback", lambda: eligible_transfer([prior("PC 487", "felony", "2015-01-01")]),
     "ca-sb54", set(), {"TRANSFER_UNAUTHORIZED", "REVIEW"}),
    # ...16 years back only (a)(2) could apply, and for a PC 1170(h) felony that is unsettled
    ("felony 487(a) outside lookback", lambda: eligible_transfer([prior("PC 487(a)", "felony", "2009-01-01")]),
     "ca-sb54", {("REVIEW", "2025-06-03T10:00:00-07:00")}, {"TRANSFER_UNAUTHORIZED"}),
    # a misdemeanor wobbler older than 5 years does not qualify
    ("misdemeanor wobbler outside lookback",
     lambda: eligible_transfer([prior("PC 273.5", "misdemeanor", "2018-01-01")]),
     "ca-sb54", {("TRANSFER_UNAUTHORIZED", "2025-06-03T10:00:00-07:00")}, set()),
    # the 15-year anniversary is ambiguous: REVIEW, not a guess
    ("lookback anniversary", lambda: eligible_transfer([prior("PC 273.5", "misdemeanor", "2020-06-03")]),
     "ca-sb54", {("REVIEW", "2025-06-03T10:00:00-07:00")}, {"TRANSFER_UNAUTHORIZED"}),
    # misdemeanor wobbler within 5 years qualifies
    ("misdemeanor wobbler 273.5", lambda: eligible_transfer([prior("PC 273.5", "misdemeanor", "2022-01-01")]),
     "ca-sb54", set(), {"TRANSFER_UNAUTHORIZED"}),
    # Prop 47 misdemeanor never supports cooperation (§7282.5(a)(6))
    ("prop 47 possession", lambda: eligible_transfer([prior("HS 11350", "misdemeanor", "2024-01-01")]),
     "ca-sb54", {("TRANSFER_UNAUTHORIZED", "2025-06-03T10:00:00-07:00")}, set()),
    # serious felony: no lookback
    ("robbery 1990", lambda: eligible_transfer([prior("PC 211", "felony", "1990-01-01")]),
     "ca-sb54", set(), {"TRANSFER_UNAUTHORIZED"}),
    # current registrant (§7282.5(a)(4))
    ("registrant", lambda: eligible_transfer(registrant=True), "ca-sb54", set(), {"TRANSFER_UNAUTHORIZED"}),
    # categories on the event override the table
    ("event categories", lambda: eligible_transfer([prior("XX 1", "felony", "2020-01-01", ["violent_felony"])]),
     "ca-sb54", set(), {"TRANSFER_UNAUTHORIZED", "REVIEW"}),
    # a conviction the table cannot classify is a REVIEW, never a silent guess
    ("unclassified conviction", lambda: eligible_transfer([prior("PC 99999", "felony", "2020-01-01")]),
     "ca-sb54", {("REVIEW", "2025-06-02T08:00:00-07:00"), ("REVIEW", "2025-06-03T10:00:00-07:00")},
     {"TRANSFER_UNAUTHORIZED"}),
    # LASD overlay: eligible under state law, but local policy needs a judicial warrant
    ("lasd overlay transfer", lambda: eligible_transfer([prior("PC 211", "felony", "1990-01-01")]),
     "ca-sb54+lasd-2020", {("TRANSFER_UNAUTHORIZED", "2025-06-03T10:00:00-07:00")}, set()),
    # a judicial warrant satisfies the overlay and the state
    ("judicial warrant transfer",
     lambda: eligible_transfer().warrant(T.format(3, "09:00"), "judicial_criminal_immigration"),
     "ca-sb54+lasd-2020", set(), {"TRANSFER_UNAUTHORIZED"}),
    # an administrative warrant is never a judicial warrant (§7284.4(i))
    ("admin warrant transfer",
     lambda: eligible_transfer().warrant(T.format(2, "09:00"), "administrative", form="I-200"),
     "ca-sb54", {("TRANSFER_UNAUTHORIZED", "2025-06-03T10:00:00-07:00")}, set()),
    # federal: an I-247N asks for notice only, so any hold past RE is one no one requested
    ("I-247N hold", lambda: (base().detainer(T.format(2, "08:00"), form="I-247N")
                             .eligible(T.format(3, "10:00")).released(T.format(3, "12:00"), to="ice")),
     "us-federal", {("HOLD_NOT_REQUESTED", "2025-06-03T10:00:00-07:00")}, {"HOLD_OVER_WINDOW"}),
    # I-247D: the counting rule is unverified; between the two readings a person decides
    ("I-247D between readings", lambda: (base().detainer(T.format(2, "08:00"), form="I-247D")
                                         .eligible(T.format(6, "10:00"))  # Friday
                                         .released(T.format(8, "12:00"), to="ice")),  # Sunday
     "us-federal", {("REVIEW", "2025-06-08T10:00:00-07:00")}, {"HOLD_OVER_WINDOW"}),
    # Gonzalez: database-only detainer from the Central District inside the injunction window
    ("gonzalez enjoined", lambda: Story(booking="G1").booked("2020-03-01T20:00:00-08:00")
     .detainer("2020-03-02T08:00:00-08:00", pc=("biometric_database",), office="PERC",
               issued_at="2020-03-02T07:00:00-08:00"),
     "us-federal", set(), set()),
    # interviews need the written consent form first (§7283.1(a))
    ("interview no form", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .interview(T.format(2, "14:00"), form=False, consented=True),
     "ca-sb54", {("TRUTH_INTERVIEW_NO_CONSENT", "2025-06-02T14:00:00-07:00")}, set()),
    ("interview with consent", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .interview(T.format(2, "14:00"), form=True, consented=True),
     "ca-sb54", set(), {"TRUTH_INTERVIEW_NO_CONSENT", "TRUTH_COPY_MISSING"}),
    # WSO arrest: barred program and a civil-warrant arrest
    ("wso arrest", lambda: base().wso(T.format(2, "09:00"), "arrest", subject="R1"),
     "ca-sb54", {("WSO_287G_BARRED", "2025-06-02T09:00:00-07:00"),
                 ("CIVIL_WARRANT_ARREST", "2025-06-02T09:00:00-07:00")}, set()),
    ("wso lawful in texas", lambda: base().wso(T.format(2, "09:00"), "agreement_signed", subject="R1"),
     "tx-sb4", set(), {"WSO_287G_BARRED"}),
    # criminal history may be shared (§7284.6(b)(2)); personal information may not ((a)(1)(D))
    ("criminal history ok", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .notified(T.format(2, "12:00"), information="criminal_history"),
     "ca-sb54", set(), {"NOTIFY_UNAUTHORIZED"}),
    ("personal info barred", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .notified(T.format(2, "12:00"), information="personal_information"),
     "ca-sb54", {("NOTIFY_UNAUTHORIZED", "2025-06-02T12:00:00-07:00")}, set()),
    # Texas: proof of citizenship ends the duty to honor (art. 2.251(b))
    ("texas citizen released", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .claim(T.format(2, "09:00"), evidence="birth certificate").eligible(T.format(3, "10:00"))
     .released(T.format(3, "10:00")),
     "tx-sb4", set(), {"STATE_DUTY_NOT_HONORED"}),
    # a new local basis ends the hold: no finding after revocation
    ("revoked eligibility", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .eligible(T.format(3, "10:00")).revoked(T.format(3, "10:00")).released(T.format(9, "10:00")),
     "ca-sb54", set(), {"HOLD_BARRED"}),
    # still held at as_of: HOLD_BARRED is open with no end
    ("ongoing hold", lambda: base().detainer(T.format(2, "08:00")).copy(T.format(2, "08:30"))
     .eligible(T.format(3, "10:00")),
     "ca-sb54", {("HOLD_BARRED", "2025-06-03T10:00:00-07:00")}, set()),
    # the TRUTH Act did not exist in 2015
    ("truth not yet operative", lambda: Story(booking="R9").booked("2015-06-01T20:00:00-07:00")
     .detainer("2015-06-02T08:00:00-07:00").notified("2015-06-03T08:00:00-07:00")
     .eligible("2015-06-04T10:00:00-07:00").released("2015-06-04T10:00:00-07:00"),
     "ca-trust-2014", set(), {"TRUTH_COPY_MISSING", "TRUTH_RELEASE_NOTICE_MISSING", "NOTIFY_UNAUTHORIZED"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "build", "profile", "expected", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_rule(
    case: str, build: Build, profile: str, expected: set[tuple[str, str]], absent: set[str]
) -> None:
    findings = run(build(), profile)
    got = codes(findings)
    assert expected <= got, f"{case}: missing {expected - got}; got {sorted(got)}"
    assert not absent & {f.code for f in findings}, f"{case}: unexpected {sorted(got)}"


def test_gonzalez_violation_inside_the_injunction_window() -> None:
    story = Story(booking="G1").booked("2020-03-01T20:00:00-08:00")
    story.detainer(
        "2020-03-02T08:00:00-08:00",
        pc=("biometric_database",),
        office="PERC",
        issued_at="2020-03-02T07:00:00-08:00",
    )
    (g,) = [
        f
        for f in run(story, "us-federal", "2020-03-03T00:00:00-08:00")
        if f.code == "GONZALEZ_DB_ONLY"
    ]
    assert (g.kind, g.severity) == ("violation", "high")
    outside = Story(booking="G2").booked("2021-03-01T20:00:00-08:00")
    outside.detainer("2021-03-02T08:00:00-08:00", pc=("biometric_database",), office="PERC")
    (a,) = [
        f
        for f in run(outside, "us-federal", "2021-03-03T00:00:00-08:00")
        if f.code == "GONZALEZ_DB_ONLY"
    ]
    assert a.kind == "advisory"


def test_lasd_overlay_is_inert_before_its_effective_date() -> None:
    story = Story(booking="L1").booked(
        "2019-06-01T20:00:00-07:00", priors=[prior("PC 211", "felony", "1990-01-01")]
    )
    story.detainer("2019-06-02T08:00:00-07:00").copy("2019-06-02T08:30:00-07:00")
    story.eligible("2019-06-03T10:00:00-07:00").released("2019-06-03T10:00:00-07:00", to="ice")
    assert "TRANSFER_UNAUTHORIZED" not in {
        f.code for f in run(story, "ca-sb54+lasd-2020", "2019-07-01T00:00:00-07:00")
    }


def test_local_overlay_finding_names_the_local_policy() -> None:
    findings = run(
        eligible_transfer([prior("PC 211", "felony", "1990-01-01")]), "ca-sb54+lasd-2020"
    )
    (t,) = [f for f in findings if f.code == "TRANSFER_UNAUTHORIZED"]
    assert t.policy == "lasd-2020@2020-04-24"
    assert "LASD" in t.citation


def test_ongoing_hold_is_open_and_has_no_end() -> None:
    story = (
        base()
        .detainer(T.format(2, "08:00"))
        .copy(T.format(2, "08:30"))
        .eligible(T.format(3, "10:00"))
    )
    (hold,) = [f for f in run(story, "ca-sb54") if f.code == "HOLD_BARRED"]
    assert hold.status == "open"
    assert hold.ended_at is None
    assert hold.duration_seconds is None


def test_finding_ids_are_stable_across_evaluation_instants() -> None:
    story = (
        base()
        .detainer(T.format(2, "08:00"))
        .copy(T.format(2, "08:30"))
        .eligible(T.format(3, "10:00"))
    )
    early = {f.code: f.finding_id for f in run(story, "ca-sb54", "2025-06-03T12:00:00-07:00")}
    story.released(T.format(3, "18:00"))
    late = {f.code: f.finding_id for f in run(story, "ca-sb54", "2025-06-04T00:00:00-07:00")}
    assert early["HOLD_BARRED"] == late["HOLD_BARRED"]


def test_us_federal_hold_deadline_is_reported_for_live_timers() -> None:
    story = Story(booking="F1").booked("2025-03-06T20:00:00-08:00")
    story.detainer("2025-03-07T08:00:00-08:00").eligible("2025-03-08T22:00:00-08:00")
    events = [parse_event(line) for line in story.jsonl().splitlines()]
    result = evaluate(
        fold(events), resolve("us-federal"), datetime.fromisoformat("2025-03-09T12:00:00-07:00")
    )
    deadline = result.next_deadline
    assert deadline is not None
    assert deadline.code == "HOLD_OVER_WINDOW"
    assert deadline.hold
    assert deadline.at == datetime.fromisoformat("2025-03-10T23:00:00-07:00")
