"""Log, sqrt, powers and inverse functions off their principal branch (real arguments).

Each false identity holds for positive arguments (or on the principal interval) and fails
for some declared real value; the true ones are branch-safe rewritings.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.lemmas import log_le_sub_one
from derive.identities.soundness.core import QUICK, Claim, claim, false, true


def _eq(lhs: sp.Expr, rhs: sp.Expr, a: Assumptions | None = None) -> object:
    return lambda: claim("branch", lhs, "=", rhs, "(claimed)", a, QUICK)


def claims() -> list[Claim]:
    """Branch errors, then identities that respect the branches."""
    x, y, z = sp.symbols("x y z", real=True)
    t = sp.Symbol("t", positive=True)
    a = sp.Symbol("a", positive=True)
    nz = sp.Symbol("y", real=True, nonzero=True)
    half_pi = Assumptions(intervals=((y, sp.Interval.open(-sp.pi / 2, sp.pi / 2)),))
    return [
        false("F-branch-log-product", "branch", "algebra",
              "log(x y) = log x + log y for real x, y (x = y = -1: 0 vs 2 pi i)",
              _eq(sp.log(x * y), sp.log(x) + sp.log(y))),
        false("F-branch-log-quotient", "branch", "algebra",
              "log(a/y) = log a - log y for a > 0, real y (y = -1: i pi vs -i pi)",
              _eq(sp.log(a / y), sp.log(a) - sp.log(y))),
        false("F-branch-log-reciprocal", "branch", "algebra",
              "log(1/y) = -log y for real y (y = -1: i pi vs -i pi)",
              _eq(sp.log(1 / y), -sp.log(y))),
        false("F-branch-log-fourth", "branch", "algebra", "log(y^4) = 4 log y for real y",
              _eq(sp.log(y**4), 4 * sp.log(y))),
        false("F-branch-log-negative", "branch", "algebra",
              "log(-t) = -log t for t > 0 (it is log t + i pi)",
              _eq(sp.log(-t), -sp.log(t))),
        false("F-branch-sqrt-product", "branch", "algebra",
              "sqrt(x y) = sqrt x sqrt y for real x, y (x = y = -1: 1 vs -1)",
              _eq(sp.sqrt(x * y), sp.sqrt(x) * sp.sqrt(y))),
        false("F-branch-sqrt-shifted-square", "branch", "algebra",
              "sqrt((t - 2)^2) = t - 2 for t > 0 (t = 1: 1 vs -1)",
              _eq(sp.sqrt((t - 2) ** 2), t - 2)),
        false("F-branch-cube-root", "branch", "algebra",
              "(y^3)^(1/3) = y for real y (the principal cube root of -8 is 1 + i sqrt 3)",
              _eq((y**3) ** sp.Rational(1, 3), y)),
        false("F-branch-power-of-power", "branch", "algebra",
              "(x^y)^z = x^(y z) for real x, y, z (x = -1, y = 2, z = 1/2: 1 vs -1)",
              _eq((x**y) ** z, x ** (y * z))),
        false("F-branch-asin-sin", "branch", "algebra", "asin(sin y) = y for real y (y = 3)",
              _eq(sp.asin(sp.sin(y)), y)),
        false("F-branch-atan-tan", "branch", "algebra", "atan(tan y) = y for real y (y = 3)",
              _eq(sp.atan(sp.tan(y)), y)),
        false("F-branch-acos-cos", "branch", "algebra", "acos(cos y) = y for real y (y = -1)",
              _eq(sp.acos(sp.cos(y)), y)),
        false("F-branch-log-le-sub-one-real", "branch", "algebra",
              "log y <= y - 1 for real y by the lemma (y = -1: log(-1) is not real)",
              lambda: claim("lemma off domain", sp.log(y), "<=", y - 1, log_le_sub_one(1, y),
                            seconds=QUICK)),
        true("T-branch-positive-base-power", "branch", "algebra",
             "(a^y)^z = a^(y z) for a > 0 and real y, z", _eq((a**y) ** z, a ** (y * z))),
        true("T-branch-half-log-square", "branch", "algebra",
             "log(y^2)/2 = log|y| for real y != 0", _eq(sp.log(nz**2) / 2, sp.log(sp.Abs(nz)))),
        true("T-branch-log-sqrt", "branch", "algebra", "2 log sqrt t = log t for t > 0",
             _eq(2 * sp.log(sp.sqrt(t)), sp.log(t))),
        true("T-branch-sqrt-squared", "branch", "algebra",
             "sqrt(y)^2 = y for real y (negative y included)", _eq(sp.sqrt(y) ** 2, y)),
        true("T-branch-atan-tan-principal", "branch", "algebra",
             "atan(tan y) = y for y in (-pi/2, pi/2)", _eq(sp.atan(sp.tan(y)), y, half_pi)),
        true("T-branch-exp-half", "branch", "algebra", "exp(y/2) = sqrt(exp(y)) for real y",
             _eq(sp.exp(y / 2), sp.sqrt(sp.exp(y)))),
        true("T-branch-log-product-abs", "branch", "algebra",
             "log|x y| = log|x| + log|y| for real x, y != 0",
             _eq(sp.log(sp.Abs(nz * sp.Symbol("x", real=True, nonzero=True))),
                 sp.log(sp.Abs(nz)) + sp.log(sp.Abs(sp.Symbol("x", real=True, nonzero=True))))),
    ]
