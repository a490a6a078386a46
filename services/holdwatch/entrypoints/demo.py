"""`holdwatch demo`: the whole system on one machine, in one command, on simulated jails.

On the embedded Redis (or REDIS_URL, under its own `demo` key prefix) it starts the
monitor, the notifier delivering to a local webhook sink that prints each alert, the API
with the defenders' page, and /metrics; backfills a week of simulated history for two
jails (Pierce County under federal rules, Los Angeles under the Values Act) with a
progress bar, then keeps publishing their events live as their instants come, with a
trickle on top that brings an alert every `live_interval` or so (at least one a minute at
the default 30 s; the test shortens it). Ctrl-C
stops everything cleanly: each service finishes what it holds first.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import signal
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from redis.asyncio import Redis
from rich.console import Console
from rich.progress import Progress

from holdwatch.adapters.embedded import start_afresh
from holdwatch.adapters.logging import configure_logging
from holdwatch.app.config_file import ConfigError
from holdwatch.app.live_feed import emit_live
from holdwatch.app.simulate import JAILS, LIVE_INTERVAL, Knobs, simulate, trickle
from holdwatch.bootstrap import build, build_notifier, system_clock
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.api import build_api
from holdwatch.entrypoints.monitor import create_app
from holdwatch.entrypoints.notify import create_notify_app
from holdwatch.entrypoints.security import SHUTDOWN_GRACE_S
from holdwatch.settings import Settings

DEFENDER_TOKEN = "demo-defender"  # noqa: S105  (a demo's published token)
OVERSIGHT_TOKEN = "demo-oversight"  # noqa: S105
SECRET = "whsec_" + base64.b64encode(b"holdwatch-demo-webhook-secret!!").decode()
#: Busier jails than life, so a few minutes show something: five times Pierce County's
#: bookings a day, 5% with a detainer, a third of those kept past release, and stays a
#: tenth as long (a held person's median stay 3.5 days) so a week holds whole episodes.
DEMO_KNOBS = Knobs(detainer_rate=0.05, violation_rate=0.35, stay_scale=0.1)
DEMO_BOOKINGS_PER_DAY = 220.0
OFFSETS = {"monitor": 0, "notify": 1, "api": 2, "sink": 9}

console = Console(highlight=False)


class _Quiet(uvicorn.Server):
    """The demo handles Ctrl-C itself and stops every server; uvicorn must not."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield


def _files(directory: Path, ports: dict[str, int]) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    agencies = directory / "agencies.toml"
    agencies.write_text(
        '[agencies.pierce]\nprofile = "us-federal"\n\n[agencies.lasd]\nprofile = "ca-sb54"\n',
        encoding="utf-8",
    )
    routing = directory / "routing.toml"
    routing.write_text(
        f'[webhooks.sink]\nurl = "http://127.0.0.1:{ports["sink"]}/alerts"\n'
        'secret_env = "HOLDWATCH_DEMO_WEBHOOK_SECRET"\n\n'
        '[[routes]]\nname = "defenders"\nseverities = ["critical", "high", "warning"]\n'
        'webhooks = ["sink"]\n',
        encoding="utf-8",
    )
    tokens = directory / "tokens.toml"
    tokens.write_text(
        "".join(
            f'[[tokens]]\nname = "{name}"\nrole = "{role}"\nagencies = {agencies_}\n'
            f'sha256 = "{hashlib.sha256(token.encode()).hexdigest()}"\n\n'
            for name, role, agencies_, token in (
                ("demo defender", "defender", '["pierce", "lasd"]', DEFENDER_TOKEN),
                ("demo oversight", "oversight", "[]", OVERSIGHT_TOKEN),
            )
        ),
        encoding="utf-8",
    )
    return {"agencies": agencies, "routing": routing, "tokens": tokens}


def demo_settings(base: Settings, ports: dict[str, int]) -> Settings:
    directory = base.data_dir / "demo"
    files = _files(directory, ports)
    os.environ["HOLDWATCH_DEMO_WEBHOOK_SECRET"] = SECRET
    return base.model_copy(
        update={
            "data_dir": directory,
            "key_prefix": "demo",
            "events_stream": "demo:events",
            "alerts_stream": "demo:alerts",
            "dlq_stream": "demo:events:dlq",
            "timers_stream": "demo:timers:fired",
            "alerts_dlq_stream": "demo:alerts:dlq",
            "agencies_file": files["agencies"],
            "routing_file": files["routing"],
            "api_tokens_file": files["tokens"],
            "default_profile": "",
            "http_port": ports["monitor"],
            "notify_http_port": ports["notify"],
            "api_http_port": ports["api"],
        }
    )


