"""Declared assumptions: the only facts a check may use.

A symbol's own SymPy assumptions (`Symbol("s", positive=True)`) count, plus what is declared
here: discrete distributions over an `IndexedBase`, densities on the real line, intervals for
scalar symbols, named hypotheses (relations) and rewrite rules (hypotheses of the form
`old = new`). Nothing else is assumed: in particular no `force=True` rewriting.

`constants` names what does not depend on the variables a chain differentiates an
expectation in: without it, under d/dtheta E[...] every symbol and every density named alone
as a law may depend on theta (`derive.engine.expectation.dependence`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import UndefinedFunction


@dataclass(frozen=True)
class Distribution:
    """A discrete distribution base[index], index = start..start + size - 1 (1..size).

    positive: every entry > 0 (else >= 0). total: "one" (sums to 1) or "at_most_one"
    (a sub-distribution, for example q restricted to the support of p). start: the first
    index, 1 unless the outcomes are written as integers (x in {0, 1}: start 0, size 2).

    >>> i = sp.Symbol("i", integer=True); n = sp.Symbol("n", integer=True, positive=True)
    >>> Distribution(sp.IndexedBase("p", positive=True), i, n).describe()
    'p_i > 0 for i = 1..n, sum_i p_i = 1'
    """

    base: sp.IndexedBase
    index: sp.Symbol
    size: sp.Expr | int
    positive: bool = True
    total: str = "one"
    start: int = 1

    def __post_init__(self) -> None:
        if self.total not in ("one", "at_most_one"):
            raise ValueError(f"total must be 'one' or 'at_most_one', not {self.total!r}")
        if not isinstance(self.base, sp.IndexedBase):
            raise ValueError(f"a distribution's base must be an IndexedBase, not {self.base!r}")
        if not isinstance(self.index, sp.Symbol) or self.index.is_integer is False:
            raise ValueError(f"a distribution's index must be an integer Symbol, not "
                             f"{self.index!r}")
        try:
            size = sp.sympify(self.size)
        except (sp.SympifyError, TypeError, ValueError):
            raise ValueError(f"a distribution's size must be an expression, not "
                             f"{self.size!r}") from None
        if not isinstance(size, sp.Expr) or size.is_integer is False or size.is_positive is False:
            raise ValueError(f"a distribution's size must be a positive integer, not {size}")
        if not isinstance(self.positive, bool):
            raise ValueError(f"positive must be True or False, not {self.positive!r}")
        if not isinstance(self.start, int) or isinstance(self.start, bool):
            raise ValueError(f"a distribution's start must be an int, not {self.start!r}")

    def entry(self, k: sp.Expr) -> sp.Indexed:
        return self.base[k]

    def limits(self, index: sp.Symbol | None = None) -> tuple[sp.Symbol, sp.Expr, sp.Expr]:
        """(index, first, last): the range of a sum over every entry."""
        last = sp.sympify(self.size) if self.start == 1 else self.start + self.size - 1
        return (self.index if index is None else index, sp.Integer(self.start), last)

    def sum(self) -> sp.Sum:
        """The sum of the entries, as the normalisation rule sees it."""
        return sp.Sum(self.base[self.index], self.limits())

    def is_total_sum(self, expr: sp.Basic) -> bool:
        """True for Sum(base[j], (j, start, last)) with any name j for the index."""
        if not isinstance(expr, sp.Sum) or len(expr.limits) != 1:
            return False
        j, lo, hi = expr.limits[0]
        return expr.function == self.base[j] and (lo, hi) == self.limits()[1:]

    def describe(self) -> str:
        name, i = self.base.name, self.index
        sign = ">" if self.positive else ">="
        total = "= 1" if self.total == "one" else "<= 1"
        last = self.limits()[2]
        return f"{name}_{i} {sign} 0 for {i} = {self.start}..{last}, sum_{i} {name}_{i} {total}"


@dataclass(frozen=True)
class Density:
    """A probability density f(x) on the real line: f > 0 and its integral over R is 1."""

    function: sp.FunctionClass
    variable: sp.Symbol

    def __post_init__(self) -> None:
        if not isinstance(self.function, UndefinedFunction):
            raise ValueError(f"a density must be an undefined SymPy Function such as "
                             f"Function('q', positive=True), not {self.function!r}")
        if not isinstance(self.variable, sp.Symbol):
            raise ValueError(f"a density's variable must be a Symbol, not {self.variable!r}")

    def is_total_integral(self, expr: sp.Basic) -> bool:
        """True for Integral(f(y), (y, -oo, oo)) with any name y for the variable."""
        if not isinstance(expr, sp.Integral) or len(expr.limits) != 1:
            return False
        lim = expr.limits[0]
        if len(lim) != 3:
            return False
        y, lo, hi = lim
        f = expr.function  # f(y), or f(y, theta...) for a density with parameters
        return (self.weighs(f) and f.args[:1] == (y,)
                and not any(a.has(y) for a in f.args[1:]) and lo == -sp.oo and hi == sp.oo)

    def weighs(self, f: sp.Basic) -> bool:
        """Is f this density at a point of its variable? p(y) of `p(z) density over z` is (the
        variable renamed); g_x|z(z) of `g(x|z) density over x` is not: the reader writes a
        conditional as a function of the variables bound where it stands, so under an integral
        over z it is the likelihood z -> g(x|z), whose integral over z need not be 1."""
        if not (isinstance(f, self.function) and f.args):
            return False
        return "|" not in self.function.__name__ or f.args[0] == self.variable

    def describe(self) -> str:
        f, x = self.function, self.variable
        return f"{f}({x}) > 0 is a density: integral of {f}({x}) over the real line = 1"


@dataclass(frozen=True)
class Rule:
    """A hypothesis old = new used as a rewrite, e.g. p_k = c q_k for every k.

    `old` may contain Wild symbols (for an index): every match is replaced.
    """

    old: sp.Expr
    new: sp.Expr
    text: str = ""

    def apply(self, expr: sp.Basic) -> sp.Basic:
        """Every match replaced; the base of an entry a_i is not a match: in
        `a = sum_i a_i` the a on the left is not the a of the entries a_i."""
        entries = expr.atoms(sp.Indexed)
        if not entries or self.old.atoms(sp.Indexed):  # a rule about entries: p_k = c q_k
            return expr.replace(self.old, self.new)
        names = {e.base: sp.IndexedBase(sp.Dummy(e.base.name)) for e in entries}
        hidden = expr.xreplace({e: names[e.base][e.indices] for e in entries})
        back = {v: k for k, v in names.items()}
        return hidden.replace(self.old, self.new).replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in back,
            lambda e: back[e.base][e.indices])

    def describe(self) -> str:
        return self.text or f"{self.old} = {self.new}"


@dataclass(frozen=True)
class Assumptions:
    """Everything a derivation's checks may assume, and nothing more."""

    distributions: tuple[Distribution, ...] = ()
    densities: tuple[Density, ...] = ()
    intervals: tuple[tuple[sp.Symbol, sp.Interval], ...] = ()
    facts: tuple[sp.Rel, ...] = ()
    rules: tuple[Rule, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    constants: tuple[sp.Symbol | UndefinedFunction, ...] = ()

    def __post_init__(self) -> None:
        kinds = {"distributions": Distribution, "densities": Density, "rules": Rule,
                 "facts": (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt), "notes": str,
                 "constants": (sp.Symbol, UndefinedFunction)}
        for name, kind in kinds.items():
            value = getattr(self, name)
            if not isinstance(value, (tuple, list)) or not all(isinstance(v, kind)
                                                               for v in value):
                what = {"facts": "relations (Eq, Le, Lt, Ge, Gt)",
                        "constants": "Symbols or undefined Functions"}
                raise ValueError(f"Assumptions: {name} must be a tuple of "
                                 f"{what.get(name) or kind.__name__}, got {value!r}")
            object.__setattr__(self, name, tuple(value))
        if not isinstance(self.intervals, (tuple, list)):
            raise ValueError(f"Assumptions: intervals must be a tuple of pairs, got "
                             f"{self.intervals!r}")
        for pair in self.intervals:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], sp.Symbol)
                    and isinstance(pair[1], sp.Interval)):
                raise ValueError(f"Assumptions: each interval must be (Symbol, sympy.Interval), "
                                 f"got {pair!r}")
        object.__setattr__(self, "intervals", tuple(self.intervals))

    def is_constant(self, thing: sp.Basic) -> bool:
        """Declared not to depend on the variables a chain differentiates in (by name)."""
        name = getattr(thing, "name", None) or getattr(thing, "__name__", None)
        return any(getattr(c, "name", None) == name or getattr(c, "__name__", None) == name
                   for c in self.constants)

    def interval_of(self, symbol: sp.Symbol) -> sp.Interval | None:
        for s, interval in self.intervals:
            if s == symbol:
                return interval
        return None

    def hypotheses(self) -> list[sp.Rel]:
        """Relations that hold: declared facts and sub-normalisation of distributions."""
        out = list(self.facts)
        for d in self.distributions:
            if d.total == "at_most_one":
                out.append(sp.Le(d.sum(), 1))
        return out

    def normalise(self, expr: sp.Basic) -> sp.Basic:
        """Replace each total sum or integral of a normalised distribution by 1."""
        for d in self.distributions:
            if d.total == "one":
                expr = expr.replace(d.is_total_sum, lambda e: sp.S.One)
        for f in self.densities:
            expr = expr.replace(f.is_total_integral, lambda e: sp.S.One)
        return expr

    def rewrites(self) -> list[Callable[[sp.Basic], sp.Basic]]:
        """Every sound rewrite of an expression by the hypotheses, in the orders worth trying."""

        def by_rules(e: sp.Basic) -> sp.Basic:
            for r in self.rules:
                e = r.apply(e)
            return e

        out: list[Callable[[sp.Basic], sp.Basic]] = [lambda e: e, self.normalise]
        if self.rules:
            out += [by_rules, lambda e: self.normalise(by_rules(e)),
                    lambda e: by_rules(self.normalise(e))]
        return out

    def describe(self) -> list[str]:
        lines = [d.describe() for d in self.distributions]
        lines += [f.describe() for f in self.densities]
        lines += [f"{s} in {interval}" for s, interval in self.intervals]
        lines += [f"{fact}" for fact in self.facts]
        lines += [r.describe() for r in self.rules]
        if self.constants:
            names = ", ".join(str(getattr(c, "__name__", c)) for c in self.constants)
            lines.append(f"{names} constant (free of the variables differentiated in)")
        return lines + list(self.notes)

    def with_(self, **changes: Iterable) -> Assumptions:
        """A copy with some fields replaced (used to drop a side condition in tests)."""
        fields = {k: getattr(self, k) for k in self.__dataclass_fields__}
        fields.update({k: tuple(v) for k, v in changes.items()})
        return Assumptions(**fields)
