"""incidentops: incident management out of a Git repository."""

__version__ = "0.1.0"
