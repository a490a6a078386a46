"""Local overlays given as data (a county ordinance, a sheriff's policy): what they bar,
applied on their base profile by rules of their own where the base's do not.

A built-in overlay (`lasd-2020`, `cook-county`) is read by its base's rules through
`profile.local`. An overlay a deployment adds as a data file works the same way, on any
base: where the version in force bars the act itself (its duties list the code), the base's
rule reports it, citing the overlay too or in its place (one act, one finding); where it
does not, the overlay's own rule here does, naming the overlay's version and the evidence
level of its duty. The engine checks what `LocalPolicy` expresses (release dates barred,
hand-overs only on a judge's warrant); any other duty is for counsel and may raise no code.
"""

from __future__ import annotations

from dataclasses import replace

from holdwatch.domain.findings import Code
from holdwatch.policy.core.acts import notify_unauthorized, transfer_against_local_policy
from holdwatch.policy.core.context import JUDICIAL_ANY, Context, Out
from holdwatch.policy.core.law import Evidence, Overlay, local_policy_of
from holdwatch.policy.core.profile import LocalPolicy
from holdwatch.policy.core.rulebook import Overlay as Apply
from holdwatch.policy.core.rulebook import Rule, Rulebook

#: (subject, rule) of each duty the engine checks for an overlay, and the code it raises
CHECKED: dict[tuple[str, str], Code] = {
    ("release_notification", "barred"): "NOTIFY_UNAUTHORIZED",
    ("transfer", "judicial_warrant"): "TRANSFER_UNAUTHORIZED",
}
IMMIGRATION_AUTHORITIES = frozenset({"ice", "cbp"})


def check(overlay: Overlay) -> LocalPolicy:
    """The overlay as the engine runs it. ValueError names the field (`duties.1.codes: …`)
    when a duty states codes the engine would not raise, or a checked duty lists none."""
    for i, duty in enumerate(overlay.duties):
        code = CHECKED.get((duty.subject, duty.rule))
        if code is None and duty.codes:
            checked = ", ".join(f"{s} ({r})" for s, r in CHECKED)
            raise ValueError(
                f"duties.{i}.codes: the engine checks only an overlay's {checked} duties; "
                "leave codes empty for a duty counsel reads but the engine does not check"
            )
        if code is not None and duty.codes != (code,):
            raise ValueError(f"duties.{i}.codes: must be [{code!r}], the code the engine raises")
    try:
        return local_policy_of(overlay)
    except ValueError:
        raise ValueError("duties: every duty of an overlay must give the same citation") from None


def _listed(ctx: Context, code: Code) -> bool:
    """Whether the base's version in force bars the act itself (then its rule applies)."""
    return any(c == code for c, _ in ctx.profile.evidence)


def _with_evidence(out: Out, level: Evidence) -> None:
    out.findings[-1] = out.findings[-1].model_copy(update={"evidence_level": level})


def _notify_rule(local: LocalPolicy, level: Evidence) -> Rule:
    def local_notify_rule(ctx: Context, out: Out) -> None:
        if _listed(ctx, "NOTIFY_UNAUTHORIZED"):
            return
        for contact in ctx.state.contacts:
            t = contact.at
            if t > ctx.as_of or contact.publicly_available or contact.information != "release_date":
                continue
            if not local.in_force(t) or ctx.warrant(JUDICIAL_ANY, by=t) is not None:
                continue
            notify_unauthorized(
                ctx,
                out,
                contact,
                "notify.local",
                local.citation,
                f"At {ctx.local(t)} the jail gave ICE the person's release date, which local "
                f"policy ({local.id}) bars; no judge's warrant or order was on file.",
                policy=local.label,
            )
            _with_evidence(out, level)

    return local_notify_rule


def _transfer_rule(local: LocalPolicy, level: Evidence) -> Rule:
    def local_transfer_rule(ctx: Context, out: Out) -> None:
        release = ctx.state.release
        if release is None or ctx.custody_end is None or _listed(ctx, "TRANSFER_UNAUTHORIZED"):
            return
        t = release.at
        if release.to not in IMMIGRATION_AUTHORITIES or not local.in_force(t):
            return
        if ctx.warrant(JUDICIAL_ANY, by=t) is not None:
            return
        why = (
            f"with no judge's warrant or order on file; local policy ({local.id}) allows a "
            "hand-over only on one."
        )
        transfer_against_local_policy(ctx, out, release, local, why)
        _with_evidence(out, level)

    return local_transfer_rule


def rules_of(overlay: Overlay, local: LocalPolicy) -> tuple[Rule, ...]:
    level = {CHECKED[(d.subject, d.rule)]: d.evidence for d in overlay.duties if d.codes}
    return (
        *(
            (_notify_rule(local, level["NOTIFY_UNAUTHORIZED"]),)
            if "NOTIFY_UNAUTHORIZED" in level
            else ()
        ),
        *(
            (_transfer_rule(local, level["TRANSFER_UNAUTHORIZED"]),)
            if "TRANSFER_UNAUTHORIZED" in level
            else ()
        ),
    )


def apply_of(overlay: Overlay) -> Apply:
    """The registry's overlay for data: refuses another base, or a second local overlay."""
    local = check(overlay)
    rules = rules_of(overlay, local)

    def apply(base: Rulebook) -> Rulebook:
        if base.profile.id != overlay.applies_to:
            raise ValueError(
                f"profile: the {overlay.id} overlay applies only to {overlay.applies_to}"
            )
        if base.profile.local is not None:
            raise ValueError(
                f"profile: {base.profile.id} already has the local overlay "
                f"{base.profile.local.id}; a profile takes one"
            )
        profile = replace(base.profile, local=local)
        return replace(base, profile=profile, rules=(*base.rules, *rules))

    return apply
