"""Holes found by attacking entry intervals, Jensen in integrals, and <= from equal sides.

Each test is a false claim one of the three mechanisms of commit e62515a proved (or a
neighbour of one), and the true claim next to it that must still be proved:

- a conditional density g(x|z), declared over x, stands under an integral over z as the
  likelihood z -> g(x|z): it is no density in z, so neither Jensen with it as the weight nor
  int g(x|z) dz = 1 holds (`Density.weighs`);
- the positive family an entry interval writes p_j with is a fresh one: a family the user
  named u_p is not it (p_1 = u_p1 / (1 + u_p1) is no identity);
- an entry interval whose bounds name the index (p_j in (0, j)) is not one interval for
  every entry: a located error in the header, and no image in the engine;
- an interval on a symbol p leaves the family p (whose name is that symbol) alone.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from derive.engine.assumptions import Assumptions, Density
from derive.engine.checks import check_equal, on_intervals, prove_equal
from derive.engine.verdict import Verdict
from derive.notation.document import read_latex
from derive.notation.reader import ParseError

LIKELIHOOD = r"""% assume: g(x|z) density over x
% assume: p(z) density over z
% assume: g(x) = \int g(x|z)p(z)dz
"""


def verdicts(header: str, chain: str, seconds: float = 3.0) -> list[Verdict]:
    tex = header + "\\begin{align*}\n" + chain + "\n\\end{align*}\n"
    (c,) = read_latex(tex)
    return [s.verdict for s in replace(c.derivation, seconds=seconds).check(seed=0).steps]


# ---------------------------------------------------------------- a likelihood is no density
def test_jensen_with_a_likelihood_as_the_weight_is_not_proved():
    # g(x|z) = N(x; 2z, 1), p = N(0, s^2), s large: int g dz = 1/2, and the left side
    # (1/2) log c exceeds the right side log(c/2) for a small density value c.
    step = r"\int g(x|z) \log p(z) dz &\le \log \int g(x|z) p(z) dz"
    assert verdicts(LIKELIHOOD, step) != [Verdict.PROVED]


def test_jensen_with_the_prior_as_the_weight_is_still_proved():
    # The same integrals weighed by p(z), a density over z: Jensen holds.
    step = r"\int p(z) \log g(x|z) dz &\le \log \int g(x|z) p(z) dz"
    assert verdicts(LIKELIHOOD, step, 5.0) == [Verdict.PROVED]


def test_gibbs_with_a_likelihood_is_not_proved():
    # With g(x|z) = N(x; 2z, 1) and p the normalised z -> g(x|z): (1/2) log(1/2) < 0.
    header = "% assume: g(x|z) density over x\n% assume: p(z) density over z\n"
    assert verdicts(header, r"\int g(x|z) \log \frac{g(x|z)}{p(z)} dz &\ge 0") != \
        [Verdict.PROVED]
    assert verdicts(header, r"\int p(z) \log \frac{p(z)}{g(x|z)} dz &\ge 0") != \
        [Verdict.PROVED]  # p is a density, g(x|.) is not: not D_KL either


def test_gibbs_between_two_densities_of_z_is_still_proved():
    header = "% assume: q(z|x) density over z\n% assume: p(z) density over z\n"
    assert verdicts(header, r"\int q(z|x) \log \frac{q(z|x)}{p(z)} dz &\ge 0") == \
        [Verdict.PROVED]


def test_a_likelihood_is_not_proved_to_integrate_to_one():
    header = "% assume: g(x|z) density over x\n"
    assert verdicts(header, r"\int g(x|z) dz &= 1") != [Verdict.PROVED]
    assert verdicts(header, r"\int g(x|z) dx &= 1") == [Verdict.PROVED]


def test_a_density_weighs_its_own_variable_and_renamed_plain_ones():
    x, y, z = sp.symbols("x y z", real=True)
    g, p = sp.Function("g_x|z", positive=True), sp.Function("p", positive=True)
    assert Density(g, x).weighs(g(x)) and not Density(g, x).weighs(g(z))
    assert Density(p, z).weighs(p(y))  # a plain density: only the name of its variable
    assert not Density(p, z).weighs(g(z))


# ---------------------------------------------------------------- the entries' positive family
def test_the_image_family_of_an_entry_interval_is_fresh():
    p, u = sp.IndexedBase("p"), sp.IndexedBase("u_p", positive=True)
    a = Assumptions(intervals=((sp.Symbol("p[j]", positive=True), sp.Interval.open(0, 1)),))
    assert check_equal(p[1], u[1] / (1 + u[1]), a, seconds=3.0).verdict is not Verdict.PROVED
    assert check_equal(sp.log((1 - p[1]) ** 2), 2 * sp.log(1 - p[1]), a,
                       seconds=3.0).verdict is Verdict.PROVED


# ---------------------------------------------------------------- bounds that name the index
def test_an_interval_depending_on_the_entry_index_is_a_located_error():
    # p_j in (0, j) was used as (0, j) for every entry: log((j - p_k)^2) = 2 log(j - p_k) was
    # proved, false at j = 1, k = 3, p_3 = 2.
    header = "% assume: p_j \\in (0, j)\n% assume: j > 0\n"
    with pytest.raises(ParseError, match="depends on the entry's index"):
        verdicts(header, r"\log((j - p_k)^2) &= 2\log(j - p_k)")


def test_the_engine_keeps_one_interval_for_every_entry_only():
    p = sp.IndexedBase("p")
    j, k = sp.Symbol("j", integer=True, positive=True), sp.Symbol("k", integer=True)
    own = Assumptions(intervals=((sp.Symbol("p[j]", positive=True), sp.Interval.open(0, j)),))
    assert prove_equal(sp.log((j - p[k]) ** 2), 2 * sp.log(j - p[k]), own, seconds=3.0) is None
    same = Assumptions(intervals=((sp.Symbol("p[j]", positive=True), sp.Interval.open(0, 1)),))
    assert prove_equal(sp.log((1 - p[k]) ** 2), 2 * sp.log(1 - p[k]), same, seconds=3.0)


def test_a_symbol_interval_leaves_the_family_of_the_same_name_alone():
    # p in (2, 3) and p_j in (0, 1): rewriting the symbol p also rewrote the name of the
    # family p (p[k] became (2 + u/(1 + u))[k], a family of no declared sign).
    label = sp.Symbol("p", positive=True)
    p, k = sp.IndexedBase(label), sp.Symbol("k", integer=True)
    a = Assumptions(intervals=((label, sp.Interval.open(2, 3)),
                               (sp.Symbol("p[j]", positive=True), sp.Interval.open(0, 1))))
    assert not any(isinstance(b.label, sp.Add)
                   for b in on_intervals(sp.log(2 - p[k]), a).atoms(sp.IndexedBase))
    assert prove_equal(sp.log((2 - p[k]) ** 2), 2 * sp.log(2 - p[k]), a, seconds=3.0)
    assert prove_equal(sp.log((p[k] - 2) ** 2), 2 * sp.log(p[k] - 2), a, seconds=3.0) is None
    assert prove_equal(sp.log((label - 2) ** 2), 2 * sp.log(label - 2), a, seconds=3.0)

# ---------------------------------------------------------------- p_3 of a declared p_j
def test_an_entry_with_a_numeric_index_keeps_the_declaration():
    assert verdicts("% assume: x_j \\in \\{0, 1\\}\n", "x_3^2 &= x_3") != [Verdict.REFUTED]


def test_an_entry_with_a_numeric_index_is_read_as_the_entry_and_shown():
    (chain,) = read_latex("% assume: p_j \\in (0, 1)\n\\begin{align*}\n"
                          "\\log((1-p_2)^2) &= 2\\log(1 - p_2)\n\\end{align*}\n")
    assert chain.readings == [["p_2 as the entry p[2] of the declared p_j"]]
    assert [s.verdict for s in chain.derivation.check().steps] == [Verdict.PROVED]
    assert verdicts("% assume: p_j \\in (0, 1)\n", "\\log((1-p_2)^2) &= 2\\log(p_2 - 1)") \
        == [Verdict.REFUTED]


def test_an_interval_on_one_entry_of_a_declared_family_is_refused():
    with pytest.raises(ParseError, match="p_1 is an entry of the declared p_j"):
        read_latex("% assume: p_j \\in (0, 1)\n% assume: p_1 \\in (0, 2)\n"
                   "\\begin{align*}\np_1 &= p_1\n\\end{align*}\n")
