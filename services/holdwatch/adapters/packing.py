"""Commands packed by hiredis instead of redis-py's Python loop.

redis-py's asyncio connections encode every argument in Python even when hiredis is
installed (only its sync client packs with hiredis). A commit is one EVALSHA of some
twenty arguments per booking, so on the live path that loop cost about a fifth of the
monitor's time; hiredis packs the same bytes in C.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.asyncio.connection import (
    AbstractConnection,
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
)
from redis.exceptions import DataError


class _HiredisPacking:
    def pack_command(self, *args: Any) -> list[bytes]:
        # As redis-py does: "SCRIPT LOAD" and the like are sent as separate words.
        if isinstance(args[0], str):
            args = (*args[0].encode().split(), *args[1:])
        elif b" " in args[0]:
            args = (*args[0].split(), *args[1:])
        try:
            return [hiredis.pack_command(args)]
        except TypeError:
            pass
        # Rare: redis-py also takes bytearrays; anything else (None, bool) is its DataError.
        args = tuple(bytes(a) if isinstance(a, bytearray) else a for a in args)
        try:
            return [hiredis.pack_command(args)]
        except TypeError as exc:
            raise DataError(str(exc)) from None


class PackedConnection(_HiredisPacking, Connection):
    pass


class PackedSSLConnection(_HiredisPacking, SSLConnection):
    pass


class PackedUnixConnection(_HiredisPacking, UnixDomainSocketConnection):
    pass


_PACKED: dict[type[AbstractConnection], type[AbstractConnection]] = {
    Connection: PackedConnection,
    SSLConnection: PackedSSLConnection,
    UnixDomainSocketConnection: PackedUnixConnection,
}


def client(url: str, *, per_reply_timeout: bool = True) -> Redis:
    """`Redis.from_url(url)` whose connections pack with hiredis (tcp, tls or unix socket).

    `per_reply_timeout=False`: no socket timeout, for a caller that bounds each round trip
    as a whole (adapters/deadline.py); redis-py otherwise times every reply it reads and
    every command it sends on its own."""
    redis = Redis.from_url(url)
    pool = redis.connection_pool
    pool.connection_class = _PACKED.get(pool.connection_class, pool.connection_class)
    if not per_reply_timeout:
        pool.connection_kwargs["socket_timeout"] = None
    return redis
