"""numeric.mc.information against scipy.stats.entropy, plus properties over random distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as sp_entropy

from numeric.mc.information import SUM_TOLERANCE, cross_entropy, entropy, kl_divergence

P, Q = (0.5, 0.5), (0.1, 0.9)
CASES = [
    (P, Q),
    (Q, P),
    ((0.2, 0.3, 0.5), (0.6, 0.3, 0.1)),
    ((0.0, 0.25, 0.75), (0.1, 0.1, 0.8)),  # zero in p
    ((1.0, 0.0, 0.0, 0.0), (0.25, 0.25, 0.25, 0.25)),
    ((0.7, 0.3), (0.7, 0.3)),
]


@pytest.mark.parametrize("base", [math.e, 2.0, 10.0])
@pytest.mark.parametrize("p,q", CASES)
def test_against_scipy(p, q, base):
    """H, H(p,q) = H(p) + KL and KL agree with scipy.stats.entropy to 1e-12."""
    assert entropy(p, base=base) == pytest.approx(sp_entropy(p, base=base), abs=1e-12)
    assert kl_divergence(p, q, base=base) == pytest.approx(sp_entropy(p, q, base=base),
                                                           abs=1e-12)
    reference = sp_entropy(p, base=base) + sp_entropy(p, q, base=base)
    assert cross_entropy(p, q, base=base) == pytest.approx(reference, abs=1e-12)


def test_worksheet_values_by_hand():
    """KL(p||q) = 0.5 log 5 + 0.5 log(5/9) and KL(q||p) = 0.1 log 0.2 + 0.9 log 1.8."""
    assert kl_divergence(P, Q) == pytest.approx(0.5 * math.log(5) + 0.5 * math.log(5 / 9),
                                                rel=1e-14)
    assert kl_divergence(Q, P) == pytest.approx(0.1 * math.log(0.2) + 0.9 * math.log(1.8),
                                                rel=1e-14)
    assert entropy(P, base=2) == pytest.approx(1.0, rel=1e-15)
    assert kl_divergence(P, Q, base=2) == pytest.approx(kl_divergence(P, Q) / math.log(2))


def _normalise(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


weights = st.lists(st.floats(0.0, 1.0, allow_subnormal=False), min_size=2, max_size=8).filter(
    lambda w: sum(w) > 1e-3)
DETERMINISTIC = settings(derandomize=True, max_examples=60, deadline=None)  # same run every time


@st.composite
def pairs(draw, q_positive: bool = True):
    """Two distributions of equal length; q strictly positive unless told otherwise."""
    p = draw(weights)
    q = draw(st.lists(st.floats(1e-6, 1.0) if q_positive else st.floats(0.0, 1.0),
                      min_size=len(p), max_size=len(p)).filter(lambda w: sum(w) > 1e-3))
    return _normalise(p), _normalise(q)


@DETERMINISTIC
@given(pairs(q_positive=False))
def test_nonnegative(pq):
    """Gibbs: KL(p||q) >= 0 for every pair (including +inf when q misses p's support)."""
    p, q = pq
    assert kl_divergence(p, q) >= 0.0


@DETERMINISTIC
@given(pairs())
def test_decomposition(pq):
    """KL(p||q) = H(p,q) - H(p), and scipy agrees on KL."""
    p, q = pq
    kl = kl_divergence(p, q)
    assert kl == pytest.approx(cross_entropy(p, q) - entropy(p), abs=1e-9)
    assert kl == pytest.approx(sp_entropy(p, q), abs=1e-9)


@DETERMINISTIC
@given(pairs())
def test_zero_only_at_equality(pq):
    """KL(p||p) = 0 exactly; KL(p||q) > 0 once p and q differ by more than 1e-6."""
    p, q = pq
    assert kl_divergence(p, p) == 0.0
    if np.max(np.abs(p - q)) > 1e-6:
        assert kl_divergence(p, q) > 0.0


@DETERMINISTIC
@given(pairs(q_positive=False))
def test_inf_exactly_when_support_missed(pq):
    """KL and H(p,q) are +inf exactly when q = 0 somewhere p > 0 (never NaN)."""
    p, q = pq
    missed = bool(np.any((q == 0) & (p > 0)))
    assert math.isinf(kl_divergence(p, q)) == missed
    assert math.isinf(cross_entropy(p, q)) == missed
    assert not math.isnan(kl_divergence(p, q))


def test_asymmetry_on_generic_pairs():
    """KL(p||q) != KL(q||p) for the worksheet pair and for random Dirichlet pairs."""
    assert abs(kl_divergence(P, Q) - kl_divergence(Q, P)) > 0.1
    rng = np.random.default_rng(0)
    gaps = [abs(kl_divergence(p, q) - kl_divergence(q, p))
            for p, q in (rng.dirichlet(np.ones(4), size=2) for _ in range(200))]
    assert min(gaps) > 1e-6


def test_symmetric_pair_is_not_a_counterexample():
    """Swapped two-point pairs give equal KLs: asymmetry is generic, not universal."""
    a, b = (0.3, 0.7), (0.7, 0.3)
    assert kl_divergence(a, b) == pytest.approx(kl_divergence(b, a), rel=1e-14)


def test_near_degenerate():
    """Tiny and subnormal probabilities, zeros in p, zeros in q where p > 0."""
    tiny = (1e-300, 1 - 1e-300)
    assert kl_divergence(tiny, P) == pytest.approx(math.log(2), rel=1e-12)
    assert kl_divergence(P, tiny) == pytest.approx(sp_entropy(P, tiny), rel=1e-12)
    sub = (5e-324, 1.0)
    # 0.5 log(0.5 / 5e-324) + 0.5 log 0.5, by hand, and scipy's (which normalises sub: sum 1)
    by_hand = math.log(0.5) - 0.5 * math.log(5e-324)
    assert kl_divergence(P, sub) == pytest.approx(by_hand, rel=1e-14)
    assert kl_divergence(P, sub) == pytest.approx(sp_entropy(P, sub), rel=1e-12)
    assert entropy((0.0, 1.0)) == 0.0
    assert kl_divergence((0.0, 1.0), (0.5, 0.5)) == pytest.approx(math.log(2), rel=1e-15)
    assert kl_divergence((0.5, 0.5), (0.0, 1.0)) == math.inf
    assert cross_entropy((0.5, 0.5), (0.0, 1.0)) == math.inf
    assert sp_entropy((0.5, 0.5), (0.0, 1.0)) == math.inf  # the reference agrees
    close = (0.5 + 1e-9, 0.5 - 1e-9)
    assert kl_divergence(close, P) == pytest.approx(2e-18, rel=1e-6)  # no cancellation


def test_sum_tolerance_is_stated_and_applied():
    """Sums within SUM_TOLERANCE of 1 are accepted (and renormalised); beyond it rejected."""
    assert SUM_TOLERANCE == 1e-9
    assert entropy((0.5, 0.5 + 5e-10)) == pytest.approx(math.log(2), abs=1e-9)
    with pytest.raises(ValueError, match="sums to"):
        entropy((0.5, 0.5 + 2e-9))


BAD = [
    ((-0.1, 1.1), "negative"),
    ((0.3, 0.3), "sums to"),
    ((float("nan"), 1.0), "NaN or inf"),
    ((float("inf"), 0.0), "NaN or inf"),
    ((), "empty"),
    ([[0.5, 0.5]], "1-D"),
    (("a", "b"), "probabilities"),
]


@pytest.mark.parametrize("bad,message", BAD)
def test_bad_input(bad, message):
    """Each public function raises a one-line ValueError naming the problem."""
    for call in (lambda: entropy(bad), lambda: kl_divergence(bad, P),
                 lambda: cross_entropy(P, bad)):
        with pytest.raises(ValueError, match=message) as info:
            call()
        assert "\n" not in str(info.value)


def test_mismatched_lengths_and_bad_base():
    with pytest.raises(ValueError, match="different lengths"):
        kl_divergence(P, (0.2, 0.3, 0.5))
    for base in (0, 1, -2.0, float("nan"), float("inf"), "2"):
        with pytest.raises(ValueError, match="base"):
            entropy(P, base=base)
