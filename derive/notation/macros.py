"""Macros a file defines for itself: `\\newcommand`, `\\renewcommand`, `\\def`,
`\\DeclareMathOperator`.

A derivation copied from lecture notes uses the notes' own macros
(`\\newcommand{\\KL}{D_{\\mathrm{KL}}}`, `\\def\\E{\\mathbb{E}}`). The reader expands them
token by token before parsing, so an error inside an expansion points at the macro's use in
the file. Arguments `#1`..`#9` are read as TeX does: a `{group}` or a single token each;
optional arguments (`[default]`) are not read.

>>> defs = definitions(r"\\newcommand{\\sq}[1]{{#1}^2} \\def\\half{\\frac12}")
>>> sorted(defs), defs["sq"].arguments, defs["half"].body
(['half', 'sq'], 1, '\\\\frac12')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_EXPANSIONS = 2000  # a macro that expands to itself is an error, not a hang


@dataclass(frozen=True)
class Macro:
    name: str  # without the backslash
    arguments: int
    body: str


def _group(text: str, k: int) -> tuple[str, int] | None:
    """The {group} at text[k:] (after spaces): its inside and the index after it."""
    while k < len(text) and text[k].isspace():
        k += 1
    if k >= len(text) or text[k] != "{":
        return None
    depth, j = 0, k
    while j < len(text):
        depth += (text[j] == "{") - (text[j] == "}")
        j += 1
        if depth == 0:
            return text[k + 1:j - 1], j
    return None


_NEWCOMMAND = re.compile(r"\\(?:re)?newcommand\*?\s*(?:\{\s*\\([A-Za-z]+)\s*\}|\\([A-Za-z]+))"
                         r"\s*(?:\[(\d)\])?")
_DEF = re.compile(r"\\def\s*\\([A-Za-z]+)((?:#\d)*)")
_OPERATOR = re.compile(r"\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z]+)\s*\}")


def definitions(text: str) -> dict[str, Macro]:
    """Every macro the text defines (later definitions win)."""
    found: list[tuple[int, Macro]] = []
    for m in _NEWCOMMAND.finditer(text):
        got = _group(text, m.end())
        if got:
            found.append((m.start(), Macro(m.group(1) or m.group(2), int(m.group(3) or 0),
                                           got[0])))
    for m in _DEF.finditer(text):
        got = _group(text, m.end())
        if got:
            found.append((m.start(), Macro(m.group(1), len(m.group(2)) // 2, got[0])))
    for m in _OPERATOR.finditer(text):
        got = _group(text, m.end())
        if got:
            found.append((m.start(), Macro(m.group(1), 0, rf"\operatorname{{{got[0]}}}")))
    return {macro.name: macro for _, macro in sorted(found, key=lambda f: f[0])}


def spans(text: str) -> list[tuple[int, int]]:
    """Where the definitions are written (so that they are not read as mathematics)."""
    out = []
    for pattern in (_NEWCOMMAND, _DEF, _OPERATOR):
        for m in pattern.finditer(text):
            got = _group(text, m.end())
            if got:
                out.append((m.start(), got[1]))
    return out
