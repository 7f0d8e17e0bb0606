"""Random points of the declared domain, and high-precision evaluation there (mpmath).

Used for what symbolic checks cannot decide: a mismatch at a point that satisfies every
hypothesis refutes a step; agreement everywhere only corroborates it. A symbol with no
declared sign is sampled as a real number: claims are about real values. Densities are
instantiated as normal densities with random mean and scale.

Expressions are compiled once per choice of sizes with `lambdify(..., "mpmath")`, because
evaluating SymPy trees point by point is two orders of magnitude slower.

Every value is drawn from the set its declarations allow (`declared_set`: sign, integrality
and interval together), equalities declared for a variable pin its value, and `admissible`
re-checks a point against every declaration before a counterexample is reported. A sum
over a range that runs backwards is empty (0), here and in the symbolic checks
(`empty_sums`): SymPy's Karr convention (the sum from 3 to 1 is minus the term at 2) is not
used anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.assumptions import Assumptions
from derive.engine.domain import unproved_existence

PRECISION = 40  # decimal digits for evaluation
REL_TOL = 1e-10  # two values closer than this (relative) count as equal
ADMISSIBLE_TOL = 1e-12  # a declaration holds at a point up to this (relative), at 80 digits
Sizes = tuple[tuple[sp.Basic, int], ...]  # L -> 3, and s[1] -> 2 of a ragged sum


@dataclass(frozen=True)
class Point:
    """A concrete instance of the domain: sizes chosen, every variable given a value.

    `densities` maps each declared density to the (mean, scale) of the normal standing in
    for it at this point.
    """

    sizes: dict[sp.Basic, int]
    values: dict[sp.Basic, float]
    densities: dict[sp.FunctionClass, tuple[float, float]]

    @property
    def size_key(self) -> Sizes:
        return tuple(sorted(self.sizes.items(), key=str))

    def describe(self) -> dict[str, str]:
        out = {str(k): str(v) for k, v in self.sizes.items()}
        out.update({str(k): f"{v:.8g}" for k, v in self.values.items()
                    if not isinstance(k, sp.Wild)})  # w in a rule p(w) = ...: not a variable
        out.update({f"{f}(x)": f"normal density, mean {m:g}, sd {s:g}"
                    for f, (m, s) in self.densities.items()})
        return out


def empty_sums(expr: sp.Basic) -> sp.Basic:
    """Every sum over a range that runs backwards (upper < lower, both numbers) replaced by 0,
    every such product by 1.

    The one convention of the engine, symbolic and numeric alike: SymPy's Karr convention
    would make the sum from 3 to 1 equal to minus the term at 2 (and the product from 3 to 1
    the reciprocal of the term at 2).
    """

    def backwards(e: sp.Basic) -> bool:
        return isinstance(e, (sp.Sum, sp.Product)) and any(
            lo.is_Integer and hi.is_Integer and hi < lo for _, lo, hi in e.limits)

    return expr.replace(backwards, lambda e: sp.S.Zero if isinstance(e, sp.Sum) else sp.S.One)


def _expand_sum(s: sp.Sum | sp.Product) -> sp.Basic:
    """A sum (product) with integer limits written out term by term (doit is far slower).

    Innermost first; when an inner range is not concrete (a ragged sum: j = 1..s[l]) but the
    outermost is, the outer index is written out first, each term with its own inner range
    (s[1], s[2], ...), never one range for every l."""
    def concrete(lim: tuple) -> bool:
        return lim[1].is_Integer and lim[2].is_Integer

    def terms(body: sp.Basic, var: sp.Symbol, lo: sp.Integer, hi: sp.Integer) -> sp.Basic:
        return join(*[body.xreplace({var: sp.Integer(k)}) for k in range(int(lo), int(hi) + 1)])

    join = sp.Add if isinstance(s, sp.Sum) else sp.Mul
    body, limits = s.function, list(s.limits)
    while limits and concrete(limits[0]):
        body = terms(body, *limits.pop(0))
    if not limits:
        return body
    if len(limits) > 1 and concrete(limits[-1]):
        return terms(s.func(body, *limits[:-1]), *limits[-1])
    return s if len(limits) == len(s.limits) else s.func(body, *limits)


@lru_cache(maxsize=4096)
def with_sizes(expr: sp.Basic, sizes: Sizes) -> sp.Basic:
    """expr with the sizes substituted and every sum over a concrete range written out
    (a range that runs backwards is empty). A ragged sum, whose inner range s[l] depends on
    the outer index, is written out as far as the sizes given fix its ranges: the outer sum
    gives the terms s[1], s[2], ..., which are sizes of their own (`sample_point`)."""
    e, rule = sp.sympify(expr), dict(sizes)
    while True:  # an inner range becomes concrete once the outer index is a number
        done = e.xreplace(rule).replace(lambda a: isinstance(a, (sp.Sum, sp.Product)),
                                        _expand_sum)
        if done == e:
            return e
        e = done


def _bound_in_limits(e: sp.Basic, bound: frozenset = frozenset()) -> bool:
    """Is a sum's range written with the index of an enclosing sum (a ragged sum left)?
    Its entries s[l] would be one variable for every l: no value, never a wrong one."""
    if isinstance(e, (sp.Sum, sp.Product)):
        for var, lo, hi in reversed(e.limits):  # outermost first
            if (lo.free_symbols | hi.free_symbols) & bound:
                return True
            bound = bound | {var}
        return _bound_in_limits(e.function, bound)
    return any(_bound_in_limits(a, bound) for a in e.args)


def _density_params(f: sp.FunctionClass) -> tuple[sp.Dummy, sp.Dummy]:
    return sp.Dummy(f"{f}_mean", real=True), sp.Dummy(f"{f}_sd", positive=True)


_PARAMS: dict[sp.FunctionClass, tuple[sp.Dummy, sp.Dummy]] = {}


def _params(f: sp.FunctionClass) -> tuple[sp.Dummy, sp.Dummy]:
    if f not in _PARAMS:
        _PARAMS[f] = _density_params(f)
    return _PARAMS[f]


# Terms in the order they come (sorting a 5000-term sum costs more than evaluating it).
_PRINTER = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
            "user_functions": {}, "order": "none"}


@lru_cache(maxsize=4096)
def compiled(expr: sp.Basic, sizes: Sizes, densities: tuple[sp.FunctionClass, ...]
             ) -> tuple[tuple[sp.Basic, ...], Callable | None]:
    """(variables, mpmath function) for expr at these sizes; None if it has no value there.

    The function takes the variables' values, then each density's (mean, sd). An explicit
    integral that is not proved to exist has no value (mpmath would return a number for
    a divergent one). OutOfTime is not caught: a compilation cut short is not a failure.
    """
    from sympy.printing.pycode import MpmathPrinter

    e = with_sizes(expr, sizes)
    params: list[sp.Dummy] = []
    try:
        for f in densities:
            m, s = _params(f)
            params += [m, s]
            e = e.replace(f, lambda y, m=m, s=s: sp.exp(-(y - m) ** 2 / (2 * s**2))
                          / sp.sqrt(2 * sp.pi * s**2))
        unevaluable = False
    except ValueError:  # the density is the law of an expectation: no numeric value here
        e, unevaluable = with_sizes(expr, sizes), True
    labels = {b.label for b in e.atoms(sp.IndexedBase)}  # p in p[1]: not a variable
    variables = tuple(sorted((v for v in e.free_symbols
                              if isinstance(v, (sp.Symbol, sp.Indexed))
                              and v not in params and v not in labels), key=str))
    if unevaluable:
        return variables, None
    if unproved_existence(with_sizes(expr, sizes)) or _bound_in_limits(e):
        return variables, None
    # d/dt g(t) at t = 0.3 is g'(0.3): differentiate before t becomes a number.
    e = e.replace(lambda a: isinstance(a, sp.Derivative), lambda a: a.doit())
    if e.atoms(AppliedUndef) or e.has(sp.Derivative, sp.Subs):
        return variables, None  # an unknown function (mu(theta), f'(u)) has no value
    # Plain symbols, renamed without re-evaluating the tree (log(x + 1) would ask SymPy's
    # assumptions again, term by term): lambdify then has nothing left to substitute.
    plain = [sp.Symbol(f"_derive_arg{k}") for k in range(len(variables) + len(params))]
    with sp.evaluate(False):
        body = e.xreplace(dict(zip((*variables, *params), plain, strict=True)))
    try:
        fn = sp.lambdify(plain, body, "mpmath", printer=MpmathPrinter(_PRINTER),
                         docstring_limit=0)
    except Exception:  # an expression lambdify cannot print is simply not evaluated
        return variables, None
    return variables, fn


def variables_of(expr: sp.Basic, sizes: Sizes,
                 densities: tuple[sp.FunctionClass, ...]) -> tuple[sp.Basic, ...]:
    return compiled(expr, sizes, densities)[0]


def declared_set(s: sp.Basic, a: Assumptions) -> sp.Set:
    """The values s may take: its SymPy assumptions (integer, sign, nonzero) and interval."""
    return _declared_set(s, a.interval_of(s) if isinstance(s, sp.Symbol)
                         else entry_interval(s, a))


@lru_cache(maxsize=4096)
def _declared_set(s: sp.Basic, interval: sp.Set | None) -> sp.Set:
    """declared_set, computed once per symbol (its assumptions are part of it) and interval:
    SymPy's set intersections cost more than the rest of drawing a point."""
    dom: sp.Set = sp.S.Integers if s.is_integer else sp.S.Reals
    signs = ((s.is_positive, sp.Interval.open(0, sp.oo)), (s.is_nonnegative, sp.Interval(0, sp.oo)),
             (s.is_negative, sp.Interval.open(-sp.oo, 0)),
             (s.is_nonpositive, sp.Interval(-sp.oo, 0)),
             (s.is_nonzero, sp.Complement(sp.S.Reals, sp.FiniteSet(0))),
             (s.is_zero, sp.FiniteSet(0)))
    for known, where in signs:
        if known:
            dom = dom.intersect(where)
    return dom.intersect(interval) if interval is not None else dom


