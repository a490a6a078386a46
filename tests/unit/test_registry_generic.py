"""Properties of every profile and overlay the registry holds, built from their data alone,
so a jurisdiction added later is covered without a line here:

- effective-date boundaries: a hold that begins the minute before a version starts is
  judged by the version before, one that begins at its first minute (00:00 local) by it,
  and each hold finding names that version (`id@valid_from`); a booking the minute before
  the first version is flagged out of scope, one at its first minute is not;
- daylight saving in each profile's zone: a hold across each version's first spring-forward
  and fall-back gives deadlines and durations in elapsed hours, not wall-clock ones;
- `law show` of every overlay states each duty as its data.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from holdwatch.app.audit import audit
from holdwatch.app.lawbook import book, entries, span
from holdwatch.app.report_render import md
from holdwatch.app.rulebook_render import markdown
from holdwatch.domain.findings import Finding
from holdwatch.policy.core.criteria import HoldLimit
from holdwatch.policy.core.law import Overlay
from holdwatch.policy.core.rulebook import Rulebook
from holdwatch.policy.registry import BASES

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

#: findings on the hold itself, each judged by the version in force at the hold's start
HOLD_RULES = ("hold",)
HELD = timedelta(hours=60)  # past every window: 48 elapsed hours, a same-day limit
BOND_BEFORE_RE = timedelta(minutes=30)


def versions(rulebook: Rulebook) -> list[tuple[date, date | None]]:
    p = rulebook.profile
    if p.editions:
        return [(e.version, e.effective_to) for e in p.editions]
    return [(p.version, p.effective_to)]


def hold(profile_id: str, re: datetime, zone: str, booked: datetime | None = None) -> Story:
    """A hold on an I-247A from RE (own recognizance, the bond half an hour before) to
    60 elapsed hours later, released to the street."""
    s = Story(agency="zz", booking=f"G-{profile_id}", zone=zone)
    start = booked or re - timedelta(hours=30)
    s.booked(start.isoformat())
    s.detainer((start + timedelta(hours=10)).isoformat())
    bond = (re - BOND_BEFORE_RE).isoformat()
    s.add("release.eligible", re.isoformat(), {"reason": "own_recognizance", "bond_at": bond})
    return s.released(local(re.astimezone(UTC) + HELD, zone).isoformat())


def local(t: datetime, zone: str) -> datetime:
    return t.astimezone(ZoneInfo(zone))


def judge(profile_id: str, s: Story, as_of: datetime) -> list[Finding]:
    return audit(s.jsonl().splitlines(), BASES[profile_id], as_of)


BOUNDARIES = [
    (pid, i, side)
    for pid, rb in sorted(BASES.items())
    for i in range(1, len(versions(rb)))
    for side in ("before", "at")
]


@pytest.mark.parametrize(("pid", "index", "side"), BOUNDARIES, ids=str)
def test_a_hold_is_judged_by_the_version_in_force_at_its_first_minute(
    pid: str, index: int, side: str
) -> None:
    rulebook = BASES[pid]
    zone = rulebook.profile.zone
    start, _ = versions(rulebook)[index]
    midnight = datetime.combine(start, time(0), ZoneInfo(zone))
    re = (
        local(midnight.astimezone(UTC) - timedelta(minutes=1), zone)
        if side == "before"
        else midnight
    )
    expected = versions(rulebook)[index - 1 if side == "before" else index][0]
    findings = judge(pid, hold(pid, re, zone), re + timedelta(days=5))
    held = [f for f in findings if f.rule.split(".")[0] in HOLD_RULES]
    assert held, (pid, side, [f.code for f in findings])
    assert {f.policy for f in held} == {f"{pid}@{expected.isoformat()}"}, (pid, side)


@pytest.mark.parametrize(("pid", "side"), [(p, s) for p in sorted(BASES) for s in ("before", "at")])
def test_a_booking_the_minute_before_the_first_version_is_flagged_out_of_scope(
    pid: str, side: str
) -> None:
    """Before its first version no law of the profile applied: the acts are judged by the
    first version, and the booking is flagged for counsel; from its first minute, not."""
    rulebook = BASES[pid]
    zone = rulebook.profile.zone
    first, _ = versions(rulebook)[0]
    midnight = datetime.combine(first, time(0), ZoneInfo(zone))
    booked = (
        local(midnight.astimezone(UTC) - timedelta(minutes=1), zone)
        if side == "before"
        else midnight
    )
    re = local(booked.astimezone(UTC) + timedelta(hours=30), zone)
    findings = judge(pid, hold(pid, re, zone, booked), re + timedelta(days=5))
    scope = [f for f in findings if f.rule == "scope"]
    assert bool(scope) is (side == "before"), (pid, side)
    held = [f for f in findings if f.rule.split(".")[0] in HOLD_RULES]
    assert held and {f.policy for f in held} == {f"{pid}@{first.isoformat()}"}, pid


def transitions(zone: str, first: date, last: date | None) -> list[date]:
    """The first spring-forward and fall-back days (local) from `first`, within the dates."""
    tz = ZoneInfo(zone)
    found: dict[bool, date] = {}
    day, stop = first, min(last or first + timedelta(days=800), first + timedelta(days=800))
    while day < stop and len(found) < 2:
        noon = datetime.combine(day, time(12), tz).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(12), tz).utcoffset()
        if noon is not None and after is not None and noon != after:
            found.setdefault(after > noon, day + timedelta(days=1))
        day += timedelta(days=1)
    return sorted(found.values())


DST = [
    (pid, i, day)
    for pid, rb in sorted(BASES.items())
    for i, (first, last) in enumerate(versions(rb))
    for day in transitions(rb.profile.zone, first + timedelta(days=3), last)
]


def test_every_zone_of_the_registry_has_clock_changes_covered() -> None:
    assert {BASES[pid].profile.zone for pid, _, _ in DST} == {
        rb.profile.zone
        for rb in BASES.values()
        if transitions(rb.profile.zone, date(2025, 1, 1), date(2026, 1, 1))
    }


@pytest.mark.parametrize(("pid", "index", "day"), DST, ids=str)
def test_a_hold_across_a_clock_change_counts_elapsed_hours(pid: str, index: int, day: date) -> None:
    rulebook = BASES[pid]
    zone = rulebook.profile.zone
    tz = ZoneInfo(zone)
    re = datetime.combine(day - timedelta(days=1), time(12), tz)
    findings = judge(pid, hold(pid, re, zone), re + timedelta(days=5))
    held = [f for f in findings if f.rule.split(".")[0] in HOLD_RULES and f.kind != "review"]
    assert held, (pid, day, [f.code for f in findings])
    re_utc = re.astimezone(UTC)
    window = re_utc + timedelta(hours=48)
    limit = rulebook.criteria
    if isinstance(limit, HoldLimit):
        window = min(window, limit.limit(re, tz)[0].astimezone(UTC))
    for f in findings:
        if f.ended_at is not None and f.duration_seconds is not None:
            elapsed = f.ended_at.astimezone(UTC) - f.violation_at.astimezone(UTC)
            assert f.duration_seconds == int(elapsed.total_seconds()), (pid, f.code)
        at = f.violation_at.astimezone(UTC)
        if f.code == "HOLD_OVER_WINDOW":
            assert at == window, (pid, day, f.violation_at)
        elif f.code in ("HOLD_BARRED", "HOLD_NOT_ELIGIBLE", "HOLD_WITHOUT_JUDICIAL_ORDER"):
            assert at == re_utc, (pid, f.code)
            if f.code == "HOLD_BARRED":
                assert f.duration_seconds == int(HELD.total_seconds()), pid
        elif f.code == "RELEASE_TIME_LIMIT_EXCEEDED":
            assert at == re_utc - BOND_BEFORE_RE + timedelta(hours=6), pid


OVERLAYS = [
    e for e in entries() if e.kind == "overlay" and isinstance(e.data, Overlay)
]  # built-in ones; a deployment's are checked in test_local_overlays


@pytest.mark.parametrize("entry", OVERLAYS, ids=lambda e: e.id)
def test_show_states_every_overlay_duty_as_its_data(entry: object) -> None:
    data = getattr(entry, "data", None)
    assert isinstance(data, Overlay)
    text = markdown(book(f"{data.applies_to}+{data.id}"))
    section = text.split(f"## Overlay {data.id}")[1].split("\n## ")[0]
    assert f"- In force: {span(data.valid_from, None)}\n" in section
    for duty in data.duties:
        for part in (duty.text, duty.citation, duty.source):
            assert md(part) in section, (data.id, part)
        for code in duty.codes:
            assert f"`{code}`" in section
