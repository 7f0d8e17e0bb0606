"""Vectors with a symbolic dimension (issue 14): `z \\in \\mathbb{R}^J` and the normal density
N(z; mu, sigma^2 I) of z, read as the product of its J coordinates' densities. Each form is
proved where true, a wrong neighbour is not, each side condition is needed, and what is not a
diagonal covariance is a located error."""

import textwrap

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from derive.engine.definitions import unfold
from derive.engine.expectation import Expectation
from derive.engine.vectors import DiagonalNormalDensity, reduce
from derive.engine.verdict import Verdict
from derive.notation.document import read_latex
from derive.notation.reader import ParseError


def verdicts(text: str) -> list[Verdict]:
    return [s.verdict for c in read_latex(textwrap.dedent(text))
            for s in c.derivation.check().steps]


# The VAE's KL term (Kingma & Welling, appendix B), in the bold notation of the issue.
NEG_KL = r"""
    % assume: \mathbf{z} \in \mathbb{R}^J
    % assume: q(\mathbf{z}) = \mathcal{N}(\mathbf{z}; \boldsymbol{\mu}, \boldsymbol{\sigma}^2\mathbf{I})
    % assume: p(\mathbf{z}) = \mathcal{N}(\mathbf{z}; \mathbf{0}, \mathbf{I})
    % assume: \sigma_j > 0
    \begin{align*}
    -D_{KL}(q(\mathbf{z}) \| p(\mathbf{z}))
      &= \int q(\mathbf{z}) (\log p(\mathbf{z}) - \log q(\mathbf{z})) \, d\mathbf{z} \\
      &= \frac{1}{2} \sum_{j=1}^{J} (1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2)
    \end{align*}"""


def test_the_vae_kl_term_is_proved() -> None:
    assert verdicts(NEG_KL) == [Verdict.PROVED, Verdict.PROVED]


@pytest.mark.parametrize("wrong", [
    r"\frac{1}{2} \sum_{j=1}^{J} (1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2)".replace(
        r"\frac{1}{2} ", ""),  # the 1/2 dropped
    r"\frac{1}{2} \sum_{j=1}^{J} (\log \sigma_j^2 - \mu_j^2 - \sigma_j^2)",  # the 1 dropped
    r"\frac{1}{2} \sum_{j=1}^{J} (1 + \log \sigma_j - \mu_j^2 - \sigma_j^2)",  # log sigma_j
    r"\frac{1}{2} \sum_{j=1}^{J} (1 + \log \sigma_j^2 + \mu_j^2 - \sigma_j^2)",  # a sign
])
def test_a_wrong_per_coordinate_formula_is_refuted(wrong: str) -> None:
    text = NEG_KL.replace(
        r"\frac{1}{2} \sum_{j=1}^{J} (1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2)", wrong)
    assert verdicts(text) == [Verdict.PROVED, Verdict.REFUTED]


def test_the_variances_must_be_positive() -> None:
    """Without sigma_j > 0 the variance sigma_j^2 may be 0: no normal law, no proof."""
    got = verdicts(NEG_KL.replace(r"% assume: \sigma_j > 0", ""))
    assert Verdict.PROVED not in got


CROSS_ENTROPY = r"""
    % assume: z \in \mathbb{R}^J
    % assume: \sigma_j > 0
    \begin{align*}
    \int\mathcal{N}(z;\mu,\sigma^{2})\log\mathcal{N}(z;0,I)dz
      &= -\frac{J}{2}\log(2\pi)-\frac{1}{2}\sum_{j=1}^{J}(\mu_{j}^{2}+\sigma_{j}^{2})
    \end{align*}"""


def test_the_dimension_counts_the_normalisers() -> None:
    """sum_{j=1}^J log(2 pi)/2 = J log(2 pi)/2: J is a positive integer."""
    assert verdicts(CROSS_ENTROPY) == [Verdict.PROVED]
    half = CROSS_ENTROPY.replace(r"-\frac{J}{2}\log(2\pi)", r"-\frac{1}{2}\log(2\pi)")
    assert verdicts(half) == [Verdict.REFUTED]


def test_the_reduction_agrees_with_scipy() -> None:
    """E_{N(mu, diag s^2)}[log N(z; mu, diag s^2)] = -entropy, at J = 3, two ways."""
    z = sp.Symbol("z", real=True)
    d = DiagonalNormalDensity.make(z, sp.Integer(3), sp.Symbol("mu"), sp.Symbol("s"))
    mu, s = sp.IndexedBase("mu", real=True), sp.IndexedBase("s", positive=True)
    bases = {"mu": mu, "s": s}
    got = reduce(sp.Integral(d * sp.log(d), (z, -sp.oo, sp.oo)), bases.__getitem__)
    assert got.has(Expectation)
    m, sd = [0.3, -1.2, 2.0], [0.5, 1.7, 0.9]
    value = unfold(got).doit().subs({mu[k + 1]: m[k] for k in range(3)} |
                                    {s[k + 1]: sd[k] for k in range(3)})
    reference = -stats.multivariate_normal(m, np.diag(np.square(sd))).entropy()
    assert float(value) == pytest.approx(reference, rel=1e-12)


