"""Numeric confirmations of the canon c1-c8, to the worksheet's standard (docs/montecarlo.md).

Every Monte Carlo check has a fixed seed and a sample size computed before any draw, from the
per-sample sd (exact, by quadrature, for unbounded draws; Popoviciu's bound (max - min) / 2
for bounded ones) and the distance to the closest wrong answer it must reject:
n = required_n(sd, gap), so each wrong answer is rejected with probability >= 1 - 1e-6,
and |z| <= 5.847 (alpha = 5e-9, the suite's budget of 1e-6 over 200 checks). Checks that
must reject a value are sized with z_alpha in place of z_{1e-6}. The canon adds 8 such
checks. Deterministic checks (quadrature, sweeps over random instances in floating point)
use none of the budget. Independent references: scipy.integrate.quad (Gaussian and Laplace
integrals), scipy.stats.entropy (discrete KL and entropies), closed forms worked by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.integrate import quad
from scipy.special import logsumexp, rel_entr
from scipy.stats import entropy

from derive.engine.confirmation import Confirmation
from numeric.confirm.kl import _annotate, _pow2, _sd_bound, _size
from numeric.confirm.linear_gaussian import DiagGaussian, LinearGaussian, elbo
from numeric.mc.montecarlo import confirm, confirm_rejects, mc_mean, per_check_alpha

SEED = 20261201
SD_MARGIN = 1.01  # sizes use 1% more than the exact sd, so rounding cannot undersize them


def _quad_line(f: Callable[[float], float]) -> float:
    """Integral of f over the real line (scipy's adaptive quadrature, tight tolerances)."""
    return quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12, limit=400)[0]


def normal_logpdf(z: np.ndarray | float, m: float, s: float) -> np.ndarray | float:
    """log N(z; m, s^2), written out (scipy's frozen laws are slow inside quad)."""
    return -0.5 * np.log(2 * np.pi * s**2) - (z - m) ** 2 / (2 * s**2)


def _moments(g: Callable[[float], float], pdf: Callable[[float], float]) -> tuple[float, float]:
    """E[g] and sd[g] under a density on the real line, by quadrature (the sd sizes n)."""
    mean = _quad_line(lambda z: pdf(z) * float(g(z)))
    var = _quad_line(lambda z: pdf(z) * (float(g(z)) - mean) ** 2)
    return mean, math.sqrt(var)


def _gauss_moments(g: Callable[[float], float], m: float, s: float) -> tuple[float, float]:
    """E[g(z)] and sd[g(z)] for z ~ N(m, s^2), by quadrature."""
    return _moments(g, lambda z: math.exp(normal_logpdf(z, m, s)))


def _mc_check(name: str, draws: Callable[[int, np.random.Generator], np.ndarray], *, sd: float,
              exact: float, wrong: dict[str, float], seed: int) -> Confirmation:
    """z-test of the mean of n draws against `exact`, n sized against the wrong answers.

    A wrong answer equal to `exact` (a wrong formula under test) cannot size n: it is skipped.
    """
    n_req = _size(sd * SD_MARGIN, [w - exact for w in wrong.values() if w != exact])
    rng = np.random.default_rng(seed)
    result = mc_mean(draws(_pow2(n_req), rng), seed=seed, exact=exact)
    return _annotate(confirm(name, result), wrong, n_req)


def _rejects(name: str, draws: Callable[[int, np.random.Generator], np.ndarray], *, sd: float,
             exact: float, null: float, seed: int) -> Confirmation:
    """The mean of the draws rejects `null` (sized so a miss has probability <= alpha)."""
    n_req = _size(sd * SD_MARGIN, [exact - null], miss=per_check_alpha())
    rng = np.random.default_rng(seed)
    result = mc_mean(draws(_pow2(n_req), rng), seed=seed, exact=exact)
    return _annotate(confirm_rejects(name, result, null=null), {f"{null:g}": null}, n_req)


def _exact(name: str, got: float, want: float, tol: float, **figures: object) -> Confirmation:
    err = abs(got - want)
    return Confirmation(name, bool(err <= tol), {"value": got, "reference": want, "error": err,
                                                 "tolerance": tol, "kind": "exact", **figures},
                        f"{got:.12g} vs {want:.12g} (|error| {err:.2g} <= {tol:g})")


