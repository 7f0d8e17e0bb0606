"""Class 3, integrals and expectations that do not exist: no principal values, no oo - oo.

Each false claim's left side has no value (the integrand is not absolutely integrable, or a
divergent integral is subtracted from another); the true ones exist, some improperly.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.expectation import Expectation, Normal
from derive.identities.soundness.core import QUICK, SECONDS, Claim, claim, false, true

X = sp.Symbol("x", real=True)
Z = sp.Symbol("z", real=True)
K = sp.Symbol("k", integer=True, positive=True)
STD = Normal(0, 1)
OO = sp.oo


# A Gaussian expectation of a non-polynomial is a numeric integral at every sample point:
# 0.3 s gives these claims the same verdict as 10 s, at a fraction of the time. Not E[1/z]:
# with 10 s, simplify proves it (the principal value), with less it is only corroborated.
NUMERIC = 0.3


def _eq(title: str, lhs: sp.Expr, rhs: sp.Expr, seconds: float = QUICK) -> object:
    return lambda: claim(title, lhs, "=", rhs, "(claimed)", seconds=seconds)


def claims() -> list[Claim]:
    """Values claimed for what has none, then improper integrals that do converge."""
    cauchy = 1 / (sp.pi * (1 + X**2))
    return [
        false("F-existence-reciprocal-normal", "existence", "2b",
              "E_{z~N(0,1)}[1/z] = 0 (a principal value: E|1/z| = oo)",
              _eq("1/z", Expectation(1 / Z, Z, STD), 0, SECONDS)),
        false("F-existence-cube-reciprocal", "existence", "2b",
              "E_{z~N(0,1)}[1/z^3] = 0 (not integrable at 0)",
              _eq("1/z^3", Expectation(1 / Z**3, Z, STD), 0, NUMERIC)),
        false("F-existence-reciprocal-square", "existence", "2b",
              "E_{z~N(0,1)}[1/z^2] = 1 = 1/E[z^2] (it diverges)",
              _eq("1/z^2", Expectation(1 / Z**2, Z, STD), 1)),
        false("F-existence-oo-minus-oo", "existence", "algebra",
              "int_0^1 1/x dx - int_0^1 (1/x - 1) dx = 1 (oo - oo split by linearity)",
              _eq("oo - oo", sp.Integral(1 / X, (X, 0, 1)) - sp.Integral(1 / X - 1, (X, 0, 1)),
                  1)),
        false("F-existence-harmonic-split", "existence", "algebra",
              "int_1^oo 1/x dx - int_1^oo 1/(x + 1) dx = log 2 (two divergent integrals)",
              _eq("oo - oo tail", sp.Integral(1 / X, (X, 1, OO))
                  - sp.Integral(1 / (X + 1), (X, 1, OO)), sp.log(2), NUMERIC)),
        false("F-existence-telescoping-split", "existence", "algebra",
              "sum_k 1/k - sum_k 1/(k + 1) = 1 (two divergent series)",
              _eq("oo - oo series", sp.Sum(1 / K, (K, 1, OO)) - sp.Sum(1 / (K + 1), (K, 1, OO)),
                  1)),
        false("F-existence-alternating-split", "existence", "algebra",
              "sum_k 1/(2k - 1) - sum_k 1/(2k) = log 2 (the alternating series split in two "
              "divergent ones)",
              _eq("alternating split", sp.Sum(1 / (2 * K - 1), (K, 1, OO))
                  - sp.Sum(1 / (2 * K), (K, 1, OO)), sp.log(2), NUMERIC)),
        false("F-existence-odd-line", "existence", "algebra",
              "int_R x dx = 0 (a symmetric limit; the integral diverges)",
              _eq("odd on R", sp.Integral(X, (X, -OO, OO)), 0)),
        false("F-existence-pv-reciprocal", "existence", "algebra",
              "int_{-1}^{1} 1/x dx = 0 (a principal value)",
              _eq("pv 1/x", sp.Integral(1 / X, (X, -1, 1)), 0)),
        false("F-existence-sin-line", "existence", "algebra",
              "int_R sin x dx = 0 (it oscillates without limit)",
              _eq("sin on R", sp.Integral(sp.sin(X), (X, -OO, OO)), 0)),
        false("F-existence-cauchy-mean", "existence", "2b",
              "the mean of the Cauchy law, int_R x / (pi (1 + x^2)) dx, is 0 (it has none)",
              _eq("Cauchy mean", sp.Integral(X * cauchy, (X, -OO, OO)), 0)),
        false("F-existence-mgf-off-domain", "existence", "2b",
              "E_{z~N(0,1)}[exp(z^2)] = 1/sqrt(1 - 2t) at t = 1 (the MGF of z^2 outside "
              "t < 1/2; the expectation is +oo)",
              _eq("mgf", Expectation(sp.exp(Z**2), Z, STD), 1 / sp.sqrt(1 - 2 * sp.S.One))),
        true("T-existence-odd-bounded", "existence", "2b",
             "E_{z~N(0,1)}[z / (1 + z^2)] = 0 (bounded and odd: it exists)",
             _eq("odd bounded", Expectation(Z / (1 + Z**2), Z, STD), 0)),
        true("T-existence-sqrt-singularity", "existence", "algebra",
             "int_0^1 1/sqrt(x) dx = 2 (improper, absolutely convergent)",
             _eq("1/sqrt x", sp.Integral(1 / sp.sqrt(X), (X, 0, 1)), 2)),
        true("T-existence-log-singularity", "existence", "algebra", "int_0^1 log x dx = -1",
             _eq("log x", sp.Integral(sp.log(X), (X, 0, 1)), -1)),
        true("T-existence-telescoping", "existence", "algebra",
             "sum_k (1/k - 1/(k + 1)) = 1 (one convergent series)",
             _eq("telescoping", sp.Sum(1 / K - 1 / (K + 1), (K, 1, OO)), 1)),
        true("T-existence-tail", "existence", "algebra", "int_1^oo 1/x^2 dx = 1",
             _eq("tail", sp.Integral(1 / X**2, (X, 1, OO)), 1)),
        true("T-existence-difference-integrand", "existence", "algebra",
             "int_1^oo (1/x - 1/(x + 1)) dx = log 2 (one integrable integrand)",
             _eq("one integrand", sp.Integral(1 / X - 1 / (X + 1), (X, 1, OO)), sp.log(2))),
    ]
