"""Reading a derivation someone wrote: a LaTeX chain or a Python file using the public API.

LaTeX: every `align`, `align*`, `aligned` or `derivation` environment holds one chain
`e0 R1 e1 R2 e2 ...` (rows split at `\\\\`, `&` ignored; a row may start with its relation).
Declarations come from comment lines anywhere before the chain (they accumulate):

    % assume: p_i > 0, \\sum_i p_i = 1          p is a distribution over i = 1..n
    % assume: p, q distributions over i = 1..n  the same, for several names at once
    % assume: q_i \\ge 0, \\sum_i q_i \\le 1      a sub-distribution (entries >= 0)
    % assume: p, q densities over x             densities on the real line
    % assume: Q(z|X), P(z) distributions over z \\in \\mathcal{Z}, z \\sim Q(z|X)
                                                on a finite set; E[...] is the weighted sum
    % assume: p(x,y) distribution over (x, y) \\in \\mathcal{X} \\times \\mathcal{Y}
    % assume: p_j \\in (0, 1), x_j \\in \\{0, 1\\}     every entry in an interval, in 0..1
    % assume: x > 0, s \\ge 0, t < 0             signs of scalar symbols
    % assume: a \\in (0, 1), b \\in [0, 1]        intervals
    % assume: n positive integer, f function    words: real, positive, negative,
                                                nonnegative, integer, function, constant
    % assume: a \\le b, q_k = c p_k             other relations: hypotheses (= rewrites)
    % title: my proof of 1c                     the next chain's title
    % by: jensen                                the next step's justification

A `% by:` comment at the end of a row justifies that row's step. Lemma names: jensen,
log-le-sub-one, log-monotone, gibbs, hypothesis; any other text is kept as the step's words.
The chain's statement is its own conclusion (first R last), or a `% statement: ...` line.
The files `derive latex` writes are read too (their `Statement:` and `Assuming:` items).

Python: the file is *executed* (it is the user's own code) with `runpy` in a fresh
namespace; its derivations are the module-level list `derivations` if there is one, else
every `Derivation` bound at module level. Each step's line is where its `Step(...)` was made.
"""

from __future__ import annotations

import dataclasses
import re
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.assumptions import Assumptions, Density, Distribution, Rule
from derive.engine.derivation import _REL, Derivation, Step, chain_relation
from derive.notation import macros
from derive.notation.reader import (
    SIZE_NAMES,
    Context,
    KLOfNumbers,
    ParseError,
    finite_set_size,
    hidden_parameter,
    parse_chain,
    parse_latex,
)

ENVIRONMENTS = ("align*", "align", "aligned", "derivation", "derivation*", "eqnarray*")
_BEGIN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")
# The notes `derive latex` prints between rows (read back by _step_notes, not as mathematics).
_DROP = re.compile(r"\\(?:shortintertext|stepnote)\s*\{")
_INTERTEXT = re.compile(r"\\intertext\s*\{")
_WORDS = {"real": {"real": True}, "positive": {"positive": True},
          "negative": {"negative": True}, "nonnegative": {"nonnegative": True},
          "integer": {"integer": True}, "natural": {"integer": True, "positive": True}}


@dataclass
class ReadChain:
    """A chain read from a file: the Derivation and the file line of each step."""

    derivation: Derivation
    lines: list[int]  # lines[k] is the line of step k + 1
    start_line: int
    readings: list[list[str]] = field(default_factory=list)  # conventions used, per step
    reasons: list[list[str]] = field(default_factory=list)  # words in the chain, per step


