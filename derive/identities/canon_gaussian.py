"""Canon c1-c2: the Gaussian KL divergences, in closed form, from their definitions.

c1: KL(N(mu1, s1^2) || N(mu2, s2^2)) = log(s2 / s1) + (s1^2 + (mu1 - mu2)^2) / (2 s2^2) - 1/2,
from E_q[log q - log p] by exact Gaussian moments, and >= 0 by Gibbs for normal laws.
c2: KL(N(mu, diag s^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + s_j^2 - 1 - log s_j^2) for symbolic J:
the KL of independent coordinates is the sum of the coordinates' KLs (shown for J = 3 with
the joint law, then used for symbolic J as the sum of per-coordinate expectations), each
coordinate by moments; and the VAE's form with s_j^2 = exp(logvar_j), the formula the training
code imports (`derive.engine.gaussian.KL_TO_STANDARD_NORMAL`). Mathlib has no Gaussian KL
closed form.

References:
1. Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Appendix B.
2. Bishop, "Pattern Recognition and Machine Learning", 2006, eq. (2.43) and Exercise 1.30.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import DiagNormal, Expectation, Normal
from derive.engine.gaussian import KL_TO_STANDARD_NORMAL, LOGVAR, MU, kl_as_expectation
from derive.engine.lemmas import gibbs
from derive.identities.identity import Identity

z = sp.Symbol("z", real=True)
mu1, mu2 = sp.symbols("mu1 mu2", real=True)
s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
j = sp.Symbol("j", integer=True)
J = sp.Symbol("J", integer=True, positive=True)
mu = sp.IndexedBase("mu", real=True)
sigma = sp.IndexedBase("sigma", positive=True)
logvar = sp.IndexedBase("logvar", real=True)
JLIM = (j, 1, J)


def kl_normal_closed_form(m1: sp.Expr, sd1: sp.Expr, m2: sp.Expr, sd2: sp.Expr) -> sp.Expr:
    """log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2, in standard deviations."""
    return sp.log(sd2 / sd1) + (sd1**2 + (m1 - m2) ** 2) / (2 * sd2**2) - sp.Rational(1, 2)


def per_coordinate(m: sp.Expr, var: sp.Expr) -> sp.Expr:
    """(m^2 + var - 1 - log var) / 2: one coordinate of KL(N(m, var) || N(0, 1))."""
    return (m**2 + var - 1 - sp.log(var)) / 2


# ---------------------------------------------------------------- c1
def kl_gaussian() -> list[Derivation]:
    """c1: the scalar closed form from the definition, and its nonnegativity."""
    q, p = Normal(mu1, s1**2), Normal(mu2, s2**2)
    kl = kl_as_expectation(z, q, p)
    closed = kl_normal_closed_form(mu1, s1, mu2, s2)
    by_moments = Derivation(
        "KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) = log(sigma2/sigma1) + "
        "(sigma1^2 + (mu1 - mu2)^2) / (2 sigma2^2) - 1/2",
        sp.Eq(kl, closed, evaluate=False), kl,
        [Step("=", Expectation(sp.log(s2 / s1) - (z - mu1) ** 2 / (2 * s1**2)
                               + (z - mu2) ** 2 / (2 * s2**2), z, q),
              "the log-densities; the log(2 pi) terms cancel", uses=("sigma1, sigma2 > 0",)),
         Step("=", sp.log(s2 / s1) - s1**2 / (2 * s1**2)
              + (s1**2 + (mu1 - mu2) ** 2) / (2 * s2**2),
              "Gaussian moments: E(z - mu1)^2 = sigma1^2, "
              "E(z - mu2)^2 = sigma1^2 + (mu1 - mu2)^2"),
         Step("=", closed, "sigma1^2 / (2 sigma1^2) = 1/2")])
    nonneg = Derivation(
        "the closed form is >= 0 (Gibbs' inequality for two normal laws)",
        sp.Ge(closed, 0), -closed,
        [Step("=", -kl, "the derivation above"),
         Step("<=", 0, gibbs(q, p, z), uses=("sigma1^2 > 0", "sigma2^2 > 0"))])
    return [by_moments, nonneg]


# ---------------------------------------------------------------- c2
def kl_diag_standard() -> list[Derivation]:
    """c2: additivity over coordinates (J = 3), then the closed form for symbolic J."""
    zs = sp.symbols("z1:4", real=True)
    ms = sp.symbols("m1:4", real=True)
    ss = sp.symbols("s1:4", positive=True)
    joint_q = DiagNormal(ms, [sd**2 for sd in ss])
    joint_p = DiagNormal((0, 0, 0), (1, 1, 1))
    joint = kl_as_expectation(zs, joint_q, joint_p)
    coords = sp.Add(*[kl_as_expectation(zk, Normal(mk, sk**2), Normal(0, 1))
                      for zk, mk, sk in zip(zs, ms, ss, strict=True)])
    additive = Derivation(
        "J = 3: KL(N(m, diag s^2) || N(0, I)) is the sum of the coordinates' KLs",
        sp.Eq(joint, coords, evaluate=False), joint,
        [Step("=", coords, "log-densities of independent coordinates add; linearity; each "
                           "coordinate's expectation involves only its own law")])
    q_j = Normal(mu[j], sigma[j] ** 2)
    sum_kl = sp.Sum(kl_as_expectation(z, q_j, Normal(0, 1)), JLIM)
    closed = sp.Sum(per_coordinate(mu[j], sigma[j] ** 2), JLIM)
    symbolic = Derivation(
        "symbolic J: sum_j KL(N(mu_j, sigma_j^2) || N(0, 1)) = "
        "1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)",
        sp.Eq(sum_kl, closed, evaluate=False), sum_kl,
        [Step("=", sp.Sum(Expectation(-sp.log(sigma[j]) - (z - mu[j]) ** 2 / (2 * sigma[j] ** 2)
                                      + z**2 / 2, z, q_j), JLIM),
              "the log-densities; the log(2 pi) terms cancel", uses=("sigma_j > 0",)),
         Step("=", sp.Sum(-sp.log(sigma[j]) - sp.Rational(1, 2)
                          + (mu[j] ** 2 + sigma[j] ** 2) / 2, JLIM),
              "Gaussian moments: E(z - mu_j)^2 = sigma_j^2, E z^2 = mu_j^2 + sigma_j^2"),
         Step("=", closed, "log sigma_j^2 = 2 log sigma_j (sigma_j > 0)")])
    q_lv = Normal(mu[j], sp.exp(logvar[j]))
    sum_lv = sp.Sum(kl_as_expectation(z, q_lv, Normal(0, 1)), JLIM)
    vae_term = sp.Sum(KL_TO_STANDARD_NORMAL.xreplace({MU: mu[j], LOGVAR: logvar[j]}), JLIM)
    vae = Derivation(
        "symbolic J, the VAE's parameterisation sigma_j^2 = exp(logvar_j): the KL term the "
        "training code imports",
        sp.Eq(sum_lv, vae_term, evaluate=False), sum_lv,
        [Step("=", vae_term, "log-densities (log exp(logvar_j) = logvar_j, logvar_j real); "
                             "Gaussian moments (Kingma & Welling 2014, App. B)")])
    return [additive, symbolic, vae]


IDENTITIES = [
    Identity("c1", "kl-gaussian", "c1",
             "KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) in closed form", kl_gaussian,
             confirmations=("numeric.confirm.canon:confirm_c1",),
             summary="from E_q[log q - log p] by exact moments; >= 0 by Gibbs for normal laws",
             section="canon"),
    Identity("c2", "kl-diag-standard", "c2",
             "KL(N(mu, diag sigma^2) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - "
             "log sigma_j^2), symbolic J", kl_diag_standard,
             confirmations=("numeric.confirm.canon:confirm_c2",),
             summary="additivity over independent coordinates (J = 3), then per coordinate by "
                     "moments for symbolic J; the VAE's logvar form (Kingma & Welling, App. B)",
             section="canon"),
]
