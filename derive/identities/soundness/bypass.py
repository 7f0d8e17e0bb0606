"""Class 7, API that bypasses the rules: a lemma's obligations come from the lemma.

A `LemmaUse` built by hand (no obligations, a trivial one, a relation the lemma does not
give) must prove nothing; nor may a non-strict lemma prove a strict step. The API may refuse
to build these (a one-line ValueError counts as not proved).
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation, Normal
from derive.engine.lemmas import (
    DIFFERENTIATION,
    EXCHANGE_DERIVATIVE,
    GIBBS,
    HYPOTHESIS,
    JENSEN,
    LOG_LE_SUB_ONE,
    LOG_MONOTONE,
    REPARAMETERIZATION,
    Lemma,
    LemmaUse,
    Obligation,
    gibbs,
    jensen,
    log_le_sub_one,
    log_monotone,
)
from derive.identities.kl import DISCRETE, LIM, i, p, q
from derive.identities.soundness.core import QUICK, Claim, claim, false, latex, true
from derive.identities.soundness.symbols import WEIGHTS, kl_, t, u, w, xs

TH = sp.Symbol("theta", real=True)
X = sp.Symbol("x", real=True)
E = sp.Symbol("e", real=True)
M = sp.Symbol("m", real=True)
V = sp.Symbol("v", positive=True)
WEIGHTED = r"% assume: w_i \ge 0, \sum_{i=1}^{n} w_i = 1, x_i > 0"


def _step(lhs: sp.Expr, op: str, rhs: sp.Expr, by: object, a: object = None) -> Derivation:
    return claim("bypass", lhs, op, rhs, by, a, QUICK)


def _use(lemma: Lemma, lhs: sp.Expr, op: str, rhs: sp.Expr, *obligations: Obligation
         ) -> LemmaUse:
    return LemmaUse(lemma, sp.sympify(lhs), op, sp.sympify(rhs), tuple(obligations))


def _hand(lemma: Lemma, lhs: sp.Expr, op: str, rhs: sp.Expr, a: object = None) -> object:
    """A one-step claim justified by a LemmaUse built by hand, with no obligations."""
    return lambda: _step(lhs, op, rhs, _use(lemma, lhs, op, rhs), a)


def _exp_jensen() -> LemmaUse:
    return jensen(sp.Lambda(u, sp.exp(u)), w[i], xs[i], LIM)


def claims() -> list[Claim]:
    """Lemma uses the engine must not trust, then the factories used as intended."""
    exp_lhs, exp_rhs = sp.Sum(w[i] * sp.exp(xs[i]), LIM), sp.exp(sp.Sum(w[i] * xs[i], LIM))
    mine = Lemma("mine", "my lemma", "anything I like", (), "none")
    ex = Expectation(X**2, X, Normal(M, V))
    grad = sp.Derivative(Expectation(X, X, Normal(TH, 1)), TH)
    return [
        false("F-bypass-log-monotone-by-hand", "bypass", "algebra",
              "log t <= t - 2 by a hand-built LemmaUse(LOG_MONOTONE) (t = 1: 0 > -1)",
              _hand(LOG_MONOTONE, sp.log(t), "<=", t - 2)),
        false("F-bypass-jensen-by-hand", "bypass", "1c",
              "sum w exp(x) <= exp(sum w x) by a hand-built LemmaUse(JENSEN) (exp is convex)",
              _hand(JENSEN, exp_lhs, "<=", exp_rhs, WEIGHTS)),
        false("F-bypass-log-le-sub-one-reversed", "bypass", "algebra",
              "log t >= t - 1 by a hand-built LemmaUse(LOG_LE_SUB_ONE, ..., '>=', ...)",
              _hand(LOG_LE_SUB_ONE, sp.log(t), ">=", t - 1)),
        false("F-bypass-gibbs-by-hand", "bypass", "1c",
              "D(p||q) <= 0 by a hand-built LemmaUse(GIBBS)",
              _hand(GIBBS, kl_(p[i], q[i]), "<=", 0, DISCRETE)),
        false("F-bypass-hypothesis-by-hand", "bypass", "algebra",
              "t <= t - 1 by a hand-built LemmaUse(HYPOTHESIS) (nothing declared)",
              _hand(HYPOTHESIS, t, "<=", t - 1)),
        false("F-bypass-reparameterize-by-hand", "bypass", "2d",
              "E_{x~N(m, v)}[x^2] = E_{e~N(0,1)}[(m + v e)^2] by a hand-built "
              "LemmaUse(REPARAMETERIZATION) (v is the variance, not the scale)",
              _hand(REPARAMETERIZATION, ex, "=", Expectation((M + V * E) ** 2, E, Normal(0, 1)))),
        false("F-bypass-differentiation-by-hand", "bypass", "algebra",
              "d/dt t^2 = t by a hand-built LemmaUse(DIFFERENTIATION)",
              _hand(DIFFERENTIATION, sp.Derivative(t**2, t), "=", t)),
        false("F-bypass-exchange-by-hand", "bypass", "2d",
              "d/dtheta E_{x~N(theta, 1)}[x] = 0 by a hand-built LemmaUse(EXCHANGE_DERIVATIVE)",
              _hand(EXCHANGE_DERIVATIVE, grad, "=", 0)),
        false("F-bypass-own-lemma", "bypass", "algebra",
              "log t <= t - 2 by a lemma of the user's own making",
              _hand(mine, sp.log(t), "<=", t - 2)),
        false("F-bypass-strict-label", "bypass", "algebra",
              "log t < t - 1 by log t <= t - 1 relabelled '<' (with its obligations; t = 1)",
              lambda: _step(sp.log(t), "<", t - 1,
                            _use(LOG_LE_SUB_ONE, sp.log(t), "<", t - 1,
                                 *log_le_sub_one(1, t).obligations))),
        false("F-bypass-replace-op", "bypass", "algebra",
              "log t < t - 1 by dataclasses.replace(log_le_sub_one(1, t), op='<')",
              lambda: _step(sp.log(t), "<", t - 1,
                            dataclasses.replace(log_le_sub_one(1, t), op="<"))),
        false("F-bypass-obligations-dropped", "bypass", "1c",
              "Jensen for the convex exp with its obligations removed by dataclasses.replace",
              lambda: _step(exp_lhs, "<=", exp_rhs,
                            dataclasses.replace(_exp_jensen(), obligations=()), WEIGHTS)),
        false("F-bypass-trivial-obligation", "bypass", "1c",
              "Jensen for the convex exp with a hand-written obligation '1 >= 0'",
              lambda: _step(exp_lhs, "<=", exp_rhs,
                            _use(JENSEN, exp_lhs, "<=", exp_rhs,
                                 Obligation("f is concave", "nonneg", sp.S.One)), WEIGHTS)),
        false("F-bypass-strict-gibbs", "bypass", "1c",
              "-D(p||q) < 0 by Gibbs (non-strict; equality at q = p)",
              lambda: _step(-kl_(p[i], q[i]), "<", 0, gibbs(p[i], q[i], LIM), DISCRETE)),
        false("F-bypass-strict-jensen", "bypass", "1c",
              "sum w log x < log sum w x by Jensen (non-strict; equality when the x are equal)",
              lambda: _step(sp.Sum(w[i] * sp.log(xs[i]), LIM), "<",
                            sp.log(sp.Sum(w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.log(u)), w[i], xs[i], LIM), WEIGHTS)),
        false("F-bypass-reader-strict", "bypass", "1c",
              "sum w log x < sum w (x - 1) % by: log-le-sub-one, read from LaTeX (x = 1)",
              latex(WEIGHTED, r"\sum_{i=1}^{n} w_i \log x_i &< \sum_{i=1}^{n} w_i (x_i - 1) "
                    r"% by: log-le-sub-one")),
        false("F-bypass-strict-monotone", "bypass", "algebra",
              "log t < log t by log-monotone (a <= a is all it gives)",
              lambda: Derivation("strict monotone", sp.Lt(sp.log(t), sp.log(t), evaluate=False),
                                 sp.log(t), [Step("<", sp.log(t), log_monotone(t, t))],
                                 seconds=QUICK)),
        true("T-bypass-reader-flipped", "bypass", "1c",
             "sum w (x - 1) >= sum w log x % by: log-le-sub-one (the reader flips the lemma)",
             latex(WEIGHTED, r"\sum_{i=1}^{n} w_i (x_i - 1) &\ge \sum_{i=1}^{n} w_i \log x_i "
                   r"% by: log-le-sub-one")),
        true("T-bypass-log-monotone-factory", "bypass", "algebra",
             "log 2 <= log 3 by log_monotone(2, 3)",
             lambda: _step(sp.log(2), "<=", sp.log(3), log_monotone(2, 3))),
    ]
