"""Worksheet part 1: entropy, cross-entropy and KL divergence (identities 1a-1d).

Discrete distributions are IndexedBase entries p_i, q_i over i = 1..n with n symbolic;
natural log (nats). Where p has zeros, sums run over the support of p (0 log 0 = 0), so p is
declared positive on that range; q > 0 there (p << q), else D_KL(p || q) = +inf.

References: Cover & Thomas, Elements of Information Theory (2nd ed.), Thm 2.6.3 (Jensen),
Thm 2.6.3's proof for D >= 0 with equality iff p = q.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.engine.assumptions import Assumptions, Density, Distribution, Rule
from derive.engine.checks import search_counterexample
from derive.engine.confirmation import Confirmation
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import jensen, log_le_sub_one, log_monotone
from derive.identities.identity import Identity

i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
p = sp.IndexedBase("p", positive=True)
q = sp.IndexedBase("q", positive=True)
x = sp.Symbol("x", real=True)
pd = sp.Function("p", positive=True)
qd = sp.Function("q", positive=True)
t = sp.Symbol("t")
LIM = (i, 1, n)

# The worksheet's pair on outcomes (1, -1).
P_WS = (sp.Rational(1, 2), sp.Rational(1, 2))
Q_WS = (sp.Rational(1, 10), sp.Rational(9, 10))

DISCRETE = Assumptions(distributions=(Distribution(p, i, n), Distribution(q, i, n)))
DENSITIES = Assumptions(densities=(Density(pd, x), Density(qd, x)),
                        notes=("every integral over the real line converges",))
# 1c: sums over the support of p; q restricted there is positive with total at most 1.
SUPPORT = Assumptions(distributions=(Distribution(p, i, n), Distribution(q, i, n,
                                                                          total="at_most_one")),
                      notes=("i runs over the support of p; q_i > 0 there (p << q)",))


def kl_pair(a: tuple, b: tuple) -> sp.Expr:
    """sum_k a_k log(a_k / b_k) for explicit finite distributions (exact)."""
    return sp.Add(*[ak * sp.log(ak / bk) for ak, bk in zip(a, b, strict=True)])


def _explicit_sum(a: tuple, b: tuple) -> sp.Expr:
    return sp.Add(*[sp.Mul(ak, sp.log(sp.Mul(ak, 1 / bk, evaluate=False)), evaluate=False)
                    for ak, bk in zip(a, b, strict=True)], evaluate=False)


# ---------------------------------------------------------------- 1a
def kl_asymmetry() -> list[Derivation]:
    """KL(p || q) and KL(q || p) in closed form for the worksheet's pair, and unequal."""
    kl_pq, kl_qp = sp.log(sp.Rational(5, 3)), sp.Rational(9, 5) * sp.log(3) - sp.log(5)
    out = [
        Derivation("D_KL(p || q) for the worksheet's p, q",
                   sp.Eq(_explicit_sum(P_WS, Q_WS), kl_pq, evaluate=False),
                   _explicit_sum(P_WS, Q_WS),
                   [Step("=", sp.Rational(1, 2) * sp.log(5) + sp.Rational(1, 2) *
                         sp.log(sp.Rational(5, 9)), "evaluate the two terms"),
                    Step("=", kl_pq, "log a + log b = log ab (a, b > 0)")]),
        Derivation("D_KL(q || p) for the worksheet's p, q",
                   sp.Eq(_explicit_sum(Q_WS, P_WS), kl_qp, evaluate=False),
                   _explicit_sum(Q_WS, P_WS),
                   [Step("=", sp.Rational(1, 10) * sp.log(sp.Rational(1, 5)) +
                         sp.Rational(9, 10) * sp.log(sp.Rational(9, 5)), "evaluate the two terms"),
                    Step("=", kl_qp, "log of a quotient and of a power")]),
        Derivation("KL is not symmetric: D_KL(p || q) > D_KL(q || p)",
                   sp.Gt(kl_pq, kl_qp, evaluate=False), kl_pq,
                   [Step(">", kl_qp, "log(5/3) - ((9/5) log 3 - log 5) = 2 log 5 - (14/5) log 3 "
                         "> 0 (sign of a closed-form number)")]),
        Derivation("in bits: D_KL(p || q) = log2(5/3) and D_KL(q || p) = (9/5) log2 3 - log2 5",
                   sp.Eq(kl_pair(P_WS, Q_WS) / sp.log(2), kl_pq / sp.log(2), evaluate=False),
                   kl_pair(P_WS, Q_WS) / sp.log(2),
                   [Step("=", sp.log(sp.Rational(5, 3), 2), "log2 u = log u / log 2")]),
    ]
    r = triangle_counterexample()
    lhs = kl_pair(P_WS, Q_WS)
    rhs = kl_pair(P_WS, r) + kl_pair(r, Q_WS)
    out.append(Derivation(
        f"no triangle inequality: D(p||q) > D(p||r) + D(r||q) for r = ({r[0]}, {r[1]})",
        sp.Gt(lhs, rhs, evaluate=False), lhs,
        [Step(">", rhs, "sign of a closed-form number (r found by the engine's search)")]))
    return out


