"""Shell commands in a runbook are in fenced code blocks.

At 3 a.m. people copy and paste. A command inside a sentence, in inline code, or in an
indented block is easy to mistype or copy with stray text; a fenced block (```` ```bash ````)
copies cleanly and is syntax-highlighted. Flagged: paragraph lines that start with ``$ `` or a
known command (``kubectl``, ``helm``, ``aws``, ``psql``, ``curl``, ...) with arguments, inline
code that does the same, and indented code blocks.

Passing::

    Roll back the deployment:

    ```bash
    kubectl rollout undo deployment/checkout-api -n payments
    ```

Failing::

    Roll back with `kubectl rollout undo deployment/checkout-api -n payments`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "unfenced-command",
            "warning",
            "a shell command outside a fenced code block",
            ("runbook",),
        ),
    )
)

COMMANDS = (
    "kubectl",
    "helm",
    "terraform",
    "aws",
    "gcloud",
    "az",
    "curl",
    "wget",
    "psql",
    "mysql",
    "redis-cli",
    "docker",
    "systemctl",
    "journalctl",
    "ssh",
    "sudo",
    "git",
    "dig",
    "openssl",
    "vault",
    "consul",
    "nomad",
    "rm",
    "mv",
    "cp",
    "tail",
    "grep",
    "jq",
    "pg_dump",
    "mongo",
)
_COMMAND = re.compile(r"^\s*(\$\s+\S+|(" + "|".join(map(re.escape, COMMANDS)) + r")\s+\S)")


def check(ctx: FileContext) -> Iterator[Hit]:
    body = ctx.body
    if body is None:
        return
    for token, line in body.flat:
        kind = token["type"]
        if kind == "block_code" and token.get("style") == "indent":
            yield line, 1, "indented code block: use a fenced block (```bash) for commands"
        elif kind == "codespan" and _COMMAND.match(token.get("raw", "")):
            raw = token["raw"]
            yield (
                body.find_line(raw, line),
                1,
                (f"command in inline code ({_short(raw)}): put it in a fenced code block"),
            )
        elif kind == "text":
            for text_line in token.get("raw", "").split("\n"):
                if _looks_like_command(text_line):
                    yield (
                        body.find_line(text_line.strip(), line),
                        1,
                        (f"command in prose ({_short(text_line)}): put it in a fenced code block"),
                    )


def _looks_like_command(line: str) -> bool:
    """A line of prose that is a command: ``$ ...``, or a known command with arguments and no
    sentence punctuation at the end."""
    words = line.split()
    if not words:
        return False
    if words[0] == "$":
        return True
    return words[0] in COMMANDS and len(words) >= 3 and not line.rstrip().endswith((".", ":"))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return f"`{text if len(text) <= 60 else text[:59] + '…'}`"
