"""The profile registry: each jurisdiction's rules, versions and sources; overlays join with `+`.

`resolve("ca-sb54+lasd-2020")` gives the California baseline with the LASD moratorium
on top. Each profile cites its sources so a finding's `policy` leads back to the law.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from holdwatch.policy import advisories, data_quality, texas, truth_act, values_act
from holdwatch.policy.context import Context, Out
from holdwatch.policy.holds import hold_rule
from holdwatch.policy.profile import LocalPolicy, Profile, Rule

SHARED: tuple[Rule, ...] = (
    *advisories.COMMON,
    data_quality.data_quality_rule,
    data_quality.scope_rule,
)


def _from(day: date, rule: Rule) -> Rule:
    """Run `rule` only for bookings made on or after `day` (a duty's operative date)."""

    def guarded(ctx: Context, out: Out) -> None:
        booking = ctx.state.booking
        if booking is not None and booking.booked_at.date() >= day:
            rule(ctx, out)

    guarded.__name__ = f"{getattr(rule, '__name__', 'rule')}_from_{day.isoformat()}"
    return guarded


TRUTH_OPERATIVE = date(2017, 1, 1)  # AB 2792 (2016), Stats. 2016, ch. 768

US_FEDERAL = Profile(
    id="us-federal",
    version=date(2017, 4, 2),
    title="Federal baseline: Form I-247A, 48 elapsed hours past release",
    zone="America/New_York",
    sources=("8 C.F.R. §287.7", "DHS Form I-247A (02/17)", "ICE Policy 10074.2"),
    rules=(hold_rule, *SHARED),
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
)

US_FEDERAL_LEGACY = replace(
    US_FEDERAL,
    id="us-federal-legacy",
    version=date(1997, 4, 1),
    title="Federal legacy: 8 C.F.R. §287.7(d), 48 hours excluding weekends and holidays",
    sources=("8 C.F.R. §287.7(d)", "DHS Form I-247 (12/11, 12/12)"),
    hold_citation="8 C.F.R. §287.7(d)",
)

CA_SB54 = Profile(
    id="ca-sb54",
    version=date(2018, 1, 1),
    title="California Values Act (SB 54): no holds; notify and transfer only per §7282.5",
    zone="America/Los_Angeles",
    sources=(
        "Cal. Gov. Code §§7284-7284.12 (SB 54, Stats. 2017, ch. 495)",
        "Cal. Gov. Code §§7282, 7282.5 (TRUST Act as amended)",
        "Cal. Gov. Code §§7283-7283.2 (TRUTH Act)",
    ),
    rules=(
        hold_rule,
        values_act.transfer_rule,
        values_act.notify_rule,
        values_act.wso_rule,
        truth_act.copy_rule,
        truth_act.release_notice_rule,
        truth_act.interview_rule,
        data_quality.unclassified_rule,
        *SHARED,
    ),
    hold_regime="zero",
    hold_citation="Cal. Gov. Code §7284.6(a)(1)(B)",
    state="CA",
    judicial_warrant_condition=True,
)

CA_TRUST_2014 = Profile(
    id="ca-trust-2014",
    version=date(2014, 1, 1),
    effective_to=date(2017, 12, 31),
    title="California TRUST Act (AB 4) 2014-2017: holds only for listed convictions",
    zone="America/Los_Angeles",
    sources=("former Cal. Gov. Code §§7282(c), 7282.5 (AB 4, Stats. 2013, ch. 570)",),
    rules=(
        hold_rule,
        _from(TRUTH_OPERATIVE, truth_act.copy_rule),
        _from(TRUTH_OPERATIVE, truth_act.release_notice_rule),
        _from(TRUTH_OPERATIVE, truth_act.interview_rule),
        data_quality.unclassified_rule,
        *SHARED,
    ),
    hold_regime="criteria",
    hold_citation="former Cal. Gov. Code §7282.5(a) (2014); former §7282(c)",
    state="CA",
)

CA_CDCR = Profile(
    id="ca-cdcr",
    version=date(2018, 1, 1),
    title="California state prisons (CDCR): outside §7284.6; §7284.10 duties",
    zone="America/Los_Angeles",
    sources=("Cal. Gov. Code §7284.4(a)", "Cal. Gov. Code §7284.10"),
    rules=(hold_rule, truth_act.cdcr_copy_rule, truth_act.cdcr_interview_rule, *SHARED),
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    state="CA",
)

TX_SB4 = Profile(
    id="tx-sb4",
    version=date(2017, 9, 1),
    title="Texas SB 4: detainers must be honored, within the form's window",
    zone="America/Chicago",
    sources=("Tex. Code Crim. Proc. art. 2.251 (SB 4, 2017)", "DHS Form I-247A (02/17)"),
    rules=(hold_rule, texas.state_duty_rule, texas.inform_rule, *SHARED),
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    state="TX",
)

BASES: dict[str, Profile] = {
    p.id: p for p in (US_FEDERAL, US_FEDERAL_LEGACY, CA_SB54, CA_TRUST_2014, CA_CDCR, TX_SB4)
}

LASD_2020 = LocalPolicy(
    id="lasd-2020",
    version=date(2020, 4, 24),
    citation="LASD policy: moratorium on ICE transfers and release notifications "
    "(Apr. 24, 2020; permanent Aug. 3, 2020)",
    bars_release_notification=True,
    transfer_requires_judicial_warrant=True,
)


def _lasd(base: Profile) -> Profile:
    if base.id != "ca-sb54":
        raise ValueError("profile: the lasd-2020 overlay applies only to ca-sb54")
    return replace(base, local=LASD_2020)


def _state(code: str) -> Callable[[Profile], Profile]:
    return lambda base: replace(base, state=code.upper())


OVERLAYS: dict[str, Callable[[Profile], Profile]] = {
    "lasd-2020": _lasd,
    **{
        f"state-{s.lower()}": _state(s)
        for s in ("CA", "NV", "OR", "WA", "AZ", "TX", "NY", "NJ", "FL", "IL", "CO")
    },
}


def resolve(spec: str) -> Profile:
    """A profile from its id, optionally with overlays: `ca-sb54+lasd-2020`."""
    base_id, *overlays = spec.strip().split("+")
    if base_id not in BASES:
        raise ValueError(f"profile: unknown profile {base_id!r}; known: {', '.join(sorted(BASES))}")
    profile = BASES[base_id]
    for name in overlays:
        if name not in OVERLAYS:
            raise ValueError(
                f"profile: unknown overlay {name!r}; known: {', '.join(sorted(OVERLAYS))}"
            )
        profile = OVERLAYS[name](profile)
    if overlays:
        profile = replace(profile, id=spec.strip())
    return profile
