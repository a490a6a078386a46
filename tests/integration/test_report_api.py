"""The compliance report on the API over the real monitor's Redis: the same JSON document
as `holdwatch report --format json`, the analysts' appendix, the HTML under the API's
Content-Security-Policy, and a refused period or format naming the parameter."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import World, world
from integration.conftest import env_for

__all__ = ["world"]
PERIOD = {"from": "2000-01-01", "to": "2100-01-01"}
ARGS = ("--from", PERIOD["from"], "--to", PERIOD["to"], "--format", "json")


def _without_hours(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with the values that grow while a hold runs (hours to now) left out."""
    for row in doc["rows"]:
        for m in row["measures"]:
            if m["key"].endswith("hours"):
                m["value"] = "(running)"
    return doc


def test_the_apis_json_is_the_clis_document(world: World) -> None:
    api = world.get("/api/v1/report", role="oversight", **PERIOD)
    assert api.status_code == 200 and api.headers["content-type"] == "application/json"
    cli = subprocess.run(
        [sys.executable, "-m", "holdwatch.entrypoints.cli", "report", *ARGS],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env_for(world.settings),
    )
    assert cli.returncode == 0, cli.stderr
    assert _without_hours(api.json()) == _without_hours(json.loads(cli.stdout))
    keys = {m["key"] for row in api.json()["rows"] for m in row["measures"]}
    assert {"holds.count", "detainers_by_form", "findings_by_code"} <= keys


def test_the_appendix_lists_each_hold_by_pseudonym_within_the_tokens_agencies(
    world: World,
) -> None:
    everyone = world.get("/api/v1/report", role="oversight", format="csv", detail="holds", **PERIOD)
    assert everyone.status_code == 200 and everyone.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(everyone.text)))
    assert sorted(r["agency"] for r in rows) == ["kcso", "pierce"]
    assert all(r["lawful"] == "no" and r["why"].startswith("HOLD_OVER_WINDOW: ") for r in rows)
    assert all(r["ended_by"] == "still held" and float(r["hours"]) >= 50 for r in rows)
    for secret in ("AP1", "AK1", "P-AP1", "Test Person"):
        assert secret not in everyone.text
    mine = world.get("/api/v1/report", role="defender", format="json", detail="holds", **PERIOD)
    assert [h["agency"] for h in mine.json()["holds"]] == ["pierce"]
    counted = world.get("/api/v1/report", role="defender", **PERIOD).json()
    (row,) = counted["rows"]
    values = {m["key"]: m["value"] for m in row["measures"]}
    assert values["holds.count"] == "1" and values["holds.with_unlawful_finding"] == "1"


def test_the_html_links_its_stylesheet_for_the_csp_and_the_stylesheet_is_public(
    world: World,
) -> None:
    page = world.get("/api/v1/report", role="oversight", format="html", **PERIOD)
    assert page.status_code == 200
    assert "style-src 'self'" in page.headers["content-security-policy"]
    assert '<link rel="stylesheet" href="/api/v1/report.css">' in page.text
    assert "<style" not in page.text and " style=" not in page.text
    assert page.text.count('<svg role="img"') >= 3
    css = world.get("/api/v1/report.css", role=None)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media print" in css.text


def test_a_detail_in_a_format_it_has_none_in_is_refused_naming_the_parameter(
    world: World,
) -> None:
    refused = world.get("/api/v1/report", role="oversight", format="html", detail="holds", **PERIOD)
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["query", "detail"]
    assert "only with format csv or json" in error["msg"]