# ---------------------------------------------------------------- c1, c2
def kl_normal(m1: float, s1: float, m2: float, s2: float) -> float:
    """c1's closed form, in standard deviations."""
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


C1 = (0.3, 0.8, -0.5, 1.3)


def confirm_c1(*, seed: int = SEED, formula: Callable[..., float] = kl_normal
               ) -> list[Confirmation]:
    """c1: the closed form against quadrature of the definition, and by Monte Carlo.

    `formula` is the closed form under test (tests pass wrong ones and see the checks fail).
    """
    m1, s1, m2, s2 = C1

    def log_ratio(z: np.ndarray) -> np.ndarray:
        return normal_logpdf(z, m1, s1) - normal_logpdf(z, m2, s2)

    by_quad, sd = _gauss_moments(log_ratio, m1, s1)
    closed, right = formula(m1, s1, m2, s2), kl_normal(m1, s1, m2, s2)
    wrong = {"KL(N2 || N1) (swapped)": kl_normal(m2, s2, m1, s1),
             "no log term": right - math.log(s2 / s1),
             "log(s2^2/s1^2) for log(s2/s1)": right + math.log(s2 / s1)}
    return [
        _exact("c1: closed form = quadrature of E_q[log q - log p]", closed, by_quad, 1e-9),
        _mc_check("c1: MC E_q[log q - log p] = closed form",
                  lambda n, rng: log_ratio(rng.normal(m1, s1, n)), sd=sd, exact=closed,
                  wrong=wrong, seed=seed)]


C2_MU = np.array([0.5, -1.2, 0.0, 2.0])
C2_SIGMA = np.array([0.7, 1.5, 1.0, 0.4])


def kl_diag_standard(mu: np.ndarray, sigma: np.ndarray) -> float:
    """c2's closed form: 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)."""
    return float(0.5 * np.sum(mu**2 + sigma**2 - 1 - np.log(sigma**2)))


def confirm_c2(*, seed: int = SEED + 10,
               formula: Callable[[np.ndarray, np.ndarray], float] = kl_diag_standard
               ) -> list[Confirmation]:
    """c2 (J = 4): the formula against per-coordinate quadrature, and by Monte Carlo."""
    mu, sigma = C2_MU, C2_SIGMA
    moments = [_gauss_moments(lambda z, m=m, s=s: normal_logpdf(z, m, s)
                              - normal_logpdf(z, 0.0, 1.0), m, s)
               for m, s in zip(mu, sigma, strict=True)]
    by_quad = sum(mean for mean, _ in moments)
    sd = math.sqrt(sum(s**2 for _, s in moments))  # independent coordinates
    closed, right = formula(mu, sigma), kl_diag_standard(mu, sigma)
    swapped = float(sum(kl_normal(0.0, 1.0, m, s) for m, s in zip(mu, sigma, strict=True)))
    wrong = {"without the -1": right + mu.size / 2, "log sigma for log sigma^2":
             right + float(np.sum(np.log(sigma))), "KL(N(0, I) || q) (swapped)": swapped}

    def draws(n: int, rng: np.random.Generator) -> np.ndarray:
        z = mu + sigma * rng.standard_normal((n, mu.size))
        return (normal_logpdf(z, mu, sigma) - normal_logpdf(z, 0.0, 1.0)).sum(axis=1)

    return [_exact("c2: formula = sum of per-coordinate quadratures (J = 4)", closed, by_quad,
                   1e-9),
            _mc_check("c2: MC E_q[log q - log N(0, I)] = formula (J = 4)", draws, sd=sd,
                      exact=closed, wrong=wrong, seed=seed)]


# ---------------------------------------------------------------- c3
KL_LAPLACE_NORMAL = 0.5 * math.log(2 * math.pi) - math.log(2)  # KL(Laplace(0,1) || N(0,1))