@dataclass
class _Header:
    ctx: Context = field(default_factory=Context)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    densities: list[Density] = field(default_factory=list)
    intervals: list[tuple[sp.Symbol, sp.Interval]] = field(default_factory=list)
    facts: list[sp.Rel] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    constants: list[sp.Symbol] = field(default_factory=list)
    # sum_i w_i = 1 declared, entries' sign not (yet): a rule only, never a distribution
    sums: dict[str, tuple[sp.Symbol, sp.Expr, str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # P has density p
    notes: list[str] = field(default_factory=list)  # declarations recorded as words
    latent: list[sp.Symbol] = field(default_factory=list)  # z of `P(z) distribution over z`
    applied: dict[str, sp.Expr] = field(default_factory=dict)  # p -> p(x, y) of an equation

    def copy(self) -> _Header:
        ctx = Context(dict(self.ctx.names), dict(self.ctx.distributions),
                      dict(self.ctx.densities), dict(self.ctx.shorthand),
                      laws=dict(self.ctx.laws),
                      sets=dict(self.ctx.sets), macros=self.ctx.macros,
                      ranges=dict(self.ctx.ranges), joints=dict(self.ctx.joints),
                      sum_laws=set(self.ctx.sum_laws), several=dict(self.ctx.several),
                      moving=dict(self.ctx.moving), givens=dict(self.ctx.givens),
                      vectors=set(self.ctx.vectors), dims=dict(self.ctx.dims),
                      scalar_normals=set(self.ctx.scalar_normals),
                      kl_numbers=self.ctx.kl_numbers, calls=set(self.ctx.calls),
                      entry_families=set(self.ctx.entry_families), iid=dict(self.ctx.iid),
                      size_families=dict(self.ctx.size_families))
        return _Header(ctx, dict(self.distributions), list(self.densities),
                       list(self.intervals), list(self.facts), list(self.rules),
                       list(self.constants), dict(self.sums), dict(self.aliases),
                       list(self.notes), list(self.latent), dict(self.applied))

    def assumptions(self) -> Assumptions:
        """What was declared, and only that: a sum whose entries have no declared sign is the
        equation it states (a rewrite), not a distribution (issue 13, class 1)."""
        rules, facts = list(self.rules), list(self.facts)
        for name, (i, size, total) in self.sums.items():
            if name in self.distributions:
                continue
            base = self.ctx.names.get(name)
            base = base if isinstance(base, sp.IndexedBase) else sp.IndexedBase(name, real=True)
            total_sum = sp.Sum(base[i], (i, 1, size))
            if total == "one":
                rules.append(Rule(total_sum, sp.S.One, f"sum_{i} {name}_{i} = 1"))
            else:
                facts.append(sp.Le(total_sum, 1))
        return Assumptions(distributions=tuple(self.distributions.values()),
                           densities=tuple(self.densities), intervals=tuple(self.intervals),
                           facts=tuple(facts), rules=tuple(rules),
                           constants=tuple(self.constants))


def read(path: Path) -> list[ReadChain]:
    """The chains of a .tex or .py file. ParseError (with line and column) if unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                         1, 1) from None
    if path.suffix == ".py":
        return read_python(path)
    try:
        return read_latex(text)
    except ParseError:
        raise
    except Exception as exc:  # anything else the reader did not foresee: still one line
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParseError(f"cannot read this file: {msg}", 1, 1) from None


# ------------------------------------------------------------------ LaTeX
def _blank(text: str, start: int, end: int) -> str:
    """text with [start, end) replaced by spaces, newlines kept (positions stay valid)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _close_brace(text: str, k: int) -> int:
    """Index just after the brace closing the one opened before position k."""
    depth = 1
    while k < len(text) and depth:
        depth += (text[k] == "{") - (text[k] == "}")
        k += 1
    return k


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_latex(text: str, names: dict[str, sp.Basic] | None = None) -> list[ReadChain]:
    """Every chain of a LaTeX file or snippet, with the declarations that precede it.

    `names` declares symbols up front (name -> Symbol, IndexedBase or Function), as
    `% assume:` lines would.
    """
    header = _Header(Context(names=dict(names or {}), macros=macros.definitions(text)))
    for a, b in macros.spans(text):  # a definition is not a derivation
        text = _blank(text, a, b)
    chains: list[ReadChain] = []
    pos = 0
    pending: dict[str, object] = {}
    local = header
    for m in _BEGIN.finditer(text):
        if m.start() < pos:
            continue
        carry = local if "statement_span" in pending and local is not header else None
        local = _preamble(text, pos, m.start(), header, pending, carry) or header
        end_tag = rf"\end{{{m.group(1)}}}"
        end = text.find(end_tag, m.end())
        if end < 0:
            line, col = _line_col(text, m.start())
            raise ParseError(f"expected {end_tag} for this \\begin", line, col)
        if re.search(r"Statement:\s*$", text[pos:m.start()]):  # a long statement,
            pending["statement_span"] = (m.end(), end)  # read after the Assuming: items
        else:
            chains += _chain(text, m.end(), end, local, pending)
            pending = {}
        pos = end + len(end_tag)
    if not chains:
        _preamble(text, pos, len(text), header, pending)
        raise ParseError("expected a chain: \\begin{align*} ... \\end{align*}",
                         *_line_col(text, len(text)))
    return chains


# A letter a header sums over is an index on the whole line, whatever the letter and the order
# of the items (issue 13, class 8: `x_m > 0` declares the entries x[m], not a symbol x_m).
_SUM_INDEX = re.compile(r"\\(?:sum|prod)_\{?\s*([A-Za-z])\s*(?:=|\\in\b)")


def _comments(text: str, start: int, end: int) -> list[tuple[int, str, str]]:
    """(offset, key, value) for `% key: value` comments between start and end."""
    return [(start + m.start(), m.group(1).lower(), m.group(2))
            for m in re.finditer(r"%\s*(assume|by|title|statement)\s*:(.*)",
                                 text[start:end])]


def _preamble(text: str, start: int, end: int, header: _Header, pending: dict,
              local: _Header | None = None) -> _Header | None:
    """Declarations, a title, a statement and `Assuming:` items before a chain.

    `% assume:` lines go to `header` (they hold for the rest of the file). A derivation
    printed by `derive latex` (a `\\paragraph`) gets its own copy with its `Assuming:` items,
    which is returned.
    """
    for off, key, value in _comments(text, start, end):
        line, col = _line_col(text, off + text[off:].index(":") + 1)
        if key == "assume":
            for letter in _SUM_INDEX.findall(value):  # w_m > 0 beside sum_{m=1}^n w_m = 1:
                header.ctx.names.setdefault(letter, sp.Symbol(letter, integer=True))  # entries
            if re.search(r"\bpositive\s+(?:semi-?)?definite\b", value):
                raise ParseError(f"matrices are not read yet: {value.strip()} (traces, "
                                 f"determinants, quadratic forms)", line, col + 1)
            for item, c in _split_items(value):
                lead = len(item) - len(item.lstrip())
                try:
                    _declare(item.strip(), header, line, col + c + lead)
                    _sync_aliases(header)
                except ParseError:
                    raise
                except ValueError as exc:  # e.g. a distribution over 1..0
                    raise ParseError(str(exc).splitlines()[0], line, col + c + lead) from None
        elif key == "title":
            pending["title"] = value.strip()
        elif key == "statement":
            pending["statement"] = (value, line, col)
        elif key == "by":
            pending["by_first"] = value.strip()
    region = text[start:end]
    if "\\paragraph{" in region:
        header = header.copy()
    elif local is not None:  # the items after a long statement
        header = local
    else:
        return None
    m = re.search(r"\\paragraph\{(.*?)\}(?:~\\v\w+\{\})?\s*$", region, re.M)
    if m and "title" not in pending:
        pending["title"] = _plain_title(m.group(1))
    m = re.search(r"Statement:\s*\\\[(.*?)\\\]", region, re.S)
    if m:
        pending["statement"] = (m.group(1), *_line_col(text, start + m.start(1)))
    for m in re.finditer(r"\\item (.*)", region):
        _generated_item(m.group(1), header, *_line_col(text, start + m.start(1)))
    return header


def _plain_title(tex: str) -> str:
    """A printed title back in plain words: $D_{\\mathrm{KL}}$(p $\\|$ q) -> D_KL(p || q)."""
    for a, b in ((r"\|", "||"), (r"\ge", ">="), (r"\le", "<="), (r"\textgreater{}", ">"),
                 (r"\textless{}", "<"), (r"\textbar{}", "|"), (r"\mathrm{KL}", "KL"),
                 (r"\allowbreak{}", ""), (r"\_", "_"), (r"\{", "{"), (r"\}", "}")):
        tex = tex.replace(a, b)
    return re.sub(r"[$\\]|\{|\}", "", tex).strip()


def _split_items(value: str) -> list[tuple[str, int]]:
    """Split at commas outside brackets; a run of bare names (`p, q densities`) stays whole."""
    items, depth, last = [], 0, 0
    for k, ch in enumerate(value):
        depth += ch in "([{" and 1 or 0
        depth -= ch in ")]}" and 1 or 0
        if ch in ",;" and depth == 0 and value[k - 1:k] != "\\":  # not a space \, or \;
            items.append((value[last:k], last))
            last = k + 1
    items.append((value[last:], last))
    runs: list[tuple[str, int]] = []  # x_1, \\dots, x_S is one item
    for item, off in items:
        if runs and re.fullmatch(r"\s*\\[lc]?dots\s*", runs[-1][0]) and len(runs) > 1:
            dots = runs.pop()[0]
            runs[-1] = (f"{runs[-1][0]},{dots},{item}", runs[-1][1])
        else:
            runs.append((item, off))
    merged: list[tuple[str, int]] = []
    for item, off in runs:
        if re.match(rf"\s*{_HEADISH}\s+[a-z]", item):  # `q densities`: the bare names before
            while merged and re.fullmatch(rf"\s*{_HEADISH}\s*", merged[-1][0]):
                item, off = merged[-1][0] + "," + item, merged.pop()[1]
        merged.append((item, off))
    return [(i, o) for i, o in merged if i.strip()]


# A name, with a subscript that is part of it (p, \lambda, p_1, q_{12}, q_\phi); not p_i,
# which the chain reads as an entry of p.
_NAME = r"\\?[A-Za-z]+(?:_(?:\{(?:\d+|\\[A-Za-z]+)\}|\d|\\[A-Za-z]+))?"
_NAMES = rf"((?:{_NAME}\s*,\s*)*{_NAME})"
_HEADISH = rf"{_NAME}(?:\s*\([^()]*\))?"  # p, or p(z|x), in a list of names


def _name(written: str) -> str:
    """The name the chain reader gives what the header writes: p_{12} -> p_12, \\phi -> phi."""
    return re.sub(r"[\\{}\s]", "", written)


def _declare(item: str, h: _Header, line: int, col: int) -> None:
    """One `% assume:` item (see the module docstring for the grammar)."""
    for form in _FORMS:
        if form(item, h, line, col):
            return
    m = re.fullmatch(_NAMES + r"\s+(distributions?|densit(?:y|ies))"
                     r"(?:\s+over\s+(.+))?", item)
    if m:
        names = [_name(n) for n in m.group(1).split(",")]
        over = (m.group(3) or "").strip()
        if m.group(2).startswith("distribution"):
            rng = re.fullmatch(r"(\w+)\s*=\s*1\s*\.\.\s*(.+)", over or "i = 1..n")
            if not rng:
                raise ParseError("expected 'over i = 1..n'", line, col)
            i = h.ctx.symbol(rng.group(1))
            size = parse_latex(rng.group(2), h.ctx, line=line, column=col)
            for n in names:
                _distribution(h, n, i, size, positive=True, total="one")
        else:
            x = h.ctx.symbol(over or "x")
            for n in names:
                f = sp.Function(n, positive=True)
                h.ctx.names[n] = f
                h.ctx.densities[n] = Density(f, x)
                h.densities.append(Density(f, x))
        return
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]*)\)\s+function\s*", item)
    if m:  # L(\theta) function: L applied is a function, L alone a number
        _call(m.group(1), m.group(2), h, line, col)
        return
    m = re.fullmatch(_NAMES + r"\s+((?:real|positive|negative|nonnegative|integer|natural|"
                     r"function|constant)(?:\s+(?:real|positive|negative|nonnegative|integer|"
                     r"natural))*)", item)
    if m:
        words = m.group(2).split()
        for n in (_name(n) for n in m.group(1).split(",")):
            if words == ["constant"]:  # free of the variables differentiated in (by name)
                h.constants.append(sp.Symbol(n))
                continue
            if words == ["function"]:
                h.ctx.names[n] = sp.Function(n, real=True)
                continue
            kw: dict[str, bool] = {}
            for w in words:
                kw.update(_WORDS[w])
            _bind(h, sp.Symbol(n, **kw))
        return
    m = re.fullmatch(r"\s*(.+?)\s*\\in\s*([(\[])(.+),(.+)([)\]])\s*", item)
    if m:
        s = parse_latex(m.group(1), h.ctx, line=line, column=col)
        lo, hi = (parse_latex(g, h.ctx, line=line, column=col) for g in (m.group(3), m.group(4)))
        interval = sp.Interval(lo, hi, m.group(2) == "(", m.group(5) == ")")
        _interval(h, s, interval, line, col)
        return
    normal = re.fullmatch(r"\s*([^=]+?\(\s*(\w+)\s*\))\s*=\s*\\mathcal\{N\}\s*\(\s*\2\s*;.*",
                          item)
    if normal:  # p(x) = \mathcal{N}(x; m, v) is also a density over x (for `P has density p`)
        _density_heads(f"{normal.group(1)} density over {normal.group(2)}", h, line, col)
        _sync_aliases(h)
    words = re.fullmatch(_NAMES + r"\s+([A-Za-z][A-Za-z ]*)", item.strip())
    if words:  # `\Sigma_1, \Sigma_2 positive definite`: names and words no form knows
        raise ParseError(f"'{words.group(2)}' is not a declaration derive check reads "
                         f"(docs/check.md lists the header's forms)", line, col)
    named = re.match(r"\s*\\(?:text|mathrm|operatorname)\s*\{\s*(\w+)\s*\}\s*(\(|=)", item)
    if named and named.group(2) == "=":  # \text{ELBO} = ...: the definition of a named quantity
        h.ctx.symbol(named.group(1))
    elif named and not isinstance(h.ctx.names.get(named.group(1)), sp.FunctionClass) \
            and not _of_laws(item[named.end():], h):
        h.ctx.names[named.group(1)] = sp.Function(named.group(1), real=True)  # \mathrm{H}(X)
    family = re.match(r"\s*(\\math\w+\{\w+\}|\\?[A-Za-z]+)\s*_\s*\{?\s*([A-Za-z])\s*\}?"
                      r"\s*=(.*)", item)
    if family and family.group(2) in SIZE_NAMES and family.group(2) not in h.ctx.names and \
            re.search(rf"(?<![\\A-Za-z]){family.group(2)}(?![A-Za-z])", family.group(3)):
        h.ctx.symbol(family.group(2))  # \mathcal{L}_K = f(K): L_K for every size K, a family
    else:
        family = None
    h.ctx.bound = _latent(h)
    before = set(h.ctx.names)
    h.ctx.kl_head = "KL" in item.split("=")[0]  # D_KL(a || b) = ...: perhaps a definition
    try:
        rel = parse_latex(item, h.ctx, line=line, column=col)
    finally:
        h.ctx.bound, h.ctx.kl_head = [], False
    if not isinstance(rel, sp.Rel):
        raise ParseError(f"expected a declaration or a relation, found {item.strip()!r}",
                         line, col)
    if isinstance(rel, sp.Eq) and isinstance(rel.lhs, KLOfNumbers):
        _kl_of_numbers(h, rel, before, line, col)
        return
    if rel.atoms(KLOfNumbers):
        raise ParseError("D_KL of two names that are not declared laws is read only as the "
                         "left side of its definition: D_KL(a \\| b) = ...", line, col)
    _relation(h, rel, line, col)
    if family and isinstance(rel.lhs, sp.Indexed):  # L_1 is then the entry L[1], shown
        h.ctx.entry_families.add(rel.lhs.base.name)
        h.ctx.size_families[rel.lhs.base.name] = family.group(2)


