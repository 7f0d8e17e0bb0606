"""Class 4, points where an expression is undefined: a proof holds on the whole declared domain.

Each false claim is true except at a point of its domain where one side has no value (a
removable singularity, a pole at an endpoint); the true ones declare a domain without it.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.identities.kl import i, n
from derive.identities.soundness.core import QUICK, Claim, claim, false, latex, true


def _on(symbol: sp.Symbol, interval: sp.Interval) -> Assumptions:
    return Assumptions(intervals=((symbol, interval),))


def claims() -> list[Claim]:
    """Claims with a hole in their domain, then the same claims off the hole."""
    t = sp.Symbol("t", positive=True)
    x = sp.Symbol("x", real=True)
    a, b = sp.symbols("a b", positive=True)
    xs = sp.IndexedBase("x", positive=True)
    quotient = (t**2 - 1) / (t - 1)
    return [
        false("F-undefined-quotient-positive", "undefined", "algebra",
              "(t^2 - 1)/(t - 1) > 0 for t > 0 (undefined at t = 1)",
              lambda: claim("hole", quotient, ">", 0, "(claimed)", seconds=QUICK)),
        false("F-undefined-quotient-equal", "undefined", "algebra",
              "(x^2 - 1)/(x - 1) = x + 1 for real x (undefined at x = 1)",
              lambda: claim("hole", (x**2 - 1) / (x - 1), "=", x + 1, "cancel", seconds=QUICK)),
        false("F-undefined-reader-quotient", "undefined", "algebra",
              "(t^2 - 1)/(t - 1) > 0 with t > 0, read from LaTeX (undefined at t = 1)",
              latex(r"% assume: t > 0", r"\frac{t^2 - 1}{t - 1} &> 0")),
        false("F-undefined-cubic", "undefined", "algebra",
              "(x^3 - x)/(x^2 - 1) = x for real x (undefined at x = 1 and x = -1)",
              lambda: claim("holes", (x**3 - x) / (x**2 - 1), "=", x, "cancel", seconds=QUICK)),
        false("F-undefined-two-variables", "undefined", "algebra",
              "(a^2 - b^2)/(a - b) = a + b for a, b > 0 (undefined where a = b)",
              lambda: claim("diagonal", (a**2 - b**2) / (a - b), "=", a + b, "cancel",
                            seconds=QUICK)),
        false("F-undefined-log-ratio", "undefined", "algebra",
              "log(t)/(t - 1) > 0 for t > 0 (undefined at t = 1)",
              lambda: claim("log ratio", sp.log(t) / (t - 1), ">", 0, "(claimed)",
                            seconds=QUICK)),
        false("F-undefined-expm1", "undefined", "algebra",
              "(exp(x) - 1)/x > 0 for real x (undefined at x = 0)",
              lambda: claim("expm1", (sp.exp(x) - 1) / x, ">", 0, "(claimed)", seconds=QUICK)),
        false("F-undefined-sinc", "undefined", "algebra",
              "sin(x)/x <= 1 for real x (undefined at x = 0)",
              lambda: claim("sinc", sp.sin(x) / x, "<=", 1, "(claimed)", seconds=QUICK)),
        false("F-undefined-log-endpoint", "undefined", "algebra",
              "log x <= 0 for x in [0, 1] (undefined at x = 0)",
              lambda: claim("endpoint", sp.log(x), "<=", 0, "(claimed)",
                            _on(x, sp.Interval(0, 1)), QUICK)),
        false("F-undefined-pole-endpoint", "undefined", "algebra",
              "(x^2 - 4)/(x - 2) >= 4 for x in [2, oo) (undefined at x = 2)",
              lambda: claim("endpoint hole", (x**2 - 4) / (x - 2), ">=", 4, "(claimed)",
                            _on(x, sp.Interval(2, sp.oo)), QUICK)),
        false("F-undefined-tan", "undefined", "algebra",
              "tan(x) cos(x) = sin(x) for real x (tan is undefined at pi/2)",
              lambda: claim("tan", sp.tan(x) * sp.cos(x), "=", sp.sin(x), "tan = sin/cos",
                            seconds=QUICK)),
        false("F-undefined-sum-of-quotients", "undefined", "algebra",
              "sum_i (x_i^2 - 1)/(x_i - 1) = sum_i (x_i + 1) for x_i > 0 (undefined where "
              "some x_i = 1)",
              lambda: claim("sum of holes", sp.Sum((xs[i] ** 2 - 1) / (xs[i] - 1), (i, 1, n)),
                            "=", sp.Sum(xs[i] + 1, (i, 1, n)), "cancel", seconds=QUICK)),
        false("F-undefined-unevaluated-x-over-x", "undefined", "algebra",
              "x * x^(-1) = 1 for real x, written unevaluated (undefined at x = 0)",
              lambda: claim("x/x", sp.Mul(x, sp.Pow(x, -1, evaluate=False), evaluate=False),
                            "=", 1, "cancel", seconds=QUICK)),
        true("T-undefined-quotient-off-hole", "undefined", "algebra",
             "(t^2 - 1)/(t - 1) > 0 for t in (1, oo)",
             lambda: claim("off the hole", quotient, ">", 0, "t + 1 > 0",
                           _on(t, sp.Interval.open(1, sp.oo)), QUICK)),
        true("T-undefined-removed-point", "undefined", "algebra",
             "(x^2 - 1)/(x - 1) = x + 1 for x in (1, 5)",
             lambda: claim("off the hole", (x**2 - 1) / (x - 1), "=", x + 1, "cancel",
                           _on(x, sp.Interval.open(1, 5)), QUICK)),
        true("T-undefined-log-ratio-off-hole", "undefined", "algebra",
             "log(t)/(t - 1) > 0 for t in (1, 10)",
             lambda: claim("off the hole", sp.log(t) / (t - 1), ">", 0, "(claimed)",
                           _on(t, sp.Interval.open(1, 10)), QUICK)),
        true("T-undefined-sinc-off-hole", "undefined", "algebra",
             "sin(x)/x > 0 for x in (0, 3)",
             lambda: claim("off the hole", sp.sin(x) / x, ">", 0, "(claimed)",
                           _on(x, sp.Interval.open(0, 3)), QUICK)),
    ]
