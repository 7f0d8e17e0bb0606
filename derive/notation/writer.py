"""LaTeX views of derivations and identities, generated from the SymPy objects themselves.

The printer teaches SymPy's `LatexPrinter` the project's nodes in conventional notation
(`D_{\\mathrm{KL}}(p\\,\\|\\,q)`, `H(p)`, `H(p, q)`); nodes added by topic modules print
themselves through their `_latex(printer)` methods, which receive this printer. On top of
it: a derivation as an `align*` chain (each step's relation, justification, side conditions
and verdict), a standalone document per identity, one combined document, MathJax-safe math
for Jupyter (`_repr_latex_`) and for Markdown. `log` is the natural logarithm throughout.

>>> import sympy as sp
>>> from derive.engine.definitions import KL
>>> i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
>>> p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
>>> print(latex(KL(p[i], q[i], (i, 1, n))))
D_{\\mathrm{KL}}(p\\,\\|\\,q)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import sympy as sp
from sympy.printing.latex import LatexPrinter

from derive.engine import derivation as derivation_module
from derive.engine.assumptions import Assumptions
from derive.engine.confirmation import Confirmation
from derive.engine.derivation import Derivation, DerivationResult, StepResult
from derive.engine.lemmas import LemmaUse, Obligation
from derive.engine.verdict import Verdict

REL = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}
MARK = {Verdict.PROVED: r"\vproved{}", Verdict.CORROBORATED: r"\vcorroborated{}",
        Verdict.UNDECIDED: r"\vundecided{}", Verdict.REFUTED: r"\vrefuted{}"}
# MathJax (Jupyter, GitHub Markdown) has no custom macros: plain symbols and colours.
# The outer braces keep the colour to the mark whether \color takes an argument (MathJax 2)
# or is a switch (MathJax 3, LaTeX).
MATHJAX_MARK = {Verdict.PROVED: r"{\color{green}{\checkmark\ \text{proved}}}",
                Verdict.CORROBORATED: r"{\color{orange}{\approx\ \text{corroborated}}}",
                Verdict.UNDECIDED: r"{\color{gray}{?\ \text{undecided}}}",
                Verdict.REFUTED: r"{\color{red}{\times\ \text{refuted}}}"}


_DENSITY_NAME = re.compile(r"([A-Za-z]+)_([A-Za-z]+)(?:\|([A-Za-z]+))?")  # p_x|z, p_xz, p_z


def _tall(tex: str) -> bool:
    """Taller than a letter: fractions, sums, integrals need \\left( \\right)."""
    return any(cmd in tex for cmd in (r"\frac", r"\sum", r"\int", r"\prod"))


def _named_density(f: sp.Expr) -> re.Match | None:
    """The name's parts when f is p_x|z(z)-style: every argument is one of the named letters."""
    m = _DENSITY_NAME.fullmatch(f.func.__name__)
    if m and {str(a) for a in f.args} <= set(m.group(2) + (m.group(3) or "")):
        return m
    return None