def _kl_of_numbers(h: _Header, rel: sp.Eq, before: set[str], line: int, col: int) -> None:
    """`D_KL(a \\| b) = f(a, b)` with a, b plain names, no declared laws: the KL of two
    numbers, a rule for every value of a and b (a Lambda; the names are its bound variables,
    so `\\hat{\\rho}` here is never the family of entries `\\hat{\\rho}_j`)."""
    a, b = rel.lhs.args
    if not all(isinstance(v, (sp.Symbol, sp.IndexedBase)) for v in (a, b)) or a == b:
        raise ParseError(f"expected two different plain names in the definition "
                         f"D_KL(a \\| b) = ..., found {a} and {b}", line, col)
    if h.ctx.kl_numbers is not None:
        raise ParseError("D_KL of two numbers is already defined above", line, col)
    if rel.rhs.atoms(KLOfNumbers):
        raise ParseError("the definition of D_KL of two numbers uses D_KL itself", line, col)
    entries = sorted({str(x) for x in rel.rhs.atoms(sp.Indexed) if x.base in (a, b)})
    if entries:
        raise ParseError(f"the definition of D_KL({a} || {b}) uses the entry {entries[0]} of "
                         f"its argument {entries[0].split('[')[0]}", line, col)
    da, db = sp.Dummy(str(a)), sp.Dummy(str(b))
    h.ctx.kl_numbers = sp.Lambda((da, db), rel.rhs.xreplace({a: da, b: db}))
    for v in (a, b):  # a name this equation introduced is its bound variable only
        if str(v) not in before:
            h.ctx.names.pop(str(v), None)


def _call(head: str, args: str, h: _Header, line: int, col: int) -> None:
    """`L(\\theta) function`: L followed by `(` is the function L applied (an unknown), while
    L alone stays the number it is elsewhere (Weng writes L(theta) for the loss beside L, the
    number of layers). L stays a variable: a header that made L a law or a family is refused."""
    name = parse_latex(head, h.ctx, line=line, column=col)
    params = [parse_latex(a, h.ctx, line=line, column=col) for a, _ in _split_items(args)]
    if not isinstance(name, sp.Symbol) or not params or \
            not all(isinstance(v, sp.Symbol) for v in params):
        raise ParseError(f"expected a name applied to variables before 'function', found "
                         f"{head}({args})", line, col)
    h.ctx.calls.add(name.name)
    h.notes.append(f"{head}({args}) function")


def _of_laws(rest: str, h: _Header) -> bool:
    """Are the arguments of `\\mathrm{H}(P, Q) = ...` all declared laws? Then H is the entropy
    the reader knows (the equation a rule about it), not a function of the header's own."""
    depth, k = 1, 0
    while k < len(rest) and depth:
        depth += {"(": 1, ")": -1}.get(rest[k], 0)
        k += 1
    names = [a.strip() for a in rest[:k - 1].split(",")]
    known = set(h.aliases) | set(h.ctx.distributions) | set(h.ctx.densities) | \
        set(h.ctx.shorthand)
    return bool(names) and all(n in known for n in names)


def _density_heads(item: str, h: _Header, line: int, col: int) -> bool:
    """`q_\\phi(z|x) density over z`, `p(x|z), p(z) densities`: a (conditional) density,
    positive and integrating to 1 over its variable for every value of the others."""
    m = re.fullmatch(r"(.+?)\s+densit(?:y|ies)(?:\s+over\s+(.+))?", item)
    if not m or not re.search(r"[(_]", m.group(1)):
        return False
    over = parse_latex(m.group(2), h.ctx, line=line, column=col) if m.group(2) else None
    for head, c in _split_items(m.group(1)):
        short = re.split(r"\(|\{?\\left", head)[0].strip()
        got = parse_latex(head, h.ctx, line=line, column=col + c)
        name = str(parse_latex(short, h.ctx, line=line, column=col + c))
        if isinstance(got, AppliedUndef):
            key, args = got.func.__name__, got.args
        elif isinstance(got, sp.Symbol):
            key, args = got.name, ()
        else:
            raise ParseError(f"expected a density such as q_\\phi(z|x), found {head.strip()}",
                             line, col + c)
        x = over if over is not None else (args[0] if len(args) == 1 else None)
        if not isinstance(x, sp.Symbol):
            raise ParseError(f"{head.strip()}: say which variable it is a density of "
                             f"(`density over z`)", line, col + c)
        f = sp.Function(key, positive=True)
        d = Density(f, x)
        h.ctx.names[key] = f
        h.ctx.densities[key] = d
        if name != key:
            h.ctx.shorthand[name] = d
        h.densities.append(d)
    return True


def _law(item: str, h: _Header, line: int, col: int) -> bool:
    """`z \\sim q(z|x)`, `x \\sim p`: the law E[...] without a subscript averages over."""
    m = re.fullmatch(r"\s*(\\?[A-Za-z]+(?:_\{?\w+\}?)?)\s*\\sim\s*(.+?)\s*", item)
    if not m:
        return False
    z = parse_latex(m.group(1), h.ctx, line=line, column=col)
    if not isinstance(z, sp.Symbol):
        raise ParseError("expected a variable before \\sim", line, col)
    from derive.notation.reader import parse_law

    h.ctx.laws[z.name] = (z, parse_law(m.group(2), z, h.ctx, line=line, column=col))
    return True


def _has_density(item: str, h: _Header, line: int, col: int) -> bool:
    """`P has density p`, `Q has pmf q`: a law named by its density (KL(P || Q), E_P)."""
    m = re.fullmatch(r"\s*(\w+)\s+has\s+(?:density|pmf|distribution)\s+(\w+)\s*", item)
    if not m:
        return False
    big, small = m.groups()
    h.aliases[big] = small  # resolved when p is declared (before or after this line)
    _sync_aliases(h)
    return True


def _sync_aliases(h: _Header) -> None:
    """P has density p: P names whatever p is declared as (a density or a distribution)."""
    for big, small in h.aliases.items():
        d = h.ctx.densities.get(small) or h.ctx.shorthand.get(small)
        if d is not None:
            h.ctx.shorthand[big] = d
        elif small in h.ctx.distributions:
            h.ctx.distributions[big] = h.ctx.distributions[small]
            h.ctx.names[big] = h.ctx.distributions[small].base
        elif small in h.applied:  # p(x, y) = p_1(x) p_2(y): a density of several variables
            h.ctx.several[big] = h.applied[small]


