"""A profile bound to the rules its law runs (`Rulebook`), and a jurisdiction's set of them.

A `Profile` is data; a rule is a function of what every rule sees (`Context`) that reports
through `Out`. The binding lives here, outside the profile, so that data and rules do not
import each other. A jurisdiction package supplies a `Jurisdiction`: its rulebooks, its
overlays, and (for a "criteria" hold regime) the `HoldCriteria` the core calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from holdwatch.policy.core import advisories, data_quality
from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.criteria import HoldCriteria, StateCap
from holdwatch.policy.core.profile import Profile

Rule = Callable[[Context, Out], None]

#: Rules every profile runs, after its own.
SHARED: tuple[Rule, ...] = (
    *advisories.COMMON,
    data_quality.data_quality_rule,
    data_quality.scope_rule,
)


@dataclass(frozen=True, slots=True)
class Rulebook:
    """A profile and the rules the engine runs for it, in order."""

    profile: Profile
    rules: tuple[Rule, ...]
    criteria: HoldCriteria | None = None
    #: rules run on every record, whether or not immigration authorities touched it: the
    #: agency's own standing duties (a 287(g) agreement), a check owed on every booking
    always: tuple[Rule, ...] = ()
    #: a state cap on every hold, below the form's window (`HoldLimit`), in any regime
    limit: StateCap | None = None

    def __post_init__(self) -> None:
        if (self.profile.hold_regime == "criteria") != (self.criteria is not None):
            raise ValueError(
                f"profile: {self.profile.id} needs hold criteria exactly when its hold "
                "regime is 'criteria'"
            )

    @property
    def label(self) -> str:
        """The version a finding names: `ca-sb54@2018-01-01`."""
        return self.profile.label


#: An overlay turns a base rulebook into a stricter one (or refuses the base: ValueError).
Overlay = Callable[[Rulebook], Rulebook]


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """What a jurisdiction package gives the registry."""

    code: str
    rulebooks: tuple[Rulebook, ...]
    overlays: Mapping[str, Overlay] = field(default_factory=lambda: MappingProxyType({}))


def operative_from(day: date, rule: Rule) -> Rule:
    """Run `rule` only for bookings made on or after `day` (a duty's operative date)."""

    def guarded(ctx: Context, out: Out) -> None:
        booking = ctx.state.booking
        if booking is not None and booking.booked_at.date() >= day:
            rule(ctx, out)

    guarded.__name__ = f"{getattr(rule, '__name__', 'rule')}_from_{day.isoformat()}"
    return guarded
