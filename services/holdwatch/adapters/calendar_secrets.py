"""Secret calendar URLs: one per API token, for calendar clients that cannot send a header.

Redis keeps only digests: the secret's SHA-256 names the token's digest (as the tokens
file has it), and the token's digest names its current secret's, so a new secret revokes
the old one and a revocation needs no secret. A secret whose token has left the tokens
file opens nothing, since the token is looked up again on every read.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from redis.asyncio import Redis


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class CalendarSecrets:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix  # Keys.calendar

    def _by_secret(self, secret_digest: str) -> str:
        return f"{self.prefix}:secret:{secret_digest}"

    def _by_token(self, token_digest: str) -> str:
        return f"{self.prefix}:token:{token_digest}"

    async def issue(self, token_digest: str) -> str:
        """A new secret for the token, replacing (revoking) any earlier one."""
        secret = secrets.token_urlsafe(32)
        await self.revoke(token_digest)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._by_secret(_digest(secret)), token_digest)
            pipe.set(self._by_token(token_digest), _digest(secret))
            await pipe.execute()
        return secret

    async def revoke(self, token_digest: str) -> bool:
        """Whether the token had a secret; afterwards it has none."""
        old: Any = await self.redis.getdel(self._by_token(token_digest))
        if old is None:
            return False
        await self.redis.delete(self._by_secret(old.decode()))
        return True

    async def token_of(self, secret: str) -> str | None:
        """The digest of the token this secret was issued to; None if unknown or revoked."""
        found: Any = await self.redis.get(self._by_secret(_digest(secret)))
        return None if found is None else str(found.decode())
