"""`holdwatch monitor`: the FastStream app that reads the jail's stream and judges live.

Two batch subscribers in one consumer group, both with manual ack: the events stream and
the fired-timers stream. The Lua commit acks what it applied; what it did not apply
stays pending for the reclaimer. HTTP: /metrics, /healthz, /readyz.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any

import uvicorn
from faststream import AckPolicy
from faststream.asgi import AsgiFastStream
from faststream.asgi.types import ASGIApp, Receive, Scope, Send
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage
from faststream.redis.prometheus import RedisPrometheusMiddleware
from redis.exceptions import RedisError

from holdwatch.adapters.logging import configure_logging
from holdwatch.adapters.metrics import render
from holdwatch.adapters.topology import broker_for, reachable
from holdwatch.bootstrap import build
from holdwatch.domain.events import Event
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints import heap
from holdwatch.entrypoints.subscriptions import Subscriptions
from holdwatch.roles import Service
from holdwatch.settings import Settings

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def entries(message: Mapping[str, Any]) -> list[tuple[str, Mapping[bytes, bytes]]]:
    """(entry id, fields) pairs from FastStream's raw batch message."""
    return [
        (i.decode() if isinstance(i, bytes) else i, fields)
        for i, fields in zip(message["message_ids"], message["data"], strict=True)
    ]


async def keep_raw(message: Mapping[str, Any], original: Callable[..., Awaitable[Any]]) -> Any:
    """FastStream's batch parser decodes every entry as text before a handler runs, so one
    entry that is not UTF-8 failed the whole read. holdwatch reads the raw entries itself
    (`entries`), so FastStream is given none to decode; the message keeps them all."""
    parsed = await original({**message, "data": []})
    parsed.raw_message = message
    return parsed


#: The entries the monitor writes to the alerts stream (in its Lua commit, not through
#: FastStream): declared on the broker so the AsyncAPI document describes the channel.
ALERTS_DESCRIPTION = (
    "Findings as the monitor commits them: each entry carries the finding as JSON in "
    "`finding`, with `change` (new, changed or superseded), `trigger` (event or timer) and "
    "`late_ms`. Written by the monitor's atomic commit; read by `holdwatch notify`."
)
EVENTS_DESCRIPTION = (
    "The jail's contract events (CloudEvents 1.0, structured JSON): one event per entry, "
    "as UTF-8 JSON in the entry's field `event`. Read by the monitor's consumer group in "
    "batches; a bad entry goes to the dead-letter stream."
)


def timers_handler(
    stream: str, on_timers: Callable[[RedisBatchStreamMessage, str], Awaitable[None]]
) -> Callable[[RedisBatchStreamMessage], Awaitable[None]]:
    """The handler of one partition's fired timers: its batches are acked on `stream`."""

    async def handler(msg: RedisBatchStreamMessage) -> None:
        await on_timers(msg, stream)

    return handler


def declare(
    broker: RedisBroker,
    s: Settings,
    on_events: Callable[[RedisBatchStreamMessage], Awaitable[None]],
    on_timers: Callable[[RedisBatchStreamMessage, str], Awaitable[None]],
    timer_streams: Sequence[str] = (),
) -> list[Any]:
    """The monitor's subscribers (and the alerts it writes) on `broker`: the running app
    and its AsyncAPI document (entrypoints/stream_doc.py) are declared by this one code."""

    def stream(name: str) -> StreamSub:
        return StreamSub(
            name, group=s.group, consumer=s.consumer, batch=True, max_records=s.batch_size
        )

    # `events` is what the AsyncAPI document shows as the message type; the parser hands
    # FastStream no entry to decode (`keep_raw`), so it is always empty: the monitor reads
    # the raw entries, bytes and all.
    async def events_handler(events: list[Event], msg: RedisBatchStreamMessage) -> None:
        await on_events(msg)

    reads: list[tuple[str, Callable[..., Awaitable[None]], str, str, bool]] = [
        (s.events_stream, events_handler, "events", EVENTS_DESCRIPTION, True)
    ]
    for fired in timer_streams or (s.timers_stream,):
        title = "timers" if fired == s.timers_stream else f"timers {fired}"
        reads.append((fired, timers_handler(fired, on_timers), title, "fired timers", False))
    subscribers = []
    for name, handler, title, description, listed in reads:
        subscriber = broker.subscriber(
            stream=stream(name),
            ack_policy=AckPolicy.MANUAL,
            parser=keep_raw,
            title=title,
            description=description,
            include_in_schema=listed,
        )
        subscriber(handler)
        subscribers.append(subscriber)
    broker.publisher(
        stream=s.alerts_stream, schema=Finding, title="alerts", description=ALERTS_DESCRIPTION
    )  # partitioned, the alerts go to `<alerts stream>:{p<k>}` (adapters/keys.py)
    return subscribers


