"""The soundness catalogue, part 1 (1a-1d): KL, entropy and cross-entropy, false and true."""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Rule
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import hypothesis, jensen, log_le_sub_one
from derive.identities.kl import DISCRETE, LIM, P_WS, Q_WS, SUPPORT, i, kl_pair, n, p, q
from derive.identities.soundness.core import SECONDS, Claim, claim, with_statement
from derive.identities.soundness.symbols import (
    HALF,
    UNIT,
    WEIGHTS,
    a,
    ce_,
    h_,
    j,
    kl_,
    t,
    two_point,
    u,
    w,
    xs,
)


def _part1_false() -> list[Claim]:
    ws = kl_pair(P_WS, Q_WS)
    return [
        Claim("F-1a-symmetric", False, "1a", "KL is symmetric: D(p||q) = D(q||p)",
              lambda: claim("symmetry", kl_(p[i], q[i]), "=", kl_(q[i], p[i]), "symmetry",
                            DISCRETE), kind="swapped"),
        Claim("F-1a-swapped-value", False, "1a",
              "worksheet D(p||q) equals the value of D(q||p), (9/5) log 3 - log 5",
              lambda: claim("swapped value", ws, "=", sp.Rational(9, 5) * sp.log(3) - sp.log(5),
                            "evaluate"), kind="swapped"),
        Claim("F-1a-bits-as-nats", False, "1a",
              "worksheet D(p||q) in nats equals log2(5/3) (the bits value)",
              lambda: claim("units", ws, "=", sp.log(sp.Rational(5, 3), 2), "evaluate"),
              kind="base"),
        Claim("F-1a-triangle", False, "1a",
              "KL obeys the triangle inequality D(p||q) <= D(p||r) + D(r||q), r = (a, 1-a)",
              lambda: claim("triangle", ws, "<=",
                            kl_pair(P_WS, (a, 1 - a)) + kl_pair((a, 1 - a), Q_WS),
                            "triangle inequality (claimed)", UNIT), kind="algebra"),
        Claim("F-1b-sign", False, "1b", "sign error: D(p||q) = H(p) - H(p, q)",
              lambda: claim("sign", kl_(p[i], q[i]), "=", h_(p[i]) - ce_(p[i], q[i]),
                            "definitions", DISCRETE), kind="sign-factor"),
        Claim("F-1b-plus", False, "1b", "D(p||q) = H(p, q) + H(p)",
              lambda: claim("plus", kl_(p[i], q[i]), "=", ce_(p[i], q[i]) + h_(p[i]),
                            "definitions", DISCRETE), kind="sign-factor"),
        Claim("F-1b-dropped-entropy", False, "1b", "term dropped: D(p||q) = H(p, q)",
              lambda: claim("dropped", kl_(p[i], q[i]), "=", ce_(p[i], q[i]), "definitions",
                            DISCRETE), kind="dropped"),
        Claim("F-1b-log-quotient", False, "1b",
              "log of a quotient taken as a sum: sum p log(p/q) = sum p log p + sum p log q",
              lambda: claim("log quotient", sp.Sum(p[i] * sp.log(p[i] / q[i]), LIM), "=",
                            sp.Sum(p[i] * sp.log(p[i]), LIM) + sp.Sum(p[i] * sp.log(q[i]), LIM),
                            "log(a/b) = log a + log b (claimed)", DISCRETE), kind="algebra"),
        Claim("F-1b-wrong-weights", False, "1b",
              "cross-entropy weighted by q: D(p||q) = -sum q log q + sum p log p",
              lambda: claim("weights", kl_(p[i], q[i]), "=", h_(q[i]) - h_(p[i]),
                            "definitions", DISCRETE), kind="swapped"),
        Claim("F-1b-entropy-sign", False, "1b", "entropy without its minus: H(p) = sum p log p",
              lambda: claim("entropy sign", h_(p[i]), "=", sp.Sum(p[i] * sp.log(p[i]), LIM),
                            "definition", DISCRETE), kind="sign-factor"),
        Claim("F-1b-bits-times", False, "1b",
              "bits by multiplying: H_2(p) = H(p) log 2 (the bits version divides)",
              lambda: claim("bits", -sp.Sum(p[i] * sp.log(p[i], 2), LIM), "=",
                            h_(p[i]) * sp.log(2), "change of base", DISCRETE), kind="base"),
        Claim("F-1b-cross-symmetric", False, "1b", "H(p, q) = H(q, p)",
              lambda: claim("cross symmetric", ce_(p[i], q[i]), "=", ce_(q[i], p[i]),
                            "symmetry", DISCRETE), kind="swapped"),
        Claim("F-1c-kl-nonpositive", False, "1c", "bound the wrong way: D(p||q) <= 0",
              lambda: claim("wrong way", kl_(p[i], q[i]), "<=", 0, "Jensen (claimed)",
                            DISCRETE), kind="direction"),
        Claim("F-1c-cross-below-entropy", False, "1c",
              "Gibbs the wrong way: H(p, q) <= H(p)",
              lambda: claim("gibbs wrong way", ce_(p[i], q[i]), "<=", h_(p[i]),
                            "Gibbs (claimed)", DISCRETE), kind="direction"),
        Claim("F-1c-jensen-convex", False, "1c",
              "Jensen applied to the convex exp: sum w exp(x) <= exp(sum w x)",
              lambda: claim("jensen exp", sp.Sum(w[i] * sp.exp(xs[i]), LIM), "<=",
                            sp.exp(sp.Sum(w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.exp(u)), w[i], xs[i], LIM), WEIGHTS),
              kind="direction"),
        Claim("F-1c-jensen-reversed", False, "1c",
              "Jensen the wrong way: sum p log(q/p) >= log sum q (over the support of p)",
              lambda: claim("jensen reversed", sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), ">=",
                            sp.log(sp.Sum(q[i], LIM)),
                            jensen(sp.Lambda(u, sp.log(u)), p[i], q[i] / p[i], LIM), SUPPORT),
              kind="direction"),
        Claim("F-1c-jensen-unnormalised", False, "1c",
              "Jensen with weights 2 p_i (a normaliser lost): sum 2p log x <= log sum 2p x",
              lambda: claim("jensen weights", sp.Sum(2 * w[i] * sp.log(xs[i]), LIM), "<=",
                            sp.log(sp.Sum(2 * w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.log(u)), 2 * w[i], xs[i], LIM), WEIGHTS),
              kind="sign-factor"),
        Claim("F-1c-log-ge-sub-one", False, "1c",
              "log t >= t - 1 (Gibbs' lemma reversed), summed with weights p",
              lambda: claim("log >= t - 1", sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), ">=",
                            sp.Sum(p[i] * (q[i] / p[i] - 1), LIM),
                            log_le_sub_one(p[i], q[i] / p[i], LIM), DISCRETE), kind="direction"),
        Claim("F-1c-support", False, "1c",
              "missing support condition: over the support of p, sum q = 1 so log sum q = 0",
              lambda: claim("support", sp.log(sp.Sum(q[i], LIM)), "=", 0,
                            "sum_i q_i = 1 (claimed)", SUPPORT), kind="support"),
        Claim("F-1c-support-finite", False, "1c",
              "q = 0 where p > 0: D((1/2, 1/2) || (1, 0)) = (1/2) log(1/2) (finite; the true "
              "value is +inf)",
              lambda: claim("support finite", kl_pair(P_WS, (1, 0)), "=", HALF * sp.log(HALF),
                            "drop the outcome with q = 0 (claimed)"), kind="support"),
        Claim("F-1c-strict", False, "1c",
              "the Jensen chain claimed to give D(p||q) > 0 strictly (false for q = p)",
              lambda: with_statement(_kl_nonnegative()[0],
                                     sp.Gt(kl_(p[i], q[i]), 0, evaluate=False)), kind="direction"),
        Claim("F-1c-strict-at-equal", False, "1d",
              "D(p||q) > 0 when q = p (D is then 0)",
              lambda: claim("strict at q = p", kl_(p[i], q[i]), ">", 0, "Gibbs (claimed)",
                            DISCRETE.with_(rules=(Rule(q[sp.Wild("k")], p[sp.Wild("k")],
                                                       "q_k = p_k"),))), kind="direction"),
        Claim("F-1c-entropy-above-log-n", False, "1c",
              "maximum-entropy bound the wrong way: H(p) >= log n",
              lambda: claim("entropy >= log n", h_(p[i]), ">=", sp.log(n), "(claimed)",
                            DISCRETE), kind="direction"),
        Claim("F-1d-maximum", False, "1d",
              "D''(a) < 0 on (0, 1): a = b would be a maximum of the two-point KL",
              lambda: claim("maximum", sp.diff(two_point(), a, 2), "<", 0, "(claimed)", UNIT),
              kind="direction"),
        Claim("F-1d-stationary-half", False, "1d",
              "D'(a) = 0 at a = 1/2 whatever b",
              lambda: claim("stationary", sp.diff(two_point(), a).subs(a, HALF), "=", 0,
                            "(claimed)", UNIT), kind="algebra"),
    ]


