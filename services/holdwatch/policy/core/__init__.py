"""The jurisdiction-neutral core: what every rule sees, the engine, hold windows and holds,
the advisories every profile runs, data quality; it imports no jurisdiction."""
