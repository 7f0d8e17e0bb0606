"""The VAE's confirmations of worksheet 2e-2g on the digits, each against an independent reference.

2e (the forward pass): the loss equals -ELBO recomputed with torch.distributions; the
   reparameterized z has the law N(mu, sigma^2); in the linear-Gaussian VAE,
   log p(x) (torch's MultivariateNormal) = ELBO + KL(q || p(z|x)) to 1e-8 at every test point,
   and the trained mean ELBO reaches probabilistic PCA's likelihood (scikit-learn's PCA.score).
2f (encoder and decoder, 2-D latent): log p(x) and KL(q || p(z|x)) by converged quadrature;
   ELBO <= L_1 <= L_10 <= ... <= L_5000 <= log p(x), and log p(x) - ELBO = KL, within error.
2g (generation, 16-D latent): decoded samples are Binomial draws, not the decoder's mean;
   the test-set ELBO and L_k table and the number of active units.

Statistical checks use the suite's per-check level (numeric.mc.montecarlo.z_threshold()). An
inequality a <= b is tested on the per-image differences b_i - a_i of independent draws: their
spread over test images bounds the variance of the mean from above, so the test is conservative.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor
from torch.nn import functional as F

from derive.engine.confirmation import Confirmation
from numeric.mc.montecarlo import confirm, mc_mean, z_threshold
from numeric.vae.digits import N_LEVELS, load_digits_split
from numeric.vae.model import (
    LATENT2,
    LATENT16,
    VAE,
    VAEConfig,
    elbo,
    iw_bound,
    loss_function,
    sample_from_decoder,
    standard_normal_log_prob,
    torch_threads,
    trained_vae,
)

KS = (1, 10, 100, 1000, 5000)
LINEAR_LATENT = 2
LINEAR_ITERS = 500
IDENTITY_TOL = 1e-8  # nats: the exact identity in float64
PPCA_TOL = 1e-3  # nats per image between the trained linear VAE's ELBO and PPCA's likelihood
QUAD_TOL = 0.01  # nats: successive quadrature refinements agree within this
ACTIVE_THRESHOLD = 0.01  # Burda et al. 2016: unit u is active if Var_x E_q[z_u] > 0.01
CHECK_POINTS = 200  # test images for the 16-D bound table check (the first of the test split)
QUAD_POINTS = 100  # test images for the 2-D quadrature check


# ---------------------------------------------------------------- 2e: the forward pass

def check_loss_is_negative_elbo(model: VAE, x: Tensor, *, seed: int,
                                loss_fn: Callable[..., Tensor] = loss_function) -> Confirmation:
    """The loss on one batch equals -ELBO rebuilt from torch.distributions at the same z."""
    from torch.distributions import Binomial, Normal, kl_divergence

    with torch.no_grad():
        logits, mu, logvar, _ = model(x, generator=torch.Generator().manual_seed(seed))
        loss = float(loss_fn(logits, x, mu, logvar))
        q = Normal(mu, torch.exp(0.5 * logvar))
        prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
        ref_elbo = (Binomial(N_LEVELS, logits=logits).log_prob(x).sum(-1)
                    - kl_divergence(q, prior).sum(-1))
        reference = float(-ref_elbo.mean())
    err = abs(loss - reference)
    tol = 1e-5 * max(1.0, abs(reference))  # float32 rounding of a sum of 64 terms
    return Confirmation(
        "2e loss = -ELBO (torch.distributions Binomial, Normal, kl_divergence)", err <= tol,
        {"loss": loss, "reference_neg_elbo": reference, "abs_error": err, "tol": tol,
         "batch": int(x.shape[0]), "seed": seed},
        f"loss {loss:.6f} vs -ELBO {reference:.6f} (|diff| {err:.1e} <= {tol:.1e})")


def check_reparameterization(reparameterize: Callable[..., Tensor], *, seed: int,
                             n: int = 20000) -> Confirmation:
    """z = reparameterize(mu, logvar) has mean mu and variance sigma^2 (z-tests, fixed n)."""
    mu = torch.tensor([0.5, -1.0, 2.0, 0.0])
    logvar = torch.log(torch.tensor([0.04, 0.25, 2.0, 9.0]))
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        z = reparameterize(mu.expand(n, 4), logvar.expand(n, 4), generator=generator)
    u = (z - mu) / torch.exp(0.5 * logvar)  # N(0, 1) if the sample is right
    mean = confirm("mean", mc_mean(u.mean(-1).numpy(), seed=seed, exact=0.0))
    var = confirm("variance", mc_mean(u.pow(2).mean(-1).numpy(), seed=seed, exact=1.0))
    return Confirmation(
        "2e reparameterized z = mu + sigma*eps has law N(mu, sigma^2)", mean.passed and var.passed,
        {"standardised_mean": mean.figures, "standardised_second_moment": var.figures},
        f"E[(z-mu)/sigma] {mean.summary}; E[((z-mu)/sigma)^2] {var.summary}")


def check_gap_identity(log_px: Tensor, elbo_values: Tensor, gap: Tensor, *, name: str,
                       tol: float = IDENTITY_TOL) -> Confirmation:
    """max_i |log p(x_i) - ELBO_i - gap_i| <= tol: the exact identity at every point."""
    residual = (log_px - elbo_values - gap).abs()
    worst = float(residual.max())
    return Confirmation(
        name, worst <= tol,
        {"points": int(residual.numel()), "max_abs_residual": worst, "tol": tol,
         "mean_log_px": float(log_px.mean()), "mean_elbo": float(elbo_values.mean()),
         "mean_gap": float(gap.mean())},
        f"max |log p(x) - ELBO - KL(q||p(z|x))| = {worst:.1e} over {residual.numel()} points "
        f"(tol {tol:.0e}); mean gap {float(gap.mean()):.4g} nats")


def linear_identity_checks(*, wrong_gap: bool = False, max_iter: int = LINEAR_ITERS
                           ) -> list[Confirmation]:
    """The linear-Gaussian VAE: exact identity at init and after training, then PPCA.

    wrong_gap=True uses KL(p(z|x) || q) as the gap, which must fail (used by the tests).
    """
    from sklearn.decomposition import PCA
    from torch.distributions import MultivariateNormal

    from numeric.vae.linear import build_linear, scale, train_linear

    split = load_digits_split()
    x_train, x_test = scale(split.x_train), scale(split.x_test)
    model = build_linear(LINEAR_LATENT, seed=0)

    def identity(stage: str) -> Confirmation:
        with torch.no_grad():
            mean, cov = model.marginal()
            log_px = MultivariateNormal(mean, cov).log_prob(x_test)
            gap = model.kl_posterior_to_q(x_test) if wrong_gap else model.kl_q_to_posterior(x_test)
            name = f"2e linear VAE {stage}: log p(x) = ELBO + KL(q || p(z|x)) at each test point"
            return check_gap_identity(log_px, model.elbo(x_test), gap, name=name)

    at_init = identity("at init")
    train_neg_elbo = train_linear(model, x_train, max_iter=max_iter)
    trained = identity("trained")
    reference = float(PCA(n_components=LINEAR_LATENT).fit(x_train.numpy()).score(x_train.numpy()))
    return [at_init, trained, check_ppca(-train_neg_elbo, reference)]


def check_ppca(mean_elbo: float, reference: float, *, tol: float = PPCA_TOL) -> Confirmation:
    """The trained linear VAE's mean training ELBO against PPCA's maximum likelihood (sklearn).

    sklearn's noise variance uses the (n-1)-normalised covariance, so its score sits about
    1e-5 nats below the exact maximum: the difference may have either sign at that scale.
    """
    diff = mean_elbo - reference
    return Confirmation(
        f"2e linear VAE mean ELBO reaches PPCA's log-likelihood (sklearn PCA.score, "
        f"{LINEAR_LATENT} components)", abs(diff) <= tol,
        {"mean_train_elbo": mean_elbo, "sklearn_ppca_score": reference, "difference": diff,
         "tol": tol, "latent_dim": LINEAR_LATENT, "data": "x / 16, per image, nats"},
        f"ELBO {mean_elbo:.6f} vs PPCA {reference:.6f} nats/image (diff {diff:+.1e}, "
        f"tol {tol:.0e})")


def confirm_2e() -> list[Confirmation]:
    """Worksheet 2e: the forward pass's loss and sample, and the exact linear-Gaussian check."""
    with torch_threads(1):
        model, _ = trained_vae(LATENT16)
        x = torch.as_tensor(load_digits_split().x_test[:64], dtype=torch.float32)
        return [check_loss_is_negative_elbo(model, x, seed=20),
                check_reparameterization(model.reparameterize, seed=21),
                *linear_identity_checks()]