def confirm_c3(*, seed: int = SEED + 20) -> list[Confirmation]:
    """c3 with p = Laplace(0, 1), q = N(0, 1): E_p[q/p] = 1 and E_p[log q/p] = -KL < 0.

    KL(Laplace(0,1) || N(0,1)) = (1/2) log 2 pi - log 2 by hand (E|x| = 1, E x^2 = 2); q/p is
    bounded (its log is a quadratic in |x|), so every sd below is finite, computed by quad.
    """
    def log_ratio(x: np.ndarray) -> np.ndarray:
        return normal_logpdf(x, 0.0, 1.0) - (np.log(0.5) - np.abs(x))

    def laplace(x: float) -> float:
        return 0.5 * math.exp(-abs(x))

    mean_log, sd_log = _moments(log_ratio, laplace)
    mean_ratio, sd_ratio = _moments(lambda x: np.exp(log_ratio(x)), laplace)

    def draw(g: Callable[[np.ndarray], np.ndarray]) -> Callable:
        return lambda n, rng: g(rng.laplace(0.0, 1.0, n))

    ratio = lambda x: np.exp(log_ratio(x))  # noqa: E731
    return [
        _exact("c3: E_p[log q/p] by quadrature = -(1/2) log 2 pi + log 2", mean_log,
               -KL_LAPLACE_NORMAL, 1e-9),
        _exact("c3: E_p[q/p] by quadrature = integral of q = 1", mean_ratio, 1.0, 1e-9),
        _mc_check("c3: MC E_p[q/p] = 1 (the step log E_p[q/p] = log 1 = 0)", draw(ratio),
                  sd=sd_ratio, exact=1.0, wrong={"E_p[p/q] = infinity, here 0": 0.0,
                                                 "e (exp of the Jensen bound)": math.e},
                  seed=seed),
        _rejects("c3: MC E_p[log q/p] < 0 (Jensen's gap is strict here)", draw(log_ratio),
                 sd=sd_log, exact=-KL_LAPLACE_NORMAL, null=0.0, seed=seed + 1)]


# ---------------------------------------------------------------- c4
C4_MODEL = LinearGaussian(W=np.array([[1.5]]), b=np.array([0.0]), s=0.7)
C4_X = np.array([1.2])
C4_Q = DiagGaussian(m=np.array([0.2]), v=np.array([0.5]))  # not the posterior


def iwae_bound_by_quadrature(k: int, nodes: int, *, model: LinearGaussian = C4_MODEL,
                             x: np.ndarray = C4_X, q: DiagGaussian = C4_Q) -> float:
    """L_k = E_{z_1..k ~ q}[log (1/k) sum_i w(z_i)] by a tensor Gauss-Hermite rule under q."""
    t, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    z = float(q.m[0]) + math.sqrt(float(q.v[0])) * t
    log_w = model.log_joint(x, z[:, None]) - q.log_density(z[:, None])
    grids = np.meshgrid(*([log_w] * k), indexing="ij")
    weights = np.prod(np.meshgrid(*([w] * k), indexing="ij"), axis=0)
    log_mean = logsumexp(np.stack(grids), axis=0) - math.log(k)
    return float((weights * log_mean).sum())


def confirm_c4(*, ks: tuple[int, ...] = (1, 2, 3), nodes: int = 48) -> list[Confirmation]:
    """c4 by quadrature (no MC): L_1 = ELBO, ELBO = L_1 < L_2 < L_3 < log p(x).

    L_k <= L_{k+1} is not proved by the engine (docs/canon.md); here it is checked in the
    scalar linear-Gaussian model with q not the posterior, each L_k by a tensor Gauss-Hermite
    rule: `nodes` and 1.5 x `nodes` agree to 1e-5 (the drift), and every gap in the chain must
    exceed 1000 x that drift.
    """
    log_px = C4_MODEL.log_marginal(C4_X)
    bound = elbo(C4_MODEL, C4_X, C4_Q)
    values, drift = [], 0.0
    for k in ks:
        a = iwae_bound_by_quadrature(k, nodes)
        b = iwae_bound_by_quadrature(k, nodes * 3 // 2)
        drift = max(drift, abs(a - b))
        values.append(b)
    out = [_exact("c4: L_1 by quadrature = ELBO (closed form)", values[0], bound, 1e-10)]
    chain = [bound, *values, log_px]
    gaps = [hi - lo for lo, hi in zip(values, values[1:] + [log_px], strict=True)]
    ok = drift <= 1e-5 and all(g > 1000 * max(drift, 1e-12) for g in gaps)
    out.append(Confirmation(
        f"c4: L_1 < L_2 < ... < L_{ks[-1]} < log p(x) (quadrature)", bool(ok),
        {"L": dict(zip([f"L_{k}" for k in ks], values, strict=True)), "elbo": bound,
         "log_px": log_px, "gaps": gaps, "quadrature_drift": drift, "nodes": nodes,
         "kind": "exact quadrature (no MC)"},
        " <= ".join(f"{v:.6f}" for v in chain) + f" (drift {drift:.1g})"))
    return out


# ---------------------------------------------------------------- c5-c7
def _dirichlet(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1] or None)


