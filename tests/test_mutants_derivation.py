"""Tests that kill the mutants of derive/engine/derivation.py the fast selection let through.

Each test names the mutant it kills (issue 13; bench/mutation.py, docs/soundness.md,
"Mutation testing"). derivation.py decides what a chain proves beyond its single steps: a
restatement of a relation proved above, the chain's conclusion against its statement, the
laws' conditions, and the lemma found by a step's shape.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from derive.engine import derivation
from derive.engine.assumptions import Assumptions, Density
from derive.engine.derivation import (
    Derivation,
    Step,
    _fitted_lemma,
    _positive,
    check_all,
    explicit_dependence,
    law_conditions,
)
from derive.engine.expectation import Expectation, Normal
from derive.engine.fitting import fitting_uses
from derive.engine.lemmas import log_le_sub_one, reparameterize
from derive.engine.timelimit import OutOfTime
from derive.engine.verdict import Verdict

t = sp.Symbol("t", positive=True)
v = sp.Symbol("v", real=True)
x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)
theta = sp.Symbol("theta", real=True)
q = sp.Function("q")
SECONDS = 3.0
ABOVE = Assumptions(facts=(sp.Ge(x, t),))
NONE = Assumptions()


def chain(statement: sp.Rel, start: sp.Expr, *steps: Step, a: Assumptions = NONE,
          follows: tuple = ()) -> Derivation:
    return Derivation("mutant", statement, start, list(steps), a, seconds=SECONDS,
                      follows=follows)


# ------------------------------------------------------------------ steps and chains as data
def test_a_step_cannot_be_changed_after_it_is_made():
    """Mutant: `@dataclass(frozen=False)` on Step: a checked step could be edited."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        Step("=", t, "words").op = "<"  # type: ignore[misc]


def test_a_steps_justification_is_its_words():
    """Mutant: the `@property` on `justification` removed (a bound method, not the words)."""
    assert Step("=", t, "log of a power").justification == "log of a power"


def test_a_two_step_chain_ends_in_its_last_expression():
    """Mutants: the conclusion from `steps[not 1]` (the first step), and `lhss =
    expressions[:+1]` (one left side for two steps)."""
    d = chain(sp.Eq(sp.log(t**2), 2 * sp.log(t)), sp.log(t**2),
              Step("=", sp.log(t) + sp.log(t)), Step("=", 2 * sp.log(t) + 0 * t))
    assert d.conclusion == sp.Eq(sp.log(t**2), 2 * sp.log(t), evaluate=False)
    d = chain(sp.Le(sp.log(t), t), sp.log(t), Step("<=", t - 1), Step("<=", t))
    assert d.conclusion == sp.Le(sp.log(t), t, evaluate=False)
    result = d.check()
    assert [s.lhs for s in result.steps] == [sp.log(t), t - 1]
    assert result.verdict is Verdict.PROVED


# ------------------------------------------------------------------ restatements of chains above
def _above() -> Derivation:
    """x = x >= t: two steps, so the runs 1-2 and 2 both prove x >= t."""
    return chain(sp.Ge(x, t), x, Step("=", x), Step(">=", t), a=ABOVE)


def test_a_restatement_is_proved_as_the_whole_chain_above():
    """Mutants: `relations or _restated(...)` (the list taken as the outcome), `for i in []`
    (no relation from above), `s.verdict < / >= Verdict.PROVED` (a TypeError), `x[0:]`
    (the run's length kept in each relation) and the longest run not tried first."""
    above = _above()
    restated = chain(sp.Ge(x - t, 0), x - t, Step(">=", 0), a=ABOVE, follows=(above,))
    first, second = check_all([above, restated])
    assert first.verdict is Verdict.PROVED
    method = second.steps[0].outcome.method
    assert method.startswith("restates") and "steps 1-2" in method


def test_a_different_relation_is_not_a_restatement():
    """Mutant: `if not method` in `_restated`: a step whose difference is *not* the
    relation's was proved as its restatement. x - 2t >= 0 is false at x = t."""
    above = _above()
    wrong = chain(sp.Ge(x - 2 * t, 0), x - 2 * t, Step(">=", 0), a=ABOVE, follows=(above,))
    out = check_all([above, wrong])[1].steps[0].outcome
    assert not out.method.startswith("restates") and out.verdict is not Verdict.PROVED


