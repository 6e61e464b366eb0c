"""Runbooks people run: steps from the Markdown, parameters as data, one step at a time with
its output captured and masked, each recorded on the incident's timeline."""