def entry_interval(s: sp.Basic, a: Assumptions) -> sp.Interval | None:
    """The interval declared for every entry of s's base (`% assume: p_j \\in (0, 1)` is
    recorded as the interval of the symbol `p[j]`), or None."""
    if not isinstance(s, sp.Indexed):
        return None
    return next((iv for v, iv in a.intervals if v.name.startswith(f"{s.base.name}[")), None)


PARITY = ("even", "odd", "prime", "composite")
INTEGER_WINDOW = sp.Range(-3, 6)  # integers are drawn from here when the declarations allow
SIZE_WINDOW = sp.Range(1, 6)


def _integer_value(s: sp.Basic, dom: sp.Set, rng: np.random.Generator,
                   window: sp.Range) -> float | None:
    ks = _integer_candidates(s, dom, window)
    if not ks:
        return None
    if ks == list(range(ks[0], ks[-1] + 1)):  # a run: the draw the sampler has always made
        return float(rng.integers(ks[0], ks[-1] + 1))
    return float(ks[int(rng.integers(len(ks)))])


@lru_cache(maxsize=4096)
def _integer_candidates(s: sp.Basic, dom: sp.Set, window: sp.Range) -> list[int] | None:
    """The integers s is drawn from (computed once: set intersections are slow)."""
    try:
        near = dom.intersect(window)
        if near.is_empty is not False or not near.is_finite_set:
            lo = dom.inf if dom.inf.is_finite else dom.sup - 5
            near = dom.intersect(sp.Range(lo, lo + 6)) if lo.is_finite else sp.S.EmptySet
        members = list(near)
    except (TypeError, ValueError, NotImplementedError):  # no members, or none SymPy can list
        return None
    return [int(k) for k in members if all(getattr(sp.Integer(k), f"is_{p}")
                                           for p in PARITY if getattr(s, f"is_{p}"))]


