"""A small VAE for the 8x8 digits, and a linear-Gaussian VAE whose every quantity is exact.

Worksheet 2e-2g. The VAE has a Gaussian encoder q(z|x) = N(mu(x), diag sigma(x)^2), the
reparameterized sample z = mu + sigma * eps, a prior N(0, I), and a Binomial(16, p(z))
decoder per pixel (see numeric/vae/digits.py). Its loss is -ELBO with the analytic KL to the prior;
the importance-weighted bound L_k [2] tightens the ELBO towards log p(x) as k grows.

The linear-Gaussian VAE (float64) has x | z ~ N(Wz + b, s^2 I): there log p(x), the ELBO, the
posterior p(z|x) and KL(q || p(z|x)) all have closed forms, so log p(x) = ELBO + KL is checked
to rounding error, and its optimum is probabilistic PCA [3, 4].

References:
1. Kingma & Welling, Auto-Encoding Variational Bayes, ICLR 2014 (Appendix B: the Gaussian KL).
2. Burda, Grosse & Salakhutdinov, Importance Weighted Autoencoders, ICLR 2016 (eq. 8; active
   units, sec. 5.2).
3. Tipping & Bishop, Probabilistic Principal Component Analysis, JRSS B 61, 1999.
4. Lucas, Tucker, Grosse & Norouzi, Don't Blame the ELBO! A Linear VAE Perspective on
   Posterior Collapse, NeurIPS 2019.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import sympy as sp
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from derive.engine.gaussian import KL_TO_STANDARD_NORMAL, LOGVAR, MU
from numeric.vae.digits import DATA_DIM, N_LEVELS, SPLIT_SEED, TEST_SIZE, load_digits_split

CACHE_ENV = "DERIVE_VERIFY_CACHE"
LOG_2PI = math.log(2.0 * math.pi)


# The formula the proofs check (derive/engine/gaussian.py), doubled exactly so that lambdify
# prints mu**2 - logvar + exp(logvar) - 1 (4 tensor ops; the halving is done once after the sum).
TWICE_KL_PER_COORDINATE = sp.expand(2 * KL_TO_STANDARD_NORMAL)
_TWICE_KL = sp.lambdify((MU, LOGVAR), TWICE_KL_PER_COORDINATE,
                        modules=[{"exp": torch.exp, "log": torch.log}])


def kl_to_standard_normal(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mu, diag exp(logvar)) || N(0, I)), summed over the last axis.

    -KL = 1/2 sum(1 + log sigma^2 - mu^2 - sigma^2): Kingma & Welling 2014, Appendix B. The
    expression is derive.engine.gaussian.KL_TO_STANDARD_NORMAL, the one `derive verify` proves.
    """
    return 0.5 * _TWICE_KL(mu, logvar).sum(-1)


def binomial_log_prob(logits: Tensor, x: Tensor, n: int = N_LEVELS) -> Tensor:
    """log Binomial(x; n, sigmoid(logits)) summed over the last axis (pixels), in nats."""
    log_choose = math.lgamma(n + 1) - torch.lgamma(x + 1.0) - torch.lgamma((n + 1.0) - x)
    return (log_choose + x * F.logsigmoid(logits) + (n - x) * F.logsigmoid(-logits)).sum(-1)


def standard_normal_log_prob(z: Tensor) -> Tensor:
    """log N(z; 0, I) summed over the last axis."""
    return -0.5 * (z.pow(2) + LOG_2PI).sum(-1)


def diag_normal_log_prob(z: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """log N(z; mu, diag exp(logvar)) summed over the last axis."""
    return -0.5 * ((z - mu).pow(2) / logvar.exp() + logvar + LOG_2PI).sum(-1)


@dataclass(frozen=True)
class VAEConfig:
    """Everything that fixes a trained VAE: architecture, optimiser, epochs and seed."""

    latent_dim: int = 2
    hidden: int = 128
    epochs: int = 100
    batch_size: int = 64
    lr: float = 2e-3
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("latent_dim", "hidden", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)}")
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {self.epochs}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")


