"""California's profiles, derived from its law (`ca.law`), and the rules each runs: the
Values Act (from 2018), the TRUST Act (2014–2017, with the TRUTH Act from 2017), state
prisons (CDCR), and the LASD overlay.
"""

from __future__ import annotations

from dataclasses import replace

from holdwatch.policy.ca import law, truth_act, values_act
from holdwatch.policy.ca.offense_review import unclassified_rule
from holdwatch.policy.ca.section_7282_5 import HoldOnConvictions
from holdwatch.policy.core.everywhere import EVERYWHERE
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import Subject, Version, local_policy_of, profile_of
from holdwatch.policy.core.rulebook import SHARED, Jurisdiction, Rule, Rulebook, operative_from

LASD_2020 = local_policy_of(law.LASD_2020)


def _from_its_date(version: Version, subject: Subject, rule: Rule) -> Rule:
    """`rule` guarded by its duty's operative date, where the duty starts inside the version."""
    duty = version.duty(subject)
    day = duty.operative_from if duty is not None else None
    return rule if day is None else operative_from(day, rule)


TRUST_2014_LAW = law.CA_TRUST_2014.versions[0]

SB54 = Rulebook(
    profile_of(law.CA_SB54, EVERYWHERE),
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
    profile_of(law.CA_TRUST_2014, EVERYWHERE),
    (
        hold_rule,
        _from_its_date(TRUST_2014_LAW, "request_copy", truth_act.copy_rule),
        _from_its_date(TRUST_2014_LAW, "release_notice", truth_act.release_notice_rule),
        _from_its_date(TRUST_2014_LAW, "interview", truth_act.interview_rule),
        unclassified_rule,
        *SHARED,
    ),
    criteria=HoldOnConvictions(),
)

CDCR = Rulebook(
    profile_of(law.CA_CDCR, EVERYWHERE),
    (hold_rule, truth_act.cdcr_copy_rule, truth_act.cdcr_interview_rule, *SHARED),
)


def _lasd(base: Rulebook) -> Rulebook:
    if base.profile.id != law.LASD_2020.applies_to:
        overlay = law.LASD_2020
        raise ValueError(f"profile: the {overlay.id} overlay applies only to {overlay.applies_to}")
    return replace(base, profile=replace(base.profile, local=LASD_2020))


JURISDICTION = Jurisdiction(
    code="ca", rulebooks=(SB54, TRUST_2014, CDCR), overlays={"lasd-2020": _lasd}
)
