"""The legal scenarios S01 to S40, table-driven over the JSONL fixtures in tests/fixtures/scenarios.

Each row is the rulebook's expectation, written by hand: (code, violation instant,
duration in seconds or None when the rulebook gives none). Every expected finding must be
present, and the set of *violation* findings must be exactly the expected ones, so a rule
that fires where the law does not is caught too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.domain.findings import Finding
from holdwatch.policy.registry import resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"

Expect = tuple[str, str, int | None]
H = 3600

CASES: list[tuple[str, str, str, list[Expect]]] = [
    (
        "S01", "ca-sb54", "2025-04-10T00:00:00-07:00",
        [
            ("GONZALEZ_DB_ONLY", "2025-04-08T09:40:00-07:00", None),
            ("NOTIFY_UNAUTHORIZED", "2025-04-09T12:40:00-07:00", None),
            ("HOLD_BARRED", "2025-04-09T13:00:00-07:00", 6 * H + 30 * 60),
            ("TRANSFER_UNAUTHORIZED", "2025-04-09T19:30:00-07:00", None),
            # §7283.1(b): ICE was told the release date and the person was not (hard instant).
            ("TRUTH_RELEASE_NOTICE_MISSING", "2025-04-09T19:30:00-07:00", None),
            # the agency said "will not comply", then notified ICE
            ("REVIEW", "2025-04-09T12:40:00-07:00", None),
        ],
    ),
    (
        "S03", "ca-sb54", "2025-05-14T00:00:00-07:00",
        [
            ("NOTIFY_UNAUTHORIZED", "2025-05-12T14:20:00-07:00", None),
            ("TRUTH_RELEASE_NOTICE_MISSING", "2025-05-13T09:00:00-07:00", None),
        ],
    ),
    (
        "S05", "ca-sb54", "2025-07-22T00:00:00-07:00",
        [("TRANSFER_UNAUTHORIZED", "2025-07-21T10:00:00-07:00", None)],
    ),
    (
        "S07", "ca-sb54", "2025-08-07T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2025-08-06T15:00:00-07:00", 40 * 60),
            ("TRANSFER_ON_7282_5B_ONLY", "2025-08-06T15:40:00-07:00", None),
        ],
    ),
    (
        "S09", "ca-sb54", "2025-09-11T00:00:00-07:00",
        [("HOLD_BARRED", "2025-09-10T10:00:00-07:00", 6 * H + 30 * 60)],
    ),
    (
        "S11", "ca-sb54", "2025-02-05T00:00:00-08:00",
        [
            ("GONZALEZ_DB_ONLY", "2025-02-03T10:00:00-08:00", None),
            ("USC_CLAIM", "2025-02-03T10:30:00-08:00", None),
            ("HOLD_BARRED", "2025-02-04T16:00:00-08:00", 4 * H),
            ("TRANSFER_UNAUTHORIZED", "2025-02-04T20:00:00-08:00", None),
        ],
    ),
    (
        "S12", "ca-sb54", "2025-03-08T00:00:00-08:00",
        [
            ("TRUTH_COPY_MISSING", "2025-03-04T14:10:00-08:00", None),  # soft (policy)
            ("TRUTH_COPY_MISSING", "2025-03-05T11:00:00-08:00", None),  # hard
            ("TRUTH_RELEASE_NOTICE_MISSING", "2025-03-06T11:00:00-08:00", None),  # soft
            ("TRUTH_RELEASE_NOTICE_MISSING", "2025-03-07T06:00:00-08:00", None),  # hard
        ],
    ),
    (
        "S15", "ca-sb54", "2025-03-10T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2025-03-09T01:30:00-08:00", 3 * H),
            ("TRANSFER_UNAUTHORIZED", "2025-03-09T05:30:00-07:00", None),
        ],
    ),
    ("S17a", "us-federal", "2025-03-12T00:00:00-07:00", []),
    (
        "S17b", "us-federal", "2025-03-12T00:00:00-07:00",
        [("HOLD_OVER_WINDOW", "2025-03-10T23:00:00-07:00", 30 * 60)],
    ),
    (
        "S19", "ca-cdcr", "2025-07-06T00:00:00-07:00",
        [("HOLD_OVER_WINDOW", "2025-07-05T08:00:00-07:00", 2 * H)],
    ),
    (
        "S20", "us-federal-legacy", "2013-12-04T00:00:00-08:00",
        [("HOLD_OVER_WINDOW", "2013-12-02T15:00:00-08:00", 3 * H)],
    ),
    (
        "S22", "ca-trust-2014", "2015-05-27T00:00:00-07:00",
        [("HOLD_NOT_ELIGIBLE", "2015-05-22T16:00:00-07:00", 90 * H)],
    ),
    (
        "S23", "tx-sb4", "2025-09-13T00:00:00-05:00",
        [("STATE_DUTY_NOT_HONORED", "2025-09-12T11:30:00-05:00", None)],
    ),
    (
        "S25", "tx-sb4", "2025-12-27T00:00:00-06:00",
        [("HOLD_OVER_WINDOW", "2025-12-26T17:00:00-06:00", 3 * H)],
    ),
    (
        "S35", "ca-sb54", "2025-02-04T00:00:00-08:00",
        [
            ("DATA_QUALITY", "2025-02-01T22:00:00-08:00", None),
            ("NOTIFY_UNAUTHORIZED", "2025-02-03T11:45:00-08:00", None),
        ],
    ),
    (
        "S36", "ca-sb54", "2025-07-15T12:00:00-07:00",
        [("GONZALEZ_DB_ONLY", "2025-07-14T03:05:00-07:00", None)],
    ),
    (
        "S38", "us-federal", "2025-08-02T00:00:00-07:00",
        [("HOLD_AFTER_CANCEL", "2025-08-01T11:00:00-07:00", 4 * H)],
    ),
    (
        "S38", "ca-sb54", "2025-08-02T00:00:00-07:00",
        [("HOLD_BARRED", "2025-08-01T09:00:00-07:00", 6 * H)],
    ),
    (
        "S39", "ca-sb54", "2025-04-22T00:00:00-07:00",
        [
            ("HOLD_BARRED", "2025-04-21T10:50:00-07:00", 5 * H + 40 * 60),
            ("TRANSFER_UNAUTHORIZED", "2025-04-21T16:30:00-07:00", None),
        ],
    ),
    (
        "S40", "ca-sb54", "2025-06-05T00:00:00-07:00",
        [("HOLD_BARRED", "2025-06-03T11:00:00-07:00", 22 * H)],
    ),
    # Texas across SB 8's start (2026-01-01 00:00 CST): the hold is judged at its start
    (
        "TX8a", "tx-sb4", "2026-01-04T00:00:00-06:00",
        [("HOLD_OVER_WINDOW", "2026-01-02T23:59:00-06:00", 9 * H + 60)],
    ),
    (
        "TX8b", "tx-sb4", "2026-01-04T00:00:00-06:00",
        [("HOLD_OVER_WINDOW", "2026-01-03T00:00:00-06:00", 9 * H)],
    ),
    (
        "TX8c", "tx-sb4", "2026-01-02T00:00:00-06:00",
        [("STATE_DUTY_NOT_HONORED", "2025-12-31T23:59:00-06:00", None)],
    ),
    (
        "TX8d", "tx-sb4", "2026-01-02T00:00:00-06:00",
        [("STATE_DUTY_NOT_HONORED", "2026-01-01T00:00:00-06:00", None)],
    ),
    # Washington (Keep Washington Working): holds barred; release dates, hand-overs, 287(g)
    (
        "WA1", "wa-kww", "2025-03-06T00:00:00-08:00",
        [
            ("WSO_287G_BARRED", "2025-03-04T09:00:00-08:00", None),
            ("NOTIFY_UNAUTHORIZED", "2025-03-05T09:00:00-08:00", None),
            ("HOLD_BARRED", "2025-03-05T10:00:00-08:00", 4 * H),
            ("TRANSFER_UNAUTHORIZED", "2025-03-05T14:00:00-08:00", None),
        ],
    ),
    ("WA2", "wa-kww", "2025-11-03T00:00:00-08:00", [("HOLD_BARRED", "2025-11-02T00:30:00-07:00", 2 * H)]),
    (
        "WA3a", "wa-kww", "2019-05-23T00:00:00-07:00",
        [
            ("REVIEW", "2019-05-20T23:59:00-07:00", None),  # booked before the Act
            ("HOLD_BARRED", "2019-05-22T05:59:00-07:00", H + 60),
        ],
    ),
    ("WA3b", "wa-kww", "2019-05-23T00:00:00-07:00", [("HOLD_BARRED", "2019-05-22T06:00:00-07:00", H)]),
    # Oregon (Sanctuary Promise); OR1 across the spring-forward night
    (
        "OR1", "or-sanctuary", "2026-03-09T00:00:00-07:00",
        [
            ("NOTIFY_UNAUTHORIZED", "2026-03-07T12:00:00-08:00", None),
            ("HOLD_BARRED", "2026-03-08T01:30:00-08:00", H),
            ("TRANSFER_UNAUTHORIZED", "2026-03-08T03:30:00-07:00", None),
        ],
    ),
    (
        "OR2a", "or-sanctuary", "2021-07-21T00:00:00-07:00",
        [
            ("REVIEW", "2021-07-18T23:59:00-07:00", None),
            ("HOLD_BARRED", "2021-07-20T05:59:00-07:00", H + 60),
        ],
    ),
    ("OR2b", "or-sanctuary", "2021-07-21T00:00:00-07:00", [("HOLD_BARRED", "2021-07-20T06:00:00-07:00", H)]),
    ("OR3", "or-sanctuary", "2025-05-07T00:00:00-07:00", []),  # a federal judge's warrant
    # Illinois (TRUST Act, Way Forward Act) and Cook County
    ("IL29", "il-trust", "2025-05-07T00:00:00-05:00", []),  # scenario S29
    (
        "IL22", "il-trust+cook-county", "2026-01-13T00:00:00-06:00",
        [
            ("HOLD_BARRED", "2026-01-12T11:00:00-06:00", 20 * 60),
            ("TRANSFER_UNAUTHORIZED", "2026-01-12T11:20:00-06:00", None),
        ],
    ),
    ("IL23", "il-trust+cook-county", "2026-02-05T00:00:00-06:00", [("NOTIFY_UNAUTHORIZED", "2026-02-03T10:05:00-06:00", None)]),
    ("IL2", "il-trust", "2025-11-03T00:00:00-06:00", [("HOLD_BARRED", "2025-11-02T00:30:00-05:00", 2 * H)]),
    ("IL4a", "il-trust", "2022-01-03T00:00:00-06:00", []),  # told the minute before 2022
    ("IL4b", "il-trust", "2022-01-03T00:00:00-06:00", [("NOTIFY_UNAUTHORIZED", "2022-01-01T00:00:00-06:00", None)]),
    ("IL5a", "il-trust", "2022-01-03T00:00:00-06:00", []),
    ("IL5b", "il-trust", "2022-01-03T00:00:00-06:00", [("WSO_287G_BARRED", "2022-01-01T00:00:00-06:00", None)]),
    # New Jersey (Immigrant Trust Directive), scenario S30 and variants
    ("NJ30", "nj-itd", "2025-06-12T00:00:00-04:00", [("HOLD_OVER_WINDOW", "2025-06-11T00:00:00-04:00", H)]),
    ("NJ30b", "nj-itd", "2025-06-12T00:00:00-04:00", [("HOLD_OVER_WINDOW", "2025-06-11T00:00:00-04:00", H)]),
    ("NJ30c", "nj-itd", "2025-06-12T00:00:00-04:00", [("HOLD_NOT_ELIGIBLE", "2025-06-10T15:00:00-04:00", 10 * H)]),
    ("NJ30d", "nj-itd", "2025-06-12T00:00:00-04:00", [("REVIEW", "2025-06-10T15:00:00-04:00", None)]),
    ("NJ31", "nj-itd", "2025-11-03T00:00:00-05:00", [("HOLD_OVER_WINDOW", "2025-11-02T00:00:00-04:00", 2 * H + 30 * 60)]),
    (
        "NJ32a", "nj-itd", "2018-12-01T00:00:00-05:00",
        [
            ("REVIEW", "2018-11-28T23:59:00-05:00", None),
            ("HOLD_NOT_ELIGIBLE", "2018-11-30T15:59:00-05:00", 31 * 60),
        ],
    ),
    ("NJ32b", "nj-itd", "2018-12-01T00:00:00-05:00", [("HOLD_NOT_ELIGIBLE", "2018-11-30T16:00:00-05:00", 30 * 60)]),
    # New York City: no hold or hand-over without a federal judge's warrant
    (
        "NY1", "ny-nyc", "2025-04-02T00:00:00-04:00",
        [
            ("HOLD_BARRED", "2025-04-01T10:00:00-04:00", 2 * H),
            ("TRANSFER_UNAUTHORIZED", "2025-04-01T12:00:00-04:00", None),
        ],
    ),
    ("NY2", "ny-nyc", "2025-04-02T00:00:00-04:00", []),
    ("NY3", "ny-nyc", "2025-11-03T00:00:00-05:00", [("HOLD_BARRED", "2025-11-02T00:30:00-04:00", 2 * H)]),
    (
        "NY4a", "ny-nyc", "2014-11-16T00:00:00-05:00",
        [("REVIEW", "2014-11-13T23:59:00-05:00", None), ("HOLD_BARRED", "2014-11-15T05:59:00-05:00", H + 60)],
    ),
    ("NY4b", "ny-nyc", "2014-11-16T00:00:00-05:00", [("HOLD_BARRED", "2014-11-15T06:00:00-05:00", H)]),
    # Colorado: HB19-1124, then SB25-276
    (
        "CO1", "co-hb19-1124", "2025-03-11T00:00:00-06:00",
        [
            ("HOLD_BARRED", "2025-03-10T09:00:00-06:00", 2 * H),
            ("TRANSFER_UNAUTHORIZED", "2025-03-10T11:00:00-06:00", None),
        ],
    ),
    ("CO2", "co-hb19-1124", "2025-11-03T00:00:00-07:00", [("HOLD_BARRED", "2025-11-02T00:30:00-06:00", 2 * H)]),
    ("CO3a", "co-hb19-1124", "2025-05-24T00:00:00-06:00", [("HOLD_BARRED", "2025-05-22T23:59:00-06:00", H + 60)]),
    ("CO3b", "co-hb19-1124", "2025-05-24T00:00:00-06:00", [("HOLD_BARRED", "2025-05-23T00:00:00-06:00", H)]),
    (
        "CO4a", "co-hb19-1124", "2019-05-30T00:00:00-06:00",
        [("REVIEW", "2019-05-27T23:59:00-06:00", None), ("HOLD_BARRED", "2019-05-29T05:59:00-06:00", H + 60)],
    ),
    ("CO4b", "co-hb19-1124", "2019-05-30T00:00:00-06:00", [("HOLD_BARRED", "2019-05-29T06:00:00-06:00", H)]),
]  # fmt: skip

#: The version a finding names, and the evidence level of the rule it applied:
#: (fixture, profile, as_of, code, version, evidence level).
VERSIONS: list[tuple[str, str, str, str, str, str | None]] = [
    ("S23", "tx-sb4", "2025-09-13T00:00:00-05:00", "STATE_DUTY_NOT_HONORED", "tx-sb4@2017-09-01", "verified"),
    ("S25", "tx-sb4", "2025-12-27T00:00:00-06:00", "HOLD_OVER_WINDOW", "tx-sb4@2017-09-01", "verified"),
    # the window ends in 2026, but the hold began under SB 4 alone
    ("TX8a", "tx-sb4", "2026-01-04T00:00:00-06:00", "HOLD_OVER_WINDOW", "tx-sb4@2017-09-01", "verified"),
    ("TX8b", "tx-sb4", "2026-01-04T00:00:00-06:00", "HOLD_OVER_WINDOW", "tx-sb4@2026-01-01", "verified"),
    ("TX8c", "tx-sb4", "2026-01-02T00:00:00-06:00", "STATE_DUTY_NOT_HONORED", "tx-sb4@2017-09-01", "verified"),
    ("TX8d", "tx-sb4", "2026-01-02T00:00:00-06:00", "STATE_DUTY_NOT_HONORED", "tx-sb4@2026-01-01", "verified"),
    ("S01", "ca-sb54", "2025-04-10T00:00:00-07:00", "HOLD_BARRED", "ca-sb54@2018-01-01", "verified"),
    ("WA1", "wa-kww", "2025-03-06T00:00:00-08:00", "HOLD_BARRED", "wa-kww@2019-05-21", "secondary"),
    ("WA1", "wa-kww", "2025-03-06T00:00:00-08:00", "TRANSFER_UNAUTHORIZED", "wa-kww@2019-05-21", "inferred"),
    ("OR1", "or-sanctuary", "2026-03-09T00:00:00-07:00", "HOLD_BARRED", "or-sanctuary@2021-07-19", "verified"),
    ("OR1", "or-sanctuary", "2026-03-09T00:00:00-07:00", "TRANSFER_UNAUTHORIZED", "or-sanctuary@2021-07-19", "inferred"),
    ("IL2", "il-trust", "2025-11-03T00:00:00-06:00", "HOLD_BARRED", "il-trust@2022-01-01", "verified"),
    ("IL4b", "il-trust", "2022-01-03T00:00:00-06:00", "NOTIFY_UNAUTHORIZED", "il-trust@2022-01-01", "secondary"),
    ("IL5b", "il-trust", "2022-01-03T00:00:00-06:00", "WSO_287G_BARRED", "il-trust@2022-01-01", "secondary"),
    ("NJ30", "nj-itd", "2025-06-12T00:00:00-04:00", "HOLD_OVER_WINDOW", "nj-itd@2018-11-29", "secondary"),
    ("NY1", "ny-nyc", "2025-04-02T00:00:00-04:00", "TRANSFER_UNAUTHORIZED", "ny-nyc@2014-11-14", "secondary"),
    ("CO1", "co-hb19-1124", "2025-03-11T00:00:00-06:00", "HOLD_BARRED", "co-hb19-1124@2019-05-28", "verified"),
    ("CO2", "co-hb19-1124", "2025-11-03T00:00:00-07:00", "HOLD_BARRED", "co-hb19-1124@2025-05-23", "verified"),
    ("CO3a", "co-hb19-1124", "2025-05-24T00:00:00-06:00", "HOLD_BARRED", "co-hb19-1124@2019-05-28", "verified"),
    ("CO3b", "co-hb19-1124", "2025-05-24T00:00:00-06:00", "HOLD_BARRED", "co-hb19-1124@2025-05-23", "verified"),
    ("IL22", "il-trust+cook-county", "2026-01-13T00:00:00-06:00", "HOLD_BARRED", "il-trust+cook-county@2022-01-01", "verified"),
    ("S11", "ca-sb54", "2025-02-05T00:00:00-08:00", "USC_CLAIM", "ca-sb54@2018-01-01", "secondary"),
]  # fmt: skip


def run(name: str, profile: str, as_of: str) -> list[Finding]:
    with (FIXTURES / f"{name}.jsonl").open("rb") as handle:
        return audit(handle, resolve(profile), datetime.fromisoformat(as_of))


@pytest.mark.parametrize(("name", "profile", "as_of", "expected"), CASES, ids=lambda v: str(v)[:20])
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


@pytest.mark.parametrize(("name", "profile", "as_of", "code", "version", "level"), VERSIONS)
def test_a_finding_names_the_version_in_force_at_its_act(
    name: str, profile: str, as_of: str, code: str, version: str, level: str | None
) -> None:
    found = [f for f in run(name, profile, as_of) if f.code == code]
    assert found, f"{name}: no {code}"
    assert {(f.policy, f.evidence_level) for f in found} == {(version, level)}


@pytest.mark.parametrize(("name", "profile", "as_of", "expected"), CASES, ids=lambda v: str(v)[:20])
def test_every_violation_and_advisory_carries_its_rule_s_evidence_level(
    name: str, profile: str, as_of: str, expected: list[Expect]
) -> None:
    """Counsel sees which findings rest on secondary sources or on holdwatch's reading; only
    a REVIEW of the data or of scope rests on no one duty."""
    for f in run(name, profile, as_of):
        if f.kind != "review":
            assert f.evidence_level in ("verified", "secondary", "inferred"), (name, f.code)
        assert f.policy.startswith(f"{profile}@"), (name, f.policy)


def test_one_booking_across_a_version_start_is_judged_once_per_act() -> None:
    findings = run("TX8b", "tx-sb4", "2026-01-04T00:00:00-06:00")
    ids = [f.finding_id for f in findings]
    assert len(ids) == len(set(ids))
    assert {f.policy for f in findings} == {"tx-sb4@2026-01-01"}


@pytest.mark.parametrize(
    ("name", "profile", "as_of", "in_scope"),
    [
        ("WA3a", "wa-kww", "2019-05-23T00:00:00-07:00", False),
        ("WA3b", "wa-kww", "2019-05-23T00:00:00-07:00", True),
        ("OR2a", "or-sanctuary", "2021-07-21T00:00:00-07:00", False),
        ("OR2b", "or-sanctuary", "2021-07-21T00:00:00-07:00", True),
        ("NJ32a", "nj-itd", "2018-12-01T00:00:00-05:00", False),
        ("NJ32b", "nj-itd", "2018-12-01T00:00:00-05:00", True),
        ("NY4a", "ny-nyc", "2014-11-16T00:00:00-05:00", False),
        ("NY4b", "ny-nyc", "2014-11-16T00:00:00-05:00", True),
        ("CO4a", "co-hb19-1124", "2019-05-30T00:00:00-06:00", False),
        ("CO4b", "co-hb19-1124", "2019-05-30T00:00:00-06:00", True),
        # a hold across SB25-276's start: both versions are in force over the stay
        ("CO3a", "co-hb19-1124", "2025-05-24T00:00:00-06:00", True),
    ],
)
def test_a_booking_the_minute_before_a_law_starts_is_flagged_out_of_scope(
    name: str, profile: str, as_of: str, in_scope: bool
) -> None:
    scope = [f for f in run(name, profile, as_of) if f.rule == "scope"]
    assert (not scope) is in_scope


def test_the_cook_county_overlay_is_cited_with_state_law() -> None:
    for name, as_of, code in [
        ("IL22", "2026-01-13T00:00:00-06:00", "TRANSFER_UNAUTHORIZED"),
        ("IL23", "2026-02-05T00:00:00-06:00", "NOTIFY_UNAUTHORIZED"),
    ]:
        (f,) = [f for f in run(name, "il-trust+cook-county", as_of) if f.code == code]
        assert f.citation == "5 ILCS 805/15(a); Cook County Code §46-37"
        (plain,) = [f for f in run(name, "il-trust", as_of) if f.code == code]
        assert plain.citation == "5 ILCS 805/15(a)"


def test_new_jersey_says_its_own_limit_bound_not_the_form() -> None:
    (over,) = [
        f
        for f in run("NJ30", "nj-itd", "2025-06-12T00:00:00-04:00")
        if f.code == "HOLD_OVER_WINDOW"
    ]
    assert "11:59 p.m." in over.citation
    assert "until 11:59 p.m. on the day of release (before the form's window)" in over.explanation


def test_cook_county_applies_only_to_illinois() -> None:
    with pytest.raises(ValueError, match="applies only to il-trust"):
        resolve("wa-kww+cook-county")


def test_s20_reports_the_state_calendar_reading() -> None:
    (over,) = [
        f
        for f in run("S20", "us-federal-legacy", "2013-12-04T00:00:00-08:00")
        if f.code == "HOLD_OVER_WINDOW"
    ]
    assert over.calendar_ambiguous
    alt = {a.calendar: a for a in over.alternatives}
    assert alt["us-federal+CA"].deadline == datetime.fromisoformat("2013-12-03T15:00:00-08:00")
    assert alt["us-federal+CA"].violation is False


def test_s12_soft_findings_are_policy_advisories() -> None:
    findings = run("S12", "ca-sb54", "2025-03-08T00:00:00-08:00")
    soft = [f for f in findings if f.rule.endswith(".soft")]
    assert {f.kind for f in soft} == {"advisory"}
    assert all("not enacted" in f.citation for f in soft)


def test_s03_hard_release_notice_preempts_the_soft_one() -> None:
    findings = run("S03", "ca-sb54", "2025-05-14T00:00:00-07:00")
    notices = [f for f in findings if f.code == "TRUTH_RELEASE_NOTICE_MISSING"]
    assert [f.rule for f in notices] == ["truth.release_notice.hard"]


def test_s39_late_bail_event_adds_the_hold_without_dropping_the_transfer() -> None:
    lines = (FIXTURES / "S39.jsonl").read_text().splitlines()
    profile, as_of = resolve("ca-sb54"), datetime.fromisoformat("2025-04-21T16:35:00-07:00")
    early = {f.code for f in audit(lines[:-1], profile, as_of)}
    assert "TRANSFER_UNAUTHORIZED" in early and "HOLD_BARRED" not in early
    late = audit(lines, profile, datetime.fromisoformat("2025-04-21T18:00:00-07:00"))
    assert {"TRANSFER_UNAUTHORIZED", "HOLD_BARRED"} <= {f.code for f in late}
