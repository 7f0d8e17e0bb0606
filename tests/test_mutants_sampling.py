"""Tests that kill the mutants of derive/engine/sampling.py the fast selection let through.

Each test names the mutant it kills (issue 13; bench/mutation.py, docs/soundness.md,
"Mutation testing"). The sampler decides what can be refuted: a point outside the declared
domain would refute a true step, and a region it never draws from hides a false one.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.engine.assumptions import Assumptions, Density, Distribution, Rule
from derive.engine.checks import check_equal, check_relation
from derive.engine.sampling import (
    Point,
    _declared_set,
    _symbol_value,
    admissible,
    evaluate,
    sample_point,
    with_sizes,
)
from derive.engine.verdict import Verdict

i, j, k, l_ = sp.symbols("i j k l", integer=True)
x = sp.IndexedBase("x")
s = sp.IndexedBase("s", integer=True, positive=True)


def test_a_ragged_sum_is_written_out_with_each_outer_term_its_own_range():
    """Mutant: `if not len(limits) > 1 and ...`: the ragged sum is left unexpanded (no value),
    so nothing about it is ever refuted."""
    ragged = sp.Sum(x[l_, j], (j, 1, s[l_]), (l_, 1, 2))
    written = with_sizes(ragged, ((s[1], 2), (s[2], 1)))
    assert written == x[1, 1] + x[1, 2] + x[2, 1]


def test_a_ragged_sum_of_three_ranges_is_written_out():
    """Mutant: `*limits[+1]` for `*limits[-1]`: with three ranges the middle one was
    written out in place of the outermost, leaving a sum over a number."""
    ragged = sp.Sum(x[k], (k, 1, s[j]), (j, 1, 2), (l_, 1, 2))
    written = with_sizes(ragged, ((s[1], 1), (s[2], 2)))
    assert written == 2 * (x[1] + x[1] + x[2])


def test_a_false_claim_about_a_declared_density_is_refuted():
    """Mutant: `for f in []` in `compiled`: densities never get their normal stand-in, so
    every expression naming one has no value and no false claim about it is refuted."""
    q, z = sp.Function("q"), sp.Symbol("z", real=True)
    a = Assumptions(densities=(Density(q, z),))
    assert check_equal(q(z), 2 * q(z), a).verdict is Verdict.REFUTED


def test_a_zero_symbol_has_the_value_zero():
    """Mutant: `(s.is_zero, FiniteSet(-1))`: a symbol known to be 0 had no value at all."""
    assert _declared_set(sp.Symbol("c", zero=True), None) == sp.FiniteSet(0)


def test_a_claim_false_only_at_zero_is_refuted_for_a_nonnegative_symbol():
    """Mutant: the closed end of [0, oo) drawn when the interval is open instead: 0, the one
    counterexample to `ceil(v) >= 1` for v >= 0, was never drawn."""
    v = sp.Symbol("v", nonnegative=True)
    out = check_relation(sp.ceiling(v), ">=", 1, Assumptions(), rng=np.random.default_rng(0))
    assert out.verdict is Verdict.REFUTED and out.counterexample["v"] == "0"


def test_a_nonzero_symbol_is_drawn_up_to_e_cubed():
    """Mutant: exp(uniform(-3, 2)): a nonzero symbol never exceeded e^2 = 7.4 in size, so
    `w^2 < 60` (false for |w| > 7.75) was never refuted."""
    w = sp.Symbol("w", nonzero=True, real=True)
    out = check_relation(w**2, "<", 60, Assumptions(), rng=np.random.default_rng(0))
    assert out.verdict is Verdict.REFUTED


def test_every_drawn_distribution_with_zeros_is_a_distribution():
    """Mutant: `if not w.sum() == 0`: an entry was forced to 1 whenever some entry was 0 (not
    only when all were), and a draw of all zeros was divided by 0 (no distribution)."""
    p = sp.IndexedBase("p", nonnegative=True)
    d = Distribution(p, i, 2, positive=False)
    a = Assumptions(distributions=(d,))
    zeros = 0
    for seed in range(200):
        point = sample_point([p[1] + p[2]], a, np.random.default_rng(seed))
        w = [point.values[p[1]], point.values[p[2]]]
        assert all(v >= 0 for v in w) and abs(sum(w) - 1) < 1e-12
        zeros += 0 in w
    assert 0 < zeros < 200  # zeros are drawn, and not always


def test_a_rule_for_an_abstract_function_does_not_make_every_point_inadmissible():
    """Mutant: `isinstance(rule.old, (Symbol, Indexed)) or not rule.old.has(Wild)`: a rule
    H(X) = 3 (a definition, used as a rewrite) was checked at the point, where H has no
    value, so every point was rejected and no false step was ever refuted."""
    big_x, u = sp.Symbol("X"), sp.Symbol("u", real=True)
    a = Assumptions(rules=(Rule(sp.Function("H")(big_x), 3),))
    assert check_relation(u, ">", 1, a, rng=np.random.default_rng(0)).verdict \
        is Verdict.REFUTED


def test_a_point_whose_distribution_does_not_sum_to_one_is_not_admissible():
    """Mutant: `abs(total - 1) is ADMISSIBLE_TOL`: a distribution summing to 0.8 passed."""
    p = sp.IndexedBase("p", positive=True)
    a = Assumptions(distributions=(Distribution(p, i, 2),))
    assert admissible(Point({}, {p[1]: 0.5, p[2]: 0.3}, {}), a) is not None
    assert admissible(Point({}, {p[1]: 0.5, p[2]: 0.5}, {}), a) is None  # control


def test_a_density_stand_in_of_scale_one_half_is_admissible():
    """Mutant: `sd <= 1` rejected: every stand-in of scale up to 1 was refused, so the
    sampler's scales 0.5..1 never gave a counterexample."""
    q, y = sp.Function("q"), sp.Symbol("y", real=True)
    a = Assumptions(densities=(Density(q, y),))
    assert admissible(Point({}, {y: 0.1}, {q: (0.0, 0.5)}), a) is None
    assert admissible(Point({}, {y: 0.1}, {q: (0.0, 0.0)}), a) is not None  # control


