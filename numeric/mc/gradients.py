"""Gradient estimators for grad_(mu, sigma) E[f(x)], x ~ N(mu, sigma^2), and their variances.

Worksheet 2d. With eps ~ N(0, 1) independent of theta and x = mu + sigma * eps,

    grad E[f(x)] = E[f'(x) (grad mu + eps grad sigma)]                    (pathwise)
                 = E[f(x) grad log N(x; mu, sigma^2)]                     (score function)

and for f(x) = x^2 both equal (2 mu, 2 sigma), the gradient of E[x^2] = mu^2 + sigma^2.

Estimators (one draw = one row (d/dmu, d/dsigma); all unbiased):
- "pathwise":  f'(x) * (1, eps).
- "score":     f(x) * (eps, eps^2 - 1) / sigma, the score of N(mu, sigma^2) at x (REINFORCE).
- "score_loo": the score estimator with a leave-one-out baseline over a batch of K draws,
  (f(x_i) - mean_{j != i} f(x_j)) * score(x_i), averaged over the batch. The baseline of x_i
  uses only the other draws, so it is independent of x_i and E[score] = 0 keeps it unbiased.
  One draw is the batch mean (the K terms are dependent); it costs K samples.
- finite differences of the closed form mu^2 + sigma^2 (deterministic; exact for a quadratic
  up to rounding).

Variances are per sample (the LOO batch mean's variance times K), so they compare at equal
cost. For f = x^2 they are closed forms derived by hand from E[eps^(2k)] = (2k - 1)!!
(`exact_variance`); for any f, `quadrature_variance` integrates against the normal density with
scipy.integrate.quad. For x^2 every estimator is a polynomial in eps, so all moments exist and
the Monte Carlo error bars (CLT) and the variance estimates are valid, heavy tails included.

References:
1. Kingma & Welling, Auto-Encoding Variational Bayes, ICLR 2014, Sec. 2.4.
2. Williams, Simple statistical gradient-following algorithms..., Machine Learning 8 (1992).
3. Kool, van Hoof & Welling, Buy 4 REINFORCE samples, get a baseline for free!, ICLR-W 2019.
4. Mohamed, Rosca, Figurnov & Mnih, Monte Carlo Gradient Estimation in Machine Learning,
   JMLR 21 (2020), Sec. 4-5.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from scipy import integrate
from scipy.stats import norm

ESTIMATORS = ("pathwise", "score", "score_loo")
DEFAULT_BATCH = 4  # K for the leave-one-out baseline


@dataclass(frozen=True)
class Objective:
    """A smooth integrand f with its derivative f' (both vectorised over numpy arrays)."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]


SQUARE = Objective("x^2", np.square, lambda x: 2.0 * x)


def _check_params(mu: float, sigma: float) -> None:
    if not (math.isfinite(mu) and math.isfinite(sigma)):
        raise ValueError(f"mu and sigma must be finite, got mu={mu}, sigma={sigma}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")


def objective_closed_form(mu: float, sigma: float) -> float:
    """E[x^2] = mu^2 + sigma^2 for x ~ N(mu, sigma^2)."""
    _check_params(mu, sigma)
    return mu * mu + sigma * sigma


def exact_gradient(mu: float, sigma: float) -> np.ndarray:
    """grad_(mu, sigma) E[x^2] = (2 mu, 2 sigma): 2 mu grad mu + 2 sigma grad sigma at theta =
    (mu, sigma)."""
    _check_params(mu, sigma)
    return np.array([2.0 * mu, 2.0 * sigma])


def pathwise_gradient(eps: np.ndarray, mu: float, sigma: float, *,
                      objective: Objective = SQUARE) -> np.ndarray:
    """Reparameterized draws f'(mu + sigma eps) * (1, eps), shape eps.shape + (2,)."""
    _check_params(mu, sigma)
    eps = np.asarray(eps, dtype=float)
    slope = objective.df(mu + sigma * eps)
    return np.stack([slope, slope * eps], axis=-1)


def score(eps: np.ndarray, sigma: float) -> np.ndarray:
    """grad_(mu, sigma) log N(x; mu, sigma^2) at x = mu + sigma eps: (eps, eps^2 - 1) / sigma."""
    eps = np.asarray(eps, dtype=float)
    return np.stack([eps, eps * eps - 1.0], axis=-1) / sigma


