"""The collector's settings for a long-running role (monitor, notifier, demo).

What a role builds at startup (modules, schemas, the app) lives as long as the process,
and each batch makes thousands of objects that die with it. Under CPython's defaults the
young generation is collected every 700 allocations, so a batch's objects are promoted
before they die and full collections, which walk everything, fall due often: over 100k
events the monitor spent 1.2 s in the collector with pauses of up to 76 ms. Startup is
frozen out of every scan and the young generation is collected every 50,000 allocations:
0.01 s and pauses under 10 ms (`bench/stream_bench.py` with and without `--gc-defaults`).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
#: CPython's own for the older generations; only the young one is the problem
OLDER_THRESHOLDS = (10, 10)


def settle() -> None:
    """Collect once, freeze what survives startup, and raise the young threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
