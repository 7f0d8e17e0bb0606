"""The expectation over K i.i.d. samples: E_{z^{(1)}, ..., z^{(K)} ~ q}[...] and the IWAE bound.

Step 1 of the corpus file kosiorek_iwae_monotone.tex (log p(x) >= L_{n+1}) is proved by
Jensen on the K-fold expectation and by linearity with each sample's marginal q; its false
neighbours (the soundness family `samples`) are not; L_{n+1} >= L_n (Burda et al. 2016,
Thm 1b) stays open with the theorem named. Reference: Burda, Grosse & Salakhutdinov,
"Importance Weighted Autoencoders", ICLR 2016, Thm 1.
"""

from pathlib import Path

import pytest
import sympy as sp

from derive.engine.assumptions import Assumptions, Density
from derive.engine.expectation import Expectation, IIDExpectation
from derive.engine.lemmas import jensen_expectation
from derive.engine.verdict import Verdict
from derive.identities.soundness import samples
from derive.identities.soundness.core import check_claim
from derive.notation.document import read, read_latex
from derive.notation.reader import ParseError

CORPUS = Path(__file__).parent / "corpus" / "kosiorek_iwae_monotone.tex"
HEADER, BOUND = samples.HEADER, samples.BOUND

z = sp.IndexedBase(sp.Symbol("z"), real=True)
k = sp.Symbol("k", integer=True)
K = sp.Symbol("K", integer=True, positive=True)
v = sp.Symbol("v", real=True)
q, w = sp.Function("q", positive=True), sp.Function("w")


def chain(assume: str, body: str):
    return read_latex(assume + "\n\\begin{align*}\n" + body + "\n\\end{align*}\n")[0]


# ---------------------------------------------------------------- the corpus file
@pytest.fixture(scope="module")
def corpus():
    (read_chain,) = read(CORPUS)
    return read_chain, read_chain.derivation.check()


def test_corpus_bound_proved_monotonicity_open_with_the_theorem_named(corpus) -> None:
    read_chain, result = corpus
    verdicts = [s.verdict for s in result.steps]
    assert verdicts == [Verdict.PROVED, Verdict.UNDECIDED, Verdict.UNDECIDED]
    assert "Jensen" in result.steps[0].outcome.method
    for step in result.steps[1:]:
        assert any("Thm 1b" in note for note in step.outcome.notes)


def test_corpus_reading_of_the_samples_is_shown(corpus) -> None:
    read_chain, _ = corpus
    notes = [" ".join(r) for r in read_chain.readings]
    assert all("i.i.d. ~ q_phi_z|x (as declared)" in n for n in notes)
    assert "n + 1 samples (n + 1 a positive integer)" in notes[0]
    assert "calL[1]" in notes[2]  # L_1: the family's entry, shown


# ---------------------------------------------------------------- the node
def test_marginal_mean_weight_is_one_sample_expectation() -> None:
    e = IIDExpectation(sp.Sum(w(z[k]), (k, 1, K)) / K + 3, z, K, q(v))
    assert e.unfold() == 3 + sp.Integral(q(v) * w(v), (v, -sp.oo, sp.oo))
    weighted = IIDExpectation(sp.Sum(k * w(z[k]), (k, 1, K)), z, K, q(v)).marginal()
    assert weighted == sp.Sum(Expectation(k * w(v), v, q), (k, 1, K))


def test_marginal_keeps_the_law_parameters() -> None:
    phi = sp.Symbol("phi", real=True)
    e = IIDExpectation(sp.Sum(w(z[k]), (k, 1, K)) / K, z, K, q(v, phi))
    assert e.marginal() == Expectation(w(v), v, q(v, phi))


@pytest.mark.parametrize("f, count", [
    (sp.log(sp.Sum(w(z[k]), (k, 1, K))), K),  # a log of the sum: no marginal gives it
    (sp.Sum(w(z[k]) * w(z[1]), (k, 1, K)), K),  # two samples in one term
    (sp.Sum(w(z[k]), (k, 1, K + 1)), K),  # z[K + 1] is no sample
    (sp.Sum(w(z[k]), (k, 1, sp.Symbol("m", real=True))), sp.Symbol("m", real=True)),
    (sp.Sum(w(z[k]), (k, 1, sp.Symbol("m", integer=True))), sp.Symbol("m", integer=True)),
], ids=["log", "two-samples", "past-K", "real-count", "count-maybe-zero"])
def test_marginal_refused(f, count) -> None:
    e = IIDExpectation(f, z, count, q(v))
    assert e.marginal() is None and e.unfold() == e


def test_samples_named_like_the_variable_are_refused() -> None:
    with pytest.raises(ValueError, match="label them apart"):
        IIDExpectation(z[1], z, K, q(z.label))
    with pytest.raises(ValueError, match="a density applied"):
        IIDExpectation(z[1], z, K, sp.Symbol("q"))


