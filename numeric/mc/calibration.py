"""Are the error bars honest? Coverage of 95% intervals and error-versus-n scaling.

* `interval_coverage`: run an estimator over many seeds and count how often
  estimate +- q_{0.975} * se contains the exact value (q normal, or Student-t when the result
  carries dof). With honest SEs the count is Binomial(trials, 0.95); `binomial_band` gives the
  range outside which it falls with probability <= 2e-7.
* `error_vs_n`: root-mean-square error over seeds at several n, and the least-squares slope
  of log RMSE on log n: -1/2 for i.i.d. Monte Carlo (E[err^2] = sigma^2 / n exactly),
  steeper for randomised QMC on smooth integrands.

`python -m numeric.mc.calibration` writes docs/figures/mc_coverage.png and
docs/figures/mc_error_vs_n.png and prints the figures they show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import binom, norm, t

from numeric.mc.information import kl_divergence
from numeric.mc.montecarlo import MCResult, mc_mean
from numeric.mc.variance_reduction import control_variate_gaussian_mean, rqmc_gaussian_mean

Estimator = Callable[[int], MCResult]  # seed -> result
TAIL = 1e-7


def binomial_band(trials: int, level: float = 0.95, tail: float = TAIL) -> tuple[int, int]:
    """Counts (lo, hi) with P(X < lo) <= tail and P(X > hi) <= tail for X ~ Bin(trials, level)."""
    if trials < 1 or not 0 < level < 1 or not 0 < tail < 0.5:
        raise ValueError(f"need trials >= 1, level and tail in (0, 1), got {trials}, {level}, "
                         f"{tail}")
    return int(binom.ppf(tail, trials, level)), int(binom.isf(tail, trials, level))


@dataclass(frozen=True)
class Coverage:
    """How many of `trials` nominal-`level` intervals contained the exact value."""

    covered: int
    trials: int
    level: float
    band: tuple[int, int]

    @property
    def rate(self) -> float:
        """Empirical coverage."""
        return self.covered / self.trials

    @property
    def within_band(self) -> bool:
        """True when the count is inside the 1e-7-tail binomial range."""
        return self.band[0] <= self.covered <= self.band[1]


def interval_coverage(estimator: Estimator, *, seeds: Sequence[int],
                      level: float = 0.95) -> Coverage:
    """Run `estimator(seed)` for every seed and count intervals covering result.exact."""
    if len(seeds) < 10:
        raise ValueError(f"need at least 10 seeds, got {len(seeds)}")
    covered = 0
    for s in seeds:
        r = estimator(int(s))
        q = norm.isf((1 - level) / 2) if r.dof is None else t.isf((1 - level) / 2, r.dof)
        covered += int(abs(r.estimate - r.exact) <= q * r.se)
    return Coverage(covered, len(seeds), level, binomial_band(len(seeds), level))


@dataclass(frozen=True)
class ErrorScaling:
    """RMSE and mean reported se at each n, with the fitted log-log slope of the RMSE."""

    ns: list[int]
    rmse: list[float]
    mean_se: list[float]
    slope: float


def error_vs_n(estimator: Callable[[int, int], MCResult], *, ns: Sequence[int],
               seeds: Sequence[int]) -> ErrorScaling:
    """RMS error of estimator(n, seed) over seeds at each n; slope of log RMSE vs log n."""
    if len(ns) < 2 or len(seeds) < 2:
        raise ValueError("need at least 2 sample sizes and 2 seeds")
    rmse, mean_se = [], []
    for n in ns:
        runs = [estimator(int(n), int(s)) for s in seeds]
        rmse.append(float(np.sqrt(np.mean([(r.estimate - r.exact) ** 2 for r in runs]))))
        mean_se.append(float(np.mean([r.se for r in runs])))
    slope = float(np.polyfit(np.log(ns), np.log(rmse), 1)[0])
    return ErrorScaling([int(n) for n in ns], rmse, mean_se, slope)


# Fast estimators used for calibration ------------------------------------------------------

P, Q = np.array([0.5, 0.5]), np.array([0.1, 0.9])


def kl_two_point(n: int, seed: int) -> MCResult:
    """MC of KL(p||q) for the worksheet's p, q: mean of log p(x)/q(x), x ~ p."""
    values = np.log(P / Q)
    x = np.random.default_rng(seed).choice(2, size=n, p=P)
    return mc_mean(values[x], seed=seed, exact=kl_divergence(P, Q))


