"""California's profiles and the rules each runs: the Values Act (from 2018), the TRUST Act
(2014–2017, with the TRUTH Act from 2017), state prisons (CDCR), and the LASD overlay.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from holdwatch.policy.ca import truth_act, values_act
from holdwatch.policy.ca.offense_review import unclassified_rule
from holdwatch.policy.ca.section_7282_5 import HoldOnConvictions
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.profile import LocalPolicy, Profile
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rulebook, operative_from

TRUTH_OPERATIVE = date(2017, 1, 1)  # AB 2792 (2016), Stats. 2016, ch. 768

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
    hold_regime="window",
    hold_citation="DHS Form I-247A (02/17); 8 C.F.R. §287.7(d)",
    state="CA",
)

LASD_2020 = LocalPolicy(
    id="lasd-2020",
    version=date(2020, 4, 24),
    citation="LASD policy: moratorium on ICE transfers and release notifications "
    "(Apr. 24, 2020; permanent Aug. 3, 2020)",
    bars_release_notification=True,
    transfer_requires_judicial_warrant=True,
)

SB54 = Rulebook(
    CA_SB54,
    (
        hold_rule,
        values_act.transfer_rule,
        values_act.notify_rule,
        values_act.wso_rule,
        truth_act.copy_rule,
        truth_act.release_notice_rule,
        truth_act.interview_rule,
        unclassified_rule,
        *SHARED,
    ),
)

TRUST_2014 = Rulebook(
    CA_TRUST_2014,
    (
        hold_rule,
        operative_from(TRUTH_OPERATIVE, truth_act.copy_rule),
        operative_from(TRUTH_OPERATIVE, truth_act.release_notice_rule),
        operative_from(TRUTH_OPERATIVE, truth_act.interview_rule),
        unclassified_rule,
        *SHARED,
    ),
    criteria=HoldOnConvictions(),
)

CDCR = Rulebook(
    CA_CDCR, (hold_rule, truth_act.cdcr_copy_rule, truth_act.cdcr_interview_rule, *SHARED)
)


def _lasd(base: Rulebook) -> Rulebook:
    if base.profile.id != "ca-sb54":
        raise ValueError("profile: the lasd-2020 overlay applies only to ca-sb54")
    return replace(base, profile=replace(base.profile, local=LASD_2020))


JURISDICTION = Jurisdiction(
    code="ca", rulebooks=(SB54, TRUST_2014, CDCR), overlays={"lasd-2020": _lasd}
)
