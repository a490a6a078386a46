"""`Draft.freeze` builds the state positionally: each field must land in its own place."""

from __future__ import annotations

from typing import Any, cast

from holdwatch.domain.draft import Draft
from holdwatch.domain.state import CustodyState


def test_thaw_then_freeze_gives_back_every_field_in_its_place() -> None:
    values = cast(Any, {name: f"<{name}>" for name in CustodyState._fields})
    state = CustodyState(**values)
    assert Draft.thaw(state).freeze() == state
    assert set(Draft.__slots__) == set(CustodyState._fields)
