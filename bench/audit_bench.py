"""The audit's benchmark, as `python -m bench audit` (holdwatch_bench/audit.py)."""

from holdwatch_bench.audit import main

if __name__ == "__main__":
    raise SystemExit(main())
