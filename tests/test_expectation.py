"""derive/engine/expectation.py against independent references: scipy.stats moments, scipy
quadrature, and the engine's own checks fed right and wrong formulas."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from scipy import integrate, stats

from derive.engine.assumptions import Assumptions, Density
from derive.engine.checks import check_equal
from derive.engine.definitions import unfold
from derive.engine.expectation import DiagNormal, Expectation, Normal, gaussian_moment, linearity
from derive.engine.verdict import Verdict

z = sp.Symbol("z", real=True)
z1, z2 = sp.symbols("z1 z2", real=True)
m, a, b = sp.symbols("m a b", real=True)
v = sp.Symbol("v", positive=True)
q = sp.Function("q", positive=True)
Q_DENSITY = Assumptions(densities=(Density(q, z),))


@pytest.mark.parametrize("mean, var", [(0.0, 1.0), (1.5, 2.0), (-0.7, 0.3)])
@pytest.mark.parametrize("k", range(9))
def test_moments_match_scipy(k: int, mean: float, var: float) -> None:
    exact = float(gaussian_moment(k, sp.Float(mean), sp.Float(var)))
    ref = stats.norm(mean, math.sqrt(var)).moment(k)
    assert exact == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_polynomial_expectation_matches_quadrature() -> None:
    f = 3 * z**5 - z**3 + 2 * z - 7
    mean, var = 0.4, 1.7
    exact = float(Expectation(f, z, Normal(m, v)).unfold().subs({m: mean, v: var}))
    ref, _ = integrate.quad(lambda t: float(f.subs(z, t)) *
                            stats.norm.pdf(t, mean, math.sqrt(var)), -math.inf, math.inf)
    assert exact == pytest.approx(ref, rel=1e-9)


def test_diagonal_normal_factorises() -> None:
    law = DiagNormal((m, 1), (v, 2))
    got = Expectation(z1**2 * z2**2 + z1 * z2, (z1, z2), law).unfold()
    assert sp.expand(got - ((m**2 + v) * 3 + m * 1)) == 0
    assert DiagNormal((Normal(m, v), Normal(1, 2))) == law


def test_non_polynomial_unfolds_to_the_normal_integral() -> None:
    e = Expectation(sp.exp(z) + z**2, z, Normal(m, v)).unfold()
    assert e.has(sp.Integral)
    value = complex(sp.N(e.subs({m: sp.Rational(1, 3), v: sp.Rational(1, 2)}), 20))
    assert value.real == pytest.approx(math.exp(1 / 3 + 1 / 4) + 1 / 9 + 1 / 2, rel=1e-12)


def test_abstract_density_unfolds_to_its_integral() -> None:
    e = Expectation(sp.log(q(z)), z, q)
    assert e.unfold() == sp.Integral(q(z) * sp.log(q(z)), (z, -sp.oo, sp.oo))
    assert e.free_symbols == set()


def test_linearity_and_constants_proved() -> None:
    f, g = z**2, sp.log(q(z))
    lhs = Expectation(a * f + b * g + 5, z, q)
    rhs = a * Expectation(f, z, q) + b * Expectation(g, z, q) + 5
    assert check_equal(lhs, rhs, Q_DENSITY).verdict is Verdict.PROVED
    assert linearity(lhs) == rhs
    # E[c] = c needs the declared normalisation of q: without it, not proved.
    assert check_equal(Expectation(5, z, q), 5, Q_DENSITY).verdict is Verdict.PROVED
    assert check_equal(Expectation(5, z, q), 5, Assumptions()).verdict is not Verdict.PROVED


def test_linearity_under_a_normal_law_is_exact() -> None:
    law = Normal(m, v)
    lhs = Expectation(a * z**3 + b * z + 2, z, law)
    assert sp.expand(unfold(linearity(lhs)) - lhs.unfold()) == 0
    assert check_equal(lhs, a * (m**3 + 3 * m * v) + b * m + 2, Assumptions()).proved


def test_wrong_moment_is_refuted() -> None:
    wrong = m**4 + 6 * m**2 * v + v**2  # the right one has 3 v^2
    out = check_equal(Expectation(z**4, z, Normal(m, v)), wrong, Assumptions())
    assert out.verdict is Verdict.REFUTED
    assert check_equal(Expectation(z**4, z, Normal(m, v)),
                       m**4 + 6 * m**2 * v + 3 * v**2, Assumptions()).proved


def test_wrong_linearity_is_refuted() -> None:
    out = check_equal(Expectation(z**2, z, Normal(m, v)), m**2, Assumptions())
    assert out.verdict is Verdict.REFUTED  # E[z^2] != E[z]^2


def test_printing() -> None:
    e = Expectation(z**2, z, q)
    assert sp.latex(e) == r"\mathbb{E}_{z\sim q}\left[z^{2}\right]"
    assert str(e) == "E_{z~q}[z**2]"
    assert str(Expectation(z, z, Normal(m, v))) == "E_{z~N(m, v)}[z]"


@pytest.mark.parametrize("call", [
    lambda: gaussian_moment(-1, 0, 1),
    lambda: gaussian_moment(1.5, 0, 1),
    lambda: Normal(0, -1),
    lambda: DiagNormal((0, 1), (1,)),
    lambda: Expectation(z, (z1, z2), Normal(0, 1)),
    lambda: Expectation(z, z, Normal(z, 1)),
    lambda: Expectation(z, z, "q"),
    lambda: Expectation(z, 3, q),
])
def test_bad_input_raises_value_error(call) -> None:
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("mean, var", [(0, sp.nan), (sp.nan, 1), (0, -1), (0, sp.zoo)])
def test_normal_rejects_non_finite_or_non_positive_parameters(mean, var):
    with pytest.raises(ValueError, match="Normal: needs a finite mean"):
        Normal(mean, var)
