"""Benchmarks (not timed tests): `python -m bench stream|audit`; see holdwatch_bench."""
