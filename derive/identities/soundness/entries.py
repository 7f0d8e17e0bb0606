"""Entry intervals, Jensen read in integrals, and <= between equal sides, attacked.

Three rules reach far with little text: `% assume: p_j \\in (0, 1)` writes every entry p_k as
the image of its own positive u_k (and log of a product of positive factors splits); Jensen
is found in `\\int q(z) \\log g \\, dz \\le \\log \\int q(z) g \\, dz` for a declared density q;
and a non-strict step whose sides are proved equal is proved. The false claims are their
neighbours: an entry interval leaking to another family, to a family named like the
engine's own, or made per entry; a weight that is no density in the integrated variable
(a likelihood g(x|z), integrated over z), unnormalised, not over the real line, or the
bound reversed; equal sides for a strict step. The true ones are the rules' cases written
unusually (every entry, two indices, a reversed range, an infinite interval).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.identities.soundness.core import QUICK, Claim, claim, false, latex, true

ENTRY = r"% assume: p_j \in (0, 1)"
ENTRIES = ENTRY + "\n% assume: n natural"
POSITIVE = "% assume: x_j > 0\n% assume: n natural"
PRIOR = r"""% assume: g(x|z) density over x
% assume: p(z) density over z
% assume: g(x) = \int g(x|z)p(z)dz"""
WEIGHT = r"""% assume: q(z) density over z
% assume: h(z) > 0
% assume: k function
% assume: k(x) = \int q(z) h(z) dz"""
JENSEN = r"\int q(z) \log h(z) dz &\le \log \int q(z) h(z) dz"


def _image_family() -> object:
    """p_1 = u_p1 / (1 + u_p1) for a positive family the user named u_p (the engine's image
    family of p was named u_p too, so this was proved)."""
    p, u = sp.IndexedBase("p"), sp.IndexedBase("u_p", positive=True)
    a = Assumptions(intervals=((sp.Symbol("p[j]", positive=True), sp.Interval.open(0, 1)),))
    return lambda: claim("image family", p[1], "=", u[1] / (1 + u[1]), "(claimed)", a, QUICK)


def claims() -> list[Claim]:
    """Neighbours of the three rules, false then true."""
    return [
        false("F-entries-likelihood-weight", "undeclared", "2b",
              "int g(x|z) log p(z) dz <= log int g(x|z) p(z) dz: g(x|z) is a density over x, "
              "no density in z (g = N(x; 2z, 1) integrates to 1/2 over z), so this is not "
              "Jensen (it was proved)",
              latex(PRIOR, r"\int g(x|z) \log p(z) dz &\le \log \int g(x|z) p(z) dz", 5.0)),
        false("F-entries-likelihood-kl", "undeclared", "1b",
              "int g(x|z) log(g(x|z)/p(z)) dz >= 0: Gibbs needs g normalised in z (g = "
              "N(x; 2z, 1), p = g/int g dz: the left side is (1/2) log(1/2)); it was proved",
              latex(PRIOR, r"\int g(x|z) \log \frac{g(x|z)}{p(z)} dz &\ge 0", 5.0)),
        false("F-entries-image-family", "undeclared", "algebra",
              "p_1 = u_p1/(1 + u_p1) for p_j in (0, 1) and an unrelated positive family u_p "
              "(the engine's image family had that very name; it was proved)", _image_family()),
        false("F-entries-index-bound", "undeclared", "algebra",
              "log((j - p_k)^2) = 2 log(j - p_k) for p_j in (0, j): the bound of p_k is k, "
              "not j (j = 1, p_3 = 2); it was proved, the header is now refused",
              latex(ENTRY.replace("(0, 1)", "(0, j)") + "\n% assume: j > 0",
                    r"\log((j - p_k)^2) &= 2\log(j - p_k)")),
        false("F-entries-other-family", "undeclared", "algebra",
              "log((1 - q_k)^2) = 2 log(1 - q_k) where only the entries of p are in (0, 1)",
              latex(ENTRY, r"\log((1 - q_k)^2) &= 2\log(1 - q_k)")),
        false("F-entries-wider-interval", "branch", "algebra",
              "log((1 - p_k)^2) = 2 log(1 - p_k) for p_j in (0, 2) (false at p_k = 3/2)",
              latex(ENTRY.replace("(0, 1)", "(0, 2)"), r"\log((1 - p_k)^2) &= 2\log(1 - p_k)")),
        false("F-entries-two-entries", "branch", "algebra",
              "log((p_k - p_m)^2) = 2 log(p_k - p_m): each entry in (0, 1), not their difference",
              latex(ENTRY, r"\log((p_k - p_m)^2) &= 2\log(p_k - p_m)")),
        false("F-entries-product-of-squares", "branch", "algebra",
              "log prod (p_j - 1/2)^2 = 2 sum log(p_j - 1/2): a square is positive, its root "
              "need not be",
              latex(ENTRIES, r"\log \prod_{j=1}^{n} (p_j - \frac{1}{2})^2 &= "
                             r"2\sum_{j=1}^{n} \log (p_j - \frac{1}{2})")),
        false("F-entries-product-from-zero", "sums", "algebra",
              "log prod_{j=0}^{n} x_j = sum_{j=1}^{n} log x_j (the factor x_0 dropped)",
              latex(POSITIVE, r"\log \prod_{j=0}^{n} x_j &= \sum_{j=1}^{n} \log x_j")),
        false("F-entries-empty-sum-strict", "convention", "algebra",
              "sum_{j=1}^{n-1} log(1 - p_j) < 0 for n >= 1: at n = 1 the sum is empty, 0",
              latex(ENTRIES, r"\sum_{j=1}^{n-1} \log(1 - p_j) &< 0")),
        false("F-entries-equal-sides-strict", "direction", "algebra",
              "log prod (1 - p_j) < sum log(1 - p_j): the sides are equal, so not strictly",
              latex(ENTRIES, r"\log \prod_{j=1}^{n} (1-p_j) &< \sum_{j=1}^n \log (1-p_j)")),
        false("F-entries-equal-complex-sides", "branch", "algebra",
              "sqrt(-1) >= sqrt(-1): equal sides, but i is not a real number and no inequality "
              "holds between non-real values (it was proved by sign analysis of the gap 0)",
              latex("", r"\sqrt{-1} &\ge \sqrt{-1}")),
        false("F-entries-equal-log-of-negative", "branch", "algebra",
              "log(-1) <= log(-1): i pi is not real (it was proved)",
              latex("", r"\log(-1) &\le \log(-1)")),
        false("F-entries-equal-sides-hole", "undefined", "algebra",
              "(x^2 - 1)/(x - 1) <= x + 1: equal where defined, undefined at x = 1",
              latex("", r"\frac{x^2-1}{x-1} &\le x + 1")),
        false("F-entries-jensen-reversed", "direction", "1c",
              "log int q h dz <= int q log h dz: Jensen written with integrals, reversed",
              latex(WEIGHT, r"\log \int q(z) h(z) dz &\le \int q(z) \log h(z) dz")),
        false("F-entries-jensen-half-line", "support", "1c",
              "int_0^oo q log h dz <= log int_0^oo q h dz: q is not normalised on [0, oo)",
              latex(WEIGHT, r"\int_0^{\infty} q(z) \log h(z) dz &\le "
                            r"\log \int_0^{\infty} q(z) h(z) dz")),
        false("F-entries-jensen-undeclared-weight", "undeclared", "1c",
              "int r log h dz <= log int r h dz for an r nobody declared a density",
              latex(WEIGHT.replace("q(z) h", "r(z) h"), JENSEN.replace("q(z)", "r(z)"))),
        false("F-entries-jensen-doubled-weight", "sign-factor", "1c",
              "int 2q log h dz <= log int 2q h dz: 2q is no density (h = e^10: 20 > 10.7)",
              latex(WEIGHT.replace("q(z) h", "2 q(z) h"), JENSEN.replace("q(z)", "2 q(z)"))),
        true("T-entries-log-product", "rewritten", "algebra",
             "log prod (1 - p_j) = sum log(1 - p_j) for p_j in (0, 1): each factor positive",
             latex(ENTRIES, r"\log \prod_{j=1}^{n} (1-p_j) &= \sum_{j=1}^{n} \log (1-p_j)")),
        true("T-entries-log-product-negative", "rewritten", "algebra",
             "log prod_{j=1}^{n} (1 - p_j) < 0 for n >= 1 and p_j in (0, 1)",
             latex(ENTRIES, r"\log \prod_{j=1}^{n} (1 - p_j) &< 0")),
        true("T-entries-equal-sides-ge", "rewritten", "algebra",
             "log prod (1 - p_j) >= sum log(1 - p_j): an equality written as >=",
             latex(ENTRIES, r"\log \prod_{j=1}^{n} (1-p_j) &\ge \sum_{j=1}^n \log (1-p_j)")),
        true("T-entries-equal-sides-integrals", "rewritten", "2b",
             "int (log g - log(q/p)) q dz >= int q log g dz - int q log(q/p) dz: linearity "
             "written as >= (sign analysis cannot see it; the sides are proved equal)",
             latex(PRIOR + "\n% assume: q(z|x) density over z",
                   r"\int (\log g(x|z) - \log(\frac{q(z|x)}{p(z)})) q(z|x) dz &\ge "
                   r"\int \log g(x|z) q(z|x) dz - \int \log(\frac{q(z|x)}{p(z)}) q(z|x) dz",
                   5.0)),
        true("T-entries-two-indices", "rewritten", "algebra",
             "log((1 - p_{ik})^2) = 2 log(1 - p_{ik}): every entry of p, with two indices",
             latex(ENTRY, r"\log((1 - p_{ik})^2) &= 2\log(1 - p_{ik})")),
        true("T-entries-reversed-product", "convention", "algebra",
             "log prod_{j=n}^{1} x_j = sum_{j=n}^{1} log x_j: equal in every convention for "
             "a reversed range (empty, Karr's, or read as 1..n)",
             latex(POSITIVE, r"\log \prod_{j=n}^{1} x_j &= \sum_{j=n}^{1} \log x_j")),
        true("T-entries-left-infinite", "domain", "algebra",
             "log((1 - p_k)^2) = 2 log(1 - p_k) for p_j in (-oo, 1) (false for p_k > 1)",
             latex(ENTRY.replace("(0, 1)", r"(-\infty, 1)"),
                   r"\log((1 - p_k)^2) &= 2\log(1 - p_k)")),
        true("T-entries-prior-weight", "rewritten", "2b",
             "int p(z) log g(x|z) dz <= log int g(x|z) p(z) dz: Jensen with the prior, a "
             "density over z, as the weight",
             latex(PRIOR, r"\int p(z) \log g(x|z) dz &\le \log \int g(x|z) p(z) dz", 5.0)),
        true("T-entries-likelihood-over-x", "rewritten", "2b",
             "int g(x|z) dx = 1 for g(x|z) a density over x",
             latex("% assume: g(x|z) density over x", r"\int g(x|z) dx &= 1")),
    ]
