"""Illinois: the TRUST Act (2017) as amended by the Way Forward Act (2021), and Cook
County's detainer ordinance (2011) as an overlay."""
