"""log p(x) and KL(q(z|x) || p(z|x)) for a 2-D latent by quadrature, refined until converged.

log p(x) = log integral p(x|z) p(z) dz over z in R^2 is computed with the midpoint rule on an
n x n grid over the box [-B, B]^2; the grid doubles until successive values agree within
`tol` nats at every data point. The posterior p(z|x) is the joint normalised on the same grid,
and KL(q || p(z|x)) is the q-weighted grid sum of log q - log p(z|x). For a smooth peak of
width sigma the midpoint rule's relative error is about 2 exp(-2 pi^2 sigma^2 / h^2) at
spacing h, so the grid need only resolve the posterior, not the prior.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

LOG_2PI = math.log(2.0 * math.pi)


@dataclass(frozen=True)
class GridEstimate:
    """Per-point log p(x) and KL(q || p(z|x)) on one grid, and the posterior mass on its rim."""

    n: int
    log_px: Tensor
    kl: Tensor
    rim_mass: Tensor


@dataclass(frozen=True)
class Quadrature:
    """The converged estimate, and the largest change of each refinement (n, nats)."""

    final: GridEstimate
    history: list[tuple[int, float]]
    converged: bool


def midpoint_grid(n: int, bound: float, dtype: torch.dtype = torch.float64) -> Tensor:
    """The n*n midpoints of the box [-bound, bound]^2, shape (n*n, 2), row-major."""
    h = 2.0 * bound / n
    axis = -bound + h * (torch.arange(n, dtype=dtype) + 0.5)
    zz1, zz2 = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([zz1.reshape(-1), zz2.reshape(-1)], dim=-1)


@torch.no_grad()
def grid_estimate(log_joint: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, *,
                  n: int, bound: float, chunk: int = 16384) -> GridEstimate:
    """One grid: log p(x), KL(q || p(z|x)) and the rim mass, streamed over chunks of the grid.

    log_joint(z) maps grid points (g, 2) to log p(x, z) of every data point, shape (m, g).
    """
    if mu.shape[-1] != 2 or logvar.shape != mu.shape:
        raise ValueError("quadrature needs mu and logvar of shape (m, 2)")
    grid = midpoint_grid(n, bound)
    h = 2.0 * bound / n
    on_rim = ((grid.abs() > bound - h).any(-1))
    m = mu.shape[0]
    mu, logvar = mu.double(), logvar.double()
    lse = torch.full((m,), -math.inf, dtype=torch.float64)
    lse_rim = torch.full((m,), -math.inf, dtype=torch.float64)
    q_mass = torch.zeros(m, dtype=torch.float64)
    q_diff = torch.zeros(m, dtype=torch.float64)
    log_q_norm = -0.5 * (logvar + LOG_2PI).sum(-1)
    for start in range(0, grid.shape[0], chunk):
        z = grid[start:start + chunk]
        lj = log_joint(z)  # (m, g), in the caller's precision; sums accumulate in float64
        z = z.to(lj.dtype)
        lse = torch.logaddexp(lse, torch.logsumexp(lj, -1).double())
        rim = on_rim[start:start + chunk]
        if rim.any():
            lse_rim = torch.logaddexp(lse_rim, torch.logsumexp(lj[:, rim], -1).double())
        log_q = -0.5 * ((z[None] - mu[:, None].to(lj.dtype)).pow(2)
                        / logvar.exp()[:, None].to(lj.dtype)).sum(-1) + log_q_norm[:, None]
        q = log_q.exp()
        q_mass += q.sum(-1).double()
        q_diff += (q * (log_q - lj)).sum(-1).double()
    log_px = lse + 2.0 * math.log(h)
    kl = q_diff / q_mass + log_px  # q-weighted mean of log q - (log p(x, z) - log p(x))
    return GridEstimate(n, log_px, kl, (lse_rim - lse).exp())


def converged_quadrature(log_joint: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, *,
                         bound: float = 10.0, start: int = 64, tol: float = 0.01,
                         max_n: int = 1024) -> Quadrature:
    """Double the grid from `start` until log p(x) and the KL move by less than `tol` everywhere.

    converged is False if max_n is reached first: the caller must then fail its check.
    """
    if start < 2 or max_n < start:
        raise ValueError(f"need 2 <= start <= max_n, got start={start}, max_n={max_n}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    previous = grid_estimate(log_joint, mu, logvar, n=start, bound=bound)
    history: list[tuple[int, float]] = []
    n = start
    while 2 * n <= max_n:
        n *= 2
        current = grid_estimate(log_joint, mu, logvar, n=n, bound=bound)
        change = float(torch.maximum((current.log_px - previous.log_px).abs(),
                                     (current.kl - previous.kl).abs()).max())
        history.append((n, change))
        previous = current
        if change < tol:
            return Quadrature(current, history, True)
    return Quadrature(previous, history, False)
