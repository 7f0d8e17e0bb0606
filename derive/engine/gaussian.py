"""Gaussian closed forms as SymPy expressions, each derived from its definition by the engine.

The log-density of N(m, v), KL(N(m1, v1) || N(m2, v2)) (scalar and diagonal) and, for the VAE,
KL(N(mu, exp(logvar)) || N(0, 1)) = (mu^2 + exp(logvar) - 1 - logvar) / 2 per coordinate.
`derivations()` proves each as E_q[log q - log p] with the moment-based expectation, so the
training code that imports `KL_TO_STANDARD_NORMAL` uses the formula the proofs check.

Use in torch (this module never imports torch):

    f = sympy.lambdify((MU, LOGVAR), KL_TO_STANDARD_NORMAL,
                       modules=[{"exp": torch.exp, "log": torch.log}])
    kl = f(mu, logvar).sum(-1)        # mu, logvar: tensors of shape (batch, latent)

or `lambdify_kl_to_standard_normal([{"exp": torch.exp, "log": torch.log}])`.

>>> sp.expand(KL_TO_STANDARD_NORMAL)
mu**2/2 - logvar/2 + exp(logvar)/2 - 1/2

References: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Appendix B;
Bishop, "Pattern Recognition and Machine Learning", 2006, eq. (2.43).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import DiagNormal, Expectation, Normal

MU = sp.Symbol("mu", real=True)
LOGVAR = sp.Symbol("logvar", real=True)
Z = sp.Symbol("z", real=True)


def log_density(z: sp.Expr, mean: sp.Expr, var: sp.Expr) -> sp.Expr:
    """log N(z; mean, var) = -log(2 pi var)/2 - (z - mean)^2 / (2 var), a quadratic in z."""
    return Normal(mean, var).log_pdf(z)


def kl_normal(m1: sp.Expr, v1: sp.Expr, m2: sp.Expr, v2: sp.Expr) -> sp.Expr:
    """KL(N(m1, v1) || N(m2, v2)) = (log(v2 / v1) + (v1 + (m1 - m2)^2) / v2 - 1) / 2."""
    return (sp.log(v2) - sp.log(v1) + (v1 + (m1 - m2) ** 2) / v2 - 1) / 2


def kl_diag_normal(m1: Sequence, v1: Sequence, m2: Sequence, v2: Sequence) -> sp.Expr:
    """KL between two diagonal normals: the sum of the coordinates' scalar KLs."""
    if not len(m1) == len(v1) == len(m2) == len(v2):
        raise ValueError("kl_diag_normal: means and variances must have the same length")
    return sp.Add(*[kl_normal(*c) for c in zip(m1, v1, m2, v2, strict=True)])


def kl_to_standard_normal(mu: sp.Expr, logvar: sp.Expr) -> sp.Expr:
    """KL(N(mu, exp(logvar)) || N(0, 1)) = (mu^2 + exp(logvar) - 1 - logvar) / 2."""
    return (mu**2 + sp.exp(logvar) - 1 - logvar) / 2


KL_TO_STANDARD_NORMAL = kl_to_standard_normal(MU, LOGVAR)


def lambdify_kl_to_standard_normal(modules: object = "math") -> Callable:
    """KL_TO_STANDARD_NORMAL as a function of (mu, logvar) for the given lambdify modules."""
    return sp.lambdify((MU, LOGVAR), KL_TO_STANDARD_NORMAL, modules=modules)


def kl_as_expectation(z: sp.Symbol | tuple, q: Normal | DiagNormal,
                      p: Normal | DiagNormal) -> Expectation:
    """KL(q || p) by its definition E_{z~q}[log q(z) - log p(z)] (Gaussian laws)."""
    return Expectation(q.log_pdf(z) - p.log_pdf(z), z, q)


def derivations() -> list[Derivation]:
    """Each closed form above, derived from E_q[log q - log p] by exact Gaussian moments."""
    m1, m2 = sp.symbols("m1 m2", real=True)
    v1, v2 = sp.symbols("v1 v2", positive=True)
    z, n1, n2 = Z, Normal(m1, v1), Normal(m2, v2)
    kl = kl_as_expectation(z, n1, n2)
    scalar = Derivation(
        "KL(N(m1, v1) || N(m2, v2)) from E_q[log q - log p]",
        sp.Eq(kl, kl_normal(m1, v1, m2, v2), evaluate=False), kl,
        [Step("=", Expectation(-sp.log(v1) / 2 + sp.log(v2) / 2 - (z - m1) ** 2 / (2 * v1)
                               + (z - m2) ** 2 / (2 * v2), z, n1),
              "log-densities of normals; the log(2 pi) terms cancel"),
         Step("=", -sp.log(v1) / 2 + sp.log(v2) / 2 - v1 / (2 * v1)
              + (v1 + (m1 - m2) ** 2) / (2 * v2),
              "Gaussian moments: E(z - m1)^2 = v1, E(z - m2)^2 = v1 + (m1 - m2)^2",
              uses=("v1, v2 > 0",))])
    sigma2 = sp.exp(LOGVAR)
    q, prior = Normal(MU, sigma2), Normal(0, 1)
    kl0 = kl_as_expectation(z, q, prior)
    standard = Derivation(
        "KL(N(mu, exp(logvar)) || N(0, 1)) = (mu^2 + exp(logvar) - 1 - logvar) / 2",
        sp.Eq(kl0, KL_TO_STANDARD_NORMAL, evaluate=False), kl0,
        [Step("=", Expectation(-LOGVAR / 2 - (z - MU) ** 2 / (2 * sigma2) + z**2 / 2, z, q),
              "log-densities; log exp(logvar) = logvar (logvar real)"),
         Step("=", KL_TO_STANDARD_NORMAL,
              "Gaussian moments: E(z - mu)^2 = sigma^2, E z^2 = mu^2 + sigma^2 "
              "(Kingma & Welling 2014, App. B)")])
    ms = sp.symbols("a1 a2", real=True)
    vs = sp.symbols("u1 u2", positive=True)
    ns = sp.symbols("c1 c2", real=True)
    ws = sp.symbols("w1 w2", positive=True)
    zs = sp.symbols("z1 z2", real=True)
    qd, pd = DiagNormal(ms, vs), DiagNormal(ns, ws)
    kld = kl_as_expectation(zs, qd, pd)
    diagonal = Derivation(
        "KL between diagonal normals (dimension 2) is the sum over coordinates",
        sp.Eq(kld, kl_diag_normal(ms, vs, ns, ws), evaluate=False), kld,
        [Step("=", sp.Add(*[kl_as_expectation(zi, Normal(a, u), Normal(c, w))
                            for zi, a, u, c, w in zip(zs, ms, vs, ns, ws, strict=True)]),
              "log-densities add over independent coordinates; linearity; each coordinate's "
              "expectation only involves its own law"),
         Step("=", kl_diag_normal(ms, vs, ns, ws), "the scalar closed form, coordinatewise")])
    mean, var = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    normalised = Derivation(
        "E_{z~N(m, v)}[log N(z; m, v)] = -(1 + log(2 pi v)) / 2 (minus the entropy)",
        sp.Eq(Expectation(log_density(z, mean, var), z, Normal(mean, var)),
              -(1 + sp.log(2 * sp.pi * var)) / 2, evaluate=False),
        Expectation(log_density(z, mean, var), z, Normal(mean, var)),
        [Step("=", -(1 + sp.log(2 * sp.pi * var)) / 2, "Gaussian moment E(z - m)^2 = v")])
    return [scalar, standard, diagonal, normalised]
