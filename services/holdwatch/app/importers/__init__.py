"""Importers: public datasets' layouts into contract events, each naming its file and row.

Each takes a path the user gives (nothing here reads a fixed data folder) and yields
CloudEvents; `holdwatch import LAYOUT FILE` writes them as JSONL for `holdwatch replay`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from holdwatch.app.importers import pa, pierce, travis

LAYOUTS: dict[str, Callable[[Path], Iterator[dict[str, Any]]]] = {
    "pierce": pierce.events,
    "travis": travis.events,
    "pa": pa.events,
}