def _real_value(s: sp.Basic, dom: sp.Set, rng: np.random.Generator) -> float | None:
    if isinstance(dom, sp.Union):
        dom = dom.args[int(rng.integers(len(dom.args)))]
    if isinstance(dom, sp.FiniteSet):
        return float(list(dom)[int(rng.integers(len(dom)))]) if len(dom) else None
    if not isinstance(dom, sp.Interval):
        return None
    lo, hi = dom.inf, dom.sup
    if lo.is_finite and hi.is_finite:
        return float(rng.uniform(max(float(lo), -50.0), min(float(hi), 50.0)))
    if lo.is_finite:
        if not dom.left_open and (lo != 0 or not s.is_positive) and rng.random() < 0.1:
            return float(lo)
        return float(lo) + float(np.exp(rng.uniform(-3, 3)))
    if hi.is_finite:
        if not dom.right_open and rng.random() < 0.1:
            return float(hi)
        return float(hi) - float(np.exp(rng.uniform(-3, 3)))
    return float(rng.normal(0.0, 2.0))


def _symbol_value(s: sp.Basic, a: Assumptions, rng: np.random.Generator,
                  window: sp.Range = INTEGER_WINDOW) -> float | None:
    """A value for s from its declared set (None if the declarations leave none)."""
    dom = declared_set(s, a)
    interval = a.interval_of(s) if isinstance(s, sp.Symbol) else None
    if interval is not None and not s.is_integer and isinstance(dom, sp.Interval):
        lo, hi = max(float(dom.inf), -50.0), min(float(dom.sup), 50.0)
        return float(rng.uniform(lo, hi))
    if s.is_integer:
        return _integer_value(s, dom, rng, window)
    if s.is_nonzero and not (s.is_positive or s.is_negative) and interval is None:
        sign = 1.0 if rng.random() < 0.5 else -1.0
        return sign * float(np.exp(rng.uniform(-3, 3)))
    return _real_value(s, dom, rng)