class DerivePrinter(LatexPrinter):
    """SymPy's LaTeX printer with the notation of information theory and inference.

    Its own `_print_<Class>` methods win over a node's `_latex` (so the notation is set in one
    place); any other node prints itself through `_latex(printer)` with this printer.
    """

    def _print(self, expr: object, **kwargs: object) -> str:
        if self._parents is None:
            self._parents, self._last_factor = [], {}
        self._parents.append(expr)
        try:
            own = type(self).__dict__.get("_print_" + type(expr).__name__)
            if own is not None and isinstance(expr, sp.Basic):
                return own(self, expr, **kwargs)
            return super()._print(expr, **kwargs)
        finally:
            self._parents.pop()

    def _distribution(self, p: sp.Expr, bound: sp.Basic) -> str:
        """p_i and p(x) of the bound variable by the name p; named densities in full, p(z | x)."""
        if isinstance(p, sp.Indexed):
            return self._print(p.base.label)
        if (isinstance(p, sp.core.function.AppliedUndef) and p.args == (bound,)
                and _named_density(p) is None):
            return self._print(sp.Symbol(p.func.__name__))
        return self._print(p)

    def _print_AppliedUndef(self, expr: sp.Expr, exp: str | None = None) -> str:
        """Densities named by their variables print as densities: p_x|z(z) -> p(x | z).

        Only when every argument is one of the named variables, so nothing is lost;
        any other function prints as SymPy prints it.
        """
        m = _named_density(expr)
        if m:
            head, given = (", ".join(self._print(sp.Symbol(c)) for c in g)
                           for g in (m.group(2), m.group(3) or ""))
            inner = head + (rf" \mid {given}" if given else "")
            out = rf"{self._print(sp.Symbol(m.group(1)))}{{\left({inner} \right)}}"
            return out if exp is None else rf"{{{out}}}^{{{exp}}}"
        return super()._print_Function(expr, exp=exp)

    def _names(self, expr: sp.Expr) -> list[str]:
        bound = expr.limits[0]
        return [self._distribution(p, bound) for p in expr.distributions]

    def _print_KL(self, expr: sp.Expr) -> str:
        p, q = self._names(expr)
        if _tall(p + q):
            return rf"D_{{\mathrm{{KL}}}}\mathopen{{}}\left({p}\,\middle\|\,{q}\right)"
        return rf"D_{{\mathrm{{KL}}}}({p}\,\|\,{q})"

    def _print_Entropy(self, expr: sp.Expr) -> str:
        (p,) = self._names(expr)
        return rf"H\mathopen{{}}\left({p}\right)" if _tall(p) else rf"H({p})"

    def _print_CrossEntropy(self, expr: sp.Expr) -> str:
        p, q = self._names(expr)
        return rf"H\mathopen{{}}\left({p}, {q}\right)" if _tall(p + q) else rf"H({p}, {q})"


    def _print_Expectation(self, expr: sp.Expr) -> str:
        zs = expr.variables
        z = self._print(zs[0]) if len(zs) == 1 else (
            r"\left(" + ", ".join(self._print(v) for v in zs) + r"\right)")
        return (rf"\mathbb{{E}}_{{{z}\sim {self._print(expr.law)}}}"
                rf"\left[{self._print(expr.function)}\right]")

    def _print_Normal(self, expr: sp.Basic) -> str:
        mean, var = (self._print(a) for a in expr.args)
        return rf"\mathcal{{N}}\left({mean}, {var}\right)"

    # ---- as a person writes: p_i \log\frac{q_i}{p_i}, not \log{\left(\frac{q_i}{p_i}\right)} p_i
    # A log's argument is printed bare only where nothing can follow it in a product: the whole
    # expression, a term of a sum, or the last factor of a product this printer arranged (the
    # reader takes the factors after an unbraced `\log` as its argument).
    _parents: list | None = None
    _last_factor: dict | None = None  # id(Mul being printed) -> the log printed last in it

    def _bare_ok(self, expr: sp.Basic) -> bool:
        parent = self._parents[-2] if len(self._parents) > 1 else None
        if parent is None or isinstance(parent, sp.Add):
            return True
        return isinstance(parent, sp.Mul) and self._last_factor.get(id(parent)) is expr

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        """p_{i} (SymPy writes {p}_{i})."""
        if isinstance(expr.base.label, sp.Symbol) and len(expr.indices) == 1:
            return f"{self._print(expr.base.label)}_{{{self._print(expr.indices[0])}}}"
        return super()._print_Indexed(expr)

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        r"""`\log p(x)`, `\log\frac{q_i}{p_i}` where the log ends its product (the reader
        takes the factors after an unbraced `\log` as its argument); else with brackets."""
        arg = expr.args[0]
        if exp is None and self._bare_ok(expr) and _simple_argument(arg):
            inner = self._print(arg)
            return rf"\log {inner}" if not inner.startswith("\\") else rf"\log{inner}"
        head = r"\log" if exp is None else rf"\log^{{{exp}}}"  # as SymPy prints any log
        return rf"{head}{{\left({self._print(arg)} \right)}}"

    def _print_Mul(self, expr: sp.Mul) -> str:
        r"""Coefficients and entries first, then the logs: `p_i \log\frac{q_i}{p_i}`.

        Only products of plain factors (a name, an entry, a density applied, or a positive
        integer power of one) and logs, with no denominator, are rearranged; anything else
        prints as SymPy prints it."""
        c, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        light = [f for f in factors if _plain_factor(f)]
        heavy = [f for f in factors if not _plain_factor(f)]
        if not light and c == -1 and len(heavy) == 1 and isinstance(heavy[0], sp.log):
            return "- " + self._with_last_log(expr, heavy)  # - \log p(x)
        if not light or not heavy or not all(isinstance(f, sp.log) for f in heavy) or \
                any(f.is_Pow and f.exp.is_negative for f in factors) or not c.is_Rational:
            return super()._print_Mul(expr)
        sign, c = ("- ", -c) if c < 0 else ("", c)
        head = super()._print_Mul(sp.Mul(c, *light)) if c != 1 else \
            super()._print_Mul(sp.Mul(*light)) if len(light) > 1 else self._print(light[0])
        return sign + head + " " + self._with_last_log(expr, heavy)

    def _with_last_log(self, mul: sp.Mul, logs: list) -> str:
        """The logs of a product, the last one free to print its argument bare."""
        self._last_factor[id(mul)] = logs[-1]
        try:
            return " ".join(self._print(f) for f in logs)
        finally:
            del self._last_factor[id(mul)]

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """d/dtheta of anything as nabla_theta (the worksheet's notation) for theta, phi."""
        if len(expr.variable_count) == 1:
            v, k = expr.variable_count[0]
            if k == 1 and isinstance(v, sp.Symbol) and v.name in ("theta", "phi"):
                body = self.parenthesize(expr.expr, sp.printing.precedence.PRECEDENCE["Mul"])
                return rf"\nabla_{{{self._print(v)}}} {body}"
        return super()._print_Derivative(expr)


