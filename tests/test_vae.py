"""The VAE's pieces against torch.distributions, and each check fed a wrong version."""

from dataclasses import replace

import pytest
import torch
from torch.distributions import Binomial, Normal, kl_divergence

from numeric.vae import model
from numeric.vae.checks import (
    check_decoder_draws,
    check_loss_is_negative_elbo,
    check_ordered,
    check_reparameterization,
)
from numeric.vae.digits import load_digits_split
from numeric.vae.model import (
    LATENT2,
    VAE,
    VAEConfig,
    binomial_log_prob,
    build,
    cache_key,
    elbo,
    generate,
    iw_bound,
    kl_to_standard_normal,
    load_checkpoint,
    loss_function,
    sample_from_decoder,
    save_checkpoint,
    train,
    trained_vae,
)

TINY = replace(LATENT2, hidden=16, epochs=2)


@pytest.fixture(scope="module")
def tiny() -> VAE:
    model = build(TINY)
    train(model, load_digits_split().x_train, TINY, progress=False)
    return model


@pytest.fixture(scope="module")
def batch() -> torch.Tensor:
    return torch.as_tensor(load_digits_split().x_test[:32], dtype=torch.float32)


def test_split_is_fixed_and_integer():
    a, b = load_digits_split(), load_digits_split()
    assert (a.x_test == b.x_test).all() and a.x_train.shape == (1347, 64)
    assert a.x_train.min() == 0 and a.x_train.max() == 16
    with pytest.raises(ValueError, match="test_size"):
        load_digits_split(test_size=1.5)


def test_kl_to_standard_normal_matches_torch():
    g = torch.Generator().manual_seed(0)
    mu = torch.randn((50, 3), generator=g, dtype=torch.float64)
    logvar = torch.randn((50, 3), generator=g, dtype=torch.float64)
    ref = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)).sum(-1)
    torch.testing.assert_close(kl_to_standard_normal(mu, logvar), ref, rtol=0, atol=1e-12)
    # a KL missing its log-variance term is refuted by the same comparison
    wrong = 0.5 * (mu.pow(2) + logvar.exp() - 1.0).sum(-1)
    assert not torch.allclose(wrong, ref, atol=1e-3)


def test_binomial_log_prob_matches_torch():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn((20, 64), generator=g, dtype=torch.float64) * 3
    x = torch.randint(0, 17, (20, 64), generator=g).double()
    ref = Binomial(16, logits=logits).log_prob(x).sum(-1)
    torch.testing.assert_close(binomial_log_prob(logits, x), ref, rtol=1e-12, atol=1e-9)
    # normalised: the probabilities of 0..16 sum to 1 for each pixel
    counts = torch.arange(17.0, dtype=torch.float64)[:, None]
    total = torch.logsumexp(binomial_log_prob(logits[0][None, :1].expand(17, 1), counts), 0)
    assert abs(float(total)) < 1e-12


def test_loss_is_negative_elbo(tiny, batch):
    assert check_loss_is_negative_elbo(tiny, batch, seed=3).passed


def test_loss_check_refutes_wrong_losses(tiny, batch):
    def kl_sign_flipped(logits, x, mu, logvar):
        return (-kl_to_standard_normal(mu, logvar) - binomial_log_prob(logits, x)).mean()

    def bernoulli_on_grey(logits, x, mu, logvar):  # the PyTorch example's likelihood on x / 16
        bce = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, x / 16, reduction="none").sum(-1)
        return (bce + kl_to_standard_normal(mu, logvar)).mean()

    for wrong in (kl_sign_flipped, bernoulli_on_grey):
        assert not check_loss_is_negative_elbo(tiny, batch, seed=3, loss_fn=wrong).passed
    assert check_loss_is_negative_elbo(tiny, batch, seed=3, loss_fn=loss_function).passed


def test_reparameterization_check_catches_variance_for_std(tiny):
    assert check_reparameterization(tiny.reparameterize, seed=4).passed

    def sigma_squared(mu, logvar, *, generator):  # the bug: sigma^2 where sigma belongs
        return mu + logvar.exp() * torch.randn(mu.shape, generator=generator)

    def no_noise(mu, logvar, *, generator):
        return mu

    assert not check_reparameterization(sigma_squared, seed=4).passed
    assert not check_reparameterization(no_noise, seed=4).passed


def test_iw_bound_matches_torch_distributions(tiny, batch):
    k = 7
    got = iw_bound(tiny, batch, k, generator=torch.Generator().manual_seed(5), chunk=3)
    with torch.no_grad():
        mu, logvar = tiny.encode(batch)
        eps = torch.randn((k, *mu.shape), generator=torch.Generator().manual_seed(5))
        q = Normal(mu, torch.exp(0.5 * logvar))
        z = mu + q.scale * eps
        log_w = (Binomial(16, logits=tiny.decode(z)).log_prob(batch).sum(-1)
                 + Normal(0.0, 1.0).log_prob(z).sum(-1) - q.log_prob(z).sum(-1))
        ref = torch.logsumexp(log_w, 0) - torch.log(torch.tensor(float(k)))
    # chunk=3 draws eps in pieces of 3, 3, 1: the same stream as one draw of 7
    torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-4)
    with pytest.raises(ValueError, match="k must"):
        iw_bound(tiny, batch, 0, generator=torch.Generator())


