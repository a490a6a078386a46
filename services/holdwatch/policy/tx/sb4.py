"""Texas SB 4 (2017), Code Crim. Proc. art. 2.251: the duty runs the other way.

A jail *must* honor a detainer (a)(1) and tell the person they are held on it (a)(2),
unless the person proves citizenship or lawful status (b). Releasing someone without
honoring the detainer is a state-compliance finding, not a federal violation (scenario S23).
"""

from __future__ import annotations

from holdwatch.policy.core.context import Context, Out
from holdwatch.policy.core.hold_span import holds
from holdwatch.policy.core.honor import Honor, honor_rule

CITATION = "Tex. Code Crim. Proc. art. 2.251"


state_duty_rule = honor_rule(
    Honor(law="Texas law", citation=f"{CITATION}(a)(1)", rule="tx.duty", proof_ends_duty=True)
)


def inform_rule(ctx: Context, out: Out) -> None:
    """Art. 2.251(a)(2): a person held on a detainer must be told so."""
    for hold in holds(ctx):
        told = any(n.notice == "request_copy" and n.at <= hold.start for n in ctx.state.notices)
        if told:
            continue
        out.finding(
            "TRUTH_COPY_MISSING",
            "tx.inform",
            kind="violation",
            severity="warning",
            at=hold.start,
            instant=True,
            detainer_id=hold.detainers[0].detainer_id,
            anchor=hold.span.event_id,
            citation=f"{CITATION}(a)(2)",
            explanation=(
                f"The person was held on a detainer from {ctx.local(hold.start)} without "
                "being told they were held on an immigration detainer."
            ),
            evidence=hold.evidence,
        )
