"""Samples per second and variance per sample: pathwise vs score-function gradients of E[x^2].

Run as `python bench/bench_reparam.py`. Everything is timed in this process, so the ratios
(score / pathwise) are the figures to compare across machines; absolute rates are this CPU's.
Variance per sample is the empirical per-component variance from the timed draws, next to the
closed form. Work-normalised variance = variance x seconds per sample (lower is better): the
cost of reaching a given standard error.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from numeric.mc.gradients import (
    draw_gradients,
    exact_variance,
    reparameterized_sample,
    samples_per_draw,
)

MU, SIGMA = 0.7, 1.3
N = 1_000_000
REPEATS = 5
SEED = 0


def time_numpy(estimator: str) -> tuple[float, np.ndarray]:
    """Best-of-REPEATS normal samples/s (sampling included) and the per-sample variance.

    A leave-one-out draw uses K samples: its rate counts samples and its variance is the
    batch-mean variance times K, so all rows compare at equal numbers of samples.
    """
    cost = samples_per_draw(estimator)
    draws_n = N // cost
    best, draws = np.inf, None
    for r in range(REPEATS):
        rng = np.random.default_rng([SEED, r])
        t0 = time.perf_counter()
        draws = draw_gradients(estimator, MU, SIGMA, draws_n, rng=rng)
        best = min(best, time.perf_counter() - t0)
    return draws_n * cost / best, draws.var(axis=0, ddof=1) * cost


def time_torch_autograd(n: int = 100_000) -> float:
    """Samples/s of per-sample pathwise gradients by autograd through reparameterized_sample."""
    best = np.inf
    for r in range(REPEATS):
        gen = torch.Generator().manual_seed(r)
        t0 = time.perf_counter()
        mu = torch.full((n,), MU, dtype=torch.float64, requires_grad=True)
        sigma = torch.full((n,), SIGMA, dtype=torch.float64, requires_grad=True)
        (reparameterized_sample(mu, sigma, generator=gen) ** 2).sum().backward()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    """Print rates, variances and ratios at (mu, sigma) = (MU, SIGMA)."""
    torch.set_num_threads(1)
    print(f"E[x^2], x ~ N({MU}, {SIGMA}^2); N={N:,} draws, best of {REPEATS}; "
          "numpy element-wise (one thread), torch on one thread")
    rows = {}
    for est in ("pathwise", "score", "score_loo"):
        rate, var = time_numpy(est)
        rows[est] = (rate, var)
        exact = exact_variance(est, MU, SIGMA)
        print(f"{est:9s} {rate / 1e6:7.2f} M samples/s   variance per sample "
              f"d/dmu {var[0]:8.3f} (exact {exact[0]:8.3f})   "
              f"d/dsigma {var[1]:8.3f} (exact {exact[1]:8.3f})")
    rp, vp = rows["pathwise"]
    for est in ("score", "score_loo"):
        rs, vs = rows[est]
        work = (vs / rs) / (vp / rp)
        print(f"ratio {est}/pathwise: speed {rs / rp:.2f}x, variance d/dmu {vs[0] / vp[0]:.2f}x, "
              f"d/dsigma {vs[1] / vp[1]:.2f}x; work-normalised variance (variance x time) "
              f"d/dmu {work[0]:.2f}x, d/dsigma {work[1]:.2f}x")
    rt = time_torch_autograd()
    print(f"torch autograd through reparameterized_sample: {rt / 1e6:.2f} M samples/s "
          f"({rt / rp:.2f}x the numpy pathwise rate)")


if __name__ == "__main__":
    main()
