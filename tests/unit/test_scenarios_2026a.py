"""The 2026 law updates, table-driven: the Gonzalez settlement (U02), Massachusetts under
Lunn, Connecticut's TRUST Act (U26, U27), New Hampshire from 2026 (U16, U17), over the
fixtures `tests/fixtures/scenarios/build_2026a.py` writes; and HOLD_NOT_REQUESTED in every
profile that allows a hold.

Each row is the expectation written by hand: (code, violation instant, duration in seconds
or None). Every expected finding must be present, and the violations exactly those.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.engine import Evaluation, evaluate
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.policy.ct.trust_act import TrustAct, section
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story, prior

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
Expect = tuple[str, str, int | None]
H = 3600

CASES: list[tuple[str, str, str, list[Expect]]] = [
    # U02: an advisory at the issue, lasting until the hand-over; the I-247A's window holds
    ("U02", "us-federal", "2025-09-18T00:00:00-07:00",
     [("GONZALEZ_SETTLEMENT_HOLD_REQUEST", "2025-09-15T10:00:00-07:00", 38 * H)]),
    ("U02a", "us-federal", "2025-03-06T00:00:00-07:00", []),  # the minute before it began
    ("U02b", "us-federal", "2025-03-06T00:00:00-07:00",
     [("GONZALEZ_SETTLEMENT_HOLD_REQUEST", "2025-03-04T00:00:00-07:00", 38 * H)]),
    ("U02c", "us-federal", "2025-09-18T00:00:00-07:00", []),  # an office it does not cover
    ("U02d", "us-federal", "2025-09-18T00:00:00-07:00",
     [("HOLD_NOT_REQUESTED", "2025-09-15T18:00:00-07:00", 30 * H)]),
    ("MA1", "ma-lunn", "2025-06-11T00:00:00-04:00",
     [("HOLD_NO_STATE_AUTHORITY", "2025-06-10T10:00:00-04:00", 4 * H)]),
    # fall back: 00:30 EDT to 01:30 EST is two hours
    ("MA2", "ma-lunn", "2025-11-03T00:00:00-05:00",
     [("HOLD_NO_STATE_AUTHORITY", "2025-11-02T00:30:00-04:00", 2 * H)]),
    ("MA3", "ma-lunn", "2025-06-11T00:00:00-04:00", []),  # a judge's warrant before RE
    # an I-247G asks no hold, and there is no authority to hold anyway: one finding
    ("MA4", "ma-lunn", "2025-06-11T00:00:00-04:00",
     [("HOLD_NO_STATE_AUTHORITY", "2025-06-10T10:00:00-04:00", 1 * H)]),
    ("MA5b", "ma-lunn", "2017-07-26T00:00:00-04:00",
     [("HOLD_NO_STATE_AUTHORITY", "2017-07-25T06:00:00-04:00", 1 * H)]),
    # U26: robbery 2nd (class C) qualifies only from Oct. 1, 2025
    ("U26a", "ct-trust", "2025-10-01T00:00:00-04:00",
     [("HOLD_NOT_ELIGIBLE", "2025-09-30T10:00:00-04:00", 4 * H)]),
    ("U26b", "ct-trust", "2025-10-03T00:00:00-04:00", []),
    ("U27", "ct-trust", "2025-10-16T00:00:00-04:00",
     [("HOLD_NOT_ELIGIBLE", "2025-10-15T09:00:00-04:00", 3 * H)]),
    ("CT1a", "ct-trust", "2025-10-02T00:00:00-04:00",
     [("HOLD_NOT_ELIGIBLE", "2025-09-30T23:59:00-04:00", 4 * H + 60)]),
    ("CT1b", "ct-trust", "2025-10-02T00:00:00-04:00", []),
    # 48 elapsed hours from 10:00 EDT end at 09:00 EST, 47 hours on the wall clock
    ("CT2", "ct-trust", "2025-11-04T00:00:00-05:00",
     [("HOLD_OVER_WINDOW", "2025-11-03T09:00:00-05:00", 1 * H)]),
    ("CT3", "ct-trust", "2025-06-11T00:00:00-04:00",
     [("REVIEW", "2025-06-10T10:00:00-04:00", 4 * H)]),
    ("U17a", "nh-2026", "2026-01-02T00:00:00-05:00", []),
    ("U17b", "nh-2026", "2026-01-02T00:00:00-05:00",
     [("STATE_DUTY_NOT_HONORED", "2026-01-01T00:30:00-05:00", None),
      ("STATE_REPORT_DUE", "2026-01-01T00:30:00-05:00", None)]),
    # unsafe, with the reason: no state-duty finding, but the refusal is still reported
    ("U16", "nh-2026", "2026-02-11T00:00:00-05:00",
     [("STATE_REPORT_DUE", "2026-02-10T13:00:00-05:00", None)]),
    ("U16b", "nh-2026", "2026-02-11T00:00:00-05:00",
     [("STATE_DUTY_NOT_HONORED", "2026-02-10T13:00:00-05:00", None),
      ("STATE_REPORT_DUE", "2026-02-10T13:00:00-05:00", None)]),
    ("NH1", "nh-2026", "2026-02-16T00:00:00-05:00",
     [("HOLD_OVER_WINDOW", "2026-02-15T13:00:00-05:00", 2 * H)]),
    # Columbus Day is a working day in New Hampshire: its cap ends a day before the regulation
    ("NH2", "nh-2026", "2026-10-14T00:00:00-04:00",
     [("HOLD_OVER_WINDOW", "2026-10-13T10:00:00-04:00", 2 * H)]),
    # the Day After Thanksgiving is a state holiday: the regulation ends first
    ("NH3", "nh-2026", "2026-12-01T00:00:00-05:00",
     [("HOLD_OVER_WINDOW", "2026-11-30T10:00:00-05:00", 2 * H)]),
    ("NH4", "nh-2026", "2026-11-03T00:00:00-05:00",
     [("HOLD_OVER_WINDOW", "2026-11-02T09:00:00-05:00", 1 * H)]),
    ("NH5", "nh-2026", "2026-03-03T00:00:00-05:00",
     [("HOLD_NOT_REQUESTED", "2026-03-02T09:00:00-05:00", 2 * H)]),
]  # fmt: skip

#: the version a finding names, and the evidence level of the duty behind it
VERSIONS = [
    ("U26a", "ct-trust", "2025-10-01T00:00:00-04:00", "HOLD_NOT_ELIGIBLE", "ct-trust@2019-10-01", "secondary"),
    ("U27", "ct-trust", "2025-10-16T00:00:00-04:00", "HOLD_NOT_ELIGIBLE", "ct-trust@2025-10-01", "secondary"),
    ("CT1a", "ct-trust", "2025-10-02T00:00:00-04:00", "HOLD_NOT_ELIGIBLE", "ct-trust@2019-10-01", "secondary"),
    ("U17b", "nh-2026", "2026-01-02T00:00:00-05:00", "STATE_DUTY_NOT_HONORED", "nh-2026@2026-01-01", "secondary"),
    ("MA1", "ma-lunn", "2025-06-11T00:00:00-04:00", "HOLD_NO_STATE_AUTHORITY", "ma-lunn@2017-07-24", "secondary"),
    ("U02", "us-federal", "2025-09-18T00:00:00-07:00", "GONZALEZ_SETTLEMENT_HOLD_REQUEST", "us-federal@2017-04-02", "secondary"),
    ("NH5", "nh-2026", "2026-03-03T00:00:00-05:00", "HOLD_NOT_REQUESTED", "nh-2026@2026-01-01", "secondary"),
    ("U16", "nh-2026", "2026-02-11T00:00:00-05:00", "STATE_REPORT_DUE", "nh-2026@2026-01-01", "secondary"),
]  # fmt: skip


def run(name: str, profile: str | Rulebook, as_of: str) -> list[Finding]:
    rulebook = resolve(profile) if isinstance(profile, str) else profile
    with (FIXTURES / f"{name}.jsonl").open("rb") as handle:
        return audit(handle, rulebook, datetime.fromisoformat(as_of))


@pytest.mark.parametrize(("name", "profile", "as_of", "expected"), CASES, ids=[c[0] for c in CASES])
def test_scenario(name: str, profile: str, as_of: str, expected: list[Expect]) -> None:
    findings = run(name, profile, as_of)
    got = {(f.code, f.violation_at): f for f in findings}
    for code, instant, duration in expected:
        key = (code, datetime.fromisoformat(instant))
        assert key in got, f"{name}: missing {code} at {instant}; got {sorted(got)}"
        if duration is not None:
            assert got[key].duration_seconds == duration, f"{name}: {code} duration"
    violations = {(f.code, f.violation_at) for f in findings if f.kind == "violation"}
    wanted = {(c, datetime.fromisoformat(i)) for c, i, _ in expected}
    assert violations <= wanted, f"{name}: unexpected violations {violations - wanted}"
    for f in findings:
        if f.kind != "review" or f.rule.startswith("hold"):
            assert f.evidence_level in ("verified", "secondary", "inferred"), (name, f.code)


@pytest.mark.parametrize(("name", "profile", "as_of", "code", "version", "level"), VERSIONS)
def test_a_finding_names_the_version_in_force_at_its_act(
    name: str, profile: str, as_of: str, code: str, version: str, level: str
) -> None:
    found = [f for f in run(name, profile, as_of) if f.code == code]
    assert found, f"{name}: no {code}"
    assert {(f.policy, f.evidence_level) for f in found} == {(version, level)}


@pytest.mark.parametrize(
    ("name", "profile", "as_of", "in_scope"),
    [
        ("MA5a", "ma-lunn", "2017-07-26T00:00:00-04:00", False),
        ("MA5b", "ma-lunn", "2017-07-26T00:00:00-04:00", True),
        ("U17a", "nh-2026", "2026-01-02T00:00:00-05:00", True),  # the earlier version is law
    ],
)
def test_a_booking_the_minute_before_a_law_starts_is_flagged_out_of_scope(
    name: str, profile: str, as_of: str, in_scope: bool
) -> None:
    scope = [f for f in run(name, profile, as_of) if f.rule == "scope"]
    assert (not scope) is in_scope


@pytest.mark.parametrize(
    ("name", "as_of", "bound", "citation"),
    [
        ("NH1", "2026-02-16T00:00:00-05:00", "the I-247A asks for at most 48 hours", "I-247A"),
        ("NH2", "2026-10-14T00:00:00-04:00", "New Hampshire's cap of 48 hours", "RSA 30-B:1"),
        ("NH3", "2026-12-01T00:00:00-05:00", "the regulation's 48 hours", "8 C.F.R."),
    ],
)
def test_new_hampshire_says_which_limit_bound(
    name: str, as_of: str, bound: str, citation: str
) -> None:
    (over,) = [f for f in run(name, "nh-2026", as_of) if f.code == "HOLD_OVER_WINDOW"]
    assert citation in over.citation
    first = over.explanation.split("so the hold had to end by")[0]
    if name == "NH1":
        assert f"{bound} beyond release, counted in elapsed time, the binding limit" in first
        assert "Wed 18 Feb 2026 13:00 EST" in first  # where the cap and regulation would end
    elif name == "NH2":
        assert first.index(bound) < first.index("(before the form's window)")
        assert "earlier than the regulation's" in first
    else:
        assert "the I-247 asks for at most 48 hours excluding" in first
        assert f"the binding limit ({bound}" in first and ": the same instant)" in first


def test_the_new_hampshire_cap_does_not_apply_before_2026() -> None:
    """The same Columbus Day hold in 2025, under the earlier version: the form's window."""
    s = Story(agency="hcdoc", booking="NH0", zone="America/New_York")
    s.booked("2025-10-09T08:00:00-04:00").detainer("2025-10-09T12:00:00-04:00", form="I-247")
    s.eligible("2025-10-10T10:00:00-04:00", "charges_dropped")
    s.released("2025-10-14T12:00:00-04:00", to="ice")
    found = evaluate_story(s, "nh-2026", "2025-10-16T00:00:00-04:00").findings
    assert not [f for f in found if f.code == "HOLD_OVER_WINDOW"]
    assert {f.policy for f in found if f.rule.startswith("hold")} <= {"nh-2026@2017-04-02"}