def triangle_counterexample() -> tuple[sp.Rational, sp.Rational]:
    """Search r = (a, 1 - a) breaking D(p||q) <= D(p||r) + D(r||q); return it as a rational.

    The engine's counterexample search runs on the claim with a in (0, 1); the point it finds
    is rounded to two decimals, and the derivation then proves the violation exactly.
    """
    a = sp.Symbol("a", positive=True)
    r = (a, 1 - a)
    claim_lhs, claim_rhs = kl_pair(P_WS, Q_WS), kl_pair(P_WS, r) + kl_pair(r, Q_WS)
    found = search_counterexample(claim_lhs, "<=", claim_rhs,
                                  Assumptions(intervals=((a, sp.Interval.open(0, 1)),)),
                                  np.random.default_rng(1))
    if found.counterexample is None:
        raise RuntimeError("no counterexample to the triangle inequality was found")
    value = sp.nsimplify(round(float(found.counterexample["a"]), 2))
    return value, 1 - value


# ---------------------------------------------------------------- 1b
def kl_decomposition() -> list[Derivation]:
    """D_KL(p || q) = H(p, q) - H(p), discrete (n symbolic) and for densities."""
    out = []
    for label, a, lim, pp, qq, op in (
            ("discrete, n outcomes", DISCRETE, LIM, p[i], q[i], sp.Sum),
            ("densities on the real line", DENSITIES, (x, -sp.oo, sp.oo), pd(x), qd(x),
             sp.Integral)):
        kl, ce, h = KL(pp, qq, lim), CrossEntropy(pp, qq, lim), Entropy(pp, lim)
        out.append(Derivation(
            f"D_KL(p || q) = H(p, q) - H(p), {label}",
            sp.Eq(kl, ce - h, evaluate=False), kl,
            [Step("=", op(pp * sp.log(pp / qq), lim), "definition of D_KL"),
             Step("=", op(pp * sp.log(pp) - pp * sp.log(qq), lim),
                  "log(a/b) = log a - log b", uses=("p > 0, q > 0 on the support of p",)),
             Step("=", op(pp * sp.log(pp), lim) - op(pp * sp.log(qq), lim),
                  "linearity of the sum / integral", uses=("each part converges",)),
             Step("=", ce - h, "definitions of H(p, q) and H(p)")],
            a))
    return out


# ---------------------------------------------------------------- 1c
def kl_nonnegative(assumptions: Assumptions = SUPPORT,
                   q: sp.IndexedBase = q) -> list[Derivation]:
    """D_KL(p || q) >= 0: by Jensen (as the worksheet asks) and by log t <= t - 1 (Gibbs).

    `assumptions` and `q` are parameters so that tests can drop the support condition.
    """
    kl = KL(p[i], q[i], LIM)
    ratio = q[i] / p[i]
    sum_q = sp.Sum(q[i], LIM)
    by_jensen = Derivation(
        "D_KL(p || q) >= 0 by Jensen's inequality", sp.Ge(kl, 0), -kl,
        [Step("=", sp.Sum(p[i] * sp.log(ratio), LIM), "definition; -log(p/q) = log(q/p)",
              uses=("p_i > 0, q_i > 0 on the support of p",)),
         Step("<=", sp.log(sp.Sum(sp.Mul(p[i], ratio, evaluate=False), LIM)),
              jensen(sp.Lambda(t, sp.log(t)), p[i], ratio, LIM),
              uses=("log concave on (0, oo)", "q_i / p_i > 0", "p_i >= 0", "sum_i p_i = 1")),
         Step("=", sp.log(sum_q), "p_i (q_i / p_i) = q_i for p_i > 0",
              uses=("p_i > 0 on the support",)),
         Step("<=", 0, log_monotone(sum_q, 1),
              uses=("sum over the support of p of q_i <= 1",))],
        assumptions)
    by_gibbs = Derivation(
        "D_KL(p || q) >= 0 by log t <= t - 1 (Gibbs' inequality)", sp.Ge(kl, 0), -kl,
        [Step("=", sp.Sum(p[i] * sp.log(ratio), LIM), "definition; -log(p/q) = log(q/p)",
              uses=("p_i > 0, q_i > 0 on the support of p",)),
         Step("<=", sp.Sum(p[i] * (ratio - 1), LIM), log_le_sub_one(p[i], ratio, LIM),
              uses=("q_i / p_i > 0", "p_i >= 0")),
         Step("=", sum_q - 1, "linearity; sum_i p_i = 1", uses=("sum_i p_i = 1",)),
         Step("<=", 0, "sum over the support of p of q_i <= 1",
              uses=("sum over the support of p of q_i <= 1",))],
        assumptions)
    return [by_jensen, by_gibbs]


