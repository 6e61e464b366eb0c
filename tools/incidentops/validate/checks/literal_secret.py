"""No file holds a literal secret: a token, signing secret or signed URL written into a file.

Everything in this repository is read by everyone who can read it, and stays in its history
after the line is deleted. Secrets belong in environment variables (GitHub Actions secrets),
named by the `*_env` keys of `notify.targets`: `token_env: SLACK_BOT_TOKEN`, never the token.
The check looks for the shapes of GitHub, Slack and AWS credentials, Bearer headers, Standard
Webhooks secrets (`whsec_…`), Slack webhook URLs, signed URLs (`sig=`, as in a Teams Workflows
URL) and private keys, in every kind of file, timelines and updates included. The finding
names the kind of secret and its line, never the value. Remove it, then rotate it: it has
been seen.

Passing::

    notify:
      targets:
        - {name: slack, type: slack, token_env: SLACK_BOT_TOKEN}

Failing::

    notify:
      targets:
        - name: teams
          type: webhook
          url: "https://prod-1.logic.azure.com/workflows/1/invoke?sp=x&sig=AbCdEf0123456789AbCdEf"
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.runbook.mask import tokens
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "literal-secret", "error", "a token, signing secret or signed URL written into a file"
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    text = ctx.text
    for offset, what in tokens(text):
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        yield (
            line,
            column,
            f"a literal {what} is written here: remove it, rotate it, and give it to incidentops "
            "through an environment variable (the `*_env` keys in incidentops.yaml)",
        )
