"""numeric/mc/gradients.py against independent references: scipy quadrature and stats, numpy's
sample covariance, torch autograd of the closed form, and Monte Carlo with fixed seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from numeric.confirm.reparam_plots import markdown_table, variance_table
from numeric.mc.gradients import (
    ESTIMATORS,
    SQUARE,
    Objective,
    Trajectory,
    draw_gradients,
    exact_gradient,
    exact_variance,
    finite_difference_gradient,
    gradient_descent,
    gradient_flow,
    optimise_pathwise,
    pathwise_gradient,
    quadrature_moments,
    quadrature_variance,
    reparameterized_sample,
    rsample_gradients,
    samples_per_draw,
    score,
    score_gradient,
    score_loo_gradient,
)
from numeric.mc.heavy_tails import confirm_heavy
from numeric.mc.montecarlo import confirm, mc_mean, per_check_alpha

GRID = [(0.0, 1.0), (0.7, 1.3), (-2.0, 0.5), (3.0, 2.0)]
SINE = Objective("sin x", np.sin, np.cos)


def sine_gradient(mu: float, sigma: float) -> np.ndarray:
    """grad of E[sin x] = sin(mu) exp(-sigma^2 / 2), differentiated by hand."""
    damp = math.exp(-sigma**2 / 2)
    return np.array([math.cos(mu) * damp, -sigma * math.sin(mu) * damp])


def test_exact_gradient_matches_torch_autograd_of_closed_form():
    for mu, sigma in GRID:
        m = torch.tensor(mu, dtype=torch.float64, requires_grad=True)
        s = torch.tensor(sigma, dtype=torch.float64, requires_grad=True)
        (m**2 + s**2).backward()
        np.testing.assert_allclose(exact_gradient(mu, sigma), [m.grad.item(), s.grad.item()],
                                   rtol=0, atol=1e-15)
        np.testing.assert_allclose(finite_difference_gradient(mu, sigma),
                                   exact_gradient(mu, sigma), rtol=0, atol=1e-10)


@pytest.mark.parametrize("mu,sigma", GRID)
@pytest.mark.parametrize("estimator", ["pathwise", "score"])
def test_estimators_unbiased_by_quadrature(estimator, mu, sigma):
    one = pathwise_gradient if estimator == "pathwise" else score_gradient
    mean, _ = quadrature_moments(lambda e: one(e, mu, sigma))
    np.testing.assert_allclose(mean, exact_gradient(mu, sigma), rtol=1e-9, atol=1e-9)
    # general f: the same identities for f = sin, whose gradient is known in closed form
    mean, _ = quadrature_moments(lambda e: one(e, mu, sigma, objective=SINE))
    np.testing.assert_allclose(mean, sine_gradient(mu, sigma), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("mu,sigma", GRID)
@pytest.mark.parametrize("estimator,batch", [("pathwise", 4), ("score", 4), ("score_loo", 2),
                                             ("score_loo", 4), ("score_loo", 16)])
def test_closed_form_variance_matches_quadrature(estimator, batch, mu, sigma):
    closed = exact_variance(estimator, mu, sigma, batch_size=batch)
    quad = quadrature_variance(estimator, mu, sigma, batch_size=batch)
    np.testing.assert_allclose(closed, quad, rtol=1e-8)


def test_loo_batch_mean_is_the_sample_covariance_of_f_and_score():
    rng = np.random.default_rng(0)
    eps = rng.standard_normal(6)
    mu, sigma = 0.3, 1.7
    fx = (mu + sigma * eps) ** 2
    got = score_loo_gradient(eps, mu, sigma)
    want = [np.cov(fx, score(eps, sigma)[:, i], ddof=1)[0, 1] for i in range(2)]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_loo_variance_tends_to_the_oracle_constant_baseline():
    # K -> infinity: the baseline becomes E f exactly; Var = E[(f - E f)^2 score^2] - grad^2.
    mu, sigma = 0.7, 1.3
    m = mu**2 + sigma**2

    def oracle(e: np.ndarray) -> np.ndarray:
        return ((mu + sigma * e) ** 2 - m)[..., None] * score(e, sigma)

    _, var = quadrature_moments(oracle)
    np.testing.assert_allclose(exact_variance("score_loo", mu, sigma, batch_size=10**7), var,
                               rtol=1e-5)


N_EMP = 200_000


@pytest.mark.parametrize("mu,sigma", [(0.7, 1.3), (-2.0, 0.5)])
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_empirical_mean_and_variance(estimator, mu, sigma):
    rng = np.random.default_rng([7, ESTIMATORS.index(estimator)])
    draws = draw_gradients(estimator, mu, sigma, N_EMP, rng=rng)
    grad = exact_gradient(mu, sigma)
    per_draw = exact_variance(estimator, mu, sigma) / samples_per_draw(estimator)
    for i in range(2):
        c = confirm_heavy("mean", draws[:, i], seed=7, exact=float(grad[i]))
        assert c.passed, c.summary
        sq = (draws[:, i] - grad[i]) ** 2
        if estimator == "pathwise" or i == 0:
            c = confirm_heavy("variance", sq, seed=7, exact=float(per_draw[i]))
        else:
            # d/dsigma score-type: (g - mean)^2 is a degree-8 polynomial in eps. Its moments are
            # finite but the tail diagnostic refuses the normal approximation at this n, so the
            # plain z-test here is only nominally at the per-check level (seed fixed: no flakes).
            c = confirm("variance", mc_mean(sq, seed=7, exact=float(per_draw[i])))
        assert c.passed, c.summary


def test_score_loo_unbiased_for_general_f():
    mu, sigma = 0.4, 0.8
    draws = draw_gradients("score_loo", mu, sigma, 100_000, rng=np.random.default_rng(3),
                           objective=SINE)
    for i, want in enumerate(sine_gradient(mu, sigma)):
        c = confirm_heavy("loo sin", draws[:, i], seed=3, exact=float(want))
        assert c.passed, c.summary


def test_pathwise_has_lower_variance_than_score_on_the_grid():
    for mu, sigma in GRID:
        assert np.all(exact_variance("pathwise", mu, sigma) < exact_variance("score", mu, sigma))


def test_reparameterized_sample_is_normal_and_reproducible():
    mu = torch.tensor(0.5, dtype=torch.float64)
    sigma = torch.tensor(2.0, dtype=torch.float64)
    x = reparameterized_sample(mu, sigma, generator=torch.Generator().manual_seed(1),
                               sample_shape=(20_000,))
    assert x.shape == (20_000,) and x.dtype == torch.float64
    p = stats.kstest(x.numpy(), stats.norm(0.5, 2.0).cdf).pvalue
    assert p > per_check_alpha()
    again = reparameterized_sample(mu, sigma, generator=torch.Generator().manual_seed(1),
                                   sample_shape=(20_000,))
    assert torch.equal(x, again)
    wide = reparameterized_sample(torch.zeros(3), torch.ones(2, 1),
                                  generator=torch.Generator().manual_seed(0), sample_shape=(5,))
    assert wide.shape == (5, 2, 3)


def test_reparameterized_sample_rejects_bad_input():
    g = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError):
        reparameterized_sample(torch.tensor(0.0), torch.tensor(-1.0), generator=g)
    with pytest.raises(ValueError):
        reparameterized_sample(torch.tensor(0), torch.tensor(1), generator=g)


def test_rsample_gradients_leave_global_rng_alone_and_match_analytic():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    x, grads = rsample_gradients(0.7, 1.3, 50, seed=5)
    assert torch.equal(before, torch.get_rng_state())
    x2, _ = rsample_gradients(0.7, 1.3, 50, seed=5)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_allclose(grads[:, 0], 2 * x, rtol=0, atol=1e-14)
    np.testing.assert_allclose(grads[:, 1], 2 * x * (x - 0.7) / 1.3, rtol=1e-13, atol=1e-13)


def test_bad_input_raises_value_error():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        exact_gradient(0.0, 0.0)
    with pytest.raises(ValueError):
        draw_gradients("reinforce", 0.0, 1.0, 10, rng=rng)
    with pytest.raises(ValueError):
        draw_gradients("pathwise", 0.0, 1.0, 0, rng=rng)
    with pytest.raises(ValueError):
        score_loo_gradient(np.zeros((3, 1)), 0.0, 1.0)
    with pytest.raises(ValueError):
        exact_variance("score_loo", 0.0, 1.0, batch_size=1)
    with pytest.raises(ValueError):
        finite_difference_gradient(0.0, 1.0, h=2.0)
    with pytest.raises(ValueError):
        optimise_pathwise(1.0, 1.0, lr=-0.1, steps=5, runs=2, generator=torch.Generator())


def test_gradient_flow_solves_its_ode():
    mu0, sigma0 = gradient_flow(1.5, 0.8, 0.0)
    assert mu0 == 1.5 and sigma0 == 0.8
    t, h = np.linspace(0.1, 3.0, 30), 1e-6
    mu, sigma = gradient_flow(1.5, 0.8, t)
    mu_p, sigma_p = gradient_flow(1.5, 0.8, t + h)
    mu_m, sigma_m = gradient_flow(1.5, 0.8, t - h)
    np.testing.assert_allclose((mu_p - mu_m) / (2 * h), -2 * mu, rtol=1e-6)
    # d log sigma / dt = -d/d(log sigma) (mu^2 + sigma^2) = -2 sigma^2
    np.testing.assert_allclose((np.log(sigma_p) - np.log(sigma_m)) / (2 * h), -2 * sigma**2,
                               rtol=1e-6)


def test_gradient_descent_converges_to_the_flow():
    errors = []
    for lr in (0.04, 0.02, 0.01):
        mu, sigma = gradient_descent(1.0, 1.0, lr=lr, steps=int(round(2.0 / lr)))
        f_mu, f_sigma = gradient_flow(1.0, 1.0, 2.0)
        errors.append(max(abs(mu[-1] - f_mu), abs(sigma[-1] - f_sigma)))
    assert errors[0] > errors[1] > errors[2]  # first order: halving lr halves the error
    assert 1.6 < errors[0] / errors[1] < 2.4 and 1.6 < errors[1] / errors[2] < 2.4


def test_optimise_pathwise_shapes_determinism_and_descent():
    run = {"lr": 0.02, "steps": 100, "runs": 64}
    a = optimise_pathwise(1.0, 1.0, **run, generator=torch.Generator().manual_seed(4))
    b = optimise_pathwise(1.0, 1.0, **run, generator=torch.Generator().manual_seed(4))
    assert isinstance(a, Trajectory) and a.mu.shape == a.sigma.shape == (101, 64)
    np.testing.assert_array_equal(a.mu, b.mu)
    assert a.times[-1] == pytest.approx(2.0)
    assert np.mean(a.mu[-1] ** 2 + a.sigma[-1] ** 2) < 0.25 * (1.0 + 1.0)
    assert SQUARE.name == "x^2"


def test_variances_scale_with_sigma_squared_and_table_ratios():
    # x -> c x maps N(mu, s^2) to N(c mu, (c s)^2) and each gradient draw to c times itself.
    for est in ESTIMATORS:
        np.testing.assert_allclose(exact_variance(est, 1.4, 2.6), 4 * exact_variance(est, 0.7, 1.3),
                                   rtol=1e-12)
    rows = variance_table((0.0, 2.0), (1.0,), n=2000, seed=0)
    assert [r["score_ratio"] for r in rows] == [[3.75, 9.25], [21.75, 346 / 24]]
    assert markdown_table(rows).count("\n") == 3
