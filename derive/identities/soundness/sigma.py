"""The standard deviation and the variance confused: N(m, v) takes the variance v = sigma^2.

The project's Normal(mean, var) and log_density(z, mean, var) take the variance; each false
claim puts sigma where sigma^2 belongs (or the reverse).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.expectation import Expectation, Normal
from derive.engine.gaussian import kl_as_expectation, log_density
from derive.identities.soundness.core import QUICK, Claim, claim, false, true

Z = sp.Symbol("z", real=True)
E = sp.Symbol("e", real=True)
M, MU, L = sp.Symbol("m", real=True), sp.Symbol("mu", real=True), sp.Symbol("l", real=True)
S, S1, S2 = sp.symbols("sigma sigma1 sigma2", positive=True)


def _eq(lhs: sp.Expr, rhs: sp.Expr) -> object:
    return lambda: claim("sigma", lhs, "=", rhs, "Gaussian moments (claimed)", seconds=QUICK)


def claims() -> list[Claim]:
    """sigma for sigma^2 and back, then the same quantities written right."""
    std = Normal(0, 1)
    kl_std = kl_as_expectation(Z, Normal(MU, S**2), std)
    return [
        false("F-sigma-law-parameter", "sigma", "2b",
              "E_{z~N(m, sigma)}[(z - m)^2] = sigma^2 (the law's second argument is the "
              "variance: it is sigma)",
              _eq(Expectation((Z - M) ** 2, Z, Normal(M, S)), S**2)),
        false("F-sigma-log-density-normaliser", "sigma", "2b",
              "log N(z; m, sigma^2) = -log(2 pi sigma)/2 - (z - m)^2/(2 sigma^2)",
              _eq(log_density(Z, M, S**2), -sp.log(2 * sp.pi * S) / 2 - (Z - M) ** 2 / (2 * S**2))),
        false("F-sigma-entropy", "sigma", "2b",
              "-E_{N(m, sigma^2)}[log N(z; m, sigma^2)] = (1 + log(2 pi sigma))/2",
              _eq(-Expectation(log_density(Z, M, S**2), Z, Normal(M, S**2)),
                  (1 + sp.log(2 * sp.pi * S)) / 2)),
        false("F-sigma-kl-ratio", "sigma", "2b",
              "KL(N(0, s1^2) || N(0, s2^2)) = log(s2/s1) + s1/(2 s2) - 1/2 (s1^2/s2^2 belongs)",
              _eq(kl_as_expectation(Z, Normal(0, S1**2), Normal(0, S2**2)),
                  sp.log(S2 / S1) + S1 / (2 * S2) - sp.Rational(1, 2))),
        false("F-sigma-vae-linear", "sigma", "2b",
              "KL(N(mu, sigma^2) || N(0, 1)) = (mu^2 + sigma - 1)/2 - log sigma",
              _eq(kl_std, (MU**2 + S - 1) / 2 - sp.log(S))),
        false("F-sigma-vae-log-sigma", "sigma", "2b",
              "KL(N(mu, sigma^2) || N(0, 1)) = (mu^2 + sigma^2 - 1 - log sigma)/2 "
              "(log sigma^2 belongs)",
              _eq(kl_std, (MU**2 + S**2 - 1 - sp.log(S)) / 2)),
        false("F-sigma-reparam-variance-as-scale", "sigma", "2d",
              "E_{x~N(m, v)}[x^4] = E_{e~N(0,1)}[(m + v e)^4] (the scale is sqrt v)",
              _eq(Expectation(Z**4, Z, Normal(M, S)), Expectation((M + S * E) ** 4, E, std))),
        false("F-sigma-density-peak", "sigma", "2b",
              "N(m; m, sigma^2) = 1/sqrt(2 pi sigma)",
              _eq(Normal(M, S**2).pdf(M), 1 / sp.sqrt(2 * sp.pi * S))),
        true("T-sigma-fourth-central", "sigma", "2b", "E_{N(m, sigma^2)}[(z - m)^4] = 3 sigma^4",
             _eq(Expectation((Z - M) ** 4, Z, Normal(M, S**2)), 3 * S**4)),
        true("T-sigma-variance-fourth", "sigma", "2b", "E_{N(0, v)}[z^4] = 3 v^2 for v > 0",
             _eq(Expectation(Z**4, Z, Normal(0, S)), 3 * S**2)),
        true("T-sigma-log-std", "sigma", "2b",
             "KL(N(mu, exp(2 l)) || N(0, 1)) = (mu^2 + exp(2 l) - 1)/2 - l (l = log sigma)",
             _eq(kl_as_expectation(Z, Normal(MU, sp.exp(2 * L)), std),
                 (MU**2 + sp.exp(2 * L) - 1) / 2 - L)),
        true("T-sigma-reparam-scale", "sigma", "2d",
             "E_{x~N(m, sigma^2)}[x^4] = E_{e~N(0,1)}[(m + sigma e)^4]",
             _eq(Expectation(Z**4, Z, Normal(M, S**2)), Expectation((M + S * E) ** 4, E, std))),
        true("T-sigma-density-peak", "sigma", "2b", "N(m; m, sigma^2) = 1/(sigma sqrt(2 pi))",
             _eq(Normal(M, S**2).pdf(M), 1 / (S * sp.sqrt(2 * sp.pi)))),
    ]
