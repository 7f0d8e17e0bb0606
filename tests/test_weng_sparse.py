"""Weng's sparse-autoencoder loss (tests/corpus/weng_sparse_kl.tex) and what it needs.

Three readings: the KL of two numbers a header equation defines (`D_\\text{KL}(\\rho \\|
\\hat{\\rho}) = ...`, applied to an entry of the family rho_hat in the chain), `L(\\theta)
function` (the loss L(theta) beside the number of layers L), and a ragged double sum
(j = 1..s_l under l = 1..L) written out with each l's own range by the sampler. Each has a
true case proved (or not refuted), a false neighbour not proved, and its declaration dropped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

from derive.engine.verdict import Verdict
from derive.notation.document import read, read_latex
from derive.notation.reader import ParseError

CORPUS = Path(__file__).parent / "corpus" / "weng_sparse_kl.tex"
TEXT = CORPUS.read_text(encoding="utf-8")
KL_LINE = (r"% assume: D_\text{KL}(\rho \| \hat{\rho}) = \rho\log\frac{\rho}{\hat{\rho}} + "
           r"(1-\rho)\log\frac{1-\rho}{1-\hat{\rho}}" + "\n")
TERMS = (r"\rho\log\frac{\rho}{\hat{\rho}_j^{(l)}} + "
         r"(1-\rho)\log\frac{1-\rho}{1-\hat{\rho}_j^{(l)}}")
SWAPPED = (r"\rho\log\frac{1-\rho}{1-\hat{\rho}_j^{(l)}} + "
           r"(1-\rho)\log\frac{\rho}{\hat{\rho}_j^{(l)}}")
# The same definition and sums with the sizes declared integers, so that the sampler can
# write the sums out and a false step is refuted, not only left undecided.
SIZED = r"""% assume: \rho \in (0, 1)
% assume: \hat{\rho}_j^{(l)} \in (0, 1)
% assume: L natural, s_l \in \{1, 2, 3\}
""" + KL_LINE + r"""\begin{align*}
\sum_{l=1}^L \sum_{j=1}^{s_l} D_\text{KL}(\rho \| \hat{\rho}_j^{(l)}) &= RIGHT
\end{align*}
"""


def verdicts(text: str, seconds: float = 10.0) -> list[Verdict]:
    (chain,) = read_latex(text)
    result = replace(chain.derivation, seconds=seconds).check(seed=0)
    return [s.verdict for s in result.steps]


def sized(right: str) -> Verdict:
    return verdicts(SIZED.replace("RIGHT", right))[0]


# ------------------------------------------------------------------ the corpus file
def test_the_corpus_file_reads_and_every_step_is_proved():
    (chain,) = read(CORPUS)
    shown = " ".join(" ".join(r) for r in chain.readings)
    assert "the header's D_KL of two numbers" in shown
    assert "the function L applied" in shown and "L alone is a number" in shown
    assert "the sum over j extends over the term" in shown
    assert verdicts(TEXT) == [Verdict.PROVED, Verdict.PROVED]


def test_the_kl_terms_swapped_are_not_proved():
    wrong = TEXT.replace(TERMS, SWAPPED)
    assert wrong != TEXT
    assert verdicts(wrong)[1] is not Verdict.PROVED


def test_the_definition_used_with_its_arguments_swapped_is_not_proved():
    wrong = TEXT.replace(r"\sum_{j=1}^{s_l} D_\text{KL}(\rho \| \hat{\rho}_j^{(l)}) \\",
                         r"\sum_{j=1}^{s_l} D_\text{KL}(\hat{\rho}_j^{(l)} \| \rho) \\")
    assert wrong != TEXT
    assert verdicts(wrong)[0] is not Verdict.PROVED


def test_without_the_definition_the_kl_of_numbers_is_a_located_error():
    text = TEXT.replace(KL_LINE, "")
    assert text != TEXT
    with pytest.raises(ParseError) as err:
        read_latex(text)
    assert "rho is not a declared distribution or density" in str(err.value)
    assert err.value.line == 10  # the header line that uses D_KL(rho || rho_hat_j^(l))


# ------------------------------------------------------------------ the KL of two numbers
def test_the_definition_is_applied_and_its_false_neighbours_refuted():
    assert sized(r"\sum_{l=1}^L \sum_{j=1}^{s_l} " + TERMS) is Verdict.PROVED
    assert sized(r"\sum_{l=1}^L \sum_{j=1}^{s_l} " + SWAPPED) is Verdict.REFUTED
    assert sized(r"\sum_{l=1}^L \sum_{j=1}^{s_l} D_\text{KL}(\hat{\rho}_j^{(l)} \| \rho)") \
        is Verdict.REFUTED


def test_the_definition_binds_its_names_whatever_the_order_of_the_header():
    """The definition's rho_hat is its argument, never the family rho_hat[j, l]: written
    before the family's declaration, it leaves no plain symbol rho_hat behind."""
    lines = SIZED.splitlines(keepends=True)
    family = lines.pop(1)
    reordered = "".join(lines).replace(KL_LINE, KL_LINE + family)
    right = r"\sum_{l=1}^L \sum_{j=1}^{s_l} " + TERMS
    assert verdicts(reordered.replace("RIGHT", right))[0] is Verdict.PROVED


def test_the_family_by_name_is_not_a_number():
    text = SIZED.replace(r"\sum_{l=1}^L \sum_{j=1}^{s_l} D_\text{KL}(\rho \| \hat{\rho}_j^{(l)})",
                         r"D_\text{KL}(\rho \| \hat{\rho})").replace("RIGHT", "0")
    with pytest.raises(ParseError, match="a family or a function, not a number"):
        read_latex(text)


