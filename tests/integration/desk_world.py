"""A seeded history for the triage desk, judged by the real monitor on a real Redis, and
the API serving it: people held unlawfully (one for longer), a hold whose deadline is
ahead, a detainer with no hold running yet (only an advisory), and an agency the
defender's token does not reach. `add_booking` judges one more booking while the page is
open, as the live monitor would."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from holdwatch.bootstrap import build
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import serving
from integration.conftest import make_settings
from keyspace import delete_prefix
from story import Story

TOKENS = {"defender": "tok-desk-defender", "oversight": "tok-desk-oversight"}
#: Pierce County's jail judged by Washington's Keep Washington Working Act (holds barred);
#: King County's by the federal floor (a 48-hour window)
AGENCIES = '[agencies.pierce]\nprofile = "wa-kww"\n[agencies.king]\nprofile = "us-federal"\n'
ZONE = "America/Los_Angeles"


@dataclass
class DeskWorld:
    url: str
    settings: Settings
    now: datetime

    def api(self, path: str, role: str = "defender") -> Any:
        headers = {"Authorization": f"Bearer {TOKENS[role]}"}
        r = httpx.get(self.url + path, headers=headers, timeout=10)
        r.raise_for_status()
        return r.json()

    def add_booking(self, agency: str, booking: str, eligible_hours_ago: float) -> None:
        _run(_judge(self.settings, [_held(agency, booking, self.now, eligible_hours_ago)]))

    def release(self, agency: str, booking: str) -> None:
        """The person walks out now: the hold ends, and with it the booking's card."""
        story = Story(agency=agency, booking=booking, zone=ZONE, source=f"urn:jms:{agency}")
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        story.add("custody.released", at, {"to": "public"}, id=f"{booking}-released")
        _run(_judge(self.settings, [story]))


def _held(agency: str, booking: str, now: datetime, eligible_hours_ago: float | None) -> Story:
    """Booked, an I-247A detainer, and (when given) eligible for release that long ago."""
    story = (
        Story(agency=agency, booking=booking, zone=ZONE, source=f"urn:jms:{agency}")
        .booked((now - timedelta(hours=80)).isoformat(), facility=f"{agency.title()} Jail")
        .detainer((now - timedelta(hours=70)).isoformat())
    )
    if eligible_hours_ago is not None:
        story.eligible((now - timedelta(hours=eligible_hours_ago)).isoformat())
    story.events[0]["data"]["person"]["name"] = f"Name Of {booking}"
    return story


async def _judge(settings: Settings, stories: list[Story]) -> None:
    service = build(settings)
    s, r = service.settings, service.redis
    await service.ensure_groups()
    for story in stories:
        for event in story.events:
            await r.xadd(s.events_stream, {"event": json.dumps(event)})
    reply: Any = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=1000)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    await r.aclose()


def _run(job: Coroutine[Any, Any, None]) -> None:
    """Run `job` in a thread of its own: Playwright's sync API keeps a loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, job).result()


def _tokens(path: Path) -> Path:
    rows = [("defender", '["pierce", "king"]'), ("oversight", "[]")]
    path.write_text(
        "\n".join(
            f'[[tokens]]\nname = "{role}-desk"\nrole = "{role}"\nagencies = {agencies}\n'
            f'sha256 = "{hashlib.sha256(TOKENS[role].encode()).hexdigest()}"\n'
            for role, agencies in rows
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def desk_world(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskWorld]:
    tmp = tmp_path_factory.mktemp("desk")
    prefix = f"hwt-{uuid.uuid4().hex[:10]}"
    (tmp / "agencies.toml").write_text(AGENCIES, encoding="utf-8")
    settings = make_settings(
        redis_url,
        prefix,
        tmp,
        api_tokens_file=_tokens(tmp / "tokens.toml"),
        agencies_file=tmp / "agencies.toml",
    )
    now = datetime.now(UTC).replace(microsecond=0)
    stories = [
        _held("pierce", "P-SHORT", now, 5),  # held unlawfully for 5 h
        _held("pierce", "P-LONG", now, 30),  # held unlawfully for 30 h: the first card
        _held("pierce", "P-WAIT", now, None),  # a detainer, no hold running: advisory only
        _held("king", "K-SOON", now, 40),  # 48 h window: 8 h left
        _held("king", "K-LATER", now, 10),  # 38 h left
        _held("yakima", "Y-1", now, 30),  # not the defender's agency
    ]
    _run(_judge(settings, stories))
    with serving(settings, lambda: datetime.now(UTC)) as url:
        yield DeskWorld(url, settings, now)
    delete_prefix(redis_url, prefix)
