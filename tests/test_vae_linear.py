"""The linear-Gaussian VAE: the exact identity, a wrong gap refuted, and PPCA from scikit-learn."""

import pytest
import torch
from sklearn.decomposition import PCA
from torch.distributions import MultivariateNormal, kl_divergence

from numeric.vae.checks import check_gap_identity, check_ppca, linear_identity_checks
from numeric.vae.digits import load_digits_split
from numeric.vae.linear import build_linear, scale, train_linear


@pytest.fixture(scope="module")
def data() -> tuple[torch.Tensor, torch.Tensor]:
    split = load_digits_split()
    return scale(split.x_train), scale(split.x_test)


def test_gap_is_torch_kl_to_the_exact_posterior(data):
    _, x = data
    model = build_linear(3, seed=1)
    with torch.no_grad():
        mean, cov = model.marginal()
        log_px = MultivariateNormal(mean, cov).log_prob(x)
        mu, logvar = model.encode(x)
        post_mean, post_cov = model.posterior(x)
        # posterior by Gaussian conditioning on the joint: an independent formula
        gain = model.W.T @ torch.linalg.inv(cov)
        torch.testing.assert_close(post_cov, torch.eye(3, dtype=torch.float64) - gain @ model.W)
        torch.testing.assert_close(post_mean, (x - model.b) @ gain.T)
        q = MultivariateNormal(mu, torch.diag_embed(logvar.exp()))
        ref_kl = kl_divergence(q, MultivariateNormal(post_mean, post_cov))
        torch.testing.assert_close(model.kl_q_to_posterior(x), ref_kl, rtol=1e-10, atol=1e-10)
        assert check_gap_identity(log_px, model.elbo(x), model.kl_q_to_posterior(x),
                                  name="right").passed
        wrong = check_gap_identity(log_px, model.elbo(x), model.kl_posterior_to_q(x),
                                   name="wrong")
    assert not wrong.passed and wrong.figures["max_abs_residual"] > 1e-3


def test_elbo_is_an_expectation_under_q(data):
    """The closed-form ELBO against a Monte Carlo average of log p(x, z) - log q(z|x)."""
    _, x = data
    x = x[:5]
    model = build_linear(2, seed=2)
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn((20000, *mu.shape), generator=g,
                                                       dtype=torch.float64)
        s = model.log_s2.exp().sqrt()
        log_lik = torch.distributions.Normal(z @ model.W.T + model.b, s).log_prob(x).sum(-1)
        log_prior = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)
        log_q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(-1)
        w = log_lik + log_prior - log_q
        se = w.std(0) / w.shape[0] ** 0.5
        z_scores = (w.mean(0) - model.elbo(x)) / se
    assert z_scores.abs().max() < 5.85  # the suite's per-check threshold


@pytest.mark.slow
def test_trained_linear_vae_reaches_sklearn_ppca(data):
    x_train, _ = data
    model = build_linear(2, seed=0)
    with torch.no_grad():
        untrained = float(model.elbo(x_train).mean())
    neg_elbo = train_linear(model, x_train, max_iter=500)
    reference = PCA(n_components=2).fit(x_train.numpy()).score(x_train.numpy())
    result = check_ppca(-neg_elbo, reference)
    assert result.passed, result.summary
    assert not check_ppca(untrained, reference).passed
    assert -neg_elbo <= reference + 1e-4  # an ELBO cannot beat the maximum likelihood


def test_linear_checks_refute_the_reversed_gap():
    right = linear_identity_checks(max_iter=20)
    wrong = linear_identity_checks(wrong_gap=True, max_iter=20)
    assert right[0].passed and right[1].passed
    assert not wrong[0].passed and not wrong[1].passed
    with pytest.raises(ValueError, match="max_iter"):
        train_linear(build_linear(2), torch.zeros(3, 64, dtype=torch.float64), max_iter=0)
    with pytest.raises(ValueError, match="latent_dim"):
        build_linear(0)
