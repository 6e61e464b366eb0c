"""The on-call engine: schedules, rotations, overrides, escalation, and its views."""
