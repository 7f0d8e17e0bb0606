"""Monte Carlo estimates with honest error bars, and the z-test every confirmation uses.

The false-failure budget: the whole suite of confirmations may fail by chance with
probability at most SUITE_FALSE_FAILURE_BUDGET = 1e-6. It is split evenly (Bonferroni) over
at most MAX_CONFIRMATIONS = 200 checks, so each two-sided test runs at level
alpha = 1e-6 / 200 = 5e-9, i.e. |z| <= 5.847 (normal) or the Student-t value when the standard
error comes from few replicates. Sample sizes are fixed in advance by each caller and seeds
are explicit: no optional stopping, no retries.

Power: `detectable_error(se)` is the smallest true error the test rejects with probability
>= 1 - MISS_PROBABILITY, and `required_n(sd, error)` is the n that makes a given error
detectable. Checks that must *reject* a value (`confirm_rejects`) are sized so that failing
to reject also has probability <= alpha, so they fit the same budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, t

from derive.engine.confirmation import Confirmation

SUITE_FALSE_FAILURE_BUDGET = 1e-6
MAX_CONFIRMATIONS = 200
# Power target: a wrong answer at the detectable distance is rejected with prob >= 1 - 1e-6.
MISS_PROBABILITY = 1e-6


def per_check_alpha() -> float:
    """The level of one two-sided test: the suite budget split over MAX_CONFIRMATIONS."""
    return SUITE_FALSE_FAILURE_BUDGET / MAX_CONFIRMATIONS


def _check_alpha(alpha: float) -> float:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")
    return alpha


def z_threshold(alpha: float | None = None, *, dof: int | None = None) -> float:
    """Two-sided critical value for level alpha (default per_check_alpha()).

    Normal when dof is None; Student-t with `dof` degrees of freedom when the standard error
    is estimated from only dof + 1 independent replicates (e.g. randomised QMC scrambles).
    """
    a = _check_alpha(per_check_alpha() if alpha is None else alpha)
    if dof is None:
        return float(norm.isf(a / 2))
    if dof < 1:
        raise ValueError(f"dof must be >= 1, got {dof}")
    return float(t.isf(a / 2, dof))


def _miss_quantile(miss: float, dof: int | None) -> float:
    return float(norm.isf(miss) if dof is None else t.isf(miss, dof))


def detectable_error(se: float, alpha: float | None = None, *, dof: int | None = None,
                     miss: float = MISS_PROBABILITY) -> float:
    """Smallest true error the test rejects with probability >= 1 - miss (default 1e-6).

    An error e is rejected unless the estimate lands within threshold*se of the wrong value,
    which needs a deviation of e - threshold*se from the truth: probability <= miss once
    e >= (threshold + z_miss) * se.
    """
    return (z_threshold(alpha, dof=dof) + _miss_quantile(_check_alpha(miss), dof)) * se


def required_n(sd: float, error: float, *, alpha: float | None = None,
               miss: float = MISS_PROBABILITY) -> int:
    """Smallest i.i.d. sample size whose test detects `error` when the per-sample sd is `sd`.

    n = ceil(((z_{alpha/2} + z_miss) * sd / error)^2), from detectable_error(sd / sqrt(n)).
    Pass an upper bound for sd (e.g. (b - a) / 2 for a variable in [a, b]) to size n in advance.

    >>> required_n(1.0, 0.1)
    11238
    """
    if not (sd >= 0.0 and math.isfinite(sd)):
        raise ValueError(f"sd must be finite and >= 0, got {sd}")
    if not (error > 0.0 and math.isfinite(error)):
        raise ValueError(f"error must be finite and > 0, got {error}")
    k = z_threshold(alpha) + _miss_quantile(_check_alpha(miss), None)
    return max(2, math.ceil((k * sd / error) ** 2))


def miss_probability(error: float, se: float, alpha: float | None = None, *,
                     dof: int | None = None) -> float:
    """Probability (normal or t approximation) that a true error `error` passes the z-test."""
    if se <= 0.0:
        return 0.0 if error != 0.0 else 1.0
    thr = z_threshold(alpha, dof=dof)
    d = abs(error) / se
    dist = norm if dof is None else t(dof)
    return float(dist.cdf(thr - d) - dist.cdf(-thr - d))


@dataclass(frozen=True)
class MCResult:
    """A Monte Carlo estimate with its standard error, sample size, seed and exact target.

    `n` counts integrand evaluations. `dof` is None when se comes from n i.i.d. draws (normal
    threshold) and the degrees of freedom when it comes from dof + 1 independent replicates.
    """

    estimate: float
    se: float
    n: int
    seed: int
    exact: float
    dof: int | None = None

    @property
    def z(self) -> float:
        """Standardised error (estimate - exact) / se; inf when se is 0 and they differ."""
        diff = self.estimate - self.exact
        if self.se == 0.0:
            return 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
        return float(diff / self.se)


def mc_mean(samples: np.ndarray, *, seed: int, exact: float) -> MCResult:
    """Sample mean and its standard error (sample std / sqrt(n)) of i.i.d. draws."""
    x = np.asarray(samples, dtype=float).ravel()
    if x.size < 2:
        raise ValueError("a Monte Carlo estimate needs at least 2 samples")
    if not np.all(np.isfinite(x)):
        raise ValueError("Monte Carlo samples contain NaN or inf")
    scale = float(np.max(np.abs(x))) or 1.0  # squares of draws near 1e300 would overflow
    sd = scale * float((x / scale).std(ddof=1))
    return MCResult(float(x.mean()), sd / math.sqrt(x.size), int(x.size), seed, float(exact))


def mc_replicates(means: np.ndarray, *, evaluations: int, seed: int, exact: float) -> MCResult:
    """Combine R independent replicate estimates (e.g. RQMC scrambles) into one result.

    The standard error is std(means) / sqrt(R) with R - 1 degrees of freedom, so `confirm`
    uses the Student-t threshold: honest when the replicate means are roughly normal.
    """
    m = np.asarray(means, dtype=float).ravel()
    if m.size < 2:
        raise ValueError("need at least 2 independent replicates for an error bar")
    if not np.all(np.isfinite(m)):
        raise ValueError("replicate estimates contain NaN or inf")
    return MCResult(float(m.mean()), float(m.std(ddof=1) / np.sqrt(m.size)), int(evaluations),
                    seed, float(exact), dof=int(m.size - 1))


def mc_difference(a: MCResult, b: MCResult, *, exact: float) -> MCResult:
    """a - b for two independent estimates: se = sqrt(se_a^2 + se_b^2), n = n_a + n_b."""
    if a.dof is not None or b.dof is not None:
        raise ValueError("mc_difference combines i.i.d. (normal) results only")
    return MCResult(a.estimate - b.estimate, float(math.hypot(a.se, b.se)), a.n + b.n, a.seed,
                    float(exact))


def _figures(result: MCResult, threshold: float, alpha: float | None) -> dict:
    figures = {
        "n": int(result.n),
        "seed": int(result.seed),
        "estimate": float(result.estimate),
        "se": float(result.se),
        "exact": float(result.exact),
        "z": float(result.z),
        "threshold": float(threshold),
        "alpha": float(per_check_alpha() if alpha is None else alpha),
        "detectable_error": float(detectable_error(result.se, alpha, dof=result.dof)),
    }
    if result.dof is not None:
        figures["dof"] = int(result.dof)
    return figures


def confirm(name: str, result: MCResult, *, alpha: float | None = None) -> Confirmation:
    """Two-sided z-test (t-test when result.dof is set) of estimate against exact."""
    threshold = z_threshold(alpha, dof=result.dof)
    passed = bool(abs(result.z) <= threshold)
    figures = _figures(result, threshold, alpha)
    summary = (f"{result.estimate:.6g} ± {result.se:.2g} vs exact {result.exact:.6g} "
               f"(n={result.n}, z={result.z:+.2f}, |z|≤{threshold:.2f})")
    return Confirmation(name, passed, figures, summary)


def confirm_rejects(name: str, result: MCResult, *, null: float,
                    alpha: float | None = None) -> Confirmation:
    """Passes when the data reject `null` (|estimate - null| / se > threshold).

    Use it to show a value is *not* some wrong answer (KL(p||q) != KL(q||p), KL > 0). Its
    false failure is a miss, so size n with required_n(sd, |exact - null|, miss=alpha) to keep
    it within the per-check budget; figures report that miss probability at the exact value.
    """
    threshold = z_threshold(alpha, dof=result.dof)
    gap = result.estimate - null
    if result.se == 0.0:
        z_null = 0.0 if gap == 0.0 else math.copysign(math.inf, gap)
    else:
        z_null = float(gap / result.se)
    passed = bool(abs(z_null) > threshold)
    figures = _figures(result, threshold, alpha)
    figures["null"] = float(null)
    figures["z_null"] = float(z_null)
    figures["miss_probability_at_exact"] = miss_probability(result.exact - null, result.se, alpha,
                                                            dof=result.dof)
    verdict = "rejects" if passed else "cannot reject"
    summary = (f"{result.estimate:.6g} ± {result.se:.2g} {verdict} {null:.6g} "
               f"(n={result.n}, z={z_null:+.2f}, threshold {threshold:.2f})")
    return Confirmation(name, passed, figures, summary)
