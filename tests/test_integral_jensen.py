"""Steps written with integrals where the field writes expectations (han_elbo_jensen).

Jensen's inequality is found in `\\int q(z) \\log g \\, dz \\le \\log \\int q(z) g \\, dz` (q a
declared density: the integral is E_q), and an equality written as `\\ge` or `\\le` (a chain
that keeps its relation) is proved when its two sides are proved equal. Each has its false
neighbours and a dropped side condition.
"""

from __future__ import annotations

from dataclasses import replace

from derive.engine.verdict import Verdict
from derive.notation.document import read_latex

HEADER = r"""% assume: g(x|z) density over x
% assume: p(z) density over z
% assume: q(z|x) density over z
% assume: g(x) = \int g(x|z)p(z)dz
\begin{align*}
LEFT &RELATION RIGHT
\end{align*}
"""
LOG_EVIDENCE = r"\log(\int g(x|z)p(z)dz)"
ELBO = r"\int q(z|x) \log\frac{g(x|z)p(z)}{q(z|x)} dz"


def verdict(left: str, relation: str, right: str, header: str = HEADER) -> Verdict:
    text = header.replace("LEFT", left).replace("RELATION", relation).replace("RIGHT", right)
    (chain,) = read_latex(text)
    return replace(chain.derivation, seconds=5.0).check(seed=0).steps[0].verdict


def test_jensen_written_with_integrals_is_found():
    assert verdict(LOG_EVIDENCE, r"\ge", ELBO) is Verdict.PROVED
    assert verdict(ELBO, r"\le", LOG_EVIDENCE) is Verdict.PROVED


def test_jensen_the_wrong_way_round_is_not_proved():
    assert verdict(LOG_EVIDENCE, r"\le", ELBO) is not Verdict.PROVED


def test_jensen_needs_the_weight_to_be_a_density():
    header = HEADER.replace("% assume: q(z|x) density over z\n", "")
    assert verdict(LOG_EVIDENCE, r"\ge", ELBO, header) is not Verdict.PROVED


def test_jensen_needs_the_integral_to_exist():
    # Without m(x) = \int g p dz in the header, E_q|g p / q| < oo is not given.
    header = HEADER.replace("% assume: g(x) = \\int g(x|z)p(z)dz\n", "")
    assert verdict(LOG_EVIDENCE, r"\ge", ELBO, header) is not Verdict.PROVED


SPLIT_LEFT = r"\int (\log g(x|z) - \log(\frac{q(z|x)}{p(z)})) q(z|x) dz"
SPLIT_RIGHT = r"\int \log g(x|z) q(z|x) dz - \int \log(\frac{q(z|x)}{p(z)}) q(z|x) dz"


def test_an_equality_written_as_an_inequality_is_proved():
    assert verdict(SPLIT_LEFT, r"\ge", SPLIT_RIGHT) is Verdict.PROVED
    assert verdict(SPLIT_LEFT, r"\le", SPLIT_RIGHT) is Verdict.PROVED


def test_equal_sides_never_prove_a_strict_inequality():
    assert verdict(SPLIT_LEFT, ">", SPLIT_RIGHT) is not Verdict.PROVED


def test_sides_that_differ_are_not_proved_equal():
    # The left side is the right one minus D_KL(q || p) >= 0: true as <=, false as >=.
    bigger = r"\int \log g(x|z) q(z|x) dz"
    assert verdict(SPLIT_LEFT, r"\ge", bigger) is not Verdict.PROVED
    assert verdict(SPLIT_LEFT, r"\le", bigger) is Verdict.PROVED
