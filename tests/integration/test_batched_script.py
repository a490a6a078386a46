"""A batched script runs each call as the script alone would, in order, in one EVALSHA."""

from __future__ import annotations

from redis.asyncio import Redis

from holdwatch.adapters.batched_script import batched, flatten

# Appends its arguments to its one key and returns how long the list is; -1 (as the
# booking commit's version check does) when asked to refuse.
BODY = """
if ARGV[1] == 'refuse' then return -1 end
for i = 1, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
return redis.call('LLEN', KEYS[1])
"""


async def test_each_call_sees_only_its_own_keys_and_arguments(redis_url: str, prefix: str) -> None:
    r = Redis.from_url(redis_url)
    try:
        a, b = f"{prefix}:{{t}}:a", f"{prefix}:{{t}}:b"
        calls = [([a], ["x", "y"]), ([b], ["z"]), ([a], ["refuse", "w"]), ([a], ["v"]), ([b], [])]
        keys, args = flatten(calls)
        script = r.register_script(batched(BODY))
        assert await script(keys=keys, args=args) == [2, 1, -1, 3, 1]
        assert await r.lrange(a, 0, -1) == [b"x", b"y", b"v"]
        assert await r.lrange(b, 0, -1) == [b"z"]
        alone = r.register_script(BODY)
        assert await alone(keys=[b], args=["q"]) == 2  # the same body, called alone
        assert await script(keys=[], args=[0]) == []
    finally:
        await r.aclose()
