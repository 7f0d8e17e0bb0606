"""Canon c8: the score-function (REINFORCE) identity and its baseline form.

d/dtheta E_{p_theta}[f] = E_{p_theta}[f d/dtheta log p_theta], for a density p(x, theta) > 0
and f free of theta, when differentiation under the integral sign is allowed: |d/dtheta
(p f)| <= G(x) near theta with G integrable (dominated convergence; declared, not checked).
Baseline form: E[(f - c) d/dtheta log p] is the same gradient for any constant c, because
E[d/dtheta log p] = integral d/dtheta p = d/dtheta integral p = d/dtheta 1 = 0 (the same
exchange condition, for p). A Gaussian instance (theta = mu, f = x^3) checks both by exact
moments.

Note: SymPy differentiates under the integral sign without conditions, so the engine would
also accept the exchange step written as a plain `=`; `exchange_integral` names the
condition, and the step is proved through it when the condition is declared.

References:
1. Williams, "Simple statistical gradient-following algorithms", Machine Learning 8 (1992).
2. Mohamed, Rosca, Figurnov & Mnih, "Monte Carlo Gradient Estimation in Machine Learning",
   JMLR 21 (2020), Sec. 4 (score function) and Sec. 7 (control variates).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Rule
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation, Normal
from derive.engine.inequalities import add, domination, exchange_integral, reverse, scale
from derive.identities.identity import Identity

x = sp.Symbol("x", real=True)
theta = sp.Symbol("theta", real=True)
c = sp.Symbol("c", real=True)  # the baseline, a constant
LINE = (x, -sp.oo, sp.oo)
p = sp.Function("p", positive=True)  # p(x, theta)
f = sp.Function("f", real=True)  # f(x), free of theta
_w = sp.Wild("w")
SCORE = Assumptions(
    rules=(Rule(sp.Integral(p(x, _w), LINE), sp.S.One,
                "p(., theta) is a density for every theta: integral p(x, theta) dx = 1"),),
    notes=(domination(p(x, theta) * f(x), x, theta), domination(p(x, theta), x, theta),
           "E_p|f| < oo and E_p|f d/dtheta log p| < oo"))


def score_function(assumptions: Assumptions = SCORE) -> list[Derivation]:
    """c8: the identity, its baseline form, and a Gaussian instance of both by moments."""
    objective = sp.Integral(p(x, theta) * f(x), LINE)
    score = sp.Derivative(sp.log(p(x, theta)), theta)
    by_score = sp.Integral(p(x, theta) * f(x) * score, LINE)
    identity = Derivation(
        "d/dtheta E_p[f] = E_p[f d/dtheta log p] (score-function identity)",
        sp.Eq(sp.Derivative(objective, theta), by_score, evaluate=False),
        sp.Derivative(objective, theta),
        [Step("=", sp.Integral(sp.Derivative(p(x, theta) * f(x), theta), LINE),
              exchange_integral(p(x, theta) * f(x), x, theta),
              uses=("|d/dtheta (p f)| <= G(x) near theta, G integrable",)),
         Step("=", sp.Integral(f(x) * sp.Derivative(p(x, theta), theta), LINE),
              "f does not depend on theta"),
         Step("=", by_score, "d/dtheta p = p d/dtheta log p (p > 0)", uses=("p > 0",))],
        assumptions)
    mean_score = sp.Integral(p(x, theta) * score, LINE)
    zero = Derivation(
        "E_p[d/dtheta log p] = 0", sp.Eq(mean_score, 0, evaluate=False), mean_score,
        [Step("=", sp.Integral(sp.Derivative(p(x, theta), theta), LINE),
              "p d/dtheta log p = d/dtheta p (p > 0)"),
         Step("=", sp.Derivative(sp.Integral(p(x, theta), LINE), theta),
              exchange_integral(p(x, theta), x, theta),
              uses=("|d/dtheta p| <= G(x) near theta, G integrable",)),
         Step("=", 0, "integral p dx = 1 for every theta", uses=("p is a density",))],
        assumptions)
    baseline_form = sp.Integral(p(x, theta) * (f(x) - c) * score, LINE)
    baseline = Derivation(
        "baseline (control variate): E_p[(f - c) d/dtheta log p] = E_p[f d/dtheta log p]",
        sp.Eq(baseline_form, by_score, evaluate=False), baseline_form,
        [Step("=", by_score - c * mean_score, "linearity (c is a constant)"),
         Step("=", by_score - c * sp.Integral(sp.Derivative(p(x, theta), theta), LINE),
              "p d/dtheta log p = d/dtheta p (p > 0)"),
         Step("=", by_score - c * sp.Derivative(sp.Integral(p(x, theta), LINE), theta),
              add(scale(reverse(exchange_integral(p(x, theta), x, theta)), -c), by_score),
              uses=("|d/dtheta p| <= G(x) near theta, G integrable",)),
         Step("=", by_score, "integral p dx = 1 for every theta", uses=("p is a density",))],
        assumptions)
    mu = sp.Symbol("mu", real=True)
    s = sp.Symbol("sigma", positive=True)
    law = Normal(mu, s**2)
    gauss_score = (x - mu) / s**2  # d/dmu log N(x; mu, sigma^2)
    target = sp.diff(mu**3 + 3 * mu * s**2, mu)  # d/dmu E[x^3]
    gaussian = Derivation(
        "N(mu, sigma^2), f = x^3: E[x^3 (x - mu) / sigma^2] = E[(x^3 - c)(x - mu) / sigma^2] "
        "= d/dmu E[x^3] = 3 mu^2 + 3 sigma^2",
        sp.Eq(Expectation(x**3 * gauss_score, x, law), target, evaluate=False),
        Expectation(x**3 * gauss_score, x, law),
        [Step("=", Expectation((x**3 - c) * gauss_score, x, law),
              "E[(x - mu) / sigma^2] = 0: the baseline c changes nothing"),
         Step("=", target, "Gaussian moments: (E x^4 - mu E x^3) / sigma^2")])
    return [identity, zero, baseline, gaussian]


IDENTITIES = [
    Identity("c8", "score-function", "c8",
             "d/dtheta E_p[f] = E_p[f d/dtheta log p], and with a baseline",
             score_function, confirmations=("numeric.confirm.canon:confirm_c8",),
             summary="differentiation under the integral (its domination condition declared), "
                     "d p = p d log p; the baseline form from E_p[d log p] = 0", section="canon"),
]
