"""2-D quadrature against closed forms (linear-Gaussian model), and the 2f checks fed wrong KLs."""

import pytest
import torch
from torch.distributions import MultivariateNormal, Normal, kl_divergence

from numeric.mc.quadrature import converged_quadrature, grid_estimate, midpoint_grid
from numeric.vae.checks import check_gap_by_quadrature


def linear_model(seed: int):
    """x | z ~ N(W z + b, s^2 I) in 3 dimensions, z ~ N(0, I_2), and a few data points."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn((3, 2), generator=g, dtype=torch.float64) * 2.0
    b = torch.randn(3, generator=g, dtype=torch.float64)
    s = 0.3
    x = torch.randn((6, 3), generator=g, dtype=torch.float64) * 2.0

    def log_joint(z):
        lik = Normal(z @ w.T + b, s).log_prob(x[:, None]).sum(-1)  # (6, g)
        return lik + Normal(0.0, 1.0).log_prob(z).sum(-1)[None]

    return w, b, s, x, log_joint


def test_quadrature_matches_the_closed_forms():
    w, b, s, x, log_joint = linear_model(0)
    cov = w @ w.T + s**2 * torch.eye(3, dtype=torch.float64)
    exact = MultivariateNormal(b, cov).log_prob(x)
    post_cov = torch.linalg.inv(torch.eye(2, dtype=torch.float64) + w.T @ w / s**2)
    post_mean = (x - b) @ w @ post_cov / s**2
    mu = post_mean + 0.3  # a q off the posterior, with its own diagonal variance
    logvar = torch.log(torch.tensor([[0.02, 0.05]], dtype=torch.float64)).expand(6, 2)
    quad = converged_quadrature(log_joint, mu, logvar, bound=8.0, tol=1e-5, max_n=1024)
    assert quad.converged
    torch.testing.assert_close(quad.final.log_px, exact, rtol=0, atol=1e-6)
    q = MultivariateNormal(mu, torch.diag_embed(logvar.exp()))
    ref_kl = kl_divergence(q, MultivariateNormal(post_mean, post_cov))
    torch.testing.assert_close(quad.final.kl, ref_kl, rtol=0, atol=1e-5)
    assert float(quad.final.rim_mass.max()) < 1e-12


def test_too_coarse_a_grid_is_reported_unconverged():
    _, _, _, x, log_joint = linear_model(1)
    mu, logvar = torch.zeros(6, 2, dtype=torch.float64), torch.zeros(6, 2, dtype=torch.float64)
    quad = converged_quadrature(log_joint, mu, logvar, start=4, max_n=16)
    assert not quad.converged and [n for n, _ in quad.history] == [8, 16]
    with pytest.raises(ValueError, match="start"):
        converged_quadrature(log_joint, mu, logvar, start=64, max_n=32)
    with pytest.raises(ValueError, match="shape"):
        grid_estimate(log_joint, mu[:, :1], logvar[:, :1], n=8, bound=4.0)


def test_midpoint_grid_covers_the_box():
    grid = midpoint_grid(4, 2.0)
    assert grid.shape == (16, 2)
    assert torch.allclose(grid[:, 0].unique(), torch.tensor([-1.5, -0.5, 0.5, 1.5],
                                                            dtype=torch.float64))


def test_gap_check_refutes_a_wrong_kl():
    """Exact log p(x), exact KL, and unbiased ELBO draws: right passes, KL off by 0.5 fails."""
    w, b, s, x, log_joint = linear_model(2)
    cov = w @ w.T + s**2 * torch.eye(3, dtype=torch.float64)
    log_px = MultivariateNormal(b, cov).log_prob(x)
    post_cov = torch.linalg.inv(torch.eye(2, dtype=torch.float64) + w.T @ w / s**2)
    mu = (x - b) @ w @ post_cov / s**2 + 0.05  # q near the posterior: low-variance draws
    logvar = torch.log(torch.diagonal(post_cov)).expand(6, 2)
    g = torch.Generator().manual_seed(3)
    q = Normal(mu, torch.exp(0.5 * logvar))
    z = mu + q.scale * torch.randn((1000, 6, 2), generator=g, dtype=torch.float64)
    log_p_xz = (Normal(z @ w.T + b, s).log_prob(x).sum(-1)
                + Normal(0.0, 1.0).log_prob(z).sum(-1))
    draws = log_p_xz - q.log_prob(z).sum(-1)  # (1000, 6) one-sample ELBO estimates
    quad = converged_quadrature(log_joint, mu, logvar, bound=8.0, tol=1e-5, max_n=1024)
    kl = quad.final.kl
    assert check_gap_by_quadrature(log_px, draws, kl, seed=3, quad_tol=1e-6).passed
    assert not check_gap_by_quadrature(log_px, draws, kl + 0.5, seed=3, quad_tol=1e-6).passed