def test_the_settlement_s_dates_and_offices_are_parameters() -> None:
    base = resolve("us-federal")
    params = base.profile.params
    phoenix = replace(
        base,
        profile=replace(
            base.profile, params=replace(params, gonzalez_settlement_offices=("ERO Phoenix",))
        ),
    )
    code = "GONZALEZ_SETTLEMENT_HOLD_REQUEST"
    assert [f.code for f in run("U02c", phoenix, "2025-09-18T00:00:00-07:00")] == [code]
    assert not run("U02", phoenix, "2025-09-18T00:00:00-07:00")
    ended = replace(
        base,
        profile=replace(
            base.profile, params=replace(params, gonzalez_settlement_to=date(2025, 9, 15))
        ),
    )
    assert not run("U02", ended, "2025-09-18T00:00:00-07:00")
    (advisory,) = run("U02", base, "2025-09-18T00:00:00-07:00")
    assert (advisory.kind, advisory.severity) == ("advisory", "high")
    assert "Form I-247G" in advisory.explanation and "California" not in advisory.explanation


@pytest.mark.parametrize(
    ("profile", "flagged"),
    [
        ("us-federal", True),
        ("tx-sb4", True),
        ("nh-2026", True),
        ("ca-sb54", False),
        ("ma-lunn", False),
    ],
)
def test_the_settlement_advisory_only_where_a_hold_could_be_lawful(
    profile: str, flagged: bool
) -> None:
    """Where the law bars the hold, a hold on the request is that finding; no other."""
    found = run("U02", profile, "2025-09-18T00:00:00-07:00")
    assert any(f.code == "GONZALEZ_SETTLEMENT_HOLD_REQUEST" for f in found) is flagged