def _words_about(item: str, h: _Header, line: int, col: int) -> bool:
    """`c constant`, `\\mu, \\sigma depend on \\theta`, `f does not depend on \\theta`,
    `\\mathbf{z} \\in \\mathbb{R}^J`: recorded and shown; the dependence rules for
    \\nabla_\\theta are the engine's (issue 13, class 2)."""
    m = re.fullmatch(r"\s*(.+?)\s+(constants?|depends? on\s+.+|does not depend on\s+.+|"
                     r"do not depend on\s+.+)\s*", item)
    if m and not re.search(r"densit|distribution", m.group(2)):
        for name, c in _split_items(m.group(1)):
            obj = parse_latex(name, h.ctx, line=line, column=col + c)
            if m.group(2).startswith("constant"):  # free of the differentiated parameter
                h.constants.append(sp.Symbol(getattr(obj, "name", str(obj))))
            name = obj.func.__name__ if isinstance(obj, AppliedUndef) else \
                getattr(obj, "name", None)
            if m.group(2).startswith("depend") and (name in h.ctx.distributions or
                                                    name in h.ctx.densities):
                on = re.sub(r"^depends? on\s+", "", m.group(2))
                params = [parse_latex(v, h.ctx, line=line, column=col) for v, _ in
                          _split_items(on)]
                if not all(isinstance(v, sp.Symbol) for v in params):
                    raise ParseError("expected parameters after `depends on`", line, col)
                h.ctx.moving[name] = tuple(params)
        h.notes.append(item.strip())
        return True
    m = re.fullmatch(r"\s*(.+?)\s*\\in\s*\\mathbb\{R\}(?:\^\{?(\w+)\}?)?\s*", item)
    if m:
        v = parse_latex(m.group(1), h.ctx, line=line, column=col)
        if not isinstance(v, sp.Symbol):
            raise ParseError("expected a variable before \\in \\mathbb{R}", line, col)
        if m.group(2):
            if v.name in h.ctx.scalar_normals:  # a density above read it as a number
                raise ParseError(f"declare {v.name} \\in \\mathbb{{R}}^{m.group(2)} before "
                                 f"the equations that use it", line, col)
            h.ctx.vectors.add(v.name)
            h.ctx.dims[v.name] = _dimension(m.group(2), h, line, col)
        h.notes.append(item.strip())
        return True
    return False


def _dimension(written: str, h: _Header, line: int, col: int) -> sp.Expr:
    """J of \\mathbb{R}^J: a positive integer (a declaration to the contrary is an error)."""
    if written.isdigit():
        if int(written) < 1:
            raise ParseError(f"the dimension {written} of R^{written} must be at least 1",
                             line, col)
        return sp.Integer(written)
    got = h.ctx.names.get(written)
    integer_name = isinstance(got, sp.Symbol) and got.is_integer is not False \
        and got.is_positive is not False
    if any(str(x) == written for x, _ in h.intervals) or got is not None and not integer_name:
        raise ParseError(f"the dimension {written} of R^{written} must be a positive integer, "
                         f"but it is declared otherwise", line, col)
    h.ctx.names[written] = sp.Symbol(written, integer=True, positive=True)
    return h.ctx.names[written]


def _finite_set(item: str, h: _Header, line: int, col: int) -> bool:
    """`p, q distributions over x \\in \\mathcal{X}`: a finite set of |X| outcomes,
    enumerated 1..|X|; `\\sum_x` and `\\sum_{x \\in \\mathcal{X}}` run over it."""
    m = re.fullmatch(_NAMES + r"\s+distributions?\s+over\s+(\\?\w+)\s*\\in\s*(.+?)\s*", item)
    if not m:
        return False
    i = sp.Symbol(m.group(2).lstrip("\\"), integer=True)
    h.ctx.names[i.name] = i
    size, start = _outcomes(m.group(3).strip(), h, line, col)
    for n in (_name(n) for n in m.group(1).split(",")):
        _distribution(h, n, i, size, positive=True, total="one", start=start)
    return True


def _outcomes(written: str, h: _Header, line: int, col: int) -> tuple[sp.Expr, int]:
    """The size and first index of a finite set: \\mathcal{X} has |X| outcomes 1..|X|;
    \\{0, 1\\} (consecutive integers, written out) is the outcomes 0 and 1 themselves, so
    p(0) and p(1) are its two entries."""
    listed = re.fullmatch(r"\\\{(.*)\\\}", written)
    if not listed:
        return finite_set_size(written, h.ctx), 1
    lo, hi = _consecutive(listed.group(1), "a set of consecutive integers such as \\{0, 1\\} "
                          "(another set of outcomes is not read yet)", line, col)
    return sp.Integer(hi - lo + 1), lo


def _consecutive(listing: str, expected: str, line: int, col: int) -> tuple[int, int]:
    """The least and greatest of `0, 1, 2` written out; a located error unless consecutive."""
    values = [v.strip() for v in listing.split(",")]
    if not all(re.fullmatch(r"-?\d+", v) for v in values) or \
            sorted(map(int, values)) != list(range(min(map(int, values)),
                                                  max(map(int, values)) + 1)):
        raise ParseError(f"expected {expected}", line, col)
    return min(map(int, values)), max(map(int, values))


_HEAD = re.compile(rf"\s*({_NAME})\s*\(\s*(\w+)\s*(?:(?:\||\\mid|\\vert)\s*({_NAMES}))?\s*\)\s*")


def _pmf_heads(item: str, h: _Header, line: int, col: int) -> bool:
    """`Q(z|X), P(z) distributions over z \\in \\mathcal{Z}`: (conditional) distributions on a
    finite set. Q(z|X) is one distribution over z for each value of X (see
    `conditional_entry` in the reader); P(z)'s variable is bound in header equations, as a
    density's is."""
    m = re.fullmatch(r"(.+?)\s+distributions?\s+over\s+(\\?\w+)\s*\\in\s*(.+?)\s*", item)
    if not m or "(" not in m.group(1):
        return False
    i = sp.Symbol(m.group(2).lstrip("\\"), integer=True)
    h.ctx.names[i.name] = i
    size = finite_set_size(m.group(3).strip(), h.ctx)
    for head, c in _split_items(m.group(1)):
        got = _HEAD.fullmatch(head)
        if not got or _name(got.group(2)) != i.name:
            raise ParseError(f"expected a distribution of {i.name} such as Q({i.name}|x) or "
                             f"P({i.name}), found {head.strip()}", line, col + c)
        given = [_name(g) for g in (got.group(3) or "").split(",") if g.strip()]
        key = f"{_name(got.group(1))}_{i.name}|{''.join(given)}" if given else \
            _name(got.group(1))
        _distribution(h, key, i, size, positive=True, total="one")
        if not given:
            h.latent.append(i)
    return True


def _joint(item: str, h: _Header, line: int, col: int) -> bool:
    """`p(x,y) distribution over (x, y) \\in \\mathcal{X} \\times \\mathcal{Y}`: a distribution
    on the pairs; `\\sum_x` runs over X. p(x) and p(y) are then two functions (p_x, p_y),
    the marginals once an equation such as p(x) = \\sum_y p(x,y) says so."""
    m = re.fullmatch(rf"\s*({_NAME})\s*\(([^()|]*)\)\s+distribution\s+over\s+\(([^()]*)\)\s*"
                     r"\\in\s*(.+?)\s*", item)
    if not m:
        return False
    variables = [_name(v) for v in m.group(3).split(",")]
    sets = re.split(r"\\times", m.group(4))
    if [_name(v) for v in m.group(2).split(",")] != variables or len(sets) != len(variables):
        raise ParseError("expected p(x, y) distribution over (x, y) \\in \\mathcal{X} \\times "
                         "\\mathcal{Y} (the same variables, one set each)", line, col)
    name, sizes = _name(m.group(1)), [finite_set_size(s.strip(), h.ctx) for s in sets]
    for v, n in zip(variables, sizes, strict=True):
        h.ctx.names[v] = sp.Symbol(v, integer=True)
        h.ctx.ranges[v] = n
        h.ctx.names.setdefault(f"{name}_{v}", sp.Function(f"{name}_{v}", real=True))
    key = f"{name}_{''.join(variables)}"
    h.ctx.joints[key] = tuple(sizes)
    _distribution(h, key, sp.Symbol(f"({','.join(variables)})", integer=True), sp.Mul(*sizes),
                  positive=True, total="one")
    return True


def _integer_set(item: str, h: _Header, line: int, col: int) -> bool:
    """`x_j \\in \\{0, 1\\}`: integer values m..n (consecutive), for a symbol or every entry."""
    m = re.fullmatch(r"\s*(.+?)\s*\\in\s*\\\{(.*)\\\}\s*", item)
    if not m:
        return False
    lo, hi = _consecutive(m.group(2), "consecutive integers such as \\{0, 1\\} (another set "
                          "of values is not read yet)", line, col)
    s = parse_latex(m.group(1), h.ctx, line=line, column=col)
    _interval(h, s, sp.Interval(lo, hi), line, col, integer=True)
    return True


_SAMPLE = r"((?:\\math\w+\{)?\\?[A-Za-z]+\}?)\s*(?:_\{?(\w+)\}?|\^\{\((\w+)\)\})"


def _samples(item: str, h: _Header, line: int, col: int) -> bool:
    """`x_1, \\dots, x_S \\sim p(x | \\theta) iid`: S independent samples of the law (checked
    to read as a law of x). Recorded: the chain's steps about samples are sums of their
    values, which the declaration does not change."""
    m = re.fullmatch(rf"\s*{_SAMPLE}\s*,\s*\\[lc]?dots\s*,\s*{_SAMPLE}\s*\\sim\s*(.+?)\s+"
                     r"(?:iid|i\.i\.d\.)\s*", item)
    if not m:
        return False
    first, last = m.group(1), m.group(4)
    if first != last or (m.group(2) or m.group(3)) != "1":
        raise ParseError("expected samples x_1, \\dots, x_S of one variable", line, col)
    from derive.notation.reader import parse_law

    name = re.sub(r"\\math\w+\{|[\\}]", "", first)
    z = h.ctx.symbol(name)
    law = parse_law(m.group(7), z, h.ctx, line=line, column=col + m.start(7))
    h.ctx.iid[name] = (law, m.group(5) or m.group(6))  # for E_{z^{(1)}, ..., z^{(K)} ~ q}
    h.notes.append(item.strip())
    return True


