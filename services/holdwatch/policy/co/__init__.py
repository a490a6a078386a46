"""Colorado: HB19-1124 (C.R.S. 24-76.6-101 et seq.), no hold on a civil immigration
detainer, and SB25-276 (2025), no delay of release for immigration enforcement."""
