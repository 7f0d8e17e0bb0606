"""The lemmas of derive/engine/inequalities.py: each proves its instance, and each side condition,
dropped, leaves the step unproved; wrong orientations, convex-for-concave and swapped KLs are
never proved. Checked through `Use.check` directly (no counterexample search), so they are fast.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive.engine.assumptions import Assumptions, Density, Rule
from derive.engine.definitions import KL
from derive.engine.expectation import Expectation, Normal
from derive.engine.inequalities import (
    ALL_LEMMAS,
    INEQUALITY_LEMMAS,
    add,
    domination,
    exchange_integral,
    exp_both,
    expect_both,
    integrable,
    iterate_sums,
    jensen_expectation,
    kl_conditional,
    log_both,
    log_inverse_ge_one_minus,
    log_sum,
    negate,
    reverse,
    scale,
    sum_both,
    sum_exchange,
)
from derive.engine.lemmas import LemmaUse, hypothesis, log_le_sub_one

t = sp.Symbol("t")
z = sp.Symbol("z", real=True)
x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
i = sp.Symbol("i", integer=True)
j = sp.Symbol("j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
LIM = (i, 1, n)
pos = sp.Symbol("u", positive=True)
real = sp.Symbol("r", real=True)
LOG = sp.Lambda(t, sp.log(t))
NONE = Assumptions()


def proved(use: LemmaUse, a: Assumptions = NONE, lhs: sp.Expr | None = None,
           op: str | None = None, rhs: sp.Expr | None = None) -> bool:
    """Does the lemma prove the step `lhs op rhs` (default: its own instance)?

    1.5 CPU seconds per attempt: a side that is not the lemma's is otherwise compared at random
    points, integrals included, which is slow; running out of time never proves.
    """
    return use.check(use.lhs if lhs is None else lhs, op or use.op,
                     use.rhs if rhs is None else rhs, a, seconds=1.5).proved


def test_every_lemma_names_its_statement_conditions_and_formal_reference():
    assert len({lem.key for lem in ALL_LEMMAS}) == len(ALL_LEMMAS)
    for lem in INEQUALITY_LEMMAS:
        assert lem.name and lem.statement and lem.formal.startswith("Mathlib")


# ---------------------------------------------------------------- Jensen on expectations
def test_jensen_expectation_concave_under_a_normal_law():
    g = 1 + z**2
    use = jensen_expectation(LOG, g, z, Normal(0, 1))
    declared = Assumptions(notes=(integrable(sp.log(g), z, Normal(0, 1)),))
    assert proved(use, declared)
    assert not proved(use, NONE)  # E|log(1 + z^2)| < oo: not automatic, must be declared
    assert not proved(use, declared, op=">=")  # the wrong orientation
    assert not proved(use, declared, lhs=use.rhs, rhs=use.lhs)


def test_jensen_expectation_convex_form_and_convex_for_concave():
    law = Normal(sp.Symbol("mu", real=True), 1)
    square = sp.Lambda(t, t**2)
    convex = jensen_expectation(square, z, z, law, convex=True, domain=sp.Interval(-sp.oo, sp.oo))
    assert proved(convex)  # (E z)^2 <= E z^2, every moment finite
    concave = jensen_expectation(square, z, z, law, domain=sp.Interval(-sp.oo, sp.oo))
    assert not proved(concave)  # t^2 is not concave
    exp_concave = jensen_expectation(sp.Lambda(t, sp.exp(t)), pos + z**2, z, Normal(0, 1))
    assert not proved(exp_concave)


def test_jensen_expectation_needs_the_point_in_the_domain_and_a_smooth_f():
    assert not proved(jensen_expectation(LOG, z, z, Normal(0, 1)))  # z > 0 fails
    kink = jensen_expectation(sp.Lambda(t, -sp.Abs(t - 1)), 1 + z**2, z, Normal(0, 1))
    assert not proved(kink, Assumptions(notes=(integrable(-sp.Abs(z**2), z, Normal(0, 1)),)))


def test_jensen_expectation_under_a_density_needs_its_normalisation():
    p, q = sp.Function("p", positive=True), sp.Function("q", positive=True)
    g = q(x) / p(x)
    notes = (integrable(g, x, p), integrable(sp.log(g), x, p))
    use = jensen_expectation(LOG, g, x, p)
    assert proved(use, Assumptions(densities=(Density(p, x),), notes=notes))
    assert not proved(use, Assumptions(notes=notes))  # p not declared a density
    assert not proved(use, Assumptions(densities=(Density(p, x),), notes=notes[:1]))
    f = sp.Function("f", real=True)  # not known to be >= 0
    assert not proved(jensen_expectation(LOG, q(x), x, f),
                      Assumptions(rules=(Rule(sp.Integral(f(x), (x, -sp.oo, sp.oo)), 1),),
                                  notes=(integrable(q(x), x, f),
                                         integrable(sp.log(q(x)), x, f))))


# ---------------------------------------------------------------- Gibbs and log-sum
def test_gibbs_in_every_orientation():
    p, q = sp.IndexedBase("p", positive=True), sp.IndexedBase("q", positive=True)
    ratio = q[i] / p[i]
    neg = negate(log_le_sub_one(p[i], ratio, LIM))
    lhs, rhs = -sp.Sum(p[i] * sp.log(ratio), LIM), -sp.Sum(p[i] * (ratio - 1), LIM)
    assert proved(neg, NONE, lhs, ">=", rhs)  # -sum p ln(q/p) >= -sum p (q/p - 1)
    assert not proved(neg, NONE, lhs, "<=", rhs)
    flipped = reverse(log_le_sub_one(p[i], ratio, LIM))
    assert proved(flipped, NONE, sp.Sum(p[i] * (ratio - 1), LIM), ">=",
                  sp.Sum(p[i] * sp.log(ratio), LIM))
    inv = log_inverse_ge_one_minus(pos)
    assert proved(inv, NONE, sp.log(1 / pos), ">=", 1 - pos)  # ln(1/x) >= 1 - x
    assert not proved(inv, NONE, sp.log(1 / pos), "<=", 1 - pos)
    assert not proved(log_inverse_ge_one_minus(real), NONE)  # x > 0 is needed


def test_log_sum_and_its_side_conditions():
    a, b = sp.IndexedBase("a", positive=True), sp.IndexedBase("b", positive=True)
    use = log_sum(a[i], b[i], LIM)
    assert proved(use)
    assert not proved(use, NONE, use.rhs, "<=", use.lhs)  # wrong orientation
    c = sp.IndexedBase("c", real=True)
    assert not proved(log_sum(a[i], c[i], LIM))  # b_i > 0 dropped
    assert not proved(log_sum(c[i], b[i], LIM))  # a_i >= 0 dropped
    assert not proved(log_sum(a[i], b[i], (i, 1, -5)))  # a reversed range


def test_kl_for_conditional_densities():
    p, q = sp.Function("p", positive=True), sp.Function("q", positive=True)
    w = sp.Wild("w")
    line = (y, -sp.oo, sp.oo)
    rules = (Rule(sp.Integral(p(y, w), line), 1), Rule(sp.Integral(q(y, w), line), 1))
    use = kl_conditional(p(y, x), q(y, x), line, x)
    assert proved(use, Assumptions(rules=rules))
    assert not proved(use, Assumptions(rules=rules[:1]))  # q(.|x) not normalised
    swapped = -KL(q(y, x), p(y, x), line)
    assert not proved(use, Assumptions(rules=rules), swapped, "<=", 0)
    f = sp.Function("f", real=True)
    ruled = Assumptions(rules=(rules[0], Rule(sp.Integral(f(y, w), line), 1)))
    assert not proved(kl_conditional(p(y, x), f(y, x), line, x), ruled)  # q > 0 dropped
    with pytest.raises(ValueError):
        kl_conditional(p(y, x), q(y), line, x)


# ---------------------------------------------------------------- monotone contexts
A_LE_B = Assumptions(facts=(sp.Le(pos, sp.Symbol("v", positive=True)),))
V = sp.Symbol("v", positive=True)


def test_adding_scaling_negating_keep_or_flip_the_relation():
    inner = hypothesis(pos, "<=", V)
    c = sp.Symbol("c", positive=True)
    assert proved(add(inner, real), A_LE_B)
    assert proved(scale(inner, c), A_LE_B)
    assert not proved(scale(inner, -c), A_LE_B)  # a negative factor
    assert not proved(scale(inner, real), A_LE_B)  # a factor of unknown sign
    assert proved(negate(inner), A_LE_B, -pos, ">=", -V)
    assert not proved(negate(inner), A_LE_B, -pos, "<=", -V)
    assert not proved(add(inner, real), NONE)  # the inner inequality is not known


def test_log_and_exp_of_both_sides():
    assert proved(log_both(hypothesis(pos, "<=", V)), A_LE_B)
    w = sp.Symbol("w", real=True)
    facts = Assumptions(facts=(sp.Le(real, w),))
    assert not proved(log_both(hypothesis(real, "<=", w)), facts)  # smaller side > 0 unknown
    assert proved(exp_both(hypothesis(real, "<=", w)), facts)


def test_sum_with_nonnegative_weights_reduces_to_the_pointwise_step():
    p, q = sp.IndexedBase("p", positive=True), sp.IndexedBase("q", positive=True)
    row = log_le_sub_one(p[i, j], q[i, j] / p[i, j], (j, 1, m))
    assert proved(sum_both(row, 1, LIM))
    assert not proved(sum_both(row, -1, LIM))  # negative weights
    r = sp.IndexedBase("r", real=True)
    bad_row = log_le_sub_one(p[i, j], r[i, j], (j, 1, m))  # r > 0 not known: inner fails
    assert not proved(sum_both(bad_row, 1, LIM))


def test_expectation_of_both_sides():
    inner = log_le_sub_one(1, 1 + z**2)
    use = expect_both(inner, z, Normal(0, 1))
    assert not proved(use)  # E|log(1 + z^2)| < oo is not automatic
    assert proved(use, Assumptions(notes=(integrable(sp.log(1 + z**2), z, Normal(0, 1)),)))
    assert not proved(expect_both(log_le_sub_one(1, z), z, Normal(0, 1)),
                      Assumptions(notes=(integrable(sp.log(z), z, Normal(0, 1)),)))


def test_a_plain_lemma_rebuilt_from_a_use_proves_none_of_its_extra_conditions():
    """Rebuilding a LemmaUse from a Use's fields (the reader's `_flip` does) loses `Use.check`:
    the extra conditions then carry the expression -1, which no discharge proves."""
    use = add(hypothesis(pos, "<=", V), real)
    try:
        plain = LemmaUse(use.lemma, use.lhs, use.op, use.rhs, use.obligations, use.detail)
    except (TypeError, ValueError):  # a LemmaUse that recomputes its instance from arguments
        return  # cannot be rebuilt from a Use's fields at all, which is safer still
    assert not plain.check(use.lhs, use.op, use.rhs, A_LE_B).proved


def test_flipped_and_rewritten_uses_are_checked_again():
    use = add(hypothesis(pos, "<=", V), real)
    assert proved(use.flipped(), A_LE_B, V + real, ">=", pos + real)
    two = use.xreplace(lambda e: e.xreplace({real: sp.Integer(2)}))
    assert proved(two, A_LE_B, pos + 2, "<=", V + 2)
    assert not proved(use.xreplace(lambda e: e.xreplace({V: real})), A_LE_B)  # u <= r undeclared


# ---------------------------------------------------------------- sums and exchanges
def test_sum_exchange_and_iterate_sums():
    a, k = sp.IndexedBase("a", positive=True), sp.IndexedBase("K", positive=True)
    f = a[i] * k[i, j]
    assert proved(sum_exchange(f, (j, 1, m), LIM))
    with pytest.raises(ValueError):
        sum_exchange(f, (j, 1, i), LIM)  # a range that depends on the other index
    use = iterate_sums(sp.Sum(f, (j, 1, m), LIM))
    assert use.rhs == sp.Sum(a[i] * sp.Sum(k[i, j], (j, 1, m)), LIM)
    assert proved(use)


def test_exchange_of_derivative_and_integral_needs_its_domination_condition():
    theta = sp.Symbol("theta", real=True)
    p = sp.Function("p", positive=True)
    use = exchange_integral(p(x, theta), x, theta)
    assert not proved(use)
    assert proved(use, Assumptions(notes=(domination(p(x, theta), x, theta),)))


def test_jensen_on_an_expectation_is_not_jensen_on_another_law():
    p, q = sp.Function("p", positive=True), sp.Function("q", positive=True)
    a = Assumptions(densities=(Density(p, x), Density(q, x)),
                    notes=(integrable(q(x) / p(x), x, p),
                           integrable(sp.log(q(x) / p(x)), x, p)))
    use = jensen_expectation(LOG, q(x) / p(x), x, p)
    other = Expectation(sp.log(q(x) / p(x)), x, q)
    assert not proved(use, a, other, "<=", use.rhs)


def test_a_hand_built_use_is_refused():
    """Issue 13, class 7: sides and side conditions come from the lemma, never the caller."""
    import pytest
    import sympy as sp

    from derive.engine.inequalities import LOG_SUM, Use
    from derive.engine.lemmas import LOG_MONOTONE

    t = sp.Symbol("t", positive=True)
    for lemma in (LOG_MONOTONE, LOG_SUM):
        with pytest.raises(ValueError, match="lemma's function"):
            Use(lemma, sp.log(t), "<=", t - 2)