_FORMS = (_samples, _density_heads, _law, _has_density, _joint, _pmf_heads, _finite_set,
          _integer_set, _words_about)


def _latent(h: _Header) -> list[sp.Symbol]:
    """The variables a header equation binds, as an expectation over them would in a chain:
    those of declared laws (z \\sim q) and of unconditional densities (p(z) density over z).
    So p(x|z) in `p(x, z) = p(x|z) p(z)` is the same function of z as under E_{z ~ q}."""
    out = [v for v, _ in h.ctx.laws.values()]
    out += [d.variable for n, d in h.ctx.densities.items() if "|" not in n] + h.latent
    return list(dict.fromkeys(out))


def _distribution(h: _Header, name: str, i: sp.Symbol, size: sp.Expr, *, positive: bool,
                  total: str, start: int = 1) -> None:
    base = sp.IndexedBase(name, positive=True) if positive else \
        sp.IndexedBase(name, nonnegative=True)
    h.ctx.names[name] = base
    d = Distribution(base, i, size, positive=positive, total=total, start=start)
    h.ctx.distributions[name] = d
    h.distributions[name] = d


def _interval(h: _Header, s: sp.Basic, interval: sp.Interval, line: int, col: int,
              integer: bool = False) -> None:
    """x \\in (a, b) for a symbol; p_j \\in (0, 1) for every entry of p (its sign as
    SymPy assumptions, the interval under the name p[j], which the sampler reads)."""
    entry = isinstance(s, sp.Indexed) and all(i.is_Symbol for i in s.indices) and \
        len(set(s.indices)) == len(s.indices)  # p_j, or p_j^{(l)} (the entry p[j, l])
    if isinstance(s, sp.Indexed) and s.base.name in h.ctx.entry_families and not entry:
        raise ParseError(f"{s.base.name}_{s.indices[0]} is an entry of the declared "
                         f"{s.base.name}_j, whose interval it has", line, col)
    if not isinstance(s, sp.Symbol) and not entry:
        raise ParseError("expected a symbol or an entry p_j before \\in", line, col)
    kw = {"integer": True} if integer else {"real": True}
    if interval.inf >= 0:
        kw |= {"positive": True} if interval.inf > 0 or interval.left_open else \
            {"nonnegative": True}
    elif interval.sup <= 0:
        kw |= {"negative": True} if interval.sup < 0 or interval.right_open else \
            {"nonpositive": True}
    if entry and interval.free_symbols & set(s.indices):
        # p_j in (0, j): each entry has its own bounds, which the engine (one interval for
        # every entry) and the sampler cannot say; read as (0, j) for p_3 it proves falsehoods
        raise ParseError(f"an interval that depends on the entry's index ({s} in {interval}) "
                         f"is not read yet", line, col)
    if entry:
        name = s.base.name
        h.ctx.names[name] = sp.IndexedBase(name, **kw)
        h.ctx.entry_families.add(name)
        h.intervals.append((sp.Symbol(str(s), **kw), interval))
        return
    new = sp.Symbol(s.name, **kw)
    _bind(h, new)
    h.intervals.append((new, interval))


def _bind(h: _Header, new: sp.Symbol) -> None:
    """Give the name its declared symbol, in what the header read before too: in
    `p(x) = \\mathcal{N}(x; \\mu, \\sigma^2)` then `\\sigma > 0`, the normal's sigma is the
    positive one. Two symbols of one name would be two variables that print alike, and a
    counterexample could give the header's a value the declaration forbids (issue 13, class 8).
    """
    old = h.ctx.names.get(new.name)
    h.ctx.names[new.name] = new
    if not isinstance(old, sp.Symbol) or old == new:
        return
    swap = {old: new}

    def move(v: object) -> object:
        if isinstance(v, sp.Basic):
            return v.xreplace(swap)
        if isinstance(v, (Rule, Density, Distribution)):
            return dataclasses.replace(v, **{f.name: move(getattr(v, f.name))
                                            for f in dataclasses.fields(v)})
        if isinstance(v, (tuple, list)):
            return type(v)(move(x) for x in v)
        return v

    h.rules[:] = move(h.rules)
    # unevaluated: y + 1 > 0 is True once y is positive, and True is no relation
    h.facts[:] = [type(f)(move(f.lhs), move(f.rhs), evaluate=False) for f in h.facts]
    h.intervals[:] = move(h.intervals)
    h.densities[:] = move(h.densities)
    h.latent[:] = move(h.latent)
    for table in (h.distributions, h.sums, h.applied, h.ctx.distributions, h.ctx.densities,
                  h.ctx.shorthand, h.ctx.laws, h.ctx.ranges, h.ctx.joints, h.ctx.several,
                  h.ctx.sets):
        for key, value in table.items():
            table[key] = move(value)


_RAYS = {">": lambda c: sp.Interval.open(c, sp.oo), ">=": lambda c: sp.Interval(c, sp.oo),
         "<": lambda c: sp.Interval.open(-sp.oo, c), "<=": lambda c: sp.Interval(-sp.oo, c)}


def _relation(h: _Header, rel: sp.Rel, line: int, col: int) -> None:
    """p_i > 0 (entries), sum_i p_i = 1 (normalised), x > 0 (a sign), or a hypothesis."""
    lhs, rhs, op = rel.lhs, rel.rhs, rel.rel_op
    if isinstance(lhs, sp.Indexed) and rhs == 0 and op in (">", ">="):
        name = lhs.base.name  # entries of a sign; a distribution once its sum is declared
        h.ctx.names[name] = sp.IndexedBase(name, **({"positive": True} if op == ">" else
                                                     {"nonnegative": True}))
        if name in h.sums:  # the sum came first: now a distribution, as declared
            i, size, total = h.sums[name]
            _distribution(h, name, i, size, positive=op == ">", total=total)
        return
    if isinstance(lhs, sp.Sum) and isinstance(lhs.function, sp.Indexed) and rhs == 1 \
            and op in ("==", "<="):
        (i, lo, hi), = lhs.limits
        if lo != 1:
            raise ParseError("expected a sum from 1: \\sum_{i=1}^{n} p_i = 1", line, col)
        name = lhs.function.base.name
        known = h.ctx.names.get(name)
        total = "one" if op == "==" else "at_most_one"
        h.sums[name] = (i, hi, total)
        sign = known.assumptions0 if isinstance(known, sp.IndexedBase) else {}
        if sign.get("positive") or sign.get("nonnegative"):  # entries' sign declared before
            _distribution(h, name, i, hi, positive=bool(sign.get("positive")), total=total)
        return
    before = [pair for pair in h.intervals if pair[0].name == getattr(lhs, "name", None)]
    if isinstance(lhs, sp.Symbol) and rhs == 0 and op in (">", ">=", "<") and not before:
        kw = {">": {"positive": True}, ">=": {"nonnegative": True}, "<": {"negative": True}}
        _bind(h, sp.Symbol(lhs.name, **kw[op]))
        return
    if isinstance(lhs, sp.Symbol) and rhs.is_Number and rhs.is_finite and op in _RAYS:
        # y > 1 is y in (1, oo): the engine writes y as 1 + u, u > 0, where it sees y - 1 > 0;
        # with what was declared before (y > 0, y in (0, 5)), one interval: the intersection
        known = h.ctx.names.get(lhs.name, lhs)
        sign = (before[0][1] if before else sp.Interval.open(0, sp.oo) if known.is_positive
                else sp.Interval(0, sp.oo) if known.is_nonnegative
                else sp.Interval.open(-sp.oo, 0) if known.is_negative
                else sp.Interval(-sp.oo, sp.oo))
        interval = sign.intersect(_RAYS[op](rhs))
        if not isinstance(interval, sp.Interval):
            raise ParseError(f"{lhs} {op} {rhs} leaves no value the earlier declarations allow",
                             line, col)
        h.intervals[:] = [pair for pair in h.intervals if pair not in before]
        _interval(h, lhs, interval, line, col, integer=bool(known.is_integer))
        h.facts.append(type(rel)(h.ctx.names[lhs.name], rhs, evaluate=False))
        return
    if op == "==":
        old = lhs
        if isinstance(lhs, sp.Indexed) and lhs.indices[0].is_Symbol:  # p_k = c q_k, every k
            k = sp.Wild("k")
            old, rhs = lhs.base[k], rhs.xreplace({lhs.indices[0]: k})
        elif isinstance(lhs, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in lhs.args) \
                and len(set(lhs.args)) == len(lhs.args) and rhs.has(*lhs.args):
            # p(x, z) = ...: for every x, z (but H(X) = -sum_x p(x) log p(x) is for X alone)
            wild = {a: sp.Wild(f"w_{a}") for a in lhs.args}
            if len(lhs.args) > 1:
                h.applied[lhs.func.__name__] = lhs
            old, rhs = lhs.xreplace(wild), rhs.xreplace(wild)
        elif isinstance(lhs, AppliedUndef) and lhs.args and all(
                isinstance(a, sp.Indexed) and len(a.indices) == 1 and a.indices[0].is_Symbol
                and a.indices[0].is_integer for a in lhs.args[:1]):
            # g(x_j | z) = ...: the density of every coordinate j (an index: "for every j")
            wild = {a.indices[0]: sp.Wild(f"w_{a.indices[0]}") for a in lhs.args[:1]}
            old, rhs = lhs.xreplace(wild), rhs.xreplace(wild)
        h.rules.append(Rule(old, rhs, f"{rel.lhs} = {rel.rhs}"))
        return
    h.facts.append(rel)