def test_a_full_covariance_is_not_read_as_diagonal() -> None:
    for cov in (r"\Sigma", r"\sigma", r"\sigma^2 \Sigma", r"A^\top A"):
        with pytest.raises(ParseError, match=r"line 3, column \d+: .*(diagonal|transpose)"):
            read_latex(textwrap.dedent(NEG_KL.replace(
                r"\boldsymbol{\sigma}^2\mathbf{I})", cov + ")")))


def test_diag_of_squares_is_a_diagonal_covariance() -> None:
    text = NEG_KL.replace(r"\boldsymbol{\sigma}^2\mathbf{I})", r"\mathrm{diag}(\sigma^2))")
    assert verdicts(text) == [Verdict.PROVED, Verdict.PROVED]
    with pytest.raises(ParseError, match="diag"):
        read_latex(textwrap.dedent(text.replace(r"\mathrm{diag}(\sigma^2)",
                                                r"\mathrm{diag}(\sigma)")))


@pytest.mark.parametrize("header, match", [
    (r"% assume: J < 0", "must be a positive integer"),
    (r"% assume: J \in (0, 1)", "must be a positive integer"),
])
def test_the_dimension_is_a_positive_integer(header: str, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        read_latex(header + "\n" + textwrap.dedent(NEG_KL))


def test_a_zero_dimension_and_a_late_declaration_are_errors() -> None:
    with pytest.raises(ParseError, match="at least 1"):
        read_latex(textwrap.dedent(NEG_KL).replace("^J", "^0"))
    # z read as a number by an equation, then declared a vector: refused, not read two ways
    late = "% assume: q(z) = \\mathcal{N}(z; \\mu, \\sigma^2)\n% assume: z \\in \\mathbb{R}^J\n" \
        "\\begin{align*} a &= a \\end{align*}"
    with pytest.raises(ParseError, match="line 2, column 11: .*before the equations"):
        read_latex(late)


def test_a_vector_without_its_dimension_is_still_refused() -> None:
    text = textwrap.dedent(NEG_KL).replace(r"% assume: \mathbf{z} \in \mathbb{R}^J", "")
    with pytest.raises(ParseError, match="normal density of a vector is not read yet"):
        read_latex(text)


@pytest.mark.parametrize("body", [
    r"\mathcal{N}(z; \mu, \sigma^2) &= 1",  # neither under a log nor an integral's weight
    r"\int \mathcal{N}(z; \mu, \sigma^2) z_1 \, dz &= \mu_1",  # one fixed coordinate
    r"\int \mathcal{N}(z; \mu, \sigma^2) \sum_{j=1}^{J} z_j \sum_{k=1}^{J} z_k \, dz &= 0",
    r"\int \mathcal{N}(z; \mu, \sigma^2) \sum_{j=1}^{n} z_j \, dz &= 0",  # another range
])
def test_what_the_reduction_does_not_cover_is_an_error(body: str) -> None:
    text = "% assume: z \\in \\mathbb{R}^J, \\sigma_j > 0\n\\begin{align*}\n" + body + \
        "\n\\end{align*}"
    with pytest.raises(ParseError, match=r"line \d+, column \d+: .*is read only under a log"):
        read_latex(text)


def test_a_name_is_not_both_a_vector_and_a_number() -> None:
    text = "% assume: z \\in \\mathbb{R}^J, \\sigma_j > 0\n\\begin{align*}\n" \
        r"\int \mathcal{N}(z; \mu, \sigma^2) \log \mathcal{N}(z; \mu, \sigma^2) \, dz" \
        r" &= -\frac{J}{2} \log(2 \pi \sigma^2)" + "\n\\end{align*}"
    with pytest.raises(ParseError, match="sigma is both a vector"):
        read_latex(text)


def test_the_reading_is_shown() -> None:
    chain, = read_latex(textwrap.dedent(CROSS_ENTROPY))
    notes = " ".join(chain.readings[0])
    assert "product over j = 1..J of N(z_j; mu_j, sigma_j²)" in notes
    assert "N(z_j; 0, 1)" in notes
    assert "expectations over z_j" in notes


def test_a_sum_of_a_constant_counts_its_terms_only_forwards() -> None:
    """The engine's sum_{j=1}^{n} c = n c needs n >= 0 (a sum that runs backwards is empty)."""
    from derive.engine.checks import linearise

    c, j = sp.Symbol("c", real=True), sp.Symbol("j", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    assert linearise(sp.Sum(c, (j, 1, n))) == c * n
    m = sp.Symbol("m", integer=True)
    assert linearise(sp.Sum(c, (j, 1, m))) == c * sp.Sum(1, (j, 1, m))
    x = sp.Symbol("x", positive=True)  # not an integer: no count
    assert linearise(sp.Sum(c, (j, 1, x))) == c * sp.Sum(1, (j, 1, x))


# ------------------------------------------------------------------ products and coordinates
def chain(body: str, header: str = "") -> str:
    return header + "\n\\begin{align*}\n" + body + "\n\\end{align*}"


def test_the_log_of_a_product_of_positive_factors_is_the_sum_of_logs() -> None:
    body = r"\log \prod_{j=1}^{n} a_j &= \sum_{j=1}^{n} \log a_j"
    assert verdicts(chain(body, "% assume: a_j > 0")) == [Verdict.PROVED]
    # the side condition: without a_j > 0 (two negative factors) it is not proved
    assert verdicts(chain(body)) != [Verdict.PROVED]
    wrong = r"\log \prod_{j=1}^{n} a_j &= \sum_{j=1}^{n} \log a_j + \log 2"
    assert verdicts(chain(wrong, "% assume: a_j > 0")) == [Verdict.REFUTED]


DECODER = r"""
    % assume: x \in \mathbb{R}^D
    % assume: g(x|z) = \prod_{j=1}^D g(x_j|z)
    % assume: g(x_j|z) = \mathcal{N}(x_j; \mu_j, 1)
    \begin{align*}
    \log g(x|z) &= \sum_{j=1}^D \log g(x_j|z) \\
      &= -\frac{D}{2} \log(2\pi) - \frac{1}{2} \sum_{j=1}^D (x_j - \mu_j)^2
    \end{align*}"""


def test_a_density_of_independent_coordinates() -> None:
    """g(x|z) = prod_j g(x_j|z) with normal coordinates: the Gaussian decoder's log-likelihood."""
    assert verdicts(DECODER) == [Verdict.PROVED, Verdict.PROVED]
    half = DECODER.replace(r"- \frac{1}{2} \sum", r"- \sum")
    assert verdicts(half) == [Verdict.PROVED, Verdict.REFUTED]


def test_a_coordinate_density_is_not_the_vector_density() -> None:
    """g(x_j|z) names the density of one coordinate (a function of x_j and j), not g(x|z)."""
    text = chain(r"g(x|z) &= g(x_j|z)", r"% assume: x \in \mathbb{R}^D")
    assert verdicts(text) != [Verdict.PROVED]
    # without its rule for every j, the header's product says nothing about g(x_j|z)
    no_rule = DECODER.replace(r"% assume: g(x_j|z) = \mathcal{N}(x_j; \mu_j, 1)", "")
    assert verdicts(no_rule)[1] != Verdict.PROVED


def test_an_unbracketed_sum_takes_the_terms_that_use_its_index() -> None:
    from derive.notation.reader import parse_latex

    a, b = sp.IndexedBase("a", real=True), sp.IndexedBase("b", real=True)
    j, n = sp.Symbol("j", integer=True), sp.Symbol("n", integer=True, positive=True)
    assert parse_latex(r"\sum_{j=1}^{n} a_j + b_j") == sp.Sum(a[j] + b[j], (j, 1, n))
    assert parse_latex(r"\sum_{j=1}^{n} a_j - b_j + 1") == sp.Sum(a[j] - b[j], (j, 1, n)) + 1
    assert parse_latex(r"\sum_{j=1}^{n} a_j + \sum_{j=1}^{n} b_j") == \
        sp.Sum(a[j], (j, 1, n)) + sp.Sum(b[j], (j, 1, n))
    text = chain(r"\sum_{j=1}^{n} a_j + b_j &= \sum_{j=1}^{n} (a_j + b_j)")
    chain_, = read_latex(text)
    assert any("extends over the term" in r for r in chain_.readings[0])
    assert verdicts(text) == [Verdict.PROVED]
    # a false neighbour: the second term dropped
    assert verdicts(chain(r"\sum_{j=1}^{n} a_j + b_j &= \sum_{j=1}^{n} a_j")) == \
        [Verdict.REFUTED]


def test_an_isotropic_covariance_and_a_mean_that_is_not_a_name() -> None:
    iso = chain(r"\int \mathcal{N}(z; 0, 2 I) \log \mathcal{N}(z; 0, 2 I) \, dz "
                r"&= -\frac{J}{2} (\log(4 \pi) + 1)", r"% assume: z \in \mathbb{R}^J")
    assert verdicts(iso) == [Verdict.PROVED]
    assert verdicts(iso.replace(r"\log(4 \pi)", r"\log(2 \pi)")) == [Verdict.REFUTED]
    with pytest.raises(ParseError, match="expected a vector's name or 0"):
        read_latex(iso.replace(r"\mathcal{N}(z; 0, 2 I) \log",
                               r"\mathcal{N}(z; \mu + 1, 2 I) \log"))
