"""Loading: every file is read and parsed safely before anything else looks at it.

Incident repositories take text from many hands (and from issue forms), so loading is a
security boundary. Each problem below is a finding at the file and line, never a traceback,
and the other files are still checked.

- ``yaml-syntax``: the YAML does not parse (the message is libyaml's, with its position).
- ``yaml-duplicate-key``: a key appears twice in one mapping; both lines are named.
- ``yaml-aliases``: more aliases than ``limits.max_aliases``, an alias that refers to itself,
  or aliases that expand to more than 100,000 values (a "billion laughs" bomb).
- ``yaml-depth``: nesting deeper than ``limits.max_depth`` (64).
- ``yaml-tag``: a tag other than the YAML core ones (``!!python/...``, ``!!binary``,
  ``!!set``, ``!!timestamp``, custom ``!tags``).
- ``yaml-key``: a mapping key that is not plain text.
- ``encoding``: bytes that are not UTF-8 (a BOM is fine).
- ``file-too-large``: a file over ``limits.max_file_bytes`` (1 MiB).
- ``symlink``: a symbolic link; it is never followed.
- ``path-outside-repository``: a path that leaves the repository.
- ``front-matter``: a Markdown file without a closed ``---`` front matter block.
- ``unreadable``: the file could not be read.

Scalars follow YAML 1.2 core: only ``true``/``false`` are booleans (``no``, ``on``, ``yes``
stay text), timestamps stay text for the schema to check, ``010`` is ten.

Passing::

    id: INC-2026-0042
    severity: SEV2

Failing (``yaml-duplicate-key``, line 3)::

    id: INC-2026-0042
    severity: SEV2
    severity: SEV1
"""

from __future__ import annotations

import sys

from incidentops.validate.rules import Rule, documented

RULES = tuple(
    documented(
        sys.modules[__name__],
        Rule("yaml-syntax", "error", "YAML that does not parse"),
        Rule("yaml-duplicate-key", "error", "a key given twice in one mapping"),
        Rule("yaml-aliases", "error", "too many aliases, a recursive alias or an alias bomb"),
        Rule("yaml-depth", "error", "nesting deeper than the limit"),
        Rule("yaml-tag", "error", "a tag other than the YAML core ones"),
        Rule("yaml-key", "error", "a mapping key that is not plain text"),
        Rule("encoding", "error", "bytes that are not UTF-8"),
        Rule("file-too-large", "error", "a file over the size limit"),
        Rule("symlink", "error", "a symbolic link (never followed)"),
        Rule("path-outside-repository", "error", "a path that leaves the repository"),
        Rule(
            "front-matter",
            "error",
            "Markdown without closed YAML front matter",
            ("runbook", "postmortem"),
        ),
        Rule("unreadable", "error", "a file that cannot be read"),
    )
)
