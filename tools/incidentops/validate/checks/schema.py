"""Every file is checked against the JSON Schema of its kind (``incidentops schema KIND``).

Each error is reported at the line and column of the offending value, or of the mapping that
lacks a required key, and every error in a file is reported, not only the first. Objects are
closed: an unknown key is an error (with a "did you mean" hint); custom fields go under
``extensions:``.

Passing::

    id: INC-2026-0042
    severity: SEV2

Failing (``severity: must be one of SEV1..SEV4``)::

    id: INC-2026-0042
    severity: SEV5
    sevrity: SEV2        # unexpected key 'sevrity' (did you mean 'severity'?)
"""

from __future__ import annotations

import sys

from incidentops.validate.rules import Rule, documented

RULES = tuple(documented(sys.modules[__name__], Rule("schema", "error", "schema violations")))
