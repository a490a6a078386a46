"""`holdwatch law list` and `law show`: the rulebook counsel reads is the data the engine runs.

Every profile's output is checked against its data, duty by duty; `--on` at the boundaries
of a version, of an operative date and of an overlay; escaping of data in Markdown and
HTML; the unknown-profile error; and that the repository points at no document outside it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from markupsafe import escape

from holdwatch.app.code_instants import UNDOCUMENTED, when
from holdwatch.app.lawbook import Entry, book, entries, span
from holdwatch.app.report_render import md
from holdwatch.app.rulebook_render import html_page, markdown
from holdwatch.entrypoints.cli import main
from holdwatch.policy.core.holds import hold_rule
from holdwatch.policy.core.law import Duty, Law, Version, profile_of
from holdwatch.policy.core.profile import Params
from holdwatch.policy.core.rulebook import Jurisdiction, Rulebook
from holdwatch.policy.registry import BASES, OVERLAYS, Registry
from holdwatch.policy.us.law import EVERYWHERE

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = {
    "verified": "verified from the text",
    "secondary": "secondary source",
    "inferred": "inferred",
}
ENTRIES = entries()
PROFILES = [e for e in ENTRIES if e.kind == "profile"]
LAWS = [e.data for e in PROFILES if isinstance(e.data, Law)]


def _blocks(text: str, marker: str) -> list[str]:
    """The text of each duty, in order: what follows each `marker` up to the next."""
    return text.split(marker)[1:]


def _duties(law: Law) -> list[tuple[Version, Duty]]:
    return [(v, d) for v in law.versions for d in v.duties]


def test_every_registry_profile_has_its_law_data() -> None:
    """A profile the engine runs but counsel cannot read would be a hidden rulebook."""
    assert sorted(e.id for e in PROFILES) == sorted(BASES)
    assert all(isinstance(e.data, Law) for e in PROFILES), [e.id for e in PROFILES if not e.data]
    for e in ENTRIES:
        assert e.kind == "profile" or e.data is not None or e.note, e.id


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.id)
def test_show_markdown_states_every_duty_as_its_data(law: Law) -> None:
    text = markdown(book(law.id))
    blocks = _blocks(text, "\n### ")
    duties = _duties(law)
    assert len(blocks) == len(duties) + len(EVERYWHERE)
    for (version, duty), block in zip(duties, blocks, strict=False):
        begins = duty.operative_from or version.valid_from
        for part in (duty.text, duty.citation, duty.source, span(begins, version.valid_to)):
            assert md(part) in block, (law.id, duty.subject, part)
        assert f"- Evidence: {EVIDENCE[duty.evidence]}\n" in block
        for code in duty.codes:
            assert f"`{code}`: {md(when(duty.subject, code, Params()))}" in block
        if not duty.codes:
            assert "documented, not checked" in block
    for version in law.versions:
        assert md(f"{law.id}@{version.valid_from}: {version.title}") in text
        assert f"- In force: {span(version.valid_from, version.valid_to)}\n" in text


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.id)
def test_show_html_states_every_duty_as_its_data(law: Law) -> None:
    page = html_page(book(law.id))
    blocks = _blocks(page, "<article")
    duties = _duties(law)
    assert len(blocks) == len(duties) + len(EVERYWHERE)
    for (version, duty), block in zip(duties, blocks, strict=False):
        begins = duty.operative_from or version.valid_from
        for part in (duty.text, duty.citation, duty.source, span(begins, version.valid_to)):
            assert str(escape(part)) in block, (law.id, duty.subject, part)
        assert f"<dd>{EVIDENCE[duty.evidence]}</dd>" in block
        for code in duty.codes:
            assert f'<span class="engine">{code}</span>' in block


def test_show_gives_the_parameters_counsel_needs() -> None:
    text = markdown(book("tx-sb4"))
    assert "- Zone: America/Chicago\n" in text
    assert "- Warning lead: 2 hours before a hold deadline (live only)\n" in text
    assert "- Hold window: the detainer's own: 48 elapsed hours" in text
    assert "- Hold window: none: custody past release" in markdown(book("ca-sb54"))
    assert "(listed convictions)" in markdown(book("ca-trust-2014"))


def test_every_code_a_duty_raises_has_its_instant() -> None:
    every = [d for law in LAWS for _, d in _duties(law)] + list(EVERYWHERE)
    missing = {
        (d.subject, c)
        for d in every
        for c in d.codes
        if when(d.subject, c, Params()) == UNDOCUMENTED
    }
    assert not missing
    assert "24 hours after" in when("request_copy", "TRUTH_COPY_MISSING", Params())
    lead = Params(warning_lead=timedelta(minutes=90))
    assert "90 minutes before" in when("hold", "HOLD_DEADLINE_APPROACHING", lead)


@pytest.mark.parametrize(
    ("on", "shown"),
    [
        (date(2013, 12, 31), False),  # the day before the version starts
        (date(2014, 1, 1), True),  # the day it starts
        (date(2017, 12, 31), True),  # its last day
        (date(2018, 1, 1), False),  # the day after it ends
    ],
)
def test_on_at_a_version_s_boundaries(on: date, shown: bool) -> None:
    text = markdown(book("ca-trust-2014", on))
    assert ("## ca-trust-2014@2014-01-01" in text) is shown
    assert ("No version of ca-trust-2014 was in force" in text) is not shown


@pytest.mark.parametrize(
    ("on", "operative"), [(date(2016, 12, 31), False), (date(2017, 1, 1), True)]
)
def test_on_at_a_duty_s_operative_date(on: date, operative: bool) -> None:
    """The TRUTH Act duties inside the TRUST-era version apply from 2017-01-01 bookings."""
    text = markdown(book("ca-trust-2014", on))
    assert ("not yet operative on 2016-12-31" in text) is not operative
    assert "(for bookings made from 2017-01-01)" in text


@pytest.mark.parametrize(
    ("on", "in_force"), [(date(2020, 4, 23), False), (date(2020, 4, 24), True)]
)
def test_on_at_an_overlay_s_start(on: date, in_force: bool) -> None:
    text = markdown(book("ca-sb54+lasd-2020", on))
    overlay = text.split("## Overlay lasd-2020")[1].split("\n## ")[0]
    assert ("Not in force on 2020-04-23." in overlay) is not in_force
    assert (
        "No transfer to immigration authorities without a judicial warrant" in overlay
    ) is in_force


def _two_versions(text: str = "The old rule.") -> Law:
    duty = Duty(
        subject="hold",
        rule="window",
        text=text,
        citation="Test Code §1",
        source="a test",
        evidence="secondary",
        codes=("HOLD_OVER_WINDOW",),
    )
    new = duty.model_copy(update={"text": "The new rule.", "citation": "Test Code §2"})
    return Law(
        id="zz-test",
        zone="America/Denver",
        versions=(
            Version(
                valid_from=date(2019, 1, 1),
                valid_to=date(2025, 12, 31),
                title="Old",
                sources=("a test",),
                duties=(duty,),
            ),
            Version(valid_from=date(2026, 1, 1), title="New", sources=("a test",), duties=(new,)),
        ),
    )


def _registry(law: Law) -> Registry:
    one = law.model_copy(update={"versions": law.versions[:1]})
    return Registry(Jurisdiction("zz", (Rulebook(profile_of(one), (hold_rule,)),)))


@pytest.mark.parametrize(
    ("on", "old", "new"),
    [
        (None, True, True),
        (date(2025, 12, 31), True, False),  # the day before the new version starts
        (date(2026, 1, 1), False, True),  # the day it starts
    ],
)
def test_on_picks_the_version_in_force_among_several(on: date | None, old: bool, new: bool) -> None:
    law = _two_versions()
    registry = _registry(law)
    text = markdown(book("zz-test", on, registry, registry_jurisdictions(registry), [law]))
    assert ("## zz-test@2019-01-01: Old" in text) is old
    assert ("Test Code §1" in text) is old
    assert ("## zz-test@2026-01-01: New" in text) is new
    assert ("Test Code §2" in text) is new


def registry_jurisdictions(registry: Registry) -> list[Jurisdiction]:
    return [Jurisdiction("zz", tuple(registry.bases.values()))]


@pytest.mark.parametrize(
    "law", [law for law in LAWS if len(law.versions) > 1], ids=lambda law: law.id
)
def test_on_at_each_real_version_boundary(law: Law) -> None:
    for before, after in zip(law.versions, law.versions[1:], strict=False):
        day = after.valid_from
        assert f"@{before.valid_from}:" in markdown(book(law.id, day - timedelta(days=1)))
        assert f"@{after.valid_from}:" not in markdown(book(law.id, day - timedelta(days=1)))
        assert f"@{after.valid_from}:" in markdown(book(law.id, day))
        assert f"@{before.valid_from}:" not in markdown(book(law.id, day))


class _WiderDuty(Duty):
    """A duty as a later schema may have it: a field this renderer has no words for."""

    reading: str | None = None


def test_a_new_field_of_the_data_is_shown_by_name() -> None:
    law = _two_versions()
    wider = _WiderDuty(**dict(law.versions[0].duties[0]), reading="read as 00:00 on Dec. 2")
    old = law.versions[0].model_copy(update={"duties": (wider,)})
    law = law.model_copy(update={"versions": (old, law.versions[1])})
    registry = _registry(law)
    text = markdown(book("zz-test", None, registry, registry_jurisdictions(registry), [law]))
    assert "- Reading: read as 00:00 on Dec. 2\n" in text
    assert text.count("- Reading:") == 1  # unset, or on another duty: not shown
    assert "- Text:" not in text  # the fields it knows are not repeated by name


def test_data_is_inert_in_markdown_and_html() -> None:
    law = _two_versions('<script>alert("x")</script> & [a link](http://x) *bold*')
    registry = _registry(law)
    b = book("zz-test", None, registry, registry_jurisdictions(registry), [law])
    page = html_page(b)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [a link]" in page
    text = markdown(b)
    assert "<script>" not in text
    assert r"&lt;script&gt;alert(\"x\")" not in text  # quotes are not Markdown: left alone
    assert r'&lt;script&gt;alert("x")&lt;/script&gt; &amp; \[a link\](http://x) \*bold\*' in text


def test_list_names_every_registry_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["law", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [e.id for e in ENTRIES]
    assert {e.id for e in ENTRIES} == set(BASES) | set(OVERLAYS)
    trust = next(line for line in lines if line.startswith("ca-trust-2014 "))
    assert re.search(r"profile\s+ca\s+2014-01-01 to 2017-12-31$", trust)
    lasd = next(line for line in lines if line.startswith("lasd-2020 "))
    assert lasd.endswith("from 2020-04-24 (on ca-sb54)")


def test_list_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["law", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == set(BASES) | set(OVERLAYS)
    by_id = {r["id"]: r for r in rows}
    assert by_id["ca-trust-2014"]["versions"] == [
        {"valid_from": "2014-01-01", "valid_to": "2017-12-31"}
    ]
    assert by_id["lasd-2020"]["applies_to"] == "ca-sb54"
    for entry in PROFILES:
        assert len(by_id[entry.id]["versions"]) == len(_versions(entry))


def _versions(entry: Entry) -> tuple[Version, ...]:
    return entry.data.versions if isinstance(entry.data, Law) else ()


@pytest.mark.parametrize(
    ("spec", "named"),
    [("nope", "unknown profile 'nope'"), ("ca-sb54+nope", "unknown overlay 'nope'")],
)
def test_unknown_profile_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], spec: str, named: str
) -> None:
    assert main(["law", "show", spec]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert named in err
    known = sorted(BASES) if "profile" in named else sorted(OVERLAYS)
    assert f"known: {', '.join(known)}" in err


def test_show_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["law", "show", "ca-sb54", "--on", "2020-01-01", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!doctype html>")
    assert "the law in force on 2020-01-01" in page
    with pytest.raises(SystemExit) as bad:
        main(["law", "show", "ca-sb54", "--on", "2020-13-01"])
    assert bad.value.code == 2
    assert "--on: not a date as YYYY-MM-DD" in capsys.readouterr().err


SKIP = {".git", ".venv", "build", "node_modules", "__pycache__", ".holdwatch"}


def test_no_file_points_at_documents_outside_the_repository() -> None:
    """The project documents its own law (`holdwatch law show`) and contract
    (schemas/README.md); it names no document that is not in it."""
    outside = ("LAW" + ".md", "CONTRACT" + ".md")
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP and not d.endswith((".egg-info", "_cache"))]
        for name in files:
            path = Path(folder, name)
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            found += [f"{path.relative_to(ROOT)}: {doc}" for doc in outside if doc in text]
    assert not found


def test_law_list_names_oregon_as_counsel_writes_it_not_as_its_package() -> None:
    (oregon,) = [e for e in entries() if e.id == "or-sanctuary"]
    assert oregon.jurisdiction == "or"
