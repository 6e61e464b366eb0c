"""Keep every line an edit does not touch: ruamel.yaml's change carried onto the person's text.

ruamel.yaml re-renders the whole document. Where the person's layout differs from anything
ruamel writes (a comment above ``---``, the document start marker, extra spaces after a key,
unusual indentation), a plain dump would rewrite lines nobody edited. So the edit is taken as
a line diff between ruamel's rendering of the document before the patch and after it, and only
those hunks are applied to the original text. Where a hunk meets a line that ruamel renders
differently from the original, the hunk widens to cover it: those few lines are rewritten, the
rest of the file stays byte-for-byte. The caller checks that the result reads back as the
patched document and falls back to ruamel's full rendering if it does not.
"""

from __future__ import annotations

from difflib import SequenceMatcher

Opcodes = list[tuple[str, int, int, int, int]]


def carry_over(original: str, before: str, after: str) -> str:
    """``original`` with the change from ``before`` to ``after`` (two renderings) applied."""
    if before == original:
        return after
    if before == after:
        return original
    text = original.splitlines(keepends=True)
    base = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    layout = _opcodes(base, text)  # where the person's lines differ from ruamel's
    edits = _opcodes(base, new)  # what the patch changed
    drift = [op for op in layout if op[0] != "equal"]
    regions = _widened([(i1, i2) for tag, i1, i2, _, _ in edits if tag != "equal"], drift)
    out: list[str] = []
    done = 0  # base lines accounted for so far
    for start, end in regions:
        # lines only the original has, right where an edit starts, stay before it;
        # where an edit ends, they stay after it
        out.extend(text[_at(done, layout, last=False) : _at(start, layout, last=True)])
        out.extend(new[_at(start, edits, last=False) : _at(end, edits, last=True)])
        done = end
    out.extend(text[_at(done, layout, last=False) :])
    return "".join(out)


def _opcodes(a: list[str], b: list[str]) -> Opcodes:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(str(tag), i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _widened(regions: list[tuple[int, int]], drift: Opcodes) -> list[tuple[int, int]]:
    """Each edited range of base lines, grown over every drifted range it overlaps, merged."""
    grown: list[tuple[int, int]] = []
    for start, end in regions:
        changed = True
        while changed:
            changed = False
            for _, a1, a2, _, _ in drift:
                overlaps = (a1 < end and start < a2) if start < end else a1 < start < a2
                if overlaps and (a1 < start or a2 > end):
                    start, end, changed = min(start, a1), max(end, a2), True
        grown.append((start, end))
    grown.sort()
    merged: list[tuple[int, int]] = []
    for start, end in grown:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _at(index: int, ops: Opcodes, last: bool) -> int:
    """The line of the second sequence that line ``index`` of the first falls at. Where the
    second has lines the first has not right at ``index``: before them, or after if ``last``."""
    found = None
    for op in ops:
        if op[1] <= index <= op[2]:
            found = op
            if not last:
                break
    if found is None:
        return index
    tag, a1, a2, b1, b2 = found
    if tag == "equal":
        return b1 + index - a1
    if a1 == a2:
        return b2 if last else b1
    return b1 if index == a1 else b2
