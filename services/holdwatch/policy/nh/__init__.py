"""New Hampshire: from 2026 (HB 511 and SB 62, 2025) a jail must honor a detainer if it is
safe to, and a county may hold for at most 48 hours excluding weekends and holidays."""
