"""Incident metrics (counts; MTTD, MTTA, MTTR by severity, service and month), pure, and
their formats."""