class VAE(nn.Module):
    """MLP encoder to (mu, log sigma^2), MLP decoder to per-pixel Binomial logits."""

    def __init__(self, latent_dim: int = 2, hidden: int = 128, data_dim: int = DATA_DIM):
        super().__init__()
        self.latent_dim = latent_dim
        self.fc1 = nn.Linear(data_dim, hidden)
        self.fc_mu = nn.Linear(hidden, latent_dim)
        self.fc_logvar = nn.Linear(hidden, latent_dim)
        self.fc3 = nn.Linear(latent_dim, hidden)
        self.fc4 = nn.Linear(hidden, data_dim)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Counts x in 0..16 to the mean and log-variance of q(z|x)."""
        h = torch.tanh(self.fc1(x / N_LEVELS))
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu: Tensor, logvar: Tensor, *, generator: torch.Generator) -> Tensor:
        """z = mu + sigma * eps with eps ~ N(0, I): differentiable in mu and sigma."""
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        return mu + torch.exp(0.5 * logvar) * eps

    def decode(self, z: Tensor) -> Tensor:
        """z to the logits of the per-pixel Binomial(16, p) of p(x|z)."""
        return self.fc4(torch.tanh(self.fc3(z)))

    def forward(self, x: Tensor, *, generator: torch.Generator
                ) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """One pass: (decoder logits, mu, logvar, z)."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar, generator=generator)
        return self.decode(z), mu, logvar, z


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with n intra-op threads (None: leave torch's setting), then restore.

    Minibatches of 64 small images gain nothing from intra-op threads, and on a busy machine
    the threads' spin-waits can cost 5-30x, so training and the checks default to one thread.
    """
    old = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def init_parameters(model: nn.Module, *, generator: torch.Generator) -> None:
    """PyTorch's default Linear init (uniform, bound 1/sqrt(fan_in)) drawn from `generator`."""
    with torch.no_grad():
        for layer in model.modules():
            if isinstance(layer, nn.Linear):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)


def elbo_terms(logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor) -> tuple[Tensor, Tensor]:
    """Per-image log p(x|z) at the sampled z and the analytic KL(q(z|x) || N(0, I))."""
    return binomial_log_prob(logits, x), kl_to_standard_normal(mu, logvar)


def sample_from_decoder(logits: Tensor, *, generator: torch.Generator) -> Tensor:
    """One draw x ~ Binomial(16, sigmoid(logits)) per pixel: a new image, not the mean 16 p."""
    probs = torch.sigmoid(logits)
    return torch.binomial(torch.full_like(probs, float(N_LEVELS)), probs, generator=generator)


@torch.no_grad()
def generate(model: VAE, n: int, *, generator: torch.Generator) -> tuple[Tensor, Tensor, Tensor]:
    """Worksheet 2g: z ~ N(0, I), decode, draw x ~ p(x|z). Returns (z, pixel probabilities, x)."""
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    device = next(model.parameters()).device
    z = torch.randn((n, model.latent_dim), generator=generator, device=device)
    logits = model.decode(z)
    return z, torch.sigmoid(logits), sample_from_decoder(logits, generator=generator)


