"""Thin adapters: Redis, FastStream, Prometheus, logging. The core never imports them."""