def test_jensen_needs_a_positive_integer_number_of_samples() -> None:
    p = sp.Function("p", positive=True)
    a = Assumptions(densities=(Density(q, v), Density(p, v)))
    t = sp.Symbol("t", positive=True)
    for count, proved in ((K, True), (sp.Symbol("m", real=True), False)):
        weight = sp.Sum(p(z[k]) / q(z[k]), (k, 1, count)) / count  # E[W] = integral of p = 1
        use = jensen_expectation(sp.Lambda(t, sp.log(t)), IIDExpectation(weight, z, count, q(v)))
        out = use.check(use.lhs, "<=", use.rhs, a)
        assert out.proved is proved, out.notes


# ---------------------------------------------------------------- true and false claims
@pytest.mark.parametrize("c", samples.claims(), ids=lambda c: c.key)
def test_neighbours_not_proved_bound_proved(c) -> None:
    r = check_claim(c)
    assert r.error == "" and r.ok
    assert (r.verdict is Verdict.PROVED) is c.true, (c.key, r.method)


def test_read_as_states_the_convention() -> None:
    notes = " ".join(chain(HEADER, BOUND.replace("&", "")).readings[0])
    assert "E over z[1], ..., z[K] i.i.d. ~ q_z|x(z) (as declared)" in notes
    assert "K samples (K a positive integer)" in notes
    assert "z^(k) or z_k in the body is the k-th sample z[k]" in notes


def test_bold_sample_inside_the_font() -> None:
    bold = HEADER.replace("z^{(1)}", r"\mathbf{z}^{(1)}").replace("z^{(K)}", r"\mathbf{z}^{(K)}")
    body = BOUND.replace("z^{(1)}", r"\mathbf{z}^{(1)}").replace("z^{(K)}", r"\mathbf{z}^{(K)}")
    body = body.replace("z^{(k)}", r"\mathbf{z^{(k)}}")
    got = chain(bold, body).derivation.steps[0].expr
    (node,) = got.atoms(IIDExpectation)
    assert node.function.has(z[k])


# ---------------------------------------------------------------- located errors
@pytest.mark.parametrize("header, body, message", [
    (HEADER.replace(r"\sim q(z|x) iid", "") .replace("% assume: z^{(1)}, \\dots, z^{(K)} ", ""),
     BOUND, "needs their joint law"),
    (HEADER + "\n% assume: r(z|x) density over z", BOUND.replace(r"\sim q(z|x)}", r"\sim r(z|x)}"),
     "needs their joint law"),
    (HEADER, BOUND.replace(r"{q(z^{(k)}|x)}", r"{q(z|x)}"), "z without a sample index"),
    (HEADER.replace("{(K)}", "{(0)}"), BOUND.replace("{(K)}", "{(0)}"), "not a positive integer"),
    (HEADER, BOUND.replace(r"z^{(1)}, \dots, z^{(K)}", r"z^{(1)}, z^{(2)}"),
     r"read only as z\^\{\(1\)\}, \\dots, z\^\{\(K\)\}"),
    (HEADER, BOUND.replace(r"z^{(1)}, \dots, z^{(K)} \sim q(z|x)",
                           r"z^{(1)}, \dots, z^{(K)} \sim \mathcal{N}(0, 1)"),
     "needs their joint law|a density q"),
], ids=["no-iid", "other-law", "bare-z", "zero-samples", "no-dots", "normal-law"])
def test_unread_forms_are_located_errors(header: str, body: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        chain(header, body.replace("&", ""))
    assert info.value.line > 0 and info.value.column > 0


# ---------------------------------------------------------------- the family L_K
def test_definition_over_a_size_is_a_family() -> None:
    """`L_K = K^2` defines L_K for every K: L_{n+1} >= L_1 was read with L_{n+1} and L_1 as
    two unrelated names, and refuted."""
    got = chain("% assume: n positive integer\n% assume: \\mathcal{L}_K = K^2",
                r"\mathcal{L}_{n+1} \geq \mathcal{L}_1")
    assert got.derivation.check().steps[0].verdict is Verdict.PROVED
    assert "calL[n + 1]: the header's definition of calL_K, read for every K" in got.readings[0]
    wrong = chain("% assume: n positive integer\n% assume: \\mathcal{L}_K = K^2",
                  r"\mathcal{L}_{n+1} < \mathcal{L}_1")
    assert wrong.derivation.check().steps[0].verdict is not Verdict.PROVED


def test_a_derivative_of_the_samples_expectation_is_a_located_error() -> None:
    """d/dphi E over K samples of q_phi: the dependence rules (a law named alone depends on
    phi) are the one-sample expectation's; without them the derivative would be 0."""
    grad = BOUND.replace("&", "").replace(r"\log p(x) \geq", "").replace(r"\sim q(z|x)",
                                                                        r"\sim q_\phi(z|x)")
    grad = grad.replace("{q(z^{(k)}|x)}", r"{q_\phi(z^{(k)}|x)}")
    header = "% assume: q_\\phi(z|x) density over z\n" + \
        HEADER.replace(r"\sim q(z|x) iid", r"\sim q_\phi(z|x) iid")
    with pytest.raises(ParseError, match="derivative of an expectation over K samples"):
        chain(header, r"\nabla_\phi " + grad + " = 0")