def _generated_item(item: str, h: _Header, line: int, col: int) -> None:
    """An `Assuming:` item as `derive latex` prints it (a distribution, density, interval)."""
    m = re.match(r"\$(.+?) (>|\\ge) 0\$ for \$(.+?) = 1, \\dots, (.+?)\$ and \$.*(=|\\le) 1\$",
                 item)
    if m:
        entry = parse_latex(m.group(1), h.ctx, line=line, column=col)
        if isinstance(entry, sp.Indexed):
            size = parse_latex(m.group(4), h.ctx, line=line, column=col)
            _distribution(h, entry.base.name, entry.indices[0], size, positive=m.group(2) == ">",
                          total="one" if m.group(5) == "=" else "at_most_one")
        return
    m = re.match(r"\$(.+?) > 0\$ is a density", item)
    if m:
        fx = parse_latex(m.group(1), h.ctx, line=line, column=col)
        if isinstance(fx, sp.core.function.AppliedUndef) and len(fx.args) == 1:
            f = sp.Function(fx.func.__name__, positive=True)  # "p(x) > 0 is a density"
            h.ctx.names[f.__name__] = f
            d = Density(f, fx.args[0])
            h.ctx.densities[fx.func.__name__] = d
            h.densities.append(d)
        return
    m = re.fullmatch(r"\$(.+?) \\in \\left([(\[])(.+), (.+)\\right([)\]])\$\s*", item)
    if m:
        s = parse_latex(m.group(1), h.ctx, line=line, column=col)
        lo, hi = (parse_latex(g, h.ctx, line=line, column=col) for g in (m.group(3), m.group(4)))
        _interval(h, s, sp.Interval(lo, hi, m.group(2) == "(", m.group(5) == ")"), line, col)


def _rows(text: str, start: int, end: int, header: _Header
          ) -> list[tuple[sp.Expr, list[tuple[str, sp.Expr, int, int]], tuple[int, int]]]:
    """The chains in text[start:end]: each its first expression, (op, expr, line, column)
    per step, and where it starts. A row with its own left-hand side (not + or -) after a
    step starts a new chain (several left-hand sides, or a restatement row, in one block)."""
    body = text
    for m in reversed(list(_DROP.finditer(text, start, end))):
        body = _blank(body, m.start(), _close_brace(body, m.end()))
    for m in reversed(list(_INTERTEXT.finditer(text, start, end))):  # a reason for what follows
        close = _close_brace(body, m.end())
        header.ctx.reasons.append((*_line_col(text, m.start()),
                                   _NEXT + body[m.end():close - 1].strip()))
        body = _blank(body, m.start(), close)
    body = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group()), body)
    rows, last = [], start
    for m in re.finditer(r"\\\\(?:\[[^\]\n]*\])?|\\cr\b", body[start:end]):  # \\[10pt]
        if re.search(r"(=|<|>|\\le|\\ge|\\leq|\\geq)\s*&?\s*$", body[last:start + m.start()]):
            body = _blank(body, start + m.start(), start + m.end())  # `a =\\ b`: one step
            continue
        rows.append((last, start + m.start()))
        last = start + m.end()
    rows.append((last, end))
    exprs: list[sp.Expr] = []
    steps: list[tuple[str, sp.Expr, int]] = []
    segments = []
    begin = _line_col(text, start)
    for a, b in rows:
        chunk = body[a:b].replace("&", " ")
        if not chunk.strip():
            continue
        line, col = _line_col(text, a)
        header.ctx.bound = _latent(header)
        try:
            got, rels = parse_chain(chunk, header.ctx, line=line, column=col, typos=True)
        finally:
            header.ctx.bound = []
        lead = re.sub(r"^(\s|\\fitmath|\{|\\quad|\\qquad|\\,)*", "", chunk)
        if got[0] is not None and steps and not lead.startswith(("+", "-")):
            segments.append((exprs[0], steps, begin))  # a new left-hand side
            exprs, steps, begin = [], [], (line, col)
        if got[0] is not None:
            if exprs and not lead.startswith(("+", "-")):
                raise ParseError("expected a relation at the start of this row (=, \\le, ...)",
                                 *_line_col(text, a + len(chunk) - len(chunk.lstrip())))
            if exprs:  # a long expression continued on the next row
                if steps:
                    op, e, ln, col = steps[-1]
                    steps[-1] = (op, e + got[0], ln, col)
                else:
                    exprs[-1] = exprs[-1] + got[0]
            else:
                exprs.append(got[0])
        elif not exprs:
            raise ParseError("expected an expression before the first relation",
                             rels[0][1].line, rels[0][1].column)
        for (op, tok), e in zip(rels, got[1:], strict=True):
            steps.append((op, e, tok.line, tok.column))
    if not steps:
        raise ParseError("expected a chain with at least one relation",
                         *_line_col(text, start))
    return [*segments, (exprs[0], steps, begin)]


def _chain(text: str, start: int, end: int, header: _Header, pending: dict
           ) -> list[ReadChain]:
    """One environment's chains (usually one), as Derivations with each step's line."""
    if "statement_span" in pending:
        a, b = pending["statement_span"]
        ((lhs, got, _),) = _rows(text, a, b, header)[:1]
        if len(got) != 1:
            raise ParseError("expected one relation in the statement", *_line_col(text, a))
        pending["statement_rel"] = _REL[got[0][0]](lhs, got[0][1], evaluate=False)
    seen_readings, seen_reasons = len(header.ctx.readings), len(header.ctx.reasons)
    segments = _rows(text, start, end, header)
    readings, reasons = header.ctx.readings[seen_readings:], header.ctx.reasons[seen_reasons:]
    out = []
    for k, (first, steps, begin) in enumerate(segments):
        stop = segments[k + 1][2] if k + 1 < len(segments) else (10**9, 0)
        mine = [(ln, c, w) for ln, c, w in readings if begin <= (ln, c) < stop]
        why = [(ln, c, w) for ln, c, w in reasons if begin <= (ln, c) < stop]
        # A later chain of the block (a restatement row) may restate what those above proved.
        out.append(_one_chain(text, start, end, header, pending if k == 0 else {},
                              first, steps, mine, why,
                              tuple(c.derivation for c in out)))
    return out


