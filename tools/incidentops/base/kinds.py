"""The kinds of file incidentops knows (each has a schema in ``schemas/<kind>.schema.json``).

Its own module, free of imports, so the command line can name them without loading anything.
"""

KINDS = (
    "config",
    "incident",
    "postmortem",
    "runbook",
    "people",
    "services",
    "schedule",
    "escalation",
    "deliveries",
)