# ---------------------------------------------------------------- inequalities between bounds

def check_ordered(estimates: dict[str, Tensor], *, name: str, slack: dict[str, float] | None = None
                  ) -> Confirmation:
    """Per-image estimates listed in claimed increasing order: each mean step is >= 0 in error.

    Step a -> b passes if mean(b - a) + slack[b] >= -threshold * se, with se from the spread
    of b_i - a_i over images (independent draws, so it over-covers the Monte Carlo error).
    """
    slack = slack or {}
    threshold = z_threshold()
    labels = list(estimates)
    steps, passed = [], True
    for a, b in zip(labels, labels[1:], strict=False):
        d = (estimates[b] - estimates[a]).double()
        mean, se = float(d.mean()), float(d.std() / math.sqrt(d.numel()))
        ok = mean + slack.get(b, 0.0) >= -threshold * se
        passed &= ok
        steps.append({"from": a, "to": b, "mean_increase": mean, "se": se,
                      "slack": slack.get(b, 0.0), "passed": bool(ok)})
    means = {k: float(v.mean()) for k, v in estimates.items()}
    summary = " <= ".join(f"{k} {means[k]:.3f}" for k in labels)
    return Confirmation(name, bool(passed),
                        {"means": means, "steps": steps, "threshold": threshold,
                         "points": int(next(iter(estimates.values())).numel())},
                        summary + f" (each step within {threshold:.2f} se)")


