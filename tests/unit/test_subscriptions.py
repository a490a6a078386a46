"""The subscribers' watcher, with fake subscribers: a stopped one gets its group back and
is started again; the health it reports is the subscribers' own."""

from __future__ import annotations

import pytest

from holdwatch.entrypoints.subscriptions import Subscriptions

pytestmark = pytest.mark.asyncio


class FakeSubscriber:
    def __init__(self, running: bool = True, fails: bool = False) -> None:
        self.running = running
        self.fails = fails
        self.starts = 0

    async def start(self) -> None:
        self.starts += 1
        if self.fails:
            raise OSError("redis down")
        self.running = True


class Groups:
    def __init__(self) -> None:
        self.created = 0

    async def ensure(self) -> None:
        self.created += 1


@pytest.mark.parametrize(
    ("states", "restarted", "groups_created"),
    [
        ([True, True], 0, 0),
        ([False, True], 1, 1),
        ([False, False], 2, 1),
    ],
)
async def test_stopped_subscribers_are_started_after_their_groups(
    states: list[bool], restarted: int, groups_created: int
) -> None:
    subs = [FakeSubscriber(running=s) for s in states]
    groups = Groups()
    watcher = Subscriptions(subs, groups.ensure, interval=0.01)
    assert watcher.running == all(states)
    assert await watcher.revive() == restarted
    assert groups.created == groups_created
    assert watcher.running
    assert [s.starts for s in subs] == [0 if s else 1 for s in states]


async def test_a_subscriber_that_cannot_start_keeps_health_down() -> None:
    sub = FakeSubscriber(running=False, fails=True)
    watcher = Subscriptions([sub], Groups().ensure, interval=0.01)
    with pytest.raises(OSError, match="redis down"):
        await watcher.revive()
    assert not watcher.running
