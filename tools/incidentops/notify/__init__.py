"""Reaching people: Slack, Microsoft Teams, PagerDuty, Statuspage, e-mail and signed webhooks.

An outbound edge beside ``repo/``: it is handed an incident, its deliveries record and the
events still to send, and returns what it sent (remote IDs) and what failed. It never reads or
writes repository files itself; ``cli/notify.py`` and ``github/outcomes.py`` do, through
``repo/outbox.py``.
"""
