"""The numeric counterparts of the soundness catalogue's claims, by claim key.

A claim of `derive.identities.soundness` that can be stated numerically is fed here to
numeric.mc.information, numeric.mc.montecarlo or a confirmation: the Confirmation passes
exactly when the claim holds numerically, so a false claim must fail here and a true one
pass (tests/test_soundness.py). The formulas are written again in plain floating point, on
purpose: they are the claims restated, not the symbolic expressions re-evaluated.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from derive.engine.confirmation import Confirmation

P_WS, Q_WS = (0.5, 0.5), (0.1, 0.9)  # the worksheet's p and q (part 1a)
PAIRS = ((P_WS, Q_WS), ((0.2, 0.3, 0.5), (0.5, 0.25, 0.25)))
LN2 = math.log(2)


def _close(name: str, claimed: float, reference: float, what: str) -> Confirmation:
    """Does a claimed value equal the reference computed independently (to 1e-9)?"""
    ok = claimed == reference or (math.isfinite(claimed) and math.isfinite(reference)
                                  and abs(claimed - reference) <= 1e-9 * max(1.0, abs(reference)))
    return Confirmation(name, bool(ok), {"claimed": float(claimed), "reference": float(reference)},
                        f"claimed {claimed:.6g} vs {what} {reference:.6g}")


def _info(name: str, claimed: Callable, reference: Callable, what: str,
          pairs: tuple = PAIRS) -> Callable[[], Confirmation]:
    """Compare claimed(p, q) with reference(p, q) from numeric.mc.information on fixed pairs."""

    def run() -> Confirmation:
        results = [_close(name, claimed(r, s), reference(r, s), what) for r, s in pairs]
        bad = [c for c in results if not c.passed]
        return bad[0] if bad else results[0]

    return run


def _gauss_mc(name: str, formula: Callable[[float, float, float, float], float],
              m1: float = 0.3, v1: float = 0.5, m2: float = -0.4,
              v2: float = 1.7) -> Callable[[], Confirmation]:
    """KL(N(m1, v1) || N(m2, v2)) by Monte Carlo (numeric.mc.montecarlo) against `formula`."""

    def run() -> Confirmation:
        import numpy as np
        from scipy.stats import norm

        from numeric.mc.montecarlo import confirm, mc_mean

        rng = np.random.default_rng(20261124)
        z = rng.normal(m1, np.sqrt(v1), 200_000)
        log_ratio = norm.logpdf(z, m1, np.sqrt(v1)) - norm.logpdf(z, m2, np.sqrt(v2))
        return confirm(name, mc_mean(log_ratio, seed=20261124,
                                     exact=float(formula(m1, v1, m2, v2))))

    return run


def _moment_mc(name: str, f: Callable, claimed: float, m: float = 0.7,
               v: float = 1.3) -> Callable[[], Confirmation]:
    """E f(z) for z ~ N(m, v) by Monte Carlo (numeric.mc.montecarlo) against a claimed value.

    200 000 draws: the standard error of each f below is at most 0.04, and every wrong value
    tested is off by more than 0.6 (z > 15), so it is rejected with certainty in practice.
    """

    def run() -> Confirmation:
        import numpy as np

        from numeric.mc.montecarlo import confirm, mc_mean

        rng = np.random.default_rng(20261201)
        z = rng.normal(m, np.sqrt(v), 200_000)
        return confirm(name, mc_mean(f(z, m), seed=20261201, exact=float(claimed)))

    return run


def _elbo_identity(name: str, gap: str) -> Callable[[], Confirmation]:
    """numeric.confirm.elbo.check_identity with a wrong gap (closed forms, no sampling)."""

    def run() -> Confirmation:
        from numeric.confirm import elbo as ce
        from numeric.confirm import linear_gaussian as lg

        def reverse(model: object, x: object, qq: object) -> float:
            mean, cov = model.posterior(x)
            return lg.kl_gaussian(mean, cov, qq.m, qq.cov)

        def to_prior(model: object, x: object, qq: object) -> float:
            return lg.kl_to_standard_normal(qq)

        fn = {"reverse": reverse, "prior": to_prior, "right": lg.kl_q_posterior}[gap]
        c = ce.check_identity(ce.scalar_case(), gap_fn=fn)
        return Confirmation(name, c.passed, c.figures, c.summary)

    return run


def _gradient(name: str, sigma_factor: float) -> Callable[[], Confirmation]:
    """numeric.confirm.reparam's finite-difference check fed 2 mu mu' + k sigma sigma'."""

    def run() -> Confirmation:
        import numpy as np

        from numeric.confirm.reparam import confirm_finite_difference

        def gradient(mu: float, sigma: float) -> np.ndarray:
            return np.array([2.0 * mu, sigma_factor * sigma])

        c = confirm_finite_difference(0.7, 1.3, gradient=gradient)
        return Confirmation(name, c.passed, c.figures, c.summary)

    return run


