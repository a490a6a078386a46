"""Massachusetts: Lunn v. Commonwealth (2017), under which officers have no state-law
authority to hold anyone on a civil immigration detainer."""
