"""A small builder for contract events, so scenario fixtures read like the rulebook."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Story:
    """One booking's events, in the order written (which need not be event-time order)."""

    agency: str = "lasd"
    booking: str = "B1"
    source: str = "urn:jms:test"
    zone: str | None = "America/Los_Angeles"
    events: list[dict[str, Any]] = field(default_factory=list)

    def add(self, type_: str, time: str, data: dict[str, Any], **envelope: Any) -> Story:
        event: dict[str, Any] = {
            "specversion": "1.0",
            "id": envelope.pop("id", f"{self.booking}-e{len(self.events) + 1}"),
            "source": self.source,
            "type": type_,
            "time": time,
            "agency": self.agency,
            "data": data,
        }
        subject = envelope.pop("subject", self.booking)
        if subject is not None:
            event["subject"] = subject
        event.update(envelope)
        self.events.append(event)
        return self

    def booked(
        self,
        time: str,
        *,
        charges: list[tuple[str, str]] = (("PC 148(a)(1)", "misdemeanor"),),  # type: ignore[assignment]
        priors: list[dict[str, Any]] | None = None,
        facility: str = "Men's Central Jail",
        registrant: bool | None = None,
    ) -> Story:
        data: dict[str, Any] = {
            "facility": facility,
            "person": {"person_id": f"P-{self.booking}", "name": "Test Person"},
            "charges": [
                {"charge_id": f"c{i}", "code": code, "level": level}
                for i, (code, level) in enumerate(charges, 1)
            ],
            "prior_convictions": priors or [],
        }
        if self.zone:
            data["timezone"] = self.zone
        if registrant is not None:
            data["registrant"] = registrant
        return self.add("booking.created", time, data)

    def detainer(
        self,
        time: str,
        detainer_id: str = "D1",
        *,
        form: str = "I-247A",
        pc: tuple[str, ...] = ("pending_proceedings",),
        warrant: str = "I-200",
        office: str = "ERO San Francisco",
        **extra: Any,
    ) -> Story:
        data = {
            "detainer_id": detainer_id,
            "form": form,
            "issuing_office": office,
            "probable_cause": list(pc),
            "attached_warrant": warrant,
            **extra,
        }
        return self.add("detainer.received", time, data)

    def copy(self, time: str, detainer_id: str = "D1", comply: bool = False) -> Story:
        data = {
            "notice": "request_copy",
            "recipients": ["subject"],
            "detainer_id": detainer_id,
            "intends_to_comply": comply,
        }
        return self.add("truth.notice_given", time, data)

    def release_notice(
        self, time: str, recipients: tuple[str, ...] = ("subject", "attorney")
    ) -> Story:
        return self.add(
            "truth.notice_given",
            time,
            {"notice": "release_notification", "recipients": list(recipients)},
        )

    def eligible(self, time: str, reason: str = "bond_posted") -> Story:
        return self.add("release.eligible", time, {"reason": reason})

    def revoked(self, time: str, reason: str = "new charge") -> Story:
        return self.add("release.eligibility_revoked", time, {"reason": reason})

    def notified(
        self, time: str, in_response_to: str | None = "D1", information: str = "release_date"
    ) -> Story:
        return self.add(
            "ice.notified", time, {"information": information, "in_response_to": in_response_to}
        )

    def warrant(self, time: str, kind: str, warrant_id: str = "W1", **extra: Any) -> Story:
        return self.add("warrant.received", time, {"warrant_id": warrant_id, "kind": kind, **extra})

    def cancelled(self, time: str, detainer_id: str = "D1") -> Story:
        return self.add("detainer.cancelled", time, {"detainer_id": detainer_id})

    def claim(self, time: str, kind: str = "us_citizen", evidence: str | None = None) -> Story:
        data: dict[str, Any] = {"kind": kind}
        if evidence:
            data["evidence"] = evidence
        return self.add("citizenship.claimed", time, data)

    def held_to_answer(self, time: str, code: str, categories: list[str] | None = None) -> Story:
        return self.add(
            "magistrate.held_to_answer", time, {"charge_code": code, "categories": categories or []}
        )

    def interview(self, time: str, form: bool, consented: bool) -> Story:
        return self.add("ice.interview", time, {"consent_form_given": form, "consented": consented})

    def released(self, time: str, to: str = "public", **extra: Any) -> Story:
        return self.add("custody.released", time, {"to": to, **extra})

    def wso(self, time: str, action: str, subject: str | None = None) -> Story:
        return self.add("wso.activity", time, {"action": action}, subject=subject)

    def jsonl(self) -> str:
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.events)

    def write(self, path: Path) -> None:
        path.write_text(self.jsonl(), encoding="utf-8")


def prior(code: str, level: str, on: str, categories: list[str] | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {"code": code, "level": level, "convicted_on": on}
    if categories is not None:
        p["categories"] = categories
    return p
