"""What `derive vae ...` runs: the forward pass shown stage by stage, samples, training, plots.

Torch and matplotlib are imported inside the functions so that importing this module stays
fast. The verbs' options are parsed by `derive.cli.vae`.
"""

from __future__ import annotations

import math
from pathlib import Path

FIGURES = Path("docs/figures")


def _model(latent_dim: int, long: bool, device: str = "cpu", progress: bool | None = None):
    from numeric.vae.model import LATENT2, LATENT16, VAEConfig, long_config, trained_vae

    base = {2: LATENT2, 16: LATENT16}.get(latent_dim) or VAEConfig(latent_dim=latent_dim)
    config = long_config(base) if long else base
    model, losses = trained_vae(config, device=device, progress=progress)
    return model, config, losses


def _show(name: str, t) -> str:
    """One line: a stage's name, shape and its first values."""
    flat = t.detach().reshape(t.shape[0], -1)[0] if t.dim() > 0 else t.detach().reshape(1)
    head = ", ".join(f"{float(v):.3f}" for v in flat[:4])
    more = ", ..." if flat.numel() > 4 else ""
    return f"  {name:<34} shape {str(tuple(t.shape)):<10} first: [{head}{more}]"


def forward(batch_size: int = 8, seed: int = 0, latent_dim: int = 2) -> str:
    """Worksheet 2e: one batch of test digits through the trained VAE, stage by stage."""
    import torch

    from numeric.vae.digits import load_digits_split
    from numeric.vae.model import binomial_log_prob, kl_to_standard_normal, torch_threads

    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    with torch_threads(1), torch.no_grad():
        model, config, _ = _model(latent_dim, long=False)
        x = torch.as_tensor(load_digits_split().x_test[:batch_size], dtype=torch.float32)
        generator = torch.Generator().manual_seed(seed)
        mu, logvar = model.encode(x)
        eps = torch.randn(mu.shape, generator=generator)
        z = mu + torch.exp(0.5 * logvar) * eps
        logits = model.decode(z)
        log_px_z = binomial_log_prob(logits, x)
        kl = kl_to_standard_normal(mu, logvar)
        loss = (kl - log_px_z).mean()
        # the same batch through model.forward with the same seed: the path training takes
        logits2, *_ = model(x, generator=torch.Generator().manual_seed(seed))
    lines = [
        f"VAE forward pass (latent {config.latent_dim}, hidden {config.hidden}, trained "
        f"{config.epochs} epochs), {batch_size} test digits, seed {seed}",
        _show("x (pixel counts 0..16)", x),
        _show("1 encode -> mu", mu),
        _show("1 encode -> log sigma^2", logvar),
        _show("2 eps ~ N(0, I)", eps),
        _show("3 z = mu + sigma * eps", z),
        _show("4 decode -> p = sigmoid(logits)", torch.sigmoid(logits)),
        _show("5 log p(x|z), Binomial(16, p)", log_px_z),
        _show("6 KL(q(z|x) || N(0, I))", kl),
        f"  7 loss = mean(KL - log p(x|z)) = -ELBO: {float(loss):.4f} nats per image",
        f"  model.forward gives the same logits: {bool(torch.equal(logits, logits2))}",
    ]
    return "\n".join(lines)


def _grid(images, rows: int, cols: int, out: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.8, rows * 0.8 + 0.4))
    for ax, img in zip(axes.ravel(), list(images) + [None] * (rows * cols), strict=False):
        ax.axis("off")
        if img is not None:
            ax.imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return _save(fig, out)


def _save(fig, out: Path) -> Path:
    """Render to memory, then write atomically: never a half-written PNG."""
    import io

    import matplotlib.pyplot as plt

    from derive.output import OutputError, write_atomic

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    try:
        return write_atomic(Path(out), buffer.getvalue())
    except OutputError as exc:
        raise ValueError(str(exc)) from None


