"""The linear-Gaussian closed forms against references they did not write.

References: scipy.stats (densities), scipy.integrate.quad (1-D integrals done numerically),
torch.distributions.kl_divergence (Gaussian KLs), and Gaussian conditioning of the joint
(z, x) written out independently of the precision form the module uses.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats
from scipy.integrate import quad

from numeric.confirm.linear_gaussian import (
    DiagGaussian,
    LinearGaussian,
    elbo,
    expected_log_likelihood,
    expected_log_ratio,
    gaussian_logpdf,
    kl_gaussian,
    kl_q_posterior,
    kl_to_standard_normal,
    log_importance_second_moment,
)
from numeric.mc.montecarlo import confirm, mc_mean

SHAPES = [(1, 1), (3, 2), (5, 4), (2, 3)]  # (D, d), including fewer data than latent dims


def random_problem(D: int, d: int, seed: int) -> tuple[LinearGaussian, np.ndarray, DiagGaussian]:
    rng = np.random.default_rng(seed)
    model = LinearGaussian(W=rng.standard_normal((D, d)), b=rng.standard_normal(D),
                           s=float(rng.uniform(0.3, 1.5)))
    q = DiagGaussian(m=rng.standard_normal(d), v=rng.uniform(0.2, 2.0, d))
    return model, rng.standard_normal(D) * 2.0, q


def scalar_problem() -> tuple[LinearGaussian, np.ndarray, DiagGaussian]:
    return (LinearGaussian(W=[[1.3]], b=[-0.4], s=0.7), np.array([1.1]),
            DiagGaussian(m=[0.2], v=[0.5]))


def integrate(f) -> float:
    """A 1-D integral over the real line, to quad's default accuracy."""
    value, _ = quad(f, -np.inf, np.inf, epsabs=1e-12, epsrel=1e-12, limit=200)
    return value


@pytest.mark.parametrize("D,d", SHAPES)
def test_log_marginal_matches_scipy(D: int, d: int) -> None:
    model, x, _ = random_problem(D, d, seed=10 * D + d)
    cov = model.W @ model.W.T + model.s**2 * np.eye(D)
    ref = stats.multivariate_normal(mean=model.b, cov=cov).logpdf(x)
    assert model.log_marginal(x) == pytest.approx(ref, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("D,d", SHAPES)
def test_densities_match_scipy(D: int, d: int) -> None:
    model, x, q = random_problem(D, d, seed=100 + 10 * D + d)
    z = np.random.default_rng(1).standard_normal((7, d))
    lik = [stats.multivariate_normal(model.W @ zi + model.b, model.s**2 * np.eye(D)).logpdf(x)
           for zi in z]
    np.testing.assert_allclose(model.log_likelihood(x, z), lik, rtol=1e-12)
    np.testing.assert_allclose(model.log_prior(z), stats.norm.logpdf(z).sum(1), rtol=1e-12)
    np.testing.assert_allclose(q.log_density(z),
                               stats.norm.logpdf(z, q.m, np.sqrt(q.v)).sum(1), rtol=1e-12)


@pytest.mark.parametrize("D,d", SHAPES)
def test_posterior_is_gaussian_conditioning_of_the_joint(D: int, d: int) -> None:
    # The joint (z, x) is N((0, b), [[I, W^T], [W, W W^T + s^2 I]]); condition on x directly.
    model, x, _ = random_problem(D, d, seed=200 + 10 * D + d)
    C = model.W @ model.W.T + model.s**2 * np.eye(D)
    ref_mean = model.W.T @ np.linalg.solve(C, x - model.b)
    ref_cov = np.eye(d) - model.W.T @ np.linalg.solve(C, model.W)
    mean, cov = model.posterior(x)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cov, ref_cov, rtol=1e-10, atol=1e-12)
    # Bayes' rule: log p(x, z) - log p(z | x) is log p(x) at every z.
    z = np.random.default_rng(2).standard_normal((5, d))
    np.testing.assert_allclose(model.log_joint(x, z) - model.log_posterior(x, z),
                               model.log_marginal(x), rtol=1e-10)


