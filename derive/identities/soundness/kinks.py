"""Derivatives and convexity of piecewise functions: kinks and jumps are not differentiable.

SymPy differentiates Abs, Max, Piecewise and floor piece by piece (d|x|/dx = sign x, 0 at 0):
each false claim is a derivative at a point where none exists, or a wrong derivative off it.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Distribution
from derive.engine.lemmas import jensen
from derive.identities.kl import LIM, i, n
from derive.identities.soundness.core import QUICK, Claim, claim, false, true

X = sp.Symbol("x", real=True)
T = sp.Symbol("t", real=True)


def _at(f: sp.Expr, point: sp.Expr, value: sp.Expr) -> object:
    """d/dx f at x = point equals value."""
    return lambda: claim("derivative", sp.Subs(sp.Derivative(f, X), X, point), "=", value,
                         "differentiate", seconds=QUICK)


def _everywhere(f: sp.Expr, value: sp.Expr, a: Assumptions | None = None) -> object:
    return lambda: claim("derivative", sp.Derivative(f, X), "=", value, "differentiate", a,
                         QUICK)


def _jensen(f: sp.Expr) -> object:
    w = sp.IndexedBase("w", positive=True)
    xs = sp.IndexedBase("x", positive=True)
    use = jensen(sp.Lambda(T, f), w[i], xs[i], LIM)
    weights = Assumptions(distributions=(Distribution(w, i, n),))
    return lambda: claim("jensen", use.lhs, "<=", use.rhs, use, weights, QUICK)


def claims() -> list[Claim]:
    """Derivatives at kinks, then derivatives that exist."""
    piece = sp.Piecewise((X**2, X < 0), (X, True))
    positive = Assumptions(intervals=((X, sp.Interval.open(0, sp.oo)),))
    return [
        false("F-kink-abs-at-zero", "kink", "algebra",
              "d|x|/dx at 0 = 0 (|x| has no derivative at 0; SymPy says sign(0) = 0)",
              _at(sp.Abs(X), 0, 0)),
        false("F-kink-relu-at-zero", "kink", "2e",
              "d max(x, 0)/dx at 0 = 1/2 (no derivative at 0; SymPy says Heaviside(0) = 1/2)",
              _at(sp.Max(X, 0), 0, sp.Rational(1, 2))),
        false("F-kink-piecewise-at-zero", "kink", "algebra",
              "d/dx (x^2 for x < 0, x after) at 0 = 1 (left derivative 0, right 1)",
              _at(piece, 0, 1)),
        false("F-kink-floor-at-one", "kink", "algebra",
              "d floor(x)/dx at 1 = 0 (floor jumps at 1)", _at(sp.floor(X), 1, 0)),
        false("F-kink-abs-everywhere", "kink", "algebra", "d|x|/dx = 1 for real x",
              _everywhere(sp.Abs(X), 1)),
        false("F-kink-sqrt-square", "kink", "algebra", "d sqrt(x^2)/dx = 1 for real x",
              _everywhere(sp.sqrt(X**2), 1)),
        false("F-kink-jensen-max", "kink", "1c",
              "Jensen for the convex max(t, 1) (w = (1/2, 1/2), x = (1/2, 3): 2 > 7/4)",
              _jensen(sp.Max(T, 1))),
        true("T-kink-x-abs-x", "kink", "algebra", "d(x |x|)/dx at 0 = 0 (differentiable)",
             _at(X * sp.Abs(X), 0, 0)),
        true("T-kink-max-formula", "kink", "algebra", "max(x, y) = (x + y + |x - y|)/2",
             lambda: claim("max", sp.Max(X, sp.Symbol("y", real=True)), "=",
                           (X + sp.Symbol("y", real=True) + sp.Abs(X - sp.Symbol("y", real=True)))
                           / 2, "cases", seconds=QUICK)),
        true("T-kink-abs-positive", "kink", "algebra", "d|x|/dx = 1 for x in (0, oo)",
             _everywhere(sp.Abs(X), 1, positive)),
        true("T-kink-concave-abs-jensen", "kink", "1c",
             "Jensen for the concave -|t|: sum w (-|x|) <= -|sum w x|",
             _jensen(-sp.Abs(T))),
    ]
