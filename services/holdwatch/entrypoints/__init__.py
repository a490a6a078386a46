"""Process entry points: the command line (and later the stream monitor and API)."""
