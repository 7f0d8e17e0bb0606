"""The Monte Carlo layer: thresholds, power, z-tests, rejection checks and heavy tails.

References: scipy.stats (normal and t quantiles, Pareto draws), torch.distributions
(Gaussian KL closed form), and arithmetic done by hand in the docstrings.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from scipy.stats import norm
from scipy.stats import t as student_t
from torch.distributions import Normal, kl_divergence

from numeric.mc.heavy_tails import (
    bernstein_halfwidth,
    bounded_required_n,
    confirm_bounded,
    confirm_heavy,
    pareto_khat,
    tail_diagnostic,
)
from numeric.mc.montecarlo import (
    MCResult,
    confirm,
    confirm_rejects,
    detectable_error,
    mc_difference,
    mc_mean,
    mc_replicates,
    miss_probability,
    per_check_alpha,
    required_n,
    z_threshold,
)


def strict_json(figures: dict) -> str:
    return json.dumps(figures, allow_nan=False)


def test_budget_arithmetic():
    """1e-6 over 200 checks: alpha = 5e-9 per two-sided test, |z| <= 5.847."""
    assert per_check_alpha() == pytest.approx(5e-9, rel=1e-15)
    assert z_threshold() == pytest.approx(norm.isf(2.5e-9), rel=1e-12)
    assert z_threshold() == pytest.approx(5.8472, abs=1e-4)
    assert z_threshold(dof=31) == pytest.approx(student_t.isf(2.5e-9, 31), rel=1e-12)
    assert z_threshold(dof=31) > z_threshold()


def test_power_arithmetic():
    """detectable_error = (z_{alpha/2} + z_{1e-6}) se = (5.847 + 4.753) se, and an error of
    exactly that size passes the test with probability 1e-6 (normal model)."""
    k = norm.isf(2.5e-9) + norm.isf(1e-6)
    assert detectable_error(0.01) == pytest.approx(k * 0.01, rel=1e-12)
    assert miss_probability(detectable_error(0.01), 0.01) == pytest.approx(1e-6, rel=1e-3)
    n = required_n(1.0, 0.1)
    assert n == math.ceil((k * 1.0 / 0.1) ** 2) == 11238
    assert detectable_error(1.0 / math.sqrt(n)) <= 0.1 < detectable_error(1.0 / math.sqrt(n - 1))


def test_mc_mean_matches_hand_computation():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    r = mc_mean(x, seed=3, exact=3.0)
    assert r.estimate == 3.5
    assert r.se == pytest.approx(np.sqrt(np.var(x, ddof=1) / 4))
    assert r.z == pytest.approx(0.5 / r.se)
    assert MCResult(1.0, 0.0, 2, 0, 2.0).z == -math.inf


def test_difference_and_replicates():
    a = MCResult(1.0, 0.3, 100, 1, 1.0)
    b = MCResult(0.5, 0.4, 200, 1, 0.5)
    d = mc_difference(a, b, exact=0.5)
    assert (d.estimate, d.se, d.n) == (0.5, pytest.approx(0.5), 300)
    r = mc_replicates([1.0, 2.0, 3.0], evaluations=30, seed=0, exact=2.0)
    assert (r.estimate, r.dof, r.n) == (2.0, 2, 30)
    assert r.se == pytest.approx(1.0 / math.sqrt(3))
    assert confirm("t", r).figures["threshold"] == pytest.approx(student_t.isf(2.5e-9, 2))


def gaussian_kl_samples(m1: float, s1: float, m2: float, s2: float, n: int,
                        seed: int) -> np.ndarray:
    """Draws of log N(x; m1, s1) - log N(x; m2, s2) for x ~ N(m1, s1)."""
    x = np.random.default_rng(seed).normal(m1, s1, n)
    return norm.logpdf(x, m1, s1) - norm.logpdf(x, m2, s2)


GAUSS = [(0.0, 1.0, 1.0, 1.5), (2.0, 0.5, -1.0, 2.0), (0.3, 1.2, 0.0, 1.0)]


@pytest.mark.parametrize("m1,s1,m2,s2", GAUSS)
def test_gaussian_kl_against_torch(m1, s1, m2, s2):
    """An MC estimate of KL(N1||N2) confirms torch.distributions.kl_divergence; the
    swapped KL(N2||N1) and a formula missing its 1/2 are both rejected."""
    torch_kl = float(kl_divergence(Normal(torch.tensor(m1, dtype=torch.float64), s1),
                                   Normal(torch.tensor(m2, dtype=torch.float64), s2)))
    swapped = float(kl_divergence(Normal(torch.tensor(m2, dtype=torch.float64), s2),
                                  Normal(torch.tensor(m1, dtype=torch.float64), s1)))
    no_half = 2 * torch_kl  # the closed form without its factor 1/2
    samples = gaussian_kl_samples(m1, s1, m2, s2, 200_000, seed=11)
    right = confirm("gaussian kl", mc_mean(samples, seed=11, exact=torch_kl))
    assert right.passed, right.summary
    strict_json(right.figures)
    for wrong in (swapped, no_half):
        assert abs(wrong - torch_kl) > right.figures["detectable_error"]  # power, as sized
        bad = confirm("wrong gaussian kl", mc_mean(samples, seed=11, exact=wrong))
        assert not bad.passed, bad.summary


def test_confirm_rejects():
    """Passes when the estimate is far from the null, fails when the null is the truth."""
    x = np.random.default_rng(5).normal(0.2, 1.0, 50_000)
    sized = required_n(1.0, 0.2, miss=per_check_alpha())
    assert x.size >= sized
    good = confirm_rejects("nonzero", mc_mean(x, seed=5, exact=0.2), null=0.0)
    assert good.passed and good.figures["miss_probability_at_exact"] < per_check_alpha()
    bad = confirm_rejects("nonzero", mc_mean(x, seed=5, exact=0.2), null=0.2)
    assert not bad.passed
    strict_json(good.figures)


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2"):
        mc_mean([1.0], seed=0, exact=0.0)
    with pytest.raises(ValueError, match="NaN or inf"):
        mc_mean([1.0, float("nan")], seed=0, exact=0.0)
    with pytest.raises(ValueError, match="alpha"):
        z_threshold(0.0)
    with pytest.raises(ValueError, match="error"):
        required_n(1.0, 0.0)
    with pytest.raises(ValueError, match="replicates"):
        mc_replicates([1.0], evaluations=1, seed=0, exact=0.0)


# Heavy tails -------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha_tail", [1.5, 3.0])
def test_khat_recovers_pareto_shape(alpha_tail):
    """Lomax (numpy pareto) draws with tail index a have GPD shape 1/a."""
    x = np.random.default_rng(1).pareto(alpha_tail, 100_000)
    assert pareto_khat(x) == pytest.approx(1 / alpha_tail, abs=0.1)


def test_khat_light_tails():
    rng = np.random.default_rng(2)
    assert pareto_khat(rng.standard_normal(20_000)) < 0.2
    assert pareto_khat(rng.exponential(size=20_000)) < 0.2
    assert pareto_khat(rng.choice([1.0, -1.0], 20_000)) == -1.0  # no tail at all


def test_heavy_tails_refuse_the_normal_approximation():
    """Importance weights with infinite variance (Pareto a = 1.5, Cauchy): refused, with
    unstable=True and a summary that says so, even though the exact mean is right."""
    rng = np.random.default_rng(4)
    w = rng.pareto(1.5, 20_000)  # mean 1 / (a - 1) = 2, variance infinite
    c = confirm_heavy("weights", w, seed=4, exact=2.0)
    assert not c.passed and c.figures["unstable"]
    assert "normal approximation refused" in c.summary
    strict_json(c.figures)
    d = tail_diagnostic(rng.standard_cauchy(20_000))
    assert not d.stable and d.khat > 0.7


def test_light_tails_pass_and_wrong_values_fail():
    """Score-function-like draws (z^3, chi-square) are stable; the z-test then decides."""
    z = np.random.default_rng(6).standard_normal(50_000)
    for samples, exact in ((z**2, 1.0), (z**3 + z, 0.0)):
        c = confirm_heavy("light", samples, seed=6, exact=exact)
        assert c.passed and not c.figures["unstable"], c.summary
        assert not confirm_heavy("light", samples, seed=6, exact=exact + 0.5).passed


def test_bernstein_bound():
    """The finite-n bound is never wider than Hoeffding's, confirms the right mean of a
    bounded variable and rejects a wrong one, with n sized by bounded_required_n."""
    lo, hi = math.log(5 / 9), math.log(5)
    kl = 0.5 * (lo + hi)
    n = bounded_required_n(lo, hi, 0.1)
    x = np.random.default_rng(7).choice([lo, hi], n)
    half = bernstein_halfwidth(x, lower=lo, upper=hi, delta=per_check_alpha())
    assert half <= (hi - lo) * math.sqrt(math.log(4 / per_check_alpha()) / (2 * n)) + 1e-15
    good = confirm_bounded("kl", x, lower=lo, upper=hi, seed=7, exact=kl)
    assert good.passed and good.figures["detectable_error"] <= 0.1
    assert not confirm_bounded("kl", x, lower=lo, upper=hi, seed=7, exact=kl - 0.1).passed
    strict_json(good.figures)
    with pytest.raises(ValueError, match="leave the stated range"):
        confirm_bounded("kl", x, lower=lo, upper=0.0, seed=7, exact=kl)


def test_diagnostics_on_lattice_constant_and_extreme_scale():
    """Discrete, constant and 1e300-scale draws are handled without warnings (which the
    suite turns into errors) and, being light-tailed, are judged stable."""
    rng = np.random.default_rng(8)
    for x in (rng.poisson(0.3, 5000).astype(float), np.full(5000, 2.0),
              rng.standard_normal(5000) * 1e300, rng.standard_normal(5000) * 1e-300):
        assert tail_diagnostic(x).stable
    c = confirm_heavy("scale", rng.standard_normal(5000) * 1e300 + 5e299, seed=8, exact=5e299)
    # se = sd / sqrt(n) with sd = 1e300 (sample sd within 6 of its 1% standard errors)
    assert c.passed and c.figures["se"] == pytest.approx(1e300 / math.sqrt(5000), rel=0.06)
    with pytest.raises(ValueError, match="at least 1000"):
        tail_diagnostic(np.ones(10))
