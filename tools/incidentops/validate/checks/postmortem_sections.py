"""A postmortem has every required section, and each is written.

Defaults (``postmortems.required_sections``): Summary, Impact, Timeline, Root cause,
Contributing factors, What went well, What could be improved, Action items, Lessons learned.
A section that still holds only the draft's TODO placeholder or comments is reported as "not
yet written", so a generated draft cannot pass review silently.

Passing::

    ## Summary
    Checkout returned errors for 38 minutes after a connection-pool change.

Failing::

    ## Summary
    TODO: two or three sentences on what happened.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.checks import _sections
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "postmortem-sections",
            "error",
            "a required postmortem section is missing, empty or unwritten",
            ("postmortem",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    return _sections.check(ctx, ctx.config.postmortem_sections, "postmortem")
