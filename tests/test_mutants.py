"""Tests that kill mutants the rest of the suite let through (issue 13).

Each test names the mutant it kills; each was seen to fail with that mutant applied by hand
and to pass once it was reverted (docs/soundness.md, "Mutation testing"). Every test of a
side condition comes with its control: the same step with the condition declared is
proved, so the test fails for the right reason and not because the step is unprovable.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from derive import Assumptions, Derivation, Distribution, Rule, Step, Verdict
from derive.engine.checks import check_equal, check_relation
from derive.engine.lemmas import LOG_LE_SUB_ONE, LemmaUse, Obligation, jensen, log_le_sub_one
from derive.engine.sampling import sample_point

i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
t = sp.Symbol("t")
x = sp.IndexedBase("x", positive=True)


def _one_step(start: sp.Expr, op: str, end: sp.Expr, by, a: Assumptions | None = None):
    relation = {"<=": sp.Le, "<": sp.Lt, ">=": sp.Ge}[op]
    return Derivation("mutant", relation(start, end, evaluate=False), start, [Step(op, end, by)],
                      a or Assumptions()).check()


def _jensen_with_weights(w: sp.IndexedBase):
    """sum_i w_i log x_i <= log sum_i w_i x_i with sum_i w_i = 1 declared (a rule)."""
    use = jensen(sp.Lambda(t, sp.log(t)), w[i], x[i], (i, 1, n))
    a = Assumptions(rules=(Rule(sp.Sum(w[i], (i, 1, n)), 1),))
    return _one_step(use.lhs, "<=", use.rhs, use, a)


def test_jensen_needs_nonnegative_weights():
    """Mutant: Jensen's `w >= 0` obligation neutralised. False at n = 2, w = (2, -1),
    x = (3, 1): 2 log 3 = 2.20 > log 5 = 1.61."""
    assert _jensen_with_weights(sp.IndexedBase("w", real=True)).verdict is not Verdict.PROVED
    control = _jensen_with_weights(sp.IndexedBase("w", nonnegative=True))
    assert control.verdict is Verdict.PROVED


def test_log_le_sub_one_needs_a_positive_point():
    """Mutant: the side condition x > 0 weakened to x >= 0 (log 0 is undefined)."""
    s0 = sp.Symbol("s", nonnegative=True)
    s1 = sp.Symbol("s", positive=True)
    weak = _one_step(sp.log(s0), "<=", s0 - 1, log_le_sub_one(1, s0))
    assert weak.verdict is not Verdict.PROVED
    proved = _one_step(sp.log(s1), "<=", s1 - 1, log_le_sub_one(1, s1))
    assert proved.verdict is Verdict.PROVED
    # the verdict names the side conditions it proved (mutant: printed only when there are none)
    assert proved.steps[0].outcome.method.endswith("[x = s > 0; w = 1 >= 0]")


def test_relative_tolerance_is_1e_10():
    """Mutant: REL_TOL raised from 1e-10 to 1e-6. A claim off by 1e-8 (relative) at every
    point is refuted; so is an inequality that fails by that much."""
    y = sp.Symbol("y", real=True)
    off = 1 + sp.Rational(1, 10**8)
    assert check_equal(y * off, y, Assumptions()).verdict is Verdict.REFUTED
    assert check_relation(sp.exp(y) * off, "<=", sp.exp(y), Assumptions()).verdict \
        is Verdict.REFUTED


def test_khat_between_half_and_one_is_unstable():
    """Mutant: the tail-index limit raised from 0.5 to 0.9. Lomax draws with tail index 1.6
    have GPD shape 1/1.6 = 0.625 (infinite variance); at this seed the block variances
    agree (ratio <= 8), so k-hat alone must refuse the normal approximation."""
    from numeric.mc.heavy_tails import tail_diagnostic  # here: keeps engine mutant runs light

    draws = np.random.default_rng(0).pareto(1.6, 20_000)
    d = tail_diagnostic(draws)
    assert 0.55 < d.khat < 0.85 and d.block_ratio <= 8  # the premise: only k-hat can flag it
    assert not d.stable and "k-hat" in d.reason


def test_sampler_puts_zeros_in_nonnegative_distributions():
    """Mutant: the sampler never puts zeros in a distribution declared p_i >= 0. Then a claim
    false only where an entry vanishes is never refuted."""
    p = sp.IndexedBase("p", nonnegative=True)
    a = Assumptions(distributions=(Distribution(p, i, n, positive=False),))
    rng = np.random.default_rng(0)
    draws = [sample_point([p[1]], a, rng) for _ in range(40)]
    entries = [v for d in draws for v in d.values.values()]
    assert 0.0 in entries and any(0 < v < 1 for v in entries)
    for d in draws:
        assert sum(d.values.values()) == pytest.approx(1.0, abs=1e-12)
    # ceil(p_1) = 1 unless p_1 = 0: refuted only by a point with a zero entry.
    assert check_relation(sp.ceiling(p[1]), ">=", 1, a).verdict is Verdict.REFUTED
    positive = sp.IndexedBase("p", positive=True)
    a_pos = Assumptions(distributions=(Distribution(positive, i, n),))
    assert all(v > 0 for _ in range(40) for v in sample_point([positive[1]], a_pos,
                                                                rng).values.values())


def test_non_strict_lemma_does_not_prove_a_strict_step():
    """Mutant: a non-strict lemma accepted for a strict step. log t < t - 1 is false at
    t = 1; log t <= t - 1 is the lemma."""
    s = sp.Symbol("s", positive=True)
    step = _one_step(sp.log(s), "<", s - 1, log_le_sub_one(1, s))
    assert step.verdict is not Verdict.PROVED


def test_non_strict_chain_does_not_prove_a_strict_statement():
    """Mutant: the conclusion check accepting a <= chain for a < statement."""
    s = sp.Symbol("s", positive=True)
    use = log_le_sub_one(1, s)
    d = Derivation("strict", sp.Lt(sp.log(s), s - 1), sp.log(s), [Step("<=", s - 1, use)])
    result = d.check()
    assert result.steps[0].verdict is Verdict.PROVED
    assert result.conclusion.verdict is not Verdict.PROVED
    assert result.verdict is not Verdict.PROVED


def test_hand_built_lemma_use_cannot_make_a_lemma_strict():
    """The old hand-built form (caller's sides, relation and obligations) is refused, and the
    lemma's own non-strict instance never proves '<'."""
    s = sp.Symbol("s", positive=True)
    with pytest.raises(ValueError, match="lemma"):
        LemmaUse(LOG_LE_SUB_ONE, sp.log(s), "<", s - 1, (Obligation(f"x = {s} > 0", "pos", s),))
    weak = log_le_sub_one(1, s)
    assert _one_step(sp.log(s), "<", s - 1, weak).verdict is not Verdict.PROVED


def test_no_monte_carlo_check_of_part_1_has_zero_variance():
    """A Monte Carlo check whose draws are all equal (se = 0) cannot fail: none is listed
    (1d's KL(p||p) = 0 used to be the mean of log p - log p)."""
    from numeric.confirm import kl as part1_mc  # here: keeps engine mutant runs light

    for confirm in (part1_mc.confirm_1a, part1_mc.confirm_1b, part1_mc.confirm_1c,
                    part1_mc.confirm_1d):
        for c in confirm():
            if "se" in c.figures:
                assert c.figures["se"] > 0, c.name


# Survivors of `python bench/mutation.py derive/engine/lemmas.py` (docs/soundness.md).


def test_lemma_instances_cannot_be_changed_after_construction():
    """Mutant: `frozen=True` dropped. A caller must not swap an instance's obligations."""
    use = log_le_sub_one(1, x[1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.obligations = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.obligations[0].kind = "nonneg"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.lemma.side_conditions = ()  # type: ignore[misc]


def test_justification_names_the_instance_only_when_there_is_one():
    """Mutant: the detail printed when empty (and omitted when given)."""
    use = jensen(sp.Lambda(t, sp.log(t)), sp.Rational(1, 2), x[i], (i, 1, 2))
    assert use.describe() == "Jensen's inequality (finite form, concave f) (f = log(t) in t)"
    assert log_le_sub_one(1, x[1]).describe() == "log t <= t - 1 (weighted sum form)"


def test_differentiate_evaluates_derivatives_and_nothing_else():
    """Mutant: `and` for `or` in differentiate's filter evaluates every other unevaluated
    object too (a Sum here): the instance is no longer the one the lemma names."""
    from derive.engine.lemmas import differentiate

    k = sp.Symbol("k", integer=True)
    total = sp.Sum(k, (k, 1, n))
    assert differentiate(sp.Derivative(t**2, t) + total).rhs == 2 * t + total


def test_a_possibly_empty_range_is_not_a_reversed_one():
    """Mutants of the range condition hi >= lo - 1: n = 0 (an empty sum, 0 <= 0) is allowed,
    n = lo - 2 (SymPy's reversed sum) is not."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    use = log_le_sub_one(1, x[i], (i, 1, m))
    assert _one_step(use.lhs, "<=", use.rhs, use).verdict is Verdict.PROVED
    use = log_le_sub_one(1, x[i], (i, 3, n))  # n = 1 is allowed: sum_{i=3}^{1} = -x_2 terms
    assert _one_step(use.lhs, "<=", use.rhs, use).verdict is not Verdict.PROVED


def test_jensen_for_an_affine_and_a_half_line_function():
    """Mutants: concavity demanded strictly (f'' < 0), the domain [0, oo) or the real line
    refused, another interval accepted, the real line's variable not real. Jensen holds with
    equality for affine f; -t^2 is concave on [0, oo) and on R, -t^3 on [0, oo) (f'' = -6t)
    and -t^4 on R (f'' = -12 t^2)."""
    y = sp.IndexedBase("y", nonnegative=True)
    r = sp.IndexedBase("r", real=True)
    half = sp.Rational(1, 2)
    for f, points, domain in ((sp.Lambda(t, 2 * t + 1), x[i], sp.Interval.open(0, sp.oo)),
                              (sp.Lambda(t, -t**2), y[i], sp.Interval(0, sp.oo)),
                              (sp.Lambda(t, -t**3), y[i], sp.Interval(0, sp.oo)),
                              (sp.Lambda(t, -t**2), r[i], sp.Interval(-sp.oo, sp.oo)),
                              (sp.Lambda(t, -t**4), r[i], sp.Interval(-sp.oo, sp.oo))):
        use = jensen(f, half, points, (i, 1, 2), domain=domain)
        assert _one_step(use.lhs, "<=", use.rhs, use).verdict is Verdict.PROVED, f
    assert not any(">= -oo" in ob.text for ob in use.obligations)  # no vacuous x_i >= -oo
    with pytest.raises(ValueError, match="domain"):
        jensen(sp.Lambda(t, -t**2), half, r[i], (i, 1, 2), domain=sp.Interval(1, 2))


def test_gibbs_bounds_minus_kl_and_never_kl():
    """Mutant: Gibbs' instance written offset + KL <= offset, a false lemma. The true
    c - KL(p || q) <= c is proved; KL(p || q) <= 0 is not."""
    from derive.engine.definitions import KL
    from derive.engine.lemmas import gibbs

    p, q = sp.IndexedBase("p", positive=True), sp.IndexedBase("q", positive=True)
    a = Assumptions(distributions=(Distribution(p, i, n), Distribution(q, i, n)))
    c = sp.Symbol("c", real=True)
    kl = KL(p[i], q[i], (i, 1, n))
    use = gibbs(p[i], q[i], (i, 1, n), offset=c)
    assert _one_step(c - kl, "<=", c, use, a).verdict is Verdict.PROVED
    wrong = gibbs(p[i], q[i], (i, 1, n))
    assert _one_step(kl, "<=", sp.S.Zero, wrong, a).verdict is not Verdict.PROVED


def test_jensen_prints_the_second_derivative():
    """Mutant: the printed side condition shows f''' instead of f'' (the check itself uses
    f''): for log, f'' = -1/t^2, and f''' = 2/t^3 must not be what the reader sees."""
    use = jensen(sp.Lambda(t, sp.log(t)), sp.Rational(1, 2), x[i], (i, 1, 2))
    (text,) = [ob.text for ob in use.obligations if ob.text.startswith("f''")]
    assert "-1/" in text and "**2 <= 0" in text


def test_log_monotone_needs_a_below_b():
    """Mutant: the obligation a <= b checked as a + b >= 0. log(s + 1) <= log s is false."""
    from derive.engine.lemmas import log_monotone

    s = sp.Symbol("s", positive=True)
    assert _one_step(sp.log(s), "<=", sp.log(s + 1), log_monotone(s, s + 1)).verdict \
        is Verdict.PROVED
    wrong = _one_step(sp.log(s + 1), "<=", sp.log(s), log_monotone(s + 1, s))
    assert wrong.verdict is not Verdict.PROVED


@pytest.mark.parametrize("failure", ["out of time", "crash"])
def test_a_side_condition_that_runs_out_of_time_or_crashes_is_not_proved(monkeypatch, failure):
    """Mutants: `except OutOfTime: return False` made True, `except Exception` narrowed.
    Running out of time, or SymPy crashing, proves nothing and raises nothing."""
    from derive.engine import lemmas
    from derive.engine.timelimit import OutOfTime

    def broken(*args, **kwargs):
        raise OutOfTime("test") if failure == "out of time" else ZeroDivisionError

    s = sp.Symbol("s", positive=True)
    use = log_le_sub_one(1, s)
    assert _one_step(sp.log(s), "<=", s - 1, use).verdict is Verdict.PROVED
    monkeypatch.setattr(lemmas, "prove_sign", broken)
    outcome = use.check(sp.log(s), "<=", s - 1, Assumptions())
    assert outcome.verdict is not Verdict.PROVED


def test_gibbs_refuses_a_normal_law_beside_a_density():
    """Mutant: `or` for `and` in the mixed-law check, which then builds a KL of a law object
    as if it were a density. One normal law and one density is a one-line ValueError."""
    from derive.engine.expectation import Normal
    from derive.engine.lemmas import gibbs

    z = sp.Symbol("z", real=True)
    q = sp.Function("q")
    for p, other in ((Normal(0, 1), q(z)), (q(z), Normal(0, 1))):
        with pytest.raises(ValueError, match="two normal laws"):
            gibbs(p, other, (z, -sp.oo, sp.oo))


def test_hypothesis_lemma_reads_the_declared_direction():
    """Mutant: the hypothesis lemma's small and big sides swapped. u <= v declared proves
    u <= v and v >= u, never v <= u."""
    from derive.engine.lemmas import hypothesis

    u, v = sp.symbols("u v", real=True)
    a = Assumptions(facts=(sp.Le(u, v),))
    assert _one_step(u, "<=", v, hypothesis(u, "<=", v), a).verdict is Verdict.PROVED
    assert _one_step(v, ">=", u, hypothesis(v, ">=", u), a).verdict is Verdict.PROVED
    assert _one_step(v, "<=", u, hypothesis(v, "<=", u), a).verdict is not Verdict.PROVED


def test_jensen_needs_its_points_in_the_domain():
    """Mutants: the lower-bound obligation x_i > 0 of the domain (0, oo) dropped, or made
    x_i >= 0. With real or nonnegative points log x_i need not exist; declared positive,
    the step is proved."""
    r = sp.IndexedBase("r", real=True)
    y = sp.IndexedBase("y", nonnegative=True)  # log 0 does not exist either
    for points in (r[i], y[i]):
        use = jensen(sp.Lambda(t, sp.log(t)), sp.Rational(1, 2), points, (i, 1, 2))
        assert _one_step(use.lhs, "<=", use.rhs, use).verdict is not Verdict.PROVED
    use = jensen(sp.Lambda(t, sp.log(t)), sp.Rational(1, 2), x[i], (i, 1, 2))
    assert _one_step(use.lhs, "<=", use.rhs, use).verdict is Verdict.PROVED


def test_jensen_checks_concavity_on_the_whole_domain():
    """Mutant: the real line's concavity checked on [0, oo) only. -t^3 is concave there,
    not on R: at r = (-2, 0), 4 <= 1 is false."""
    r = sp.IndexedBase("r", real=True)
    use = jensen(sp.Lambda(t, -t**3), sp.Rational(1, 2), r[i], (i, 1, 2),
                 domain=sp.Interval(-sp.oo, sp.oo))
    assert _one_step(use.lhs, "<=", use.rhs, use).verdict is not Verdict.PROVED


def test_jensen_wants_a_lambda_of_one_variable():
    """Mutant: `and` for `or` in the check of f: a bad f must be a one-line ValueError."""
    u = sp.Symbol("u")
    for f in (sp.log, sp.Lambda((t, u), t * u)):
        with pytest.raises(ValueError, match="Lambda of one variable"):
            jensen(f, sp.Rational(1, 2), x[i], (i, 1, 2))


def test_reparameterize_wants_an_expectation_under_a_scalar_normal():
    """Mutant: `or` for `and` in reparameterize's input check."""
    from derive.engine.expectation import DiagNormal, Expectation
    from derive.engine.lemmas import reparameterize

    z1, z2, e = sp.symbols("z1 z2 e", real=True)
    bad = (z1**2, Expectation(z1 * z2, (z1, z2), DiagNormal((0, 0), (1, 1))))
    for expectation in bad:
        with pytest.raises(ValueError, match="scalar Normal"):
            reparameterize(expectation, e)


def test_jensen_prints_the_domain_bound_it_checks():
    """Mutant: the printed bound's strictness swapped (> for >=): on (0, oo) the points must
    be > 0, on [0, oo) >= 0, and the text says so."""
    y = sp.IndexedBase("y", nonnegative=True)
    half = sp.Rational(1, 2)
    texts = {str(d): [ob.text for ob in jensen(f, half, pts, (i, 1, 2), domain=d).obligations]
             for f, pts, d in ((sp.Lambda(t, sp.log(t)), x[i], sp.Interval.open(0, sp.oo)),
                               (sp.Lambda(t, -t**2), y[i], sp.Interval(0, sp.oo)))}
    assert f"x_{i} = {x[i]} > 0" in texts["Interval.open(0, oo)"]
    assert f"x_{i} = {y[i]} >= 0" in texts["Interval(0, oo)"]


def test_gibbs_for_normal_laws_is_the_kl():
    """Mutant: E[log p + log q] for the KL of two normal laws (a false lemma). KL(N(0, 1) ||
    N(1, 1)) = 1/2 (by hand: (mean difference)^2 / 2), so c - 1/2 <= c follows."""
    from derive.engine.expectation import Normal
    from derive.engine.lemmas import gibbs

    z = sp.Symbol("z", real=True)
    c = sp.Symbol("c", real=True)
    use = gibbs(Normal(0, 1), Normal(1, 1), z, offset=c)
    assert _one_step(c - sp.Rational(1, 2), "<=", c, use).verdict is Verdict.PROVED


def test_reparameterize_prints_its_substitution():
    """Mutant: the printed substitution x = m - sqrt(v) eps (the check uses the right one)."""
    from derive.engine.expectation import Expectation, Normal
    from derive.engine.lemmas import reparameterize

    z, e, m = sp.Symbol("z", real=True), sp.Symbol("e", real=True), sp.Symbol("m", real=True)
    use = reparameterize(Expectation(z**2, z, Normal(m, 4)), e)
    assert use.describe().endswith(f"({z} = {m + 2 * e})")


def test_a_bad_summation_range_is_a_one_line_error():
    """Mutant: `or` for `and` in the range check, so (i, 1) fails later with a bare unpacking
    error instead of saying what a range is."""
    for bad in ((i, 1), [i, 1, 2, 3], (2, 1, n)):
        with pytest.raises(ValueError, match="summation range must be"):
            log_le_sub_one(1, x[i], bad)
