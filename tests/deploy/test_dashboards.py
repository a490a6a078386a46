"""The Grafana dashboards, checked against a real Prometheus scraping a real monitor.

A panel whose query parses but never has data is only noticed by someone staring at an empty
graph during an incident, so every panel is asked for here the way Grafana would ask:
`holdwatch monitor` and `holdwatch notify` run as processes on a real Redis, a short history
dated around now drives every metric (holds past their deadline, timers firing, releases with
and without a detainer, dead letters, webhook deliveries), the real `prometheus` binary
scrapes them every second, and each panel's PromQL goes through Prometheus's HTTP API.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import pytest
import redis
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from keyspace import delete_prefix  # type: ignore[import-not-found,unused-ignore]
from ports import free_port
from story import Story  # type: ignore[import-not-found,unused-ignore]

ROOT = Path(__file__).resolve().parents[2]

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD_DIR = GRAFANA / "dashboards"
DASHBOARD_FILES = ("holdwatch-oversight.json", "holdwatch-operations.json")
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "holdwatch.yml"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
ENSURE_TOOLS = ROOT / "deploy" / "tools" / "ensure-prometheus-tools.sh"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}

#: The job names the dashboards (and the alert rules) select; this test scrapes under them.
MONITOR_JOB = "holdwatch-monitor"
NOTIFY_JOB = "holdwatch-notify"
#: Grafana's interval variables. Prometheus lives ~20 s here, scraping every second, so a
#: 1 m window holds every sample it has; 15 s stands in for a step.
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__range": "1m", "__interval": "15s"}
#: Labels a panel may match, group by or print: closed sets, never about one person.
ALLOWED_LABELS = {
    "job",
    "instance",
    "app_name",
    "agency",
    "facility",
    "profile",
    "code",
    "change",
    "form",
    "warrant",
    "basis",
    "detainer",
    "le",
    "type",
    "outcome",
    "stream",
    "group",
    "reason",
    "handler",
    "status",
    "channel",
    "notice",
}
FORBIDDEN_SUBSTRINGS = ("booking", "person", "a_number", "anumber", "alien", "subject")
FORBIDDEN_WORDS = {"name", "first_name", "last_name", "dob", "ssn", "id", "cii", "fbi"}
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"holdwatch-dashboards-test-secret").decode()
#: Booking ids in the history fed below: no metric label value may contain one.
BOOKINGS = ("OVER", "DUE", "FREE", "SB")


# --- the dashboards as data ---------------------------------------------------------------


def _load_dashboards() -> dict[str, Any]:
    """File name -> dashboard; unreadable files are left out (a test below names them)."""
    out = {}
    for name in DASHBOARD_FILES:
        try:
            out[name] = json.loads((DASHBOARD_DIR / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return out


def _panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, rows' nested panels included."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


@dataclass(frozen=True)
class Query:
    key: str
    dashboard: str
    panel: str
    expr: str


def _substitute(expr: str, variables: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        return variables.get(name, ".*")  # a dashboard variable: match every value

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", value, expr)


def _queries() -> list[Query]:
    out = []
    for name, dashboard in _load_dashboards().items():
        for panel in _panels(dashboard):
            for target in panel.get("targets", []):
                key = f"{Path(name).stem}-p{panel['id']}{target['refId']}"
                expr = _substitute(target["expr"], GRAFANA_VARIABLES)
                out.append(Query(key, name, panel["title"], expr))
    return out


QUERIES = _queries()


# --- processes, HTTP and Redis ------------------------------------------------------------

#: Local HTTP only: never through a proxy from the environment.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with _HTTP.open(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


class Process:
    """A child process whose output goes to a file (a full pipe would stall it)."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self._out: IO[bytes] = log.open("wb")
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def check_alive(self) -> None:
        code = self.proc.poll()
        if code is not None:
            pytest.fail(f"{self.name} exited {code}:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def _wait(
    ready: Callable[[], bool], what: str, timeout: float, *watch: Process, step: float = 0.2
) -> None:
    """Poll `ready` until it holds; fail naming `what` (and any watched process that died)."""
    end = time.monotonic() + timeout
    while True:
        for process in watch:
            process.check_alive()
        try:
            if ready():
                return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > end:
            logs = "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in watch)
            pytest.fail(f"{what}: not within {timeout:.0f} s\n{logs}")
        time.sleep(step)


