"""Calibration: reported 95% intervals cover 95% of the time; RMS error falls as n^(-1/2).

False-failure probability of each coverage test: with honest intervals the count of covering
intervals is Binomial(1000, 0.95) (approximately: the CLT interval's true coverage at
n = 1024 is within a few tenths of a percent of 95%). The band [lo, hi] has
P(count < lo) <= 1e-7 and P(count > hi) <= 1e-7, so a correct estimator fails with
probability <= 2e-7. The slope tests allow +-0.05 around -1/2, about 10 standard deviations
of the fitted slope (200 seeds per n: sd of log RMSE ~ 1/sqrt(400) = 0.05, over 9 sizes
spaced by log 2: sd(slope) ~ 0.05 / sqrt(sum (x - mean x)^2) = 0.05 / 5.9 ~ 0.009).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

from numeric.mc.calibration import (
    binomial_band,
    cv_exp,
    error_vs_n,
    gaussian_kl,
    gaussian_square,
    interval_coverage,
    kl_two_point,
    rqmc_exp,
)
from numeric.mc.montecarlo import MCResult

SEEDS = range(5_000, 6_000)


def test_binomial_band_against_scipy():
    lo, hi = binomial_band(1000)
    assert binom.cdf(lo - 1, 1000, 0.95) <= 1e-7 < binom.cdf(lo, 1000, 0.95)
    assert binom.sf(hi, 1000, 0.95) <= 1e-7 < binom.sf(hi - 1, 1000, 0.95)
    assert (lo, hi) == (911, 982)


@pytest.mark.parametrize("estimator", [kl_two_point, gaussian_square, gaussian_kl])
def test_coverage_within_binomial_range(estimator):
    """1000 seeds at n = 1024: the covering count lies in the 1e-7-tail binomial band."""
    cov = interval_coverage(lambda s: estimator(1024, s), seeds=SEEDS)
    assert cov.within_band, (cov.covered, cov.band)


def test_control_variate_coverage_at_working_n():
    """Cross-fitted control variates (degree 2) at n = 2^14 are calibrated too."""
    cov = interval_coverage(lambda s: cv_exp(2**14, s), seeds=range(1000))
    assert cov.within_band, (cov.covered, cov.band)


@pytest.mark.xfail(strict=True, reason="RQMC t-intervals with 8 scrambles undercover for "
                   "E[exp X] (measured ~84%): replicate means are far from normal")
def test_rqmc_coverage_known_limit():
    cov = interval_coverage(lambda s: rqmc_exp(1024, s), seeds=range(400))
    assert cov.within_band, (cov.covered, cov.band)


def shrunk(estimator, factor):
    """The same estimator reporting a wrong (too small) standard error."""
    def run(seed: int) -> MCResult:
        r = estimator(1024, seed)
        return MCResult(r.estimate, r.se * factor, r.n, r.seed, r.exact)
    return run


@pytest.mark.parametrize("factor", [0.8, 1 / math.sqrt(1024)])
def test_wrong_standard_error_fails_coverage(factor):
    """SE 20% too small, or std/n in place of std/sqrt(n): the coverage test fails."""
    cov = interval_coverage(shrunk(kl_two_point, factor), seeds=SEEDS)
    assert not cov.within_band and cov.covered < cov.band[0]


NS = [2**k for k in range(6, 15)]


@pytest.mark.parametrize("estimator", [kl_two_point, gaussian_square])
def test_error_slope_is_minus_half(estimator):
    s = error_vs_n(estimator, ns=NS, seeds=range(200))
    assert s.slope == pytest.approx(-0.5, abs=0.05)
    # The reported se tracks the actual error at every n (within 20%).
    assert np.allclose(s.mean_se, s.rmse, rtol=0.2)


def test_biased_estimator_fails_the_slope():
    """A constant bias flattens the curve (slope -0.36 at bias 0.02) and leaves the error
    above the reported se at large n (already at bias 0.01): both checks reject it."""
    def biased(bias: float):
        def run(n: int, seed: int) -> MCResult:
            r = kl_two_point(n, seed)
            return MCResult(r.estimate + bias, r.se, r.n, r.seed, r.exact)
        return run

    assert error_vs_n(biased(0.02), ns=NS, seeds=range(200)).slope > -0.45
    s = error_vs_n(biased(0.01), ns=NS, seeds=range(200))
    assert not np.allclose(s.mean_se, s.rmse, rtol=0.2)


def test_bad_input():
    with pytest.raises(ValueError, match="seeds"):
        interval_coverage(lambda s: kl_two_point(16, s), seeds=range(3))
    with pytest.raises(ValueError, match="sample sizes"):
        error_vs_n(kl_two_point, ns=[16], seeds=range(5))
    with pytest.raises(ValueError, match="trials"):
        binomial_band(0)
