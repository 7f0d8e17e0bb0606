"""Where an expression has a value: the points where it is defined, the integrals that exist.

Two side conditions that SymPy drops silently and a proof must not (docs/engine.md,
"Where an expression has a value"):

- **Defined at every point of the declared domain.** `(x**2 - 1)/(x - 1)` simplifies to
  `x + 1`, but it has no value at x = 1. `conditions(expr)` lists what must hold for expr
  to have a real value (denominators nonzero, logarithms of positive numbers, even roots of
  nonnegative ones); the checks prove each one under the declared assumptions or do not
  prove the step.
- **Integrals and infinite sums exist** (converge absolutely). SymPy evaluates the principal
  value of E_{z~N(0,1)}[1/z] to 0, and linearity splits a convergent integral into two
  divergent ones; both are only valid for integrals that exist. `unproved_existence(expr)`
  lists the ones whose existence is not proved. Integrals of undefined functions (abstract
  densities) are left out: nothing can be proved about them, and the step states their
  existence in words (a known limit, docs/soundness.md).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.core.function import AppliedUndef

from derive.engine import gaussian_integral

DECAY = sp.Rational(3, 2)  # |f| = o(|x|^(-3/2)) at infinity: integrable tails


def conditions(expr: sp.Basic) -> list[tuple[str, sp.Expr]]:
    """(kind, e) pairs that must hold for expr to have a real value: kind is "nonzero", "pos"
    or "nonneg". A summation index becomes an integer (positive when its range starts at 1
    or above); integrands are left to `unproved_existence`."""
    out: list[tuple[str, sp.Expr]] = []
    _collect(sp.sympify(expr), out)
    seen: set = set()
    return [c for c in out if not (c in seen or seen.add(c))]


def _collect(e: sp.Basic, out: list) -> None:
    if isinstance(e, (sp.Integral, sp.Piecewise)) or not isinstance(e, sp.Basic) or e.is_Atom:
        return
    if isinstance(e, sp.Sum):
        body = e.function
        for var, lo, hi in e.limits:
            positive = bool(lo.is_positive) or bool((lo - 1).is_nonnegative)
            body = body.xreplace({var: sp.Dummy(var.name, integer=True,
                                                **({"positive": True} if positive else {}))})
            _collect(lo, out)
            _collect(hi, out)
        _collect(body, out)
        return
    if isinstance(e, sp.Pow) and not e.base.is_number:
        b, x = e.base, e.exp
        if x.is_integer and x.is_nonnegative:
            pass
        elif x.is_integer:
            out.append(("nonzero", b))
        elif x.is_negative:
            out.append(("pos", b))
        else:
            out.append(("nonneg", b))
    elif isinstance(e, sp.log):
        out.append(("pos", e.args[0]))
    elif isinstance(e, (sp.tan, sp.sec)):
        out.append(("nonzero", sp.cos(e.args[0])))
    elif isinstance(e, (sp.cot, sp.csc)):
        out.append(("nonzero", sp.sin(e.args[0])))
    elif isinstance(e, (sp.asin, sp.acos)):
        out.append(("nonneg", 1 - e.args[0] ** 2))
    for arg in e.args:
        _collect(arg, out)


def describe(kind: str, e: sp.Expr) -> str:
    return {"nonzero": f"{e} != 0", "pos": f"{e} > 0", "nonneg": f"{e} >= 0"}[kind]


def unproved_existence(expr: sp.Basic) -> list[str]:
    """Why each explicit integral or infinite sum in expr is not proved to exist (empty: all
    are). Proved: an integrand continuous on the closed range, decaying like o(|x|^-3/2) at an
    infinite end, or a polynomial times exp(-a x^2 + b x + c) with a > 0
    (`gaussian_integral`); an infinite sum SymPy shows absolutely convergent."""
    out = []
    for node in sp.sympify(expr).atoms(sp.Integral, sp.Sum):
        if node.atoms(AppliedUndef):
            continue
        why = _integral_unproved(node) if isinstance(node, sp.Integral) else _sum_unproved(node)
        if why:
            out.append(why)
    return out


@lru_cache(maxsize=1024)
def _integral_unproved(node: sp.Integral) -> str | None:
    if any(len(lim) != 3 for lim in node.limits):
        return None  # an antiderivative: no existence question
    if len(node.limits) != 1:
        return f"existence of {node} not proved (a multiple integral)"
    f, (x, lo, hi) = node.function, node.limits[0]
    if not (lo.is_number and hi.is_number and lo.is_extended_real and hi.is_extended_real):
        return f"existence of {node} not proved (limits not known real numbers)"
    if (lo > hi) is sp.true:
        lo, hi = hi, lo
    if gaussian_integral.exists(node):  # a polynomial times exp(-a x^2 + b x + c), a > 0
        return None
    rng = sp.Interval(lo, hi)
    try:
        if continuous_domain(f, x, rng) != rng:
            return f"{node} does not exist or is improper: the integrand is not continuous " \
                   f"on {rng}"
        for end, g in ((hi, f), (-lo, f.xreplace({x: -x}))):
            if end == sp.oo and sp.limit(x**DECAY * g, x, sp.oo) != 0:
                return f"existence of {node} not proved: the integrand is not o(|{x}|^-3/2) " \
                       f"at infinity"
    except (NotImplementedError, ValueError, TypeError, AttributeError):
        return f"existence of {node} not proved (SymPy cannot decide)"
    return None


@lru_cache(maxsize=1024)
def _sum_unproved(node: sp.Sum) -> str | None:
    if not any(lim[1].is_infinite or lim[2].is_infinite for lim in node.limits):
        return None
    try:
        if node.is_absolutely_convergent() is sp.true:
            return None
    except (NotImplementedError, ValueError, TypeError, AttributeError):
        pass
    return f"absolute convergence of {node} not proved"
