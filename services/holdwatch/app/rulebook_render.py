"""`holdwatch law` output: the registry as a list, a rulebook as Markdown or HTML.

Everything shown is law data, which could one day come from an operator's file, so it is
made inert for where it goes: Markdown escaped as the compliance report escapes it
(`report_render.md`), HTML by Jinja2's autoescaping.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from jinja2 import Environment

from holdwatch.app.lawbook import Book, Entry
from holdwatch.app.report_render import md
from holdwatch.policy.core.law import Overlay

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENV.from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rulebook: {{ b.spec }}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}
dt{font-weight:bold}.engine{font-family:monospace}.off{color:#666}</style></head><body>
<h1>Rulebook: {{ b.spec }}</h1>
<p>{{ intro }}</p>
<h2>Parameters</h2>
<dl>{% for label, value in b.parameters %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
</dl>
{% for s in b.sections %}
<section><h2>{{ s.heading }}</h2>
{% if s.facts %}<dl>{% for label, value in s.facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}</dl>{% endif %}
{% if s.note %}<p>{{ s.note }}</p>{% endif %}
{% for d in s.duties %}
<article{% if not d.in_force %} class="off"{% endif %}><h3>{{ d.heading }}</h3>
<p>{{ d.text }}</p>
<dl>{% for label, value in d.facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}
<dt>The engine</dt>
{% for code, at in d.engine %}<dd><span class="engine">{{ code }}</span>: {{ at }}</dd>
{% else %}<dd>{{ unchecked }}</dd>{% endfor %}
</dl></article>
{% endfor %}
</section>
{% endfor %}
</body></html>
"""
)
UNCHECKED = "documented, not checked: no finding rests on it"


def _intro(b: Book) -> str:
    when = f"the law in force on {b.on}" if b.on else "every version"
    return f"Generated from holdwatch's law data, as the engine runs it: {when}."


def markdown(b: Book) -> str:
    out = [f"# Rulebook: {md(b.spec)}", "", md(_intro(b)), "", "## Parameters", ""]
    out += [f"- {md(label)}: {md(value)}" for label, value in b.parameters]
    for s in b.sections:
        out += ["", f"## {md(s.heading)}"]
        if s.facts:
            out += ["", *(f"- {md(label)}: {md(value)}" for label, value in s.facts)]
        if s.note:
            out += ["", md(s.note)]
        for d in s.duties:
            out += ["", f"### {md(d.heading)}", "", md(d.text), ""]
            out += [f"- {md(label)}: {md(value)}" for label, value in d.facts]
            engine = [f"  - `{code}`: {md(at)}" for code, at in d.engine]
            out += ["- The engine:", *engine] if engine else [f"- The engine: {md(UNCHECKED)}"]
    return "\n".join(out) + "\n"


def html_page(b: Book) -> str:
    return _PAGE.render(b=b, intro=_intro(b), unchecked=UNCHECKED)


SHOW = {"md": markdown, "html": html_page}


def _dates(e: Entry) -> str:
    on = f" (on {e.data.applies_to})" if isinstance(e.data, Overlay) else ""
    return (", ".join(e.dates) + on) or e.note or "no law data"


def list_text(entries: Sequence[Entry]) -> str:
    """One line each: id, kind, jurisdiction, its versions' dates."""
    width = max(len(e.id) for e in entries)
    return "".join(
        f"{e.id:<{width}}  {e.kind:<7}  {e.jurisdiction:<3}  {_dates(e)}\n" for e in entries
    )


def list_json(entries: Sequence[Entry]) -> str:
    rows = [
        {
            "id": e.id,
            "kind": e.kind,
            "jurisdiction": e.jurisdiction,
            "versions": [
                {"valid_from": start.isoformat(), "valid_to": end and end.isoformat()}
                for start, end in e.spans
            ],
            **({"applies_to": e.data.applies_to} if isinstance(e.data, Overlay) else {}),
            **({"note": e.note} if e.note else {}),
        }
        for e in entries
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


LIST = {"text": list_text, "json": list_json}
