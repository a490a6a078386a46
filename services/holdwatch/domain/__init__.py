"""Pure domain: the event contract, the custody fold, time arithmetic and findings. No I/O."""