# ---------------------------------------------------------------- 1d
def kl_zero_iff_equal() -> list[Derivation]:
    """D_KL(q || p) = 0 exactly when q = p."""
    c = sp.Symbol("c", positive=True)
    k = sp.Wild("k")
    equal = Assumptions(distributions=DISCRETE.distributions,
                        rules=(Rule(q[k], p[k], "q_k = p_k for every k"),))
    ratio = Assumptions(distributions=DISCRETE.distributions,
                        rules=(Rule(q[k], c * p[k], "q_k / p_k = c for every k (Jensen's "
                                    "equality case)"),))
    s = sp.Symbol("s", positive=True)
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    unit = ((a, sp.Interval.open(0, 1)), (b, sp.Interval.open(0, 1)))
    two_point = a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))
    return [
        Derivation("if q = p then D_KL(q || p) = 0", sp.Eq(KL(q[i], p[i], LIM), 0),
                   KL(q[i], p[i], LIM),
                   [Step("=", sp.Sum(q[i] * sp.log(q[i] / p[i]), LIM), "definition"),
                    Step("=", sp.Sum(p[i] * sp.log(1), LIM), "q_i = p_i", uses=("q = p",)),
                    Step("=", 0, "log 1 = 0")], equal),
        Derivation("log is strictly concave, so Jensen is an equality only for a constant "
                   "ratio q_i / p_i = c",
                   sp.Lt(sp.Derivative(sp.log(s), (s, 2)), 0, evaluate=False),
                   sp.Derivative(sp.log(s), (s, 2)),
                   [Step("=", -1 / s**2, "second derivative"),
                    Step("<", 0, "s > 0")]),
        Derivation("a constant ratio and normalisation force c = 1, that is q = p",
                   sp.Eq(c, 1, evaluate=False), c,
                   [Step("=", c * sp.Sum(p[i], LIM), "sum_i p_i = 1", uses=("sum_i p_i = 1",)),
                    Step("=", sp.Sum(c * p[i], LIM), "linearity"),
                    Step("=", sp.Sum(q[i], LIM), "q_i = c p_i", uses=("q_i / p_i = c",)),
                    Step("=", 1, "sum_i q_i = 1", uses=("sum_i q_i = 1",))], ratio),
        Derivation("two-point family: D(a) = D_KL((a, 1-a) || (b, 1-b)) vanishes at a = b",
                   sp.Eq(sp.Subs(two_point, a, b), 0, evaluate=False), sp.Subs(two_point, a, b),
                   [Step("=", 0, "log(b/b) = log((1-b)/(1-b)) = log 1 = 0")],
                   Assumptions(intervals=unit)),
        Derivation("two-point family: D'(b) = 0",
                   sp.Eq(sp.Subs(sp.Derivative(two_point, a), a, b), 0, evaluate=False),
                   sp.Subs(sp.Derivative(two_point, a), a, b),
                   [Step("=", 0, "D'(a) = log(a/b) - log((1-a)/(1-b)); at a = b both are "
                         "log 1 = 0")], Assumptions(intervals=unit)),
        Derivation("two-point family: D''(a) > 0 on (0, 1), so a = b is the unique minimum",
                   sp.Gt(sp.Derivative(two_point, (a, 2)), 0, evaluate=False),
                   sp.Derivative(two_point, (a, 2)),
                   [Step("=", 1 / a + 1 / (1 - a), "differentiate twice"),
                    Step("=", 1 / (a * (1 - a)), "common denominator"),
                    Step(">", 0, "a in (0, 1)", uses=("0 < a < 1",))],
                   Assumptions(intervals=unit)),
    ]


def two_point_solution() -> list[Confirmation]:
    """Solve D'(a) = 0 on (0, 1) symbolically: the only stationary point is a = b."""
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    two_point = a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))
    unit = sp.Interval.open(0, 1)
    solutions = sp.solveset(sp.diff(two_point, a), a, unit)
    # With b in (0, 1) (declared), {b} intersected with (0, 1) is {b}.
    ok = solutions in (sp.FiniteSet(b), sp.Intersection(sp.FiniteSet(b), unit))
    return [Confirmation("1d: solveset(D'(a) = 0, a, (0, 1))", bool(ok),
                         {"solutions": str(solutions)},
                         f"stationary points: {solutions} (= {{b}} for b in (0, 1))")]


IDENTITIES = [
    Identity("1a", "kl-asymmetry", "1a", "KL divergence is not symmetric", kl_asymmetry,
             confirmations=("numeric.confirm.kl:confirm_1a",),
             summary="D(p||q) = log(5/3) = 0.511 nats, D(q||p) = 0.368 nats; no triangle "
                     "inequality"),
    Identity("1b", "kl-decomposition", "1b", "D_KL(p || q) = H(p, q) - H(p)", kl_decomposition,
             confirmations=("numeric.confirm.kl:confirm_1b",)),
    Identity("1c", "kl-nonnegative", "1c", "D_KL(p || q) >= 0 (Gibbs' inequality)",
             kl_nonnegative, confirmations=("numeric.confirm.kl:confirm_1c",),
             plots=("docs/figures/mc_coverage.png",)),
    Identity("1d", "kl-zero-iff-equal", "1d", "D_KL(q || p) = 0 exactly when q = p",
             kl_zero_iff_equal, facts=two_point_solution,
             confirmations=("numeric.confirm.kl:confirm_1d",)),
]