def test_a_law_beside_a_number_is_still_an_error():
    text = ("% assume: p, q distributions over i = 1..n\n" + KL_LINE +
            "\\begin{align*}\nD_\\text{KL}(p \\| \\rho) &= 0\n\\end{align*}\n")
    with pytest.raises(ParseError, match="rho is not a declared distribution or density"):
        read_latex(text)


def test_the_kl_of_distributions_is_untouched_by_the_definition():
    text = ("% assume: p, q distributions over i = 1..n\n" + KL_LINE +
            "\\begin{align*}\nD_\\text{KL}(p \\| q) &= \\sum_i p_i \\log\\frac{p_i}{q_i}\n"
            "\\end{align*}\n")
    assert verdicts(text) == [Verdict.PROVED]
    wrong = text.replace(r"\frac{p_i}{q_i}", r"\frac{q_i}{p_i}")
    assert verdicts(wrong) == [Verdict.REFUTED]


def test_a_definition_of_two_equal_names_is_refused():
    text = SIZED.replace(r"D_\text{KL}(\rho \| \hat{\rho}) =", r"D_\text{KL}(\rho \| \rho) =")
    with pytest.raises(ParseError, match="two different plain names"):
        read_latex(text.replace("RIGHT", "0"))


# ------------------------------------------------------------------ L(theta) function
L_HEADER = "% assume: L(\\theta) function\n"
L_CHAIN = "\\begin{align*}\nL(\\theta) &= RIGHT\n\\end{align*}\n"


def test_a_declared_application_is_a_function_and_its_name_alone_a_number():
    (chain,) = read_latex(L_HEADER + L_CHAIN.replace("RIGHT", r"\sum_{l=1}^L L(\theta)"))
    lhs, rhs = chain.derivation.expressions
    assert isinstance(lhs, sp.core.function.AppliedUndef) and lhs.func.__name__ == "L"
    assert rhs.limits[0][2] == sp.Symbol("L", real=True)  # the upper limit: the number L


def test_without_the_declaration_l_theta_is_a_product():
    # The documented reading of any other letter before a parenthesis: L(theta) = L theta.
    assert verdicts(L_CHAIN.replace("RIGHT", r"L \theta")) == [Verdict.PROVED]
    assert verdicts(L_HEADER + L_CHAIN.replace("RIGHT", r"L \theta")) != [Verdict.PROVED]


# ------------------------------------------------------------------ ragged sums
RAGGED = (r"% assume: L natural, s_l \in \{1, 2, 3\}" + "\n\\begin{align*}\n"
          r"\sum_{l=1}^L \sum_{j=1}^{s_l} LEFT &= RIGHT" + "\n\\end{align*}\n")


def ragged(left: str, right: str) -> tuple[Verdict, dict | None]:
    (chain,) = read_latex(RAGGED.replace("LEFT", left).replace("RIGHT", right))
    step = replace(chain.derivation, seconds=10.0).check(seed=0).steps[0]
    return step.verdict, step.outcome.counterexample


def test_a_true_ragged_sum_is_not_refuted():
    for left, right in ((r"l j", r"\sum_{l=1}^L \frac{l s_l (s_l + 1)}{2}"),
                        (r"j", r"\sum_{l=1}^L \frac{s_l (s_l + 1)}{2}"),
                        (r"l", r"\sum_{l=1}^L l s_l")):
        assert ragged(left, right)[0] in (Verdict.PROVED, Verdict.CORROBORATED)


def test_a_false_ragged_sum_is_refuted_at_a_real_counterexample():
    verdict, point = ragged("l", r"\sum_{l=1}^L \frac{s_l (s_l + 1)}{2}")
    assert verdict is Verdict.REFUTED
    n = int(point["L"])
    s = [int(point[f"s[{k}]"]) for k in range(1, n + 1)]
    assert all(v in (1, 2, 3) for v in s)
    # each l with its own inner range 1..s_l, computed apart from the engine
    assert float(point["lhs"]) == sum(k * s[k - 1] for k in range(1, n + 1))
    assert float(point["rhs"]) == sum(v * (v + 1) // 2 for v in s)


def test_a_ragged_sum_whose_ranges_are_not_integers_has_no_value():
    # s_l undeclared (real): neither side is evaluated, so nothing is refuted or corroborated
    text = RAGGED.replace(r", s_l \in \{1, 2, 3\}", "")
    (chain,) = read_latex(text.replace("LEFT", "l").replace(
        "RIGHT", r"\sum_{l=1}^L \frac{s_l (s_l + 1)}{2}"))
    step = replace(chain.derivation, seconds=10.0).check(seed=0).steps[0]
    assert step.verdict is Verdict.UNDECIDED


# ------------------------------------------------------------------ two-index entry intervals
ENTRY = r"""% assume: \rho \in (0, 1)
% assume: \hat{\rho}_j^{(l)} \in (0, 1)
\begin{align*}
\log\frac{1-\rho}{1-\hat{\rho}_j^{(l)}} &= \log(1-\rho) - \log(1-\hat{\rho}_j^{(l)})
\end{align*}
"""


def test_the_interval_of_a_two_index_entry_is_used():
    assert verdicts(ENTRY) == [Verdict.PROVED]
    assert verdicts(ENTRY.replace("l)} \\in (0, 1)", "l)} \\in (0, 2)")) != [Verdict.PROVED]
    dropped = ENTRY.replace("% assume: \\hat{\\rho}_j^{(l)} \\in (0, 1)\n", "")
    assert dropped != ENTRY
    assert verdicts(dropped) != [Verdict.PROVED]