def _one_chain(text: str, start: int, end: int, header: _Header, pending: dict,
               first: sp.Expr, steps: list, readings: list, reasons: list,
               follows: tuple = ()) -> ReadChain:
    """One chain of an environment, as a Derivation with each step's line."""
    rules = header.assumptions().rules
    start_at = _line_col(text, start)
    substituted = [_by_rules(first, rules)] + [_by_rules(e, rules) for _, e, _, _ in steps]
    for raw, e, (ln, c) in zip([first] + [e for _, e, _, _ in steps], substituted,
                               [start_at] + [(ln, c) for _, _, ln, c in steps], strict=True):
        _samples_shown(raw, e, ln, c, readings)
        for entry in sorted(raw.atoms(sp.Indexed), key=sp.default_sort_key):
            size = header.ctx.size_families.get(entry.base.name)
            note = (ln, c, f"{entry}: the header's definition of {entry.base.name}_{size}, "
                           f"read for every {size}")
            if size is not None and note not in readings:
                readings.append(note)
    vector = set().union(*map(_vector_parameters, substituted))
    first = _vectors(substituted[0], header, *start_at, readings)
    steps = [(op, _vectors(e, header, ln, c, readings), ln, c)
             for (op, _, ln, c), e in zip(steps, substituted[1:], strict=True)]
    _one_way([first] + [e for _, e, _, _ in steps], vector, *start_at)
    for e, ln, c in [(first, *_line_col(text, start)), *((e, ln, c) for _, e, ln, c in steps)]:
        _no_derivative_of_entries(e, header, ln, c)
        hidden_parameter(e, header.ctx, ln, c)
        _no_total_of_a_family(e, header, ln, c)
        _no_free_pair(e, header, ln, c)
    readings = [list(dict.fromkeys(r)) for r in _per_step(steps, readings)]
    reasons = _per_step(steps, reasons)
    exprs = [first]
    by: dict[int, str] = {}  # line -> `% by:` written on that line
    standalone: list[tuple[int, str]] = []
    for off, key, value in _comments(text, start, end):
        line = _line_col(text, off)[0]
        own = text[text.rfind("\n", 0, off) + 1:off].strip()
        if key == "by":
            (by.__setitem__(line, value.strip()) if own else
             standalone.append((line, value.strip())))
    start_line = _line_col(text, start)[0]
    justification = _justifications(steps, by, standalone, pending.get("by_first"))
    notes = _step_notes(text, start, end)
    justification = [j or notes.get(k, "") or _reason_lemma("; ".join(reasons[k - 1]))
                     for k, j in enumerate(justification, start=1)]
    made = [Step(op, e, _lemma(j, prev, op, e, header) if j else "(none given)")
            for (op, e, _, _), j, prev in zip(steps, justification,
                                             [exprs[0]] + [s[1] for s in steps[:-1]],
                                             strict=True)]
    for k, step in enumerate(made):  # a named lemma that does not fit: say why, beside the step
        if isinstance(step.by, str) and " does not fit this step: " in step.by:
            reasons[k] = [*reasons[k], f"% by: {step.by}"]
    try:
        conclusion_op = chain_relation([s[0] for s in steps])
    except ValueError as exc:
        k = next(k for k in range(len(steps)) if _mixed([s[0] for s in steps[:k + 1]]))
        raise ParseError(str(exc), steps[k][2], steps[k][3]) from None
    statement = _REL[conclusion_op](exprs[0], steps[-1][1], evaluate=False)
    if "statement_rel" in pending:
        statement = pending["statement_rel"]
    elif "statement" in pending:
        src, line, col = pending["statement"]
        src = src.strip()
        src = src[len(r"\fitmath{"):-1] if src.startswith(r"\fitmath{") else src
        statement = parse_latex(src, header.ctx, line=line, column=col)
        if not isinstance(statement, sp.Rel):
            raise ParseError("expected a relation as the statement", line, col)
    statement = _by_rules(statement, rules)
    title = str(pending.get("title") or f"chain at line {start_line}")
    try:
        d = Derivation(title, statement, exprs[0], made, header.assumptions(),
                       follows=follows)
    except ValueError as exc:
        raise ParseError(str(exc), start_line, 1) from None
    return ReadChain(d, [s[2] for s in steps], start_line, readings, reasons)


def _vectors(e: sp.Basic, h: _Header, line: int, col: int, readings: list) -> sp.Basic:
    """A vector's normal density N(z; m, diag v) read through its coordinates (see
    `derive.engine.vectors`), shown; left anywhere else it is an error, never a number."""
    from derive.engine import vectors

    out = vectors.reduce(e, h.ctx.base)
    left = vectors.unread(out)
    if left is not None:
        raise ParseError(f"{left} is read only under a log and as the weight of an integral "
                         f"over {left.variable} of c + a sum over j of terms in "
                         f"{left.variable}_j alone", line, col)
    note = (line, col, "the vector normal density through its coordinates: its "
                                    "log a sum over j, its integral against a sum over j a sum "
                                    "of expectations over z_j ~ N(m_j, v_j) (independent "
                                    "coordinates)")
    if out != e and note not in readings:
        readings.append(note)
    return out


def _samples_shown(raw: sp.Basic, e: sp.Basic, line: int, col: int, readings: list) -> None:
    """An expectation over K samples that a header definition put in the step (L_{n+1} of
    `\\mathcal{L}_K = E_{z^{(1)}, ..., z^{(K)} \\sim q}[...]`): its reading, at the step."""
    from derive.engine.expectation import IIDExpectation

    def key(node: IIDExpectation) -> tuple:
        return node.samples, node.count, node.law

    written = {key(node) for node in raw.atoms(IIDExpectation)}
    for node in sorted(e.atoms(IIDExpectation), key=sp.default_sort_key):
        if key(node) in written:
            continue
        z, n, q = node.samples, node.count, node.law.func
        count = f"{n} a positive integer" if n.is_integer and n.is_positive else \
            f"{n} not known to be a positive integer: no proof uses them"
        note = (line, col, f"the header's definition: E over {z}[1], ..., {z}[{n}] i.i.d. ~ "
                           f"{q} (as declared), {n} samples ({count}); {z}^(k) or {z}_k in its "
                           f"body is the k-th sample {z}[k]")
        if note not in readings:
            readings.append(note)


def _vector_parameters(e: sp.Basic) -> set[str]:
    """The names a vector's normal density gives entries to (mu, sigma of N(z; mu, sigma^2))."""
    from derive.engine.vectors import DiagonalNormalDensity

    return {a.name for d in e.atoms(DiagonalNormalDensity) for a in d.args[2:]
            if isinstance(a, sp.Symbol)}


def _one_way(exprs: list[sp.Basic], vector: set[str], line: int, col: int) -> None:
    """Refuse a name read both as a vector (its entries sigma_j, from a vector's normal
    density) and as a number (sigma) in one chain: two unrelated variables to the engine."""
    for e in exprs:
        bare = e.xreplace({x: sp.Dummy() for x in e.atoms(sp.Indexed)})
        both = sorted(vector & {s.name for s in bare.atoms(sp.Symbol, sp.IndexedBase)})
        if both:
            raise ParseError(f"{both[0]} is both a vector (its entries, from a vector's normal "
                             f"density) and a number in this chain", line, col)


def _no_derivative_of_entries(e: sp.Basic, h: _Header, line: int, col: int) -> None:
    """Refuse d/dtheta of entries of a distribution an expectation was read as a sum over:
    the engine would take them as constants, where under d/dtheta E[...] a law may depend on
    theta (docs/engine.md, "Dependence on a parameter")."""
    bases = {d.base for n, d in h.ctx.distributions.items() if n in h.ctx.sum_laws}
    for d in e.atoms(sp.Derivative):
        used = sorted({x.base.name for x in d.expr.atoms(sp.Indexed) if x.base in bases})
        if used:
            raise ParseError(f"a derivative of an expectation over the distribution {used[0]} "
                             f"is not read yet: its dependence on "
                             f"{', '.join(map(str, d.variables))} is not known", line, col)
    from derive.engine.expectation import IIDExpectation

    if any(d.expr.has(IIDExpectation) for d in e.atoms(sp.Derivative)):
        # the dependence rules of d/dtheta E[...] are written for one sample's expectation
        raise ParseError("a derivative of an expectation over K samples is not read yet",
                         line, col)


def _no_total_of_a_family(e: sp.Basic, h: _Header, line: int, col: int) -> None:
    """Refuse a sum (or KL, H) over the variable of a conditional distribution whose given
    variable is bound, P(X|z) summed over X inside E over z: its entries P[X, z] are those of
    a family, sampled without their totals, so the sum's value is not what was declared."""
    from derive.engine.definitions import InformationQuantity

    bases = {d.base for d in h.ctx.distributions.values()}
    for node in e.atoms(sp.Sum, InformationQuantity):
        if isinstance(node, sp.Sum):
            over, body = {lim[0] for lim in node.limits}, node.function
        else:
            over, body = {node.limits[0]}, sp.Tuple(*node.distributions)
        for x in body.atoms(sp.Indexed):
            if x.base in bases and len(x.indices) > 1 and x.indices[0] in over:
                raise ParseError(f"a sum over {x.indices[0]} of {x} (a conditional "
                                 f"distribution whose given variable is bound) is not read yet",
                                 line, col)


def _no_free_pair(e: sp.Basic, h: _Header, line: int, col: int) -> None:
    """Refuse p(x, y) of a joint distribution with x or y free (not summed over): its entry is
    one of the |X||Y| pairs only for x in 1..|X|, a range the sampler does not draw x from."""
    pairs = {h.ctx.distributions[k].base for k in h.ctx.joints}
    free = sorted(n for n in h.ctx.ranges if h.ctx.names.get(n) in e.free_symbols)
    if free and any(x.base in pairs for x in e.atoms(sp.Indexed)):
        raise ParseError(f"an entry of a joint distribution with {free[0]} not summed over is "
                         f"not read yet", line, col)


def _by_rules(expr: sp.Basic, rules: tuple[Rule, ...], passes: int = 6) -> sp.Basic:
    """The expression with the header's equations substituted (`ELBO`, p(x, z) = p(x|z) p(z)):
    a declared equation holds for every argument, so the chain is checked with it in place
    (the sampler then never sees a name its definition would have fixed)."""
    for _ in range(passes):
        new = expr
        for r in rules:
            new = _apply(r, new)
        if new == expr:
            return expr
        expr = new
    return expr


