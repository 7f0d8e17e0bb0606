"""Forms the reader takes as people write them (issue 14): each reads the true case, a false
neighbour written the same way is not proved, and each side condition, dropped, leaves the
step unread or unproved."""

import textwrap

import pytest

from derive.engine.verdict import Verdict
from derive.notation.document import read_latex
from derive.notation.reader import ParseError


def chains(text: str) -> list:
    return read_latex(textwrap.dedent(text))


def verdicts(text: str) -> list[Verdict]:
    return [s.verdict for c in chains(text) for s in c.derivation.check().steps]


def notes(text: str) -> list[str]:
    return [n for c in chains(text) for step in c.readings for n in step]


# ------------------------------------------------------------------ a stray `)`
STRAY = r"""
    % assume: a > 0
    % assume: b > 0
    \begin{align*}
    \log(a b)) &= \log(a) + \log(b)
    \end{align*}"""


def test_a_stray_closing_parenthesis_is_dropped_with_a_note() -> None:
    assert verdicts(STRAY) == [Verdict.PROVED]
    assert any("unmatched ')' at line 5, column 10 ignored" in n for n in notes(STRAY))


def test_a_stray_parenthesis_does_not_make_a_false_step_true() -> None:
    assert verdicts(STRAY.replace(r"\log(b)", r"\log(a)")) != [Verdict.PROVED]


def test_a_stray_parenthesis_inside_left_right() -> None:
    text = STRAY.replace(r"\log(a b))", r"\left[ \log(a b) ) \right]")
    assert verdicts(text) == [Verdict.PROVED]


@pytest.mark.parametrize("row", [
    r"\log(a b] &= \log(a) + \log(b)",       # a mismatch, not a stray
    r"\log[a b) &= \log(a) + \log(b)",       # `[a, b)`: may be an interval
    r"\log((a b) &= \log(a) + \log(b))) (",  # an unclosed bracket remains
])
def test_other_mismatches_keep_the_located_error(row: str) -> None:
    with pytest.raises(ParseError):
        verdicts(STRAY.replace(r"\log(a b)) &= \log(a) + \log(b)", row))


# ------------------------------------------------------------------ E_x and a pmf moving with θ
SCORE = r"""
    % assume: p distribution over x \in \mathcal{X}
    % assume: p depends on \theta
    % assume: f does not depend on \theta
    % assume: x \sim p(x)
    \begin{align*}
    \nabla_{\theta} E_x[f(x)] &= \nabla_{\theta} \sum_x p(x) f(x) \\
    & = \sum_x \nabla_{\theta} p(x) f(x) \\
    & = \sum_x p(x) \nabla_{\theta} \log p(x) f(x) \\
    & = E_x[f(x) \nabla_{\theta} \log p(x) ]
    \end{align*}"""


def test_the_score_function_identity_over_a_moving_pmf() -> None:
    assert verdicts(SCORE) == [Verdict.PROVED] * 4
    shown = notes(SCORE)
    assert any("E_x as E over x ~ p(x, θ) (declared)" in n for n in shown)
    assert any("p(x) as p(x, θ): an entry of p, which depends on θ" in n for n in shown)


@pytest.mark.parametrize("old, new", [
    (r"& = \sum_x \nabla_{\theta} p(x) f(x)", r"& = 0"),  # the gradient of a pmf is not 0
    (r"\nabla_{\theta} \log p(x) ]", r"\nabla_{\theta} p(x) ]"),  # the score without its log
    (r"\sum_x p(x) \nabla_{\theta} \log p(x) f(x)", r"\sum_x \nabla_{\theta} \log p(x) f(x)"),
])
def test_a_false_score_step_is_not_proved(old: str, new: str) -> None:
    got = verdicts(SCORE.replace(old, new))
    assert got != [Verdict.PROVED] * 4 and Verdict.REFUTED not in got[:1]


def test_without_its_dependence_the_gradient_of_a_pmf_is_refused() -> None:
    with pytest.raises(ParseError, match="derivative"):
        verdicts(SCORE.replace(r"% assume: p depends on \theta", ""))


def test_e_x_needs_the_law_of_x() -> None:
    with pytest.raises(ParseError, match="E_{x}: x is not a declared density"):
        verdicts(SCORE.replace(r"% assume: x \sim p(x)", ""))


