"""Every entry on an interval (`% assume: p_j \\in (0, 1)`), used by the symbolic checks.

Each entry p[k] is written as the image of its own positive u[k] (lo + (hi - lo) u / (1 + u)),
so 1 - p_j > 0 is seen by sign analysis and log((1 - p_j)^(1 - x_j)) splits under a sum over
j (han_bernoulli_decoder). Each proved step has a false neighbour, and the step with the
interval dropped or widened is not proved.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.checks import linearise, on_intervals
from derive.engine.verdict import Verdict
from derive.notation.document import read_latex

HEADER = r"""% assume: x_j \in \{0, 1\}
% assume: p_j \in (0, 1)
% assume: D natural
\begin{align*}
LEFT &= RIGHT
\end{align*}
"""
LOG_OF_POWERS = r"\sum_{j=1}^D \log(p_j^{x_j}(1-p_j)^{1-x_j})"
SPLIT = r"\sum_{j=1}^D x_j \log(p_j) + (1-x_j) \log(1-p_j)"


def verdict(left: str, right: str, header: str = HEADER) -> Verdict:
    (chain,) = read_latex(header.replace("LEFT", left).replace("RIGHT", right))
    return replace(chain.derivation, seconds=3.0).check(seed=0).steps[0].verdict


def test_the_log_of_bernoulli_powers_splits_under_the_sum():
    assert verdict(LOG_OF_POWERS, SPLIT) is Verdict.PROVED


def test_swapped_exponents_are_refuted():
    wrong = r"\sum_{j=1}^D (1-x_j) \log(p_j) + x_j \log(1-p_j)"
    assert verdict(LOG_OF_POWERS, wrong) is Verdict.REFUTED


def test_without_the_interval_the_split_is_not_proved():
    header = HEADER.replace("% assume: p_j \\in (0, 1)\n", "")
    assert verdict(LOG_OF_POWERS, SPLIT, header) is not Verdict.PROVED


def test_a_wider_interval_does_not_prove_a_log_of_a_square():
    # log((1 - p)^2) = 2 log(1 - p) needs 1 - p > 0: true on (0, 1), false at p = 1.5.
    left, right = r"\log((1-p_j)^2)", r"2 \log(1-p_j)"
    assert verdict(left, right) is Verdict.PROVED
    wide = HEADER.replace("(0, 1)", "(0, 2)")
    assert verdict(left, right, wide) is not Verdict.PROVED


def test_a_closed_interval_is_not_used():
    # p_j in [0, 1]: 1 - p_j may be 0, where log(1 - p_j) is undefined.
    closed = HEADER.replace("(0, 1)", "[0, 1]")
    assert verdict(r"\log((1-p_j)^2)", r"2 \log(1-p_j)", closed) is not Verdict.PROVED


def test_the_log_of_a_product_splits_only_over_positive_factors():
    p, u = sp.IndexedBase("p", positive=True), sp.IndexedBase("u", real=True)
    j, n = sp.symbols("j n", integer=True, positive=True)
    split = linearise(sp.log(sp.Product(p[j], (j, 1, n))))
    assert split == sp.Sum(sp.log(p[j]), (j, 1, n))
    kept = sp.log(sp.Product(u[j], (j, 1, n)))
    assert linearise(kept) == kept  # u_j < 0 for two j: log(u_1 u_2) != log u_1 + log u_2


def test_an_entry_under_a_derivative_is_left_as_it_is():
    p = sp.IndexedBase("p", positive=True)
    j = sp.Symbol("j", integer=True)
    a = Assumptions(intervals=((sp.Symbol("p[j]", positive=True), sp.Interval.open(0, 1)),))
    e = sp.Derivative(sp.log(1 - p[1]), p[1])
    assert on_intervals(e, a) == e
    assert not on_intervals(sp.log(1 - p[j]), a).has(p[j])
