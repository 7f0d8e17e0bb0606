"""The canon c1-c8: every derivation proved; each side condition dropped leaves its step
unproved; wrong closed forms refuted; the numeric confirmations pass, have the power they
claim, and fail on wrong formulas.
"""

from __future__ import annotations

import pytest
import sympy as sp

from derive.cli.main import main
from derive.engine.assumptions import Assumptions
from derive.engine.checks import check_equal
from derive.engine.derivation import Derivation
from derive.engine.verdict import Verdict
from derive.identities import canon_bounds, canon_finite, canon_gaussian, canon_score
from derive.identities.canon import IDENTITIES
from derive.identities.catalogue import lookup, section
from derive.identities.soundness import check_claim
from derive.identities.soundness.canon import false_claims
from numeric.confirm import canon as numeric

DERIVATIONS = [(ident.id, k, d) for ident in IDENTITIES for k, d in enumerate(ident.derivations())]


@pytest.mark.parametrize("ident, k, d", DERIVATIONS, ids=[f"{i}-{k}" for i, k, _ in DERIVATIONS])
def test_every_canon_derivation_is_proved(ident: str, k: int, d: Derivation) -> None:
    result = d.check()
    assert result.verdict is Verdict.PROVED, [(s.index, s.outcome) for s in result.steps]


def test_the_canon_is_a_section_of_its_own_with_ids_and_aliases(capsys):
    assert [i.id for i in section("canon")] == [f"c{k}" for k in range(1, 9)]
    assert [i.id for i in section("worksheet")][:4] == ["1a", "1b", "1c", "1d"]
    assert lookup("iwae-bound").id == "c4" and lookup("C7").alias == "data-processing"
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.index("canon beyond the worksheet") > out.index("2g ") and "c8" in out


def step_proved(d: Derivation, k: int, a: Assumptions) -> bool:
    """Does step k (1-based) of d, justified by its lemma, hold under the assumptions a?"""
    step = d.steps[k - 1]
    return step.by.check(d.expressions[k - 1], step.op, step.expr, a, seconds=2.0).proved


# ---------------------------------------------------------------- dropped side conditions
def test_c3_jensen_needs_integrability_and_normalisation():
    by_jensen, by_gibbs = canon_bounds.gibbs_densities()
    a = canon_bounds.GIBBS
    assert step_proved(by_jensen, 2, a) and step_proved(by_gibbs, 2, a)
    assert not step_proved(by_jensen, 2, a.with_(notes=a.notes[1:]))  # E|q/p| < oo dropped
    assert not step_proved(by_jensen, 2, a.with_(densities=a.densities[1:]))  # p a density
    assert not step_proved(by_gibbs, 2, a.with_(notes=()))


def test_c4_needs_unbiasedness_and_integrability():
    _, _, bound = canon_bounds.iwae_bound()
    a = canon_bounds.IWAE
    assert not step_proved(bound, 1, a.with_(notes=()))
    assert not step_proved(bound, 1, a.with_(densities=()))
    undecided = check_equal(bound.expressions[1], bound.expressions[2], a.with_(rules=()),
                            seconds=2.0)
    assert not undecided.proved  # E[W_k] = p(x) is what the last step uses


def test_c5_needs_the_joint_normalisation():
    (d,) = canon_finite.mutual_information_nonnegative(canon_finite.MARGINALS.with_(rules=()))
    result = d.check()
    assert result.steps[-1].verdict is not Verdict.PROVED


def test_c6_and_c7_need_the_rows_to_sum_to_one():
    (chain,) = canon_finite.kl_chain_rule(canon_finite.CHAIN.with_(rules=()))
    assert chain.check().steps[-1].verdict is not Verdict.PROVED
    (dpi,) = canon_finite.data_processing(canon_finite.CHANNEL.with_(rules=()))
    assert dpi.check().steps[-1].verdict is not Verdict.PROVED


def test_c8_exchange_needs_the_domination_condition():
    identity, zero, _, _ = canon_score.score_function()
    a = canon_score.SCORE
    assert step_proved(identity, 1, a)
    assert not step_proved(identity, 1, a.with_(notes=()))
    assert not step_proved(zero, 2, a.with_(notes=()))


# ---------------------------------------------------------------- wrong closed forms
def test_wrong_gaussian_closed_forms_are_refuted():
    m1, s1, m2, s2 = canon_gaussian.mu1, canon_gaussian.s1, canon_gaussian.mu2, canon_gaussian.s2
    kl = canon_gaussian.kl_gaussian()[0].start
    good = canon_gaussian.kl_normal_closed_form(m1, s1, m2, s2)
    for wrong in (canon_gaussian.kl_normal_closed_form(m2, s2, m1, s1),  # swapped
                  good - sp.log(s2 / s1),  # no log term
                  good + sp.log(s2 / s1)):  # variance in place of sd in the log
        assert check_equal(kl, wrong, Assumptions()).verdict is Verdict.REFUTED
    j, mu, sigma = canon_gaussian.j, canon_gaussian.mu, canon_gaussian.sigma
    start = canon_gaussian.kl_diag_standard()[1].start
    no_minus_one = sp.Sum((mu[j] ** 2 + sigma[j] ** 2 - sp.log(sigma[j] ** 2)) / 2,
                          canon_gaussian.JLIM)
    assert check_equal(start, no_minus_one, Assumptions()).verdict is not Verdict.PROVED


@pytest.mark.parametrize("claim", false_claims(), ids=lambda c: c.key)
def test_no_false_neighbour_of_the_canon_is_proved(claim) -> None:
    result = check_claim(claim)
    assert result.error == "" and result.verdict is not Verdict.PROVED, result.method


# ---------------------------------------------------------------- numeric confirmations
CONFIRMATIONS = [f"confirm_c{k}" for k in range(1, 9)]


@pytest.mark.parametrize("name", CONFIRMATIONS)
def test_confirmations_pass_with_the_power_they_claim(name: str) -> None:
    for c in getattr(numeric, name)():
        assert c.passed, (c.name, c.summary)
        f = c.figures
        if "wrong_answers" in f and "detectable_error" in f:
            gaps = [abs(w - f["exact"]) for w in f["wrong_answers"].values()]
            assert f["n"] >= f["n_required"] and f["detectable_error"] <= min(gaps) + 1e-12


def test_wrong_formulas_fail_the_numeric_checks():
    swapped = lambda m1, s1, m2, s2: numeric.kl_normal(m2, s2, m1, s1)  # noqa: E731
    assert not all(c.passed for c in numeric.confirm_c1(formula=swapped))
    no_minus_one = lambda mu, s: numeric.kl_diag_standard(mu, s) + mu.size / 2  # noqa: E731
    assert not all(c.passed for c in numeric.confirm_c2(formula=no_minus_one))
    assert not numeric.chain_rule_sweep(seed=1, count=50, weights=lambda a, b: b).passed
    assert not numeric.data_processing_sweep(seed=1, count=50,
                                             divergence=lambda p, q: -numeric._kl(p, q)).passed


def test_iwae_bounds_increase_with_k_and_stay_below_log_px():
    l1, l2 = (numeric.iwae_bound_by_quadrature(k, 48) for k in (1, 2))
    log_px = numeric.C4_MODEL.log_marginal(numeric.C4_X)
    assert l1 < l2 < log_px
