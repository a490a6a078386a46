"""Many calls of one Lua script in one: a batch's commits of one partition in one EVALSHA.

Redis spends a fixed cost on every script call (the lookup, the Lua state's setup, the
reply); a batch of a hundred bookings paid it a hundred times. `batched(body)` wraps a
script's body in a function of its own KEYS and ARGV and calls it once per set, in order,
returning the list of what each returned. The calls stay separate in meaning: each one
sees only its own keys and arguments, exactly as it would alone; they are atomic together,
which one script call always is. The keys of all calls must be in one slot on a cluster,
which a partition's keys are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: ARGV[1] the number of calls; then, per call, its key count, its argument count, its
#: arguments; KEYS are every call's keys in order.
_WRAPPER = """
local function one(KEYS, ARGV)
%s
end
local calls, out = tonumber(ARGV[1]), {}
local k, a = 1, 2
for c = 1, calls do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local keys, args = {}, {}
  for i = 1, nk do keys[i] = KEYS[k + i - 1] end
  for i = 1, na do args[i] = ARGV[a + 1 + i] end
  out[c] = one(keys, args)
  k, a = k + nk, a + 2 + na
end
return out
"""


def batched(body: str) -> str:
    """The script that runs `body` once per call it is given (see `flatten`)."""
    return _WRAPPER % body


def flatten(calls: Sequence[tuple[Sequence[str], Sequence[Any]]]) -> tuple[list[str], list[Any]]:
    """The KEYS and ARGV of one batched call for these (keys, args) calls."""
    keys: list[str] = []
    args: list[Any] = [len(calls)]
    for call_keys, call_args in calls:
        keys += call_keys
        args += [len(call_keys), len(call_args), *call_args]
    return keys, args
