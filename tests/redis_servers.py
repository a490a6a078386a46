"""One `redis-server` process of a test topology: started on free ports in its own dir,
asked with one-shot connections that never retry (a dead node must answer at once), and
killed with SIGKILL, as a crash would."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ports import free_port

HOST = "127.0.0.1"


def redis_binaries() -> tuple[str, str] | None:
    """Debian's `redis-server` and `redis-cli`, or None when either is missing."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    return (server, cli) if server and cli else None


class Ports:
    """Free loopback ports, never the same one twice to one topology."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def take(self) -> int:
        while (port := free_port()) in self.taken:
            pass
        self.taken.add(port)
        return port


def wait_until(what: str, check: Callable[[], bool], timeout: float = 20.0) -> float:
    """Poll `check` (a refused connection counts as not yet) and return the seconds it took."""
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except (redis.exceptions.ConnectionError, redis.exceptions.ResponseError):
            pass
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


def parse_info(text: str) -> dict[str, str]:
    """`INFO` / `CLUSTER INFO` text as a dict of strings."""
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


class Server:
    """A redis-server on `port`, in `directory`, with `args` after the binary's name."""

    def __init__(self, binary: str, directory: Path, port: int, args: Sequence[str]) -> None:
        self.binary = binary
        self.directory = directory
        self.port = port
        self.args = list(args)
        self.proc: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        return f"Server({HOST}:{self.port})"

    @property
    def address(self) -> tuple[str, int]:
        return (HOST, self.port)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def spawn(self) -> None:
        """Start the process; `ready` waits for it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, *self.args],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
            )

    def ready(self, timeout: float = 10.0) -> None:
        def answers() -> bool:
            if not self.alive:
                raise AssertionError(f"{self} exited: {self.log_tail()}")
            return bool(self.command("PING"))

        wait_until(f"{self} answers PING", answers, timeout)

    def command(self, *args: str | int) -> Any:
        """One command on a connection of its own, decoded, with no retries."""
        once = redis.Redis(
            host=HOST,
            port=self.port,
            decode_responses=True,
            socket_timeout=2,
            socket_connect_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            return once.execute_command(*args)  # type: ignore[no-untyped-call]
        finally:
            once.close()

    def info(self, *args: str) -> dict[str, str]:
        """`INFO` or `CLUSTER INFO` (args ("CLUSTER", "INFO")), parsed."""
        reply = self.command(*(args or ("INFO",)))
        if isinstance(reply, dict):
            return {k: str(v) for k, v in reply.items()}
        return parse_info(reply)

    def kill(self) -> None:
        """kill -9: no save, no goodbye to the cluster or the sentinels."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


class SharedTopology(AssertionError):
    """A failover asked of a topology other tests share."""


class Topology:
    """The processes, their root dir and the context manager that closes them."""

    def __init__(self, kind: str, shared: bool) -> None:
        self.root = Path(tempfile.mkdtemp(prefix=f"holdwatch-{kind}-"))
        self.ports = Ports()
        self.servers: list[Server] = []
        self.shared = shared

    def server(self, binary: str, name: str, args: list[str], port: int | None = None) -> Server:
        port = port or self.ports.take()
        node = Server(binary, self.root / name, port, args)
        self.servers.append(node)
        return node

    def data_args(self, port: int) -> list[str]:
        # no persistence; a replica's first sync at once, not after the default 5 s delay
        args = ["--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
        return [*args, "--repl-diskless-sync-delay", "0"]

    def refuse_if_shared(self) -> None:
        if self.shared:
            raise SharedTopology("shared topology: use the make_redis_* factory to fail over")

    def close(self) -> None:
        """Kill every process, then remove their directories."""
        for server in self.servers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
