"""`holdwatch api` over real HTTP (uvicorn on a loopback port) on a real Redis, fed by the
real monitor; then schemathesis checks every operation against the published OpenAPI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.api_world import TOKENS, World, world

__all__ = ["world"]  # the module-scoped fixture, shared with the page test


def test_every_route_wants_a_valid_token(world: World) -> None:
    assert world.get("/api/v1/findings", role=None).status_code == 401
    r = httpx.get(world.url + "/api/v1/holds", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert world.get("/healthz", role=None).status_code == 200


def test_defenders_see_their_agencies_and_oversight_sees_all(world: World) -> None:
    mine = world.get("/api/v1/findings").json()
    assert mine and {f["finding"]["agency"] for f in mine} == {"pierce"}
    everyone = world.get("/api/v1/findings", role="oversight").json()
    assert {f["finding"]["agency"] for f in everyone} == {"pierce", "kcso"}
    holds = world.get("/api/v1/findings", code="HOLD_OVER_WINDOW").json()
    assert [f["finding"]["finding_id"] for f in holds] == [world.hold_finding]
    assert world.get("/api/v1/findings", severity="info", agency="kcso").json() == []


def test_active_holds_show_who_is_past_the_deadline(world: World) -> None:
    holds = world.get("/api/v1/holds").json()
    assert [(h["agency"], h["booking_id"], h["past_deadline"]) for h in holds] == [
        ("pierce", "AP1", True)
    ]
    assert holds[0]["detainers"] == [{"form": "I-247A", "warrant": "I-200"}]
    assert len(world.get("/api/v1/holds", role="oversight").json()) == 2


def test_timeline_shows_personal_data_to_defenders_only_and_logs_each_read(world: World) -> None:
    before = world.get("/api/v1/audit-log", role="admin").json()
    seen = world.get("/api/v1/bookings/pierce/AP1").json()
    booked = next(e for e in seen["events"] if e["type"] == "booking.created")
    assert booked["data"]["person"]["name"] == "Test Person" and seen["personal_data"]
    assert [f["finding"]["code"] for f in seen["findings"]].count("HOLD_OVER_WINDOW") == 1
    assert all(f["finding"]["explanation"] and f["finding"]["citation"] for f in seen["findings"])
    after = world.get("/api/v1/audit-log", role="admin").json()
    assert len(after) == len(before) + 1
    assert after[0]["who"] == "defender-1" and after[0]["target"] == "pierce/AP1"
    assert "Test Person" not in str(after)

    hidden = world.get("/api/v1/bookings/pierce/AP1", role="oversight").json()
    person = next(e for e in hidden["events"] if e["type"] == "booking.created")["data"]["person"]
    assert person == {"person_id": "P-AP1"} and not hidden["personal_data"]
    assert len(world.get("/api/v1/audit-log", role="admin").json()) == len(after)

    assert world.get("/api/v1/bookings/kcso/AK1").status_code == 403
    assert world.get("/api/v1/bookings/pierce/NOPE").status_code == 404
    assert world.get("/api/v1/audit-log").status_code == 403


def test_acknowledging_a_finding(world: World) -> None:
    path = f"/api/v1/findings/{world.hold_finding}/ack"
    first = world.post(path, "defender", {"note": "called the jail"})
    assert first.status_code == 200 and first.json()["first"] is True
    again = world.post(path, "admin", {"note": "me too"})
    assert again.json()["first"] is False
    assert again.json()["acknowledgement"]["by"] == "defender-1"  # the first one stands
    assert world.post(path, "oversight", {}).status_code == 403
    assert world.post("/api/v1/findings/unknown/ack", "admin", {}).status_code == 404
    assert world.post(path, "defender", {"note": "x" * 2001}).status_code == 422
    listed = world.get("/api/v1/findings", code="HOLD_OVER_WINDOW").json()
    assert listed[0]["acknowledgement"]["note"] == "called the jail"


def test_schemathesis_finds_nothing_against_the_openapi_document(
    world: World, tmp_path: Path
) -> None:
    """The schemathesis CLI, every operation, every default check, as an admin.

    One allowance, for one operation: the report refuses (422) a period whose end is not
    after its start, a relation between two parameters that OpenAPI cannot state, so a
    request the document allows may be refused there, and only there."""
    st = Path(sys.executable).parent / "schemathesis"
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        '[[operations]]\ninclude-path = "/api/v1/report"\n'
        "[operations.checks.positive_data_acceptance]\n"
        'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(config),
            "run",
            world.url + "/openapi.json",
            "--header",
            f"Authorization: Bearer {TOKENS['admin']}",
            "--max-examples",
            "40",
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,  # where it keeps its replay files
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


def test_the_compliance_report_counts_and_names_no_one(world: World) -> None:
    params = {"from": "2000-01-01", "to": "2100-01-01"}
    everyone = world.get("/api/v1/report", role="oversight", **params).json()
    assert [(r["agency"], r["facility"]) for r in everyone["rows"]] == [
        ("kcso", "Men's Central Jail"),
        ("pierce", "Men's Central Jail"),
    ]
    pierce = {(m["section"], m["item"]): m["value"] for m in everyone["rows"][1]["measures"]}
    assert pierce[("Detainers", "received")] == "1"
    assert pierce[("Detainers received, by form", "I-247A")] == "1"
    assert pierce[("Holds past release eligibility on a detainer", "count")] == "1"
    assert float(pierce[("Holds past release eligibility on a detainer", "total hours")]) >= 50
    assert pierce[("Findings, by code", "HOLD_OVER_WINDOW")] == "1"
    scope = {m["item"]: m["value"] for m in everyone["scope"]}
    assert scope["Bookings seen"] == "2" and scope["Source"] == "live (Redis)"
    assert scope["Events that arrived late"] == "6"  # all dated two days before they came
    assert scope["Events that arrived out of order"] == "0"
    mine = world.get("/api/v1/report", role="defender", **params).json()
    assert [r["agency"] for r in mine["rows"]] == ["pierce"]
    for fmt, media in (("md", "text/markdown"), ("csv", "text/csv"), ("html", "text/html")):
        r = world.get("/api/v1/report", role="oversight", format=fmt, **params)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        assert "Test Person" not in r.text and "AP1" not in r.text and "P-AP1" not in r.text
    for start, end, which in (
        ("2025-02-01", "2025-01-01", "reversed"),
        ("2025-01-01",) * 2 + ("empty",),
    ):
        refused = world.get("/api/v1/report", role="oversight", **{"from": start, "to": end})
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["detail"]
        assert error["loc"] == ["query", "to"] and which in error["msg"]
