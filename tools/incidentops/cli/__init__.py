"""The command line: parse, call, print; one module per command family."""

from incidentops.cli.main import main

__all__ = ["main"]
