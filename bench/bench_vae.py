"""One epoch of the same VAE trained three ways, timed in the same run.

1. the project's loop, numeric.vae.model.train;
2. a bare torch loop written here (its own layers, loss inline);
3. Pyro's SVI with Trace_ELBO (model and guide with the same layers, sampled KL).
Same architecture (64 -> 128 -> tanh -> 2 x 16, 16 -> 128 -> tanh -> 64), Binomial(16, p)
likelihood, Adam lr 2e-3, batch 64, the 1347 training digits, one intra-op thread for all three.
The layers are built outside the timed part; the optimiser is created inside it for all
three. Each way runs ROUNDS runs of EPOCHS epochs interleaved with the others, timed in CPU
seconds (process_time). The ratios are the medians over rounds of the per-round ratios: runs
in the same round see the same load from the rest of the machine, so their ratio is steadier
than either time.
Targets: project <= 1.05 x bare, project <= 0.4 x Pyro.

Run: python bench/bench_vae.py
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import torch
from torch import nn
from torch.nn import functional as F

from numeric.vae.digits import load_digits_split
from numeric.vae.model import LATENT16, build, train

ROUNDS = 15
EPOCHS = 5
CONFIG = replace(LATENT16, epochs=EPOCHS)
D, H, Z = 64, CONFIG.hidden, CONFIG.latent_dim


def bare_epoch(x: torch.Tensor, seed: int) -> Callable[[], None]:
    """A plain loop: layers, reparameterized sample, Binomial log-likelihood, analytic KL."""
    torch.manual_seed(seed)
    enc, mu_l, lv_l = nn.Linear(D, H), nn.Linear(H, Z), nn.Linear(H, Z)
    dec1, dec2 = nn.Linear(Z, H), nn.Linear(H, D)
    params = [p for m in (enc, mu_l, lv_l, dec1, dec2) for p in m.parameters()]
    return lambda: _bare_loop(x, seed, params, enc, mu_l, lv_l, dec1, dec2)


def _bare_loop(x, seed, params, enc, mu_l, lv_l, dec1, dec2) -> None:
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(params, lr=CONFIG.lr)
    for _ in range(EPOCHS):
        _bare_epoch(x, g, opt, enc, mu_l, lv_l, dec1, dec2)


def _bare_epoch(x, g, opt, enc, mu_l, lv_l, dec1, dec2) -> None:
    for idx in torch.randperm(x.shape[0], generator=g).split(CONFIG.batch_size):
        xb = x[idx]
        h = torch.tanh(enc(xb / 16))
        mu, logvar = mu_l(h), lv_l(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=g)
        logits = dec2(torch.tanh(dec1(z)))
        log_lik = (math.lgamma(17) - torch.lgamma(xb + 1) - torch.lgamma(17 - xb)
                   + xb * F.logsigmoid(logits) + (16 - xb) * F.logsigmoid(-logits)).sum(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(-1)
        loss = (kl - log_lik).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def project_epoch(x: torch.Tensor, seed: int) -> Callable[[], None]:
    """numeric.vae.model.train for one epoch on a freshly built model."""
    config = replace(CONFIG, seed=seed)
    model = build(config)
    return lambda: train(model, x, config, progress=False, threads=None)


def pyro_epoch(x: torch.Tensor, seed: int) -> Callable[[], None]:
    """Pyro SVI, Trace_ELBO, the same layers: z ~ N(0, I), x | z ~ Binomial(16, logits)."""
    import pyro
    import pyro.distributions as dist
    from pyro.infer import SVI, Trace_ELBO
    from pyro.optim import Adam

    pyro.clear_param_store()
    pyro.set_rng_seed(seed)
    encoder = nn.ModuleDict({"h": nn.Linear(D, H), "mu": nn.Linear(H, Z), "lv": nn.Linear(H, Z)})
    decoder = nn.Sequential(nn.Linear(Z, H), nn.Tanh(), nn.Linear(H, D))

    def model(xb: torch.Tensor) -> None:
        pyro.module("decoder", decoder)
        with pyro.plate("data", xb.shape[0]):
            z = pyro.sample("z", dist.Normal(torch.zeros(xb.shape[0], Z), 1.0).to_event(1))
            pyro.sample("x", dist.Binomial(16, logits=decoder(z)).to_event(1), obs=xb)

    def guide(xb: torch.Tensor) -> None:
        pyro.module("encoder", encoder)
        with pyro.plate("data", xb.shape[0]):
            h = torch.tanh(encoder["h"](xb / 16))
            scale = torch.exp(0.5 * encoder["lv"](h))
            pyro.sample("z", dist.Normal(encoder["mu"](h), scale).to_event(1))

    def run() -> None:
        svi = SVI(model, guide, Adam({"lr": CONFIG.lr}), loss=Trace_ELBO())
        g = torch.Generator().manual_seed(seed)
        for _ in range(EPOCHS):
            for idx in torch.randperm(x.shape[0], generator=g).split(CONFIG.batch_size):
                svi.step(x[idx])

    return run


def main() -> None:
    torch.set_num_threads(1)
    x = torch.as_tensor(load_digits_split().x_train, dtype=torch.float32)
    ways = {"project": project_epoch, "bare torch": bare_epoch, "pyro SVI": pyro_epoch}
    times: dict[str, list[float]] = {k: [] for k in ways}
    for setup in ways.values():  # warm-up: imports, allocator, first-call overheads
        setup(x, seed=0)()
    names = list(ways)
    for r in range(ROUNDS):
        for name in names[r % 3:] + names[:r % 3]:  # rotate the order: no way always goes first
            setup = ways[name]
            run = setup(x, seed=r + 1)  # building the layers is not timed
            start = time.process_time()
            run()
            times[name].append((time.process_time() - start) / EPOCHS)
    steps = math.ceil(x.shape[0] / CONFIG.batch_size)
    print(f"one epoch = {steps} steps of batch {CONFIG.batch_size}, latent {Z}, hidden {H}; "
          f"CPU seconds per epoch over {ROUNDS} rounds of {EPOCHS} epochs, 1 thread")
    for k, v in times.items():
        print(f"  {k:<11} fastest {min(v):.4f} s, median {statistics.median(v):.4f} s")
    for other, target in (("bare torch", 1.05), ("pyro SVI", 0.40)):
        ratio = statistics.median(p / o for p, o in zip(times["project"], times[other],
                                                       strict=True))
        print(f"project / {other:<10} = {ratio:.3f} (median of per-round ratios; target <= "
              f"{target:.2f}: {'met' if ratio <= target else 'NOT met'})")

if __name__ == "__main__":
    main()
