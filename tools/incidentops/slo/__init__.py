"""Error budgets from the incident record: each service's SLO, the downtime its incidents
charged against it, what is left, how fast it burns (pure)."""