def evaluate_story(story: Story, profile: str, as_of: str) -> Evaluation:
    events = [parse_event(line) for line in story.jsonl().splitlines()]
    return evaluate(fold(events), resolve(profile), datetime.fromisoformat(as_of))


def database_only(office: str, issued: str) -> Story:
    s = Story(agency="hcdoc", booking="G1", zone="America/New_York")
    s.booked(issued.replace("T09", "T01"))
    return s.detainer(issued, pc=("biometric_database",), office=office, issued_at=issued)


@pytest.mark.parametrize(
    ("office", "issued", "kind", "severity", "words"),
    [
        ("ERO Boston", "2026-01-05T09:00:00-05:00", "advisory", "info", "never reached this office"),
        ("PERC", "2021-01-05T09:00:00-05:00", "advisory", "warning", "outside the dates"),
        ("PERC", "2020-01-06T09:00:00-05:00", "violation", "high", "enjoined"),
    ],
)  # fmt: skip
def test_the_database_only_advisory_says_where_the_detainer_came_from(
    office: str, issued: str, kind: str, severity: str, words: str
) -> None:
    found = evaluate_story(database_only(office, issued), "us-federal", "2026-06-01T00:00:00-04:00")
    (g,) = [f for f in found.findings if f.code == "GONZALEZ_DB_ONLY"]
    assert (g.kind, g.severity) == (kind, severity)
    assert words in g.explanation and office in g.explanation