def _plain_factor(f: sp.Basic) -> bool:
    """A name, an entry p_i, a density applied p(x), or a positive integer power of one."""
    if f.is_Pow:
        return f.exp.is_Integer and f.exp > 0 and _plain_factor(f.base)
    return isinstance(f, (sp.Symbol, sp.Indexed, sp.core.function.AppliedUndef))


def _simple_argument(arg: sp.Basic) -> bool:
    r"""What `\log` may take without brackets: a plain factor, a positive integer, or a
    fraction of products of plain factors (read back as the one argument, never more)."""
    if _plain_factor(arg) or (arg.is_Integer and arg > 0):
        return not arg.is_Pow
    num, den = sp.fraction(arg)
    return den != 1 and all(_plain_factor(f) or (f.is_Integer and f > 0)
                            for part in (num, den) for f in sp.Mul.make_args(part))


def latex(expr: sp.Basic) -> str:
    """An expression or relation in the project's notation."""
    return DerivePrinter().doprint(expr)


# ------------------------------------------------------------------ prose in text mode
_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
          "sigma tau phi chi psi omega Gamma Delta Theta Lambda Sigma Phi Psi Omega").split()
_UNICODE = {"≤": r"\le", "≥": r"\ge", "≠": r"\ne", "±": r"\pm", "×": r"\times", "·": r"\cdot",
            "→": r"\to", "∞": r"\infty", "‖": r"\|", "≈": r"\approx", "∇": r"\nabla",
            "−": "-", "∑": r"\sum", "∫": r"\int", "∈": r"\in", "θ": r"\theta", "φ": r"\phi",
            "ϕ": r"\phi", "μ": r"\mu", "σ": r"\sigma", "ε": r"\varepsilon", "λ": r"\lambda",
            "α": r"\alpha", "β": r"\beta", "π": r"\pi", "∼": r"\sim", "√": r"\surd",
            "✓": r"\checkmark", "²": "^2"}
_TEXT_UNICODE = {"’": "'", "‘": "`", "“": "``", "”": "''", "–": "--", "—": "---", "…": r"\dots{}"}
_ESCAPE = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
           "|": r"\textbar{}"}
_GREEK_RE = "|".join(_GREEK)
_MATH_TOKEN = re.compile(
    r"D_KL|<=|>=|!=|->|\|\||\boo\b|\bsum_\{[^{}$%#&\\]*\}|\bsum_[A-Za-z0-9]+\b|\blog2\b|\beps\b|\bgrad\b|~|\*"
    r"|\^(?:-?\w+|\([^()]*\))|\bd(?:" + _GREEK_RE + r")\b"
    r"|\b(?:[A-Za-z]|" + _GREEK_RE + r")(?:_[A-Za-z0-9]+)+\b|\b[A-Za-z]+_\{[^{}$%#&\\]*\}"
    r"|\b(?:" + _GREEK_RE + r")\b|[" +
    "".join(_UNICODE) + "]")


