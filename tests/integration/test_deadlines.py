"""`/api/v1/deadlines.ics` over real HTTP on a real Redis, fed by the real monitor: the
feed parses back with `icalendar` and holds the instants the law gives; a deadline that
moves keeps its UID; an ended hold drops; roles and secret URLs. Also the AsyncAPI route."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from holdwatch.bootstrap import build
from holdwatch.entrypoints.stream_doc import document
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, _tokens_file, api_process, serving
from integration.conftest import make_settings
from keyspace import delete_prefix
from story import Story

LEAD = timedelta(hours=6)
#: a fixed instant: elapsed hours are exact (48 under the I-247A), whatever day it runs
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
E1 = NOW - timedelta(hours=10)  # eligible; deadline E1 + 48 h, still ahead
E2 = NOW - timedelta(hours=60)  # eligible; deadline passed 12 h ago


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def _story(agency: str, booking: str, eligible: datetime) -> Story:
    return (
        Story(agency=agency, booking=booking)
        .booked(_iso(eligible - timedelta(hours=30)))
        .detainer(_iso(eligible - timedelta(hours=20)))
        .eligible(_iso(eligible))
    )


async def _judge(settings: Settings, events: list[dict[str, Any]]) -> None:
    """The events into the stream, then through the real monitor, as of NOW."""
    service = build(settings, clock=lambda: NOW)
    s, r = service.settings, service.redis
    await service.ensure_groups()
    for event in events:
        await r.xadd(s.events_stream, {"event": json.dumps(event)})
    reply: Any = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=100)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    await r.aclose()


@dataclass
class Feed:
    url: str
    settings: Settings

    def get(self, path: str, role: str | None = "defender") -> httpx.Response:
        headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
        return httpx.get(self.url + path, headers=headers, timeout=10)

    def send(self, method: str, path: str, role: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {TOKENS[role]}"}
        return httpx.request(method, self.url + path, headers=headers, timeout=10)

    def events(self, role: str = "defender", path: str = "/api/v1/deadlines.ics") -> dict[str, Any]:
        r = self.get(path, role)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/calendar")
        cal = Calendar.from_ical(r.content)
        return {str(e["UID"]): e for e in cal.walk("VEVENT")}

    def judge(self, *stories: Story) -> None:
        asyncio.run(_judge(self.settings, [e for s in stories for e in s.events]))


@pytest.fixture
def feed(redis_url: str, tmp_path: Path) -> Iterator[Feed]:
    prefix = f"hwt-{uuid.uuid4().hex[:10]}"
    settings = make_settings(
        redis_url,
        prefix,
        tmp_path,
        api_tokens_file=_tokens_file(tmp_path / "tokens.toml"),
        warning_lead=LEAD,
    )
    f = Feed("", settings)
    f.judge(_story("pierce", "CP1", E1), _story("pierce", "CP2", E2), _story("kcso", "CK1", E1))
    with serving(settings, lambda: NOW) as url:
        f.url = url
        yield f
    delete_prefix(redis_url, prefix)


def _by_kind(events: dict[str, Any], kind: str) -> dict[str, Any]:
    return {uid: e for uid, e in events.items() if uid.startswith(kind + "-")}


def test_the_feed_holds_each_deadline_and_its_warning_at_the_right_instant(feed: Feed) -> None:
    events = feed.events()
    deadlines = _by_kind(events, "hold-deadline")
    warnings = _by_kind(events, "hold-warning")
    starts = sorted(e.decoded("DTSTART") for e in deadlines.values())
    assert starts == [E2 + timedelta(hours=48), E1 + timedelta(hours=48)]  # the I-247A's 48 h
    assert all(s.utcoffset() == timedelta(0) for s in starts)
    # a warning only for the deadline still ahead, the lead before it
    assert [e.decoded("DTSTART") for e in warnings.values()] == [E1 + timedelta(hours=48) - LEAD]
    passed = next(e for e in deadlines.values() if e.decoded("DTSTART") < NOW)
    assert str(passed["SUMMARY"]).startswith("Hold deadline passed")
    # the defender's client is named; the jail's local time is in the description
    assert all("Test Person" in str(e["SUMMARY"]) for e in events.values())
    assert "PST" in str(passed["DESCRIPTION"])


def test_a_defender_sees_its_agencies_and_oversight_sees_no_name(feed: Feed) -> None:
    mine = feed.events()
    assert len(mine) == 3 and all("pierce/" in str(e["SUMMARY"]) for e in mine.values())
    everyone = feed.events("oversight")
    assert len(everyone) == 5 and any("kcso/CK1" in str(e["SUMMARY"]) for e in everyone.values())
    text = feed.get("/api/v1/deadlines.ics", "oversight").text
    assert "Test Person" not in text
    assert feed.get("/api/v1/deadlines.ics", None).status_code == 401
    audit = feed.get("/api/v1/audit-log", "admin").json()
    reads = [a for a in audit if a["action"] == "deadlines"]
    assert {a["target"] for a in reads} == {"pierce/CP1", "pierce/CP2"}
    assert {a["who"] for a in reads} == {"defender-1"}  # oversight's read named no one


def test_a_deadline_that_moves_keeps_its_uid_and_an_ended_hold_drops(feed: Feed) -> None:
    before = _by_kind(feed.events(), "hold-deadline")
    (uid,) = [u for u, e in before.items() if e.decoded("DTSTART") > NOW]
    # eligibility revoked (a new charge), then eligible again 3 h later: the deadline moves
    later = E1 + timedelta(hours=3)
    moved = Story(agency="pierce", booking="CP1")
    revoked = _iso(E1 + timedelta(hours=1))
    moved.add("release.eligibility_revoked", revoked, {"reason": "new charge"}, id="CP1-e8")
    moved.add("release.eligible", _iso(later), {"reason": "bond_posted"}, id="CP1-e9")
    feed.judge(moved)
    after = _by_kind(feed.events(), "hold-deadline")
    assert set(after) == set(before)
    assert after[uid].decoded("DTSTART") == later + timedelta(hours=48)
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
    feed.judge(Story(agency="pierce", booking="CP1").add(
        "custody.released", _iso(NOW - timedelta(minutes=5)), {"to": "public"}, id="CP1-e10"
    ))  # fmt: skip
    left = feed.events()
    assert uid not in left and not _by_kind(left, "hold-warning")
    assert len(_by_kind(left, "hold-deadline")) == 1  # CP2, still held past its deadline
    # ICE cancels CP2's detainer: no hold left, and the feed is empty
    cancel = Story(agency="pierce", booking="CP2")
    feed.judge(cancel.add("detainer.cancelled", _iso(NOW - timedelta(minutes=1)),
                          {"detainer_id": "D1"}, id="CP2-e9"))  # fmt: skip
    assert feed.events() == {}
    assert len(feed.events("oversight")) == 2  # kcso's CK1 is still held


def test_a_secret_url_works_as_its_token_until_revoked(feed: Feed) -> None:
    assert feed.get("/api/v1/deadlines/not-a-secret.ics", None).status_code == 404
    issued = feed.send("POST", "/api/v1/deadlines/secret", "oversight")
    assert issued.status_code == 200
    path = issued.json()["path"]
    assert path.startswith("/api/v1/deadlines/") and path.endswith(".ics")
    by_secret = feed.events(path=path)  # no header needed
    assert set(by_secret) == set(feed.events("oversight"))
    assert "Test Person" not in feed.get(path, None).text  # the oversight token's view
    wrong = path.replace("/api/v1/deadlines/", "/api/v1/deadlines/x")
    assert feed.get(wrong, None).status_code == 404
    again = feed.send("POST", "/api/v1/deadlines/secret", "oversight").json()["path"]
    assert feed.get(path, None).status_code == 404  # a new secret revokes the old
    assert feed.get(again, None).status_code == 200
    assert feed.send("POST", "/api/v1/deadlines/secret/revoke", "oversight").status_code == 204
    assert feed.get(again, None).status_code == 404
    assert feed.send("POST", "/api/v1/deadlines/secret", "defender").status_code == 200
    assert httpx.post(feed.url + "/api/v1/deadlines/secret", timeout=10).status_code == 401


def test_a_secret_url_is_never_logged_and_dies_with_its_token(feed: Feed, tmp_path: Path) -> None:
    with api_process(feed.settings, tmp_path / "api.log") as api:
        headers = {"Authorization": f"Bearer {TOKENS['defender']}"}
        path = httpx.post(api.url + "/api/v1/deadlines/secret", headers=headers).json()["path"]
        secret = path.rsplit("/", 1)[1].removesuffix(".ics")
        assert httpx.get(api.url + path).status_code == 200
    lines = (tmp_path / "api.log").read_text().splitlines()
    assert any("/api/v1/deadlines/[secret].ics" in line for line in lines)
    assert not any(secret in line for line in lines)
    # the token leaves the tokens file: its secret URL opens nothing
    tokens = feed.settings.api_tokens_file
    assert tokens is not None
    text = tokens.read_text()
    kept = [b for b in text.split("[[tokens]]") if b.strip() and '"defender-1"' not in b]
    tokens.write_text("".join(f"[[tokens]]{b}" for b in kept))
    assert "defender-1" not in tokens.read_text() and "oversight-1" in tokens.read_text()
    with api_process(feed.settings, tmp_path / "api2.log") as api:
        assert httpx.get(api.url + path).status_code == 404


def test_the_api_serves_the_asyncapi_document_without_a_token(feed: Feed) -> None:
    r = feed.get("/api/v1/asyncapi.json", None)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == document()
