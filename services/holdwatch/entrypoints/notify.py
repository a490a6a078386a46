"""`holdwatch notify`: the FastStream app that turns alerts into deliveries.

One batch subscriber on each alerts partition (one stream unless partitioned), in the
notifier's own consumer group (created at id 0 first, so alerts written before the first
start are read), manual ack: the enqueue script acks what it queued. Delivery and
escalation loops run beside it on every replica. HTTP: /metrics, /healthz (503 while a
subscriber is stopped: a vanished group is recreated and the subscriber started again,
entrypoints/subscriptions.py).
"""

from __future__ import annotations

import logging
from typing import Any

from faststream import AckPolicy
from faststream.asgi import AsgiFastStream
from faststream.asgi.types import Receive, Scope, Send
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage
from prometheus_client import generate_latest

from holdwatch.adapters.logging import configure_logging
from holdwatch.adapters.topology import broker_for, reachable
from holdwatch.bootstrap import build_notifier
from holdwatch.domain.findings import Finding
from holdwatch.entrypoints.monitor import (
    ALERTS_DESCRIPTION,
    entries,
    healthz,
    keep_raw,
    respond,
    serve,
)
from holdwatch.entrypoints.subscriptions import Subscriptions
from holdwatch.roles import NotifyService
from holdwatch.settings import Settings


def subscribe(broker: RedisBroker, s: Settings, stream: str, service: NotifyService) -> Any:
    """The batch subscriber of one alerts partition; its batches are acked on `stream`."""
    sub = StreamSub(
        stream, group=s.notify_group, consumer=s.consumer, batch=True, max_records=s.batch_size
    )

    # `findings` is the message type its AsyncAPI shows (as the monitor's `events`): always
    # empty, since `keep_raw` leaves FastStream nothing to decode; the entries are read raw.
    async def on_alerts(findings: list[Finding], msg: RedisBatchStreamMessage) -> None:
        await service.notifier.on_alerts(entries(msg.raw_message), stream)

    subscriber: Any = broker.subscriber(
        stream=sub,
        ack_policy=AckPolicy.MANUAL,
        parser=keep_raw,
        title="alerts" if stream == s.alerts_stream else f"alerts {stream}",
        description=ALERTS_DESCRIPTION,
    )
    subscriber(on_alerts)
    return subscriber


def create_notify_app(service: NotifyService) -> AsgiFastStream:
    s = service.settings
    broker = broker_for(
        s,
        service.url,
        logger=logging.getLogger("holdwatch.broker"),
        log_level=logging.DEBUG,
        graceful_timeout=30.0,
    )
    subscribers = [subscribe(broker, s, stream, service) for stream in service.streams]
    subscriptions = Subscriptions(subscribers, service.ensure_group, s.reclaim_interval)

    async def metrics(scope: Scope, receive: Receive, send: Send) -> None:
        body = generate_latest(service.registry)
        await respond(200, body, "text/plain; version=0.0.4; charset=utf-8")(scope, receive, send)

    return AsgiFastStream(
        broker,
        asgi_routes=[("/metrics", metrics), ("/healthz", healthz(subscriptions))],
        on_startup=[service.ensure_group, service.drain_own],
        after_startup=[service.start_background, subscriptions.start],
        on_shutdown=[subscriptions.stop],
        after_shutdown=[service.close],
    )


def run(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; the current batch is queued and acked first."""
    configure_logging(settings.log_level)
    service = build_notifier(settings)
    reachable(settings, service.url)
    return serve(create_notify_app(service), settings.http_host, settings.notify_http_port)
