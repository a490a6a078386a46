"""The instant a batch is judged as of, from the clock and what the stream has outstanding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from holdwatch.app.horizon import TICK, Outstanding, horizon

NOTHING = Outstanding()

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("outstanding", "latest", "expected", "why"),
    [
        (NOTHING, NOW - H, NOW, "caught up: the clock"),
        (NOTHING, None, NOW, "timers, nothing outstanding: the clock"),
        (Outstanding(after=NOW - 2 * H), NOW - 3 * H, NOW - 2 * H - TICK, "backlog in order"),
        (Outstanding(after=NOW - 3 * H), NOW - 3 * H, NOW - 3 * H, "same instant next: in hand"),
        (Outstanding(after=NOW - 5 * H), NOW - H, NOW, "out of order: no promise, the clock"),
        (Outstanding(after=NOW - 5 * H), None, NOW - 5 * H - TICK, "timers: first unread"),
        (Outstanding(after=NOW - 5 * H), NOW - 6 * H, NOW - 5 * H - TICK, "timers, read in order"),
        (Outstanding(after=NOW - 5 * H), NOW - 2 * H, NOW, "timers, read out of order"),
        (Outstanding(before=NOW - 4 * H), NOW - H, NOW - 4 * H - TICK, "neighbour's batch"),
        (
            Outstanding(before=NOW - 4 * H, after=NOW - 5 * H),
            NOW - H,
            NOW - 4 * H - TICK,
            "pending before binds though the next is older",
        ),
        (Outstanding(after=NOW + H), NOW - H, NOW, "never past the clock"),
        (Outstanding(before=NOW + H), None, NOW, "a producer's clock ahead: the clock"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_horizon(
    outstanding: Outstanding, latest: datetime | None, expected: datetime, why: str
) -> None:
    assert horizon(NOW, outstanding, latest) == expected, why