def test_an_equality_above_is_restated_the_other_way_round():
    """Mutants: the signs (1, ~1) and (1, -0): b = a is the restatement of a = b only with
    the sign -1 when a = b was proved by a lemma (reparameterization) that prove_equal alone
    cannot redo: b - a = a - b is not proved, b - a = -(a - b) is."""
    mu, s, eps = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True), sp.Symbol("e")
    use = reparameterize(Expectation(sp.Function("f")(z), z, Normal(mu, s**2)), eps)
    above = chain(sp.Eq(use.lhs, use.rhs, evaluate=False), use.lhs, Step("=", use.rhs, use))
    swapped = chain(sp.Eq(use.rhs, use.lhs, evaluate=False), use.rhs, Step("=", use.lhs),
                    follows=(above,))
    out = check_all([above, swapped])[1].steps[0].outcome
    assert out.method.startswith("restates") and out.verdict is Verdict.PROVED
    # and the same way round (mutant: the signs (2, -1)): only the sign 1 restates it
    same = chain(sp.Eq(use.lhs, use.rhs, evaluate=False), use.lhs, Step("=", use.rhs),
                 follows=(above,))
    out = check_all([above, same])[1].steps[0].outcome
    assert out.method.startswith("restates") and out.verdict is Verdict.PROVED


# ------------------------------------------------------------------ conclusion and statement
def _conclusion(statement: sp.Rel, start: sp.Expr, step: Step) -> Verdict:
    return chain(statement, start, step).check().conclusion.verdict


def test_an_equality_statement_written_the_other_way_round_is_the_conclusion():
    """Mutant: `got[0] == "="` for `got[1] == "="`: a = b then read as weaker than b = a."""
    assert _conclusion(sp.Eq(2 * sp.log(t), sp.log(t**2)), sp.log(t**2),
                       Step("=", 2 * sp.log(t))) is Verdict.PROVED


def test_a_strict_statement_follows_from_a_strict_chain():
    """Mutant: `... or want[1] == "<"`: every strict statement taken as stronger than the
    chain. Here the two differences differ as written and are proved equal."""
    statement = sp.Gt(2 * sp.log(t) + 1, 2 * sp.log(t), evaluate=False)
    assert _conclusion(statement, sp.log(t**2) + 1, Step(">", 2 * sp.log(t))) \
        is Verdict.PROVED
    weaker = sp.Gt(2 * sp.log(t) + 1, 2 * sp.log(t), evaluate=False)
    assert _conclusion(weaker, sp.log(t**2) + 1, Step(">=", 2 * sp.log(t))) \
        is Verdict.UNDECIDED  # control: a non-strict chain does not give it


def test_a_less_than_statement_is_a_difference():
    """Mutant: `rel.lhs + rel.rhs` in `_as_difference`: t < t + 1 read as 2t + 1 < 0."""
    assert _conclusion(sp.Lt(t, t + 1, evaluate=False), t + 1, Step(">", t)) is Verdict.PROVED


def test_a_statement_about_an_undeclared_law_is_not_proved():
    """Mutant: `law_conditions(...)[2]` (the facts) for `[1]` (what is missing): the
    statement's undeclared density q was not reported."""
    e = Expectation(z, z, q)
    assert _conclusion(sp.Eq(e, e, evaluate=False), e, Step("=", e)) is Verdict.UNDECIDED
    a = Assumptions(densities=(Density(q, z),))
    assert chain(sp.Eq(e, e, evaluate=False), e, Step("=", e), a=a).check().conclusion.verdict \
        is Verdict.PROVED


def test_an_undeclared_density_is_a_missing_condition():
    """Mutant: `for q in []` in `law_conditions`: no density was ever required declared."""
    proved, missing, _ = law_conditions([Expectation(z, z, q)], Assumptions())
    assert missing == ["q a declared density"] and not proved
    proved, missing, _ = law_conditions([Expectation(z, z, q)],
                                        Assumptions(densities=(Density(q, z),)))
    assert proved == ["q a declared density"] and not missing


