"""The pure parts of the live path: ledger diff, warnings, timers, agency map, entries."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from faststream.redis.parser.binary import BinaryMessageFormatV1
from hypothesis import given
from hypothesis import strategies as st

from holdwatch.adapters.entries import BadEntry, event_payload, raw_payload
from holdwatch.adapters.keys import booking_tag
from holdwatch.app.agencies import AgencyMap, UnknownAgency
from holdwatch.app.booking_cache import EMPTY, BookingCache
from holdwatch.app.judge import diff, judge
from holdwatch.domain.contract import parse_event
from holdwatch.domain.custody import History
from holdwatch.policy.registry import resolve
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


def history(story: Story) -> History:
    return History.of(parse_event(json.dumps(e)) for e in story.events)


def held(eligible: datetime, *, warrant: str = "I-200", release: datetime | None = None) -> Story:
    s = (
        Story(agency="pierce", booking="B1")
        .booked((eligible - 5 * H).isoformat())
        .detainer((eligible - 2 * H).isoformat(), warrant=warrant)
        .eligible(eligible.isoformat())
    )
    if release is not None:
        s.add("custody.released", release.isoformat(), {"to": "public"}, id="B1-out")
    return s


# --- judge: warnings, timers, custody summary ----------------------------------------------

FED = resolve("us-federal")
DEADLINE = T0 + 48 * H


@pytest.mark.parametrize(
    ("as_of", "warned", "wake_deadline", "wake_warning"),
    [
        (T0 + H, False, DEADLINE, DEADLINE - 2 * H),
        (DEADLINE - 2 * H - timedelta(seconds=1), False, DEADLINE, DEADLINE - 2 * H),
        (DEADLINE - 2 * H, True, DEADLINE, None),
        (DEADLINE - timedelta(seconds=1), True, DEADLINE, None),
        (DEADLINE + timedelta(milliseconds=1), False, None, None),  # the violation, no warning
    ],
)
def test_warning_window_and_timers(
    as_of: datetime, warned: bool, wake_deadline: datetime | None, wake_warning: datetime | None
) -> None:
    j = judge("pierce", "B1", history(held(T0)), FED, as_of, {})
    codes = [f.code for f in j.findings]
    assert ("HOLD_DEADLINE_APPROACHING" in codes) is warned
    assert ("HOLD_OVER_WINDOW" in codes) is (as_of > DEADLINE)
    assert j.wake.deadline == wake_deadline
    assert j.wake.warning == wake_warning


@pytest.mark.parametrize(
    ("warrant", "text"),
    [
        ("I-200", "only an administrative warrant (I-200) is on file"),
        ("I-205", "only an administrative warrant (I-205) is on file"),
        ("none", "no warrant of any kind is on file"),
    ],
)
def test_warning_names_the_deadline_and_the_authority_on_file(warrant: str, text: str) -> None:
    j = judge("pierce", "B1", history(held(T0, warrant=warrant)), FED, DEADLINE - H, {})
    (warning,) = [f for f in j.findings if f.code == "HOLD_DEADLINE_APPROACHING"]
    assert text in warning.explanation
    assert "Wed 05 Mar 2025 00:00 PST" in warning.explanation  # the deadline, local time
    assert warning.violation_at == DEADLINE - 2 * H
    assert (warning.kind, warning.severity, warning.status) == ("advisory", "warning", "open")


def test_warning_with_a_judicial_warrant_on_file() -> None:
    story = held(T0).warrant((T0 + H).isoformat(), "judicial_criminal_other")
    j = judge("pierce", "B1", history(story), FED, T0 + 2 * H, {})
    assert not [f for f in j.findings if f.code == "HOLD_DEADLINE_APPROACHING"]


def test_custody_summary_for_the_hold_gauges() -> None:
    running = judge("pierce", "B1", history(held(T0)), FED, T0 + H, {})
    assert running.custody is not None
    assert running.custody.hold_deadline == DEADLINE
    assert running.custody.detainers == (("I-247A", "I-200"),)
    over = judge("pierce", "B1", history(held(T0)), FED, DEADLINE + H, {})
    assert over.custody is not None and over.custody.hold_deadline == DEADLINE
    gone = judge("pierce", "B1", history(held(T0, release=DEADLINE + H)), FED, DEADLINE + 2 * H, {})
    assert gone.custody is None


def test_future_event_wakes_the_booking() -> None:
    story = Story(agency="pierce", booking="B2").booked(T0.isoformat())
    story.add("release.scheduled", T0.isoformat(), {"expected_at": (T0 + 3 * H).isoformat()})
    story.add("custody.released", (T0 + 9 * H).isoformat(), {"to": "public"}, id="B2-out")
    j = judge("pierce", "B2", history(story), FED, T0 + H, {})
    assert j.wake.deadline == T0 + 9 * H


# --- diff: what the alert stream must say --------------------------------------------------


def test_diff_new_changed_unchanged_superseded() -> None:
    open_ = judge("pierce", "B1", history(held(T0)), FED, DEADLINE + H, {})
    (over,) = [f for f in open_.findings if f.code == "HOLD_OVER_WINDOW"]
    assert [(c.finding.code, c.change) for c in open_.changes] == [("HOLD_OVER_WINDOW", "new")]
    ledger = {c.finding.finding_id: c.record for c in open_.changes}

    again = diff(ledger, open_.findings, DEADLINE + 2 * H)
    assert again == ()  # same state: nothing to emit

    closed = judge(
        "pierce", "B1", history(held(T0, release=DEADLINE + H)), FED, DEADLINE + 2 * H, ledger
    )
    assert [(c.finding.finding_id, c.change) for c in closed.changes] == [
        (over.finding_id, "changed")
    ]
    assert closed.changes[0].finding.status == "resolved"

    gone = diff(ledger, (), DEADLINE + 2 * H)
    assert [(c.finding.finding_id, c.change, c.finding.status) for c in gone] == [
        (over.finding_id, "superseded", "superseded")
    ]
    ledger[over.finding_id] = gone[0].record
    assert diff(ledger, (), DEADLINE + 3 * H) == ()  # superseded once, never again


def test_diff_never_supersedes_a_live_warning_or_a_finding_not_yet_due() -> None:
    j = judge("pierce", "B1", history(held(T0)), FED, DEADLINE - H, {})
    ledger = {c.finding.finding_id: c.record for c in j.changes}
    assert [c.finding.code for c in j.changes] == ["HOLD_DEADLINE_APPROACHING"]
    assert diff(ledger, (), DEADLINE + H) == ()
    later = judge("pierce", "B1", history(held(T0)), FED, DEADLINE + H, {})
    over = {
        c.finding.finding_id: c.record
        for c in later.changes
        if c.finding.code == "HOLD_OVER_WINDOW"
    }
    assert diff(over, (), DEADLINE - H) == ()  # judged as of before it began: not evidence


# --- agency map ----------------------------------------------------------------------------


def test_agency_map_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "agencies.toml"
    path.write_text(
        '[agencies.lasd]\nprofile = "ca-sb54+lasd-2020"\nwarning_lead_minutes = 180\n'
        '[agencies.harris]\nprofile = "tx-sb4"\n'
    )
    agencies = AgencyMap.load(path, "us-federal")
    assert agencies.profile_for("lasd").profile.id == "ca-sb54+lasd-2020"
    assert agencies.profile_for("lasd").profile.params.warning_lead == timedelta(minutes=180)
    assert agencies.profile_for("harris").profile.params.warning_lead == timedelta(hours=2)
    assert agencies.profile_for("elsewhere").profile.id == "us-federal"
    assert AgencyMap.load(path, None, timedelta(minutes=30)).profile_for(
        "harris"
    ).profile.params.warning_lead == timedelta(minutes=30)
    with pytest.raises(UnknownAgency):
        AgencyMap.load(path, None).profile_for("elsewhere")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[agencies.x]\nprofile = "nope"\n', "unknown profile 'nope'"),
        (
            '[agencies.x]\nprofil = "us-federal"\n',
            "agencies.x.profil: Extra inputs are not permitted",
        ),
        ("[agencies.x\n", "agencies file"),
        (
            '[agencies.x]\nprofile = "us-federal"\nwarning_lead_minutes = -5\n',
            "warning_lead_minutes",
        ),
    ],
)
def test_agency_map_rejects_a_bad_file_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "agencies.toml"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        AgencyMap.load(path, "us-federal")
    assert message in str(info.value)


# --- entries, keys, settings, cache ---------------------------------------------------------


async def test_entries_from_any_producer() -> None:
    body = b'{"id": "e1"}'
    assert event_payload({b"event": body}) == body
    envelope = await BinaryMessageFormatV1.encode(
        message=json.loads(body), reply_to=None, headers=None, correlation_id="c"
    )
    assert json.loads(event_payload({b"__data__": envelope})) == {"id": "e1"}
    with pytest.raises(BadEntry) as info:
        event_payload({b"payload": b"x"})
    assert info.value.reason == "no_event_field"
    assert "fields: payload" in str(info.value)
    assert raw_payload({b"a": b"1", b"b": b"2"}) == b"a=1\nb=2"


@pytest.mark.parametrize(
    ("agency", "booking", "tag"),
    [
        ("lasd", "B1", "{lasd/B1}"),
        ("lasd", None, "{lasd/}"),
        ("we}ird", "a/b{c", "{we%7Dird/a%2Fb%7Bc}"),
    ],
)
def test_booking_tag_is_one_whole_hash_tag(agency: str, booking: str | None, tag: str) -> None:
    assert booking_tag(agency, booking) == tag
    assert tag.count("{") == 1 and tag.count("}") == 1


def test_settings_refuse_colliding_stream_names() -> None:
    with pytest.raises(ValueError, match="each stream needs its own key"):
        Settings(events_stream="x", alerts_stream="x")
    with pytest.raises(ValueError, match="each stream needs its own key"):
        Settings(timers_stream="holdwatch:timers:due")


def test_cache_is_a_bounded_lru() -> None:
    cache = BookingCache(2)
    a = EMPTY.__class__(3, None, {}, {})
    assert cache.get("a") is None
    cache.put("a", a)
    cache.put("b", EMPTY)
    assert cache.get("a") is a  # now the most recently used
    cache.put("c", EMPTY)
    assert cache.get("b") is None  # evicted: least recently used
    assert cache.get("a") is a
    cache.drop("a")
    assert cache.get("a") is None


@given(st.text(), st.one_of(st.none(), st.text()))
def test_booking_tag_escapes_exactly_as_percent_quoting(agency: str, booking: str | None) -> None:
    """The fast path for plain ids must give the same tag as quoting every part."""
    quoted = quote(agency, safe="") + "/" + quote(booking or "", safe="")
    assert booking_tag(agency, booking) == "{" + quoted + "}"
