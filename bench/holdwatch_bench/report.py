"""Summaries the benchmarks print: percentiles, profiles, the --appendfsync comparison."""

from __future__ import annotations

import cProfile
import io
import math
import pstats
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty sequence."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def median(values: Sequence[float]) -> float:
    """The middle value (the upper of the two middle ones for an even count)."""
    return sorted(values)[len(values) // 2]


def spread(values: Sequence[float]) -> dict[str, float | int | None]:
    xs = sorted(values)
    if not xs:
        return {"n": 0, "p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    return {
        "n": len(xs),
        "p50": percentile(xs, 0.50),
        "p90": percentile(xs, 0.90),
        "p99": percentile(xs, 0.99),
        "max": float(xs[-1]),
        "mean": round(sum(xs) / len(xs), 2),
    }


def profile_report(profiler: cProfile.Profile, top: int) -> str:
    """Top functions by own and cumulative time, and own time by package."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1.0
    buckets: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        buckets[_bucket(filename)] += tottime
    out.write(f"own time by package (total {total:.2f} s profiled)\n")
    for name, seconds in buckets.most_common(25):
        out.write(f"  {seconds:8.3f} s  {100 * seconds / total:5.1f}%  {name}\n")
    for order in ("tottime", "cumulative"):
        out.write(f"\n--- top {top} by {order} ---\n")
        stats.sort_stats(order).print_stats(top)
    out.write(f"\n--- holdwatch functions, top {top} by cumulative ---\n")
    stats.sort_stats("cumulative").print_stats("/holdwatch/", top)
    return out.getvalue()


def _bucket(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/holdwatch/" in path:
        return "holdwatch/" + path.split("/holdwatch/", 1)[1]
    if path.startswith("~") or path.startswith("<"):
        return "builtins (C: " + ("json/pydantic_core/socket/etc" if path == "~" else path) + ")"
    for lib in ("faststream", "redis", "pydantic", "structlog", "prometheus_client", "asyncio"):
        if f"/{lib}/" in path:
            return lib
    return "other: " + path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1]


#: (label, path in a run's summary) of the rates --appendfsync compares
COMPARED = (
    ("(a) raw consumer events/s", ("a_baseline", "eps")),
    ("(b) monitor events/s", ("b_monitor", "eps")),
    ("(c) HOLD_OVER_WINDOW p99 ms", ("c_latency", "hold_over_window_ms", "p99")),
    ("(p) producer XADD/s", ("p_producer", "eps")),
    ("(p) XADD p50 ms", ("p_producer", "xadd_ms", "p50")),
    ("(p) XADD p99 ms", ("p_producer", "xadd_ms", "p99")),
)


def pick(summary: Mapping[str, Any], path: Sequence[str]) -> float | None:
    value: Any = summary
    for key in path:
        if not isinstance(value, Mapping) or value.get(key) is None:
            return None
        value = value[key]
    return float(value)


def compare(runs: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Each mode's median over its rounds, and its ratio to the first mode's."""
    modes = list(runs)
    out: dict[str, Any] = {}
    for label, path in COMPARED:
        medians: dict[str, float] = {}
        for mode in modes:
            values = [v for r in runs[mode] if (v := pick(r, path)) is not None]
            if values:
                medians[mode] = median(values)
        if len(medians) < len(modes):
            continue
        first = medians[modes[0]]
        ratios = {m: round(v / first, 3) if first else None for m, v in medians.items()}
        out[label] = {"median": medians, "ratio_to_" + modes[0]: ratios}
    return out


def print_comparison(comparison: Mapping[str, Any], modes: Sequence[str]) -> None:
    print(f"\n{'appendfsync':<30} " + "".join(f"{m:>14}" for m in modes) + "   ratio", flush=True)
    for label, row in comparison.items():
        ratios = row["ratio_to_" + modes[0]]
        cells = "".join(
            f"{v:>14,.0f}" if v >= 100 else f"{v:>14.3f}" for v in (row["median"][m] for m in modes)
        )
        tail = "  ".join(f"{m}/{modes[0]} {ratios[m]}" for m in modes[1:])
        print(f"{label:<30} {cells}   {tail}", flush=True)


#: (label, path in a run's summary) of the figures `--rounds` without --appendfsync repeats
ROUNDED = (
    ("(a) raw consumer events/s", ("a_baseline", "eps")),
    ("(b) monitor events/s", ("b_monitor", "eps")),
    ("(f) core alone events/s", ("f_core", "eps")),
    ("b/a", ("b_monitor", "ratio_b_over_a")),
    ("f/a (bounds b/a)", ("f_core", "bound_on_b_over_a")),
    ("(b) process CPU / wall", ("b_monitor", "cpu_share")),
    ("(b) Redis busy / wall", ("b_monitor", "redis_share")),
)


def over_rounds(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Each figure round by round and its median: the machine's speed drifts, and a ratio
    from one round can sit far from the others."""
    out: dict[str, Any] = {}
    for label, path in ROUNDED:
        values = [v for r in runs if (v := pick(r, path)) is not None]
        if values:
            out[label] = {"rounds": values, "median": median(values)}
    return out


def print_rounds(rounds: Mapping[str, Any]) -> None:
    print(f"\n{'over the rounds':<30} {'median':>10}   each round", flush=True)
    for label, row in rounds.items():
        cells = ", ".join(_figure(v) for v in row["rounds"])
        print(f"{label:<30} {_figure(row['median']):>10}   {cells}", flush=True)


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3f}"


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"