@torch.no_grad()
def bound_estimates(model: VAE, x: Tensor, *, seed: int, ks: tuple[int, ...] = KS
                    ) -> dict[str, Tensor]:
    """Per-image one-draw estimates of the ELBO and of L_k for each k, all independent."""
    generator = torch.Generator().manual_seed(seed)
    out = {"ELBO": elbo(model, x, generator=generator)}
    for k in ks:
        out[f"L_{k}"] = iw_bound(model, x, k, generator=generator)
    return out


def active_units(model: VAE, x: Tensor, threshold: float = ACTIVE_THRESHOLD) -> int:
    """Latent units whose posterior mean varies across images: Var_x mu_u(x) > threshold."""
    with torch.no_grad():
        mu, _ = model.encode(x)
    return int((mu.var(0) > threshold).sum())


# ---------------------------------------------------------------- 2f: the 2-D latent

def vae_log_joint(model: VAE, x: Tensor) -> Callable[[Tensor], Tensor]:
    """z (g, 2) -> log p(x, z) for every image, shape (m, g): the grid's decoder run once."""
    x = x.float()
    log_choose = (math.lgamma(N_LEVELS + 1) - torch.lgamma(x + 1)
                  - torch.lgamma(N_LEVELS - x + 1)).sum(-1)

    def log_joint(z: Tensor) -> Tensor:
        z = z.float()  # float32: about 1e-5 nats of rounding, far below the 0.01 tolerance
        logits = model.decode(z)
        return (log_choose[:, None] + x @ F.logsigmoid(logits).T
                + (N_LEVELS - x) @ F.logsigmoid(-logits).T + standard_normal_log_prob(z)[None])

    return log_joint


def check_gap_by_quadrature(log_px: Tensor, elbo_draws: Tensor, kl: Tensor, *, seed: int,
                            quad_tol: float = QUAD_TOL) -> Confirmation:
    """mean_i [log p(x_i) - ELBO_i] = mean_i KL_i within Monte Carlo error plus quad_tol.

    elbo_draws: (m, n) independent one-sample ELBO estimates for each of n images.
    """
    samples = (log_px[None] - elbo_draws - kl[None]).mean(-1)  # m i.i.d. draws, mean 0
    result = mc_mean(samples.double().numpy(), seed=seed, exact=0.0)
    threshold = z_threshold()
    passed = abs(result.estimate) <= threshold * result.se + quad_tol
    return Confirmation(
        "2f 2-D latent: log p(x) - ELBO = KL(q || p(z|x)) (quadrature)", bool(passed),
        {"mean_log_px": float(log_px.mean()), "mean_elbo": float(elbo_draws.mean()),
         "mean_kl": float(kl.mean()), "residual": result.estimate, "se": result.se,
         "threshold": threshold, "quad_tol": quad_tol, "draws": result.n,
         "points": int(kl.numel())},
        f"log p(x) - ELBO - KL = {result.estimate:+.4f} ± {result.se:.1g} nats "
        f"(|.| <= {threshold:.2f} se + {quad_tol}); mean KL {float(kl.mean()):.3f}")


def latent2_figures(model: VAE, x: Tensor, *, seed: int, elbo_draws: int = 100) -> dict:
    """Everything 2f needs: quadrature, ELBO draws, bound estimates (kept apart for the docs)."""
    from numeric.mc.quadrature import converged_quadrature

    with torch.no_grad():
        mu, logvar = model.encode(x)
        quad = converged_quadrature(vae_log_joint(model, x), mu, logvar, tol=QUAD_TOL)
        generator = torch.Generator().manual_seed(seed)
        draws = torch.stack([elbo(model, x, generator=generator) for _ in range(elbo_draws)])
    return {"quadrature": quad, "elbo_draws": draws,
            "bounds": bound_estimates(model, x, seed=seed + 1)}