def _pins(a: Assumptions) -> list[tuple[sp.Basic, sp.Basic]]:
    """Declared equalities that give a variable its value: rules old = new, and facts
    v = e (or e = v) with v a symbol or an entry."""
    out = [(r.old, r.new) for r in a.rules]
    for fact in a.facts:
        if isinstance(fact, sp.Eq):
            for v, e in ((fact.lhs, fact.rhs), (fact.rhs, fact.lhs)):
                if isinstance(v, (sp.Symbol, sp.Indexed)):
                    out.append((v, e))
                    break
    return out


def _limit_symbols(exprs: list[sp.Basic]) -> set[sp.Basic]:
    """Integer symbols, and integer entries at a number (s[2]), in the limits of sums, not
    bound by an enclosing sum: drawn as sizes, so that the sums are written out. The index l
    of an outer sum is never one (s[l] in a ragged sum's inner range takes each l's value)."""
    out: set[sp.Basic] = set()

    def walk(e: sp.Basic, bound: frozenset) -> None:
        if isinstance(e, (sp.Sum, sp.Product)):
            for var, lo, hi in reversed(e.limits):  # outermost first
                for x in (lo, hi):
                    labels = {i.base.label for i in x.atoms(sp.Indexed)}  # s of s[l]: a name
                    out.update(v for v in x.free_symbols if isinstance(v, sp.Symbol)
                               and v.is_integer and v not in bound | labels)
                    out.update(v for v in x.atoms(sp.Indexed) if v.is_integer
                               and all(i.is_Integer for i in v.indices))
                bound = bound | {var}
            walk(e.function, bound)
            return
        for a in e.args:
            walk(a, bound)

    for e in exprs:
        walk(sp.sympify(e), frozenset())
    return out


def sample_point(exprs: list[sp.Basic], a: Assumptions, rng: np.random.Generator) -> Point:
    """Draw one point: sizes 1..5, distributions from a Dirichlet, densities as normals,
    every other variable from its declared set; declared equalities pin their variable."""
    pins = _pins(a)
    related = [sp.sympify(e) for e in (*exprs, *a.hypotheses(), *(e for pin in pins for e in pin))]
    sizes: dict[sp.Basic, int] = {}
    for d in a.distributions:
        for s in sp.sympify(d.size).free_symbols:
            if s not in sizes:
                drawn = _symbol_value(s, a, rng, SIZE_WINDOW)
                sizes[s] = int(drawn) if drawn is not None else 1
    for _ in range(3):  # the sizes s[1], s[2] of a ragged sum appear once L is drawn
        key = tuple(sorted(sizes.items(), key=str))
        new = _limit_symbols([with_sizes(e, key) for e in related]) - set(sizes)
        for s in sorted(new, key=str):
            drawn = _symbol_value(s, a, rng)
            if drawn is not None:
                sizes[s] = int(drawn)
        if not new:
            break
    for old, new in pins:  # n = 3 declared: the size is 3
        if old in sizes and sp.sympify(new).is_Integer:
            sizes[old] = int(new)
    values: dict[sp.Basic, float] = {}
    for d in a.distributions:
        n = int(sp.sympify(d.size).subs(sizes))
        w = rng.dirichlet(np.ones(n))
        if not d.positive and n > 1:
            w[rng.random(n) < 0.3] = 0.0
            if w.sum() == 0:
                w[rng.integers(n)] = 1.0
            w = w / w.sum()
        if d.total == "at_most_one":
            w = w * rng.uniform(0.05, 1.0)
        for k in range(n):
            values[d.base[k + d.start]] = float(w[k])
    dens = {f.function: (float(rng.integers(-20, 21)) / 10, float(rng.integers(5, 21)) / 10)
            for f in a.densities if not _defined(f.function, a)}
    point = Point(sizes, values, dens)
    funcs = tuple(dens)
    for e in related:
        for v in variables_of(e, point.size_key, funcs):
            if v not in values:
                drawn = _symbol_value(v, a, rng)
                if drawn is not None:
                    values[v] = drawn
    _share_names(values, a)
    for key in list(values):  # p[x] at x = 2 is p[2]
        entry = _entry_at(key, point)
        if entry is not None and entry in values:
            values[key] = values[entry]
    for _ in range(2):  # twice: a pinned value may depend on another pinned value
        _pin(point, pins)
    return point