@dataclass
class Holdwatch:
    """The monitor and the notifier, and where their streams live."""

    monitor: Process
    monitor_port: int
    notifier: Process
    notify_port: int
    events_stream: str
    group: str = "holdwatch"
    webhooks: list[bytes] = field(default_factory=list)


@dataclass
class Prometheus:
    process: Process
    url: str

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        status, body = _get(f"{self.url}/api/v1/{path}?{query}")
        try:
            return json.loads(body)
        except ValueError:
            return {"status": "error", "error": f"HTTP {status}: {body[:200]!r}"}

    def query(self, expr: str) -> Any:
        return self.api("query", query=expr)

    def value(self, expr: str) -> float:
        """The single value of `expr` now; NaN when it has none."""
        result = self.query(expr).get("data", {}).get("result", [])
        return float(result[0]["value"][1]) if len(result) == 1 else math.nan


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prometheus_bin() -> str:
    """The real server binary, installed from Debian when missing; never skipped."""

    def find() -> str | None:
        return shutil.which("prometheus") or (
            "/usr/bin/prometheus" if os.access("/usr/bin/prometheus", os.X_OK) else None
        )

    found = find()
    if found is None:
        run = subprocess.run(
            ["bash", str(ENSURE_TOOLS)], capture_output=True, text=True, timeout=900, check=False
        )
        found = find()
        if found is None:
            pytest.fail(
                f"the `prometheus` binary is required (Debian package `prometheus`); "
                f"{ENSURE_TOOLS.relative_to(ROOT)} exited {run.returncode}:\n"
                f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
            )
    return found


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    """This module's keys and streams; only they are deleted after."""
    name = f"hwt-dash-{uuid.uuid4().hex[:10]}"
    yield name
    delete_prefix(redis_url, name)


