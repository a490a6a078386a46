"""Tests share a Redis: each deletes only its own keys, by prefix, never FLUSHALL."""

from __future__ import annotations

import redis


def delete_prefix(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