async def _sink(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The webhook receiver: prints each delivered alert as a defender's tool would get it."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    with contextlib.suppress(ValueError, KeyError):
        data = json.loads(body)["data"]
        f = data["finding"]
        console.print(
            f"[bold]ALERT[/] {data['notice']:<10} {f['severity']:<8} {f['code']:<26} "
            f"{f['agency']}/{f['booking_id']}  {f['citation'].split(',')[0][:40]}",
            soft_wrap=True,
        )
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _clear(redis: Redis) -> None:
    """Start each demo afresh: only the demo's own keys go."""
    async for key in redis.scan_iter(match="demo:*", count=1000):
        await redis.unlink(key)


def _history(
    now: datetime, backfill_days: float, live_hours: float, interval: timedelta = LIVE_INTERVAL
) -> list[dict[str, Any]]:
    """The calibrated jails over backfill and live window, and on top, over the live window,
    the trickle that brings something every `interval` (app/simulate.py)."""
    start = now - timedelta(days=backfill_days)
    days = backfill_days + live_hours / 24
    events = []
    for seed, name in enumerate(("pierce", "lasd"), start=1):
        jail = replace(JAILS[name], bookings_per_day=DEMO_BOOKINGS_PER_DAY)
        events += simulate(jail, start, days, seed, DEMO_KNOBS)
        events += trickle(jail, now, timedelta(hours=live_hours), seed, interval)
    return sorted(events, key=lambda e: datetime.fromisoformat(e["time"]))


async def _feed(
    redis: Redis, stream: str, events: list[dict[str, Any]], stop: asyncio.Event
) -> None:
    now = datetime.now(UTC)
    past = [e for e in events if datetime.fromisoformat(e["time"]) <= now]
    with Progress(console=console, transient=False) as bar:
        task = bar.add_task("backfilling two simulated jails", total=len(past))
        for i in range(0, len(past), 500):
            async with redis.pipeline(transaction=False) as pipe:
                for e in past[i : i + 500]:
                    pipe.xadd(stream, {"event": json.dumps(e)})
                await pipe.execute()
            bar.update(task, completed=min(len(past), i + 500))
    console.print(f"live: {len(events) - len(past)} more events will come as their time does")
    await emit_live(redis, stream, events[len(past) :], stop, system_clock)


def _check_free(ports: dict[str, int]) -> None:
    """A taken port fails here, named, before anything starts (uvicorn would just exit)."""
    for role, port in ports.items():
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as exc:
                raise ConfigError(f"--port-base: port {port} ({role}): {exc.strerror}") from None


async def run_demo(
    base: Settings,
    backfill_days: float,
    live_hours: float,
    port_base: int = 8000,
    live_interval: timedelta = LIVE_INTERVAL,
) -> int:
    ports = {role: port_base + offset for role, offset in OFFSETS.items()}
    _check_free(ports)
    s = demo_settings(base, ports)
    if base.redis_url is None:
        # Each demo clears what the last one wrote, so its Redis starts from an empty
        # directory rather than replaying (and growing) the last run's append-only file.
        start_afresh(s.data_dir)
    log_file = (s.data_dir / "holdwatch.log").open("w", encoding="utf-8")
    configure_logging(s.log_level, stream=log_file)
    monitor = build(s)
    await _clear(monitor.redis)
    # the notifier and the API share the monitor's Redis (embedded or not)
    shared = s.model_copy(update={"redis_url": monitor.url})
    notifier = build_notifier(shared)
    api, close_api = build_api(shared, system_clock)
    api.router.add_event_handler("shutdown", close_api)
    apps: list[tuple[Any, int]] = [
        (create_app(monitor), ports["monitor"]),
        (create_notify_app(notifier), ports["notify"]),
        (api, ports["api"]),
        (_sink, ports["sink"]),
    ]
    servers = [
        _Quiet(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_config=None,
                lifespan="auto",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S,  # an open page's live stream
            )
        )
        for app, port in apps
    ]
    heap.settle()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    while not all(server.started for server in servers):
        if any(t.done() for t in tasks):
            raise SystemExit("holdwatch demo: a service failed to start (is a port taken?)")
        await asyncio.sleep(0.05)
    api_url = f"http://127.0.0.1:{ports['api']}"
    where = "embedded" if base.redis_url is None else base.redis_url
    console.print(
        f"[bold]holdwatch demo[/] — Redis {where}\n"
        f"  defenders' page  {api_url}/  (token: {DEFENDER_TOKEN}; oversight: {OVERSIGHT_TOKEN})\n"
        f"  API and OpenAPI  {api_url}/docs\n"
        f"  metrics          http://127.0.0.1:{ports['monitor']}/metrics, "
        f"http://127.0.0.1:{ports['notify']}/metrics\n"
        f"  logs (JSON)      {s.data_dir / 'holdwatch.log'}\n"
        "Ctrl-C stops everything."
    )
    feed_redis = Redis.from_url(monitor.url)
    # In a thread: simulating is seconds of CPU, and a FastStream subscriber that cannot
    # start reading within 3 s (the loop blocked) fails its app's startup.
    history = await asyncio.to_thread(
        _history, datetime.now(UTC), backfill_days, live_hours, live_interval
    )
    feeder = asyncio.create_task(_feed(feed_redis, s.events_stream, history, stop))
    await stop.wait()
    console.print("stopping: each service finishes what it holds")
    feeder.cancel()
    # the monitor last: with no REDIS_URL it owns the embedded Redis the others use
    for server, task in reversed(list(zip(servers, tasks, strict=True))):
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
    await asyncio.gather(feeder, return_exceptions=True)
    await feed_redis.aclose()
    # A task a stopped service left (a subscriber's, stopped mid-batch while the live
    # trickle keeps it busy) logs as it is cancelled: cancel it here, while the log is open,
    # not in asyncio.run's cleanup after it is closed.
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for t in left:
        t.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    log_file.close()
    console.print("stopped")
    return 0