def sample(out: Path = FIGURES / "vae_samples.png", n: int = 64, seed: int = 0,
           latent_dim: int = 16, long: bool = False) -> Path:
    """Worksheet 2g: z ~ N(0, I), decode, draw x ~ Binomial(16, p), and save a PNG grid."""
    import torch

    from numeric.vae.model import generate, torch_threads

    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    with torch_threads(1):
        model, config, _ = _model(latent_dim, long)
        _, _, x = generate(model, n, generator=torch.Generator().manual_seed(seed))
    cols = math.ceil(math.sqrt(n))
    return _grid(x.numpy(), math.ceil(n / cols), cols, Path(out),
                 f"{n} new digits: z ~ N(0, I), x ~ Binomial(16, p(z)); "
                 f"latent {config.latent_dim}, {config.epochs} epochs, seed {seed}")


def train(latent_dim: int = 16, epochs: int | None = None, seed: int = 0, device: str | None = None,
          out: Path | None = None, progress: bool | None = None) -> str:
    """Train a VAE (cached by config), optionally copy its checkpoint to `out`; report losses."""
    from dataclasses import replace

    import torch

    from numeric.vae.digits import load_digits_split
    from numeric.vae.model import (
        LATENT2,
        LATENT16,
        VAEConfig,
        default_device,
        elbo,
        iw_bound,
        save_checkpoint,
        torch_threads,
        trained_vae,
    )

    base = {2: LATENT2, 16: LATENT16}.get(latent_dim) or VAEConfig(latent_dim=latent_dim)
    config = replace(base, seed=seed, epochs=base.epochs if epochs is None else epochs)
    device = device or default_device()
    model, losses = trained_vae(config, device=device, progress=progress)
    with torch_threads(1), torch.no_grad():
        x = torch.as_tensor(load_digits_split().x_test, dtype=torch.float32, device=device)
        generator = torch.Generator(device=device).manual_seed(seed)
        test_elbo = float(elbo(model, x, generator=generator).mean())
        test_l100 = float(iw_bound(model, x, 100, generator=generator).mean())
    if out is not None:
        save_checkpoint(Path(out), model, config, losses)
    last = f"{losses[-1]:.3f}" if losses else "n/a"
    return (f"trained {config} on {device}: final train loss {last} nats/image; "
            f"test ELBO {test_elbo:.3f}, test L_100 {test_l100:.3f}"
            + (f"; checkpoint {out}" if out is not None else ""))


