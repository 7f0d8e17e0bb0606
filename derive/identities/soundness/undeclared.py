"""Class 1, assumptions nobody declared: a declaration means what it says, nothing more.

Most claims are read as `derive check` reads a file. `% assume: sum_i w_i = 1` declares a
sum, not the signs of the entries: with w = (2, -1) each false claim below fails (the
counterexample is in its sentence).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.identities.soundness.core import QUICK, Claim, claim, false, latex, true

SUM_ONLY = r"% assume: \sum_{i=1}^{n} w_i = 1, x_i > 0"
AT_MOST = r"% assume: \sum_{i=1}^{n} w_i \le 1, x_i > 0"
SIGNED = r"% assume: w_i \ge 0, \sum_{i=1}^{n} w_i = 1, x_i > 0"
JENSEN = r"\sum_{i=1}^{n} w_i \log x_i &\le \log \sum_{i=1}^{n} w_i x_i % by: jensen"


def claims() -> list[Claim]:
    """The class's false claims, then the same steps with the missing declaration added."""
    a, b = sp.symbols("a b", real=True)
    return [
        false("F-undeclared-jensen-sum-only", "undeclared", "1c",
              "Jensen with only sum w = 1 declared (w = (2, -1), x = (2, 1): 2 log 2 > log 3)",
              latex(SUM_ONLY, JENSEN)),
        false("F-undeclared-log-le-sub-one-subsum", "undeclared", "1c",
              "log t <= t - 1 weighted by w with only sum w <= 1 declared (w = (2, -1), "
              "x = (1, 2): -log 2 > -1)",
              latex(AT_MOST, r"\sum_{i=1}^{n} w_i \log x_i &\le \sum_{i=1}^{n} w_i (x_i - 1) "
                   r"% by: log-le-sub-one")),
        false("F-undeclared-weighted-sum-nonneg", "undeclared", "1c",
              "sum w x >= 0 with only sum w = 1 declared (w = (2, -1), x = (1, 3): -1)",
              latex(SUM_ONLY, r"\sum_{i=1}^{n} w_i x_i &\ge 0")),
        false("F-undeclared-weighted-sum-positive", "undeclared", "1c",
              "sum w x > 0 with only sum w = 1 declared (w = (2, -1), x = (1, 3): -1)",
              latex(SUM_ONLY, r"\sum_{i=1}^{n} w_i x_i &> 0")),
        false("F-undeclared-weighted-squares", "undeclared", "1c",
              "sum w x^2 >= 0 with only sum w = 1 declared (w = (2, -1), x = (0, 1): -1)",
              latex(SUM_ONLY, r"\sum_{i=1}^{n} w_i x_i^2 &\ge 0")),
        false("F-undeclared-squares-at-most-one", "undeclared", "1c",
              "sum w^2 <= 1 with only sum w = 1 declared (w = (2, -1): 5)",
              latex(SUM_ONLY, r"\sum_{i=1}^{n} w_i^2 &\le 1")),
        false("F-undeclared-mean-below-sum", "undeclared", "1c",
              "sum w x <= sum x with only sum w = 1 declared (w = (2, -1), x = (1, 1/10): "
              "19/10 > 11/10)",
              latex(SUM_ONLY, r"\sum_{i=1}^{n} w_i x_i &\le \sum_{i=1}^{n} x_i")),
        false("F-undeclared-jensen-no-sum", "undeclared", "1c",
              "Jensen with w >= 0 declared but not sum w = 1 (w = (2), x = (e): 2 > log 2e)",
              latex(r"% assume: w_i \ge 0, x_i > 0", JENSEN)),
        false("F-undeclared-gibbs-sum-only", "undeclared", "1c",
              "Gibbs with p declared only by sum p = 1 (p = (2, -1): log(p/q) is not real)",
              latex(r"% assume: \sum_{i=1}^{n} p_i = 1, q distribution over i = 1..n",
                   r"-D_{\mathrm{KL}}(p \,\|\, q) &\le 0 % by: gibbs")),
        false("F-undeclared-log-monotone-unsigned", "undeclared", "algebra",
              "log a <= log b by monotonicity with only a <= b declared (a = -1, b = 1)",
              latex(r"% assume: a \le b", r"\log a &\le \log b % by: log-monotone")),
        false("F-undeclared-strict-hypothesis", "undeclared", "algebra",
              "a < b 'by hypothesis' when a <= b is declared (a = b)",
              latex(r"% assume: a \le b", r"a &< b % by: hypothesis")),
        false("F-undeclared-sign-from-square", "undeclared", "algebra",
              "a >= 0 from the declared a^2 <= 1 (a = -1/2)",
              lambda: claim("sign from square", a, ">=", 0, "a^2 <= 1",
                            Assumptions(facts=(sp.Le(a**2, 1),)), QUICK)),
        false("F-undeclared-order-from-squares", "undeclared", "algebra",
              "a <= b from the declared a^2 <= b^2 (a = 1, b = -2)",
              lambda: claim("order from squares", a, "<=", b, "a^2 <= b^2",
                            Assumptions(facts=(sp.Le(a**2, b**2),)), QUICK)),
        true("T-undeclared-jensen-declared", "undeclared", "1c",
             "Jensen with w >= 0 and sum w = 1 both declared",
             latex(SIGNED, JENSEN)),
        true("T-undeclared-weighted-sum-declared", "undeclared", "1c",
             "sum w x >= 0 with w >= 0 declared",
             latex(SIGNED, r"\sum_{i=1}^{n} w_i x_i &\ge 0")),
        true("T-undeclared-square-bound", "undeclared", "algebra",
             "a <= 1 from the declared a^2 <= 1",
             lambda: claim("bound from square", a, "<=", 1, "a^2 <= 1",
                           Assumptions(facts=(sp.Le(a**2, 1),)), QUICK)),
    ]