def score_gradient(eps: np.ndarray, mu: float, sigma: float, *,
                   objective: Objective = SQUARE) -> np.ndarray:
    """Score-function (REINFORCE) draws f(x) grad log N(x; mu, sigma^2), shape eps.shape + (2,)."""
    _check_params(mu, sigma)
    eps = np.asarray(eps, dtype=float)
    return objective.f(mu + sigma * eps)[..., None] * score(eps, sigma)


def score_loo_gradient(eps: np.ndarray, mu: float, sigma: float, *,
                       objective: Objective = SQUARE) -> np.ndarray:
    """Score draws with a leave-one-out baseline, averaged over the last axis (the batch of K).

    eps has shape (..., K) with K >= 2; the result has shape (..., 2).
    """
    _check_params(mu, sigma)
    eps = np.asarray(eps, dtype=float)
    k = eps.shape[-1] if eps.ndim else 0
    if k < 2:
        raise ValueError(f"the leave-one-out baseline needs a batch of K >= 2 draws, got {k}")
    fx = objective.f(mu + sigma * eps)
    baseline = (fx.sum(axis=-1, keepdims=True) - fx) / (k - 1)
    return ((fx - baseline)[..., None] * score(eps, sigma)).mean(axis=-2)


def draw_gradients(estimator: str, mu: float, sigma: float, n: int, *, rng: np.random.Generator,
                   objective: Objective = SQUARE, batch_size: int = DEFAULT_BATCH) -> np.ndarray:
    """n i.i.d. draws (n, 2) of an estimator; a "score_loo" draw uses batch_size samples."""
    _check_params(mu, sigma)
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    if estimator == "pathwise":
        return pathwise_gradient(rng.standard_normal(n), mu, sigma, objective=objective)
    if estimator == "score":
        return score_gradient(rng.standard_normal(n), mu, sigma, objective=objective)
    if estimator == "score_loo":
        eps = rng.standard_normal((n, batch_size))
        return score_loo_gradient(eps, mu, sigma, objective=objective)
    raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")


def samples_per_draw(estimator: str, batch_size: int = DEFAULT_BATCH) -> int:
    """How many normal samples one draw of the estimator costs."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")
    return batch_size if estimator == "score_loo" else 1


def _loo_per_sample(mu22: np.ndarray, grad: np.ndarray, var_f_score2: np.ndarray,
                    k: int) -> np.ndarray:
    # Variance of the unbiased sample covariance of (f, score) over K draws, times K:
    # mu22 - (K-2)/(K-1) Cov^2 + Var f * E[score^2] / (K-1), with Cov = grad since E[score] = 0.
    # (The batch mean of the LOO terms equals that sample covariance exactly.)
    return mu22 - (k - 2) / (k - 1) * grad**2 + var_f_score2 / (k - 1)


def exact_variance(estimator: str, mu: float, sigma: float, *,
                   batch_size: int = DEFAULT_BATCH) -> np.ndarray:
    """Per-sample variance (d/dmu, d/dsigma) for f = x^2, closed forms derived by hand.

    pathwise:  (4 s^2, 4 mu^2 + 8 s^2)
    score:     (mu^4/s^2 + 14 mu^2 + 15 s^2, 2 mu^4/s^2 + 60 mu^2 + 74 s^2)
    score_loo: from E[(f-m)^2 score^2] = (12 mu^2 + 10 s^2, 40 mu^2 + 60 s^2),
               Var f = 4 mu^2 s^2 + 2 s^4, E[score^2] = (1, 2) / s^2 (see _loo_per_sample).
    """
    _check_params(mu, sigma)
    m2, s2 = mu * mu, sigma * sigma
    if estimator == "pathwise":
        return np.array([4 * s2, 4 * m2 + 8 * s2])
    if estimator == "score":
        return np.array([m2 * m2 / s2 + 14 * m2 + 15 * s2, 2 * m2 * m2 / s2 + 60 * m2 + 74 * s2])
    if estimator == "score_loo":
        if batch_size < 2:
            raise ValueError(f"batch_size must be >= 2, got {batch_size}")
        mu22 = np.array([12 * m2 + 10 * s2, 40 * m2 + 60 * s2])
        var_f_score2 = (4 * m2 + 2 * s2) * np.array([1.0, 2.0])
        return _loo_per_sample(mu22, exact_gradient(mu, sigma), var_f_score2, batch_size)
    raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")


def gaussian_expectation(h: Callable[[float], float]) -> float:
    """E[h(eps)], eps ~ N(0, 1), by adaptive quadrature (scipy.integrate.quad) on the real line."""
    value, _ = integrate.quad(lambda e: h(e) * norm.pdf(e), -np.inf, np.inf,
                              epsabs=1e-12, epsrel=1e-11, limit=200)
    return float(value)


def quadrature_moments(draw: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance (2,) of one draw g(eps), eps ~ N(0, 1), for any per-eps estimator g.

    draw maps eps (any shape) to gradients of shape eps.shape + (2,), e.g.
    lambda e: pathwise_gradient(e, mu, sigma).
    """
    mean, var = np.empty(2), np.empty(2)
    for i in range(2):
        def g(e: float, i: int = i) -> float:
            return float(draw(np.array(e))[i])
        mean[i] = gaussian_expectation(g)
        var[i] = gaussian_expectation(lambda e, g=g, m=mean[i]: (g(e) - m) ** 2)
    return mean, var