def test_bound_ordering_check_refutes_reversed_order(tiny, batch):
    g = torch.Generator().manual_seed(6)
    with torch.no_grad():
        est = {"ELBO": elbo(tiny, batch, generator=g),
               "L_1": iw_bound(tiny, batch, 1, generator=g),
               "L_50": iw_bound(tiny, batch, 50, generator=g)}
    assert check_ordered(est, name="real bounds").passed
    # known means 0 < 0.5 per point with unit noise over 400 points: the order is clear
    a = torch.randn(400, generator=g, dtype=torch.float64)
    b = 0.5 + torch.randn(400, generator=g, dtype=torch.float64)
    assert check_ordered({"a": a, "b": b}, name="right order").passed
    assert not check_ordered({"b": b, "a": a}, name="reversed").passed
    assert check_ordered({"b": b, "a": a}, name="slack", slack={"a": 1.0}).passed


def test_decoder_draws_are_draws_not_the_mean(tiny):
    z, probs, x = generate(tiny, 16, generator=torch.Generator().manual_seed(7))
    assert z.shape == (16, 2) and probs.shape == x.shape == (16, 64)
    assert torch.equal(x, x.round()) and x.min() >= 0 and x.max() <= 16
    with torch.no_grad():
        logits = tiny.decode(z[:8])
    assert check_decoder_draws(sample_from_decoder, logits, seed=8).passed

    def mean(logits, *, generator):
        return 16 * torch.sigmoid(logits)

    def rounded_mean(logits, *, generator):
        return (16 * torch.sigmoid(logits)).round()

    assert not check_decoder_draws(mean, logits, seed=8).passed
    assert not check_decoder_draws(rounded_mean, logits, seed=8).passed
    with pytest.raises(ValueError, match="n must"):
        generate(tiny, 0, generator=torch.Generator())


def test_training_is_deterministic_and_checkpoints_round_trip(tmp_path, batch):
    x = load_digits_split().x_train
    a, b = build(TINY), build(TINY)
    losses_a = train(a, x, TINY, progress=False)
    losses_b = train(b, x, TINY, progress=False)
    assert losses_a == losses_b and losses_a[-1] < losses_a[0]
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name
    save_checkpoint(tmp_path / "m.pt", a, TINY, losses_a)
    c, config, losses_c = load_checkpoint(tmp_path / "m.pt")
    assert config == TINY and losses_c == losses_a
    torch.testing.assert_close(c.encode(batch), a.encode(batch), rtol=0, atol=0)


def test_cache_returns_the_model_training_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVE_VERIFY_CACHE", str(tmp_path))
    fresh, losses = trained_vae(TINY)
    assert len(list(tmp_path.glob("vae-*.pt"))) == 1
    cached, cached_losses = trained_vae(TINY)
    assert cached_losses == losses
    for p, q in zip(fresh.state_dict().values(), cached.state_dict().values(), strict=True):
        assert torch.equal(p, q)
    assert cache_key(TINY) != cache_key(replace(TINY, seed=1))


def test_cache_key_follows_the_training_code(monkeypatch):
    """A cache written by other training code is never served: dropping the KL from the loss,
    or changing the KL expression training lambdifies, changes the key."""
    key = cache_key(TINY)

    def no_kl(logits, x, mu, logvar):
        return (-binomial_log_prob(logits, x)).mean()

    with monkeypatch.context() as m:
        m.setattr(model, "loss_function", no_kl)
        assert cache_key(TINY) != key
    with monkeypatch.context() as m:
        m.setattr(model, "TWICE_KL_PER_COORDINATE", model.TWICE_KL_PER_COORDINATE + 1)
        assert cache_key(TINY) != key
    assert cache_key(TINY) == key


FRESH = replace(LATENT2, hidden=16, epochs=8)


def test_fresh_training_keeps_the_posterior_near_the_prior():
    """Trained now (no cache), 8 epochs: the mean KL(q(z|x) || N(0, I)) over the test digits,
    by torch.distributions, stays small because the loss pays for it. Measured 4.2 nats;
    with the KL term removed from `loss_function` the encoder drifts and it is 18.1."""
    split = load_digits_split()
    fresh = build(FRESH)
    train(fresh, split.x_train, FRESH, progress=False)
    with torch.no_grad():
        mu, logvar = fresh.encode(torch.as_tensor(split.x_test, dtype=torch.float32))
    kl = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)).sum(-1)
    assert float(kl.mean()) < 9.0


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="latent_dim"):
        VAEConfig(latent_dim=0)
    with pytest.raises(ValueError, match="lr"):
        VAEConfig(lr=0.0)


def test_training_kl_is_the_derived_formula():
    """numeric.vae.model's KL is derive.engine.gaussian's expression (doubled exactly, halved
    after summing)."""
    import sympy as sp

    from derive.engine.gaussian import KL_TO_STANDARD_NORMAL
    from numeric.vae.model import TWICE_KL_PER_COORDINATE

    assert sp.simplify(TWICE_KL_PER_COORDINATE / 2 - KL_TO_STANDARD_NORMAL) == 0
