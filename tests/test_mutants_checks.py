"""Fast tests that kill the mutants of derive/engine/checks.py the rest of its mutation
selection let through (`python bench/mutation.py derive/engine/checks.py`; survivors and the
reasons for those left are listed in docs/soundness.md, "Mutation testing")."""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.checks import (
    _changed_variables,
    _everywhere,
    check_equal,
    linearise,
    prove_sign,
    symbolic_zero,
    unproved_conditions,
)
from derive.engine.verdict import Verdict

x = sp.Symbol("x", real=True)
j = sp.Symbol("j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)


def test_a_sum_of_ones_counts_its_terms_and_an_integral_of_one_is_not_a_count():
    assert linearise(sp.Sum(3, (j, 1, n))) == 3 * n
    assert linearise(sp.Integral(2, (x, 0, 1))) == 2 * sp.Integral(1, (x, 0, 1))
    assert check_equal(sp.Integral(2, (x, 0, 1)), 4, Assumptions()).verdict is Verdict.REFUTED


def test_a_change_of_variables_keeps_the_whole_real_line():
    z, eps, mu = (sp.Symbol(s, real=True) for s in ("z", "epsilon", "mu"))
    sigma = sp.Symbol("sigma", positive=True)
    f = sp.Function("f", positive=True)
    normal = sp.exp(-(z - mu) ** 2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)
    lhs = sp.Integral(normal * sp.log(f(z)), (z, -sp.oo, sp.oo))
    rhs = sp.Integral(sp.exp(-eps**2 / 2) / sp.sqrt(2 * sp.pi)
                      * sp.Subs(sp.log(f(z)), z, mu + sigma * eps), (eps, -sp.oo, sp.oo))
    assert _changed_variables(lhs - rhs, Assumptions()) == \
        (0, "z = epsilon*sigma + mu, sigma > 0")
    wrong = rhs.xreplace({sp.Integer(2): sp.Integer(3)})  # exp(-eps^2 / 3): not N(0, 1)
    assert _changed_variables(lhs - wrong, Assumptions())[0] != 0


def test_a_difference_that_is_zero_as_written_is_exact():
    assert symbolic_zero(sp.S.Zero, Assumptions()) == "exact"


def test_a_removable_point_stays_a_condition():
    """(x^2 - 1)/(x - 1) = x + 1 needs x != 1, which real x does not give."""
    assert unproved_conditions([(x**2 - 1) / (x - 1)], Assumptions()) == ["x - 1 != 0"]
    assert check_equal((x**2 - 1) / (x - 1), x + 1, Assumptions()).verdict \
        is not Verdict.PROVED


def test_nonzero_on_an_interval_by_solveset():
    """1/x has no zero on [-1, 1] (sign analysis cannot say: it changes sign)."""
    on = Assumptions(intervals=((x, sp.Interval(-1, 1)),))
    assert _everywhere("nonzero", 1 / x, on)
    assert not _everywhere("nonzero", x, on)


def test_an_integral_of_a_positive_function_over_an_ordered_range_is_positive():
    assert _everywhere("pos", sp.Integral(sp.exp(x), (x, 0, 1)), Assumptions())
    assert not _everywhere("pos", sp.Integral(sp.exp(x), (x, 1, 0)), Assumptions())


def test_nonnegative_on_a_closed_interval_by_solveset():
    y = sp.Symbol("y", positive=True)
    on = Assumptions(intervals=((y, sp.Interval(1, 2)),))
    assert prove_sign(y - 1, on, strict=False) == "solveset on y in Interval(1, 2)"
    assert prove_sign(y - 1, on, strict=True) is None  # y = 1


def test_an_integral_is_signed_only_over_an_ordered_range_of_a_signed_function():
    assert not _everywhere("nonneg", sp.Integral(x**2, (x, 1, 0)), Assumptions())
    assert not _everywhere("nonneg", sp.Integral(x, (x, -1, 0)), Assumptions())
    assert _everywhere("nonneg", sp.Integral(x**2, (x, 0, 1)), Assumptions())


def test_an_integral_of_a_positive_unknown_function_is_positive_in_sign_analysis():
    f = sp.Function("f", positive=True)
    assert prove_sign(sp.Integral(f(x), (x, 0, 1)), Assumptions(), strict=True)
    assert prove_sign(sp.Integral(f(x), (x, 1, 0)), Assumptions(), strict=False) is None