def gaussian_square(n: int, seed: int) -> MCResult:
    """MC of E[X^2] = 1 for X ~ N(0, 1): a skewed (chi-square) summand."""
    z = np.random.default_rng(seed).standard_normal(n)
    return mc_mean(z**2, seed=seed, exact=1.0)


def gaussian_kl(n: int, seed: int) -> MCResult:
    """MC of KL(N(0,1) || N(1, 1.5^2)) = log 1.5 + (1 + 1) / (2 * 2.25) - 1/2."""
    x = np.random.default_rng(seed).standard_normal(n)
    log_ratio = norm.logpdf(x) - norm.logpdf(x, loc=1.0, scale=1.5)
    return mc_mean(log_ratio, seed=seed, exact=math.log(1.5) + 2.0 / 4.5 - 0.5)


def cv_exp(n: int, seed: int) -> MCResult:
    """Cross-fitted control variates (He_1, He_2) for E[exp X] = e^{1/2}, X ~ N(0, 1)."""
    return control_variate_gaussian_mean(np.exp, n=n, seed=seed, exact=math.exp(0.5))


def rqmc_exp(n: int, seed: int) -> MCResult:
    """RQMC (8 scrambles) of E[exp X] = e^{1/2}, X ~ N(0, 1); n / 8 a power of 2."""
    return rqmc_gaussian_mean(np.exp, n=n, seed=seed, exact=math.exp(0.5), scrambles=8)


ESTIMATORS: dict[str, Callable[[int, int], MCResult]] = {
    "KL two-point (1a)": kl_two_point,
    "E[X^2], X~N(0,1)": gaussian_square,
    "Gaussian KL": gaussian_kl,
    "control variates E[exp X]": cv_exp,
    "RQMC E[exp X], 8 scrambles (t, 7 dof)": rqmc_exp,
}


def coverage_table(ns: Sequence[int] = (16, 64, 256, 1024), trials: int = 1000,
                   seed0: int = 10_000) -> dict[str, list[Coverage]]:
    """Coverage of every calibration estimator at each n over `trials` seeds."""
    seeds = range(seed0, seed0 + trials)
    return {name: [interval_coverage(lambda s, f=f, n=n: f(n, s), seeds=seeds) for n in ns]
            for name, f in ESTIMATORS.items()}


def plot_figures(outdir: str | Path = "docs/figures") -> dict[str, object]:
    """Write mc_coverage.png and mc_error_vs_n.png; return the figures they show."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    ns = (16, 64, 256, 1024, 4096)
    table = coverage_table(ns)
    trials = next(iter(table.values()))[0].trials
    lo, hi = binomial_band(trials)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.axhspan(lo / trials, hi / trials, color="0.85", label="binomial range (1e-7 tails)")
    ax.axhline(0.95, color="k", lw=0.8)
    for k, (name, covs) in enumerate(table.items()):
        ax.plot(np.array(ns) * (1 + 0.05 * (k - 2)), [c.rate for c in covs], "o-", label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("n (samples per estimate)")
    ax.set_ylabel(f"coverage of nominal 95% interval ({trials} seeds)")
    ax.set_title("Coverage of reported 95% intervals")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "mc_coverage.png", dpi=120)
    plt.close(fig)

    scale_ns = [2**k for k in range(4, 17)]
    seeds = range(20_000, 20_200)
    scalings = {name: error_vs_n(f, ns=scale_ns, seeds=seeds) for name, f in ESTIMATORS.items()}
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, s in scalings.items():
        (line,) = ax.loglog(s.ns, s.rmse, "o-", ms=3, label=f"{name}: slope {s.slope:+.3f}")
        ax.loglog(s.ns, s.mean_se, ":", color=line.get_color())
    ref = np.array(scale_ns, dtype=float)
    ax.loglog(ref, 2.0 / np.sqrt(ref), "k--", lw=0.8, label="n^(-1/2)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("n")
    ax.set_ylabel("RMS error over 200 seeds (dotted: mean reported se)")
    ax.set_title("Monte Carlo error against n")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "mc_error_vs_n.png", dpi=120)
    plt.close(fig)
    return {
        "coverage": {name: {str(n): c.rate for n, c in zip(ns, covs, strict=True)}
                     for name, covs in table.items()},
        "band": [lo / trials, hi / trials],
        "slopes": {name: s.slope for name, s in scalings.items()},
    }


if __name__ == "__main__":
    import json

    print(json.dumps(plot_figures(), indent=2))
