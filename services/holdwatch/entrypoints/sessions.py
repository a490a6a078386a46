"""Sessions of the defenders' page: signing in exchanges the bearer token for one.

The cookie carries a random session id, never the token. Redis keeps the session under
the SHA-256 digest of that id (a copy of the keys does not give anyone a working cookie),
with the token's digest (a token removed from the tokens file ends its sessions), a CSRF
token for the session's forms, and when it began and was last used: a session ends after
`idle` without use, after `lifetime` in any case, and on sign-out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis

from holdwatch.app.access import Principal, TokenTable

COOKIE = "holdwatch_session"


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Session:
    principal: Principal
    csrf: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


class SessionStore:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        tokens: TokenTable,
        clock: Callable[[], datetime],
        policy: SessionPolicy,
    ) -> None:
        self.redis, self.prefix, self.tokens = redis, prefix, tokens
        self.clock, self.policy = clock, policy

    def _key(self, session_id: str) -> str:
        return f"{self.prefix}:api:session:{_digest(session_id)}"

    async def open(self, token: str) -> tuple[str, Session] | None:
        """A new session for a valid token: its id (for the cookie) and the session."""
        principal = self.tokens.authenticate(token)
        if principal is None:
            return None
        session_id, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), self.clock()
        fields: dict[str | bytes, str | int] = {
            "token": _digest(token),
            "csrf": csrf,
            "began": _ms(now),
            "seen": _ms(now),
        }
        key = self._key(session_id)
        await self.redis.hset(key, mapping=fields)  # type: ignore[arg-type]
        await self.redis.pexpire(key, self._ttl_ms(_ms(now), _ms(now)))
        return session_id, Session(principal, csrf)

    async def find(self, session_id: str | None, *, touch: bool = True) -> Session | None:
        """The live session with this id, its idle clock restarted; None when there is
        none, it expired (idle or lifetime), or its token is no longer valid. What the
        page's script asks by itself (live updates) passes `touch=False`: an open tab
        nobody looks at must still go idle."""
        if not session_id:
            return None
        key = self._key(session_id)
        raw: Any = await self.redis.hgetall(key)
        if not raw:
            return None
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        now = self.clock()
        began, seen = int(fields["began"]), int(fields["seen"])
        idle, lifetime = self.policy.idle, self.policy.lifetime
        principal = self.tokens.by_digest(fields["token"])
        if (
            principal is None
            or _ms(now) - seen >= idle.total_seconds() * 1000
            or _ms(now) - began >= lifetime.total_seconds() * 1000
        ):
            await self.redis.delete(key)
            return None
        if touch:
            await self.redis.hset(key, "seen", _ms(now))
            await self.redis.pexpire(key, self._ttl_ms(began, _ms(now)))
        return Session(principal, fields["csrf"])

    async def close(self, session_id: str | None) -> None:
        """Sign-out: the session is gone, whatever the browser keeps."""
        if session_id:
            await self.redis.delete(self._key(session_id))

    def _ttl_ms(self, began_ms: int, now_ms: int) -> int:
        """Redis forgets the session when it would expire anyway (the checks above decide)."""
        end_of_life = began_ms + int(self.policy.lifetime.total_seconds() * 1000)
        idle_end = now_ms + int(self.policy.idle.total_seconds() * 1000)
        return max(1, min(end_of_life, idle_end) - now_ms)


def csrf_matches(session: Session, sent: str) -> bool:
    return hmac.compare_digest(session.csrf.encode(), sent.encode())
