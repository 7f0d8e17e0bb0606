"""confirm_2d passes; the worksheet's wrong claims fail the same confirmations.

Each wrong claim is fed to a confirmation at a sample size fixed in advance by `required_n`
(sized with twice the per-draw sd, margin for the estimated se) so that it is rejected with
probability >= 1 - 1e-6; each test also checks the realised detectable error.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from numeric.confirm.reparam import (
    OPT,
    POINT,
    confirm_2d,
    confirm_close,
    confirm_finite_difference,
    confirm_optimisation,
    confirm_unbiased,
    confirm_variance,
    confirm_variance_by_quadrature,
)
from numeric.mc.gradients import (
    ESTIMATORS,
    Trajectory,
    autograd_gradients,
    draw_gradients,
    exact_gradient,
    exact_variance,
    gaussian_expectation,
    optimise_pathwise,
    pathwise_gradient,
    quadrature_moments,
    quadrature_variance,
    reparameterized_sample,
    samples_per_draw,
    score_gradient,
)
from numeric.mc.montecarlo import required_n

MU, SIGMA = POINT


def sized_n(sd: float, gap: float) -> int:
    """n at which a true error `gap` fails the z-test w.p. >= 1 - 1e-6, even if the se estimate
    comes out up to twice the true sd / sqrt(n)."""
    return required_n(2 * sd, gap)


def assert_rejected(c, gap: float) -> None:
    assert not c.passed, c.summary
    assert c.figures["detectable_error"] <= gap, c.figures


def test_confirm_2d_passes_and_is_json_ready():
    results = confirm_2d()
    assert len(results) >= 15
    assert all(c.passed for c in results), [c.summary for c in results if not c.passed]
    json.dumps([c.figures for c in results])
    again = confirm_2d()
    assert [c.figures for c in again] == [c.figures for c in results]  # same seeds, same figures


# --- wrong claim 1: grad E[x^2] = 2 mu grad mu + sigma grad sigma (factor 2 missing) ---------

def wrong_factor(mu: float, sigma: float) -> np.ndarray:
    return np.array([2 * mu, sigma])


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_missing_factor_rejected_by_every_estimator(estimator):
    gap = SIGMA  # |2 sigma - sigma| on the d/dsigma component
    sd = math.sqrt(exact_variance(estimator, MU, SIGMA)[1] / samples_per_draw(estimator))
    n = sized_n(sd, gap)
    draws = draw_gradients(estimator, MU, SIGMA, n, rng=np.random.default_rng(11))
    wrong = confirm_unbiased("wrong", draws, seed=11, exact=wrong_factor(MU, SIGMA))
    assert wrong[0].passed  # the d/dmu half of the claim is right
    assert_rejected(wrong[1], gap)
    right = confirm_unbiased("right", draws, seed=11, exact=exact_gradient(MU, SIGMA))
    assert all(c.passed for c in right)


def test_missing_factor_rejected_by_finite_differences():
    assert confirm_finite_difference(MU, SIGMA).passed
    assert not confirm_finite_difference(MU, SIGMA, gradient=wrong_factor).passed


# --- wrong claim 2: the gradient taken as if eps depended on theta ---------------------------

def eps_of_theta_gradients(mu: float, sigma: float, n: int, *,
                           generator: torch.Generator) -> np.ndarray:
    # The bug made concrete: keep a stored draw x and recover the noise as
    # eps(theta) = (x - mu(theta)) / sigma(theta), then differentiate mu + sigma * eps(theta).
    # Then x = mu + sigma * eps(theta) no longer moves with theta: the chain rule through eps
    # cancels the path (1 + sigma * (-1/sigma) = 0), so the "gradient" is 0, not (2 mu, 2 sigma).
    # The exchange of grad and E is valid only because eps's law does not depend on theta.
    mus = torch.full((n,), mu, dtype=torch.float64, requires_grad=True)
    sigmas = torch.full((n,), sigma, dtype=torch.float64, requires_grad=True)
    x = reparameterized_sample(mus, sigmas, generator=generator).detach()
    eps = (x - mus) / sigmas
    ((mus + sigmas * eps) ** 2).sum().backward()
    return torch.stack([mus.grad, sigmas.grad], dim=-1).numpy()


def test_eps_depending_on_theta_rejected():
    n = 1000
    grads = eps_of_theta_gradients(MU, SIGMA, n, generator=torch.Generator().manual_seed(2))
    _, right = autograd_gradients(MU, SIGMA, n, generator=torch.Generator().manual_seed(2))
    scale = float(np.abs(right).max())
    assert not confirm_close("same draws", grads, right, tol=1e-12 * scale).passed
    for c in confirm_unbiased("eps(theta)", grads, seed=2, exact=exact_gradient(MU, SIGMA)):
        assert_rejected(c, float(np.min(np.abs(exact_gradient(MU, SIGMA)))))


def double_counted(eps: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    # The other reading of the same mistake: treating eps's law as moving with theta (as x's
    # law does) and so adding its score term to the pathwise term: mean 2 * (2 mu, 2 sigma).
    return pathwise_gradient(eps, mu, sigma) + score_gradient(eps, mu, sigma)


def test_score_term_added_to_pathwise_rejected():
    mean, var = quadrature_moments(lambda e: double_counted(e, MU, SIGMA))
    grad = exact_gradient(MU, SIGMA)
    np.testing.assert_allclose(mean, 2 * grad, rtol=1e-9)
    gaps = np.abs(mean - grad)
    n = max(sized_n(math.sqrt(var[i]), gaps[i]) for i in range(2))
    draws = double_counted(np.random.default_rng(5).standard_normal(n), MU, SIGMA)
    for c, gap in zip(confirm_unbiased("double", draws, seed=5, exact=grad), gaps, strict=True):
        assert_rejected(c, gap)


# --- wrong claim 3: the score-function estimator without the derivative of log N ------------

def f_alone(eps: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    fx = (mu + sigma * eps) ** 2
    return np.stack([fx, fx], axis=-1)


def f_times_log_density(eps: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    x = mu + sigma * eps
    logp = -0.5 * eps**2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)
    return np.stack([x**2 * logp, x**2 * logp], axis=-1)


def score_without_normaliser(eps: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    # d/dsigma of -(x - mu)^2 / (2 sigma^2) only: the -1/sigma from log(1/sigma) is dropped.
    fx = (mu + sigma * eps) ** 2
    return np.stack([fx * eps / sigma, fx * eps**2 / sigma], axis=-1)


@pytest.mark.parametrize("wrong", [f_alone, f_times_log_density, score_without_normaliser])
def test_score_without_log_density_derivative_rejected(wrong):
    mean, var = quadrature_moments(lambda e: wrong(e, MU, SIGMA))
    grad = exact_gradient(MU, SIGMA)
    gaps = np.abs(mean - grad)
    i = int(np.argmax(gaps / np.sqrt(var)))  # the component that exposes the claim
    assert gaps[i] > 0.1
    n = sized_n(math.sqrt(var[i]), gaps[i])
    draws = wrong(np.random.default_rng(8).standard_normal(n), MU, SIGMA)
    assert_rejected(confirm_unbiased("wrong score", draws, seed=8, exact=grad)[i], gaps[i])


# --- wrong variances -------------------------------------------------------------------------

def test_wrong_pathwise_variance_rejected():
    # Var(2 x eps) = 4 (mu^2 + sigma^2 Var(eps^2)) with Var(eps^2) = 2; taking it as 1 is wrong.
    grad = exact_gradient(MU, SIGMA)
    right = exact_variance("pathwise", MU, SIGMA)
    wrong = np.array([right[0], 4 * MU**2 + 4 * SIGMA**2])
    gap = right[1] - wrong[1]

    def g(e: float) -> float:
        return float(pathwise_gradient(np.array(e), MU, SIGMA)[1])

    sd_sq = math.sqrt(gaussian_expectation(lambda e: (g(e) - grad[1]) ** 4) - right[1] ** 2)
    n = sized_n(sd_sq, gap)
    draws = draw_gradients("pathwise", MU, SIGMA, n, rng=np.random.default_rng(9))
    assert all(c.passed for c in confirm_variance("right", draws, seed=9, mean=grad,
                                                  variance=right))
    assert_rejected(confirm_variance("wrong", draws, seed=9, mean=grad, variance=wrong)[1], gap)


def test_wrong_closed_form_rejected_by_quadrature():
    draws = draw_gradients("score", MU, SIGMA, 2000, rng=np.random.default_rng(1))[:, 1]
    quad = float(quadrature_variance("score", MU, SIGMA)[1])
    closed = float(exact_variance("score", MU, SIGMA)[1])
    kw = {"quadrature": quad, "mean": 2 * SIGMA}
    assert confirm_variance_by_quadrature("right", draws, closed_form=closed, **kw).passed
    # 74 sigma^2 -> 78 sigma^2: forgetting to subtract the squared mean (2 sigma)^2
    wrong = closed + 4 * SIGMA**2
    assert not confirm_variance_by_quadrature("wrong", draws, closed_form=wrong, **kw).passed


# --- the optimisation ------------------------------------------------------------------------

def simulate(mu0: float, sigma0: float, *, lr: float, steps: int, runs: int, rho_factor: float,
             rng: np.random.Generator) -> Trajectory:
    """SGD on (mu, log sigma) in numpy, with the d/drho pathwise term scaled by rho_factor."""
    mu, rho = np.full(runs, mu0), np.full(runs, math.log(sigma0))
    mus, sigmas = [mu.copy()], [np.exp(rho)]
    for _ in range(steps):
        eps = rng.standard_normal(runs)
        sigma = np.exp(rho)
        x = mu + sigma * eps
        mu, rho = mu - lr * 2 * x, rho - lr * rho_factor * 2 * x * eps * sigma
        mus.append(mu.copy())
        sigmas.append(np.exp(rho))
    return Trajectory(lr, np.array(mus), np.array(sigmas))


def test_numpy_sgd_with_the_right_gradient_passes():
    traj = simulate(**OPT, rho_factor=1.0, rng=np.random.default_rng(0))
    assert all(c.passed for c in confirm_optimisation(traj, OPT["mu0"], OPT["sigma0"], seed=0))


def test_sgd_with_missing_factor_rejected():
    # Halving d/dsigma makes sigma^-2 = 1 + 2t, so the Doob statistic has mean
    # lr sum_k sigma_k^2 ~ integral_0^2 dt / (1 + 2t) = ln(5) / 2 ~ 0.80 instead of 0.
    traj = simulate(**OPT, rho_factor=0.5, rng=np.random.default_rng(0))
    mean_mu, drift, _ = confirm_optimisation(traj, OPT["mu0"], OPT["sigma0"], seed=0)
    assert mean_mu.passed  # the mu half is right
    assert_rejected(drift, math.log(5) / 4)


def test_sgd_with_eps_of_theta_does_not_move_and_is_rejected():
    traj = simulate(**OPT, rho_factor=1.0, rng=np.random.default_rng(0))
    frozen = Trajectory(traj.lr, np.full_like(traj.mu, OPT["mu0"]),
                        np.full_like(traj.sigma, OPT["sigma0"]))  # zero gradient: no steps
    mean_mu, drift, _ = confirm_optimisation(frozen, OPT["mu0"], OPT["sigma0"], seed=0)
    assert not mean_mu.passed and not drift.passed


def test_wrong_flow_rejected():
    traj = optimise_pathwise(OPT["mu0"], OPT["sigma0"], lr=OPT["lr"], steps=OPT["steps"],
                             runs=OPT["runs"], generator=torch.Generator().manual_seed(0))
    right = confirm_optimisation(traj, OPT["mu0"], OPT["sigma0"], seed=0)
    assert all(c.passed for c in right)

    def sigma_like_mu(mu0, sigma0, t):  # the flow of (mu, sigma) itself, not of (mu, log sigma)
        return mu0 * np.exp(-2 * t), sigma0 * np.exp(-2 * t)

    wrong = confirm_optimisation(traj, OPT["mu0"], OPT["sigma0"], seed=0, flow=sigma_like_mu)
    assert not wrong[2].passed
