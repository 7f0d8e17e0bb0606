"""The soundness catalogue: Gaussian KL closed forms (scalar, the VAE's), false and true."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.engine.derivation import Derivation
from derive.identities.soundness.core import Claim, claim
from derive.identities.soundness.symbols import HALF


def _gauss_syms() -> tuple:
    m1, m2 = sp.symbols("m1 m2", real=True)
    v1, v2 = sp.symbols("v1 v2", positive=True)
    return m1, v1, m2, v2


def _gauss_kl_claim(title: str, rhs: Callable[..., sp.Expr], *, swap: bool = False) -> Callable:
    def build() -> Derivation:
        from derive.engine.expectation import Normal
        from derive.engine.gaussian import Z, kl_as_expectation

        m1, v1, m2, v2 = _gauss_syms()
        lhs = kl_as_expectation(Z, Normal(m1, v1), Normal(m2, v2))
        return claim(title, lhs, "=", rhs(m1, v1, m2, v2), "Gaussian moments (claimed)")

    return build


def _vae_claim(title: str, rhs: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> Callable:
    def build() -> Derivation:
        from derive.engine.expectation import Normal
        from derive.engine.gaussian import LOGVAR, MU, Z, kl_as_expectation

        lhs = kl_as_expectation(Z, Normal(MU, sp.exp(LOGVAR)), Normal(0, 1))
        return claim(title, lhs, "=", rhs(MU, LOGVAR), "Gaussian moments (claimed)")

    return build



def _gauss_false() -> list[Claim]:
    def no_logvar(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return ((v1 + (m1 - m2) ** 2) / v2 - 1) / 2

    def std_in_log(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return sp.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / (2 * v2) - HALF

    def swapped(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return (sp.log(v1 / v2) + (v2 + (m1 - m2) ** 2) / v1 - 1) / 2

    return [
        Claim("F-gauss-no-logvar", False, "2b",
              "Gaussian KL missing its log-variance term: ((v1 + (m1-m2)^2)/v2 - 1)/2",
              _gauss_kl_claim("no log-variance", no_logvar), kind="dropped"),
        Claim("F-gauss-std-in-log", False, "2b",
              "Gaussian KL with log(v2/v1) where log(s2/s1) belongs (a factor 2)",
              _gauss_kl_claim("std in log", std_in_log), kind="sigma"),
        Claim("F-gauss-swapped", False, "2b",
              "KL(N1 || N2) given the formula of KL(N2 || N1)",
              _gauss_kl_claim("swapped", swapped), kind="swapped"),
        Claim("F-vae-no-logvar", False, "2b",
              "VAE KL to N(0, 1) without -logvar: (mu^2 + exp(logvar) - 1)/2",
              _vae_claim("vae no logvar", lambda mu, lv: (mu**2 + sp.exp(lv) - 1) / 2),
              kind="dropped"),
        Claim("F-vae-mu-sign", False, "2b",
              "VAE KL with -mu^2: (-mu^2 + exp(logvar) - 1 - logvar)/2",
              _vae_claim("vae mu sign", lambda mu, lv: (-mu**2 + sp.exp(lv) - 1 - lv) / 2),
              kind="sign-factor"),
        Claim("F-gauss-entropy-half", False, "2b",
              "E_{N(m, v)}[log N(z; m, v)] = -log(2 pi v)/2 (the -1/2 dropped)",
              lambda: _gauss_entropy(-sp.log(2 * sp.pi * sp.Symbol("v", positive=True)) / 2),
              kind="dropped"),
    ]


def _gauss_entropy(rhs: sp.Expr) -> Derivation:
    from derive.engine.expectation import Expectation, Normal
    from derive.engine.gaussian import Z, log_density

    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    lhs = Expectation(log_density(Z, m, v), Z, Normal(m, v))
    return claim("entropy", lhs, "=", rhs, "Gaussian moment (claimed)")


def _gauss_true() -> list[Claim]:
    def std_form(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        s1, s2 = sp.sqrt(v1), sp.sqrt(v2)
        return sp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - HALF

    return [
        Claim("T-gauss-std-form", True, "2b",
              "KL(N1 || N2) = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2",
              _gauss_kl_claim("std form", std_form), kind="sigma"),
        Claim("T-vae-kingma", True, "2b",
              "VAE KL as in Kingma & Welling: -(1 + logvar - mu^2 - exp(logvar))/2",
              _vae_claim("kingma", lambda mu, lv: -(1 + lv - mu**2 - sp.exp(lv)) / 2),
              kind="rewritten"),
        Claim("T-vae-sigma", True, "2b",
              "VAE KL in sigma: (mu^2 + sigma^2 - 1)/2 - log sigma, sigma^2 = exp(logvar)",
              _vae_sigma, kind="sigma"),
        Claim("T-gauss-entropy", True, "2b",
              "E_{N(m, v)}[log N(z; m, v)] = -log(2 pi e v)/2",
              lambda: _gauss_entropy(-sp.log(2 * sp.pi * sp.E * sp.Symbol("v", positive=True))
                                     / 2), kind="rewritten"),
    ]


def _vae_sigma() -> Derivation:
    from derive.engine.expectation import Normal
    from derive.engine.gaussian import Z, kl_as_expectation

    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    lhs = kl_as_expectation(Z, Normal(mu, s**2), Normal(0, 1))
    return claim("vae sigma", lhs, "=", (mu**2 + s**2 - 1) / 2 - sp.log(s), "moments")




def claims() -> list[Claim]:
    """The Gaussian closed forms' false variants, then their true ones."""
    return _gauss_false() + _gauss_true()