def test_a_density_stand_in_is_the_normal_density():
    """Mutant: `2 * s**1` for `2 * s**2` in the stand-in: no longer a density (against
    scipy.stats.norm, an independent reference)."""
    from scipy.stats import norm

    q, y = sp.Function("q"), sp.Symbol("y", real=True)
    point = Point({}, {y: 0.8}, {q: (0.3, 0.5)})
    assert abs(evaluate(q(y), point) - norm.pdf(0.8, 0.3, 0.5)) < 1e-12


def test_a_real_symbol_is_drawn_near_zero_too():
    """Mutant: the nonzero branch (+-exp(uniform(-3, 3)), never within 0.05 of 0) taken for
    every real symbol: `u^2 >= 0.001`, false for |u| < 0.032, was never refuted."""
    u = sp.Symbol("u", real=True)
    out = check_relation(u**2, ">=", sp.Rational(1, 1000), Assumptions(),
                         rng=np.random.default_rng(0))
    assert out.verdict is Verdict.REFUTED


def test_a_nonzero_symbol_is_drawn_with_both_signs():
    """Mutant: `rng.random() < -0.5`: a nonzero symbol of no declared sign was always
    negative, so `w < 0` was never refuted."""
    w = sp.Symbol("w", nonzero=True, real=True)
    assert check_relation(w, "<", 0, Assumptions(), rng=np.random.default_rng(0)).verdict \
        is Verdict.REFUTED


def test_a_definition_of_an_abstract_function_gives_no_variable_a_value():
    """Mutant: `or` in `_pin`: the rule H(X) = 3 pinned a 'variable' H(X) at every point
    (shown in every counterexample)."""
    big_x, u = sp.Symbol("X"), sp.Symbol("u", real=True)
    a = Assumptions(rules=(Rule(sp.Function("H")(big_x), 3),))
    point = sample_point([u], a, np.random.default_rng(0))
    assert u in point.values and sp.Function("H")(big_x) not in point.values


def test_a_nonzero_symbol_is_drawn_positive_too():
    """Mutants: the sign 1.0 if `rng.random() == 0.5` (always negative) or `else 1.0`
    (always positive): each sign of a nonzero symbol is drawn."""
    w = sp.Symbol("w", nonzero=True, real=True)
    assert check_relation(w, ">", 0, Assumptions(), rng=np.random.default_rng(0)).verdict \
        is Verdict.REFUTED


