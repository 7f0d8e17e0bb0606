"""The linear-Gaussian VAE in float64: every term of log p(x) = ELBO + KL(q || p(z|x)) exact.

Model: z ~ N(0, I_d), x | z ~ N(W z + b, s^2 I_D), on the digits scaled to x / 16 in [0, 1].
Encoder: q(z|x) = N(A x + c, diag exp(V x + e)), linear in x.
Closed forms (Tipping & Bishop 1999; Lucas et al. 2019, sec. 4):
    p(x) = N(b, W W^T + s^2 I),   p(z|x) = N(M^-1 W^T (x - b) / s^2, M^-1),  M = I + W^T W / s^2,
    ELBO = -D/2 log(2 pi s^2) - (|x - W mu - b|^2 + sum_j v_j |W_j|^2) / (2 s^2) - KL(q || N(0, I)).
Training maximises the exact mean ELBO with L-BFGS (no sampling), so it converges to
probabilistic PCA's maximum likelihood with the same latent dimension (Lucas et al. 2019,
Theorem 1).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor, nn

from numeric.vae.digits import DATA_DIM, N_LEVELS
from numeric.vae.model import kl_to_standard_normal, torch_threads

LOG_2PI = math.log(2.0 * math.pi)
DTYPE = torch.float64


def scale(x: np.ndarray | Tensor) -> Tensor:
    """Integer counts 0..16 to float64 x / 16, the continuous data of the linear model."""
    return torch.as_tensor(x, dtype=DTYPE) / N_LEVELS


class LinearGaussianVAE(nn.Module):
    """Linear encoder (mean and log-variance), linear-Gaussian decoder with noise s^2."""

    def __init__(self, latent_dim: int, *, generator: torch.Generator, data_dim: int = DATA_DIM):
        super().__init__()
        if latent_dim < 1 or latent_dim > data_dim:
            raise ValueError(f"latent_dim must lie in 1..{data_dim}, got {latent_dim}")

        def small(*shape: int) -> nn.Parameter:
            return nn.Parameter(0.1 * torch.randn(shape, generator=generator, dtype=DTYPE))

        self.W, self.b = small(data_dim, latent_dim), small(data_dim)
        self.log_s2 = nn.Parameter(torch.zeros((), dtype=DTYPE))
        self.A, self.c = small(latent_dim, data_dim), small(latent_dim)
        self.V, self.e = small(latent_dim, data_dim), small(latent_dim)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and log-variance of q(z|x), both linear in x."""
        return x @ self.A.T + self.c, x @ self.V.T + self.e

    def elbo(self, x: Tensor) -> Tensor:
        """Exact per-point ELBO E_q[log p(x|z)] - KL(q(z|x) || N(0, I))."""
        mu, logvar = self.encode(x)
        s2 = self.log_s2.exp()
        resid = x - mu @ self.W.T - self.b
        spread = logvar.exp() @ self.W.pow(2).sum(0)  # E_q |W (z - mu)|^2
        expected_ll = (-0.5 * x.shape[-1] * (LOG_2PI + self.log_s2)
                       - 0.5 * (resid.pow(2).sum(-1) + spread) / s2)
        return expected_ll - kl_to_standard_normal(mu, logvar)

    def marginal(self) -> tuple[Tensor, Tensor]:
        """Mean b and covariance W W^T + s^2 I of the marginal p(x)."""
        eye = torch.eye(self.W.shape[0], dtype=DTYPE)
        return self.b, self.W @ self.W.T + self.log_s2.exp() * eye

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean (n, d) and covariance (d, d) of the exact posterior p(z|x)."""
        s2 = self.log_s2.exp()
        precision = torch.eye(self.W.shape[1], dtype=DTYPE) + self.W.T @ self.W / s2
        cov = torch.linalg.inv(precision)
        return (x - self.b) @ self.W @ cov / s2, cov

    def kl_q_to_posterior(self, x: Tensor) -> Tensor:
        """Closed-form KL(q(z|x) || p(z|x)) per point: the ELBO's gap."""
        mu, logvar = self.encode(x)
        mean, cov = self.posterior(x)
        precision = torch.linalg.inv(cov)
        diff = mean - mu
        return 0.5 * (logvar.exp() @ torch.diagonal(precision)
                      + ((diff @ precision) * diff).sum(-1)
                      - mu.shape[-1] + torch.logdet(cov) - logvar.sum(-1))

    def kl_posterior_to_q(self, x: Tensor) -> Tensor:
        """KL(p(z|x) || q(z|x)): the WRONG direction for the gap, kept to test the check."""
        mu, logvar = self.encode(x)
        mean, cov = self.posterior(x)
        var = logvar.exp()
        return 0.5 * ((torch.diagonal(cov) / var).sum(-1) + ((mean - mu).pow(2) / var).sum(-1)
                      - mu.shape[-1] + logvar.sum(-1) - torch.logdet(cov))


def build_linear(latent_dim: int, *, seed: int = 0) -> LinearGaussianVAE:
    """A linear VAE with small random weights drawn from a generator seeded by `seed`."""
    return LinearGaussianVAE(latent_dim, generator=torch.Generator().manual_seed(seed))


def train_linear(model: LinearGaussianVAE, x: Tensor, *, max_iter: int = 500) -> float:
    """L-BFGS on the exact -mean ELBO: deterministic, no sampling. Returns the final loss."""
    if max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter}")
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=max_iter, history_size=50,
                                  line_search_fn="strong_wolfe", tolerance_grad=1e-12,
                                  tolerance_change=1e-15)

    def closure() -> Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss = -model.elbo(x).mean()
        loss.backward()
        return loss

    with torch_threads(1):  # 1347 x 64 float64: threads only add overhead
        optimizer.step(closure)
    with torch.no_grad():
        return float(-model.elbo(x).mean())
