"""California: the Values Act (SB 54), the TRUTH Act, the TRUST Act's §7282.5 criteria and
the offense table they read, state prisons (§7284.10), and the LASD overlay."""
