"""Importers: public datasets' layouts into contract events, each naming its file and row.

Each takes a path the user gives (nothing here reads a fixed data folder) and yields, for
every booking of the file, its CloudEvents or the reason it cannot be imported (`outcome`);
`holdwatch import LAYOUT FILE` writes the events as JSONL for `holdwatch replay`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from holdwatch.app.importers import pa, pierce, travis
from holdwatch.app.importers.outcome import Outcome

LAYOUTS: dict[str, Callable[[Path], Iterator[Outcome]]] = {
    "pierce": pierce.events,
    "travis": travis.events,
    "pa": pa.events,
}