@pytest.fixture(scope="module")
def webhook_receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A webhook endpoint that accepts everything, so notifications count as delivered."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["content-length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def holdwatch(
    redis_url: str,
    prefix: str,
    webhook_receiver: tuple[str, list[bytes]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Holdwatch]:
    """`holdwatch monitor` and `holdwatch notify`, configured as ops would, on our prefix.

    lasd is judged under ca-sb54 (so TRUTH Act, transfer and notification findings exist);
    every other agency under the default, us-federal.
    """
    tmp = tmp_path_factory.mktemp("holdwatch")
    agencies = tmp / "agencies.toml"
    agencies.write_text('[agencies.lasd]\nprofile = "ca-sb54"\n', encoding="utf-8")
    url, received = webhook_receiver
    routing = tmp / "routing.toml"
    routing.write_text(
        f'[webhooks.oversight]\nurl = "{url}"\nsecret_env = "HW_DASH_WEBHOOK_SECRET"\n\n'
        '[[routes]]\nname = "everything"\nwebhooks = ["oversight"]\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLDWATCH_")}
    env.update(
        REDIS_URL=redis_url,
        NO_PROXY="127.0.0.1,localhost",
        HOLDWATCH_DATA_DIR=str(tmp / "data"),
        HOLDWATCH_KEY_PREFIX=prefix,
        HOLDWATCH_EVENTS_STREAM=f"{prefix}:events",
        HOLDWATCH_ALERTS_STREAM=f"{prefix}:alerts",
        HOLDWATCH_DLQ_STREAM=f"{prefix}:events:dlq",
        HOLDWATCH_TIMERS_STREAM=f"{prefix}:timers:fired",
        HOLDWATCH_ALERTS_DLQ_STREAM=f"{prefix}:alerts:dlq",
        HOLDWATCH_DEFAULT_PROFILE="us-federal",
        HOLDWATCH_AGENCIES_FILE=str(agencies),
        HOLDWATCH_WARNING_LEAD="PT2S",
    )
    monitor_port, notify_port = free_port(), free_port()
    cli = [sys.executable, "-m", "holdwatch.entrypoints.cli"]
    started: list[Process] = []
    try:
        monitor = Process(
            "holdwatch monitor",
            [*cli, "monitor"],
            {
                **env,
                "HOLDWATCH_CONSUMER": "dash-monitor-1",
                "HOLDWATCH_HTTP_PORT": str(monitor_port),
            },
            tmp / "monitor.log",
        )
        started.append(monitor)
        notifier = Process(
            "holdwatch notify",
            [*cli, "notify"],
            {
                **env,
                "HOLDWATCH_CONSUMER": "dash-notify-1",
                "HOLDWATCH_ROUTING_FILE": str(routing),
                "HOLDWATCH_NOTIFY_HTTP_PORT": str(notify_port),
                "HW_DASH_WEBHOOK_SECRET": WEBHOOK_SECRET,
            },
            tmp / "notify.log",
        )
        started.append(notifier)
        _wait(
            lambda: _get(f"http://127.0.0.1:{monitor_port}/readyz")[0] == 200,
            "the monitor answering /readyz",
            30,
            monitor,
        )
        _wait(
            lambda: _get(f"http://127.0.0.1:{notify_port}/healthz")[0] == 200,
            "the notifier answering /healthz",
            30,
            notifier,
        )
        yield Holdwatch(
            monitor, monitor_port, notifier, notify_port, f"{prefix}:events", webhooks=received
        )
    finally:
        for process in reversed(started):
            process.stop()


@pytest.fixture(scope="module")
def prometheus(
    prometheus_bin: str, holdwatch: Holdwatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Prometheus]:
    """The real server, scraping both processes every second under the deployed job names."""
    tmp = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {
                "job_name": MONITOR_JOB,
                "static_configs": [{"targets": [f"127.0.0.1:{holdwatch.monitor_port}"]}],
            },
            {
                "job_name": NOTIFY_JOB,
                "static_configs": [{"targets": [f"127.0.0.1:{holdwatch.notify_port}"]}],
            },
        ],
    }
    (tmp / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    process = Process(
        "prometheus",
        [
            prometheus_bin,
            f"--config.file={tmp / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        {k: v for k, v in os.environ.items() if not k.startswith("HOLDWATCH_")},
        tmp / "prometheus.log",
    )
    prom = Prometheus(process, f"http://127.0.0.1:{port}")
    try:
        _wait(lambda: _get(f"{prom.url}/-/ready")[0] == 200, "Prometheus ready", 30, process)

        def targets_up() -> bool:
            active = prom.api("targets").get("data", {}).get("activeTargets", [])
            return len(active) == 2 and all(t["health"] == "up" for t in active)

        _wait(targets_up, "both holdwatch targets up", 15, process)
        _wait(
            lambda: prom.value(f'count_over_time(up{{job="{MONITOR_JOB}"}}[1m])') >= 3,
            "three scrapes of the monitor",
            15,
            process,
        )
        yield prom
    finally:
        process.stop()


def _history(wave: int, now: datetime) -> list[dict[str, Any]]:
    """One wave of bookings, dated around `now`, touching every dashboard metric.

    - OVER: us-federal, eligible 50 h ago on an I-247A with an I-200: held past the 48 h
      window now (HOLD_OVER_WINDOW; active and past-deadline gauges).
    - DUE: the same with no warrant, its 48 h running out 3 s from now: the warning and the
      deadline fire from the timers (timer lateness).
    - FREE: no detainer, released an hour after eligibility (release latency, none).
    - SB: ca-sb54, release date told to ICE, held after eligibility and handed to ICE
      (NOTIFY_UNAUTHORIZED, HOLD_BARRED, TRANSFER_UNAUTHORIZED, TRUTH Act findings;
      release latency, lodged).
    """
    hours = timedelta(hours=1)
    jail = "Pierce County Jail"
    over = (
        Story(agency="pierce", booking=f"OVER{wave}")
        .booked((now - 55 * hours).isoformat(), facility=jail)
        .detainer((now - 52 * hours).isoformat())
        .eligible((now - 50 * hours).isoformat())
    )
    due = (
        Story(agency="pierce", booking=f"DUE{wave}")
        .booked((now - 50 * hours).isoformat(), facility=jail)
        .detainer((now - 49 * hours).isoformat(), warrant="none")
        .eligible((now - 48 * hours + timedelta(seconds=3)).isoformat())
    )
    free = (
        Story(agency="pierce", booking=f"FREE{wave}")
        .booked((now - 6 * hours).isoformat(), facility=jail)
        .eligible((now - 3 * hours).isoformat())
        .released((now - 2 * hours).isoformat())
    )
    sb54 = (
        Story(agency="lasd", booking=f"SB{wave}")
        .booked((now - 40 * hours).isoformat(), charges=[("PC 459", "felony")])
        .detainer((now - 30 * hours).isoformat())
        .notified((now - 8 * hours).isoformat())
        .eligible((now - 7 * hours).isoformat())
        .released((now - timedelta(minutes=1)).isoformat(), to="ice")
    )
    events: list[dict[str, Any]] = [e for s in (over, due, free, sb54) for e in s.events]
    return events


def _publish(client: redis.Redis, stream: str, events: list[dict[str, Any]]) -> None:
    """XADD as a jail's producer would, plus one unreadable entry for the dead letters."""
    pipe = client.pipeline(transaction=False)
    for event in events:
        pipe.xadd(stream, {"event": json.dumps(event)})
    pipe.xadd(stream, {"event": "{not json"})
    pipe.execute()


def _drained(client: redis.Redis, stream: str, group: str) -> bool:
    """Every entry of `stream` read by `group` and committed (acked)."""
    (info,) = [g for g in client.xinfo_groups(stream) if g["name"] in {group, group.encode()}]
    last = client.xinfo_stream(stream)["last-generated-id"]
    return bool(info["pending"] == 0 and info["last-delivered-id"] == last)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str


def _judge(prom: Prometheus, query: Query) -> Outcome:
    """Does the panel show something: parsed, at least one series, at least one real number?"""
    reply = prom.query(query.expr)
    if reply.get("status") != "success":
        return Outcome(False, f"Prometheus rejected it: {reply.get('error')}")
    data = reply["data"]
    if data["resultType"] == "scalar":
        values = [data["result"][1]]
    else:
        values = [series["value"][1] for series in data["result"]]
    if not values:
        return Outcome(False, "no series")
    if not any(math.isfinite(float(v)) for v in values):
        return Outcome(False, f"only NaN/Inf: {values}")
    return Outcome(True, f"{len(values)} series")


@pytest.fixture(scope="module")
def outcomes(holdwatch: Holdwatch, prometheus: Prometheus, redis_url: str) -> dict[str, Outcome]:
    """Feed two waves, then ask for every panel until all show data (bounded).

    Two waves because a series is born at its first increment: Prometheus must have seen
    each new series once before the second wave moves it, or rate(), increase() and the
    histogram quantiles over it have nothing to compare.
    """
    client = redis.Redis.from_url(redis_url)
    watch = (holdwatch.monitor, holdwatch.notifier, prometheus.process)
    try:
        _publish(client, holdwatch.events_stream, _history(1, datetime.now(UTC)))
        _wait(
            lambda: _drained(client, holdwatch.events_stream, holdwatch.group),
            "the monitor reading and committing wave 1",
            20,
            *watch,
        )
        _wait(
            lambda: (
                prometheus.value(
                    f'count(holdwatch_release_latency_seconds_count{{job="{MONITOR_JOB}"}})'
                )
                == 2
            ),
            "Prometheus scraping wave 1's release latencies (lodged and none)",
            15,
            *watch,
        )
        _publish(client, holdwatch.events_stream, _history(2, datetime.now(UTC)))
        # Bounded: when it runs out, each panel's own test says which one failed and why.
        end = time.monotonic() + 30
        while True:
            for process in watch:
                process.check_alive()
            results = {q.key: _judge(prometheus, q) for q in QUERIES}
            if all(o.ok for o in results.values()) or time.monotonic() > end:
                return results
            time.sleep(1.0)
    finally:
        client.close()


# --- the dashboards against the real Prometheus ---------------------------------------------


def test_every_panel_is_checked() -> None:
    """Guards the parametrisation below: an empty list would pass silently."""
    assert {q.dashboard for q in QUERIES} == set(DASHBOARD_FILES)
    assert len(QUERIES) >= 30


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.key)
def test_panel_query_parses_and_has_data(query: Query, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[query.key]
    assert outcome.ok, f"{query.dashboard} «{query.panel}»: {outcome.detail}\n{query.expr}"


def test_every_metric_a_panel_names_is_scraped(
    outcomes: dict[str, Outcome], prometheus: Prometheus
) -> None:
    """Also covers `x or ... * 0` fallbacks, which would show 0 for a misspelt metric."""
    scraped = set(prometheus.api("label/__name__/values")["data"])
    named = {m for q in QUERIES for m in re.findall(r"\b(?:holdwatch|faststream)_\w+", q.expr)}
    assert named - scraped == set()


def test_no_metric_label_carries_a_booking_or_person(
    outcomes: dict[str, Outcome], prometheus: Prometheus
) -> None:
    """The real series after the real history: no booking id, person id or name in a label."""
    series = prometheus.api("series", **{"match[]": '{__name__=~"holdwatch_.*|faststream_.*"}'})
    values = {v for labels in series["data"] for v in labels.values()}
    assert values, "no holdwatch series at all"
    ids = [f"{prefix}{wave}" for prefix in BOOKINGS for wave in (1, 2)] + ["Test Person"]
    assert {v for v in values if any(i in v for i in ids)} == set()


def test_the_notifier_delivered(outcomes: dict[str, Outcome], holdwatch: Holdwatch) -> None:
    """The notifications panel is only meaningful if deliveries really happened."""
    assert holdwatch.webhooks, "the notifier delivered no webhook"


# --- the files themselves -------------------------------------------------------------------


@pytest.mark.parametrize("name", DASHBOARD_FILES)
def test_dashboard_is_valid_json_with_unique_panel_ids(name: str) -> None:
    dashboard = json.loads((DASHBOARD_DIR / name).read_text(encoding="utf-8"))
    ids = [panel["id"] for panel in _panels(dashboard)]
    assert ids and len(ids) == len(set(ids)), f"duplicate panel ids: {sorted(ids)}"


@pytest.mark.parametrize("name", DASHBOARD_FILES)
def test_dashboard_settings(name: str) -> None:
    """Provisioned by uid; opens on the last day, refreshing every 30 s."""
    d = json.loads((DASHBOARD_DIR / name).read_text(encoding="utf-8"))
    assert d["uid"] == Path(name).stem
    assert d["title"].startswith("holdwatch — ")
    assert d["schemaVersion"] == 39
    assert d["time"] == {"from": "now-24h", "to": "now"}
    assert d["refresh"] == "30s"
    assert "holdwatch" in d["tags"]
    assert len(d["description"]) > 100


def test_oversight_shows_detainers_by_probable_cause_basis() -> None:
    """The oversight question the I-247A's checkboxes answer: on what did ICE rely?"""
    d = json.loads((DASHBOARD_DIR / "holdwatch-oversight.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in _panels(d) for t in p.get("targets", [])]
    assert any("holdwatch_detainer_bases_total" in e and "by (basis)" in e for e in exprs)


@pytest.mark.parametrize("name", DASHBOARD_FILES)
def test_every_panel_and_target_uses_the_provisioned_datasource(name: str) -> None:
    dashboard = json.loads((DASHBOARD_DIR / name).read_text(encoding="utf-8"))
    for panel in _panels(dashboard):
        assert panel.get("datasource") == DATASOURCE, panel["title"]
        if panel["type"] != "row":
            assert panel.get("targets"), f"{panel['title']}: no query"
        for target in panel.get("targets", []):
            assert target.get("datasource") == DATASOURCE, f"{panel['title']} {target['refId']}"


def test_dashboards_select_the_deployed_scrape_job() -> None:
    """A job name the deployed Prometheus does not use would blank every panel."""
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    deployed = {job["job_name"] for job in config["scrape_configs"]}
    named = {m for q in QUERIES for m in re.findall(r'\bjob="([^"]*)"', q.expr)}
    assert named == {MONITOR_JOB} and named <= deployed


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MATCHER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)\s*\"")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_LEGEND_LABEL = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _identifier_problems(expr: str, legend: str = "", columns: tuple[str, ...] = ()) -> list[str]:
    """Why a query might select or print a person's or a booking's identity (empty: no)."""
    problems = []
    for word in _WORD.findall(re.sub(r'"[^"]*"', '""', expr)) + list(columns):
        low = word.lower()
        if low in FORBIDDEN_WORDS or any(s in low for s in FORBIDDEN_SUBSTRINGS):
            problems.append(f"identifier-like word {word!r}")
    used = set(_MATCHER.findall(expr)) | set(_LEGEND_LABEL.findall(legend)) | set(columns)
    used |= {w.strip() for group in _GROUPING.findall(expr) for w in group.split(",") if w.strip()}
    return problems + [f"label {label!r} is not allowed" for label in sorted(used - ALLOWED_LABELS)]


@pytest.mark.parametrize(
    ("expr", "legend", "columns"),
    [
        ("sum by (booking_id) (holdwatch_findings_total)", "", ()),
        ('holdwatch_holds_active{person="x"}', "", ()),
        ("holdwatch_holds_active", "{{ a_number }}", ()),
        ("holdwatch_holds_active", "", ("name",)),
        ('max by (agency) (holdwatch_holds_active{subject="S01"})', "", ()),
    ],
)
def test_identifier_check_catches_identifiers(
    expr: str, legend: str, columns: tuple[str, ...]
) -> None:
    """The check below must be able to fail."""
    assert _identifier_problems(expr, legend, columns)


@pytest.mark.parametrize("name", DASHBOARD_FILES)
def test_no_person_or_booking_identifier_in_dashboards(name: str) -> None:
    """Dashboards are shown to oversight bodies: no query, legend or column names a person."""
    text = (DASHBOARD_DIR / name).read_text(encoding="utf-8")
    assert not re.search(r"booking_id|person_id|a_number|anumber", text, re.IGNORECASE)
    for panel in _panels(json.loads(text)):
        columns = tuple(
            label
            for t in panel.get("transformations", [])
            for label in t.get("options", {}).get("renameByName", {})
            if label not in {"Time", "Value"}
        )
        for target in panel.get("targets", []):
            problems = _identifier_problems(target["expr"], target.get("legendFormat", ""), columns)
            assert not problems, f"{panel['title']} {target['refId']}: {problems}"


def test_provisioning_files_parse_and_point_at_prometheus_and_the_dashboards() -> None:
    datasources = yaml.safe_load(DATASOURCES.read_text(encoding="utf-8"))
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus" and source["uid"] == DATASOURCE["uid"]
    assert source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load(PROVIDERS.read_text(encoding="utf-8"))
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
    assert datasources["apiVersion"] == providers["apiVersion"] == 1
