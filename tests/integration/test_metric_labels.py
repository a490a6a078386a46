"""Facility and agency names are producers' text and metric labels: however many a producer
sends, the monitor's /metrics keeps a bounded number of series (app/agencies.py)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from holdwatch.adapters.metrics import render
from holdwatch.app.agencies import UNDECLARED_LABELS
from holdwatch.bootstrap import build
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import make_settings
from story import Story

AGENCIES = """
[agencies.lasd]
profile = "us-federal"
facilities = ["Twin Towers", "Men's Central Jail"]

[agencies.kcso]
profile = "us-federal"
"""


async def _feed(settings: Settings, places: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """One held booking per place through the real monitor; the holds gauge's series."""
    service = build(settings)
    s, r = service.settings, service.redis
    eligible = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    await service.ensure_groups()
    for n, (agency, facility) in enumerate(places):
        story = (
            Story(agency=agency, booking=f"B{n}")
            .booked((eligible - timedelta(hours=5)).isoformat(), facility=facility)
            .detainer((eligible - timedelta(hours=2)).isoformat())
            .eligible(eligible.isoformat())
        )
        for event in story.events:
            await r.xadd(s.events_stream, {"event": json.dumps(event)})
    # One batch: nothing left unread holds the judging instant back (adapters/frontier.py).
    reply: Any = await r.xreadgroup(s.group, s.consumer, {s.events_stream: ">"}, count=10**6)
    await service.monitor.on_events([(i.decode(), f) for i, f in reply[0][1]])
    text = (await render(service.registry, service.state)).decode()
    await r.aclose()
    series: dict[tuple[str, str], int] = {}
    for family in text_string_to_metric_families(text):
        if family.name == "holdwatch_holds_active":
            for sample in family.samples:
                series[(sample.labels["agency"], sample.labels["facility"])] = int(sample.value)
    return series


def test_five_hundred_facility_names_make_a_bounded_number_of_series(
    redis_url: str, prefix: str, tmp_path: Path
) -> None:
    agencies = tmp_path / "agencies.toml"
    agencies.write_text(AGENCIES, encoding="utf-8")
    settings = make_settings(redis_url, prefix, tmp_path, agencies_file=agencies)
    places = [("lasd", "Twin Towers")] + [("lasd", f"=cmd|{n}") for n in range(500)]
    places += [("kcso", f"Facility {n:03}") for n in range(500)]
    places += [(f"rogue-{a}", f"F{f}") for a in range(100) for f in range(5)]
    series = asyncio.run(_feed(settings, places))

    by_agency = Counter(a for a, _f in series)
    # declared facilities keep their names; the rest of that agency is `other`
    assert {f for a, f in series if a == "lasd"} == {"Twin Towers", "other"}
    assert series[("lasd", "Twin Towers")] == 1 and series[("lasd", "other")] == 500
    # no list: the first names seen, then `other`
    assert by_agency["kcso"] == UNDECLARED_LABELS + 1
    assert series[("kcso", "other")] == 500 - UNDECLARED_LABELS
    # agencies the file does not name are bounded alike, and so are their facilities
    rogue = {a for a in by_agency if a.startswith("rogue-")}
    assert len(rogue) == UNDECLARED_LABELS
    assert series[("other", "other")] == (100 - UNDECLARED_LABELS) * 5
    assert sum(series.values()) == len(places)  # every hold is counted, under some label
    assert len(series) <= 2 + (UNDECLARED_LABELS + 1) + UNDECLARED_LABELS * 5 + 1
