"""Free loopback ports for the servers tests start."""

from __future__ import annotations

import random
import socket


def free_port() -> int:
    """A port nothing listens on now (the OS's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_port_base() -> int:
    """A base whose +0, +1, +2 and +9 (the demo's ports) are all free on the loopback."""
    for _ in range(50):
        base = random.randrange(20_000, 40_000)
        try:
            for offset in (0, 1, 2, 9):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise AssertionError("no free ports")
