"""Use cases that compose the pure core with I/O ports."""