def test_a_database_only_hold_request_from_a_covered_office_raises_both() -> None:
    found = evaluate_story(
        database_only("PERC", "2026-01-05T09:00:00-05:00"),
        "us-federal",
        "2026-01-06T00:00:00-05:00",
    )
    assert {f.code for f in found.findings} >= {
        "GONZALEZ_DB_ONLY",
        "GONZALEZ_SETTLEMENT_HOLD_REQUEST",
    }


# --- HOLD_NOT_REQUESTED across profiles ------------------------------------------------

RE = "2026-03-02T09:00:00-05:00"


def asked_for(*detainers: dict[str, object], release: str = "2026-03-02T11:00:00-05:00") -> Story:
    """Booked, the detainers (`at` relative hours before RE), RE, custody until `release`."""
    s = Story(agency="x", booking="HNR", zone="America/New_York")
    s.booked("2026-03-01T08:00:00-05:00")
    for i, d in enumerate(detainers, 1):
        extra = {k: v for k, v in d.items() if k not in ("at", "cancel")}
        s.detainer(str(d["at"]), f"D{i}", **extra)  # type: ignore[arg-type]
        if "cancel" in d:
            s.cancelled(str(d["cancel"]), f"D{i}")
    s.eligible(RE, "charges_dropped")
    return s.released(release, to="ice")


