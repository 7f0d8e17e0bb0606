"""Class 6, laws with impossible parameters: N(m, v) is a law only when v > 0.

Each false claim is a Gaussian moment or closed form whose variance is not declared positive
(a real v, v - 1 for v > 0, v >= 0), or a two-point law whose probability leaves [0, 1]: the
law does not exist for some declared values, so the claim is not a theorem. The true ones
declare the variance positive, or write it so that it is.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import DiagNormal, Expectation, Normal
from derive.engine.gaussian import kl_as_expectation, kl_normal, log_density
from derive.engine.lemmas import gibbs, reparameterize
from derive.identities.soundness.core import QUICK, Claim, claim, false, true

Z = sp.Symbol("z", real=True)
E = sp.Symbol("e", real=True)
M = sp.Symbol("m", real=True)
V = sp.Symbol("v", real=True)


def _moment(f: sp.Expr, law: Normal, value: sp.Expr, a: Assumptions | None = None) -> object:
    return lambda: claim("moment", Expectation(f, Z, law), "=", value, "Gaussian moments", a,
                         QUICK)


def _reparam() -> Derivation:
    ex = Expectation(Z**2, Z, Normal(M, V))
    use = reparameterize(ex, E)
    return Derivation("reparameterize", sp.Eq(ex, use.rhs, evaluate=False), ex,
                      [Step("=", use.rhs, use)], seconds=QUICK)


def _gibbs_real_variance() -> Derivation:
    law, std = Normal(0, V), Normal(0, 1)
    use = gibbs(law, std, Z)
    return Derivation("gibbs", sp.Le(use.lhs, 0, evaluate=False), use.lhs,
                      [Step("<=", use.rhs, use)], seconds=QUICK)


def claims() -> list[Claim]:
    """Moments of laws that may not exist, then the same moments of laws that do."""
    m2, v2 = sp.Symbol("m2", real=True), sp.Symbol("v2", real=True)
    vp = sp.Symbol("v", positive=True)
    vn = sp.Symbol("v", nonnegative=True)
    s, u = sp.Symbol("s", real=True), sp.Symbol("u", real=True)
    a = sp.Symbol("a", real=True)
    z1, z2 = sp.symbols("z1 z2", real=True)
    two_point = a * sp.log(2 * a) + (1 - a) * sp.log(2 * (1 - a))
    return [
        false("F-law-real-variance", "law", "2b", "E_{z~N(0, v)}[z^2] = v for real v",
              _moment(Z**2, Normal(0, V), V)),
        false("F-law-real-variance-fourth", "law", "2b",
              "E_{z~N(0, v)}[z^4] = 3 v^2 for real v", _moment(Z**4, Normal(0, V), 3 * V**2)),
        false("F-law-real-variance-mean", "law", "2b", "E_{z~N(m, v)}[z] = m for real v",
              _moment(Z, Normal(M, V), M)),
        false("F-law-shifted-variance", "law", "2b",
              "E_{z~N(0, v - 1)}[z^2] = v - 1 for v > 0 (no law for v <= 1)",
              _moment(Z**2, Normal(0, vp - 1), vp - 1)),
        false("F-law-nonnegative-variance", "law", "2b",
              "E_{z~N(m, v)}[log N(z; m, v)] = -(1 + log(2 pi v))/2 for v >= 0 (v = 0)",
              _moment(log_density(Z, M, vn), Normal(M, vn), -(1 + sp.log(2 * sp.pi * vn)) / 2)),
        false("F-law-interval-variance", "law", "2b",
              "E_{z~N(0, v)}[z^2] = v for v in (-1, 1)",
              _moment(Z**2, Normal(0, V), V,
                      Assumptions(intervals=((V, sp.Interval.open(-1, 1)),)))),
        false("F-law-kl-real-variances", "law", "2b",
              "KL(N(m, v) || N(m2, v2)) in closed form for real v, v2",
              lambda: claim("kl", kl_as_expectation(Z, Normal(M, V), Normal(m2, v2)), "=",
                            kl_normal(M, V, m2, v2), "Gaussian moments", seconds=QUICK)),
        false("F-law-diagonal-real-variance", "law", "2b",
              "E_{(z1, z2)~N(0, v) x N(0, 1)}[z1^2 + z2^2] = v + 1 for real v",
              lambda: claim("diagonal", Expectation(z1**2 + z2**2, (z1, z2),
                                                    DiagNormal((0, 0), (V, 1))), "=", V + 1,
                            "Gaussian moments", seconds=QUICK)),
        false("F-law-reparameterize-real-variance", "law", "2d",
              "E_{x~N(m, v)}[x^2] = E_{e~N(0,1)}[(m + sqrt(v) e)^2] for real v (the lemma's "
              "v > 0 fails; sqrt(v)^2 = v hides it)",
              _reparam),
        false("F-law-gibbs-real-variance", "law", "1c",
              "-KL(N(0, v) || N(0, 1)) <= 0 by Gibbs for real v",
              _gibbs_real_variance),
        false("F-law-probability-outside", "law", "1d",
              "D((a, 1 - a) || (1/2, 1/2)) >= 0 for a in (-1, 2) (not a law for a outside "
              "[0, 1]: log of a negative number)",
              lambda: claim("two-point", two_point, ">=", 0, "Gibbs (claimed)",
                            Assumptions(intervals=((a, sp.Interval.open(-1, 2)),)), QUICK)),
        true("T-law-positive-variance", "law", "2b", "E_{z~N(0, v)}[z^2] = v for v > 0",
             _moment(Z**2, Normal(0, vp), vp)),
        true("T-law-exp-variance", "law", "2b",
             "E_{z~N(m, exp(u))}[(z - m)^2] = exp(u) for real u",
             _moment((Z - M) ** 2, Normal(M, sp.exp(u)), sp.exp(u))),
        true("T-law-square-plus-one", "law", "2b",
             "E_{z~N(0, s^2 + 1)}[z^2] = s^2 + 1 for real s",
             _moment(Z**2, Normal(0, s**2 + 1), s**2 + 1)),
        true("T-law-probability-inside", "law", "1d",
             "D((a, 1 - a) || (1/2, 1/2)) >= 0 for a in (0, 1)",
             lambda: claim("two-point", two_point.subs(a, sp.Symbol("a", positive=True)), ">=", 0,
                           "(claimed)", Assumptions(intervals=((sp.Symbol("a", positive=True),
                                                                sp.Interval.open(0, 1)),)),
                           QUICK)),
    ]
