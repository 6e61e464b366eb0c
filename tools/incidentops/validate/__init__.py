"""Validation: load every file, check it, report findings (load -> check -> Finding -> report)."""