def loss_function(logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """-ELBO averaged over the batch: a one-sample estimate, unbiased for the mean -ELBO."""
    log_px_z, kl = elbo_terms(logits, x, mu, logvar)
    return (kl - log_px_z).mean()


def elbo(model: VAE, x: Tensor, *, generator: torch.Generator) -> Tensor:
    """Per-image one-sample ELBO estimate log p(x|z) - KL(q(z|x) || p(z)), z ~ q(z|x)."""
    logits, mu, logvar, _ = model(x, generator=generator)
    log_px_z, kl = elbo_terms(logits, x, mu, logvar)
    return log_px_z - kl


def log_weights(model: VAE, x: Tensor, k: int, *, generator: torch.Generator) -> Tensor:
    """log w = log p(x|z) + log p(z) - log q(z|x) for k draws z ~ q(z|x): shape (k, n)."""
    mu, logvar = model.encode(x)
    eps = torch.randn((k, *mu.shape), generator=generator, device=mu.device, dtype=mu.dtype)
    z = mu + torch.exp(0.5 * logvar) * eps
    return (binomial_log_prob(model.decode(z), x) + standard_normal_log_prob(z)
            - diag_normal_log_prob(z, mu, logvar))


@torch.no_grad()
def iw_bound(model: VAE, x: Tensor, k: int, *, generator: torch.Generator,
             chunk: int = 500) -> Tensor:
    """Per-image one-draw estimate of L_k = E[log (1/k) sum_i w_i] (Burda et al. 2016, eq. 8).

    L_1 has the ELBO's expectation; L_k increases with k and tends to log p(x).
    """
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    parts = [torch.logsumexp(log_weights(model, x, min(chunk, k - start), generator=generator), 0)
             for start in range(0, k, chunk)]
    return torch.logsumexp(torch.stack(parts), 0) - math.log(k)


def train(model: VAE, x_train: np.ndarray | Tensor, config: VAEConfig, *, device: str = "cpu",
          progress: bool | None = None, threads: int | None = 1) -> list[float]:
    """Adam on the one-sample -ELBO; returns the mean training loss of each epoch.

    The generator seeded with config.seed orders the minibatches and draws every eps, so the
    same config gives the same weights. progress=None shows a bar only on a terminal.
    """
    with torch_threads(threads):
        return _train(model, x_train, config, device=device, progress=progress)


def _train(model: VAE, x_train: np.ndarray | Tensor, config: VAEConfig, *, device: str,
           progress: bool | None) -> list[float]:
    from tqdm import tqdm

    generator = torch.Generator(device=device).manual_seed(config.seed)
    x = torch.as_tensor(x_train, dtype=torch.float32, device=device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    show = sys.stderr.isatty() if progress is None else progress
    losses = []
    bar = tqdm(range(config.epochs), desc="train VAE", unit="epoch", disable=not show)
    for _ in bar:
        perm = torch.randperm(x.shape[0], generator=generator, device=device)
        batch_losses = []
        for batch in perm.split(config.batch_size):
            xb = x[batch]
            logits, mu, logvar, _ = model(xb, generator=generator)
            loss = loss_function(logits, xb, mu, logvar)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.detach())
        sizes = torch.tensor([len(b) for b in perm.split(config.batch_size)], device=device)
        losses.append(float((torch.stack(batch_losses) * sizes).sum()) / x.shape[0])
        bar.set_postfix(loss=f"{losses[-1]:.2f}")
    return losses


def build(config: VAEConfig, *, device: str = "cpu") -> VAE:
    """An untrained VAE with parameters drawn from a generator seeded by config.seed."""
    model = VAE(config.latent_dim, config.hidden).to(device)
    init_parameters(model, generator=torch.Generator(device=device).manual_seed(config.seed))
    return model


def save_checkpoint(path: Path, model: VAE, config: VAEConfig, losses: list[float]) -> None:
    """Write the config, the weights and the loss curve to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    state = {k: v.cpu() for k, v in model.state_dict().items()}
    torch.save({"config": asdict(config), "state_dict": state, "losses": losses}, tmp)
    tmp.replace(path)  # atomic: a reader never sees half a file


def load_checkpoint(path: Path, *, device: str = "cpu") -> tuple[VAE, VAEConfig, list[float]]:
    """Read a checkpoint written by save_checkpoint."""
    saved = torch.load(path, map_location=device, weights_only=True)
    config = VAEConfig(**saved["config"])
    model = VAE(config.latent_dim, config.hidden).to(device)
    model.load_state_dict(saved["state_dict"])
    return model, config, list(saved["losses"])


def cache_dir() -> Path:
    """$DERIVE_VERIFY_CACHE, else ~/.cache/derive-verify."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "derive-verify")


# What the trained weights depend on besides the config: the code that builds, trains and
# scores the model, looked up when the key is made (so a replaced function changes it too).
TRAINING_CODE = ("VAE", "init_parameters", "build", "train", "_train", "loss_function",
                 "elbo_terms", "kl_to_standard_normal", "binomial_log_prob", "torch_threads")


def training_fingerprint() -> str:
    """Hash of the training code's source, the KL expression it lambdifies and the data split.

    Without it a cache written before a change to training (the KL term dropped from the loss,
    say) would still be served, and tests of the trained model would test the old code.
    """
    module = sys.modules[__name__]
    parts = [inspect.getsource(getattr(module, name)) for name in TRAINING_CODE]
    parts += [inspect.getsource(load_digits_split), sp.srepr(TWICE_KL_PER_COORDINATE),
              repr((N_LEVELS, DATA_DIM, TEST_SIZE, SPLIT_SEED))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(config: VAEConfig) -> str:
    """Hash of everything that determines the trained weights: config, code, KL, split, torch."""
    spec = {"config": asdict(config), "torch": torch.__version__,
            "training": training_fingerprint()}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def trained_vae(config: VAEConfig, *, device: str = "cpu", use_cache: bool = True,
                progress: bool | None = None) -> tuple[VAE, list[float]]:
    """The VAE trained on the digits' training split with `config`, from the cache if there.

    Training is deterministic given the config, so a cached and a fresh model are the same.
    """
    path = cache_dir() / f"vae-{cache_key(config)}.pt"
    if use_cache and path.exists():
        model, _, losses = load_checkpoint(path, device=device)
    else:
        model = build(config, device=device)
        with torch.enable_grad():  # callers may hold torch.no_grad()
            losses = train(model, load_digits_split().x_train, config, device=device,
                           progress=progress)
        if use_cache:
            save_checkpoint(path, model, config, losses)
    model.eval()
    return model, losses


def default_device() -> str:
    """cuda when present, else cpu."""
    return "cuda" if torch.cuda.is_available() else "cpu"


# The two nonlinear models of the checks; `long` variants train longer (behind a flag).
LATENT2 = VAEConfig(latent_dim=2, hidden=128, epochs=100, batch_size=64, lr=2e-3, seed=0)
LATENT16 = VAEConfig(latent_dim=16, hidden=128, epochs=100, batch_size=64, lr=2e-3, seed=0)


def long_config(config: VAEConfig, epochs: int = 1000) -> VAEConfig:
    """The same model trained for more epochs."""
    return replace(config, epochs=epochs)
