"""Sums with symbolic limits: shifted, split, squared, telescoped (n >= 1 outcomes).

Each false identity holds for n = 1 at most, or not at all; the true ones are the same sums
rearranged correctly.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.identities.soundness.core import QUICK, Claim, claim, false, true

K = sp.Symbol("i", integer=True)
J = sp.Symbol("j", integer=True)
N = sp.Symbol("n", integer=True, positive=True)
X = sp.IndexedBase("x", positive=True)
Y = sp.IndexedBase("y", positive=True)


def _sum(body: sp.Expr, lo: sp.Expr = 1, hi: sp.Expr = N) -> sp.Sum:
    return sp.Sum(body, (K, lo, hi))


def _eq(lhs: sp.Expr, rhs: sp.Expr, a: Assumptions | None = None) -> object:
    return lambda: claim("sum", lhs, "=", rhs, "(claimed)", a, QUICK)


def claims() -> list[Claim]:
    """Sums manipulated wrongly, then rightly."""
    c = sp.Symbol("c", positive=True)
    r = sp.Symbol("r", positive=True)
    ratio = Assumptions(intervals=((r, sp.Interval.open(0, 1)),))
    return [
        false("F-sums-square-of-sum", "sums", "algebra", "sum x_i^2 = (sum x_i)^2",
              _eq(_sum(X[K] ** 2), _sum(X[K]) ** 2)),
        false("F-sums-double-range", "sums", "algebra", "sum_{i=1}^{2n} x_i = 2 sum_{i=1}^{n} x_i",
              _eq(_sum(X[K], 1, 2 * N), 2 * _sum(X[K]))),
        false("F-sums-constant-off-by-one", "sums", "algebra", "sum_{i=1}^{n} c = c (n + 1)",
              _eq(_sum(c), c * (N + 1))),
        false("F-sums-gauss-half", "sums", "algebra", "sum_{i=1}^{n} i = n^2/2",
              _eq(_sum(K), N**2 / 2)),
        false("F-sums-dropped-n", "sums", "algebra", "sum (x_i + 1) = sum x_i + 1 (it is + n)",
              _eq(_sum(X[K] + 1), _sum(X[K]) + 1)),
        false("F-sums-shift-limits", "sums", "algebra",
              "sum_{i=1}^{n} x_{i+1} = sum_{i=1}^{n} x_i (the limits not shifted)",
              _eq(_sum(X[K + 1]), _sum(X[K]))),
        false("F-sums-dropped-zero-term", "sums", "algebra",
              "sum_{i=0}^{n} x_i = sum_{i=1}^{n} x_i (x_0 dropped)",
              _eq(_sum(X[K], 0), _sum(X[K]))),
        false("F-sums-product-of-sums", "sums", "algebra", "sum x_i y_i = (sum x_i)(sum y_i)",
              _eq(_sum(X[K] * Y[K]), _sum(X[K]) * _sum(Y[K]))),
        false("F-sums-log-of-sum", "sums", "algebra", "sum log x_i = log sum x_i",
              _eq(_sum(sp.log(X[K])), sp.log(_sum(X[K])))),
        false("F-sums-telescoping-sign", "sums", "algebra",
              "sum (x_i - x_{i+1}) = x_{n+1} - x_1 (the sign reversed)",
              _eq(_sum(X[K] - X[K + 1]), X[N + 1] - X[1])),
        false("F-sums-geometric-exponent", "sums", "algebra",
              "sum_{i=0}^{n} r^i = (1 - r^n)/(1 - r) (the exponent is n + 1)",
              _eq(_sum(r**K, 0), (1 - r**N) / (1 - r), ratio)),
        true("T-sums-shift", "sums", "algebra",
             "sum_{i=1}^{n} x_{i+1} = sum_{i=2}^{n+1} x_i",
             _eq(_sum(X[K + 1]), _sum(X[K], 2, N + 1))),
        true("T-sums-odd", "sums", "algebra", "sum_{i=1}^{n} (2i - 1) = n^2",
             _eq(_sum(2 * K - 1), N**2)),
        true("T-sums-gauss", "sums", "algebra", "sum_{i=1}^{n} i = n (n + 1)/2",
             _eq(_sum(K), N * (N + 1) / 2)),
        true("T-sums-reversal", "sums", "algebra", "sum_i x_i = sum_j x_{n+1-j}",
             _eq(_sum(X[K]), sp.Sum(X[N + 1 - J], (J, 1, N)))),
        true("T-sums-telescoping", "sums", "algebra", "sum (x_i - x_{i+1}) = x_1 - x_{n+1}",
             _eq(_sum(X[K] - X[K + 1]), X[1] - X[N + 1])),
        true("T-sums-geometric", "sums", "algebra",
             "sum_{i=0}^{n} r^i = (1 - r^(n+1))/(1 - r) for r in (0, 1)",
             _eq(_sum(r**K, 0), (1 - r ** (N + 1)) / (1 - r), ratio)),
        true("T-sums-constant", "sums", "algebra", "sum_{i=1}^{n} c = c n",
             _eq(_sum(c), c * N)),
    ]
