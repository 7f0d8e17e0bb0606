"""HTML views of checked chains, the one renderer of the page, the identity pages and the
notebook magic: MathML from latex2mathml (no script, nothing fetched at run time).

Every expression shown is the one the engine checked, printed by the project's own writer
(`derive.notation.writer.latex`), so the page shows how each row was read, not what was typed.
"""

from __future__ import annotations

from html import escape

from derive.engine.derivation import DerivationResult, StepResult
from derive.notation.writer import latex

REL_TEXT = {"=": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}


MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_MATHML_TAGS = {"math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msub", "msup",
                "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "mover", "munder",
                "munderover", "mtable", "mtr", "mtd", "mpadded", "mphantom", "menclose",
                "merror", "mfenced", "semantics", "annotation"}
_ATTRIBUTES = {"xmlns", "display", "mathvariant", "stretchy", "fence", "form", "separator",
               "lspace", "rspace", "width", "height", "depth", "accent", "accentunder",
               "columnalign", "columnspacing", "rowspacing", "displaystyle", "scriptlevel",
               "linethickness", "minsize", "maxsize", "symmetric", "largeop", "movablelimits",
               "open", "close", "separators", "notation", "encoding", "class"}


def mathml(tex: str) -> str:
    """LaTeX as inline MathML; the escaped source in <code> if latex2mathml cannot read it.

    latex2mathml copies `\\text{...}` into the output unescaped, so its output is parsed
    as XML, kept only if every element and attribute is plain MathML, and serialized again
    (which escapes all text): no markup from the input reaches the page.
    """
    import xml.etree.ElementTree as ET

    import latex2mathml.converter

    try:
        root = ET.fromstring(latex2mathml.converter.convert(tex))
    except Exception:  # latex2mathml raises many kinds; the text is still worth showing
        return f"<code>{escape(tex)}</code>"
    for el in root.iter():
        ns, _, tag = el.tag.rpartition("}")
        if ns != "{" + MATHML_NS or tag not in _MATHML_TAGS or set(el.attrib) - _ATTRIBUTES:
            return f"<code>{escape(tex)}</code>"
    ET.register_namespace("", MATHML_NS)
    return ET.tostring(root, encoding="unicode")


def math(expr: object) -> str:
    """A SymPy expression or relation, rendered."""
    return mathml(latex(expr))


def badge(verdict: str) -> str:
    return f'<span class="verdict v-{escape(verdict)}">{escape(verdict)}</span>'


def _counterexample(ce: dict) -> str:
    return ", ".join(f"{escape(str(k))} = {escape(str(v))}" for k, v in ce.items())


def _step_row(s: StepResult, line: int | None) -> str:
    notes = [f'<div class="by">by {escape(str(s.step.justification))}</div>',
             f'<div class="method">checked by: {escape(s.outcome.method)}</div>']
    if s.step.uses:
        notes.append('<div class="side">side conditions: '
                     f'{escape("; ".join(s.step.uses))}</div>')
    if s.outcome.notes:
        notes.append(f'<div class="notes">{escape("; ".join(s.outcome.notes))}</div>')
    if s.outcome.counterexample:
        notes.append('<div class="counterexample">counterexample: '
                     f'{_counterexample(s.outcome.counterexample)}</div>')
    notes.append(f'<div class="read">read as: <code>{escape(str(s.step.expr))}</code></div>')
    where = "" if line is None else f"line {line}"
    return (f'<tr class="step" data-verdict="{s.verdict.value}">'
            f'<td class="line">{where}</td><td class="rel">{REL_TEXT[s.step.op]}</td>'
            f'<td class="math">{math(s.step.expr)}</td>'
            f'<td class="result">{badge(s.verdict.value)}{"".join(notes)}</td></tr>')


def chain_html(result: DerivationResult, lines: list[int] | None = None) -> str:
    """One checked chain: title, statement, assumptions, then a row per step (at its line
    in the input when `lines` are given)."""
    d = result.derivation
    assumed = d.assumptions.describe()
    head = [f'<h3>{escape(d.title)} {badge(result.verdict.value)}</h3>',
            f'<div class="statement">statement: {math(d.statement)}</div>']
    if assumed:
        head.append(f'<div class="assuming">assuming: {escape("; ".join(assumed))}</div>')
    rows = [f'<tr class="start"><td class="line"></td><td class="rel"></td>'
            f'<td class="math">{math(d.start)}</td>'
            f'<td class="result"><div class="read">read as: <code>{escape(str(d.start))}'
            '</code></div></td></tr>']
    for k, s in enumerate(result.steps):
        rows.append(_step_row(s, None if lines is None else lines[k]))
    c = result.conclusion
    foot = (f'<div class="conclusion">conclusion: {badge(c.verdict.value)} '
            f'{escape(c.method)}</div>')
    return (f'<section class="chain" data-verdict="{result.verdict.value}">{"".join(head)}'
            f'<table class="steps">{"".join(rows)}</table>{foot}</section>')

