"""Class 5, two conventions for one object: an empty sum is 0, a reversed range is empty.

SymPy follows Karr's convention (sum_{i=a}^{b} = -sum_{i=b+1}^{a-1} for b < a - 1, products
likewise) while the sampler and every textbook read a range with b < a as empty. The
project's convention is the textbook's: each false claim is true only under Karr's.
"""

from __future__ import annotations

import sympy as sp

from derive.identities.soundness.core import QUICK, Claim, claim, false, true

K = sp.Symbol("i", integer=True)
X = sp.IndexedBase("x", positive=True)


def _eq(title: str, lhs: sp.Expr, rhs: sp.Expr) -> object:
    return lambda: claim(title, lhs, "=", rhs, "(claimed)", seconds=QUICK)


def claims() -> list[Claim]:
    """Karr's convention taken for the project's, then the empty sums and products."""
    n = sp.Symbol("n", integer=True)
    m, k = sp.symbols("m k", integer=True, positive=True)
    nn = sp.Symbol("n", integer=True, nonnegative=True)
    return [
        false("F-convention-reversed-sum", "convention", "engine",
              "sum_{i=3}^{1} x_i = -x_2 (empty, so 0)",
              _eq("reversed", sp.Sum(X[K], (K, 3, 1)), -X[2])),
        false("F-convention-reversed-count", "convention", "engine",
              "sum_{i=5}^{2} 1 = -2 (empty, so 0)",
              _eq("reversed count", sp.Sum(1, (K, 5, 2)), -2)),
        false("F-convention-reversed-negative", "convention", "engine",
              "sum_{i=3}^{1} x_i^2 < 0 for x > 0 (the empty sum is 0)",
              lambda: claim("reversed negative", sp.Sum(X[K] ** 2, (K, 3, 1)), "<", 0,
                            "(claimed)", seconds=QUICK)),
        false("F-convention-count-integer", "convention", "engine",
              "sum_{i=1}^{n} 1 = n for every integer n (for n = -1 the sum is empty: 0)",
              _eq("count", sp.Sum(1, (K, 1, n)), n)),
        false("F-convention-gauss-integer", "convention", "engine",
              "sum_{i=1}^{n} i = n(n + 1)/2 for every integer n (n = -2: 0, not 1)",
              _eq("gauss", sp.Sum(K, (K, 1, n)), n * (n + 1) / 2)),
        false("F-convention-reversed-upper", "convention", "engine",
              "sum_{i=m}^{1} 1 = 2 - m for m >= 1 (m = 3: empty, 0, not -1)",
              _eq("upper", sp.Sum(1, (K, m, 1)), 2 - m)),
        false("F-convention-split-range", "convention", "engine",
              "sum_{i=1}^{m} x_i + sum_{i=m+1}^{k} x_i = sum_{i=1}^{k} x_i for m, k >= 1 "
              "(m = 5, k = 2: x_1 + ... + x_5 on the left, x_1 + x_2 on the right)",
              _eq("split", sp.Sum(X[K], (K, 1, m)) + sp.Sum(X[K], (K, m + 1, k)),
                  sp.Sum(X[K], (K, 1, k)))),
        false("F-convention-reversed-product", "convention", "engine",
              "prod_{i=3}^{1} x_i = 1/x_2 (empty, so 1)",
              _eq("reversed product", sp.Product(X[K], (K, 3, 1)), 1 / X[2])),
        false("F-convention-reversed-constant-product", "convention", "engine",
              "prod_{i=5}^{2} 2 = 1/4 (empty, so 1)",
              _eq("reversed product", sp.Product(2, (K, 5, 2)), sp.Rational(1, 4))),
        true("T-convention-empty-sum", "convention", "engine", "sum_{i=1}^{0} x_i = 0",
             _eq("empty", sp.Sum(X[K], (K, 1, 0)), 0)),
        true("T-convention-adjacent-empty", "convention", "engine", "sum_{i=3}^{2} x_i = 0",
             _eq("empty", sp.Sum(X[K], (K, 3, 2)), 0)),
        true("T-convention-count-nonnegative", "convention", "engine",
             "sum_{i=1}^{n} 1 = n for n >= 0", _eq("count", sp.Sum(1, (K, 1, nn)), nn)),
        true("T-convention-gauss-nonnegative", "convention", "engine",
             "sum_{i=1}^{n} i = n(n + 1)/2 for n >= 0",
             _eq("gauss", sp.Sum(K, (K, 1, nn)), nn * (nn + 1) / 2)),
        true("T-convention-empty-product", "convention", "engine", "prod_{i=1}^{0} x_i = 1",
             _eq("empty product", sp.Product(X[K], (K, 1, 0)), 1)),
    ]
