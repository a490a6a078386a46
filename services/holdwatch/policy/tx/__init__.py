"""Texas: SB 4 (2017), under which a jail must honor a detainer."""
