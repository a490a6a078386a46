"""Washington: the Keep Washington Working Act (2019), under which no hold is allowed."""