G = {"at": "2026-03-01T12:00:00-05:00", "form": "I-247G"}
N = {"at": "2026-03-01T12:00:00-05:00", "form": "I-247N"}
NOTICE_BOX = {"at": "2026-03-01T12:00:00-05:00", "form": "I-247A", "requests": ["notify"]}


@pytest.mark.parametrize(
    ("profile", "code"),
    [
        ("us-federal", "HOLD_NOT_REQUESTED"),
        ("us-federal-legacy", "HOLD_NOT_REQUESTED"),
        ("tx-sb4", "HOLD_NOT_REQUESTED"),  # the state duty to honor asks no more than the form
        ("nj-itd", "HOLD_NOT_REQUESTED"),
        ("ct-trust", "HOLD_NOT_REQUESTED"),
        ("nh-2026", "HOLD_NOT_REQUESTED"),
        ("ca-cdcr", "HOLD_NOT_REQUESTED"),
        ("ca-sb54", "HOLD_BARRED"),  # the state bars the hold itself: one act, one finding
        ("wa-kww", "HOLD_BARRED"),
        ("il-trust", "HOLD_BARRED"),
        ("ma-lunn", "HOLD_NO_STATE_AUTHORITY"),
    ],
)
@pytest.mark.parametrize("detainer", [G, N, NOTICE_BOX], ids=["I-247G", "I-247N", "notice box"])
def test_a_hold_no_detainer_asked_for(profile: str, code: str, detainer: dict[str, object]) -> None:
    found = evaluate_story(asked_for(detainer), profile, "2026-03-03T00:00:00-05:00").findings
    holds = [f for f in found if f.rule.startswith("hold") and f.kind == "violation"]
    assert [(f.code, f.violation_at, f.duration_seconds) for f in holds] == [
        (code, datetime.fromisoformat(RE), 2 * H)
    ]
    assert holds[0].evidence_level in ("verified", "secondary", "inferred")


def test_a_custody_request_arriving_during_the_hold_ends_the_unrequested_part() -> None:
    """An I-247N, then an I-247A an hour after RE: unrequested for that hour, then within
    the I-247A's window (counted from RE)."""
    story = asked_for(N, {"at": "2026-03-02T10:00:00-05:00"}, release="2026-03-02T12:00:00-05:00")
    found = evaluate_story(story, "us-federal", "2026-03-03T00:00:00-05:00").findings
    holds = [f for f in found if f.rule.startswith("hold")]
    assert [(f.code, f.violation_at, f.duration_seconds) for f in holds] == [
        ("HOLD_NOT_REQUESTED", datetime.fromisoformat(RE), 1 * H)
    ]
    assert "(receipt of detainer D2, asking it)" in holds[0].explanation