def _defined(f: sp.FunctionClass, a: Assumptions) -> bool:
    """Is the density given in closed form by a declared rule (p(x) = N(x; mu, sigma^2))?
    Then it has no stand-in: a random normal would contradict the declaration, and an
    expression still naming p has no value (the reader writes the closed form in)."""
    return any(isinstance(r.old, AppliedUndef) and r.old.func == f
               and not r.new.atoms(AppliedUndef) for r in a.rules)


def _entry_at(key: sp.Basic, point: Point) -> sp.Indexed | None:
    """The entry p[2] that p[x] (one index, written with a variable) names at a point where
    x = 2; None for anything else."""
    if not isinstance(key, sp.Indexed) or len(key.indices) != 1 or key.indices[0].is_Integer:
        return None
    known = {**{s: sp.Integer(n) for s, n in point.sizes.items()},
             **{s: sp.Integer(int(v)) for s, v in point.values.items()
                if isinstance(s, sp.Symbol) and float(v).is_integer()}}
    k = sp.sympify(key.indices[0]).xreplace(known)
    return key.base[k] if k.is_Integer else None


def _pin(point: Point, pins: list[tuple[sp.Basic, sp.Basic]]) -> None:
    for old, new in pins:
        targets = []
        if isinstance(old, (sp.Symbol, sp.Indexed)) and not old.has(sp.Wild):
            if old not in point.sizes:
                targets = [(old, new)]
        else:  # an entrywise rule (a Wild index): every sampled entry it matches
            for key in list(point.values):
                match = key.match(old) if isinstance(key, sp.Indexed) else None
                if match is not None:
                    targets.append((key, new.xreplace(match)))
        for key, e in targets:
            value = evaluate(sp.sympify(e), point)
            if value is not None and abs(value.imag) <= REL_TOL * max(1.0, abs(value)):
                point.values[key] = float(value.real)


def evaluate(expr: sp.Basic, point: Point, digits: int = PRECISION) -> complex | None:
    """The value of expr at point, or None where it is undefined (NaN, a pole, unevaluable)."""
    funcs = tuple(point.densities)
    variables, fn = compiled(expr, point.size_key, funcs)
    if fn is None or any(v not in point.values for v in variables):
        return None
    args = [point.values[v] for v in variables]
    for f in funcs:  # density parameters come after the variables
        args += list(point.densities[f])
    try:
        with mpmath.workdps(digits):
            value = fn(*[mpmath.mpf(x) for x in args])
            z = complex(value)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError, OverflowError):
        return None
    if z != z:  # NaN
        return None
    return z


