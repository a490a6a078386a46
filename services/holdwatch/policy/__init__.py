"""Policy profiles: the law of each jurisdiction as data plus small rule functions."""
