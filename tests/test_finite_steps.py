"""Finite-distribution steps of the corpus (issues 14-15), each with its false neighbours.

Outcomes written out (p over x in {0, 1}: p(0), p(1)), variables on an open interval
(p_1 in (0, 1): 1 - p_1 > 0), the log-sum inequality with its terms written out (convexity
of KL), and rules whose left side shares its letter with a distribution's entries
(a = sum_i a_i). Every true step is proved; every false neighbour, or the true step with a
side condition dropped, is not.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from derive.engine.assumptions import Assumptions, Distribution, Rule
from derive.engine.checks import (
    check_equal,
    factor_out_of_sums,
    positive_functions,
    prove_sign,
)
from derive.engine.verdict import Verdict
from derive.notation.document import read_latex
from derive.notation.reader import ParseError

BERNOULLI = r"""% assume: p_1 \in (0, 1), p_2 \in (0, 1)
% assume: p, q distributions over x \in \{0, 1\}
% assume: p(1) = p_1
% assume: p(0) = 1 - p_1
% assume: q(1) = p_2
% assume: q(0) = 1 - p_2
% assume: P has density p
% assume: Q has density q
\begin{align*}
LEFT &= RIGHT
\end{align*}
"""
KL_BERN = r"(1-p_1) \cdot \ln \frac{1-p_1}{1-p_2} + p_1 \cdot \ln \frac{p_1}{p_2}"


def steps(text: str, seconds: float = 3.0) -> list:
    (chain,) = read_latex(text)
    return replace(chain.derivation, seconds=seconds).check(seed=0).steps


def verdict(text: str, seconds: float = 3.0) -> Verdict:
    return steps(text, seconds)[0].verdict


def bernoulli(left: str, right: str, header: str = BERNOULLI) -> str:
    return header.replace("LEFT", left).replace("RIGHT", right)


# ---------------------------------------------------------------- outcomes written out
def test_a_set_of_integers_is_its_outcomes():
    (chain,) = read_latex(bernoulli("p(0) + p(1)", "1"))
    p = next(d for d in chain.derivation.assumptions.distributions if d.base.name == "p")
    assert (p.start, p.size) == (0, 2)
    assert p.sum() == sp.Sum(p.base[p.index], (p.index, 0, 1))
    assert chain.derivation.check(seed=0).steps[0].verdict is Verdict.PROVED


def test_a_rule_about_one_outcome_is_about_that_outcome_only():
    """p(1) = p_1 once read as p_k = p_1 for every k (and p(0) = 1 - p_1 too): now p[1]."""
    (chain,) = read_latex(bernoulli("p(1)", "p_1"))
    rules = {r.old: r.new for r in chain.derivation.assumptions.rules}
    p1 = sp.Symbol("p_1", real=True, positive=True)
    assert rules[sp.IndexedBase("p", positive=True)[1]] == p1
    assert not any(r.old.has(sp.Wild) for r in chain.derivation.assumptions.rules)
    assert verdict(bernoulli("p(1)", "p_1")) is Verdict.PROVED
    assert verdict(bernoulli("p(0)", "p_1")) is Verdict.REFUTED  # p(0) = 1 - p_1


def test_bernoulli_kl_is_its_two_terms():
    assert verdict(bernoulli(r"\mathrm{KL}[P\,||\,Q]", KL_BERN)) is Verdict.PROVED


@pytest.mark.parametrize("right", [
    KL_BERN.replace(r"\frac{p_1}{p_2}", r"\frac{p_2}{p_1}"),  # the ratio upside down
    r"p_1 \cdot \ln \frac{p_1}{p_2}",  # the term at x = 0 dropped
])
def test_bernoulli_kl_false_neighbours_are_refuted(right: str):
    assert verdict(bernoulli(r"\mathrm{KL}[P\,||\,Q]", right)) is Verdict.REFUTED


def test_bernoulli_kl_needs_the_rules_about_outcome_zero():
    header = BERNOULLI.replace("% assume: p(0) = 1 - p_1\n", "")
    assert verdict(bernoulli(r"\mathrm{KL}[P\,||\,Q]", KL_BERN, header)) is not Verdict.PROVED


def test_outcomes_must_be_consecutive_integers():
    with pytest.raises(ParseError, match="consecutive integers"):
        read_latex(BERNOULLI.replace(r"\{0, 1\}", r"\{0, 2\}"))


# ---------------------------------------------------------------- variables on intervals
STEP3 = (r"\ln \frac{1-p_1}{1-p_2} + p_1 \cdot \left( \ln \frac{p_1}{p_2} + "
         r"\ln \frac{1-p_2}{1-p_1} \right)")
STEP2 = (r"\ln \frac{1-p_1}{1-p_2} + p_1 \cdot \ln \frac{p_1}{p_2} - "
         r"p_1 \cdot \ln \frac{1-p_1}{1-p_2}")


def test_logs_of_one_minus_an_interval_variable_split():
    assert verdict(bernoulli(STEP2, STEP3)) is Verdict.PROVED


def test_logs_split_only_where_the_interval_makes_them_positive():
    """log(1 - p_1) + log 2 = log(2 - 2 p_1) needs 1 - p_1 > 0: with p_1 in (0, 2) it is
    not proved (at p_1 > 1 neither side is a real number)."""
    header = "% assume: p_1 \\in (0, 1)\n\\begin{align*}\nLEFT &= RIGHT\n\\end{align*}\n"
    true = bernoulli(r"\ln (1-p_1) + \ln 2", r"\ln (2 - 2 p_1)", header)
    assert verdict(true) is Verdict.PROVED
    loose = true.replace(r"p_1 \in (0, 1)", r"p_1 \in (0, 2)")  # 1 - p_1 < 0 is allowed
    assert verdict(loose) is not Verdict.PROVED


def test_an_interval_proves_a_sign_of_several_variables():
    lam = sp.Symbol("lambda", real=True, positive=True)
    p = sp.IndexedBase("p", positive=True)
    x = sp.Symbol("x", integer=True)
    a = Assumptions(intervals=((lam, sp.Interval.open(0, 1)),))
    assert prove_sign((1 - lam) * p[x], a, strict=True) is not None
    assert prove_sign((1 - lam) * p[x], Assumptions(), strict=True) is None
    wide = Assumptions(intervals=((lam, sp.Interval.open(0, 2)),))
    assert prove_sign((1 - lam) * p[x], wide, strict=True) is None


def test_a_space_before_a_parenthesis_is_a_product():
    (chain,) = read_latex(bernoulli(r"p_1 \, (1-p_2)", r"p_1 - p_1 p_2"))
    assert chain.derivation.check(seed=0).steps[0].verdict is Verdict.PROVED
    assert any("as a product" in r for r in chain.readings[0])
    assert verdict(bernoulli(r"p_1 \, (1-p_2)", r"p_1 - p_2")) is Verdict.REFUTED


def test_bernoulli_corpus_steps_are_proved():
    text = BERNOULLI.replace("LEFT &= RIGHT", "\n".join([
        r"\mathrm{KL}[P\,||\,Q] &= " + KL_BERN + r" \\",
        r"&= " + STEP2 + r" \\",
        r"&= " + STEP3 + r" \\",
        r"&= \ln \frac{1-p_1}{1-p_2} + p_1 \cdot \ln \frac{p_1 \, (1-p_2)}{p_2 \, (1-p_1)}"]))
    assert [s.verdict for s in steps(text)] == [Verdict.PROVED] * 4


# ---------------------------------------------------------------- rules and entries
def test_a_rule_about_the_scalar_a_leaves_the_entries_a_i():
    i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
    a = sp.IndexedBase("a", positive=True)
    total = sp.Sum(a[i], (i, 1, n))
    rule = Rule(a, total, "a = sum_i a_i")
    assert rule.apply(a + a[i]) == total + a[i]
    assert Rule(a[sp.Wild("k")], 2, "a_k = 2").apply(a[i] + 1) == 3  # a rule about entries


LOGSUM_JENSEN = r"""% assume: a_i > 0, b_i > 0
% assume: f(x) = x \ln x
% assume: a = \sum_{i=1}^n a_i
% assume: b = \sum_{i=1}^n b_i
\begin{align*}
LEFT &REL RIGHT
\end{align*}
"""
JENSEN_LEFT = r"b \sum_{i=1}^n \frac{b_i}{b} \, f\left( \frac{a_i}{b_i} \right)"
JENSEN_RIGHT = r"b \, f\left( \sum_{i=1}^n \frac{b_i}{b} \frac{a_i}{b_i} \right)"


def logsum(left: str, rel: str, right: str, header: str = LOGSUM_JENSEN) -> str:
    return header.replace("LEFT", left).replace("REL", rel).replace("RIGHT", right)


def test_jensen_for_x_log_x_is_the_log_sum_inequality_scaled():
    outcome = steps(logsum(JENSEN_LEFT, r"\geq", JENSEN_RIGHT))[0]
    assert outcome.verdict is Verdict.PROVED, outcome.outcome.method
    assert "log-sum" in outcome.outcome.method


@pytest.mark.parametrize("rel, right", [
    (r"\leq", JENSEN_RIGHT),  # the wrong direction
    (">", JENSEN_RIGHT),  # strict: equality when a_i / b_i is constant
    (r"\geq", JENSEN_RIGHT.replace(r"b \, f", r"2 b \, f")),  # twice the right side
])
def test_log_sum_scaled_false_neighbours(rel: str, right: str):
    assert verdict(logsum(JENSEN_LEFT, rel, right)) is not Verdict.PROVED


def test_log_sum_scaled_needs_positive_b_i():
    header = LOGSUM_JENSEN.replace("a_i > 0, b_i > 0", "a_i > 0")
    assert verdict(logsum(JENSEN_LEFT, r"\geq", JENSEN_RIGHT, header)) is not Verdict.PROVED


def test_a_scalar_named_like_entries_is_rewritten_without_error():
    left = r"b \, f\left( \frac{1}{b} \sum_{i=1}^n a_i \right)"
    outcome = steps(logsum(left, "=", r"b \, f\left( \frac{a}{b} \right)"))[0]
    assert outcome.verdict is Verdict.PROVED
    wrong = logsum(left, "=", r"b \, f\left( \frac{b}{a} \right)")
    assert verdict(wrong) is Verdict.REFUTED


# ---------------------------------------------------------------- log-sum written out
CONVEX = r"""% assume: p_1, p_2, q_1, q_2 distributions over x \in \mathcal{X}
% assume: \lambda \in (0, 1)
\begin{align*}
LEFT &REL RIGHT
\end{align*}
"""
MIX = (r"\sum_{x \in \mathcal{X}} \left[ \left[ \lambda p_1(x) + (1-\lambda) p_2(x) \right] "
       r"\cdot \log \frac{\lambda p_1(x) + (1-\lambda) p_2(x)}{\lambda q_1(x) + "
       r"(1-\lambda) q_2(x)} \right]")
PARTS = (r"\sum_{x \in \mathcal{X}} \left[ \lambda p_1(x) \cdot \log \frac{\lambda p_1(x)}"
         r"{\lambda q_1(x)} + (1-\lambda) p_2(x) \cdot \log \frac{(1-\lambda) p_2(x)}"
         r"{(1-\lambda) q_2(x)} \right]")


def convex(rel: str, right: str = PARTS, header: str = CONVEX) -> str:
    return header.replace("LEFT", MIX).replace("REL", rel).replace("RIGHT", right)


def test_convexity_of_kl_is_the_log_sum_inequality_at_each_x():
    outcome = steps(convex(r"\leq"))[0]
    assert outcome.verdict is Verdict.PROVED, outcome.outcome.method
    assert "log-sum" in outcome.outcome.method and "a_2 = " in outcome.outcome.method


@pytest.mark.parametrize("rel, right", [
    (r"\geq", PARTS),  # the wrong direction
    ("<", PARTS),  # strict: equality at p_1 = p_2, q_1 = q_2
    (r"\leq", PARTS.replace(r"(1-\lambda) p_2(x) \cdot", r"(1-\lambda) p_1(x) \cdot")),
])
def test_convexity_false_neighbours(rel: str, right: str):
    assert verdict(convex(rel, right)) is not Verdict.PROVED


def test_convexity_needs_lambda_below_one():
    """lambda in (0, 2): 1 - lambda may be negative, a_2 > 0 is not proved."""
    header = CONVEX.replace(r"\lambda \in (0, 1)", r"\lambda \in (0, 2)")
    assert verdict(convex(r"\leq", header=header)) is not Verdict.PROVED


def test_finite_sums_are_written_out_only_with_number_limits():
    p = sp.IndexedBase("p", positive=True)
    x = sp.Symbol("x", integer=True)
    d = Distribution(p, x, 2, start=0)
    a = Assumptions(distributions=(d,))
    assert check_equal(sp.Sum(p[x], (x, 0, 1)), p[0] + p[1], a).proved
    assert not check_equal(sp.Sum(p[x], (x, 0, 1)), p[1] + p[2], a).proved


# ---------------------------------------------------------------- joint pmf, marginals
MI = r"""% assume: p(x,y) distribution over (x, y) \in \mathcal{X} \times \mathcal{Y}
% assume: p(x) = \sum_{y \in \mathcal{Y}} p(x,y)
% assume: p(y) = \sum_{x \in \mathcal{X}} p(x,y)
% assume: \mathrm{I}(X,Y) = \sum_{x \in \mathcal{X}} \sum_{y \in \mathcal{Y}} p(x,y) \log \frac{p(x,y)}{p(x)\,p(y)}
\begin{align*}
\mathrm{I}(X,Y) &= RIGHT
\end{align*}
"""
MI_RIGHT = (r"\sum_x \sum_y p(x,y) \log p(x,y) - \sum_x p(x) \log p(x) - "
            r"\sum_y p(y) \log p(y)")


def test_mutual_information_through_the_marginals():
    assert verdict(MI.replace("RIGHT", MI_RIGHT)) is Verdict.PROVED


@pytest.mark.parametrize("right", [
    MI_RIGHT.replace(r"- \sum_y p(y)", r"+ \sum_y p(y)"),  # a sign
    MI_RIGHT.replace(r"\sum_x p(x) \log p(x)", r"\sum_x p(x) \log p(x) \cdot 2"),
])
def test_mutual_information_false_neighbours(right: str):
    assert verdict(MI.replace("RIGHT", right)) is not Verdict.PROVED


def test_mutual_information_needs_the_marginal_rule():
    header = MI.replace("% assume: p(y) = \\sum_{x \\in \\mathcal{X}} p(x,y)\n", "")
    assert verdict(header.replace("RIGHT", MI_RIGHT)) is not Verdict.PROVED


def test_factors_leave_only_the_sums_they_are_free_of():
    x, y = sp.symbols("x y", integer=True)
    m, n = sp.symbols("m n", integer=True, positive=True)
    f, g = sp.Function("f"), sp.Function("g")
    double = sp.Sum(f(y) * g(x, y), (y, 1, n), (x, 1, m))
    assert factor_out_of_sums(double) == sp.Sum(f(y) * sp.Sum(g(x, y), (x, 1, m)), (y, 1, n))
    triangle = sp.Sum(f(y) * g(x, y), (y, 1, x), (x, 1, m))  # y's range depends on x
    assert factor_out_of_sums(triangle) == triangle


# ---------------------------------------------------------------- Gibbs, q(x) > 0 declared
GIBBS = r"""% assume: p distribution over x \in I
% assume: q(x) > 0, \sum_{x \in I} q(x) \le 1
\begin{align*}
\sum_{x \in I} p(x) \, \ln \frac{p(x)}{q(x)} &REL RIGHT
\end{align*}
"""
GIBBS_RIGHT = r"\sum_{x \in I} p(x) - \sum_{x \in I} q(x)"


def test_gibbs_with_q_positive_declared_for_every_x():
    """10 CPU s a stage: the fit tries other lemmas first (the corpus file runs at the default)."""
    text = GIBBS.replace("REL", r"\geq").replace("RIGHT", GIBBS_RIGHT)
    assert verdict(text, seconds=10.0) is Verdict.PROVED


@pytest.mark.parametrize("rel, right", [
    (r"\leq", GIBBS_RIGHT),  # the wrong direction
    (">", GIBBS_RIGHT),  # strict: equality at q = p
    (r"\geq", GIBBS_RIGHT.replace(r"- \sum", r"+ \sum")),  # the slip of the corpus
])
def test_gibbs_false_neighbours(rel: str, right: str):
    assert verdict(GIBBS.replace("REL", rel).replace("RIGHT", right)) is not Verdict.PROVED


def test_gibbs_needs_q_positive():
    text = GIBBS.replace("q(x) > 0, ", "").replace("REL", r"\geq").replace("RIGHT", GIBBS_RIGHT)
    assert verdict(text) is not Verdict.PROVED


def test_a_sign_at_one_point_is_not_a_sign_everywhere():
    t, t0 = sp.symbols("t t_0", real=True)
    f = sp.Function("f", real=True)
    at_one = Assumptions(facts=(sp.Gt(f(t0), 0),))
    assert positive_functions(sp.log(f(t)), at_one) == sp.log(f(t))
    assert prove_sign(f(t), at_one, strict=True) is None
    p = sp.IndexedBase("p", positive=True)
    everywhere = Assumptions(distributions=(Distribution(p, t.as_dummy(), 2),),
                             facts=(sp.Gt(f(t), 0),))
    s = sp.Symbol("s", real=True)  # f(t) > 0 declared says nothing of f at another point s
    assert prove_sign(f(s), everywhere, strict=True) is None
    assert positive_functions(sp.log(f(s)), everywhere) == sp.log(f(s))  # t is not p's index