def _information():  # noqa: ANN202 - imported on first use
    import numeric.mc.information as info

    return info


def _kl(r, s, base=None):  # noqa: ANN001, ANN202
    return _information().kl_divergence(r, s, **({} if base is None else {"base": base}))


def _h(r, base=None):  # noqa: ANN001, ANN202
    return _information().entropy(r, **({} if base is None else {"base": base}))


def _ce(r, s):  # noqa: ANN001, ANN202
    return _information().cross_entropy(r, s)


def _no_logvar(m1: float, v1: float, m2: float, v2: float) -> float:
    return ((v1 + (m1 - m2) ** 2) / v2 - 1) / 2


def _std_in_log(m1: float, v1: float, m2: float, v2: float) -> float:
    return math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / (2 * v2) - 0.5


def _swapped(m1: float, v1: float, m2: float, v2: float) -> float:
    return (math.log(v1 / v2) + (v2 + (m1 - m2) ** 2) / v1 - 1) / 2


def _std_form(m1: float, v1: float, m2: float, v2: float) -> float:
    s1, s2 = math.sqrt(v1), math.sqrt(v2)
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


def _kl_to_std(claimed: Callable[[float, float], float]) -> Callable:
    """A claimed KL(N(m1, v1) || N(0, 1)) as a function of (mean, variance)."""
    return lambda m1, v1, m2, v2: claimed(m1, v1)


M3, V3 = 0.7, 1.3  # the law of the moment checks