def _kl_nonnegative() -> list[Derivation]:
    from derive.identities.kl import kl_nonnegative

    return kl_nonnegative()


def _part1_true() -> list[Claim]:
    ws = kl_pair(P_WS, Q_WS)
    return [
        Claim("T-1a-bits", True, "1a", "worksheet D(p||q) in bits = log2 5 - log2 3",
              lambda: claim("bits", ws / sp.log(2), "=", sp.log(5, 2) - sp.log(3, 2),
                            "log2 u = log u / log 2"), kind="base"),
        Claim("T-1a-power", True, "1a", "worksheet D(q||p) = log(3^(9/5) / 5)",
              lambda: claim("power", kl_pair(Q_WS, P_WS), "=",
                            sp.log(3 ** sp.Rational(9, 5) / 5), "log of a power"),
              kind="rewritten"),
        Claim("T-1b-minus-log-ratio", True, "1b", "D(p||q) = -sum p log(q/p)",
              lambda: claim("minus", kl_(p[i], q[i]), "=",
                            -sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), "log(1/u) = -log u",
                            DISCRETE), kind="rewritten"),
        Claim("T-1b-rearranged", True, "1b", "H(p) = H(p, q) - D(p||q) (1b rearranged)",
              lambda: claim("rearranged", h_(p[i]), "=", ce_(p[i], q[i]) - kl_(p[i], q[i]),
                            "1b", DISCRETE), kind="rewritten"),
        Claim("T-1b-split-sums", True, "1b",
              "rearranged sums with another index: D = sum_j p_j log p_j - sum_i p_i log q_i",
              lambda: claim("split", kl_(p[i], q[i]), "=",
                            sp.Sum(p[j] * sp.log(p[j]), (j, 1, n))
                            - sp.Sum(p[i] * sp.log(q[i]), LIM), "linearity", DISCRETE),
              kind="rewritten"),
        Claim("T-1b-bits", True, "1b",
              "the bits version: sum p log2(p/q) = (H(p, q) - H(p)) / log 2",
              lambda: claim("bits", sp.Sum(p[i] * sp.log(p[i] / q[i], 2), LIM), "=",
                            (ce_(p[i], q[i]) - h_(p[i])) / sp.log(2), "log2 u = log u / log 2",
                            DISCRETE), kind="base"),
        Claim("T-1b-base-10", True, "1b", "base 10: sum p log10(p/q) = D(p||q) / log 10",
              lambda: claim("base 10", sp.Sum(p[i] * sp.log(p[i] / q[i], 10), LIM), "=",
                            kl_(p[i], q[i]) / sp.log(10), "change of base", DISCRETE), kind="base"),
        Claim("T-1b-entropy-bits", True, "1b", "H_2(p) = -sum p log2 p = H(p) / log 2",
              lambda: claim("entropy bits", -sp.Sum(p[i] * sp.log(p[i], 2), LIM), "=",
                            h_(p[i]) / sp.log(2), "change of base", DISCRETE), kind="base"),
        Claim("T-1c-gibbs-cross-entropy", True, "1c",
              "Gibbs written as H(p, q) >= H(p), proved through log t <= t - 1",
              _gibbs_cross_entropy, kind="rewritten"),
        Claim("T-1c-jensen-concave-square", True, "1c",
              "Jensen for the concave -t^2: sum w (-x^2) <= -(sum w x)^2",
              lambda: claim("jensen square", sp.Sum(-w[i] * xs[i] ** 2, LIM), "<=",
                            -sp.Sum(w[i] * xs[i], LIM) ** 2,
                            jensen(sp.Lambda(u, -u**2), w[i], xs[i], LIM), WEIGHTS),
              kind="rewritten"),
        Claim("T-1d-second-derivative", True, "1d", "D''(a) = 1/a + 1/(1 - a)",
              lambda: claim("second derivative", sp.diff(two_point(), a, 2), "=",
                            1 / a + 1 / (1 - a), "differentiate", UNIT), kind="rewritten"),
        Claim("T-algebra-log-le-sub-one", True, "algebra", "log t <= t - 1 for t > 0",
              lambda: claim("log <= t - 1", sp.log(t), "<=", t - 1, log_le_sub_one(1, t)),
              kind="rewritten"),
    ]


def _gibbs_cross_entropy() -> Derivation:
    ce, h = ce_(p[i], q[i]), h_(p[i])
    ratio = q[i] / p[i]
    return Derivation(
        "H(p, q) >= H(p)", sp.Ge(ce, h, evaluate=False), h - ce,
        [Step("=", sp.Sum(p[i] * sp.log(ratio), LIM), "definitions; log(q/p) = log q - log p"),
         Step("<=", sp.Sum(p[i] * (ratio - 1), LIM), log_le_sub_one(p[i], ratio, LIM)),
         Step("=", sp.Sum(q[i], LIM) - 1, "linearity; sum p = 1"),
         Step("<=", 0, hypothesis(sp.Sum(q[i], LIM) - 1, "<=", 0))],
        SUPPORT, SECONDS)




def claims() -> list[Claim]:
    """Part 1's false variants, then its true ones."""
    return _part1_false() + _part1_true()
