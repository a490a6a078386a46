"""holdwatch: catch unlawful immigration holds in county jails while they happen."""