def test_a_constant_entry_beside_a_moving_one_is_refused() -> None:
    with pytest.raises(ParseError, match="an entry of p not written p"):
        verdicts(SCORE.replace(r"\sum_x p(x) \nabla_{\theta} \log p(x) f(x)",
                               r"\sum_x p_x \nabla_{\theta} \log p(x) f(x)"))


def test_a_function_bracket_ends_an_unbraced_log_argument() -> None:
    (c,) = chains(r"""
        % assume: p, f densities over x
        \begin{align*} \log p(x) f(x) &= f(x) \log p(x) \end{align*}""")
    assert c.derivation.check().steps[0].verdict == Verdict.PROVED
    (c,) = chains(r"""
        % assume: \sigma > 0
        \begin{align*} \log 2\pi\sigma^2 &= \log(2\pi\sigma^2) \end{align*}""")
    assert c.derivation.check().steps[0].verdict == Verdict.PROVED


# ------------------------------------------------------------------ \partial E, ^\top, X ~ p(x|θ)
DX = r"""
    % assume: p(x | \theta) density over x
    % assume: p(x | \theta) depends on \theta
    % assume: f does not depend on \theta
    % assume: X \sim p(x | \theta)
    % assume: \partial E(\theta) = \int f(x) ~ \nabla_\theta p(x | \theta)^\top ~\mathrm{d} x
    \begin{align*}
    \partial E(\theta)
    & = \int f(x) ~ \nabla_\theta p(x | \theta)^\top ~ \mathrm{d}x \\
    & = \int f(x) ~ \nabla_\theta \log p(x | \theta)^\top p(x | \theta) ~ \mathrm{d}x \\
    & = \mathbb{E} \left[f(X) \nabla_\theta \log p(X | \theta)^\top\right]
    \end{align*}"""


def test_the_score_function_of_a_density_with_a_parameter() -> None:
    assert verdicts(DX) == [Verdict.PROVED] * 3
    shown = notes(DX)
    assert any("\\partial E as the name ∂E" in n for n in shown)
    assert any("a scalar here, its own transpose" in n for n in shown)
    assert any("E over X as over x, the variable of p_x|theta" in n for n in shown)


@pytest.mark.parametrize("old, new, step", [
    (r"\log p(x | \theta)^\top p(x | \theta) ~", r"\log p(x | \theta)^\top ~", 1),  # p dropped
    (r"f(X) \nabla_\theta \log p(X | \theta)^\top", r"f(X) \nabla_\theta p(X | \theta)^\top", 2),
])
def test_a_false_score_step_of_a_density_is_not_proved(old: str, new: str, step: int) -> None:
    assert verdicts(DX.replace(old, new))[step] != Verdict.PROVED


def test_a_derivative_in_a_given_variable_needs_the_declared_dependence() -> None:
    """Without it, theta is only part of the name p_x|theta: d/dtheta would be 0."""
    zero = r"""
        % assume: p(x | \theta) density over x
        \begin{align*} \int f(x) \nabla_\theta p(x | \theta) dx &= 0 \end{align*}"""
    with pytest.raises(ParseError, match="derivative in theta of the density p_x|theta"):
        verdicts(zero)
    moving = zero.replace("over x\n", "over x\n        % assume: p(x | \\theta) depends on "
                                      "\\theta\n")
    assert verdicts(moving) != [Verdict.PROVED]
    with pytest.raises(ParseError, match="derivative in theta"):
        verdicts(DX.replace(r"% assume: p(x | \theta) depends on \theta", ""))


def test_a_transpose_of_a_vector_stays_an_error() -> None:
    with pytest.raises(ParseError, match="transpose"):
        verdicts(r"""
            % assume: \mathbf{z} \in \mathbb{R}^d
            \begin{align*} \mathbf{z}^\top \mathbf{z} &= \mathbf{z} \mathbf{z}^\top \end{align*}""")


def test_the_partial_name_without_its_definition_is_not_proved() -> None:
    text = DX.replace(r"% assume: \partial E(\theta) = \int f(x) ~ \nabla_\theta "
                      r"p(x | \theta)^\top ~\mathrm{d} x", "")
    assert verdicts(text)[0] != Verdict.PROVED


