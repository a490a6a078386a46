"""The agency-level 287(g) duty, 287(g) bans, Florida and Georgia: table-driven over the JSONL
fixtures that tests/fixtures/scenarios/build_2026b.py writes.

Each row: the fixture, the profile, the evaluation instant, what the agencies file says of
the agencies (kind, timezone), and the expected findings (code, violation instant, duration
in seconds or None when open or not checked). Every expected finding must be present and
the violations must be exactly those expected, so a rule that fires where the law does not
is caught too.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from holdwatch.app.audit import audit
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.profile import Agency
from holdwatch.policy.registry import resolve

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"

Expect = tuple[str, str, int | None]
#: agency -> what its agencies-file entry says: {"kind": ..., "timezone": ...}
Agencies = dict[str, dict[str, str]]
H, D = 3600, 86400
MISSING, UNAPPROVED = "AGREEMENT_287G_MISSING", "AGREEMENT_287G_TERMINATION_UNAPPROVED"
BARRED, LATE = "WSO_287G_BARRED", "STATUS_CHECK_LATE"
#: advisories these rows check as strictly as violations
FLAGGED = frozenset({"ENJOINED_STATUTE_CHARGE"})
DENVER: Agencies = {"elpaso": {"timezone": "America/Denver"}}

CASES: list[tuple[str, str, str, str, Agencies, list[Expect]]] = [
    # Texas SB 8: "by December 1, 2026" read as 00:00 local on December 2
    ("tx-minute-before", "TXA1", "tx-sb4", "2026-12-01T23:59:00-06:00", {}, []),
    ("tx-minute-after", "TXA1", "tx-sb4", "2026-12-02T00:01:00-06:00", {},
     [(MISSING, "2026-12-02T00:00:00-06:00", None)]),
    ("tx-county-jail-declared", "TXA1", "tx-sb4", "2026-12-03T00:00:00-06:00",
     {"harris": {"kind": "county_jail"}}, [(MISSING, "2026-12-02T00:00:00-06:00", None)]),
    ("tx-city-jail", "TXA1", "tx-sb4", "2026-12-03T00:00:00-06:00",
     {"harris": {"kind": "city_jail"}}, []),
    ("tx-state-facility", "TXA1", "tx-sb4", "2026-12-03T00:00:00-06:00",
     {"harris": {"kind": "state_facility"}}, []),
    ("tx-county-without-jail", "TXA1", "tx-sb4", "2026-12-03T00:00:00-06:00",
     {"harris": {"kind": "county_no_jail"}}, []),
    # El Paso County keeps Mountain time: its deadline is an hour after Houston's
    ("tx-denver-minute-before", "TXA2", "tx-sb4", "2026-12-01T23:59:00-07:00", DENVER, []),
    ("tx-denver-minute-after", "TXA2", "tx-sb4", "2026-12-02T00:01:00-07:00", DENVER,
     [(MISSING, "2026-12-02T00:00:00-07:00", None)]),
    ("tx-denver-undeclared", "TXA2", "tx-sb4", "2026-12-01T23:59:00-07:00", {},
     [(MISSING, "2026-12-02T00:00:00-06:00", None)]),
    # U05: a request, no offer from ICE: met until the annual re-request falls due
    ("tx-u05", "TXA3", "tx-sb4", "2026-12-03T00:00:00-06:00", {}, []),
    ("tx-u05-minute-before-anniversary", "TXA3", "tx-sb4", "2027-02-01T23:59:00-06:00", {}, []),
    ("tx-u05-anniversary", "TXA3", "tx-sb4", "2027-02-02T00:01:00-06:00", {},
     [(MISSING, "2027-02-02T00:00:00-06:00", None)]),
    # an agreement in force at the deadline that ends later starts a new violation
    ("tx-ended-later-before", "TXA4", "tx-sb4", "2027-03-01T11:59:00-06:00", {}, []),
    ("tx-ended-later", "TXA4", "tx-sb4", "2027-03-02T00:00:00-06:00", {},
     [(MISSING, "2027-03-01T12:00:00-06:00", None)]),
    ("tx-signed-late", "TXA5", "tx-sb4", "2026-12-11T00:00:00-06:00", {},
     [(MISSING, "2026-12-02T00:00:00-06:00", 8 * D + 9 * H)]),
    ("tx-ended-before-deadline", "TXA6", "tx-sb4", "2026-12-03T00:00:00-06:00", {},
     [(MISSING, "2026-12-02T00:00:00-06:00", None)]),
    ("tx-requested-last-minute", "TXA7", "tx-sb4", "2026-12-03T00:00:00-06:00", {}, []),
    # before SB 8's version, and in a state with no mandate, an agency owes nothing
    ("tx-2025", "TXA6", "tx-sb4", "2025-12-31T23:59:00-06:00", {}, []),
    ("us-federal-no-mandate", "TXA1", "us-federal", "2026-12-03T00:00:00-05:00", {}, []),
    # 287(g) banned: asking, signing and working under an agreement; not ending one
    *(
        (f"banned-{fixture}-{profile}", fixture, profile, "2026-06-01T00:00:00" + off, {}, [
            (BARRED, f"2026-04-01T10:00:00{off}", 0),
            (BARRED, f"2026-04-15T10:00:00{off}", 0),
            (BARRED, f"2026-04-20T10:00:00{off}", 0),
        ])
        for fixture, profile, off in (
            ("WSOB-CA", "ca-sb54", "-07:00"),
            ("WSOB-WA", "wa-kww", "-07:00"),
            ("WSOB-OR", "or-sanctuary", "-07:00"),
            ("WSOB-IL", "il-trust", "-05:00"),
            ("WSOB-NJ", "nj-itd", "-04:00"),
        )
    ),
    ("allowed-in-texas", "WSOB-CA", "tx-sb4", "2026-06-01T00:00:00-05:00", {}, []),
    ("allowed-federally", "WSOB-CA", "us-federal", "2026-06-01T00:00:00-04:00", {}, []),
    # Florida §908.11 (U07): the end needs the State Board's approval; an agreement is
    # required either way, so the end also starts AGREEMENT_287G_MISSING
    ("fl-u07", "FLU07", "fl-908", "2026-03-03T00:00:00-05:00", {}, [
        (UNAPPROVED, "2026-03-02T09:00:00-05:00", 0),
        (MISSING, "2026-03-02T09:00:00-05:00", None),
    ]),
    ("fl-u07-approved", "FLU07b", "fl-908", "2026-03-03T00:00:00-05:00", {},
     [(MISSING, "2026-03-02T09:00:00-05:00", None)]),
    ("fl-u07-refused", "FLU07c", "fl-908", "2026-03-03T00:00:00-05:00", {}, [
        (UNAPPROVED, "2026-03-02T09:00:00-05:00", 0),
        (MISSING, "2026-03-02T09:00:00-05:00", None),
    ]),
    ("fl-u07-minute-before-end", "FLU07", "fl-908", "2026-03-02T08:59:00-05:00", {}, []),
    # the 2025 version's first minute, in the Central-time panhandle
    ("fl-minute-before-version", "FLA1", "fl-908", "2025-02-12T23:59:00-06:00",
     {"escambia": {"timezone": "America/Chicago"}}, []),
    ("fl-minute-after-version", "FLA1", "fl-908", "2025-02-13T00:01:00-06:00",
     {"escambia": {"timezone": "America/Chicago"}}, [(MISSING, "2025-02-13T00:00:00-06:00", None)]),
    ("fl-state-facility", "FLA1", "fl-908", "2025-03-01T00:00:00-06:00",
     {"escambia": {"kind": "state_facility", "timezone": "America/Chicago"}}, []),
    # Florida §908.102(2): no administrative warrant, no state duty to honor
    ("fl-not-facially-sufficient", "FLH1", "fl-908", "2025-10-07T00:00:00-04:00", {}, []),
    ("fl-facially-sufficient", "FLH2", "fl-908", "2025-10-07T00:00:00-04:00", {},
     [("STATE_DUTY_NOT_HONORED", "2025-10-06T10:00:00-04:00", 0)]),
    ("fl-warrant-arrived-late", "FLH3", "fl-908", "2025-10-07T00:00:00-04:00", {},
     [("STATE_DUTY_NOT_HONORED", "2025-10-06T10:00:00-04:00", 0)]),
    # U08: a booking on the enjoined SB 4-C entry crime is an advisory at the booking
    ("fl-u08", "FLU08", "fl-908", "2025-04-21T00:00:00-04:00", {},
     [("ENJOINED_STATUTE_CHARGE", "2025-04-20T23:10:00-04:00", 0)]),
    ("fl-u08-tro-day", "FLU08b", "fl-908", "2025-04-05T00:00:00-04:00", {},
     [("ENJOINED_STATUTE_CHARGE", "2025-04-04T00:00:00-04:00", 0)]),
    ("fl-u08-day-before", "FLU08c", "fl-908", "2025-04-05T00:00:00-04:00", {}, []),
    ("fl-u08-other-section", "FLU08d", "fl-908", "2025-04-21T00:00:00-04:00", {}, []),
    # Georgia §42-4-14(b), U09: 48 elapsed hours from arrival, no weekend exclusion
    ("ga-u09", "GAU09", "ga-hb1105", "2026-02-16T00:00:00-05:00", {},
     [(LATE, "2026-02-15T22:00:00-05:00", None)]),
    ("ga-u09-minute-before", "GAU09", "ga-hb1105", "2026-02-15T21:59:00-05:00", {}, []),
    ("ga-u09-checked-in-time", "GAU09b", "ga-hb1105", "2026-02-16T00:00:00-05:00", {}, []),
    ("ga-u09-checked-late", "GAU09c", "ga-hb1105", "2026-02-16T00:00:00-05:00", {},
     [(LATE, "2026-02-15T22:00:00-05:00", 60)]),
    ("ga-u09-spring-forward", "GAU09d", "ga-hb1105", "2026-03-10T00:00:00-04:00", {},
     [(LATE, "2026-03-09T23:00:00-04:00", None)]),
    ("ga-u09-released-first", "GAU09e", "ga-hb1105", "2026-02-16T00:00:00-05:00", {}, []),
    ("ga-not-honored", "GAH1", "ga-hb1105", "2025-06-05T00:00:00-04:00", {},
     [("STATE_DUTY_NOT_HONORED", "2025-06-04T10:00:00-04:00", 0)]),
]  # fmt: skip


def facts(agencies: Agencies) -> dict[str, Agency]:
    return {
        name: Agency(entry.get("kind"), entry.get("timezone"))  # type: ignore[arg-type]
        for name, entry in agencies.items()
    }


def run(fixture: str, profile: str, as_of: str, agencies: Agencies) -> list[Finding]:
    with (FIXTURES / f"{fixture}.jsonl").open("rb") as handle:
        return audit(handle, resolve(profile), datetime.fromisoformat(as_of), facts(agencies))


@pytest.mark.parametrize(
    ("case", "fixture", "profile", "as_of", "agencies", "expected"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_scenario(
    case: str, fixture: str, profile: str, as_of: str, agencies: Agencies, expected: list[Expect]
) -> None:
    findings = run(fixture, profile, as_of, agencies)
    got = {(f.code, f.violation_at): f for f in findings}
    for code, instant, duration in expected:
        key = (code, datetime.fromisoformat(instant))
        assert key in got, f"{case}: missing {code} at {instant}; got {sorted(got)}"
        assert got[key].duration_seconds == duration, f"{case}: {code} duration"
        # the instant is written in the agency's (or booking's) zone, offset included
        assert got[key].violation_at.isoformat() == instant
    flagged = {
        (f.code, f.violation_at) for f in findings if f.code in FLAGGED or f.kind == "violation"
    }
    wanted = {(c, datetime.fromisoformat(i)) for c, i, _ in expected}
    assert flagged == wanted, f"{case}: unexpected findings {flagged - wanted}"


def one(case: str, code: str) -> Finding:
    _case, fixture, profile, as_of, agencies, _expected = next(c for c in CASES if c[0] == case)
    return next(f for f in run(fixture, profile, as_of, agencies) if f.code == code)


def test_the_texas_finding_is_about_the_agency_and_says_how_it_read_the_law() -> None:
    f = one("tx-minute-after", MISSING)
    assert (f.agency, f.booking_id, f.status, f.ended_at) == ("harris", None, "open", None)
    assert f.policy == "tx-sb4@2026-01-01" and f.evidence_level == "secondary"
    assert f.citation == "Tex. Gov't Code §753.051(a) (SB 8, 2025)"
    assert '"By December 1, 2026" is read as 00:00 local on December 2, 2026.' in f.explanation
    assert "the agencies file does not say what it runs" in f.explanation
    assert f.timezone == "America/Chicago"
    declared = one("tx-county-jail-declared", MISSING)
    assert "The agencies file declares the agency a county jail." in declared.explanation
    assert declared.finding_id == f.finding_id  # the same duty unmet: the same finding


def test_a_gap_closed_by_an_agreement_names_it_in_its_evidence() -> None:
    f = one("tx-signed-late", MISSING)
    assert f.status == "resolved"
    assert f.evidence == ("TXA5-e4",)  # the agreement that ended the gap
    assert f.ended_at == datetime.fromisoformat("2026-12-10T09:00:00-06:00")


def test_an_agreement_that_ends_starts_a_finding_anchored_on_its_end() -> None:
    f = one("tx-ended-later", MISSING)
    assert f.evidence == ("TXA4-e2",)
    assert "it had ended" in f.explanation
    u05 = one("tx-u05-anniversary", MISSING)
    assert "annual re-request" in u05.explanation and u05.evidence == ("TXA3-e1",)


def test_florida_findings_cite_section_908_11_and_its_verified_text() -> None:
    end = one("fl-u07", UNAPPROVED)
    assert end.citation == "Fla. Stat. §908.11(1) (as amended by ch. 2025-1)"
    assert "State Board of Immigration Enforcement" in end.explanation
    assert "is not on record" in end.explanation
    assert one("fl-u07-refused", UNAPPROVED).explanation.count("was refused") == 1
    missing = one("fl-u07", MISSING)
    assert (missing.policy, missing.evidence_level) == ("fl-908@2025-02-13", "verified")
    honor = one("fl-facially-sufficient", "STATE_DUTY_NOT_HONORED")
    assert honor.citation == "Fla. Stat. §§908.102(2), 908.105" and honor.rule == "fl.duty"
    # what the duty asks never exceeds the form: 48 hours from RE, and notice
    assert "keep custody until Wed 08 Oct 2025 10:00 EDT" in honor.explanation


def test_the_u08_advisory_says_whether_the_charge_stood_alone() -> None:
    alone = one("fl-u08", "ENJOINED_STATUTE_CHARGE")
    assert (alone.kind, alone.evidence_level, alone.booking_id) == ("advisory", "inferred", "FLU08")
    assert "§811.102" in alone.explanation and "only charge" in alone.explanation
    assert "other charges" in one("fl-u08-tro-day", "ENJOINED_STATUTE_CHARGE").explanation


def test_georgia_status_check_counts_elapsed_hours_and_cites_the_code() -> None:
    f = one("ga-u09-spring-forward", LATE)
    assert f.citation == "O.C.G.A. §42-4-14(b)" and f.evidence_level == "verified"
    assert f.booking_id == "GAU09d" and f.policy == "ga-hb1105@2024-05-01"
    assert "by Mon 09 Mar 2026 23:00 EDT" in f.explanation


def test_oversight_can_turn_the_state_duty_findings_off() -> None:
    rulebook = resolve("tx-sb4")
    params = replace(rulebook.profile.params, report_state_duty=False)
    quiet = replace(rulebook, profile=replace(rulebook.profile, params=params))
    with (FIXTURES / "TXA1.jsonl").open("rb") as handle:
        assert audit(handle, quiet, datetime.fromisoformat("2026-12-03T00:00:00-06:00")) == []


def test_every_fixture_of_the_builder_is_judged() -> None:
    """None of the fixtures build_2026b.py writes is left without a row."""
    sys.path.insert(0, str(FIXTURES))
    from build_2026b import SCENARIOS  # noqa: PLC0415

    assert set(SCENARIOS) == {c[1] for c in CASES}