# ------------------------------------------------------------------ positivity of a law's variance
def test_a_variance_declared_positive_by_a_hypothesis_is_positive():
    """Mutant: `_by_hypothesis(...) and prove_sign(...)`: a declared v - 1 > 0 was not enough."""
    assert _positive(v - 1, Assumptions(facts=(sp.Gt(v - 1, 0),)))
    assert not _positive(v - 1, Assumptions())


def test_a_crash_while_proving_a_sign_proves_nothing(monkeypatch):
    """Mutant: `return True` when the sign proof raises (a crash inside SymPy)."""
    def crash(*args, **kwargs):
        raise TypeError("inside SymPy")

    monkeypatch.setattr(derivation, "prove_sign", crash)
    assert not _positive(v, Assumptions())


# ------------------------------------------------------------------ the lemma found by shape
def test_a_lemma_whose_check_fails_does_not_prove_the_step():
    """Mutant: `if not out.proved` in `_fitted_lemma`: the first lemma that fits the shape and
    fails its check proved the step. log t <= t - 2 is false at t = 1."""
    assert list(fitting_uses(sp.log(t), "<=", t - 2))  # a lemma does fit the shape
    assert _fitted_lemma(sp.log(t), "<=", t - 2, Assumptions(), SECONDS) is None
    assert _fitted_lemma(sp.log(t), "<=", t - 1, Assumptions(), SECONDS).proved  # control


# ------------------------------------------------------------------ dependence on theta
def test_a_density_under_a_derivative_in_theta_is_taken_to_depend_on_it():
    """Mutants: `if d.assumptions.is_constant(q)` and `if not params`: the note that q is
    taken to depend on theta was lost."""
    start = sp.Derivative(Expectation(z**2, z, q), theta)
    d = chain(sp.Eq(start, start, evaluate=False), start, Step("=", start),
              a=Assumptions(densities=(Density(q, z),)))
    assert "q taken to depend on theta" in explicit_dependence(d)[1]
    constant = dataclasses.replace(d, assumptions=d.assumptions.with_(constants=(q,)))
    assert explicit_dependence(constant)[1] == ""


def test_a_chain_of_ge_and_gt_steps_is_strict():
    """Mutant: `ineq < {">=", ">"}` (a proper subset): a chain with both >= and > steps was
    taken to mix directions and refused."""
    assert derivation.chain_relation([">=", "=", ">"]) == ">"
    assert derivation.chain_relation(["<=", "<"]) == "<"
    with pytest.raises(ValueError, match="cannot mix"):
        derivation.chain_relation(["<=", ">"])


def test_a_derivation_cannot_be_changed_after_it_is_made():
    """Mutant: `@dataclass(frozen=False)` on Derivation."""
    d = chain(sp.Eq(t, t, evaluate=False), t, Step("=", t))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.seconds = 100.0  # type: ignore[misc]


def test_a_time_limit_of_zero_seconds_is_refused():
    """Mutant: `-1 < self.seconds`: a limit of 0 s (every check out of time) was accepted."""
    with pytest.raises(ValueError, match="seconds must be a positive finite number"):
        Derivation("zero", sp.Eq(t, t, evaluate=False), t, [Step("=", t)], seconds=0)
    # and a limit under a second is one (mutant: `1 < self.seconds`)
    assert Derivation("half", sp.Eq(t, t, evaluate=False), t, [Step("=", t)],
                      seconds=0.5).seconds == 0.5


def test_a_step_proved_under_an_undeclared_law_says_what_it_needs():
    """Mutant: `outcome.notes - (why,)` (a TypeError, so the step's check crashed): a step
    proved but for its law's declaration says so, and why."""
    e = Expectation(z, z, q)
    step = chain(sp.Eq(e, e, evaluate=False), e, Step("=", e)).check().steps[0].outcome
    assert step.verdict is Verdict.UNDECIDED
    assert "but only if q a declared density" in step.method
    assert any(n.startswith("the laws need q a declared density") for n in step.notes)


def test_the_statement_is_matched_to_the_conclusion_with_the_sign_one():
    """Mutant: the signs (2, -1) in `_check_conclusion`: the statement t = 2 log t + 1 is
    the chain's (unproved) conclusion t = log(t^2) + 1 only with the sign 1."""
    d = chain(sp.Eq(t, 2 * sp.log(t) + 1, evaluate=False), t, Step("=", sp.log(t**2) + 1))
    assert d.check().conclusion.verdict is Verdict.PROVED


