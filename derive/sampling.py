"""Random points of the declared domain, and high-precision evaluation there (mpmath).

Used for what symbolic checks cannot decide: a mismatch at a point that satisfies every
hypothesis refutes a step; agreement everywhere only corroborates it. A symbol with no
declared sign is sampled as a real number: claims are about real values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from derive.assumptions import Assumptions

PRECISION = 40  # decimal digits for evaluation
REL_TOL = 1e-10  # two values closer than this (relative) count as equal


@dataclass(frozen=True)
class Point:
    """A concrete instance of the domain: sizes chosen, every variable given a value."""

    sizes: dict[sp.Symbol, int]
    values: dict[sp.Basic, sp.Expr]
    densities: dict[sp.FunctionClass, sp.Lambda]

    def instantiate(self, expr: sp.Basic) -> sp.Basic:
        """The expression with this point's sizes, densities and values substituted."""
        e = expr.subs(self.sizes) if self.sizes else expr
        e = e.replace(lambda a: isinstance(a, sp.Sum) and a.limits[0][2].is_Integer,
                      lambda a: a.doit())
        for f, lam in self.densities.items():
            e = e.replace(f, lam)
        # d/dt g(t) at t = 0.3 is g'(0.3): differentiate before t becomes a number.
        e = e.replace(lambda a: isinstance(a, sp.Derivative), lambda a: a.doit())
        return e.xreplace(self.values)

    def describe(self) -> dict[str, str]:
        out = {str(k): str(v) for k, v in self.sizes.items()}
        out.update({str(k): _short(v) for k, v in self.values.items()})
        out.update({f"{f}(x)": str(lam) for f, lam in self.densities.items()})
        return out


def _short(v: sp.Expr) -> str:
    return str(sp.N(v, 8)) if not v.is_Rational else str(v)


def _symbol_value(s: sp.Symbol, a: Assumptions, rng: np.random.Generator) -> sp.Expr:
    interval = a.interval_of(s)
    if interval is not None:
        lo, hi = float(interval.inf), float(interval.sup)
        lo, hi = max(lo, -50.0), min(hi, 50.0)
        return sp.Float(rng.uniform(lo, hi), PRECISION)
    if s.is_integer:
        lo = 1 if s.is_positive else (0 if s.is_nonnegative else -3)
        return sp.Integer(int(rng.integers(lo, 6)))
    if s.is_positive:
        return sp.Float(float(np.exp(rng.uniform(-3, 3))), PRECISION)
    if s.is_nonnegative:
        return sp.S.Zero if rng.random() < 0.1 else sp.Float(float(np.exp(rng.uniform(-3, 3))))
    if s.is_negative:
        return -sp.Float(float(np.exp(rng.uniform(-3, 3))), PRECISION)
    return sp.Float(float(rng.normal(0.0, 2.0)), PRECISION)


def _normal_pdf(rng: np.random.Generator, x: sp.Symbol) -> sp.Lambda:
    mu = sp.Rational(int(rng.integers(-20, 21)), 10)
    sigma = sp.Rational(int(rng.integers(5, 21)), 10)
    return sp.Lambda(x, sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2))


def sample_point(exprs: list[sp.Basic], a: Assumptions, rng: np.random.Generator) -> Point:
    """Draw one point: sizes 1..5, distributions from a Dirichlet, densities as normals."""
    sizes: dict[sp.Symbol, int] = {}
    for d in a.distributions:
        for s in sp.sympify(d.size).free_symbols:
            sizes.setdefault(s, int(rng.integers(1, 6)))
    values: dict[sp.Basic, sp.Expr] = {}
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
            values[d.base[k + 1]] = sp.Float(float(w[k]), PRECISION)
    dens = {f.function: _normal_pdf(rng, f.variable) for f in a.densities}
    point = Point(sizes, values, dens)
    free: set[sp.Symbol] = set()
    for e in exprs:
        free |= point.instantiate(e).free_symbols
    for s in sorted(free, key=str):
        if isinstance(s, sp.Symbol) and s not in values:
            values[s] = _symbol_value(s, a, rng)
    return Point(sizes, values, dens)


def evaluate(expr: sp.Basic, point: Point, digits: int = PRECISION) -> complex | None:
    """The value of expr at point, or None where it is undefined (NaN, complex infinity)."""
    try:
        v = sp.N(point.instantiate(expr), digits)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if v.has(sp.nan) or v.has(sp.zoo) or v.free_symbols:
        return None
    if v in (sp.oo, -sp.oo):
        return complex(float(v), 0.0)
    try:
        return complex(v)
    except (TypeError, ValueError):
        return None


def satisfies(point: Point, a: Assumptions) -> bool:
    """Does the point satisfy every hypothesis (facts and rewrite rules)?"""
    for fact in a.hypotheses():
        lhs, rhs = evaluate(fact.lhs, point), evaluate(fact.rhs, point)
        if lhs is None or rhs is None or not holds(lhs, fact.rel_op, rhs):
            return False
    for rule in a.rules:
        # A rule with a Wild index holds entrywise: check it on the sampled entries.
        for key in list(point.values):
            match = key.match(rule.old) if isinstance(key, sp.Indexed) else None
            if match is not None:
                lhs, rhs = evaluate(key, point), evaluate(rule.new.xreplace(match), point)
                if lhs is None or rhs is None or not close(lhs, rhs):
                    return False
    return True


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
