"""Monte Carlo confirmations of worksheet part 1: they pass, are powered, and wrong formulas fail.

Power arithmetic (worksheet p = (0.5, 0.5), q = (0.1, 0.9)): every draw of log p(x)/q(x)
lies in [log(5/9), log 5], so sd <= (log 5 - log(5/9)) / 2 = log(3) = 1.0986 (Popoviciu).
The closest wrong answer to KL(p||q) = 0.51083 is KL(q||p) = 0.36806, a gap of 0.14276.
The z-test at alpha = 5e-9 misses an error e with probability <= 1e-6 once
e >= (5.847 + 4.753) * sd / sqrt(n), i.e. n >= (10.600 * 1.0986 / 0.14276)^2 = 6655;
confirm_1a draws 8192. The tests below recompute this from the figures of every check.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import entropy as sp_entropy

from numeric.confirm import kl as ck
from numeric.mc.information import cross_entropy, entropy, kl_divergence
from numeric.mc.montecarlo import (
    MISS_PROBABILITY,
    confirm,
    detectable_error,
    mc_mean,
    per_check_alpha,
    required_n,
)

CONFIRMS = {"1a": ck.confirm_1a, "1b": ck.confirm_1b, "1c": ck.confirm_1c, "1d": ck.confirm_1d}
RESULTS = {k: f() for k, f in CONFIRMS.items()}
ALL = [(k, c) for k, cs in RESULTS.items() for c in cs]
MC = [(k, c) for k, c in ALL if "se" in c.figures]
IDS = [c.name for _, c in ALL]


@pytest.mark.parametrize("part,c", ALL, ids=IDS)
def test_every_confirmation_passes_with_strict_json_figures(part, c):
    assert c.passed, c.summary
    assert c.name.startswith(part)
    json.dumps(c.figures, allow_nan=False)


@pytest.mark.parametrize("part,c", MC, ids=[c.name for _, c in MC])
def test_figures_report_n_se_z_threshold_and_power(part, c):
    f = c.figures
    for key in ("n", "se", "z", "threshold", "detectable_error", "seed", "exact", "estimate"):
        assert key in f, key
    assert f["n"] >= f["n_required"]


@pytest.mark.parametrize("part,c", MC, ids=[c.name for _, c in MC])
def test_sized_so_wrong_answers_are_rejected(part, c):
    """Each listed wrong answer lies beyond the detectable error (rejected w.p. >= 1 - 1e-6),
    and this very run rejects it: |estimate - wrong| > threshold * se."""
    f = c.figures
    if "null" in f:  # a rejection check: its miss is its false failure, so <= alpha
        assert f["miss_probability_at_exact"] <= per_check_alpha()
    for wrong in f["wrong_answers"].values():
        if "null" not in f:
            assert abs(wrong - f["exact"]) >= f["detectable_error"]
        assert abs(f["estimate"] - wrong) > f["threshold"] * f["se"]


def test_sizing_arithmetic_for_1a():
    """The n of 1a's first check is the power formula of the module docstring."""
    c = RESULTS["1a"][0]
    sd_bound = math.log(3.0)
    gap = kl_divergence(ck.P, ck.Q) - kl_divergence(ck.Q, ck.P)
    assert c.figures["n_required"] == required_n(sd_bound, gap) == 6655
    assert detectable_error(sd_bound / math.sqrt(c.figures["n"])) <= gap


def test_exact_values_match_scipy():
    """The 'exact' each check compares with is scipy's, not only the project's formula."""
    a = RESULTS["1a"]
    assert a[0].figures["exact"] == pytest.approx(sp_entropy(ck.P, ck.Q), rel=1e-12)
    assert a[1].figures["exact"] == pytest.approx(sp_entropy(ck.Q, ck.P), rel=1e-12)
    b = RESULTS["1b"][0]
    assert b.figures["exact"] == pytest.approx(sp_entropy(ck.P, ck.Q), rel=1e-12)


def test_asymmetry_far_beyond_error_bars():
    """1a: the two KLs differ by > 10 standard errors of their difference."""
    c = next(c for c in RESULTS["1a"] if "!=" in c.name)
    assert abs(c.figures["z_null"]) > 10


def _log_ratio_draws(n: int, seed: int) -> np.ndarray:
    p, q = np.asarray(ck.P), np.asarray(ck.Q)
    x = np.random.default_rng(seed).choice(2, size=n, p=p)
    return np.log(p / q)[x]


WRONG_FORMULAS = {
    "KL = H(p) - H(p,q)": lambda: entropy(ck.P) - cross_entropy(ck.P, ck.Q),
    "KL in bits against draws in nats": lambda: kl_divergence(ck.P, ck.Q, base=2),
    "KL(p||q) = KL(q||p)": lambda: kl_divergence(ck.Q, ck.P),
    "KL = H(p,q) + H(p)": lambda: cross_entropy(ck.P, ck.Q) + entropy(ck.P),
}


@pytest.mark.parametrize("label", WRONG_FORMULAS)
def test_wrong_formula_fails_its_confirmation(label):
    """The MC draws of log p/q (n as in confirm_1a) reject each wrong closed form, while
    the right one passes on the very same draws."""
    n = RESULTS["1a"][0].figures["n"]
    draws = _log_ratio_draws(n, seed=123)
    right = confirm("right", mc_mean(draws, seed=123, exact=kl_divergence(ck.P, ck.Q)))
    assert right.passed
    wrong = confirm(label, mc_mean(draws, seed=123, exact=WRONG_FORMULAS[label]()))
    assert not wrong.passed, wrong.summary


def test_wrong_decomposition_fails_1b():
    """Swapping the roles of p and q in the decomposition is rejected by 1b's draws."""
    rng = np.random.default_rng(9)
    n = RESULTS["1b"][0].figures["n"]
    x = rng.choice(2, size=n, p=ck.P)
    estimate = mc_mean(-np.log(np.asarray(ck.Q))[x], seed=9, exact=kl_divergence(ck.Q, ck.P)
                       + entropy(ck.P))
    assert not confirm("H(p,q) = KL(q||p) + H(p)", estimate).passed


def test_wrong_jensen_chain_fails_1c():
    """Feeding +KL where -KL belongs (the chain read backwards) breaks the sweep."""
    def wrong(a, b):
        return -ck._neg_kl_definition(a, b)

    assert not ck.jensen_chain_sweep(seed=1, count=300, neg_kl=wrong).passed
    assert ck.jensen_chain_sweep(seed=1, count=300).passed


def test_wrong_zero_set_fails_1d():
    """A 'divergence' that is never zero (cross-entropy) or zero at the wrong place fails."""
    def cross(qs, p):
        return -(qs * np.log(p)).sum(axis=1)

    def shifted(qs, p):
        return (qs[:, 0] - 0.3) ** 2

    assert not ck.two_point_zero_sweep(kl=cross).passed
    assert not ck.two_point_zero_sweep(kl=shifted).passed
    assert ck.two_point_zero_sweep().passed


def test_deterministic():
    """Same seeds, same figures."""
    again = ck.confirm_1a()
    assert [c.figures for c in again] == [c.figures for c in RESULTS["1a"]]


def test_miss_budget_constant():
    assert MISS_PROBABILITY == 1e-6
