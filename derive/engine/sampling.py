"""Random points of the declared domain, and high-precision evaluation there (mpmath).

Used for what symbolic checks cannot decide: a mismatch at a point that satisfies every
hypothesis refutes a step; agreement everywhere only corroborates it. A symbol with no
declared sign is sampled as a real number: claims are about real values. Densities are
instantiated as normal densities with random mean and scale.

Expressions are compiled once per choice of sizes with `lambdify(..., "mpmath")`, because
evaluating SymPy trees point by point is two orders of magnitude slower.
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

PRECISION = 40  # decimal digits for evaluation
REL_TOL = 1e-10  # two values closer than this (relative) count as equal
Sizes = tuple[tuple[sp.Symbol, int], ...]


@dataclass(frozen=True)
class Point:
    """A concrete instance of the domain: sizes chosen, every variable given a value.

    `densities` maps each declared density to the (mean, scale) of the normal standing in
    for it at this point.
    """

    sizes: dict[sp.Symbol, int]
    values: dict[sp.Basic, float]
    densities: dict[sp.FunctionClass, tuple[float, float]]

    @property
    def size_key(self) -> Sizes:
        return tuple(sorted(self.sizes.items(), key=str))

    def describe(self) -> dict[str, str]:
        out = {str(k): str(v) for k, v in self.sizes.items()}
        out.update({str(k): f"{v:.8g}" for k, v in self.values.items()})
        out.update({f"{f}(x)": f"normal density, mean {m:g}, sd {s:g}"
                    for f, (m, s) in self.densities.items()})
        return out


def _expand_sum(s: sp.Sum) -> sp.Basic:
    """A sum with integer limits written out term by term (Sum.doit is far slower)."""
    body = s.function
    for var, lo, hi in reversed(s.limits):
        if not (lo.is_Integer and hi.is_Integer):
            return s
        body = sp.Add(*[body.xreplace({var: sp.Integer(k)}) for k in range(int(lo), int(hi) + 1)])
    return body


@lru_cache(maxsize=4096)
def with_sizes(expr: sp.Basic, sizes: Sizes) -> sp.Basic:
    """expr with the sizes substituted and every sum over a concrete range written out."""
    e = expr.xreplace(dict(sizes)) if sizes else expr
    return e.replace(lambda a: isinstance(a, sp.Sum), _expand_sum)


def _density_params(f: sp.FunctionClass) -> tuple[sp.Dummy, sp.Dummy]:
    return sp.Dummy(f"{f}_mean", real=True), sp.Dummy(f"{f}_sd", positive=True)


_PARAMS: dict[sp.FunctionClass, tuple[sp.Dummy, sp.Dummy]] = {}


def _params(f: sp.FunctionClass) -> tuple[sp.Dummy, sp.Dummy]:
    if f not in _PARAMS:
        _PARAMS[f] = _density_params(f)
    return _PARAMS[f]


@lru_cache(maxsize=4096)
def compiled(expr: sp.Basic, sizes: Sizes, densities: tuple[sp.FunctionClass, ...]
             ) -> tuple[tuple[sp.Basic, ...], Callable | None]:
    """(variables, mpmath function) for expr at these sizes; None if it cannot be compiled.

    The function takes the variables' values, then each density's (mean, sd).
    """
    e = with_sizes(expr, sizes)
    params: list[sp.Dummy] = []
    for f in densities:
        m, s = _params(f)
        params += [m, s]
        e = e.replace(f, lambda y, m=m, s=s: sp.exp(-(y - m) ** 2 / (2 * s**2))
                      / sp.sqrt(2 * sp.pi * s**2))
    labels = {b.label for b in e.atoms(sp.IndexedBase)}  # p in p[1]: not a variable
    variables = tuple(sorted((v for v in e.free_symbols
                              if isinstance(v, (sp.Symbol, sp.Indexed))
                              and v not in params and v not in labels), key=str))
    # d/dt g(t) at t = 0.3 is g'(0.3): differentiate before t becomes a number.
    e = e.replace(lambda a: isinstance(a, sp.Derivative), lambda a: a.doit())
    if e.atoms(AppliedUndef) or e.has(sp.Derivative, sp.Subs):
        return variables, None  # an unknown function (mu(theta), f'(u)) has no value
    plain = [sp.Dummy(f"v{k}") for k in range(len(variables))]
    body = e.xreplace(dict(zip(variables, plain, strict=True)))
    try:
        fn = sp.lambdify(plain + params, body, "mpmath")
    except Exception:  # an expression lambdify cannot print is simply not evaluated
        return variables, None
    return variables, fn


def variables_of(expr: sp.Basic, sizes: Sizes,
                 densities: tuple[sp.FunctionClass, ...]) -> tuple[sp.Basic, ...]:
    return compiled(expr, sizes, densities)[0]


def _symbol_value(s: sp.Basic, a: Assumptions, rng: np.random.Generator) -> float:
    interval = a.interval_of(s)
    if interval is not None:
        lo, hi = max(float(interval.inf), -50.0), min(float(interval.sup), 50.0)
        return float(rng.uniform(lo, hi))
    if s.is_integer:
        lo = 1 if s.is_positive else (0 if s.is_nonnegative else -3)
        return float(rng.integers(lo, 6))
    if s.is_positive:
        return float(np.exp(rng.uniform(-3, 3)))
    if s.is_nonnegative:
        return 0.0 if rng.random() < 0.1 else float(np.exp(rng.uniform(-3, 3)))
    if s.is_negative:
        return -float(np.exp(rng.uniform(-3, 3)))
    return float(rng.normal(0.0, 2.0))


def sample_point(exprs: list[sp.Basic], a: Assumptions, rng: np.random.Generator) -> Point:
    """Draw one point: sizes 1..5, distributions from a Dirichlet, densities as normals."""
    sizes: dict[sp.Symbol, int] = {}
    for d in a.distributions:
        for s in sp.sympify(d.size).free_symbols:
            sizes.setdefault(s, int(rng.integers(1, 6)))
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
            values[d.base[k + 1]] = float(w[k])
    dens = {f.function: (float(rng.integers(-20, 21)) / 10, float(rng.integers(5, 21)) / 10)
            for f in a.densities}
    point = Point(sizes, values, dens)
    funcs = tuple(dens)
    for e in exprs:
        for v in variables_of(e, point.size_key, funcs):
            if v not in values:
                values[v] = _symbol_value(v, a, rng)
    return point


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