def quadrature_variance(estimator: str, mu: float, sigma: float, *,
                        objective: Objective = SQUARE,
                        batch_size: int = DEFAULT_BATCH) -> np.ndarray:
    """Per-sample variance (d/dmu, d/dsigma) of an estimator for any f, by quadrature."""
    _check_params(mu, sigma)
    if estimator in ("pathwise", "score"):
        one = pathwise_gradient if estimator == "pathwise" else score_gradient
        return quadrature_moments(lambda e: one(e, mu, sigma, objective=objective))[1]
    if estimator == "score_loo":
        if batch_size < 2:
            raise ValueError(f"batch_size must be >= 2, got {batch_size}")

        def fx(e: float) -> float:
            return float(objective.f(np.array(mu + sigma * e)))
        m = gaussian_expectation(fx)
        var_f = gaussian_expectation(lambda e: (fx(e) - m) ** 2)
        out = np.empty(2)
        for i in range(2):
            def s(e: float, i: int = i) -> float:
                return float(score(np.array(e), sigma)[i])
            grad = gaussian_expectation(lambda e, s=s: fx(e) * s(e))
            mu22 = gaussian_expectation(lambda e, s=s: (fx(e) - m) ** 2 * s(e) ** 2)
            score2 = gaussian_expectation(lambda e, s=s: s(e) ** 2)
            out[i] = _loo_per_sample(np.array(mu22), np.array(grad), np.array(var_f * score2),
                                     batch_size)
        return out
    raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")


def finite_difference_gradient(mu: float, sigma: float, *, h: float = 1e-4,
                               value: Callable[[float, float], float] = objective_closed_form
                               ) -> np.ndarray:
    """Central differences (d/dmu, d/dsigma) of value(mu, sigma), default mu^2 + sigma^2.

    The truncation error is h^2/6 times a third derivative, which is zero for a quadratic, so
    only rounding (about machine epsilon * |value| / h) remains.
    """
    _check_params(mu, sigma)
    if not (0 < h < sigma):
        raise ValueError(f"step h must lie in (0, sigma), got h={h}, sigma={sigma}")
    return np.array([(value(mu + h, sigma) - value(mu - h, sigma)) / (2 * h),
                     (value(mu, sigma + h) - value(mu, sigma - h)) / (2 * h)])


# --- torch: the reparameterized sampler and autograd through it -----------------------------

def reparameterized_sample(mu: torch.Tensor, sigma: torch.Tensor, *, generator: torch.Generator,
                           sample_shape: tuple[int, ...] = ()) -> torch.Tensor:
    """x = mu + sigma * eps with eps ~ N(0, 1) drawn from `generator`: differentiable in mu, sigma.

    >>> g = torch.Generator().manual_seed(0)
    >>> mu = torch.tensor(1.0, requires_grad=True)
    >>> reparameterized_sample(mu, torch.tensor(2.0), generator=g).backward()
    >>> mu.grad
    tensor(1.)
    """
    if not (torch.is_floating_point(mu) and torch.is_floating_point(sigma)):
        raise ValueError("mu and sigma must be floating-point tensors")
    if bool((sigma <= 0).any()):
        raise ValueError("sigma must be positive")
    shape = torch.Size(sample_shape) + torch.broadcast_shapes(mu.shape, sigma.shape)
    eps = torch.randn(shape, generator=generator, dtype=mu.dtype, device=mu.device)
    return mu + sigma * eps