def test_scalar_posterior_by_quadrature() -> None:
    model, x, _ = scalar_problem()

    def joint(z: float) -> float:
        return float(np.exp(model.log_joint(x, [z])[0]))

    evidence = integrate(joint)
    post_mean = integrate(lambda z: z * joint(z)) / evidence
    post_var = integrate(lambda z: (z - post_mean) ** 2 * joint(z)) / evidence
    mean, cov = model.posterior(x)
    assert np.log(evidence) == pytest.approx(model.log_marginal(x), rel=1e-9)
    assert mean[0] == pytest.approx(post_mean, rel=1e-9)
    assert cov[0, 0] == pytest.approx(post_var, rel=1e-9)


def test_scalar_elbo_gap_and_prior_expectation_by_quadrature() -> None:
    model, x, q = scalar_problem()

    def qd(z: float) -> float:
        return float(np.exp(q.log_density([z])[0]))

    def ratio(z: float) -> float:
        return float(model.log_joint(x, [z])[0] - q.log_density([z])[0])

    def post(z: float) -> float:
        return float(model.log_posterior(x, [z])[0])

    assert elbo(model, x, q) == pytest.approx(integrate(lambda z: qd(z) * ratio(z)), rel=1e-9)
    assert expected_log_likelihood(model, x, q) == pytest.approx(
        integrate(lambda z: qd(z) * model.log_likelihood(x, [z])[0]), rel=1e-9)
    assert kl_q_posterior(model, x, q) == pytest.approx(
        integrate(lambda z: qd(z) * (q.log_density([z])[0] - post(z))), rel=1e-9)
    prior = stats.norm.pdf
    assert expected_log_ratio(model, x, q, np.zeros(1), np.eye(1)) == pytest.approx(
        integrate(lambda z: prior(z) * ratio(z)), rel=1e-9)


@pytest.mark.parametrize("D,d", SHAPES)
def test_elbo_three_ways(D: int, d: int) -> None:
    # E_q[log p(x|z)] - KL(q || p(z)), E_q[log p(x,z) - log q] by moments, log p(x) - KL(q || post).
    model, x, q = random_problem(D, d, seed=300 + 10 * D + d)
    a = elbo(model, x, q)
    b = expected_log_ratio(model, x, q, q.m, q.cov)
    c = model.log_marginal(x) - kl_q_posterior(model, x, q)
    assert a == pytest.approx(b, rel=1e-12) and a == pytest.approx(c, rel=1e-10)
    assert a < model.log_marginal(x)


@pytest.mark.parametrize("d", [1, 2, 4])
def test_kl_gaussian_matches_torch(d: int) -> None:
    rng = np.random.default_rng(d)
    A, B = rng.standard_normal((2, d, d))
    S0, S1 = A @ A.T + 0.5 * np.eye(d), B @ B.T + 0.5 * np.eye(d)
    m0, m1 = rng.standard_normal((2, d))
    t = torch.distributions.MultivariateNormal
    ref = torch.distributions.kl_divergence(
        t(torch.tensor(m0), torch.tensor(S0)), t(torch.tensor(m1), torch.tensor(S1))).item()
    assert kl_gaussian(m0, S0, m1, S1) == pytest.approx(ref, rel=1e-10)


def test_kl_to_standard_normal_matches_torch_and_fails_without_log_variance() -> None:
    q = DiagGaussian(m=[0.3, -1.2, 0.0], v=[0.2, 1.7, 0.9])
    normal = torch.distributions.Normal
    ref = torch.distributions.kl_divergence(
        normal(torch.tensor(q.m), torch.tensor(np.sqrt(q.v))),
        normal(torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))).sum()
    assert kl_to_standard_normal(q) == pytest.approx(ref.item(), rel=1e-12)
    wrong = 0.5 * np.sum(q.v + q.m**2 - 1.0)  # the log-variance term dropped
    assert wrong != pytest.approx(ref.item(), rel=1e-3)


def test_prior_expectation_is_loglik_plus_kl_prior_to_q() -> None:
    # E_p[log p(x,z) - log q(z)] = E_p[log p(x|z)] + KL(p(z) || q), assembled from other pieces.
    model, x, q = random_problem(3, 2, seed=7)
    prior = DiagGaussian(m=np.zeros(2), v=np.ones(2))
    ref = expected_log_likelihood(model, x, prior) + kl_gaussian(np.zeros(2), np.eye(2), q.m,
                                                                 q.cov)
    assert expected_log_ratio(model, x, q, np.zeros(2), np.eye(2)) == pytest.approx(ref,
                                                                                   rel=1e-12)