def _token_math(tok: str) -> str:
    fixed = {"D_KL": r"D_{\mathrm{KL}}", "<=": r"\le", ">=": r"\ge", "!=": r"\ne",
             "->": r"\to", "||": r"\|", "oo": r"\infty", "log2": r"\log_2",
             "eps": r"\epsilon", "grad": r"\nabla", "~": r"\sim", "*": r"\cdot"}
    if tok in fixed:
        return fixed[tok]
    if tok.startswith("^"):
        return "^{" + _escape(tok[1:]) + "}"
    if tok[0] == "d" and tok[1:] in _GREEK:
        return "d\\" + tok[1:]
    if tok in _UNICODE:
        return _UNICODE[tok]
    if tok in _GREEK:
        return "\\" + tok
    if tok.endswith("}") and "_{" in tok and not tok.startswith("sum_"):  # E_{z~q}
        name, _, sub = tok.partition("_{")
        return _token_math(name) + "_{" + _inner_math(sub[:-1]) + "}"
    if tok.startswith("sum_{"):
        return r"\sum_{" + _inner_math(tok[5:-1]) + "}"
    if tok.startswith("sum_"):
        return r"\sum_{" + tok[4:] + "}"
    return LatexPrinter().doprint(sp.Symbol(tok))


def _inner_math(text: str) -> str:
    """A subscript's text, already in maths: its tokens (~, ||, <=, Greek) as maths."""
    return _MATH_TOKEN.sub(lambda m: _token_math(m.group()) + " ", text).rstrip()


def prose(text: str) -> str:
    """Plain text with ASCII maths (`sum_i p_i <= 1`, `D_KL`, `||`) for LaTeX text mode.

    Everything that is not a recognised maths token is escaped, so any string is safe;
    characters LaTeX cannot set are shown as [U+XXXX] rather than breaking the build.

    >>> prose("sum_i p_i <= 1 & 50%")
    '$\\\\sum_{i}$ $p_{i}$ $\\\\le$ 1 \\\\& 50\\\\%'
    """
    out, pos = [], 0
    for m in _MATH_TOKEN.finditer(text):
        between = _escape(text[pos:m.start()])
        if not between and out and out[-1].endswith("$"):  # never `$$`: extend the maths
            out[-1] = out[-1][:-1] + "{}" + _token_math(m.group()) + "$"
        else:
            out += [between, f"${_token_math(m.group())}$"]
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPE:  # long identifiers (Mathlib names) may break after _ and .
            out.append(_ESCAPE[ch] + (r"\allowbreak{}" if ch == "_" else ""))
        elif ch == "." and len(out) and out[-1].isalpha():
            out.append(r".\allowbreak{}")
        elif ch in _TEXT_UNICODE:
            out.append(_TEXT_UNICODE[ch])
        elif ord(ch) > 126 or (ord(ch) < 32 and ch not in "\n\t"):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


_MATH_CHARS = {"_": r"\_", "&": r"\&", "%": r"\%", "#": r"\#", "$": r"\$", "{": r"\{",
               "}": r"\}", "~": r"\sim", "\\": r"\backslash", "^": r"\hat{}", "|": "|",
               "<": "<", ">": ">"}


def _plain(text: str) -> str:
    """Text inside maths that MathJax and LaTeX both set the same: \\text{...} for the
    letters, maths for the characters text mode treats specially (_ | < > ...)."""
    out, chunk = [], ""
    for ch in text:
        sym = _MATH_CHARS.get(ch) or _UNICODE.get(ch)
        if sym is None and ord(ch) > 126:
            sym = "?"
        if sym is None:
            chunk += ch
            continue
        if chunk:
            out.append(rf"\text{{{chunk}}}")
            chunk = ""
        out.append("{" + sym + "}")
    if chunk:
        out.append(rf"\text{{{chunk}}}")
    return "".join(out)


# ------------------------------------------------------------------ derivations
def _assumption_items(a: Assumptions) -> list[str]:
    """Each declared assumption, typeset from its SymPy objects."""
    items = []
    for d in a.distributions:
        name, i = latex(d.base.label), latex(d.index)
        entry = latex(d.base[d.index])
        sign = ">" if d.positive else r"\ge"
        total = "=" if d.total == "one" else r"\le"
        items.append(rf"${entry} {sign} 0$ for ${i} = 1, \dots, {latex(d.size)}$ and "
                     rf"$\sum_{{{i}=1}}^{{{latex(d.size)}}} {entry} {total} 1$"
                     f" (the distribution ${name}$)")
    for f in a.densities:
        fx = latex(f.function(f.variable))
        items.append(rf"${fx} > 0$ is a density: $\int_{{-\infty}}^{{\infty}} {fx}\,"
                     rf"d{latex(f.variable)} = 1$")
    items += [f"${latex(s)} \\in {latex(iv)}$" for s, iv in a.intervals]
    items += [f"${latex(fact)}$" for fact in a.facts]
    items += [prose(r.text) if r.text else f"${latex(sp.Eq(r.old, r.new, evaluate=False))}$"
              for r in a.rules]
    return items + [prose(note) for note in a.notes]