def test_a_step_result_cannot_be_changed_and_counts_from_one():
    """Mutants: `@dataclass(frozen=False)` on StepResult, `enumerate(..., start=0)`, and the
    conclusion's outcome taken from `outcomes[+1]` (step 2's) in `_result`."""
    result = chain(sp.Le(sp.log(t), t, evaluate=False), sp.log(t), Step("<=", t - 1),
                   Step("<=", t)).check()
    assert [s.index for s in result.steps] == [1, 2]
    assert result.conclusion.method == "the chain's conclusion is the statement"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.steps[0].index = 5  # type: ignore[misc]


def test_a_step_not_proved_under_an_undeclared_law_says_what_it_needs():
    """Mutant: `outcome.notes - (why,)` in the branch of steps not proved (a TypeError)."""
    e = Expectation(z, z, q)
    step = chain(sp.Eq(e, e + 1, evaluate=False), e, Step("=", e + 1)).check().steps[0]
    assert step.verdict is not Verdict.PROVED
    assert any(n.startswith("the laws need q a declared density") for n in step.outcome.notes)


def test_a_declared_variance_speaks_of_the_variance_that_depends_on_theta():
    """Mutants: `if not note` (the facts not rewritten as v(theta) > 0 when the chain
    differentiates in theta, so N(0, v)'s condition was not given), and the note added with
    `outcome.notes - (note,)` (a TypeError)."""
    w = sp.Symbol("v")
    e = sp.Derivative(Expectation(z, z, Normal(0, w)), theta)
    d = chain(sp.Eq(e, e, evaluate=False), e, Step("=", e),
              a=Assumptions(facts=(sp.Gt(w, 0),)))
    step = d.check().steps[0]
    assert step.verdict is Verdict.PROVED
    assert any("v taken to depend on theta" in n for n in step.outcome.notes)
    assert dataclasses.replace(d, assumptions=NONE).check().steps[0].verdict \
        is not Verdict.PROVED  # control: without v > 0 the law's condition is missing


def test_a_failed_lemma_leaves_an_inequality_to_the_search_not_to_equality():
    """Mutant: `if step.op != "="` after a named lemma fails: the true log t <= t (the lemma
    instance says log t <= t - 1, another step) was checked as log t = t, and refuted."""
    out = _one_step_by(sp.log(t), "<=", t, log_le_sub_one(1, t))
    assert out.verdict is Verdict.UNDECIDED


def _one_step_by(start: sp.Expr, op: str, end: sp.Expr, by) -> object:
    rel = {"<=": sp.Le, ">=": sp.Ge}[op]
    return chain(rel(start, end, evaluate=False), start, Step(op, end, by)).check().steps[0]


def test_a_step_no_lemma_names_is_proved_by_the_lemma_its_shape_fits():
    """Mutant: `found.verdict != Verdict.REFUTED`: an undecided step was returned before the
    lemmas that fit its shape were tried."""
    out = chain(sp.Le(sp.log(t), t - 1, evaluate=False), sp.log(t),
                Step("<=", t - 1)).check().steps[0].outcome
    assert out.proved and "found by the step's shape" in out.method


def test_a_crash_or_running_out_of_time_while_fitting_or_restating_proves_nothing(
        monkeypatch):
    """Mutants: `except CosmicRayTestingException` for `except Exception` in `_fitted_lemma`
    and for `except OutOfTime` in `_restated`: the error escaped the search."""
    def crash(*args, **kwargs):
        raise TypeError("inside SymPy")

    def out_of_time(*args, **kwargs):
        raise OutOfTime("test")

    monkeypatch.setattr(derivation, "fitting_uses", crash)
    assert _fitted_lemma(sp.log(t), "<=", t - 1, NONE, SECONDS) is None
    monkeypatch.setattr(derivation, "prove_equal", out_of_time)
    relations = [(x, ">=", t, "above, step 1")]
    assert derivation._restated(x - t, ">=", 0, relations, ABOVE, SECONDS) is None
