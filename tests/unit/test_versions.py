"""Each act is judged by the version of the law in force at its instant, in the zone's
local date: a hold at its start, a release (or a call, a hand-over) at its own instant.

A made-up law whose two versions differ in what they do (a window, then a bar) starts its
second version on a DST day (2026-03-08 in Los Angeles, when 02:00 PST becomes 03:00 PDT),
so a version chosen by UTC date or by the finding's instant instead of the act's would
show.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import fold
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.approaching import approaching
from holdwatch.policy.core.engine import evaluate
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import Duty, Law, Version, profile_of
from holdwatch.policy.core.rulebook import SHARED, Rulebook
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story


def _duty(rule: str, citation: str, evidence: str) -> Duty:
    return Duty.model_validate(
        {
            "subject": "hold",
            "rule": rule,
            "text": "t",
            "citation": citation,
            "source": "the test",
            "evidence": evidence,
            "codes": ("HOLD_BARRED",) if rule == "barred" else ("HOLD_OVER_WINDOW",),
        }
    )


LAW = Law(
    id="zz-two",
    zone="America/Los_Angeles",
    versions=(
        Version(
            valid_from=date(2020, 1, 1),
            valid_to=date(2026, 3, 7),
            title="window",
            sources=("s",),
            duties=(_duty("window", "Old §1", "verified"),),
        ),
        Version(
            valid_from=date(2026, 3, 8),
            title="barred",
            sources=("s",),
            duties=(_duty("barred", "New §1", "secondary"),),
        ),
    ),
)
RULEBOOK = Rulebook(profile_of(LAW), (hold_rule, *SHARED))
FORM = "DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)"  # the window cites its form


def _run(eligible: str, released: str, as_of: str = "2026-03-20T00:00:00-07:00") -> list[Finding]:
    s = Story(booking="V1")
    s.booked("2026-03-06T20:00:00-08:00")
    s.detainer("2026-03-07T08:00:00-08:00")
    s.eligible(eligible, "bond_posted")
    s.released(released, to="ice")
    events = [parse_event(line) for line in s.jsonl().splitlines()]
    return list(evaluate(fold(events), RULEBOOK, datetime.fromisoformat(as_of)).findings)


@pytest.mark.parametrize(
    ("eligible", "released", "expected"),
    [
        # the minute before the new version: the old window (48 h) allows the hold
        ("2026-03-07T23:59:00-08:00", "2026-03-08T05:00:00-07:00", set()),
        # ...and its overstay is judged by the old version, though it falls under the new
        (
            "2026-03-07T23:59:00-08:00",
            "2026-03-10T01:00:00-07:00",
            {("HOLD_OVER_WINDOW", "zz-two@2020-01-01", FORM, "verified")},
        ),
        # the version's first minute (local midnight, 08:00 UTC): the hold is barred
        (
            "2026-03-08T00:00:00-08:00",
            "2026-03-08T05:00:00-07:00",
            {("HOLD_BARRED", "zz-two@2026-03-08", "New §1", "secondary")},
        ),
        # after the spring-forward gap, same day
        (
            "2026-03-08T03:00:00-07:00",
            "2026-03-08T05:00:00-07:00",
            {("HOLD_BARRED", "zz-two@2026-03-08", "New §1", "secondary")},
        ),
    ],
)
def test_a_hold_is_judged_by_the_version_in_force_when_it_began(
    eligible: str, released: str, expected: set[tuple[str, str, str, str | None]]
) -> None:
    found = {
        (f.code, f.policy, f.citation, f.evidence_level)
        for f in _run(eligible, released)
        if f.kind == "violation"
    }
    assert found == expected


def test_the_minute_before_in_utc_is_already_the_new_day_and_does_not_count() -> None:
    # 2026-03-07T23:59-08:00 is 07:59 UTC on the 8th: the local date decides, not UTC's
    found = _run("2026-03-07T23:59:00-08:00", "2026-03-08T01:00:00-08:00")
    assert [f for f in found if f.kind == "violation"] == []


def test_a_law_in_force_over_the_whole_stay_is_not_out_of_scope() -> None:
    found = _run("2026-03-07T23:59:00-08:00", "2026-03-10T01:00:00-07:00")
    assert not [f for f in found if f.rule == "scope"]


def test_the_profile_names_its_latest_version_and_each_version_by_date() -> None:
    profile = RULEBOOK.profile
    assert profile.label == "zz-two@2026-03-08"
    assert profile.edition_index(date(2026, 3, 7)) == 0
    assert profile.edition_index(date(2026, 3, 8)) == 1
    assert profile.edition_index(date(2019, 1, 1)) == 0  # before the law: its first version


def test_a_live_warning_names_the_version_in_force_when_it_is_given() -> None:
    s = Story(agency="hcso", booking="V2", zone="America/Chicago")
    s.booked("2025-12-28T20:00:00-06:00")
    s.detainer("2025-12-29T08:00:00-06:00")
    s.copy("2025-12-29T08:30:00-06:00", comply=True)
    s.eligible("2025-12-29T23:00:00-06:00", "sentence_served")
    state = fold([parse_event(line) for line in s.jsonl().splitlines()])
    rulebook = resolve("tx-sb4")
    # the deadline is 2025-12-31 23:00, the lead 2 h: SB 4 alone is in force (not SB 8)
    as_of = datetime.fromisoformat("2025-12-31T22:00:00-06:00")
    ahead = evaluate(state, rulebook, as_of).deadlines
    (warning,) = approaching(state, rulebook, as_of, ahead)
    assert warning.code == "HOLD_DEADLINE_APPROACHING"
    assert (warning.policy, warning.evidence_level) == ("tx-sb4@2017-09-01", "verified")
