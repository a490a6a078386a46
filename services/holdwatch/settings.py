"""Every knob of the live service, read once from the environment (`HOLDWATCH_*`).

`REDIS_URL` is honoured without the prefix because it is the conventional name; when it is
unset, holdwatch starts its own embedded Redis under `HOLDWATCH_DATA_DIR`.
"""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, PositiveFloat, PositiveInt, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOLDWATCH_", extra="ignore", frozen=True, populate_by_name=True
    )

    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "HOLDWATCH_REDIS_URL")
    )
    data_dir: Path = Path(".holdwatch")
    #: prefix of every key holdwatch owns besides the streams below
    key_prefix: str = "holdwatch"
    #: REDIS_URL names one node of a Redis Cluster; every key then carries a slot tag
    redis_cluster: bool = False
    #: Sentinels to ask for the master, `host:port,host:port` (REDIS_URL is then unused)
    redis_sentinels: str = ""
    redis_sentinel_master: str = "holdwatch"
    #: the bookings' shared keys (alerts, timers, custody) in this many partitions, each
    #: its own slot: on a cluster they spread over the masters
    partitions: int = Field(default=1, ge=1, le=1024)
    events_stream: str = "holdwatch:events"
    alerts_stream: str = "holdwatch:alerts"
    dlq_stream: str = "holdwatch:events:dlq"
    timers_stream: str = "holdwatch:timers:fired"
    group: str = "holdwatch"
    #: stable per replica (a restarted replica finds its own pending entries)
    consumer: str = Field(default_factory=socket.gethostname)
    #: TOML file mapping agency ids to profiles; see deploy/agencies.example.toml
    agencies_file: Path | None = None
    #: directory of local overlay files (TOML, one overlay each); see deploy/overlays/
    overlays_dir: Path | None = None
    #: profile for agencies the map does not name; empty dead-letters their events
    default_profile: str = "us-federal"
    #: overrides every profile's warning lead before a hold deadline
    warning_lead: timedelta | None = None
    #: entries per read: 300 measured 20-40% faster than 100 with the same latency (README)
    batch_size: PositiveInt = 300
    poll_interval: PositiveFloat = 0.1  # seconds between timer polls when none are due
    dead_letter_after: PositiveInt = 5  # deliveries before a failing entry is dead-lettered
    reclaim_idle: PositiveFloat = 30.0  # seconds a pending entry may idle before reclaim
    reclaim_interval: PositiveFloat = 5.0
    alerts_maxlen: PositiveInt = 1_000_000
    #: each dead-letter stream keeps at most this many entries, none older than the days
    dlq_maxlen: PositiveInt = 100_000
    dlq_retention_days: PositiveInt = 30
    #: bytes of a dead entry's payload kept (its full size and SHA-256 always are)
    dlq_payload_max_bytes: PositiveInt = 65_536
    #: how long a closed booking (released, nothing left to time) stays in Redis
    retention_days: PositiveInt = 400
    # --- the notifier (`holdwatch notify`) ---
    notify_group: str = "holdwatch-notify"
    #: TOML routes: findings to webhooks and e-mail; see deploy/routing.example.toml
    routing_file: Path | None = None
    alerts_dlq_stream: str = "holdwatch:alerts:dlq"
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_sender: str = "holdwatch@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    notify_backoff_base: timedelta = timedelta(seconds=1)
    notify_backoff_cap: timedelta = timedelta(minutes=5)
    notify_give_up_after: timedelta = timedelta(days=7)
    notify_http_port: int = Field(default=8001, ge=0, le=65535)
    # --- the API (`holdwatch api`) ---
    #: TOML of bearer-token digests with roles; see deploy/tokens.example.toml
    api_tokens_file: Path | None = None
    api_http_port: int = Field(default=8002, ge=0, le=65535)
    #: a page session ends after this long unused, and after session_lifetime in any case
    session_idle: timedelta = Field(default=timedelta(minutes=30), gt=timedelta(0))
    session_lifetime: timedelta = Field(default=timedelta(hours=12), gt=timedelta(0))
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=0, le=65535)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _topology(self) -> Settings:
        """One way to reach Redis; on a cluster every name must be free to carry a tag."""
        if self.redis_cluster and self.redis_sentinels:
            raise ValueError("redis_cluster: a cluster is not reached through sentinels")
        if self.redis_cluster and not self.redis_url:
            raise ValueError("redis_cluster: REDIS_URL must name one of the cluster's nodes")
        if self.redis_sentinels and not re.fullmatch(
            r"\s*[^,:\s]+:\d+\s*(,\s*[^,:\s]+:\d+\s*)*", self.redis_sentinels
        ):
            raise ValueError("redis_sentinels: expected host:port[,host:port...]")
        names = (self.key_prefix, self.events_stream, self.alerts_stream, self.timers_stream)
        if any(c in n for n in names for c in "{}"):
            raise ValueError("key_prefix: key and stream names may not contain { or }")
        return self

    @model_validator(mode="after")
    def _streams_apart(self) -> Settings:
        """A Lua script cannot roll back, so no two names may point at one key."""
        own = {f"{self.key_prefix}:{k}" for k in ("timers:due", "timers:data", "custody")}
        names = [
            self.events_stream,
            self.alerts_stream,
            self.dlq_stream,
            self.timers_stream,
            self.alerts_dlq_stream,
        ]
        if len(set(names)) < len(names) or own & set(names):
            raise ValueError("streams: each stream needs its own key, apart from key_prefix keys")
        return self