def _apply(rule: Rule, e: sp.Basic) -> sp.Basic:
    """The rule applied below e and then at e; an indexed entry's name (`a` in a_i) and an
    expectation's law are not rewritten (`a = \\sum_i a_i` must not touch a_i). A law the
    rule defines (p(x) = N(x; m, v), x ~ p(x)) makes E the integral against it: a stand-in
    density for p would contradict the rule."""
    from derive.engine.expectation import Expectation, IIDExpectation

    if isinstance(e, IIDExpectation):  # the law of the samples stays as declared
        return e.with_function(_apply(rule, e.function))
    if isinstance(e, Expectation):
        f, law = _apply(rule, e.function), e.law
        m = law.match(rule.old) if rule.old.has(sp.Wild) else {} if law == rule.old else None
        if m is not None and len(e.variables) == 1:
            return sp.Integral(f * rule.new.xreplace(m), (e.variables[0], -sp.oo, sp.oo))
        return Expectation(f, e.variables, law)
    if e.args and not isinstance(e, (sp.Indexed, sp.IndexedBase)):
        args = [_apply(rule, a) for a in e.args]
        try:
            e = e.func(*args) if args != list(e.args) else e
        except (TypeError, ValueError):
            return e
    if e == rule.old:  # at this node only: the rewrite of the parts is done above
        return rule.new
    m = e.match(rule.old) if rule.old.has(sp.Wild) else None
    return rule.new.xreplace(m) if m else e


def _per_step(steps: list, marks: list[tuple[int, int, str]]) -> list[list[str]]:
    """Give each (line, column, text) to its step: the one whose relation comes last before
    it (the first step for what precedes every relation); an `\\intertext` (marked _NEXT)
    goes to the first step after it."""
    out: list[list[str]] = [[] for _ in steps]
    for line, col, what in marks:
        if what.startswith(_NEXT):
            k = next((j for j, s in enumerate(steps) if (s[2], s[3]) > (line, col)), -1)
            out[k].append(what[len(_NEXT):])
            continue
        k = 0
        for j, (_, _, ln, c) in enumerate(steps):
            if (ln, c) <= (line, col):
                k = j
        out[k].append(what)
    return out


_NEXT = "\x00"  # marks a reason that justifies the step after it
_REASON_WORDS = (("jensen", "jensen"), ("gibbs", "gibbs"))


def _reason_lemma(words: str) -> str:
    """A reason written in the chain (`\\text{(Jensen)}`): the lemma it names, else the words."""
    low = words.lower()
    return next((lemma for key, lemma in _REASON_WORDS if key in low), words)


# How `derive latex` names a lemma in a step's note, and the `% by:` key it stands for.
_LEMMA_NOTES = (("Jensen's inequality", "jensen"), ("log t $\\le$ t - 1", "log-le-sub-one"),
                ("log is increasing", "log-monotone"), ("Gibbs' inequality", "gibbs"),
                ("a declared hypothesis", "hypothesis"))


def _step_notes(text: str, start: int, end: int) -> dict[int, str]:
    """Step k's justification from the notes `derive latex` prints (a lemma's key if any)."""
    stop = text.find("\\paragraph{", end)
    region = text[start:stop if stop >= 0 else len(text)]
    out = {}
    for m in re.finditer(r"\\textbf\{\((\d+)\)\}~\\v\w+\{\}\\quad by (.*?)(?:\\newline|\}$)",
                         region, re.M):
        words = m.group(2)
        key = next((k for name, k in _LEMMA_NOTES if words.startswith(name)), None)
        out[int(m.group(1))] = key or re.sub(r"[$\\{}]", "", words)
    return out


def _mixed(ops: list[str]) -> bool:
    try:
        chain_relation(ops)
    except ValueError:
        return True
    return False


def _justifications(steps: list, by: dict[int, str], standalone: list[tuple[int, str]],
                    first: object) -> list[str]:
    """A trailing `% by:` names its row's step; a line of its own names the next step."""
    out = []
    prev_line = 0
    for k, (_, _, line, _) in enumerate(steps):
        j = by.get(line, "")
        if not j:
            before = [v for ln, v in standalone if prev_line < ln < line or
                      (k == 0 and ln < line)]
            j = before[-1] if before else (str(first) if k == 0 and first else "")
        out.append(j)
        prev_line = line
    return out


# ------------------------------------------------------------------ lemmas by name
LEMMA_KEYS = ("jensen", "log-le-sub-one", "log-monotone", "gibbs", "hypothesis")


def _lemma(name: str, lhs: sp.Expr, op: str, rhs: sp.Expr, h: _Header) -> object:
    """The lemma a `% by:` names, instantiated on the step; else the text itself.

    A lemma named but not fitting the step gives the text `NAME does not fit this step: WHY`,
    WHY saying which part of the lemma's shape the step lacks (the step is then checked on
    its own, as if no lemma were named)."""
    from derive.engine import lemmas

    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in LEMMA_KEYS:
        return name
    if op == "=":
        return f"{name} does not fit this step: {key} proves an inequality, the step is an " \
               f"equation"
    if key == "hypothesis":
        return lemmas.hypothesis(lhs, op if op in ("<=", ">=") else op + "=", rhs)
    small, big = (lhs, rhs) if op in ("<=", "<") else (rhs, lhs)
    use = _instance(key, small, big, h)
    if isinstance(use, str):
        other = _instance(key, big, small, h)
        if isinstance(other, str):
            return f"{name} does not fit this step: {use}"
        use = other
    if use is None:
        return name
    return use if op in ("<=", "<") else use.flipped()


def _instance(key: str, small: sp.Expr, big: sp.Expr, h: _Header) -> object:
    """A lemma instance `small <= big` matching these shapes, the part that did not match, or
    None for a form on expectations or integrals, which the step's shape is tried against."""
    from derive.engine import lemmas
    from derive.engine.definitions import KL
    from derive.engine.expectation import Expectation

    if key == "log-monotone":
        if not isinstance(small, sp.log):
            return f"log-monotone wants log(a) <= log(b) (or log(a) <= 0); the smaller side " \
                   f"{small} is not a log"
        if isinstance(big, sp.log):
            return lemmas.log_monotone(small.args[0], big.args[0])
        if big == 0:
            return lemmas.log_monotone(small.args[0], sp.S.One)
        return f"log-monotone wants log(a) <= log(b) (or log(a) <= 0); the larger side {big} " \
               f"is neither a log nor 0"
    if key == "gibbs":
        kls = (small - big).atoms(KL)
        for kl in kls:
            if sp.expand(small - big + kl) == 0:
                return lemmas.gibbs(*kl.distributions, kl.limits, offset=big)
        return ("gibbs wants the larger side to be the smaller plus a D_KL; the sides have no "
                "D_KL" if not kls else "gibbs wants the larger side to be the smaller plus a "
                "D_KL; their difference is not a D_KL alone")
    if small.has(sp.Integral, Expectation, KL) or big.has(sp.Integral, Expectation, KL):
        return None  # the forms on expectations and integrals: tried by the step's shape
    wanted = f"{key} wants a single sum over one index of w_i log x_i on the smaller side"
    if not isinstance(small, sp.Sum):
        return f"{wanted}; {small} is not a sum"
    if len(small.limits) != 1:
        return f"{wanted}; {small} sums over {len(small.limits)} indices"
    lim = small.limits[0]
    body = small.function
    factors = sp.Mul.make_args(body)
    for k, w in enumerate(factors):
        rest = sp.Mul(*factors[:k], *factors[k + 1:])
        if isinstance(rest, sp.log):
            x = rest.args[0]
            if key == "jensen":
                t = sp.Symbol("t", positive=True)
                return lemmas.jensen(sp.Lambda(t, sp.log(t)), w, x, lim)
            return lemmas.log_le_sub_one(w, x, lim)
    return f"{wanted}; its summand {body} is not a weight times one log"


# ------------------------------------------------------------------ Python
def read_python(path: Path) -> list[ReadChain]:
    """Run the file (it is the user's own code) and collect its Derivations."""
    path = Path(path).resolve()
    made: dict[int, int] = {}
    original = Step.__post_init__

    def recording(self: Step) -> None:
        original(self)
        frame = sys._getframe(1)
        while frame is not None and Path(frame.f_code.co_filename).resolve() != path:
            frame = frame.f_back
        if frame is not None:
            made[id(self)] = frame.f_lineno

    Step.__post_init__ = recording
    sys.path.insert(0, str(path.parent))  # as `python FILE` would: sibling modules import
    try:
        namespace = runpy.run_path(str(path), run_name="__derive_check__")
    except SyntaxError as exc:
        raise ParseError(f"Python syntax error: {exc.msg}", exc.lineno or 1,
                         exc.offset or 1) from None
    except (Exception, SystemExit) as exc:  # the user's code: where it failed, on one line
        tb = exc.__traceback__
        line = 1
        while tb is not None:
            if Path(tb.tb_frame.f_code.co_filename).resolve() == path:
                line = tb.tb_lineno
            tb = tb.tb_next
        msg = str(exc).splitlines()[0] if str(exc) else ""
        raise ParseError(f"running the file raised {type(exc).__name__}: {msg}", line,
                         1) from None
    finally:
        Step.__post_init__ = original
        sys.path.remove(str(path.parent))
    found = namespace.get("derivations")
    if found is None:
        found = [v for v in namespace.values() if isinstance(v, Derivation)]
    if not isinstance(found, (list, tuple)) or \
            not all(isinstance(d, Derivation) for d in found) or not found:
        raise ParseError("expected Derivation objects (a list `derivations`, or Derivations "
                         "bound at module level)", 1, 1)
    return [ReadChain(d, [made.get(id(s), 0) for s in d.steps],
                      min((made.get(id(s), 0) for s in d.steps), default=0)) for d in found]
