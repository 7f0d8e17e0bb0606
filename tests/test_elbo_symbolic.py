"""Worksheet 2a-2c, symbolic side: every derivation proved, wrong versions refuted (or never
proved), and the closed forms against independent references (scipy.stats, torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch
from scipy import integrate, stats

from derive.engine.checks import check_equal
from derive.engine.definitions import KL
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation, Normal
from derive.engine.gaussian import (
    KL_TO_STANDARD_NORMAL,
    LOGVAR,
    MU,
    kl_normal,
    lambdify_kl_to_standard_normal,
    log_density,
)
from derive.engine.lemmas import gibbs
from derive.engine.verdict import Verdict
from derive.identities import elbo as E


def _derivations() -> list[Derivation]:
    return [d for ident in E.IDENTITIES for d in ident.derivations()]


@pytest.mark.parametrize("d", _derivations(), ids=lambda d: d.title[:60])
def test_every_derivation_is_proved(d: Derivation) -> None:
    result = d.check()
    assert result.verdict is Verdict.PROVED, [s.outcome for s in result.steps]


def test_identities_in_worksheet_order() -> None:
    from derive.identities.catalogue import all_identities

    ids = [i.id for i in all_identities()]
    assert ids.index("1d") < ids.index("2a") < ids.index("2b") < ids.index("2c")


# ---------------------------------------------------------------- wrong versions
def _claim(lhs: sp.Expr, rhs: sp.Expr, a=None, op: str = "=") -> Verdict:
    rel = {"=": sp.Eq, "<=": sp.Le, ">=": sp.Ge}[op]
    d = Derivation("wrong claim", rel(lhs, rhs, evaluate=False), lhs,
                   [Step(op, rhs, "claimed")], a or E.Assumptions())
    return d.check().verdict


def test_reversed_gap_is_refuted() -> None:
    px, post, elbo = E.discrete_parts()
    assert _claim(sp.log(px), elbo + KL(post, E.qd[E.k], E.KLIM), E.DISCRETE) is Verdict.REFUTED
    c = E.scalar_model()
    reversed_gap = kl_normal(c["mu_post"], c["v_post"], E.m, E.v)
    assert _claim(c["log_px"], c["elbo"] + reversed_gap) is Verdict.REFUTED
    abstract = _claim(sp.log(E.evidence), E.abstract_elbo() + KL(E.post(E.z), E.q(E.z), E.LIM),
                      E.BAYES)
    assert abstract is not Verdict.PROVED  # no numeric instance of abstract p(x|z)


def test_dropped_log_q_is_refuted() -> None:
    px, post, elbo = E.discrete_parts()
    k, q, lk, pi = E.k, E.qd, E.lk, E.pid
    without_q = sp.Sum(q[k] * sp.log(lk[k] * pi[k]), E.KLIM)  # E_q[log p(x,z)], no - log q
    assert _claim(without_q, elbo, E.DISCRETE) is Verdict.REFUTED
    c = E.scalar_model()
    joint = Expectation(c["log_lik"] + c["log_prior"], E.z, Normal(E.m, E.v))
    assert _claim(joint, c["elbo"]) is Verdict.REFUTED
    z, lik, prior, post_f = E.z, E.lik, E.prior, E.post
    abstract = _claim(E.E(sp.log(lik(z) * prior(z) / post_f(z))),
                      E.E(sp.log(lik(z))) + E.E(sp.log(prior(z))) + E.E(sp.log(1 / post_f(z)))
                      - E.E(sp.log(E.q(z))), E.BAYES)
    assert abstract is not Verdict.PROVED


def test_bound_in_the_wrong_direction_is_refuted() -> None:
    px, post, elbo = E.discrete_parts()
    assert _claim(elbo, sp.log(px), E.DISCRETE, op=">=") is Verdict.REFUTED
    c = E.scalar_model()
    assert _claim(c["elbo"], c["log_px"], op=">=") is Verdict.REFUTED
    # Gibbs gives <=, never >=: the lemma does not apply to a >= step.
    gap = KL(E.q(E.z), E.post(E.z), E.LIM)
    lhs = sp.log(E.evidence) - gap
    d = Derivation("wrong", sp.Ge(lhs, sp.log(E.evidence)), lhs,
                   [Step(">=", sp.log(E.evidence),
                         gibbs(E.q(E.z), E.post(E.z), E.LIM, offset=sp.log(E.evidence)))],
                   E.BAYES)
    assert d.check().verdict is not Verdict.PROVED


def test_gaussian_kl_without_log_variance_is_refuted() -> None:
    z = sp.Symbol("z", real=True)
    q = Normal(MU, sp.exp(LOGVAR))
    kl = Expectation(q.log_pdf(z) - log_density(z, 0, 1), z, q)
    wrong = (MU**2 + sp.exp(LOGVAR) - 1) / 2
    assert check_equal(kl, wrong, E.Assumptions()).verdict is Verdict.REFUTED
    assert check_equal(kl, KL_TO_STANDARD_NORMAL, E.Assumptions()).proved


def test_gibbs_needs_its_side_conditions() -> None:
    gap = KL(E.q(E.z), E.post(E.z), E.LIM)
    lhs = sp.log(E.evidence) - gap
    use = gibbs(E.q(E.z), E.post(E.z), E.LIM, offset=sp.log(E.evidence))
    undeclared = E.BAYES.with_(densities=(E.Density(E.q, E.z),))  # p(z|x) not a density
    d = Derivation("bound", sp.Le(lhs, sp.log(E.evidence)), lhs, [Step("<=", sp.log(E.evidence),
                                                                       use)], undeclared)
    assert d.check().verdict is not Verdict.PROVED
    t = sp.Symbol("t", real=True)  # a "variance" of unknown sign
    use = gibbs(Normal(0, 1), Normal(0, t), E.z)
    d = Derivation("bound", sp.Le(use.lhs, 0), use.lhs, [Step("<=", 0, use)])
    assert d.check().verdict is not Verdict.PROVED
    with pytest.raises(ValueError):
        gibbs(Normal(0, 1), E.q(E.z), E.LIM)


def test_prior_average_is_not_the_elbo() -> None:
    c = E.scalar_model()
    f = c["log_lik"] + c["log_prior"] - Normal(E.m, E.v).log_pdf(E.z)
    under_prior = Expectation(f, E.z, Normal(0, 1))
    under_q = Expectation(f, E.z, Normal(E.m, E.v))
    assert _claim(under_q, c["elbo"]) is Verdict.PROVED
    assert _claim(under_prior, c["elbo"]) is Verdict.REFUTED


def test_naive_gradient_is_refuted() -> None:
    """d log p(x)/dw is a posterior expectation, not a prior one (2a)."""
    c = E.scalar_model()
    lhs = sp.diff(c["log_px"], E.w)
    prior_avg = Expectation(sp.diff(c["log_lik"], E.w), E.z, Normal(0, 1))
    assert _claim(lhs, prior_avg) is Verdict.REFUTED


# ---------------------------------------------------------------- independent references
def test_kl_to_standard_normal_matches_torch() -> None:
    f = lambdify_kl_to_standard_normal([{"exp": torch.exp, "log": torch.log}])
    gen = torch.Generator().manual_seed(0)
    mu = torch.randn(5, 3, generator=gen, dtype=torch.float64)
    logvar = torch.randn(5, 3, generator=gen, dtype=torch.float64)
    ours = f(mu, logvar)
    ref = torch.distributions.kl_divergence(
        torch.distributions.Normal(mu, (0.5 * logvar).exp()),
        torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu)))
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)


def test_scalar_closed_forms_match_scipy() -> None:
    vals = {E.w: 0.7, E.b: -0.3, E.s: 1.3, E.x: 0.9, E.m: 0.2, E.v: 0.5}
    c = {k: float(e.subs(vals)) for k, e in E.scalar_model().items() if not e.has(E.z)}
    w, b, s, x, m, v = (vals[k] for k in (E.w, E.b, E.s, E.x, E.m, E.v))
    assert c["log_px"] == pytest.approx(stats.norm(b, math.hypot(w, s)).logpdf(x), rel=1e-12)
    # Posterior: p(x|z) p(z) / p(x) integrates to 1 and has the stated mean and variance.
    joint = lambda t: stats.norm(w * t + b, s).pdf(x) * stats.norm.pdf(t)  # noqa: E731
    px, _ = integrate.quad(joint, -np.inf, np.inf)
    mean, _ = integrate.quad(lambda t: t * joint(t) / px, -np.inf, np.inf)
    var, _ = integrate.quad(lambda t: (t - mean) ** 2 * joint(t) / px, -np.inf, np.inf)
    assert mean == pytest.approx(c["mu_post"], rel=1e-8)
    assert var == pytest.approx(c["v_post"], rel=1e-8)
    qd = stats.norm(m, math.sqrt(v))
    log_joint = lambda t: (stats.norm(w * t + b, s).logpdf(x)  # noqa: E731
                           + stats.norm.logpdf(t))
    elbo, _ = integrate.quad(lambda t: qd.pdf(t) * (log_joint(t) - qd.logpdf(t)),
                             -np.inf, np.inf)
    assert elbo == pytest.approx(c["elbo"], rel=1e-8)
    assert c["log_px"] - c["elbo"] == pytest.approx(c["gap"], rel=1e-8)


def test_multivariate_closed_forms_match_scipy() -> None:
    rng = np.random.default_rng(3)
    W, b, x = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=3)
    s, m, v = 0.8, rng.normal(size=2), rng.uniform(0.2, 2.0, size=2)
    r = x - b
    gram, u = W.T @ W, W.T @ r
    vals = {E.rho: r @ r, E.us[0]: u[0], E.us[1]: u[1], E.g11: gram[0, 0],
            E.g12: gram[0, 1], E.g22: gram[1, 1], E.s: s, E.ms[0]: m[0], E.ms[1]: m[1],
            E.vs[0]: v[0], E.vs[1]: v[1]}
    c = E.multivariate_model()
    log_px = float(c["log_px"].subs(vals))
    ref = stats.multivariate_normal(b, W @ W.T + s**2 * np.eye(3)).logpdf(x)
    assert log_px == pytest.approx(ref, rel=1e-10)
    prec = np.eye(2) + gram / s**2
    cov = np.linalg.inv(prec)
    mean = cov @ u / s**2
    np.testing.assert_allclose(np.array(c["mean"].subs(vals), dtype=float).ravel(), mean,
                               rtol=1e-10)
    kl = 0.5 * (np.trace(prec @ np.diag(v)) + (mean - m) @ prec @ (mean - m) - 2
                + np.linalg.slogdet(cov)[1] - np.log(v).sum())
    assert float(c["gap"].subs(vals)) == pytest.approx(kl, rel=1e-10)
    assert float(c["elbo"].subs(vals)) == pytest.approx(log_px - kl, rel=1e-10)