def test_a_variable_on_a_ray_is_drawn_far_along_it():
    """Mutant: `not interval is not None`: a variable on (1, oo) drawn as 1 + exp(U(-3, 3))
    (at most 21), not uniformly on (1, 50): `y < 30` was never refuted."""
    y = sp.Symbol("y", real=True)
    a = Assumptions(intervals=((y, sp.Interval.open(1, sp.oo)),))
    assert check_relation(y, "<", 30, a, rng=np.random.default_rng(0)).verdict \
        is Verdict.REFUTED


def test_an_integer_declared_outside_the_window_still_gets_values():
    """Mutant: `near.is_empty < False` (never true): an integer in [10, 20], outside the
    window -3..5, got no value, so `m < 12` was never refuted."""
    m = sp.Symbol("m", integer=True)
    a = Assumptions(intervals=((m, sp.Interval(10, 20)),))
    assert check_relation(m, "<", 12, a, rng=np.random.default_rng(0)).verdict \
        is Verdict.REFUTED


def test_an_entry_named_by_a_variable_is_the_entry_at_its_value():
    """Mutant: `entry not in point.values and ...` in `admissible`: p[x] at x = 2 with
    another value than p[2] was admissible."""
    p = sp.IndexedBase("p", positive=True)
    xx = sp.Symbol("x", integer=True, positive=True)
    a = Assumptions(distributions=(Distribution(p, i, 2),))
    values = {p[1]: 0.5, p[2]: 0.5, xx: 2.0}
    assert admissible(Point({}, {**values, p[xx]: 0.3}, {}), a) is not None
    assert admissible(Point({}, {**values, p[xx]: 0.5}, {}), a) is None  # control


def test_symbols_of_one_name_share_a_value_every_declaration_allows():
    """Mutant: `if not all(_breaks(...) is None ...)`: the shared value was one that some
    declaration forbids (sigma real and sigma > 0 given a negative value)."""
    real, positive = sp.Symbol("sigma", real=True), sp.Symbol("sigma", positive=True)
    for seed in range(20):
        point = sample_point([real + positive], Assumptions(), np.random.default_rng(seed))
        assert point.values[real] == point.values[positive] > 0


# The search region (docs/engine.md, "Where the numeric search looks"), pinned as documented.
def test_a_real_of_no_sign_is_drawn_symmetric_about_zero():
    """Mutant: `rng.normal(1.0, 2.0)`: the search favoured positive values. 4000 draws of
    N(0, 2^2): the mean's standard error is 0.032, so |mean| < 0.15 fails by chance with
    probability below 1e-5 (and the seed is fixed)."""
    u = sp.Symbol("u", real=True)
    rng = np.random.default_rng(0)
    draws = np.array([_symbol_value(u, Assumptions(), rng) for _ in range(4000)])
    assert abs(draws.mean()) < 0.15 and abs(draws.std() - 2.0) < 0.15


def test_a_ray_is_searched_from_its_end_to_e_cubed_beyond():
    """Mutant: `exp(uniform(-3, 4))`: a nonnegative symbol is drawn as 0 (its closed end) or
    0 + e^U(-3, 3), every scale from 0.05 to 20 alike, never beyond."""
    v = sp.Symbol("v", nonnegative=True)
    rng = np.random.default_rng(0)
    draws = np.array([_symbol_value(v, Assumptions(), rng) for _ in range(2000)])
    inside = draws[draws > 0]
    assert (draws == 0).any() and inside.min() >= np.exp(-3) and inside.max() <= np.exp(3)
    assert inside.min() < 0.06 and inside.max() > 19


def test_density_stand_ins_have_means_from_minus_two_to_two():
    """Mutant: `rng.integers(-19, 21)`: the stand-ins' means were -1.9..2, not symmetric."""
    q, y = sp.Function("q"), sp.Symbol("y", real=True)
    a = Assumptions(densities=(Density(q, y),))
    rng = np.random.default_rng(0)
    params = [sample_point([q(y)], a, rng).densities[q] for _ in range(500)]
    means, scales = {m for m, _ in params}, {s for _, s in params}
    assert min(means) == -2.0 and max(means) == 2.0
    assert min(scales) >= 0.5 and max(scales) <= 2.0
