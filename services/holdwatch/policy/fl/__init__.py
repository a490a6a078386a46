"""Florida: Fla. Stat. ch. 908 (SB 168, 2019, as amended), under which a jail must honor a
facially sufficient detainer and its sheriff must have a 287(g) agreement."""
