"""The case file's pure parts (entrypoints/casefile.py): the law's version in words, an
event in words, and what the law required after each event, re-run from the rulebook."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from holdwatch.domain.contract import parse_event
from holdwatch.entrypoints.casefile import _required, _same_as_recorded, _summary, law_version
from holdwatch.policy.registry import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from story import Story


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ("wa-kww@2019-05-21", "wa-kww, as in force from 2019-05-21"),
        ("ca-sb54+lasd-2020@2018-01-01", "ca-sb54+lasd-2020, as in force from 2018-01-01"),
        ("unversioned", "unversioned"),
    ],
)
def test_law_version(policy: str, words: str) -> None:
    assert law_version(policy) == words


@pytest.mark.parametrize(
    ("profile", "recorded", "kept"),
    [
        ("wa-kww", "wa-kww@2019-05-21", True),
        ("wa-kww", None, True),
        ("us-federal", "wa-kww@2019-05-21", False),  # the API's agency file disagrees
        ("ca-sb54", "ca-sb54+lasd-2020@2018-01-01", False),
    ],
)
def test_the_rulebook_is_the_one_the_booking_was_judged_by(
    profile: str, recorded: str | None, kept: bool
) -> None:
    rulebook = resolve(profile)
    assert (_same_as_recorded(rulebook, recorded) is rulebook) is kept
    assert _same_as_recorded(None, recorded) is None


STORY = (
    Story(agency="king", booking="K1")
    .booked("2026-03-06T10:00:00-08:00")
    .detainer("2026-03-06T12:00:00-08:00")
    .eligible("2026-03-07T09:00:00-08:00")
)
EVENTS = [parse_event(json.dumps(e)) for e in STORY.events]


def test_what_the_law_required_after_each_event() -> None:
    after = _required(EVENTS, resolve("us-federal"), "king", "K1", "America/Los_Angeles")
    booked, detainer, eligible = after
    assert not [r for r in booked + detainer if r.hold]  # no hold runs before eligibility
    (hold,) = [r for r in eligible if r.hold]
    # 48 elapsed hours across the spring-forward night: 10:00 PDT on the wall clock
    assert hold.at == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert hold.local_time == "Mon 09 Mar 2026 10:00 PDT"
    assert hold.code == "HOLD_OVER_WINDOW"
    assert _required(EVENTS, None, "king", "K1", None) == [[], [], []]


def test_an_event_in_words() -> None:
    detainer = EVENTS[1]
    data = detainer.data.model_dump(mode="json", exclude_none=True)
    text = _summary(detainer, data)
    assert text.startswith("Immigration detainer received — ")
    assert "probable cause: pending proceedings" in text  # the contract's word, spaced
    assert "detainer id: D1" in text
    booked = EVENTS[0]
    said = _summary(booked, booked.data.model_dump(mode="json", exclude_none=True))
    assert "Test Person" not in said and "prior convictions" not in said  # no person, no []
