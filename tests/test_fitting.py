"""Lemmas found by a step's shape (issue 15: `% by:` is optional), and their traps.

Each true step below names no lemma and is proved by the one that fits; each false neighbour
(the wrong orientation, a dropped side condition, a weight that may be negative) is not.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from derive.engine.verdict import Verdict
from derive.notation.document import read_latex

GIBBS_SUM = r"""% assume: p_i > 0, \sum_{i \in I} p_i = 1
% assume: q_i > 0, \sum_{i \in I} q_i \le 1
\begin{align*}
- \sum_{i \in I} p_i \ln \frac{q_i}{p_i} & \geq RHS
\end{align*}
"""
RIGHT = r"- \sum_{i \in I} p_i \left( \frac{q_i}{p_i} - 1 \right)"
JENSEN_DENSITY = r"""% assume: p, q densities over x
% assume: P has density p
% assume: Q has density q
\begin{align*}
-\mathrm{KL}[P||Q] &REL \log \int p(x) \cdot \frac{q(x)}{p(x)} \, \mathrm{d}x
\end{align*}
"""
LOG_SUM = r"""% assume: p, q distributions over x \in \mathcal{X}
\begin{align*}
\sum_{x \in \mathcal{X}} p(x) \log \frac{p(x)}{q(x)} &REL 1 \log \frac{1}{1}
\end{align*}
"""


def first_step(text: str, seconds: float = 3.0) -> tuple[Verdict, str]:
    """The first step's verdict and method, at 3 CPU s a stage (the fitted proofs take < 1 s;
    a false neighbour is then undecided or refuted sooner, and never proved at any limit)."""
    (chain,) = read_latex(text)
    step = replace(chain.derivation, seconds=seconds).check(seed=0).steps[0]
    return step.verdict, step.outcome.method


def test_gibbs_under_a_sum_is_found_by_its_shape():
    verdict, method = first_step(GIBBS_SUM.replace("RHS", RIGHT))
    assert verdict is Verdict.PROVED, method
    assert "found by the step's shape" in method and "summing" in method
    assert method.startswith("log t <= t - 1")  # the lemma at the heart is named first
    assert "times p[i]" in method  # and the positive factor it was fitted with


@pytest.mark.parametrize("rel, rhs", [
    (r"\leq", RIGHT),  # KL <= 1 - sum q: wrong (p = (9/10, 1/10), q = (1/10, 9/10))
    (">", RIGHT),  # strict: equality at q = p
    (r"\geq", RIGHT.replace("- 1", "- 2")),  # KL >= 2 - sum q: t - 2 (fails at q = p)
])
def test_gibbs_false_neighbours_are_not_proved(rel: str, rhs: str):
    text = GIBBS_SUM.replace(r"\geq RHS", f"{rel} {rhs}")
    assert first_step(text)[0] is not Verdict.PROVED


def test_gibbs_needs_the_weights_nonnegative():
    """Without p_i > 0 the factor p_i of the fitted instance is not known positive."""
    text = GIBBS_SUM.replace("p_i > 0, ", "").replace("RHS", RIGHT)
    assert first_step(text)[0] is not Verdict.PROVED


def test_jensen_for_densities_is_found_from_the_kl():
    verdict, method = first_step(JENSEN_DENSITY.replace("REL", r"\leq"))
    assert verdict is Verdict.PROVED, method
    assert "Jensen" in method


@pytest.mark.parametrize("rel", [r"\geq", "<"])
def test_jensen_the_other_way_or_strict_is_not_proved(rel: str):
    assert first_step(JENSEN_DENSITY.replace("REL", rel))[0] is not Verdict.PROVED


def test_the_log_sum_inequality_is_found_from_the_sum():
    verdict, method = first_step(LOG_SUM.replace("REL", r"\geq"))
    assert verdict is Verdict.PROVED, method
    assert "log-sum" in method


def test_the_log_sum_inequality_the_other_way_is_not_proved():
    assert first_step(LOG_SUM.replace("REL", r"<"))[0] is not Verdict.PROVED


def test_a_named_reason_in_words_does_not_stop_the_search():
    """A reason in words (not a lemma key) leaves the step to the search, as no reason does."""
    text = JENSEN_DENSITY.replace("REL", r"\leq").replace(
        r"\mathrm{d}x", r"\mathrm{d}x \quad \text{(Jensen)}")
    assert first_step(text)[0] is Verdict.PROVED
