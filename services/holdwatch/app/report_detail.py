"""The analysts' appendix: every custody past release eligibility the report counted, one
row each, so each hold count, total and median can be reproduced or challenged.

A row names its booking only by its pseudonym (`report.booking_ref`), gives the instants the
count started and ended (RFC 3339, as recorded) and the hours between them, and says
whether a finding calls the hold unlawful, with the code and the law's citation. Rows are
in the report's order: by agency, facility, then the instant the count began. CSV cells are
made inert as the report's own (`csv_cell`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from holdwatch.app.report import PastEligibility, Report
from holdwatch.app.report_render import csv_cell

COLUMNS = (
    "agency",
    "facility",
    "booking_ref",
    "detainer",
    "eligible_at",
    "counted_from",
    "counted_to",
    "ended_by",
    "released_at",
    "hours",
    "lawful",
    "why",
)
DETAILS = ("holds",)
_INSTANT: TypeAdapter[datetime] = TypeAdapter(datetime)


def _verdict(r: Report, agency: str, p: PastEligibility) -> tuple[str, str]:
    """(lawful, why): `no` with each unlawful-hold finding's code and citation; `yes` when
    no such finding names the hold; `not judged` for custody with no detainer lodged."""
    if not p.detainer:
        return "not judged", "no detainer lodged: not an immigration hold"
    if p.unlawful:
        return "no", "; ".join(f"{code}: {citation}" for code, citation in p.unlawful)
    rulebook = r.rulebook(agency)
    law = f" under {rulebook.label} ({rulebook.profile.hold_citation})" if rulebook else ""
    return "yes", f"no unlawful-hold finding{law}"


def records(r: Report) -> list[dict[str, Any]]:
    """The appendix's rows as plain values (instants as RFC 3339 text)."""
    out = []
    for (agency, facility), t in sorted(r.rows.items()):
        for p in sorted(t.past_eligibility, key=lambda p: (p.counted_from, p.booking_ref)):
            lawful, why = _verdict(r, agency, p)
            out.append(
                {
                    "agency": agency,
                    "facility": facility,
                    "booking_ref": p.booking_ref,
                    "detainer": "yes" if p.detainer else "no",
                    "eligible_at": p.eligible_at.isoformat(),
                    "counted_from": p.counted_from.isoformat(),
                    "counted_to": p.counted_to.isoformat(),
                    "ended_by": p.ended_by,
                    "released_at": p.released_at.isoformat() if p.released_at else "",
                    "hours": f"{p.hours:.4f}",
                    "lawful": lawful,
                    "why": why,
                }
            )
    return out


def holds_csv(r: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(COLUMNS)
    for row in records(r):
        w.writerow([csv_cell(row[c]) for c in COLUMNS])
    return buf.getvalue()


def holds_json(r: Report) -> str:
    doc = {
        "start": _INSTANT.dump_python(r.period.start, mode="json"),
        "end": _INSTANT.dump_python(r.period.end, mode="json"),
        "policy": r.profile,
        "holds": records(r),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


#: (detail, format) → renderer; a detail has no Markdown or HTML form.
DETAIL_RENDERERS = {("holds", "csv"): holds_csv, ("holds", "json"): holds_json}
