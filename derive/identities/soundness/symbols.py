"""Symbols, assumptions and shorthands the catalogue's families share.

The worksheet's symbols, pair and assumptions are part 1's own (one source of truth).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Distribution
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.identities.kl import LIM, i, n

# The worksheet's symbols, pair and assumptions are part 1's own (one source of truth).
j = sp.Symbol("j", integer=True)
w = sp.IndexedBase("w", positive=True)
xs = sp.IndexedBase("x", positive=True)
t = sp.Symbol("t", positive=True)
u = sp.Symbol("u")
y = sp.Symbol("y", real=True)
a, b = sp.symbols("a b", positive=True)
WEIGHTS = Assumptions(distributions=(Distribution(w, i, n),))
UNIT = Assumptions(intervals=((a, sp.Interval.open(0, 1)), (b, sp.Interval.open(0, 1))))
HALF = sp.Rational(1, 2)


def kl_(r: sp.Expr, s: sp.Expr) -> KL:
    return KL(r, s, LIM)


def ce_(r: sp.Expr, s: sp.Expr) -> CrossEntropy:
    return CrossEntropy(r, s, LIM)


def h_(r: sp.Expr) -> Entropy:
    return Entropy(r, LIM)


def two_point() -> sp.Expr:
    """D(a) = D_KL((a, 1 - a) || (b, 1 - b)), the 1d family."""
    return a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))