def gap_closed(means: dict[str, float], log_px: float) -> dict[str, float]:
    """(L_k - ELBO) / (log p(x) - ELBO): the share of the ELBO's gap each L_k closes."""
    gap = log_px - means["ELBO"]
    return {k: (v - means["ELBO"]) / gap for k, v in means.items() if k != "ELBO"}


def confirm_2f(config: VAEConfig = LATENT2, points: int = QUAD_POINTS) -> list[Confirmation]:
    """Worksheet 2f on the 2-D latent VAE: quadrature, the bound ordering, the gap = KL."""
    with torch_threads(1):
        model, _ = trained_vae(config)
        x = torch.as_tensor(load_digits_split().x_test[:points], dtype=torch.float32)
        return latent2_checks(latent2_figures(model, x, seed=30), seed=30)


def latent2_checks(fig: dict, *, seed: int) -> list[Confirmation]:
    """The three 2f confirmations from the figures of latent2_figures."""
    quad = fig["quadrature"]
    est = quad.final
    rim = float(est.rim_mass.max())
    conv = Confirmation(
        "2f 2-D latent: quadrature of log p(x) converged", quad.converged and rim < 1e-6,
        {"grid_history": [list(h) for h in quad.history], "tol": QUAD_TOL,
         "max_rim_mass": rim, "mean_log_px": float(est.log_px.mean()),
         "points": int(est.log_px.numel())},
        f"grid {est.n}x{est.n}: last refinement moved <= {quad.history[-1][1]:.1e} nats; "
        f"posterior mass on the box's rim <= {rim:.1e}")
    bounds = dict(fig["bounds"])
    bounds["log p(x)"] = est.log_px.float()
    order = check_ordered(bounds, name="2f 2-D latent: ELBO <= L_1 <= ... <= L_5000 <= log p(x)",
                          slack={"log p(x)": QUAD_TOL})
    closed = gap_closed({k: float(v.mean()) for k, v in fig["bounds"].items()},
                        float(est.log_px.mean()))
    figures = {**order.figures, "gap_closed": closed}
    order = Confirmation(order.name, order.passed, figures,
                         f"{order.summary}; L_5000 closes {100 * closed['L_5000']:.0f}% of the gap")
    gap = check_gap_by_quadrature(est.log_px, fig["elbo_draws"], est.kl, seed=seed)
    return [conv, order, gap]


# ---------------------------------------------------------------- 2g: generation, 16-D latent

def check_decoder_draws(draw: Callable[..., Tensor], logits: Tensor, *, seed: int,
                        repeats: int = 200) -> Confirmation:
    """Draws at fixed z have the Binomial(16, p) mean and variance, not the mean's zero spread."""
    generator = torch.Generator().manual_seed(seed)
    p = torch.sigmoid(logits).double()
    mean, var = N_LEVELS * p, N_LEVELS * p * (1 - p)
    x = torch.stack([draw(logits, generator=generator).double() for _ in range(repeats)])
    keep = var > 0.1  # pixels with a real spread
    u = (x - mean) / var.sqrt()
    first = confirm("mean", mc_mean(u[:, keep].mean(-1).numpy(), seed=seed, exact=0.0))
    second = confirm("var", mc_mean(u[:, keep].pow(2).mean(-1).numpy(), seed=seed, exact=1.0))
    integer = bool(torch.all(x == x.round()) and x.min() >= 0 and x.max() <= N_LEVELS)
    return Confirmation(
        "2g samples are Binomial(16, p) draws from the decoder, not its mean",
        first.passed and second.passed and integer,
        {"standardised_mean": first.figures, "standardised_second_moment": second.figures,
         "integer_counts": integer, "pixels": int(keep.sum()), "repeats": repeats},
        f"E[(x-16p)/sd] {first.summary}; E[((x-16p)/sd)^2] {second.summary}")


def confirm_2g(config: VAEConfig = LATENT16, points: int = CHECK_POINTS) -> list[Confirmation]:
    """Worksheet 2g on the 16-D latent VAE: decoder draws, the bound table, active units."""
    with torch_threads(1):
        model, _ = trained_vae(config)
        generator = torch.Generator().manual_seed(40)
        with torch.no_grad():
            logits = model.decode(torch.randn((8, config.latent_dim), generator=generator))
        draws = check_decoder_draws(sample_from_decoder, logits, seed=41)
        x_test = torch.as_tensor(load_digits_split().x_test, dtype=torch.float32)
        name = f"2g {config.latent_dim}-D latent: ELBO <= L_1 <= ... <= L_5000"
        order = check_ordered(bound_estimates(model, x_test[:points], seed=42), name=name)
        units = active_units(model, x_test)
        figures = {**order.figures, "active_units": units, "latent_dim": config.latent_dim}
        summary = f"{order.summary}; {units}/{config.latent_dim} active units"
        return [draws, Confirmation(order.name, order.passed, figures, summary)]