def mutual_information(joint: np.ndarray) -> float:
    """sum_ij P log(P / (a b)) from the definition."""
    a, b = joint.sum(axis=1), joint.sum(axis=0)
    return float((joint * np.log(joint / np.outer(a, b))).sum())


def confirm_c5(*, seed: int = SEED + 50) -> list[Confirmation]:
    """c5 on a random 3 x 4 joint: I = H(X) + H(Y) - H(X,Y) (scipy) and MC of I rejects 0."""
    rng = np.random.default_rng(seed)
    joint = _dirichlet(rng, 12).reshape(3, 4)
    a, b = joint.sum(axis=1), joint.sum(axis=0)
    mi = mutual_information(joint)
    reference = entropy(a) + entropy(b) - entropy(joint.ravel())
    values = np.log(joint / np.outer(a, b)).ravel()
    flat = joint.ravel()

    def draws(n: int, rng: np.random.Generator) -> np.ndarray:
        return values[rng.choice(flat.size, size=n, p=flat)]

    sd = _sd_bound(values)
    return [_exact("c5: I(X;Y) = H(X) + H(Y) - H(X,Y) (scipy.stats.entropy)", mi, reference,
                   1e-12),
            _mc_check("c5: MC E_P[log P/(a b)] = I(X;Y)", draws, sd=sd, exact=mi,
                      wrong={"-I (sign)": -mi, "I in bits": mi / math.log(2)}, seed=seed + 1),
            _rejects("c5: MC I(X;Y) > 0 for a dependent pair", draws, sd=sd, exact=mi,
                     null=0.0, seed=seed + 2)]


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    """D(p || q) by scipy.special.rel_entr (scipy.stats.entropy is 100x slower per call)."""
    return float(rel_entr(p, q).sum())


def chain_rule_sweep(*, seed: int, count: int = 2000,
                     weights: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
                     ) -> Confirmation:
    """D(aA || bB) = D(a || b) + sum_i a_i D(A_i || B_i) on random instances (scipy rel_entr).

    `weights(a, b)` weighs the conditional KLs (default a; tests pass b and see it fail).
    """
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(count):
        n, m = (int(v) for v in rng.integers(2, 7, size=2))
        a, b = _dirichlet(rng, n), _dirichlet(rng, n)
        A, B = _dirichlet(rng, n, m), _dirichlet(rng, n, m)
        joint = _kl((a[:, None] * A).ravel(), (b[:, None] * B).ravel())
        w = a if weights is None else weights(a, b)
        split = _kl(a, b) + sum(w[i] * _kl(A[i], B[i]) for i in range(n))
        worst = max(worst, abs(joint - split))
    return Confirmation(f"c6: chain rule on {count} random pairs of joint laws", worst <= 1e-12,
                        {"n": count, "seed": seed, "max_error": worst, "tolerance": 1e-12,
                         "sizes": "2-6 x 2-6", "kind": "sweep of random instances (no MC)"},
                        f"largest |D(P||Q) - D(a||b) - E_a D(A||B)| = {worst:.2g}")


def confirm_c6(*, seed: int = SEED + 60) -> list[Confirmation]:
    """c6: the chain rule, exactly in floating point, on 2000 random instances."""
    return [chain_rule_sweep(seed=seed)]


