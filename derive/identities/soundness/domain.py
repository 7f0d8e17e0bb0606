"""Class 8, counterexamples outside the declared domain: TRUE claims that must not be refuted.

Each claim holds on its declared domain (a sign, an integer sign, an interval of integers, a
declared value, a summation index named m) and fails just outside it, where a sampler that
ignores the declaration would find a "counterexample".
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Rule
from derive.identities.soundness.core import QUICK, Claim, claim, latex, true


def _rel(lhs: sp.Expr, op: str, rhs: sp.Expr, a: Assumptions | None = None) -> object:
    return lambda: claim("declared domain", lhs, op, rhs, "(on the declared domain)", a, QUICK)


def claims() -> list[Claim]:
    """True claims whose counterexamples lie outside the declared domain."""
    s = sp.Symbol("s", nonpositive=True)
    k = sp.Symbol("k", integer=True, negative=True)
    j = sp.Symbol("j", integer=True)
    a = sp.Symbol("a", real=True)
    ints = Assumptions(intervals=((j, sp.Interval(sp.Rational(3, 2), 5)),))
    around = Assumptions(intervals=((j, sp.Interval(-3, 3)),))
    return [
        true("T-domain-nonpositive-exp", "domain", "algebra", "exp(s) <= 1 for s <= 0",
             _rel(sp.exp(s), "<=", 1)),
        true("T-domain-nonpositive-product", "domain", "algebra", "s exp(s) <= 0 for s <= 0",
             _rel(s * sp.exp(s), "<=", 0)),
        true("T-domain-nonpositive-sqrt", "domain", "algebra",
             "sqrt(-s) >= 0 for s <= 0 (real there)", _rel(sp.sqrt(-s), ">=", 0)),
        true("T-domain-negative-integer-exp", "domain", "algebra",
             "exp(k) <= exp(-1) for a negative integer k", _rel(sp.exp(k), "<=", sp.exp(-1))),
        true("T-domain-negative-integer-shift", "domain", "algebra",
             "k + 1 <= 0 for a negative integer k", _rel(k + 1, "<=", 0)),
        true("T-domain-negative-integer-reciprocal", "domain", "algebra",
             "1/k >= -1 for a negative integer k", _rel(1 / k, ">=", -1)),
        true("T-domain-integer-interval", "domain", "algebra",
             "j >= 2 for an integer j in [3/2, 5]", _rel(j, ">=", 2, ints)),
        true("T-domain-integer-interval-product", "domain", "algebra",
             "j (j + 1) >= 0 for an integer j in [-3, 3] (false at j = -1/2)",
             _rel(j * (j + 1), ">=", 0, around)),
        true("T-domain-scalar-rule", "domain", "algebra",
             "a <= 3 where a = 2 is declared (a rewrite rule)",
             _rel(a, "<=", 3, Assumptions(rules=(Rule(a, sp.Integer(2), "a = 2"),)))),
        true("T-domain-reader-value", "domain", "algebra",
             "a <= 3 with % assume: a = 2, read from LaTeX",
             latex(r"% assume: a = 2", r"a &\le 3")),
        true("T-domain-fact", "domain", "algebra", "log a >= 0 where a >= 1 is declared",
             _rel(sp.log(a), ">=", 0, Assumptions(facts=(sp.Ge(a, 1),)))),
        true("T-domain-index-letter", "domain", "1c",
             "sum_m w_m x_m > 0 for a distribution w over m = 1..n and x_m > 0 (the index is "
             "named m)",
             latex(r"% assume: w_m \ge 0, \sum_{m=1}^{n} w_m = 1, x_m > 0",
                   r"\sum_{m=1}^{n} w_m x_m &> 0")),
        true("T-domain-index-letter-jensen", "domain", "1c",
             "Jensen over an index named r: sum_r w_r log x_r <= log sum_r w_r x_r",
             latex(r"% assume: w_r \ge 0, \sum_{r=1}^{n} w_r = 1, x_r > 0",
                   r"\sum_{r=1}^{n} w_r \log x_r &\le \log \sum_{r=1}^{n} w_r x_r % by: jensen")),
    ]
