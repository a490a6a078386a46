"""The federal baseline: the detainer forms and 8 C.F.R. §287.7, with no state law on top."""
