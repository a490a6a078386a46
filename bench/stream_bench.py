"""The live monitor's benchmark, as `python -m bench stream` (holdwatch_bench/stream.py)."""

from holdwatch_bench.stream import main

if __name__ == "__main__":
    raise SystemExit(main())
