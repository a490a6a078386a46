"""Local overlays a deployment adds without code: one TOML file per overlay in the
directory `HOLDWATCH_OVERLAYS_DIR` names (see deploy/overlays/).

Each file is an `Overlay` (policy/core/law.py): its id, the profile it `applies_to`, the day
it took effect, and its duties with their citation, source and evidence level. Every file
is read and checked at start, against the registry too (a known base, an id of its own,
duties the engine can run); the first problem stops the command with the file, the line
and the field named (`overlays directory d: x.toml: line 9: duties.0.evidence: …`), never a
value. Files not ending in `.toml` are ignored (a README may sit beside them).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from holdwatch.app.config_file import ConfigError
from holdwatch.policy.core.law import Overlay
from holdwatch.policy.core.local import check
from holdwatch.policy.registry import REGISTRY, Registry

Loc = tuple[str | int, ...]
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def lines_of(text: str) -> dict[Loc, int]:
    """Where each table, array-of-tables entry and key of a TOML text starts (1-based).

    Enough for the flat files an overlay is (top-level keys, `[[duties]]` entries); a key
    inside an inline table or a multi-line value is found by its nearest enclosing path."""
    where: dict[Loc, int] = {}
    table: Loc = ()
    counts: dict[Loc, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            path: Loc = tuple(header.group(2).split("."))
            if header.group(1) == "[[":
                index = counts.get(path, -1) + 1
                counts[path] = index
                path = (*path, index)
            table = path
            where.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            where.setdefault((*table, key.group(1)), number)
    return where


def _line(where: dict[Loc, int], loc: Loc) -> int | None:
    """The line of `loc`, or of its nearest enclosing table or key that has one."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in where:
            return where[loc[:end]]
    return None


def _problem(path: Path, where: dict[Loc, int], loc: Loc, message: str) -> str:
    line = _line(where, loc)
    field = ".".join(str(p) for p in loc) or "file"
    at = f"line {line}: " if line is not None else ""
    return f"{path.name}: {at}{field}: {message}"


def _read(path: Path) -> tuple[Overlay, dict[Loc, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path.name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # says where, e.g. "(at line 1, column 12)"
        raise ConfigError(f"{path.name}: not TOML: {exc}") from None
    where = lines_of(text)
    try:
        overlay = Overlay.model_validate(data, strict=False)
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        raise ConfigError(_problem(path, where, tuple(first["loc"]), first["msg"])) from None
    return overlay, where


def _field(message: str) -> tuple[Loc, str]:
    """A core check's `duties.1.codes: …` as (loc, message)."""
    head, _, rest = message.partition(": ")
    loc = tuple(int(p) if p.isdigit() else p for p in head.split("."))
    return loc, rest


def load(directory: Path, registry: Registry = REGISTRY) -> Registry:
    """`registry` with every overlay file of `directory`, each checked; ConfigError else."""
    try:
        paths: Sequence[Path] = sorted(p for p in directory.iterdir() if p.suffix == ".toml")
    except OSError as exc:
        raise ConfigError(f"overlays directory {directory}: {exc.strerror or exc}") from None
    overlays: list[Overlay] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            overlay, where = _read(path)
            problem: tuple[Loc, str] | None = None
            if overlay.id in registry.overlays or overlay.id in seen:
                other = seen.get(overlay.id, "a built-in overlay")
                problem = (("id",), f"overlay {overlay.id!r} is defined twice (also {other})")
            elif overlay.applies_to not in registry.bases:
                known = ", ".join(sorted(registry.bases))
                problem = (
                    ("applies_to",),
                    f"unknown profile {overlay.applies_to!r}; known: {known}",
                )
            else:
                try:
                    check(overlay)
                except ValueError as exc:
                    problem = _field(str(exc))
            if problem is not None:
                raise ConfigError(_problem(path, where, *problem))
        except ConfigError as exc:
            raise ConfigError(f"overlays directory {directory}: {exc}") from None
        seen[overlay.id] = path.name
        overlays.append(overlay)
    return registry.with_local(overlays)


def registry_for(directory: Path | None, registry: Registry = REGISTRY) -> Registry:
    """The registry a deployment runs: the built-in law, and its overlays if it has any."""
    return registry if directory is None else load(directory, registry)