def latent_plot(out: Path = FIGURES / "vae_latent.png", long: bool = False) -> Path:
    """Worksheet 2f: test digits at mu(x) in the 2-D latent, coloured by label, and p(x|z) means."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from numeric.vae.digits import load_digits_split
    from numeric.vae.model import torch_threads

    split = load_digits_split()
    with torch_threads(1), torch.no_grad():
        model, config, _ = _model(2, long)
        mu, _ = model.encode(torch.as_tensor(split.x_test, dtype=torch.float32))
        axis = torch.linspace(-3.5, 3.5, 14)
        zz = torch.stack(torch.meshgrid(axis, -axis, indexing="xy"), -1).reshape(-1, 2)
        means = 16 * torch.sigmoid(model.decode(zz))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    points = left.scatter(mu[:, 0], mu[:, 1], c=split.y_test, cmap="tab10", s=10)
    left.legend(*points.legend_elements(), title="digit", fontsize=7, loc="best")
    left.set(xlabel="mu_1(x)", ylabel="mu_2(x)",
             title=f"encoder: {len(split.y_test)} test digits at mu(x)")
    canvas = torch.zeros(14 * 9, 14 * 9)
    for i, img in enumerate(means):
        r, c = divmod(i, 14)
        canvas[r * 9:r * 9 + 8, c * 9:c * 9 + 8] = img.reshape(8, 8)
    right.imshow(canvas, cmap="gray_r", vmin=0, vmax=16, extent=(-3.75, 3.75, -3.75, 3.75))
    right.set(xlabel="z_1", ylabel="z_2", title="decoder: mean 16 p(z) on a grid of z")
    fig.suptitle(f"2-D latent VAE (hidden {config.hidden}, {config.epochs} epochs)")
    fig.tight_layout()
    return _save(fig, Path(out))


def reconstructions(out: Path = FIGURES / "vae_reconstructions.png", latent_dim: int = 2,
                    n: int = 12, seed: int = 0, long: bool = False) -> Path:
    """Worksheet 2f: test digits, the decoder mean at z = mu(x), and one draw, in three rows."""
    import torch

    from numeric.vae.digits import load_digits_split
    from numeric.vae.model import sample_from_decoder, torch_threads

    x = torch.as_tensor(load_digits_split().x_test[:n], dtype=torch.float32)
    with torch_threads(1), torch.no_grad():
        model, config, _ = _model(latent_dim, long)
        mu, _ = model.encode(x)
        logits = model.decode(mu)
        draw = sample_from_decoder(logits, generator=torch.Generator().manual_seed(seed))
    rows = torch.cat([x, 16 * torch.sigmoid(logits), draw]).numpy()
    return _grid(rows, 3, n, Path(out),
                 f"latent {config.latent_dim}: test digits / mean of p(x | z = mu(x)) / a draw")


def bound_tables(long: bool = False, points: int | None = None, seed: int = 0) -> str:
    """The docs' tables: 16-D test ELBO and L_k with active units; 2-D gap closed by L_k."""
    import torch

    from numeric.vae.checks import active_units, bound_estimates, gap_closed, latent2_figures
    from numeric.vae.digits import load_digits_split
    from numeric.vae.model import torch_threads

    x = torch.as_tensor(load_digits_split().x_test, dtype=torch.float32)
    x = x if points is None else x[:points]
    lines = []
    with torch_threads(1):
        model, config, _ = _model(16, long)
        est = bound_estimates(model, x, seed=seed)
        lines += [f"16-D latent ({config.epochs} epochs), {x.shape[0]} test digits, "
                  f"nats per image (± se over images):", "", "| bound | value |", "|---|---|"]
        lines += [f"| {k} | {float(v.mean()):.3f} ± {float(v.std() / math.sqrt(v.numel())):.3f} |"
                  for k, v in est.items()]
        lines += ["", f"Active units (Var_x mu_u(x) > 0.01): {active_units(model, x)} of 16.", ""]
        model2, config2, _ = _model(2, long)
        fig = latent2_figures(model2, x, seed=seed)
    quad = fig["quadrature"]
    log_px = float(quad.final.log_px.mean())
    means = {k: float(v.mean()) for k, v in fig["bounds"].items()}
    closed = gap_closed(means, log_px)
    kl = float(fig["quadrature"].final.kl.mean())
    lines += [f"2-D latent ({config2.epochs} epochs): log p(x) = {log_px:.3f} by quadrature "
              f"(grid {fig['quadrature'].final.n}^2), KL(q || p(z|x)) = {kl:.3f}", "",
              "| bound | value | share of the gap log p(x) - ELBO closed |", "|---|---|---|",
              f"| ELBO | {means['ELBO']:.3f} | 0 |"]
    lines += [f"| {k} | {means[k]:.3f} | {100 * closed[k]:.1f}% |" for k in closed]
    lines += [f"| log p(x) | {log_px:.3f} | 100% |", "",
              "Quadrature refinements (grid n, largest change in nats): "
              + ", ".join(f"({n}, {c:.2g})" for n, c in quad.history)
              + f"; converged: {quad.converged}; posterior mass on the box's rim <= "
              f"{float(quad.final.rim_mass.max()):.1e}"]
    return "\n".join(lines)


def verify(ids: list[str]) -> str:
    """Run confirm_2e / 2f / 2g and report each confirmation and the time it took."""
    import time

    from numeric.vae.model import checks as vae_checks

    lines = []
    for id_ in ids:
        fn = getattr(vae_checks, f"confirm_{id_}", None)
        if fn is None:
            raise ValueError(f"no VAE confirmation {id_!r}: choose from 2e, 2f, 2g")
        start = time.perf_counter()
        results = fn()
        lines.append(f"{id_}: {time.perf_counter() - start:.1f} s")
        lines += [f"  [{'PASS' if c.passed else 'FAIL'}] {c.name}: {c.summary}" for c in results]
    return "\n".join(lines)