def _per_sample_autograd(mu: float, sigma: float, n: int,
                         sample: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
                         ) -> tuple[np.ndarray, np.ndarray]:
    # One (mu, sigma) copy per draw, so d/d(mu_i, sigma_i) of sum_j x_j^2 is draw i's gradient.
    _check_params(mu, sigma)
    mus = torch.full((n,), mu, dtype=torch.float64, requires_grad=True)
    sigmas = torch.full((n,), sigma, dtype=torch.float64, requires_grad=True)
    x = sample(mus, sigmas)
    (x**2).sum().backward()
    grads = torch.stack([mus.grad, sigmas.grad], dim=-1)
    return x.detach().numpy(), grads.numpy()


def autograd_gradients(mu: float, sigma: float, n: int, *,
                       generator: torch.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n draws x (n,) through `reparameterized_sample` and autograd's d(x^2)/d(mu, sigma) (n, 2)."""
    return _per_sample_autograd(
        mu, sigma, n, lambda m, s: reparameterized_sample(m, s, generator=generator))


def rsample_gradients(mu: float, sigma: float, n: int, *,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """As `autograd_gradients` but through torch.distributions.Normal(mu, sigma).rsample().

    rsample draws from torch's global generator, so it runs inside torch.random.fork_rng
    seeded with `seed`: same seed, same draws, and the caller's global state is left untouched.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _per_sample_autograd(
            mu, sigma, n, lambda m, s: torch.distributions.Normal(m, s).rsample())


# --- min_theta E[x^2] by SGD with the pathwise gradient, theta = (mu, log sigma) -------------

@dataclass(frozen=True)
class Trajectory:
    """SGD iterates: mu and sigma of shape (steps + 1, runs), with learning rate lr."""

    lr: float
    mu: np.ndarray
    sigma: np.ndarray

    @property
    def times(self) -> np.ndarray:
        """Flow time t_k = k * lr of each iterate."""
        return self.lr * np.arange(self.mu.shape[0])


def optimise_pathwise(mu0: float, sigma0: float, *, lr: float, steps: int, runs: int,
                      generator: torch.Generator) -> Trajectory:
    """`runs` independent SGD runs on (mu, rho = log sigma), one reparameterized draw per step."""
    _check_params(mu0, sigma0)
    if not (lr > 0 and steps >= 1 and runs >= 1):
        raise ValueError(f"need lr > 0, steps >= 1, runs >= 1; got {lr}, {steps}, {runs}")
    mu = torch.full((runs,), mu0, dtype=torch.float64, requires_grad=True)
    rho = torch.full((runs,), math.log(sigma0), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([mu, rho], lr=lr)
    mus, sigmas = [mu.detach().clone()], [rho.detach().exp()]
    for _ in range(steps):
        opt.zero_grad()
        x = reparameterized_sample(mu, rho.exp(), generator=generator)
        (x**2).sum().backward()  # runs are independent: each run's gradient is its own term
        opt.step()
        mus.append(mu.detach().clone())
        sigmas.append(rho.detach().exp())
    return Trajectory(lr, torch.stack(mus).numpy(), torch.stack(sigmas).numpy())


def gradient_flow(mu0: float, sigma0: float, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact flow of d(mu, rho)/dt = -grad (mu^2 + e^(2 rho)): mu0 e^(-2t), sigma0/sqrt(1+4 s0^2 t).

    dmu/dt = -2 mu; drho/dt = -2 sigma^2, so d(sigma^-2)/dt = 4.
    """
    _check_params(mu0, sigma0)
    t = np.asarray(t, dtype=float)
    return mu0 * np.exp(-2 * t), sigma0 / np.sqrt(1 + 4 * sigma0**2 * t)


def gradient_descent(mu0: float, sigma0: float, *, lr: float,
                     steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Noise-free iterates (steps + 1,) with the analytic gradient: Euler's method on the flow."""
    _check_params(mu0, sigma0)
    mu, rho = np.empty(steps + 1), np.empty(steps + 1)
    mu[0], rho[0] = mu0, math.log(sigma0)
    for k in range(steps):
        mu[k + 1] = mu[k] - lr * 2 * mu[k]
        rho[k + 1] = rho[k] - lr * 2 * math.exp(2 * rho[k])
    return mu, np.exp(rho)