def test_a_cancelled_custody_request_leaves_the_notice_request_alone() -> None:
    """The I-247A was cancelled before RE; only the I-247N is in force at release."""
    asked = {"at": "2026-03-01T12:00:00-05:00", "cancel": "2026-03-02T08:00:00-05:00"}
    found = evaluate_story(asked_for(asked, N), "us-federal", "2026-03-03T00:00:00-05:00")
    holds = [f for f in found.findings if f.rule.startswith("hold")]
    assert [f.code for f in holds] == ["HOLD_NOT_REQUESTED"]


def test_a_scheduled_release_on_a_notice_request_is_the_hold_s_deadline() -> None:
    s = Story(agency="x", booking="HNR", zone="America/New_York")
    s.booked("2026-03-01T08:00:00-05:00").detainer("2026-03-01T12:00:00-05:00", form="I-247G")
    s.add("release.scheduled", "2026-03-01T13:00:00-05:00", {"expected_at": RE})
    deadline = evaluate_story(s, "us-federal", "2026-03-01T14:00:00-05:00").next_deadline
    assert deadline is not None
    assert (deadline.code, deadline.at, deadline.hold) == (
        "HOLD_NOT_REQUESTED",
        datetime.fromisoformat(RE),
        True,
    )


@pytest.mark.parametrize(
    ("notified", "unmet"),
    [(True, None), (False, "notify ICE before release (detainer D1)")],
)
def test_texas_honors_an_i247g_by_the_notice_it_asks_for(notified: bool, unmet: str | None) -> None:
    s = Story(agency="hcso", booking="TXG", zone="America/Chicago")
    s.booked("2026-03-01T08:00:00-06:00").detainer("2026-03-01T12:00:00-06:00", form="I-247G")
    if notified:
        s.notified("2026-03-02T08:00:00-06:00")
    s.eligible("2026-03-02T09:00:00-06:00", "charges_dropped")
    s.released("2026-03-02T09:00:00-06:00")
    found = evaluate_story(s, "tx-sb4", "2026-03-03T00:00:00-06:00").findings
    duty = [f for f in found if f.code == "STATE_DUTY_NOT_HONORED"]
    if unmet is None:
        assert not duty
    else:
        (f,) = duty
        assert unmet in f.explanation and "keep custody" not in f.explanation
    assert not [f for f in found if f.rule.startswith("hold")]


def test_connecticut_reads_a_felony_s_class_from_its_section() -> None:
    assert section("C.G.S. §53a-134(a)(4)") == "53a-134"
    assert section("Conn. Gen. Stat. § 53-21") == "53-21"
    s = Story(agency="hcc", booking="CTX", zone="America/New_York")
    s.booked("2025-06-01T08:00:00-04:00", priors=[prior("53a-134", "felony", "2030-01-01")])
    state = fold([parse_event(line) for line in s.jsonl().splitlines()])
    # a conviction after the hold's day does not count
    assert TrustAct().met(state, date(2025, 6, 2)).eligible is False


def test_before_hb_511_a_release_is_no_refusal_of_new_hampshire_law() -> None:
    """U17 person A: released at 23:30 on Dec. 31, 2025, with nothing state law then asked."""
    found = run("U17a", "nh-2026", "2026-01-02T00:00:00-05:00")
    assert not [f for f in found if f.code in ("STATE_DUTY_NOT_HONORED", "STATE_REPORT_DUE")]
    after = run("U17b", "nh-2026", "2026-01-02T00:00:00-05:00")
    (duty,) = [f for f in after if f.code == "STATE_DUTY_NOT_HONORED"]
    assert "if it was safe to do so" in duty.explanation
    assert "keep custody until Sat 03 Jan 2026 00:30 EST" in duty.explanation