def _obligation(ob: Obligation) -> str:
    """A side condition as maths when its kind is a relation, else its text."""
    e, other = latex(ob.expr), latex(ob.other)
    rel = {"nonneg": f"{e} \\ge 0", "pos": f"{e} > 0", "nonpos": f"{e} \\le 0",
           "equal": f"{e} = {other}", "le": f"{e} \\le {other}"}.get(ob.kind)
    return f"${rel}$" if rel else prose(ob.text)


def _how(s: StepResult) -> str:
    """How the step was checked: a lemma with its side conditions, or the check's method."""
    by, out = s.step.by, s.outcome
    if isinstance(by, LemmaUse) and out.proved:
        conds = "; ".join(_obligation(ob) for ob in by.obligations)
        text = f"{prose(by.lemma.name)} ({prose(by.lemma.formal)})"
        return text + (f"; its side conditions, each proved: {conds}" if conds else "")
    return prose(out.method)


def _counterexample(ce: dict) -> str:
    parts = []
    for key, value in ce.items():
        if key in ("lhs", "rhs"):
            parts.append(f"{'left' if key == 'lhs' else 'right'} side $=$ {prose(str(value))}")
            continue
        m = re.fullmatch(r"([A-Za-z]\w*)\[(\w+)\]", key)
        k = (latex(sp.Symbol(m.group(1))) + "_{" + m.group(2) + "}") if m else None
        if k is None and re.fullmatch(r"[A-Za-z]\w*", key):
            k = latex(sp.Symbol(key))
        shown = f"${k}$" if k else prose(key)
        parts.append(f"{shown} $=$ {prose(str(value))}")
    return "; ".join(parts)


def _step_note(s: StepResult) -> str:
    lines = [rf"\textbf{{({s.index})}}~{MARK[s.verdict]}\quad by {prose(s.step.justification)}"]
    if s.step.uses:
        lines.append(r"side conditions: " + "; ".join(prose(u) for u in s.step.uses))
    lines.append(r"checked by: " + _how(s))
    if s.outcome.counterexample:
        ce = _counterexample(s.outcome.counterexample)
        lines.append(r"\textcolor{vred}{counterexample:} " + ce)
    lines += [r"note: " + prose(n) for n in s.outcome.notes]
    return r"\stepnote{" + r"\newline ".join(lines) + "}"


LINE = 95  # about what fits on a line of the page, in visible characters (see _width)


def _width(tex: str) -> int:
    """A rough printed width: commands count as one character, braces and \\left as none."""
    tex = re.sub(r"\\(left|right)\b|[{}]", "", tex)
    return len(re.sub(r"\\[A-Za-z]+", "x", tex))


def _pieces(expr: sp.Expr) -> list[str]:
    """An expression as one or more lines: a long sum breaks between its terms."""
    whole = latex(expr)
    if not isinstance(expr, sp.Add) or _width(whole) <= LINE:
        return [whole]
    printer = DerivePrinter()
    lines, line = [], ""
    for term in printer._as_ordered_terms(expr):
        tex = printer._print(term)
        if line and tex.startswith("-"):
            piece = " " + tex
        else:
            piece = (" + " if line or lines else "") + tex
        if line and _width(line + piece) > LINE:
            lines.append(line)
            line = piece.lstrip()
        else:
            line += piece
    return [*lines, line] if line else lines


def _rows(rel: str, expr: sp.Expr) -> list[str]:
    """align* rows `rel & line`, continuation lines indented under the first."""
    first, *rest = _pieces(expr)
    rows = [rf"  {rel} & \fitmath{{{first}}}"]
    rows += [rf"  & \fitmath{{\quad {piece}}}" for piece in rest]
    return rows


