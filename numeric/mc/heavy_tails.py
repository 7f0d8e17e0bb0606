"""Estimators whose variance may be huge or infinite: diagnose before trusting a z-test.

Importance weights and score-function gradients can have heavy tails: the sample variance
then wanders with n and a normal-approximation error bar means nothing. Two safeguards:

* `tail_diagnostic`: the Pareto k-hat of the tail of |x - median| (a generalised Pareto
  shape; the variance is infinite when the true k >= 1/2) [1, 2], the spread of the variance
  over 4 disjoint blocks (and, for information, the share of the squared deviation carried by
  the largest sample). `confirm_heavy` refuses the normal approximation (passed=False,
  unstable=True in figures) when k-hat >= 0.5 or the block variances differ > 8-fold.
  These are heuristics with limits set from simulation (docs/montecarlo.md), not tests at a
  stated level: they guard the z-test, whose own level is the suite's per-check alpha.
* `confirm_bounded`: for variables known to lie in [lower, upper], an empirical-Bernstein [3]
  / Hoeffding interval that holds at every n, with no normal approximation at all.

References: [1] Zhang & Stephens, Technometrics 51 (2009) 316-325 (the k estimator).
[2] Vehtari et al., "Pareto smoothed importance sampling", JMLR 25 (2024), sec. 3.
[3] Maurer & Pontil, "Empirical Bernstein bounds and sample variance penalization",
COLT 2009, Theorem 4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from derive.engine.confirmation import Confirmation
from numeric.mc.montecarlo import (
    MISS_PROBABILITY,
    MCResult,
    confirm,
    mc_mean,
    per_check_alpha,
)

KHAT_MAX = 0.5  # GPD shape at which the variance becomes infinite
BLOCKS = 4
BLOCK_RATIO_MAX = 8.0  # max/min variance over 4 blocks: <= 2.1 in 500 runs of x^3 at n = 1e4
MIN_SAMPLES = 1000


def _samples(x: ArrayLike) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    if a.size < MIN_SAMPLES:
        raise ValueError(f"tail diagnostics need at least {MIN_SAMPLES} samples, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError("samples contain NaN or inf")
    return a


def _scaled(x: ArrayLike) -> np.ndarray:
    """Validated draws rescaled to max |x| = 1: the diagnostics are scale-free, and this keeps
    squares of huge draws (1e300) from overflowing."""
    a = _samples(x)
    scale = float(np.max(np.abs(a)))
    return a / scale if scale > 0 else a


def _gpd_shape(exceedances: np.ndarray) -> float:
    """Zhang-Stephens posterior-mean GPD shape of sorted positive exceedances (as in PSIS)."""
    x = exceedances
    n = x.size
    m = 30 + int(math.sqrt(n))
    b = 1.0 - np.sqrt(m / (np.arange(1, m + 1) - 0.5))
    b = b / (3.0 * x[int(n / 4 + 0.5) - 1]) + 1.0 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = n * (np.log(-b / k) - k - 1.0)
    ok = np.isfinite(profile)  # b = 0 gives k = 0: a degenerate candidate, dropped
    b, profile = b[ok], profile[ok]
    w = np.exp(profile - logsumexp(profile))
    keep = w >= 10 * np.finfo(float).eps
    w, b = w[keep] / w[keep].sum(), b[keep]
    b_post = float((b * w).sum())
    k_post = float(np.log1p(-b_post * x).mean())
    return (n * k_post + 10 * 0.5) / (n + 10)  # weakly informative prior towards k = 0.5


def pareto_khat(samples: ArrayLike) -> float:
    """Pareto k-hat of the upper tail of |x - median| (largest min(n/5, 3 sqrt n) points).

    Below 0.5 the variance is finite; above it the normal approximation cannot be justified.
    Returns -1.0 when the tail has fewer than 5 distinct values (a bounded or lattice tail).
    """
    raw = _scaled(samples)
    a = np.sort(np.abs(raw - np.median(raw)))
    m = int(math.ceil(min(0.2 * a.size, 3.0 * math.sqrt(a.size))))
    exceed = a[-m:] - a[-m - 1]
    if exceed[-1] <= 0.0:
        return -1.0
    exceed = exceed[exceed > 0]
    if np.unique(exceed).size < 5:  # a lattice tail of few values: nothing to fit, bounded
        return -1.0
    return float(_gpd_shape(exceed))


def block_variance_ratio(samples: ArrayLike, *, blocks: int = BLOCKS) -> float:
    """max / min of the sample variances of `blocks` disjoint consecutive blocks."""
    a = _scaled(samples)
    if blocks < 2 or a.size < 2 * blocks:
        raise ValueError(f"need blocks >= 2 and at least 2 samples per block, got {blocks}")
    v = np.array([b.var(ddof=1) for b in np.array_split(a, blocks)])
    if v.max() == 0.0:
        return 1.0
    return float(v.max() / v.min()) if v.min() > 0 else math.inf


@dataclass(frozen=True)
class TailDiagnostic:
    """Evidence for or against a finite, stably estimated variance."""

    khat: float
    block_ratio: float
    max_share: float
    stable: bool
    reason: str

    def figures(self) -> dict:
        """JSON-ready figures (an infinite block ratio is reported as None)."""
        ratio = self.block_ratio if math.isfinite(self.block_ratio) else None
        return {"khat": self.khat, "block_variance_ratio": ratio, "max_share": self.max_share,
                "unstable": not self.stable}


def tail_diagnostic(samples: ArrayLike, *, blocks: int = BLOCKS) -> TailDiagnostic:
    """Pareto k-hat and block-variance ratio (plus largest single share) with a verdict."""
    a = _scaled(samples)
    khat = pareto_khat(a)
    ratio = block_variance_ratio(a, blocks=blocks)
    dev2 = (a - a.mean()) ** 2
    share = float(dev2.max() / dev2.sum()) if dev2.sum() > 0 else 0.0
    problems = []
    if khat >= KHAT_MAX:
        problems.append(f"Pareto k-hat {khat:.2f} >= {KHAT_MAX} (variance may be infinite)")
    if ratio > BLOCK_RATIO_MAX:
        problems.append(f"block variances differ {ratio:.3g}-fold (> {BLOCK_RATIO_MAX:g})")
    reason = "; ".join(problems) if problems else "variance estimate stable"
    return TailDiagnostic(khat, ratio, share, not problems, reason)


def confirm_heavy(name: str, samples: ArrayLike, *, seed: int, exact: float,
                  alpha: float | None = None) -> Confirmation:
    """`confirm` for possibly heavy-tailed samples: refuses the z-test when the tails fail.

    When the diagnostic fails the confirmation does not pass, figures carry unstable=True and
    the summary says the normal approximation was refused: a larger n will not fix an
    infinite variance, a better estimator (or a bounded one with `confirm_bounded`) will.
    """
    a = _samples(samples)
    diag = tail_diagnostic(a)
    result = mc_mean(a, seed=seed, exact=exact)
    base = confirm(name, result, alpha=alpha)
    figures = {**base.figures, **diag.figures()}
    if not diag.stable:
        summary = f"normal approximation refused: {diag.reason}"
        return Confirmation(name, False, figures, summary)
    return Confirmation(name, base.passed, figures, f"{base.summary}; {diag.reason}")


def bernstein_halfwidth(samples: ArrayLike, *, lower: float, upper: float,
                        delta: float) -> float:
    """Half-width h with P(|mean - E X| > h) <= delta for i.i.d. X in [lower, upper].

    The smaller of Hoeffding's R sqrt(ln(4/delta) / 2n) and the empirical Bernstein bound
    sqrt(2 V ln(8/delta) / n) + 7 R ln(8/delta) / (3 (n - 1)) [3], each at delta/2
    (union bound), each two-sided.
    """
    a = np.asarray(samples, dtype=float).ravel()
    if not (math.isfinite(lower) and math.isfinite(upper) and upper > lower):
        raise ValueError(f"need finite lower < upper, got [{lower}, {upper}]")
    if not 0.0 < delta < 1.0:
        raise ValueError(f"delta must lie in (0, 1), got {delta}")
    if a.size < 2 or not np.all(np.isfinite(a)):
        raise ValueError("need at least 2 finite samples")
    if a.min() < lower or a.max() > upper:
        raise ValueError(f"samples leave the stated range [{lower}, {upper}]")
    n, r = a.size, upper - lower
    hoeffding = r * math.sqrt(math.log(4.0 / delta) / (2.0 * n))
    log_term = math.log(8.0 / delta)
    bernstein = (math.sqrt(2.0 * a.var(ddof=1) * log_term / n)
                 + 7.0 * r * log_term / (3.0 * (n - 1)))
    return float(min(hoeffding, bernstein))


def bounded_required_n(lower: float, upper: float, error: float, *,
                       alpha: float | None = None, miss: float = MISS_PROBABILITY) -> int:
    """n at which `confirm_bounded` rejects any error >= `error` with prob >= 1 - miss.

    From Hoeffding (the half-width never exceeds it): R (sqrt(ln(4/alpha)/2) +
    sqrt(ln(4/miss)/2)) / sqrt(n) <= error.
    """
    if not (math.isfinite(lower) and math.isfinite(upper) and upper > lower):
        raise ValueError(f"need finite lower < upper, got [{lower}, {upper}]")
    if not (error > 0 and math.isfinite(error)):
        raise ValueError(f"error must be finite and > 0, got {error}")
    level = per_check_alpha() if alpha is None else alpha
    k = math.sqrt(math.log(4.0 / level) / 2.0) + math.sqrt(math.log(4.0 / miss) / 2.0)
    return max(2, math.ceil((k * (upper - lower) / error) ** 2))


def confirm_bounded(name: str, samples: ArrayLike, *, lower: float, upper: float, seed: int,
                    exact: float, alpha: float | None = None) -> Confirmation:
    """Finite-n check of a bounded mean: passes when |mean - exact| <= Bernstein half-width.

    False-failure probability <= alpha at every n (no CLT). detectable_error is the half-width
    at alpha plus the half-width at MISS_PROBABILITY: a larger error is rejected with
    probability >= 1 - MISS_PROBABILITY. `threshold` is the half-width in units of se.
    """
    a = np.asarray(samples, dtype=float).ravel()
    level = per_check_alpha() if alpha is None else alpha
    half = bernstein_halfwidth(a, lower=lower, upper=upper, delta=level)
    detect = half + bernstein_halfwidth(a, lower=lower, upper=upper, delta=MISS_PROBABILITY)
    result: MCResult = mc_mean(a, seed=seed, exact=exact)
    err = result.estimate - result.exact
    passed = bool(abs(err) <= half)
    se = result.se
    figures = {
        "n": result.n, "seed": seed, "estimate": result.estimate, "se": se,
        "exact": result.exact, "z": result.z, "threshold": half / se if se > 0 else None,
        "halfwidth": half, "alpha": level, "detectable_error": detect,
        "bound": "empirical Bernstein / Hoeffding", "lower": float(lower), "upper": float(upper),
    }
    summary = (f"{result.estimate:.6g} vs exact {result.exact:.6g}: |error| {abs(err):.2g} "
               f"{'<=' if passed else '>'} bound {half:.2g} (n={result.n}, no CLT)")
    return Confirmation(name, passed, figures, summary)


def _main() -> None:
    """Print how often the diagnostic flags light and heavy tails (docs/montecarlo.md)."""
    rng = np.random.default_rng(0)
    cases = {
        "chi-square(1)": lambda n: rng.standard_normal(n) ** 2,
        "z^3 (score-like)": lambda n: rng.standard_normal(n) ** 3,
        "exponential": lambda n: rng.exponential(size=n),
        "lognormal(0, 1)": lambda n: rng.lognormal(0.0, 1.0, n),
        "Student t(3)": lambda n: rng.standard_t(3, n),
        "Pareto a=2.2 (finite var)": lambda n: rng.pareto(2.2, n),
        "Pareto a=1.9 (infinite)": lambda n: rng.pareto(1.9, n),
        "Pareto a=1.5 (infinite)": lambda n: rng.pareto(1.5, n),
        "Cauchy (infinite)": lambda n: rng.standard_cauchy(n),
    }
    reps = 200
    print(f"fraction of {reps} runs flagged unstable")
    print(f"{'distribution':28s}{'n = 1e4':>10s}{'n = 1e5':>10s}")
    for name, draw in cases.items():
        rates = [np.mean([not tail_diagnostic(draw(n)).stable for _ in range(reps)])
                 for n in (10_000, 100_000)]
        print(f"{name:28s}" + "".join(f"{r:10.3f}" for r in rates))


if __name__ == "__main__":
    _main()