COUNTERPARTS: dict[str, Callable[[], Confirmation]] = {
    # part 1: KL, entropy, cross-entropy
    "F-1a-symmetric": _info("D(p||q) = D(q||p)", lambda r, s: _kl(s, r),
                            lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1a-swapped-value": _info("D(p||q) = 9/5 log 3 - log 5",
                                lambda r, s: 1.8 * math.log(3) - math.log(5),
                                lambda r, s: _kl(r, s), "D(p||q)", ((P_WS, Q_WS),)),
    "F-1a-bits-as-nats": _info("D(p||q) nats = log2(5/3)", lambda r, s: _kl(r, s, base=2),
                               lambda r, s: _kl(r, s), "D(p||q) in nats", ((P_WS, Q_WS),)),
    "F-1b-sign": _info("D = H(p) - H(p,q)", lambda r, s: _h(r) - _ce(r, s),
                       lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1b-plus": _info("D = H(p,q) + H(p)", lambda r, s: _ce(r, s) + _h(r),
                       lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1b-dropped-entropy": _info("D = H(p,q)", lambda r, s: _ce(r, s),
                                  lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1b-wrong-weights": _info("D = H(q) - H(p)", lambda r, s: _h(s) - _h(r),
                                lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1b-entropy-sign": _info("H(p) = sum p log p", lambda r, s: sum(v * math.log(v) for v in r),
                               lambda r, s: _h(r), "H(p)"),
    "F-1b-bits-times": _info("H_2 = H log 2", lambda r, s: _h(r) * LN2,
                             lambda r, s: _h(r, base=2), "H(p) in bits"),
    "F-1b-cross-symmetric": _info("H(p,q) = H(q,p)", lambda r, s: _ce(s, r),
                                  lambda r, s: _ce(r, s), "H(p, q)"),
    "F-1c-kl-nonpositive": _info("D(p||q) <= 0", lambda r, s: min(_kl(r, s), 0.0),
                                 lambda r, s: _kl(r, s), "D(p||q)"),
    "F-1c-support-finite": _info("D((1/2,1/2)||(1,0)) finite", lambda r, s: 0.5 * math.log(0.5),
                                 lambda r, s: _kl(r, s), "D(p||q)", ((P_WS, (1.0, 0.0)),)),
    "T-1a-bits": _info("D bits = log2 5 - log2 3", lambda r, s: math.log2(5) - math.log2(3),
                       lambda r, s: _kl(r, s, base=2), "D(p||q) in bits", ((P_WS, Q_WS),)),
    "T-1a-power": _info("D(q||p) = log(3^1.8/5)", lambda r, s: math.log(3**1.8 / 5),
                        lambda r, s: _kl(s, r), "D(q||p)", ((P_WS, Q_WS),)),
    "T-1b-rearranged": _info("H = H(p,q) - D", lambda r, s: _ce(r, s) - _kl(r, s),
                             lambda r, s: _h(r), "H(p)"),
    "T-1b-bits": _info("D bits = (H(p,q) - H(p)) / log 2",
                       lambda r, s: (_ce(r, s) - _h(r)) / LN2,
                       lambda r, s: _kl(r, s, base=2), "D(p||q) in bits"),
    "T-1b-entropy-bits": _info("H_2 = H / log 2", lambda r, s: _h(r) / LN2,
                               lambda r, s: _h(r, base=2), "H(p) in bits"),
    # 2b: the ELBO's gap
    "F-2b-gap-swapped": _elbo_identity("log p(x) = L + KL(p(z|x) || q)", "reverse"),
    "F-2b-gap-prior": _elbo_identity("log p(x) = L + KL(q || p(z))", "prior"),
    "F-2b-linear-gaussian-gap-swapped": _elbo_identity("closed forms, KL(p(z|x) || q)",
                                                       "reverse"),
    "T-2b-linear-gaussian": _elbo_identity("closed forms, KL(q || p(z|x))", "right"),
    # Gaussian KL closed forms
    "F-gauss-no-logvar": _gauss_mc("KL normals without log(v2/v1)", _no_logvar),
    "F-gauss-std-in-log": _gauss_mc("KL normals, log(v2/v1) unhalved", _std_in_log),
    "F-gauss-swapped": _gauss_mc("KL normals swapped", _swapped),
    "F-vae-no-logvar": _gauss_mc("VAE KL without -logvar",
                                 lambda m1, v1, m2, v2: (m1**2 + v1 - 1) / 2, m2=0.0, v2=1.0),
    "F-vae-mu-sign": _gauss_mc("VAE KL with -mu^2",
                               lambda m1, v1, m2, v2: (-m1**2 + v1 - 1 - math.log(v1)) / 2,
                               m2=0.0, v2=1.0),
    "T-gauss-std-form": _gauss_mc("KL normals, std form", _std_form),
    "T-vae-kingma": _gauss_mc("VAE KL, Kingma-Welling form",
                              lambda m1, v1, m2, v2: -(1 + math.log(v1) - m1**2 - v1) / 2,
                              m2=0.0, v2=1.0),
    # sigma for sigma^2 (s = sqrt(v) below)
    "F-sigma-kl-ratio": _gauss_mc("KL, s1/s2 for s1^2/s2^2",
                                  lambda m1, v1, m2, v2: math.log(math.sqrt(v2 / v1))
                                  + math.sqrt(v1 / v2) / 2 - 0.5, m1=0.0, m2=0.0),
    "F-sigma-vae-linear": _gauss_mc("VAE KL with sigma for sigma^2", _kl_to_std(
        lambda m, v: (m**2 + math.sqrt(v) - 1) / 2 - math.log(math.sqrt(v))), m2=0.0, v2=1.0),
    "F-sigma-vae-log-sigma": _gauss_mc("VAE KL with log sigma for log sigma^2", _kl_to_std(
        lambda m, v: (m**2 + v - 1 - math.log(math.sqrt(v))) / 2), m2=0.0, v2=1.0),
    "T-sigma-log-std": _gauss_mc("VAE KL in log sigma", _kl_to_std(
        lambda m, v: (m**2 + v - 1) / 2 - math.log(v) / 2), m2=0.0, v2=1.0),
    "T-sigma-fourth-central": _moment_mc("E (z - m)^4 = 3 v^2", lambda z, m: (z - m) ** 4,
                                         3 * V3**2),
    # Gaussian moments
    "F-moment-exp-of-mean": _moment_mc("E exp z = exp E z", lambda z, m: np.exp(z), 1.0,
                                       m=0.0, v=1.0),
    "F-moment-third-factor": _moment_mc("E z^3 = m^3 + m v", lambda z, m: z**3,
                                        M3**3 + M3 * V3),
    "T-moment-third": _moment_mc("E z^3 = m^3 + 3 m v", lambda z, m: z**3, M3**3 + 3 * M3 * V3),
    "F-moment-fourth-factor": _moment_mc("E (z - m)^4 = v^2", lambda z, m: (z - m) ** 4, V3**2),
    "F-moment-variance-sign": _moment_mc("E z^2 = m^2 - v", lambda z, m: z**2, M3**2 - V3),
    # bases of log
    "F-base-entropy-base10-times": _info("H_10 = H log 10", lambda r, s: _h(r) * math.log(10),
                                         lambda r, s: _h(r, base=10), "H(p) in base 10"),
    "T-base-bits-log2e": _info("H_2 = H log2 e", lambda r, s: _h(r) * math.log2(math.e),
                               lambda r, s: _h(r, base=2), "H(p) in bits"),
    "F-base-kl-bits-as-log10": _info("D bits = log10(5/3)", lambda r, s: math.log10(5 / 3),
                                     lambda r, s: _kl(r, s, base=2), "D(p||q) in bits",
                                     ((P_WS, Q_WS),)),
    "T-base-kl-bits-difference": _info("D bits = log2 10 - log2 6",
                                       lambda r, s: math.log2(10) - math.log2(6),
                                       lambda r, s: _kl(r, s, base=2), "D(p||q) in bits",
                                       ((P_WS, Q_WS),)),
    # 2d: the reparameterization gradient
    "F-2d-missing-factor": _gradient("grad = (2 mu, sigma)", 1.0),
    "F-2d-sigma-dropped": _gradient("grad = (2 mu, 0)", 0.0),
    "T-2d-grad-closed-form": _gradient("grad = (2 mu, 2 sigma)", 2.0),
}