def _statement(rel: sp.Basic) -> str:
    """The statement displayed: on one line if it fits, else the relation over two or more."""
    whole = latex(rel)
    if _width(whole) <= LINE:
        return rf"\[ \fitmath{{{whole}}} \]"
    op = {sp.Eq: "=", sp.Le: "<=", sp.Lt: "<", sp.Ge: ">=", sp.Gt: ">"}[type(rel)]
    rows = _rows("", rel.lhs) + _rows(rf"{{}}{REL[op]}{{}}", rel.rhs)
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def derivation_block(result: DerivationResult) -> str:
    """One checked derivation: statement, assumptions, the align* chain and its verdict."""
    d = result.derivation
    out = [rf"\paragraph{{{prose(d.title)}}}~{MARK[result.verdict]}", "",
           "Statement:", _statement(d.statement)]
    items = _assumption_items(d.assumptions)
    if items:
        out += [r"Assuming:", r"\begin{itemize}",
                *(r"\item " + x for x in items), r"\end{itemize}"]
    out += [r"\begin{align*}", " \\\\\n".join(_rows("", d.start)) + r" \\"]
    for s in result.steps:  # each step's note follows its line; the last one the display
        row = " \\\\\n".join(_rows(rf"{{}}{REL[s.step.op]}{{}}", s.step.expr))
        if s is result.steps[-1]:
            out += [row, r"\end{align*}", _step_note(s)]
        else:
            out += [row + r" \\", r"  \shortintertext{" + _step_note(s) + "}"]
    c = result.conclusion  # marked only when it fails: no tick next to a refuted chain
    mark = "" if c.proved else MARK[c.verdict] + r"\quad "
    out += [rf"\noindent Conclusion: {mark}{prose(c.method)}.\\",
            rf"Verdict of this derivation: {MARK[result.verdict]}.", ""]
    return "\n".join(out)


def snippet(d: Derivation) -> str:
    """One self-contained `align*` (amsmath only) to paste into one's own document: the chain,
    each step's justification in `\\text{}`; `derive check` reads it back to the same chain."""
    rows = [rf"  & {latex(d.start)} \\"]
    for step in d.steps:
        rows.append(rf"  {{}}{REL[step.op]}{{}} & {latex(step.expr)} && "
                    rf"\text{{{prose(step.justification)}}} \\")
    rows[-1] = rows[-1].removesuffix(r" \\")
    title = " ".join(d.title.split())
    head = "".join(f"% assume: {line}\n" for line in _header_lines(d.assumptions))
    return f"% {title}\n{head}\\begin{{align*}}\n" + "\n".join(rows) + "\n\\end{align*}\n"


def _header_lines(a: Assumptions) -> list[str]:
    """The `% assume:` lines `derive check` needs for the distributions and densities."""
    out = []
    for d in a.distributions:
        b, i = d.base.name, d.index
        sign = ">" if d.positive else r"\ge"
        total = "=" if d.total == "one" else r"\le"
        out.append(rf"{b}_{i} {sign} 0, \sum_{{{i}=1}}^{{{latex(d.size)}}} {b}_{i} {total} 1")
    for f in a.densities:
        out.append(f"{latex(f.function(f.variable))} density over {latex(f.variable)}")
    return out


def _chain_mathjax(d: Derivation, steps: Sequence[StepResult] | None) -> str:
    rows = [rf"& {latex(d.start)} \\"]
    for k, step in enumerate(d.steps, start=1):
        note = _plain(f"({k}) {step.justification}")
        if steps is not None:
            note = MATHJAX_MARK[steps[k - 1].verdict] + r"\quad " + note
        rows.append(rf"{{}}{REL[step.op]}{{}} & {latex(step.expr)} && {note} \\")
    rows[-1] = rows[-1].removesuffix(r" \\")
    return "\\begin{aligned}\n" + "\n".join(rows) + "\n\\end{aligned}"


def mathjax(obj: Derivation | DerivationResult) -> str:
    """The chain for MathJax (Jupyter's `_repr_latex_`, GitHub Markdown): marks if checked."""
    if isinstance(obj, DerivationResult):
        return _chain_mathjax(obj.derivation, obj.steps)
    if isinstance(obj, Derivation):
        return _chain_mathjax(obj, None)
    raise ValueError(f"mathjax: expected a Derivation or DerivationResult, got {type(obj)!r}")


def jupyter(obj: Derivation | DerivationResult) -> str:
    """`_repr_latex_`: a display-math block with the title and the chain."""
    d = obj.derivation if isinstance(obj, DerivationResult) else obj
    head = _plain(d.title)
    if isinstance(obj, DerivationResult):
        head += r"\quad " + MATHJAX_MARK[obj.verdict]
    return f"$$\\begin{{gathered}}{head}\\\\\n{mathjax(obj)}\\end{{gathered}}$$"


derivation_module.LATEX_DISPLAY = jupyter  # Derivation._repr_latex_ shows this (see there)