def data_processing_sweep(*, seed: int, count: int = 3000,
                          divergence: Callable[[np.ndarray, np.ndarray], float] = _kl
                          ) -> Confirmation:
    """D(aK || bK) <= D(a || b) on random (a, b, K); `divergence` is the one under test."""
    rng = np.random.default_rng(seed)
    gaps = []
    for _ in range(count):
        n, m = (int(v) for v in rng.integers(2, 7, size=2))
        a, b, K = _dirichlet(rng, n), _dirichlet(rng, n), _dirichlet(rng, n, m)
        gaps.append(divergence(a, b) - divergence(a @ K, b @ K))
    worst = float(min(gaps))
    return Confirmation(f"c7: D(aK || bK) <= D(a || b) on {count} random channels",
                        worst >= -1e-12,
                        {"n": count, "seed": seed, "min_gap": worst, "tolerance": 1e-12,
                         "kind": "sweep of random instances (no MC)"},
                        f"smallest D(a||b) - D(aK||bK) = {worst:.3g} (>= -1e-12)")


def confirm_c7(*, seed: int = SEED + 70) -> list[Confirmation]:
    """c7: data processing on 3000 random channels, and strict loss for a noisy one."""
    out = [data_processing_sweep(seed=seed)]
    a, b = np.array([0.9, 0.1]), np.array([0.2, 0.8])
    K = np.array([[0.7, 0.3], [0.4, 0.6]])
    before, after = _kl(a, b), _kl(a @ K, b @ K)
    out.append(Confirmation("c7: a noisy channel loses divergence (exact)", after < before,
                            {"D(a||b)": before, "D(aK||bK)": after, "kind": "exact"},
                            f"{after:.6f} < {before:.6f}"))
    return out


# ---------------------------------------------------------------- c8
C8_MU, C8_SIGMA = 0.4, 0.9


C8_OFFSET = 3.0  # f = 3 + sin x: the constant adds variance, not gradient


def score_gradient(mu: float, sigma: float) -> float:
    """d/dmu E_{N(mu, sigma^2)}[3 + sin x] = cos(mu) exp(-sigma^2 / 2), by hand."""
    return math.cos(mu) * math.exp(-(sigma**2) / 2)


def confirm_c8(*, seed: int = SEED + 80) -> list[Confirmation]:
    """c8 with f = 3 + sin under N(mu, sigma^2), theta = mu: the score-function estimator and its
    baseline form are unbiased for the gradient; the variance-optimal constant baseline
    b* = E[f s^2] / E[s^2] (s the score) lowers the variance (exact, by quadrature). Not every
    baseline helps: for f = sin, b = E[f] raises it (ratio 1.12), which is why b* is used."""
    mu, s = C8_MU, C8_SIGMA
    exact = score_gradient(mu, s)
    score_sq = _gauss_moments(lambda x: ((x - mu) / s**2) ** 2, mu, s)[0]
    f_score_sq = _gauss_moments(lambda x: (C8_OFFSET + math.sin(x)) * ((x - mu) / s**2) ** 2,
                                mu, s)[0]
    baseline = f_score_sq / score_sq

    def plain(x: np.ndarray) -> np.ndarray:
        return (C8_OFFSET + np.sin(x)) * (x - mu) / s**2

    def with_baseline(x: np.ndarray) -> np.ndarray:
        return (C8_OFFSET + np.sin(x) - baseline) * (x - mu) / s**2

    wrong = {"-gradient": -exact, "cos(mu) (no exp(-sigma^2/2))": math.cos(mu),
             "0": 0.0}
    out = []
    sds = {}
    for name, g, k in (("score function", plain, 0), ("with baseline b*", with_baseline, 1)):
        mean, sd = _gauss_moments(g, mu, s)
        sds[name] = sd
        out.append(_exact(f"c8: E[{name} estimator] by quadrature = cos(mu) e^(-sigma^2/2)",
                          mean, exact, 1e-9))
        out.append(_mc_check(f"c8: MC {name} estimator = d/dmu E[3 + sin x]",
                             lambda n, rng, g=g: g(rng.normal(mu, s, n)), sd=sd, exact=exact,
                             wrong=wrong, seed=seed + k))
    ratio = sds["with baseline b*"] ** 2 / sds["score function"] ** 2
    out.append(Confirmation("c8: the baseline b* lowers the variance (quadrature)", ratio < 1,
                            {"variance_ratio": ratio, "sd": sds, "baseline": baseline,
                             "kind": "exact"},
                            f"Var(baseline) / Var(plain) = {ratio:.3f}"))
    return out
