"""The key layout: one slot per booking commit on a cluster, the old names on one Redis."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from holdwatch.adapters.delivery_store import NotifyKeys
from holdwatch.adapters.keys import Keys, booking_tag
from holdwatch.adapters.redis_store import BookingStore
from holdwatch.adapters.topology import master_options
from holdwatch.settings import Settings

TAGS = [booking_tag("ca-alameda", f"B{i:05d}") for i in range(400)] + [
    booking_tag("ca-alameda", None),
    booking_tag("weird{agency}", "id/with}braces"),
]


def commit_keys(keys: Keys, tag: str) -> list[str]:
    """Every key the booking commit script declares (adapters/redis_store.py), and the
    previous layout's, which the load script reads."""
    store = BookingStore(Redis(), keys, group="holdwatch", alerts_maxlen=1)
    return [*store.commit_keys(tag, "holdwatch:events"), *keys.legacy_booking(tag)]


@pytest.mark.parametrize("partitions", [1, 2, 3, 8])
def test_on_a_cluster_a_booking_commit_touches_one_slot(partitions: int) -> None:
    keys = Keys("holdwatch", partitions=partitions, tagged=True)
    for tag in TAGS:
        slots = {key_slot(k.encode()) for k in commit_keys(keys, tag)}
        assert len(slots) == 1, (tag, commit_keys(keys, tag))
        # the fired-timers stream the partition's timers move to is in that slot too
        assert key_slot(keys.partition(tag).fired.encode()) in slots


@pytest.mark.parametrize("partitions", [2, 3, 8])
def test_bookings_spread_over_every_partition(partitions: int) -> None:
    keys = Keys("holdwatch", partitions=partitions, tagged=True)
    seen = {keys.partition(tag).index for tag in TAGS}
    assert seen == set(range(partitions))
    slots = {key_slot(p.timers.encode()) for p in keys.parts}
    assert len(slots) == partitions  # each partition is its own slot


def test_a_booking_stays_in_its_partition() -> None:
    """The partition follows from the tag alone: every replica, every restart agrees."""
    a = Keys("holdwatch", partitions=5, tagged=True)
    b = Keys("holdwatch", partitions=5, tagged=True)
    assert [a.partition(t).index for t in TAGS] == [b.partition(t).index for t in TAGS]


def test_one_redis_keeps_the_names_it_always_had() -> None:
    keys = Keys("holdwatch")
    tag = booking_tag("ca-alameda", "B1")
    assert keys.booking(tag) == "holdwatch:b:{ca-alameda/B1}"
    assert keys.legacy_booking(tag) == (
        "holdwatch:b:{ca-alameda/B1}:events",
        "holdwatch:b:{ca-alameda/B1}:findings",
        "holdwatch:b:{ca-alameda/B1}:meta",
    )
    part = keys.partition(tag)
    assert (part.timers, part.timer_data, part.custody) == (
        "holdwatch:timers:due",
        "holdwatch:timers:data",
        "holdwatch:custody",
    )
    assert (part.open_findings, part.finding_bookings) == (
        "holdwatch:findings:open",
        "holdwatch:findings:booking",
    )
    assert (part.alerts, part.fired) == ("holdwatch:alerts", "holdwatch:timers:fired")
    assert keys.frontier == "holdwatch:frontier:latest"
    assert NotifyKeys("holdwatch").jobs == "holdwatch:notify:jobs"
    assert NotifyKeys("holdwatch").acks == "holdwatch:acks"


def test_a_partitioned_reader_cannot_read_one_partition_by_mistake() -> None:
    with pytest.raises(ValueError, match="partitions"):
        _ = Keys("holdwatch", partitions=2).only


def test_on_a_cluster_the_frontier_shares_the_events_streams_slot() -> None:
    keys = Keys("holdwatch", tagged=True, events_stream="jail:events")
    assert key_slot(keys.frontier.encode()) == key_slot(b"jail:events")


def test_on_a_cluster_each_script_of_the_notifier_touches_one_slot() -> None:
    k = NotifyKeys("holdwatch", tagged=True)
    names = [k.jobs, k.queue, k.delivered, k.escalations, k.escalation_data, k.findings, k.log]
    assert len({key_slot(n.encode()) for n in [*names, k.acks]}) == 1


def test_on_a_cluster_the_calendars_two_keys_share_a_slot() -> None:
    keys = Keys("holdwatch", tagged=True)
    assert key_slot(f"{keys.calendar}:secret:a".encode()) == key_slot(
        f"{keys.calendar}:token:b".encode()
    )


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"HOLDWATCH_REDIS_CLUSTER": "1"}, "redis_cluster"),
        (
            {
                "HOLDWATCH_REDIS_CLUSTER": "1",
                "REDIS_URL": "redis://h:1",
                "HOLDWATCH_REDIS_SENTINELS": "h:2",
            },
            "redis_cluster",
        ),
        ({"HOLDWATCH_REDIS_SENTINELS": "no-port"}, "redis_sentinels"),
        ({"HOLDWATCH_KEY_PREFIX": "hw{x}"}, "key_prefix"),
        ({"HOLDWATCH_PARTITIONS": "0"}, "partitions"),
    ],
)
def test_a_topology_that_cannot_work_is_refused_naming_the_setting(
    env: dict[str, str], field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=field):
        Settings()


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (None, {}),
        ("redis://", {}),
        ("redis://:s3cret@ignored:1/2", {"password": "s3cret", "db": 2}),
        ("redis://ops:pw@ignored/0", {"username": "ops", "password": "pw", "db": 0}),
    ],
)
def test_behind_sentinel_the_url_gives_the_masters_credentials_not_its_address(
    url: str | None, options: dict[str, object]
) -> None:
    assert master_options(url) == options