# ------------------------------------------------------------------ confirmations
def _num(x: object, digits: int = 6) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return prose(str(x))
    if isinstance(x, int):
        return f"{x:,}".replace(",", r"\,")
    return f"{x:.{digits}g}".replace("e", r"\mathrm{e}")


def confirmation_item(c: Confirmation) -> str:
    """One check: pass/fail, name, and estimate ± SE (n) with the exact value when present."""
    f = c.figures
    mark = r"\vpass{}" if c.passed else r"\vfail{}"
    line = rf"\item {mark}\quad {prose(c.name)}"
    if all(k in f for k in ("estimate", "se", "n")):
        line += (rf"\newline estimate ${_num(f['estimate'])} \pm {_num(f['se'], 2)}$"
                 rf" (standard error), $n = {_num(f['n'])}$")
        if "exact" in f:
            line += rf", exact ${_num(f['exact'])}$"
        if "null" in f and "z_null" in f and "threshold" in f:  # a test that must reject
            line += (rf"; against the null value ${_num(f['null'])}$: "
                     rf"$z = {_num(f['z_null'], 3)}$, rejected when $|z| > "
                     rf"{_num(f['threshold'], 3)}$")
        elif "z" in f and "threshold" in f:
            line += rf", $z = {_num(f['z'], 3)}$ against $|z| \le {_num(f['threshold'], 3)}$"
        if isinstance(f.get("seed"), int):
            line += f", seed {f['seed']}"
    if c.summary:
        line += r"\newline {\footnotesize\color{vgray} " + prose(c.summary) + "}"
    return line


def plots(confirmations: Iterable[Confirmation], ident_id: str, root: Path,
          named: Iterable[str] = ()) -> list[Path]:
    """The identity's plots: `named` paths (e.g. an Identity's `plots`), PNG paths in the
    confirmations' figures, and docs/figures/<id>_*.png; paths relative to `root`."""
    found: list[Path] = [root / v for v in named if (root / v).is_file()]
    for c in confirmations:
        for v in c.figures.values():
            if isinstance(v, str) and v.endswith(".png"):
                path = Path(v) if Path(v).is_absolute() else root / v
                if path.is_file():
                    found.append(path)
    folder = root / "docs" / "figures"
    if folder.is_dir():
        found += sorted(folder.glob(f"{ident_id}_*.png")) + sorted(folder.glob(f"{ident_id}-*.png"))
    return list(dict.fromkeys(p.resolve() for p in found))


# ------------------------------------------------------------------ documents
PREAMBLE = r"""\documentclass[11pt,fleqn]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\usepackage{graphicx}
\usepackage[dvipsnames]{xcolor}
\usepackage[hidelinks]{hyperref}
\allowdisplaybreaks\setlength{\mathindent}{2em}
\colorlet{vgreen}{ForestGreen}\colorlet{vamber}{BurntOrange}
\colorlet{vgray}{Gray}\colorlet{vred}{BrickRed}
\newcommand{\vproved}{\textcolor{vgreen}{$\checkmark$\,proved}}
\newcommand{\vcorroborated}{\textcolor{vamber}{$\approx$\,corroborated}}
\newcommand{\vundecided}{\textcolor{vgray}{?\,undecided}}
\newcommand{\vrefuted}{\textcolor{vred}{$\times$\,refuted}}
\newcommand{\vpass}{\textcolor{vgreen}{$\checkmark$\,pass}}
\newcommand{\vfail}{\textcolor{vred}{$\times$\,FAIL}}
\newcommand{\stepnote}[1]{\par\hangindent=2em\hangafter=1\footnotesize #1\par}
% An expression wider than the line is scaled down to fit it.
\newsavebox{\fitbox}\newlength{\fitwidth}
\newcommand{\fitmath}[1]{\savebox{\fitbox}{$\displaystyle #1$}%
  \setlength{\fitwidth}{\dimexpr\linewidth-3em\relax}%
  \ifdim\wd\fitbox>\fitwidth\resizebox{\fitwidth}{!}{\usebox{\fitbox}}\else\usebox{\fitbox}\fi}
\setlength{\parindent}{0pt}\setlength{\parskip}{0.5ex}\setlength{\emergencystretch}{3em}
"""

INTRO = (r"Generated by derive-verify VERSION (\texttt{COMMAND}). Every expression, "
         r"justification and verdict below is printed from the objects the checker checked. "
         r"$\log$ is the natural logarithm (nats). Verdicts: \vproved{} means a symbolic proof "
         r"under the declared assumptions; \vcorroborated{} means agreement at sampled points, "
         r"not a proof; \vundecided{} means neither a proof nor a counterexample; \vrefuted{} "
         r"means a counterexample was found, and it is shown.")


