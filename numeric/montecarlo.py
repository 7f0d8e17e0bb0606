"""Monte Carlo estimates with honest error bars, and the z-test every confirmation uses.

The false-failure budget: the whole suite of confirmations may fail by chance with
probability at most SUITE_FALSE_FAILURE_BUDGET = 1e-6. It is split evenly (Bonferroni) over
at most MAX_CONFIRMATIONS checks, so each two-sided test runs at level
alpha = 1e-6 / MAX_CONFIRMATIONS. Sample sizes are fixed in advance by each caller and
seeds are explicit: no optional stopping, no retries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from derive.confirmation import Confirmation

SUITE_FALSE_FAILURE_BUDGET = 1e-6
MAX_CONFIRMATIONS = 200
# Power target: a wrong answer at the detectable distance is rejected with prob >= 1 - 1e-6.
MISS_PROBABILITY = 1e-6


def per_check_alpha() -> float:
    """The level of one two-sided test: the suite budget split over MAX_CONFIRMATIONS."""
    return SUITE_FALSE_FAILURE_BUDGET / MAX_CONFIRMATIONS


def z_threshold(alpha: float | None = None) -> float:
    """Two-sided normal critical value for level alpha (default: per_check_alpha())."""
    return float(norm.isf((per_check_alpha() if alpha is None else alpha) / 2))


def detectable_error(se: float, alpha: float | None = None) -> float:
    """Smallest true error the test rejects with probability >= 1 - MISS_PROBABILITY."""
    return (z_threshold(alpha) + float(norm.isf(MISS_PROBABILITY))) * se


@dataclass(frozen=True)
class MCResult:
    """A Monte Carlo estimate with its standard error, sample size, seed and exact target."""

    estimate: float
    se: float
    n: int
    seed: int
    exact: float

    @property
    def z(self) -> float:
        """Standardised error (estimate - exact) / se; inf when se is 0 and they differ."""
        diff = self.estimate - self.exact
        if self.se == 0.0:
            return 0.0 if diff == 0.0 else float("inf") * np.sign(diff)
        return diff / self.se


def mc_mean(samples: np.ndarray, *, seed: int, exact: float) -> MCResult:
    """Sample mean and its standard error (sample std / sqrt(n)) of i.i.d. draws."""
    x = np.asarray(samples, dtype=float).ravel()
    if x.size < 2:
        raise ValueError("a Monte Carlo estimate needs at least 2 samples")
    if not np.all(np.isfinite(x)):
        raise ValueError("Monte Carlo samples contain NaN or inf")
    return MCResult(float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size)), int(x.size), seed,
                    float(exact))


def confirm(name: str, result: MCResult, *, alpha: float | None = None) -> Confirmation:
    """Two-sided z-test of result.estimate against result.exact at the per-check level."""
    threshold = z_threshold(alpha)
    passed = bool(abs(result.z) <= threshold)
    figures = {
        "n": result.n,
        "seed": result.seed,
        "estimate": result.estimate,
        "se": result.se,
        "exact": result.exact,
        "z": result.z,
        "threshold": threshold,
        "detectable_error": detectable_error(result.se, alpha),
    }
    summary = (f"{result.estimate:.6g} ± {result.se:.2g} vs exact {result.exact:.6g} "
               f"(n={result.n}, z={result.z:+.2f}, |z|≤{threshold:.2f})")
    return Confirmation(name, passed, figures, summary)
