"""North Carolina: G.S. 162-62 as amended by HB 10 (2024) and HB 318 (2025), a detainer hold
only on a judicial official's order, for at most 48 hours."""