def _part(ident: object) -> str:
    """'Worksheet part 1c', or 'Canon identity c1' for the canon (docs/canon.md)."""
    if getattr(ident, "section", "worksheet") == "canon":
        return f"Canon identity {ident.part} (docs/canon.md)"
    return f"Worksheet part {ident.part}"


def identity_section(report: object, *, root: Path, out_dir: Path, with_plots: bool = True,
                     heading: str = "section") -> str:
    """An identity's title, derivations, checks and plots (the body of its documents)."""
    ident = report.identity
    title = f"{ident.id}: {prose(ident.title)}"  # the ID is the number: no section counter
    out = [rf"\{heading}*{{{title}}}\addcontentsline{{toc}}{{{heading}}}{{{title}}}"
           rf"\label{{id:{ident.id}}}",
           rf"{_part(ident)}, alias \texttt{{{prose(ident.alias)}}}. "
           rf"Verdict: {MARK.get(report.proof_verdict)} for the derivations"
           + (f"; {prose(ident.summary)}." if ident.summary else "."), ""]
    out += [derivation_block(r) for r in report.derivations]
    if report.confirmations:
        out += [r"\paragraph{Checks}", r"\begin{itemize}",
                *(confirmation_item(c) for c in report.confirmations), r"\end{itemize}"]
    named = getattr(ident, "plots", ())  # an optional field of the catalogue's Identity
    for path in plots(report.confirmations, ident.id, root, named) if with_plots else []:
        rel = Path(os.path.relpath(path, out_dir)).as_posix()
        out += [r"\begin{center}", rf"\includegraphics[width=0.8\linewidth]{{{rel}}}",
                r"\end{center}"]
    return "\n".join(out) + "\n"


def document(reports: Sequence[object], *, title: str, command: str, root: Path,
             out_dir: Path, with_plots: bool = True) -> str:
    """A standalone document: one identity, or several with a table of contents.

    Plot paths are relative to `out_dir`; leave them out (`with_plots=False`) for a document
    that must not depend on where it is written.
    """
    from derive import __version__

    body = [PREAMBLE, rf"\title{{{prose(title)}}}", r"\author{derive-verify " + __version__ + "}",
            r"\date{}", r"\begin{document}", r"\maketitle",
            INTRO.replace("VERSION", __version__).replace("COMMAND", prose(command)), ""]
    if len(reports) > 1:
        body.append(r"\tableofcontents")
    body += [identity_section(r, root=root, out_dir=out_dir, with_plots=with_plots)
             for r in reports]
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


# ------------------------------------------------------------------ Markdown (GitHub)
def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def markdown(reports: Sequence[object], *, command: str) -> str:
    """The same derivations as Markdown with ```math blocks (GitHub renders them)."""
    from derive import __version__

    out = [f"# Derivations checked by derive-verify {__version__}", "",
           f"Generated by `{command}`; do not edit by hand. `log` is the natural logarithm. "
           "Verdicts: proved (a symbolic proof under the declared assumptions), corroborated "
           "(agreement at sampled points, not a proof), undecided, refuted (with the "
           "counterexample).", ""]
    for r in reports:
        ident = r.identity
        out += [f'<a id="{ident.id}"></a>', "",
                f"## {ident.id}: {_code(ident.title)}", "",
                f"{_part(ident)}; derivations: **{r.proof_verdict.value}**.", ""]
        for res in r.derivations:
            out += [f"**{_code(res.derivation.title)}**: {res.verdict.value}", "",
                    "```math", latex(res.derivation.statement), "```", "",
                    "```math", mathjax(res), "```", ""]
            for s in res.steps:
                if s.outcome.counterexample or s.verdict is not Verdict.PROVED:
                    ce = s.outcome.counterexample or {}
                    shown = ", ".join(f"{k} = {v}" for k, v in ce.items())
                    out += [f"- step ({s.index}) {s.verdict.value}: "
                            f"{_code(s.outcome.method)}" + (f"; counterexample {_code(shown)}"
                                                          if shown else ""), ""]
        if r.confirmations:
            out += ["Checks:", ""]
            out += [f"- {'pass' if c.passed else 'FAIL'}: {_code(c.name)}: {_code(c.summary)}"
                    for c in r.confirmations]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
