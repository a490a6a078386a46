"""Personal data by allowlist, end to end: events carrying distinctive personal values, in
fields the contract names and in fields it does not, go through a real `holdwatch monitor`
process; then every oversight response of a real `holdwatch api` process (each JSON route,
the page, the report in every format), every log line of both and the monitor's /metrics
are searched for each value. None may appear; and what the contract does not name is not
stored in Redis at all."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from holdwatch.adapters.keys import Keys
from holdwatch.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from integration.conftest import env_for, make_settings
from integration.test_monitor_reliability import free_port
from keyspace import delete_prefix
from stored_bookings import booking_sync
from story import Story

TOKENS = {"defender": "tok-pd-lasd", "oversight": "tok-oversight-1"}

#: Personal values in fields the contract names (shown to defenders, never to oversight).
KNOWN = {
    "name": "Ximena Quortle",
    "date_of_birth": "1979-04-13",
    "a_number": "A208814473",
    "evidence": "passport no. QZ8812",
    "charge description": "took a bike from Ms. Vexley",
    "revocation reason": "remanded per Deputy Ramsbottom",
    "ack note": "visited Ms. Quortle in pod 7",
}
#: Values in attributes the contract does not name: dropped at ingest, stored nowhere.
UNKNOWN = {
    "first_name": "Ximena-first",
    "last_name": "Quortle-last",
    "ssn": "219-09-9999",
    "aliases": "Xiq Alias-Zed",
    "address": "42 Wallaby Way, Yarrow",
    "next_of_kin": "Kinsley Fennimore",
    "envelope": "Envelope-Secret-Attr",
    "charge": "Charge-Side-Note",
}
UNKNOWN_PERSON = {
    "first_name": UNKNOWN["first_name"],
    "last_name": UNKNOWN["last_name"],
    "ssn": UNKNOWN["ssn"],
    "aliases": [UNKNOWN["aliases"]],
}


def _events() -> list[dict[str, Any]]:
    eligible = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=50)
    at = {h: (eligible + timedelta(hours=h)).isoformat() for h in (-5, -2, -1, 0, 1)}
    held = (
        Story(agency="lasd", booking="PD1")
        .booked(at[-5], facility="Twin Towers")
        .detainer(at[-2])
        .add(
            "citizenship.claimed",
            at[-1],
            {"kind": "us_citizen", "evidence": KNOWN["evidence"], "address": UNKNOWN["address"]},
        )
        .eligible(at[0])
    )
    revoked = (
        Story(agency="lasd", booking="PD2")
        .booked(at[-5], facility="Twin Towers")
        .eligible(at[-2])
        .add("release.eligibility_revoked", at[-1], {"reason": KNOWN["revocation reason"]})
    )
    events = held.events + revoked.events
    for e in events:
        e["extra_attribute"] = UNKNOWN["envelope"]
        if e["type"] == "booking.created":
            data = e["data"]
            data["person"].update(
                name=KNOWN["name"],
                date_of_birth=KNOWN["date_of_birth"],
                a_number=KNOWN["a_number"],
                **UNKNOWN_PERSON,
            )
            data["address"] = UNKNOWN["address"]
            data["next_of_kin"] = {"name": UNKNOWN["next_of_kin"], "ssn": UNKNOWN["ssn"]}
            data["charges"][0].update(
                description=KNOWN["charge description"], side_note=UNKNOWN["charge"]
            )
    return events


class Process:
    """One holdwatch command, its output in a file (a pipe nobody reads would block it)."""

    def __init__(self, command: str, env: dict[str, str], port: int, ready: str) -> None:
        self.port = port
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "holdwatch.entrypoints.cli", command],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        end = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, self.output()
            try:
                if httpx.get(self.url + ready, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < end, self.output()
            time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.output()


def _tokens_file(path: Path) -> Path:
    entries = []
    for role, token in TOKENS.items():
        agencies = '["lasd"]' if role == "defender" else "[]"
        digest = hashlib.sha256(token.encode()).hexdigest()
        entries.append(
            f'[[tokens]]\nname = "{role}-1"\nrole = "{role}"\nagencies = {agencies}\n'
            f'sha256 = "{digest}"\n'
        )
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


@pytest.fixture
def settings(redis_url: str, tmp_path: Path) -> Iterator[Settings]:
    prefix = f"hwt-pii-{int(time.time() * 1000) % 10**8}"
    yield make_settings(
        redis_url,
        prefix,
        tmp_path,
        api_tokens_file=_tokens_file(tmp_path / "tokens.toml"),
        log_level="DEBUG",  # the most the services ever write
    )
    delete_prefix(redis_url, prefix)


def _bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[str(a["name"])] = a.get("value") or ""


def _oversight_pages(api: Process) -> str:
    """The page as oversight sees it, signed in through the login form (its hidden
    fields, if any, sent back, as a browser would)."""
    with httpx.Client(base_url=api.url, follow_redirects=True, timeout=10) as web:
        form = _HiddenInputs()
        form.feed(web.get("/").text)
        fields = {**form.fields, "token": TOKENS["oversight"]}
        page = web.post("/login", data=fields, headers={"Origin": api.url})
        assert page.status_code == 200 and "Open findings" in page.text, page.text[:500]
        return page.text + web.get("/findings").text


def _search(where: str, text: str, values: dict[str, str]) -> list[str]:
    return [f"{where}: {what}" for what, value in values.items() if value in text]


def test_no_personal_value_reaches_oversight_logs_or_metrics(
    settings: Settings, redis_url: str
) -> None:
    env = env_for(settings)
    monitor_port, api_port = free_port(), free_port()
    monitor = Process(
        "monitor", {**env, "HOLDWATCH_HTTP_PORT": str(monitor_port)}, monitor_port, "/readyz"
    )
    api = Process("api", {**env, "HOLDWATCH_API_HTTP_PORT": str(api_port)}, api_port, "/healthz")
    client = redis.Redis.from_url(redis_url)
    try:
        for event in _events():
            client.xadd(settings.events_stream, {"event": json.dumps(event)})
        end = time.monotonic() + 60
        while not any(
            b"HOLD_OVER_WINDOW" in v for v in client.hvals(f"{settings.key_prefix}:findings:open")
        ):
            assert time.monotonic() < end, monitor.output()[-3000:]
            time.sleep(0.1)
        time.sleep(0.5)  # the last batch (the revocation) committed too

        def get(path: str, role: str = "oversight", **params: str) -> httpx.Response:
            r = httpx.get(api.url + path, headers=_bearer(role), params=params, timeout=10)
            assert r.status_code in (200, 403), (path, r.status_code, r.text[:300])
            return r

        hold = next(
            f["finding"]["finding_id"]
            for f in get("/api/v1/findings", "defender").json()
            if f["finding"]["code"] == "HOLD_OVER_WINDOW"
        )
        acked = httpx.post(
            f"{api.url}/api/v1/findings/{hold}/ack",
            headers=_bearer("defender"),
            json={"note": KNOWN["ack note"]},
            timeout=10,
        )
        assert acked.status_code == 200

        # The search means something: defenders are shown every known value.
        defender = (
            "".join(get(f"/api/v1/bookings/lasd/{b}", "defender").text for b in ("PD1", "PD2"))
            + get("/api/v1/findings", "defender").text
        )
        assert _search("defender", defender, KNOWN) == [f"defender: {k}" for k in KNOWN]

        # Every GET route of the API, as oversight.
        document = httpx.get(api.url + "/openapi.json", headers=_bearer("oversight"), timeout=10)
        routes = {p for p, ops in document.json()["paths"].items() if "get" in ops}
        period = {"from": "2000-01-01", "to": "2100-01-01"}
        responses = {
            "/api/v1/findings": [get("/api/v1/findings")],
            "/api/v1/holds": [get("/api/v1/holds")],
            "/api/v1/bookings/{agency}/{booking_id}": [
                get(f"/api/v1/bookings/lasd/{b}") for b in ("PD1", "PD2")
            ],
            "/api/v1/report": [
                get("/api/v1/report", **period, format=f) for f in ("json", "md", "csv", "html")
            ],
            "/api/v1/audit-log": [get("/api/v1/audit-log")],
            "/api/v1/deadlines.ics": [get("/api/v1/deadlines.ics")],
        }
        assert routes == set(responses), "a new GET route: add it to this search"
        oversight = {f"GET {r.request.url}": r.text for found in responses.values() for r in found}
        secret = httpx.post(
            api.url + "/api/v1/deadlines/secret", headers=_bearer("oversight"), timeout=10
        ).json()["path"]
        oversight["GET the secret calendar URL"] = httpx.get(api.url + secret, timeout=10).text
        assert "BEGIN:VEVENT" in oversight["GET the secret calendar URL"]
        timeline = responses["/api/v1/bookings/{agency}/{booking_id}"][0].json()
        assert timeline["events"] and any(f["acknowledgement"] for f in timeline["findings"])
        refused = httpx.post(
            f"{api.url}/api/v1/findings/{hold}/ack",
            headers=_bearer("oversight"),
            json={"note": KNOWN["ack note"]},
            timeout=10,
        )
        assert refused.status_code == 403
        oversight["POST ack as oversight"] = refused.text
        oversight["page"] = _oversight_pages(api)
        assert "Acknowledged by defender-1" in oversight["page"]
        metrics = httpx.get(monitor.url + "/metrics", timeout=10).text
        assert "holdwatch_holds_active" in metrics
    finally:
        logs = {"monitor log": monitor.stop(), "api log": api.stop()}
        client_keys = _stored(client, settings)
        client.close()

    found = _search("defender", defender, UNKNOWN)  # not even defenders: it was dropped
    for where, text in {**oversight, **logs, "/metrics": metrics}.items():
        found += _search(where, text, {**KNOWN, **UNKNOWN})
    assert found == [], "\n".join(found)

    # Not stored at all: every key the monitor, the API and the notifier keep (the
    # producer's own events stream aside), each booking's history first (decoded: it is
    # stored deflated, where a search of the bytes would find nothing).
    histories = {k: v for k, v in client_keys.items() if f"{settings.key_prefix}:b:" in k}
    assert len(histories) == 2 and KNOWN["name"] in "".join(histories.values())
    stored = _search("redis", "".join(client_keys.values()), UNKNOWN)
    assert stored == []


def _stored(c: redis.Redis, s: Settings) -> dict[str, str]:
    """Every key under the prefix but the events stream, its contents as text."""
    out: dict[str, str] = {}
    for raw_key in c.scan_iter(match=f"{s.key_prefix}*", count=1000):
        key = raw_key.decode()
        if key == s.events_stream:
            continue
        kind = c.type(key).decode()
        value: Any
        if kind == "hash":
            value = c.hgetall(key)
        elif kind == "stream":
            value = c.xrange(key)
        elif kind == "zset":
            value = c.zrange(key, 0, -1, withscores=True)
        elif kind == "string" and key.startswith(f"{s.key_prefix}:b:"):
            tag = key.removeprefix(f"{s.key_prefix}:b:")
            snap = booking_sync(c, Keys(s.key_prefix), tag)
            value = [snap.history, snap.ledger]
        elif kind == "string":
            value = c.get(key)
        elif kind == "list":
            value = c.lrange(key, 0, -1)
        else:
            value = c.smembers(key)
        out[key] = repr(value)
    return out