def test_an_expectation_over_x_keeps_its_name_where_x_is_free() -> None:
    text = r"""
        % assume: p(x) density over x
        % assume: X \sim p(x)
        \begin{align*} \int f(x) p(x) dx &= \mathbb{E}[f(X)] \end{align*}"""
    assert verdicts(text) == [Verdict.PROVED]
    captured = text.replace(r"\mathbb{E}[f(X)]", r"\mathbb{E}[f(X) x] / x")
    assert not any("E over X as over x" in n for n in notes(captured))


# ------------------------------------------------------------------ x_j^{(l)}: two indices
def test_a_label_after_an_index_is_a_second_index_never_a_power() -> None:
    text = r"""
        % assume: \hat{\rho}_j^{(l)} \in (0, 1)
        \begin{align*}
        \hat{\rho}_j^{(l)} \hat{\rho}_j^{(l)} &= \left(\hat{\rho}_j^{(l)}\right)^2
        \end{align*}"""
    assert verdicts(text) == [Verdict.PROVED]
    assert any("rho_hat_j^(l) as the entry \\rho_hat[j, l], indexed by j and l" in n
               for n in notes(text))
    # not the power l of the entry j, nor the entry (l, j)
    for wrong in (r"\left(\hat{\rho}_j^{l}\right)^2", r"\left(\hat{\rho}_l^{(j)}\right)^2"):
        assert verdicts(text.replace(r"\left(\hat{\rho}_j^{(l)}\right)^2", wrong)) \
            != [Verdict.PROVED]
    # a number in the label: the entry (j, 2), not the square
    assert verdicts(r"\begin{align*} x_j^{(2)} &= x_j^2 \end{align*}") != [Verdict.PROVED]


def test_an_approximate_step_is_a_located_error_never_a_proof() -> None:
    with pytest.raises(ParseError, match=r"line 1, column 19: \\simeq is an approximation"):
        verdicts(r"\begin{align*} a &\simeq a \end{align*}")


def test_partial_as_an_operator_stays_an_error() -> None:
    """Only `\\partial E(...)`, a name applied, is read: a partial derivative is not a ratio."""
    with pytest.raises(ParseError, match=r"\\partial is not in the notation"):
        verdicts(r"\begin{align*} \frac{\partial f}{\partial x} &= 0 \end{align*}")


def test_a_transpose_of_what_may_be_a_vector_stays_an_error() -> None:
    """^\\top is dropped only on a density's value; f(x) or x - m may be vectors."""
    for row in (r"f(x)^\top f(x) &= f(x)^2", r"(x - m)^\top (x - m) &= (x - m)^2"):
        with pytest.raises(ParseError, match="a transpose"):
            verdicts(DX.split(r"\begin{align*}")[0] + r"\begin{align*}" + row +
                     r"\end{align*}")


# ------------------------------------------------------------------ a tuple in brackets
def test_a_tuple_is_a_located_error_that_names_it() -> None:
    # han_vae_kl writes N((mu_1, ..., mu_k), (sigma_1, ..., sigma_k)): standard deviations or
    # variances? The reader does not guess: it stops at the tuple's bracket.
    with pytest.raises(ParseError, match=r"tuple \(a, b, \.\.\.\) is not read") as err:
        chains(r"""
            % assume: a > 0
            \begin{align*} \log((a, b)) &= \log(a) \end{align*}""")
    assert (err.value.line, err.value.column) == (3, 21)  # the tuple's own bracket, after \log(


def test_brackets_and_arguments_without_a_tuple_still_read() -> None:
    assert verdicts(r"""
        % assume: a > 0
        % assume: b > 0
        \begin{align*} \log((a b)) &= \log(a) + \log(b) \end{align*}""") == [Verdict.PROVED]


def test_a_labelled_name_indexed_by_an_enclosing_sum_is_a_located_error():
    """x^{(i)} is read as a name (a label in parentheses); inside a sum over i it is the i-th
    x, and the name would make the true sum_{i=1}^2 x^{(i)} = x^{(1)} + x^{(2)} refuted."""
    text = "\\begin{align*}\n\\sum_{i=1}^{2} x^{(i)} = x^{(1)} + x^{(2)}\n\\end{align*}\n"
    with pytest.raises(ParseError, match=r"x\^\{\(i\)\} with i the index of an enclosing sum"):
        read_latex(text)
    (chain,) = read_latex("\\begin{align*}\nx^{(i)} + 1 = 1 + x^{(i)}\n\\end{align*}\n")
    assert chain.derivation.check().verdict is Verdict.PROVED  # not in a sum: still a name
