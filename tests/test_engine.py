"""The engine: proofs where they hold, refutations with counterexamples where they do not."""

import pytest
import sympy as sp

from derive import (
    Assumptions,
    Derivation,
    Distribution,
    Step,
    Verdict,
    check_equal,
    check_relation,
    jensen,
    log_le_sub_one,
    log_monotone,
)
from derive.engine.derivation import chain_relation
from derive.engine.sampling import evaluate, sample_point

x = sp.Symbol("x", positive=True)
y = sp.Symbol("y", real=True)
t = sp.Symbol("t")
i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
w = sp.IndexedBase("w", positive=True)
z = sp.IndexedBase("z", positive=True)
WEIGHTS = Assumptions(distributions=(Distribution(w, i, n),))


def test_equality_proved_under_declared_positivity():
    assert check_equal(sp.log(x**2), 2 * sp.log(x), Assumptions()).verdict is Verdict.PROVED


def test_no_forced_log_rules_for_undeclared_signs():
    # log(y^2) = 2 log y is false for y < 0: the engine must not assume y > 0.
    out = check_equal(sp.log(y**2), 2 * sp.log(y), Assumptions())
    assert out.verdict is Verdict.REFUTED
    assert float(out.counterexample["y"]) < 0


def test_log_of_sum_is_not_sum_of_logs():
    out = check_equal(sp.log(x + 1), sp.log(x) + sp.log(1), Assumptions())
    assert out.verdict is Verdict.REFUTED
    point = {sp.Symbol("x", positive=True): sp.Float(out.counterexample["x"])}
    lhs, rhs = sp.log(x + 1).subs(point), sp.log(x).subs(point)
    assert abs(float(lhs - rhs)) > 1e-6  # the counterexample really is one


def test_true_but_unprovable_identity_is_corroborated_not_proved():
    # Euler's reflection for the dilogarithm: SymPy cannot simplify it.
    u = sp.Symbol("u")
    lhs = sp.polylog(2, u) + sp.polylog(2, 1 - u)
    rhs = sp.pi**2 / 6 - sp.log(u) * sp.log(1 - u)
    out = check_equal(lhs, rhs, Assumptions(intervals=((u, sp.Interval.open(0, 1)),)))
    assert out.verdict is Verdict.CORROBORATED


def test_inequality_by_sign_analysis_and_by_search():
    assert check_relation(x**2 + 1, ">", 0, Assumptions()).verdict is Verdict.PROVED
    out = check_relation(sp.log(x), ">=", x - 1, Assumptions())
    assert out.verdict is Verdict.REFUTED and out.counterexample is not None
    # True but needs a lemma: without one, never proved.
    assert check_relation(sp.log(x), "<=", x - 1, Assumptions()).verdict is Verdict.UNDECIDED


def _jensen_step(f: sp.Lambda, op: str = "<=") -> Derivation:
    lhs = sp.Sum(w[i] * f(z[i]), (i, 1, n))
    rhs = f(sp.Sum(w[i] * z[i], (i, 1, n)))
    return Derivation("jensen", sp.Le(lhs, rhs) if op == "<=" else sp.Ge(lhs, rhs), lhs,
                      [Step(op, rhs, jensen(f, w[i], z[i], (i, 1, n)))], WEIGHTS)


def test_jensen_proves_concave_case():
    assert _jensen_step(sp.Lambda(t, sp.log(t))).check().verdict is Verdict.PROVED


def test_jensen_on_a_convex_function_is_refuted():
    result = _jensen_step(sp.Lambda(t, sp.exp(t))).check()
    assert result.verdict is Verdict.REFUTED
    assert any("side condition not proved" in note for note in result.steps[0].outcome.notes)


def test_jensen_in_the_wrong_direction_is_not_proved():
    result = _jensen_step(sp.Lambda(t, sp.log(t)), op=">=").check()
    assert result.verdict is Verdict.REFUTED


def test_jensen_without_normalised_weights_is_not_proved():
    loose = Assumptions(distributions=(Distribution(w, i, n, total="at_most_one"),))
    lhs = sp.Sum(w[i] * sp.log(z[i]), (i, 1, n))
    rhs = sp.log(sp.Sum(w[i] * z[i], (i, 1, n)))
    d = Derivation("jensen", sp.Le(lhs, rhs), lhs,
                   [Step("<=", rhs, jensen(sp.Lambda(t, sp.log(t)), w[i], z[i], (i, 1, n)))],
                   loose)
    assert d.check().verdict is not Verdict.PROVED


def test_lemma_instance_must_match_the_step():
    # log_monotone(a, b) used on a step whose sides are something else.
    d = Derivation("m", sp.Le(sp.log(x), sp.log(x + 2)), sp.log(x),
                   [Step("<=", sp.log(x + 2), log_monotone(x, x + 1))])
    assert d.check().verdict is not Verdict.PROVED


def test_log_le_sub_one_scalar():
    d = Derivation("g", sp.Le(sp.log(x), x - 1), sp.log(x),
                   [Step("<=", x - 1, log_le_sub_one(1, x))])
    assert d.check().verdict is Verdict.PROVED


def test_conclusion_must_be_the_statement():
    d = Derivation("wrong statement", sp.Eq(sp.log(x**2), 3 * sp.log(x)), sp.log(x**2),
                   [Step("=", 2 * sp.log(x), "log of a power")])
    result = d.check()
    assert result.steps[0].verdict is Verdict.PROVED
    assert result.verdict is not Verdict.PROVED


def test_chain_relation_and_bad_chains():
    assert chain_relation(["=", "<=", "<", "="]) == "<"
    assert chain_relation(["=", ">="]) == ">="
    with pytest.raises(ValueError, match="mix"):
        chain_relation(["<=", ">="])
    with pytest.raises(ValueError, match="relation"):
        Step("=>", x)
    with pytest.raises(ValueError, match="at least one step"):
        Derivation("empty", sp.Eq(x, x, evaluate=False), x, [])


def test_verdict_combine_weakest_wins():
    v = Verdict
    assert v.combine([v.PROVED, v.CORROBORATED]) is v.CORROBORATED
    assert v.combine([v.PROVED, v.UNDECIDED, v.CORROBORATED]) is v.UNDECIDED
    assert v.combine([v.REFUTED, v.PROVED]) is v.REFUTED
    assert v.combine([v.PROVED]) is v.PROVED


def test_sampled_points_respect_the_declared_domain():
    import numpy as np

    rng = np.random.default_rng(3)
    expr = sp.Sum(w[i], (i, 1, n))
    for _ in range(20):
        point = sample_point([expr], WEIGHTS, rng)
        assert abs(evaluate(expr, point) - 1) < 1e-12
        assert all(float(v) > 0 for v in point.values.values())


def test_time_limit_interrupts_cpu_work_and_restores_the_handler():
    import signal

    from derive.engine.timelimit import OutOfTime, time_limit

    before = signal.getsignal(signal.SIGPROF)
    with pytest.raises(OutOfTime), time_limit(0.2):
        while True:
            pass
    assert signal.getsignal(signal.SIGPROF) == before
