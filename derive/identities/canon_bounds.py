"""Canon c3-c4: bounds by Jensen on an expectation: Gibbs for densities and the IWAE bound.

c3: D_KL(p || q) >= 0 for densities on the real line, by Jensen on the integral
(-KL = E_p[log q/p] <= log E_p[q/p] = log integral q = 0), and by log t <= t - 1 inside the
expectation (a monotone context).
c4: the importance-weighted bound L_k = E[log (1/k) sum_i w_i], w_i = p(x, z_i) / q(z_i),
z_1..z_k ~ q i.i.d.: L_1 = the ELBO; the average weight is unbiased, E[(1/k) sum_i w_i] = p(x);
hence L_k <= log p(x) by Jensen. The k-fold law is written as one abstract density Q of the
sample zeta = (z_1, ..., z_k) (the engine's expectations need explicit variables, and k is
symbolic); its unbiasedness is the second derivation, declared as a rule in the third.
L_k <= L_{k+1} (Burda et al., Thm 1b) is not proved here: its proof writes W_{k+1} as the
average of the k + 1 leave-one-out means and applies Jensen to that average *inside* the
(k+1)-fold expectation, an exchangeability argument the engine cannot express for symbolic k.
It is confirmed numerically instead (numeric.confirm.canon:confirm_c4, by quadrature).

References:
1. Cover & Thomas, Elements of Information Theory (2nd ed.), Thm 2.6.3 (for densities, 8.6.1).
2. Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016, Thm 1.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Density, Rule
from derive.engine.definitions import KL
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation
from derive.engine.inequalities import expect_both, integrable, jensen_expectation
from derive.engine.lemmas import log_le_sub_one
from derive.identities.elbo import BAYES, E, abstract_elbo, evidence, joint, q, z
from derive.identities.identity import Identity

x = sp.Symbol("x", real=True)
LINE = (x, -sp.oo, sp.oo)
pd = sp.Function("p", positive=True)
qd = sp.Function("q", positive=True)
t = sp.Symbol("t")
LOG = sp.Lambda(t, sp.log(t))
RATIO = qd(x) / pd(x)
GIBBS = Assumptions(densities=(Density(pd, x), Density(qd, x)),
                    notes=(integrable(RATIO, x, pd), integrable(sp.log(RATIO), x, pd),
                           integrable(RATIO - 1, x, pd)))


# ---------------------------------------------------------------- c3
def gibbs_densities(assumptions: Assumptions = GIBBS) -> list[Derivation]:
    """c3: KL(p || q) >= 0 for densities, by Jensen on E_p and by log t <= t - 1 under E_p."""
    kl = KL(pd(x), qd(x), LINE)
    by_jensen = Derivation(
        "densities: D_KL(p || q) >= 0 by Jensen on the integral", sp.Ge(kl, 0), -kl,
        [Step("=", Expectation(sp.log(RATIO), x, pd), "definition; -log(p/q) = log(q/p)",
              uses=("p, q > 0",)),
         Step("<=", sp.log(Expectation(RATIO, x, pd)), jensen_expectation(LOG, RATIO, x, pd),
              uses=("log concave on (0, oo)", "q/p > 0", "p a density",
                    "E_p|q/p|, E_p|log(q/p)| < oo")),
         Step("=", sp.log(sp.Integral(qd(x), LINE)), "p (q / p) = q", uses=("p > 0",)),
         Step("=", 0, "q is normalised", uses=("integral of q = 1",))],
        assumptions)
    by_gibbs = Derivation(
        "densities: D_KL(p || q) >= 0 by log t <= t - 1 under the expectation",
        sp.Ge(kl, 0), -kl,
        [Step("=", Expectation(sp.log(RATIO), x, pd), "definition; -log(p/q) = log(q/p)"),
         Step("<=", Expectation(RATIO - 1, x, pd),
              expect_both(log_le_sub_one(sp.S.One, RATIO), x, pd),
              uses=("log(q/p) <= q/p - 1 at every x", "p >= 0", "both sides integrable")),
         Step("=", sp.Integral(qd(x), LINE) - 1, "linearity; p is normalised"),
         Step("=", 0, "q is normalised")],
        assumptions)
    return [by_jensen, by_gibbs]


# ---------------------------------------------------------------- c4
zeta = sp.Symbol("zeta", real=True)  # the k-fold sample (z_1, ..., z_k), one symbol
i = sp.Symbol("i", integer=True)
k = sp.Symbol("k", integer=True, positive=True)
sample_law = sp.Function("Q", positive=True)  # the law of zeta: prod_i q(z_i)
mean_weight = sp.Function("W", positive=True)  # W_k(zeta) = (1/k) sum_i w(z_i)
UNBIASED = Assumptions(
    densities=(Density(q, z),),
    rules=(Rule(sp.Integral(joint(z), (z, -sp.oo, sp.oo)), evidence,
                "p(x) = integral of p(x, z) dz"),),
    notes=("x is fixed; each z_i is distributed as q (its marginal under the product law)",))
IWAE = Assumptions(
    densities=(Density(sample_law, zeta),),
    rules=(Rule(sp.Integral(sample_law(zeta) * mean_weight(zeta), (zeta, -sp.oo, sp.oo)),
                evidence, "E_{Q_k}[W_k] = p(x): the average weight is unbiased (above)"),),
    notes=(integrable(mean_weight(zeta), zeta, sample_law),
           integrable(sp.log(mean_weight(zeta)), zeta, sample_law)))


def iwae_bound(assumptions: Assumptions = IWAE) -> list[Derivation]:
    """c4: L_1 = ELBO; E[W_k] = p(x) for symbolic k; L_k <= log p(x) by Jensen."""
    weight = joint(z) / q(z)
    l1 = Derivation(
        "k = 1: L_1 = E_q[log p(x, z) / q(z)] is the ELBO E_q[log p(x|z)] - D_KL(q || p(z))",
        sp.Eq(E(sp.log(weight)), abstract_elbo(), evaluate=False), E(sp.log(weight)),
        [Step("=", E(sp.log(joint(z)) - sp.log(q(z))), "log of a quotient (both > 0)"),
         Step("=", abstract_elbo(), "product rule p(x, z) = p(x|z) p(z); linearity; "
                                    "definition of D_KL(q || p(z))",
              uses=("p(x,z) = p(x|z) p(z)",))],
        BAYES)
    each = sp.Sum(E(weight) / k, (i, 1, k))
    unbiased = Derivation(
        "the average weight is unbiased: (1/k) sum_i E_{z_i~q}[p(x, z_i) / q(z_i)] = p(x)",
        sp.Eq(each, evidence, evaluate=False), each,
        [Step("=", evidence, "E_q[p(x,z)/q(z)] = integral of p(x,z) dz = p(x); "
                             "k equal terms over k")],
        UNBIASED)
    lk = Expectation(sp.log(mean_weight(zeta)), zeta, sample_law)
    bound = Derivation(
        "L_k = E[log W_k] <= log p(x) (Jensen on the k-fold expectation)",
        sp.Le(lk, sp.log(evidence)), lk,
        [Step("<=", sp.log(Expectation(mean_weight(zeta), zeta, sample_law)),
              jensen_expectation(LOG, mean_weight(zeta), zeta, sample_law),
              uses=("log concave", "W_k > 0", "Q_k a density", "E|W_k|, E|log W_k| < oo")),
         Step("=", sp.log(evidence), "unbiasedness: E[W_k] = p(x)",
              uses=("E_{Q_k}[W_k] = p(x)",))],
        assumptions)
    return [l1, unbiased, bound]


IDENTITIES = [
    Identity("c3", "gibbs-densities", "c3", "D_KL(p || q) >= 0 for densities (Jensen on the "
             "integral)", gibbs_densities, confirmations=("numeric.confirm.canon:confirm_c3",),
             summary="Jensen on E_p with its integrability conditions declared; and log t <= "
                     "t - 1 under the expectation (a monotone context)", section="canon"),
    Identity("c4", "iwae-bound", "c4", "the IWAE bound: L_1 = ELBO, L_k <= log p(x)",
             iwae_bound, confirmations=("numeric.confirm.canon:confirm_c4",),
             summary="L_1 = ELBO and E[W_k] = p(x) proved, L_k <= log p(x) by Jensen on the "
                     "k-fold expectation; L_k <= L_{k+1} confirmed by quadrature only (its "
                     "exchangeability proof is beyond the engine)", section="canon"),
]
