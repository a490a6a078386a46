"""Connecticut: the TRUST Act (Conn. Gen. Stat. §54-192h), under which a hold on a civil
detainer is allowed only on a judicial warrant or listed grounds; the 2025 act (HB 7212)
added offenses and a private right of action from Oct. 1, 2025."""