def create_app(service: Service) -> AsgiFastStream:
    s = service.settings
    broker = broker_for(
        s,
        service.url,
        logger=logging.getLogger("holdwatch.broker"),
        log_level=logging.DEBUG,  # per-batch lines only at DEBUG
        graceful_timeout=30.0,
        middlewares=[RedisPrometheusMiddleware(registry=service.registry, app_name="holdwatch")],
    )

    async def on_events(msg: RedisBatchStreamMessage) -> None:
        await service.events.on_events(entries(msg.raw_message))

    async def on_timers(msg: RedisBatchStreamMessage, stream: str) -> None:
        await service.monitor.on_timers(entries(msg.raw_message), stream)

    subscribers = declare(broker, s, on_events, on_timers, service.streams[1:])
    subscriptions = Subscriptions(subscribers, service.ensure_groups, s.reclaim_interval)
    return AsgiFastStream(
        broker,
        asgi_routes=[
            ("/metrics", _metrics(service)),
            ("/healthz", healthz(subscriptions)),
            ("/readyz", _ready(service, subscriptions)),
        ],
        on_startup=[service.ensure_groups, service.drain_own],
        after_startup=[service.start_background, subscriptions.start],
        on_shutdown=[subscriptions.stop],
        after_shutdown=[service.close],
    )


def respond(status: int, body: bytes, content_type: str = "text/plain") -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", content_type.encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def _text(body: bytes) -> ASGIApp:
    return respond(200, body)


def healthz(subscriptions: Subscriptions) -> ASGIApp:
    """Alive while every subscriber is reading; 503 while one is stopped (the watcher is
    starting it again, or cannot: then the orchestrator should restart the process)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if subscriptions.running:
            await _text(b"ok")(scope, receive, send)
        else:
            await respond(503, b"subscriber stopped")(scope, receive, send)

    return app


def _metrics(service: Service) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = await render(service.registry, service.state)
        await respond(200, body, "text/plain; version=0.0.4; charset=utf-8")(scope, receive, send)

    return app


def _ready(service: Service, subscriptions: Subscriptions) -> ASGIApp:
    """Ready when Redis answers, both consumer groups exist and both subscribers read."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if not subscriptions.running:
                raise LookupError("subscriber")
            for name in service.streams:
                groups: Sequence[Mapping[str, Any]] = await service.redis.xinfo_groups(name)
                if not any(g["name"] in {s := service.settings.group, s.encode()} for g in groups):
                    raise LookupError(name)
            await _text(b"ready")(scope, receive, send)
        except (RedisError, LookupError):
            await respond(503, b"not ready")(scope, receive, send)

    return app


class Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after a graceful stop (exit -15); a finished stop is exit 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; the current batch is finished and acked first."""
    configure_logging(settings.log_level)
    service = build(settings)
    reachable(settings, service.url)  # else the app's startup fails inside uvicorn, logged only
    return serve(create_app(service), settings.http_host, settings.http_port)


def serve(app: ASGIApp, host: str, port: int) -> int:
    """Run an app (its lifespan included) under uvicorn, logging through our JSON logs."""
    heap.settle()
    server = Server(uvicorn.Config(app, host=host, port=port, log_config=None, lifespan="on"))
    server.run()
    return 0 if server.started else 1  # a startup that failed is logged, and not a success