def admissible(point: Point, a: Assumptions, digits: int = 2 * PRECISION) -> str | None:
    """None if the point satisfies every declaration, else the first one it breaks.

    Checked at `digits` digits and a tolerance of ADMISSIBLE_TOL: symbol assumptions and
    intervals, distributions (signs and totals), densities, rules and hypotheses. A
    counterexample is reported only at a point that passes.
    """
    for s, v in [*point.sizes.items(), *point.values.items()]:
        why = _breaks(s, v, a)
        if why:
            return why
    why = _one_value_per_name(point)
    if why:
        return why
    for d in a.distributions:
        n = int(sp.sympify(d.size).subs(point.sizes))
        entries = [point.values.get(d.base[k + d.start]) for k in range(n)]
        if any(w is None for w in entries):
            return f"{d.base} has no value for every entry"
        if any(w < 0 or (d.positive and w == 0) for w in entries):
            return d.describe()
        total = mpmath.fsum([mpmath.mpf(w) for w in entries])
        if (d.total == "one" and abs(total - 1) > ADMISSIBLE_TOL) or total > 1 + ADMISSIBLE_TOL:
            return d.describe()
        for key, v in point.values.items():  # p[x] is the entry at x, in start..
            entry = _entry_at(key, point) if getattr(key, "base", None) == d.base else None
            if entry is not None and (entry not in point.values or
                                      not close(point.values[entry], v, ADMISSIBLE_TOL)):
                return f"{key} is not an entry of {d.describe()}"
    if any(sd <= 0 for _, sd in point.densities.values()):
        return "a density's stand-in has a nonpositive scale"
    for fact in a.hypotheses():
        lhs, rhs = evaluate(fact.lhs, point, digits), evaluate(fact.rhs, point, digits)
        if lhs is None or rhs is None or not holds(lhs, fact.rel_op, rhs, ADMISSIBLE_TOL):
            return f"{fact}"
    for rule in a.rules:
        pairs = []
        if isinstance(rule.old, (sp.Symbol, sp.Indexed)) and not rule.old.has(sp.Wild):
            pairs = [(rule.old, rule.new)]
        for key in list(point.values):  # a rule with a Wild index holds entrywise
            match = key.match(rule.old) if isinstance(key, sp.Indexed) and rule.old.has(
                sp.Wild) else None
            if match is not None:
                pairs.append((key, rule.new.xreplace(match)))
        for old, new in pairs:
            lhs, rhs = evaluate(old, point, digits), evaluate(new, point, digits)
            if lhs is None or rhs is None or not close(lhs, rhs, ADMISSIBLE_TOL):
                return rule.describe()
    return None


def _share_names(values: dict[sp.Basic, float], a: Assumptions) -> None:
    """Symbols of one name take one value, a drawn one that every declared set allows (if
    none does, the point keeps them apart and `admissible` rejects it)."""
    groups: dict[str, list[sp.Basic]] = {}
    for s in values:
        if isinstance(s, sp.Symbol):
            groups.setdefault(s.name, []).append(s)
    for group in (g for g in groups.values() if len(g) > 1):
        for v in (values[s] for s in group):
            if all(_breaks(s, v, a) is None for s in group):
                values.update(dict.fromkeys(group, v))
                break


def _one_value_per_name(point: Point) -> str | None:
    """Two symbols of one name (sigma real and sigma > 0, read apart) print alike: a point
    giving them different values would be reported as one sigma with the wrong value, and
    one of them could break the other's declaration (issue 13, class 8)."""
    seen: dict[str, float] = {}
    for s, v in [*point.sizes.items(), *point.values.items()]:
        name = str(s)
        if name in seen and not close(seen[name], v, ADMISSIBLE_TOL):
            return f"two variables named {name} have different values"
        seen[name] = v
    return None


def _breaks(s: sp.Basic, v: float, a: Assumptions) -> str | None:
    """The declaration of s that the value v breaks, or None."""
    if not isinstance(s, (sp.Symbol, sp.Indexed)):
        return None
    exact = sp.Integer(int(v)) if float(v).is_integer() else sp.Rational(v)
    if declared_set(s, a).contains(exact) is not sp.true:
        return f"{s} = {v:g} is outside its declared set {declared_set(s, a)}"
    for p in PARITY:
        if getattr(s, f"is_{p}") and not getattr(exact, f"is_{p}"):
            return f"{s} = {v:g} is not {p}"
    return None


def satisfies(point: Point, a: Assumptions) -> bool:
    """Does the point satisfy every declaration (see `admissible`)?"""
    return admissible(point, a) is None


def close(a: complex, b: complex, rel_tol: float = REL_TOL) -> bool:
    if a == b:
        return True
    if not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= rel_tol * max(1.0, abs(a), abs(b))


def holds(a: complex, op: str, b: complex, rel_tol: float = REL_TOL) -> bool:
    """Does `a op b` hold, up to rounding? Complex values never satisfy an inequality."""
    if op in ("==", "="):
        return close(a, b, rel_tol)
    if abs(a.imag) > rel_tol * max(1.0, abs(a)) or abs(b.imag) > rel_tol * max(1.0, abs(b)):
        return False
    x, y = a.real, b.real
    slack = 0.0 if not (np.isfinite(x) and np.isfinite(y)) else rel_tol * max(1.0, abs(x), abs(y))
    if op in ("<=", "<"):
        return x <= y + slack
    if op in (">=", ">"):
        return x >= y - slack
    raise ValueError(f"unknown relation {op!r}")
