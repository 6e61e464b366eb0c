"""The security boundary: bytes from many hands become plain values with line numbers.

Nothing here raises for bad input; problems come back as :class:`LoadProblem` values that the
caller turns into findings.
"""

from incidentops.loader.document import Document, Limits, LoadProblem, Position
from incidentops.loader.files import read_text
from incidentops.loader.frontmatter import split_front_matter
from incidentops.loader.yamlsafe import load_yaml

__all__ = [
    "Document",
    "Limits",
    "LoadProblem",
    "Position",
    "load_yaml",
    "read_text",
    "split_front_matter",
]
