"""The repository on disk and in git: one record read at a time, and every write (validated,
atomic edits; commits and pushes; branches for pull requests)."""
