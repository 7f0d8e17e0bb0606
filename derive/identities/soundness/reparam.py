"""The soundness catalogue, 2d-2e: the reparameterization gradient and the VAE's sample."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.engine.derivation import Derivation
from derive.identities.soundness.core import Claim, claim


def _reparam_wrong(name: str) -> Callable:
    def build() -> Derivation:
        from derive.identities.reparam import wrong_claims

        return wrong_claims(concrete=True)[name]

    return build


def _grad_claim(title: str, rhs: Callable[[sp.Expr, sp.Expr, sp.Symbol], sp.Expr]) -> Callable:
    """d/dtheta E[x^2], x ~ N(mu, sigma^2), mu = a + b theta, sigma = exp(c + d theta)."""

    def build() -> Derivation:
        from derive.engine.expectation import Expectation, Normal
        from derive.identities.reparam import instance, theta, x

        mu, sigma = instance(theta)
        lhs = sp.Derivative(Expectation(x**2, x, Normal(mu, sigma**2)), theta)
        return claim(title, lhs, "=", rhs(mu, sigma, theta), "(claimed)")

    return build


def _reparam_false() -> list[Claim]:
    return [
        Claim("F-2d-missing-factor", False, "2d",
              "2 mu grad mu + sigma grad sigma (a factor 2 lost)",
              _reparam_wrong("missing-factor"), kind="sign-factor"),
        Claim("F-2d-eps-depends", False, "2d",
              "eps = (x - mu)/sigma treated as depending on theta: gradient 0",
              _reparam_wrong("eps-depends-on-theta"), kind="parameter"),
        Claim("F-2d-exchange-under-law", False, "2d",
              "d/dtheta and E_x exchanged although the law depends on theta: gradient 0",
              _reparam_wrong("exchange-under-theta-law"), kind="parameter"),
        Claim("F-2d-score-without-log", False, "2d",
              "score function with grad mu in place of grad log N",
              _reparam_wrong("score-without-log"), kind="algebra"),
        Claim("F-2d-sigma-dropped", False, "2d", "grad E[x^2] = 2 mu grad mu (sigma term dropped)",
              _grad_claim("sigma dropped", lambda mu, s, th: 2 * mu * sp.diff(mu, th)),
              kind="dropped"),
        Claim("F-2e-sample-logvar-as-log-std", False, "2e",
              "VAE sample z = mu + exp(logvar) eps has variance exp(logvar) (it is "
              "exp(2 logvar): the std is exp(logvar / 2))",
              lambda: _vae_sample_variance(sp.exp(sp.Symbol("logvar", real=True))), kind="sigma"),
        Claim("F-2d-variance-for-std", False, "2d",
              "x = mu + v eps with v = sigma^2 the variance: E[(mu + v eps)^2] = mu^2 + v",
              _variance_for_std, kind="sigma"),
    ]


def _vae_sample_variance(scale: sp.Expr) -> Derivation:
    """Var z for the VAE's sample z = mu + scale * eps, eps ~ N(0, 1), claimed exp(logvar)."""
    from derive.engine.expectation import Expectation, Normal

    mu, lv, e = sp.Symbol("mu", real=True), sp.Symbol("logvar", real=True), sp.Symbol("e",
                                                                                     real=True)
    z = mu + scale.subs(sp.Symbol("logvar", real=True), lv) * e
    return claim("vae sample variance", Expectation((z - mu) ** 2, e, Normal(0, 1)), "=",
                 sp.exp(lv), "moments")


def _variance_for_std() -> Derivation:
    from derive.engine.expectation import Expectation, Normal

    mu, v, e = sp.Symbol("mu", real=True), sp.Symbol("v", positive=True), sp.Symbol("e", real=True)
    return claim("variance for std", Expectation((mu + v * e) ** 2, e, Normal(0, 1)), "=",
                 mu**2 + v, "moments (claimed)")


def _reparam_true() -> list[Claim]:
    return [
        Claim("T-2e-sample-variance", True, "2e",
              "VAE sample z = mu + exp(logvar / 2) eps has variance exp(logvar)",
              lambda: _vae_sample_variance(sp.exp(sp.Symbol("logvar", real=True) / 2)),
              kind="sigma"),
        Claim("T-2d-grad-closed-form", True, "2d",
              "grad E[x^2] = d/dtheta (mu^2 + sigma^2) = 2 (mu mu' + sigma sigma')",
              _grad_claim("closed form", lambda mu, s, th: 2 * (mu * sp.diff(mu, th)
                                                                + s * sp.diff(s, th))),
              kind="rewritten"),
    ]




def claims() -> list[Claim]:
    """2d-2e's false variants, then their true ones."""
    return _reparam_false() + _reparam_true()
