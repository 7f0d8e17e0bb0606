"""The soundness catalogue: algebra that looks right, and the engine bugs it found."""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import hypothesis, jensen, log_le_sub_one, log_monotone
from derive.identities.kl import i, n
from derive.identities.soundness.core import SECONDS, Claim, claim
from derive.identities.soundness.symbols import HALF, a, b, t, u, xs, y


def _algebra_false() -> list[Claim]:
    c = sp.Symbol("c", real=True)
    hyp = Assumptions(facts=(sp.Le(a, b),))
    x2 = sp.Symbol("x", real=True)
    kink = sp.Lambda(u, sp.Piecewise((u, u < 1), (2 * u - 1, True)))
    k = sp.Symbol("k", integer=True, positive=True)
    return [
        Claim("F-algebra-log-sum", False, "algebra", "log(a + b) = log a + log b",
              lambda: claim("log sum", sp.log(a + b), "=", sp.log(a) + sp.log(b), "(claimed)"),
              kind="algebra"),
        Claim("F-algebra-log-square", False, "algebra", "log(y^2) = 2 log y for real y",
              lambda: claim("log square", sp.log(y**2), "=", 2 * sp.log(y), "(claimed)"),
              kind="branch"),
        Claim("F-algebra-sqrt-square", False, "algebra", "sqrt(y^2) = y for real y",
              lambda: claim("sqrt", sp.sqrt(y**2), "=", y, "(claimed)"), kind="branch"),
        Claim("F-algebra-exp-sum", False, "algebra", "exp(a + c) = exp a + exp c",
              lambda: claim("exp sum", sp.exp(a + c), "=", sp.exp(a) + sp.exp(c), "(claimed)"),
              kind="algebra"),
        Claim("F-algebra-log-ge", False, "algebra", "log t >= t - 1 (lemma reversed)",
              lambda: claim("log >= t - 1", sp.log(t), ">=", t - 1, log_le_sub_one(1, t)),
              kind="direction"),
        Claim("F-algebra-log-monotone", False, "algebra",
              "log 3 <= log 2 'by monotonicity' (the side condition 3 <= 2 fails)",
              lambda: claim("monotone", sp.log(3), "<=", sp.log(2), log_monotone(3, 2)),
              kind="direction"),
        Claim("F-algebra-hypothesis-reversed", False, "algebra",
              "declared a <= b, claimed b <= a by that hypothesis",
              lambda: claim("hypothesis", b, "<=", a, hypothesis(b, "<=", a), hyp),
              kind="direction"),
        Claim("F-algebra-strict-from-weak", False, "algebra",
              "a <= chain claimed to give log t < t - 1 strictly (equality at t = 1)",
              lambda: Derivation("strict", sp.Lt(sp.log(t), t - 1, evaluate=False), sp.log(t),
                                 [Step("<=", t - 1, log_le_sub_one(1, t))], Assumptions(),
                                 SECONDS), kind="direction"),
        Claim("F-algebra-wrong-conclusion", False, "algebra",
              "a true chain log(x^2) = 2 log x claimed to prove log(x^2) = log 2 + log x",
              lambda: Derivation("conclusion", sp.Eq(sp.log(t**2), sp.log(2) + sp.log(t),
                                                     evaluate=False), sp.log(t**2),
                                 [Step("=", 2 * sp.log(t), "log of a power")], Assumptions(),
                                 SECONDS), kind="algebra"),
        Claim("F-algebra-square-mean", False, "algebra",
              "E[x^2] = (E x)^2 under N(m, v) (variance dropped)",
              lambda: _square_mean(x2), kind="moment"),
        Claim("F-engine-jensen-kink", False, "engine",
              "Jensen for f = t on (0, 1), 2t - 1 after: convex with a kink, f'' = 0 piecewise",
              lambda: _jensen_kink(kink, k), kind="kink"),
        Claim("F-engine-pole-on-interval", False, "engine",
              "1/x > 0 for x in [0, 1] (undefined at 0; solveset skipped the pole)",
              lambda: claim("pole", 1 / x2, ">", 0, "(claimed)",
                            Assumptions(intervals=((x2, sp.Interval(0, 1)),))), kind="undefined"),
        Claim("F-engine-reversed-range", False, "engine",
              "log t <= t - 1 summed over i = 3..n: for n = 1 SymPy's sum is minus a term",
              lambda: claim("reversed", sp.Sum(sp.log(xs[i]), (i, 3, n)), "<=",
                            sp.Sum(xs[i] - 1, (i, 3, n)), log_le_sub_one(1, xs[i], (i, 3, n))),
              kind="convention"),
    ]


def _square_mean(x2: sp.Symbol) -> Derivation:
    from derive.engine.expectation import Expectation, Normal

    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    return claim("square mean", Expectation(x2**2, x2, Normal(m, v)), "=",
                 Expectation(x2, x2, Normal(m, v)) ** 2, "(claimed)")


def _jensen_kink(f: sp.Lambda, k: sp.Symbol) -> Derivation:
    """Points 1/2 and 3/2 with weights 1/2: sum w f(x) = 5/4 > f(1) = 1."""
    use = jensen(f, HALF, k - HALF, (k, 1, 2))
    return claim("jensen kink", use.lhs, "<=", use.rhs, use)




def claims() -> list[Claim]:
    """Algebra's false claims and the engine bugs."""
    return _algebra_false()