def test_importance_second_moment_by_quadrature() -> None:
    t_mean, t_var, r_mean, r_var = 0.4, 0.3, -0.3, 0.9

    def integrand(z: float) -> float:
        return float(np.exp(2.0 * stats.norm.logpdf(z, t_mean, np.sqrt(t_var))
                            - stats.norm.logpdf(z, r_mean, np.sqrt(r_var))))

    ref = np.log(integrate(integrand))
    got = log_importance_second_moment([t_mean], [[t_var]], [r_mean], [[r_var]])
    assert got == pytest.approx(ref, rel=1e-9)
    # Proposal much narrower than the target: 2/t_var - 1/r_var <= 0, the weights' variance
    # is infinite.
    assert log_importance_second_moment([0.0], [[1.0]], [0.0], [[0.4]]) == float("inf")


def test_gaussian_logpdf_matches_scipy() -> None:
    cov = np.array([[1.0, 0.3], [0.3, 0.5]])
    z = np.array([[0.1, 0.2], [-1.0, 2.0]])
    np.testing.assert_allclose(gaussian_logpdf(z, np.array([0.5, -0.5]), cov),
                               stats.multivariate_normal([0.5, -0.5], cov).logpdf(z), rtol=1e-12)


def test_samplers_have_the_right_moments_and_are_reproducible() -> None:
    model, _, q = random_problem(3, 2, seed=11)
    n = 100_000
    zq = q.sample(n, rng=np.random.default_rng(5))
    assert np.array_equal(zq, q.sample(n, rng=np.random.default_rng(5)))
    z, x = model.sample(n, rng=np.random.default_rng(6))
    checks = [mc_mean(zq[:, j], seed=5, exact=q.m[j]) for j in range(2)]
    checks += [mc_mean((zq[:, j] - q.m[j]) ** 2, seed=5, exact=q.v[j]) for j in range(2)]
    checks += [mc_mean(z[:, j] ** 2, seed=6, exact=1.0) for j in range(2)]
    _, C = model.marginal()
    checks += [mc_mean((x[:, 0] - model.b[0]) * (x[:, 1] - model.b[1]), seed=6, exact=C[0, 1])]
    assert all(confirm("moment", r).passed for r in checks)
    # The same machinery rejects a wrong second moment (the noise variance left out).
    wrong = mc_mean((x[:, 0] - model.b[0]) ** 2, seed=6, exact=(model.W @ model.W.T)[0, 0])
    assert not confirm("moment", wrong).passed


def test_rng_is_keyword_only() -> None:
    model, _, q = random_problem(1, 1, seed=0)
    with pytest.raises(TypeError):
        q.sample(3, np.random.default_rng(0))  # type: ignore[misc]
    with pytest.raises(TypeError):
        model.sample_prior(3, np.random.default_rng(0))  # type: ignore[misc]


@pytest.mark.parametrize("build,match", [
    (lambda: LinearGaussian(W=[1.0, 2.0], b=[0.0], s=1.0), "W must be"),
    (lambda: LinearGaussian(W=[[1.0]], b=[0.0, 1.0], s=1.0), "b must have length 1"),
    (lambda: LinearGaussian(W=[[1.0]], b=[0.0], s=0.0), "s .* must be positive"),
    (lambda: LinearGaussian(W=[[1.0]], b=[0.0], s=float("nan")), "s .* must be positive"),
    (lambda: LinearGaussian(W=[[np.inf]], b=[0.0], s=1.0), "W contains"),
    (lambda: DiagGaussian(m=[0.0, 1.0], v=[1.0, -1.0]), "must be positive"),
    (lambda: DiagGaussian(m=[0.0, 1.0], v=[1.0]), "v must have length 2"),
    (lambda: DiagGaussian(m=[[0.0]], v=[1.0]), "m must be a 1-D"),
])
def test_bad_parameters_raise(build, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build()


def test_bad_arguments_raise() -> None:
    model, x, q = random_problem(3, 2, seed=0)
    with pytest.raises(ValueError, match="x must have length 3"):
        model.log_marginal(x[:2])
    with pytest.raises(ValueError, match="z must have shape"):
        model.log_joint(x, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="q has dimension 1"):
        elbo(model, x, DiagGaussian(m=[0.0], v=[1.0]))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        q.sample(0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="positive definite"):
        kl_gaussian([0.0], [[-1.0]], [0.0], [[1.0]])
    with pytest.raises(ValueError, match="q must be a DiagGaussian"):
        kl_q_posterior(model, x, (q.m, q.v))  # type: ignore[arg-type]
