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


# ---- pinned by mutation testing (bench/mutation.py derive/engine/expectation.py) ----------

theta = sp.Symbol("theta", real=True)


@pytest.mark.parametrize("point", [-2.3, 0.0, 0.4, 3.1])
def test_normal_density_and_log_density_match_scipy(point: float) -> None:
    mean, var = 0.7, 2.5
    law = Normal(sp.Float(mean), sp.Float(var))
    ref = stats.norm(mean, math.sqrt(var))
    assert float(law.pdf(sp.Float(point))) == pytest.approx(ref.pdf(point), rel=1e-12)
    assert float(law.log_pdf(sp.Float(point))) == pytest.approx(ref.logpdf(point), rel=1e-12)


def test_diagonal_normal_density_is_the_product_of_its_coordinates() -> None:
    law = DiagNormal((0.5, -1.0), (2.0, 0.3))
    point = (sp.Float(0.1), sp.Float(-0.6))
    refs = [stats.norm(0.5, math.sqrt(2.0)), stats.norm(-1.0, math.sqrt(0.3))]
    assert float(law.pdf(point)) == pytest.approx(refs[0].pdf(0.1) * refs[1].pdf(-0.6), rel=1e-12)
    assert float(law.log_pdf(point)) == pytest.approx(
        refs[0].logpdf(0.1) + refs[1].logpdf(-0.6), rel=1e-12)
    assert law.coordinates == (Normal(0.5, 2.0), Normal(-1.0, 0.3))


def test_diagonal_normal_bad_input() -> None:
    with pytest.raises(ValueError, match="give \\(means, vars\\)"):
        DiagNormal((Normal(0, 1), 3))
    with pytest.raises(ValueError, match="0 means"):
        DiagNormal((), ())
    with pytest.raises(ValueError, match="Normal: needs"):
        DiagNormal((0, 1), (1, -2))


def test_laws_print_as_written() -> None:
    law = DiagNormal((m, 1), (v, 2))
    assert str(law) == "N(m, v) x N(1, 2)"
    assert sp.latex(law) == r"\mathcal{N}\left(m, v\right) \otimes \mathcal{N}\left(1, 2\right)"
    assert sp.latex(Normal(m, v)) == r"\mathcal{N}\left(m, v\right)"
    assert str(Expectation(z, z, q(z, theta))) == "E_{z~q(.; theta)}[z]"
    assert sp.latex(Expectation(z, (z1, z2), DiagNormal((0, 0), (1, 1)))).startswith(
        r"\mathbb{E}_{\left(z_{1}, z_{2}\right)\sim")


@pytest.mark.parametrize("dep, powers", [
    (sp.S.One, (0, 0)), (z1**2, (2, 0)), (z1 * z2**3, (1, 3)), (z2, (0, 1)),
    (1 / z1, None), (sp.sqrt(z1), None), (sp.exp(z1), None), (z1 * q(z1), None),
    (z1**a, None),
])
def test_monomial_exponents(dep, powers) -> None:
    from derive.engine.expectation import _monomial
    assert _monomial(dep, (z1, z2)) == powers


def test_unfold_keeps_constant_factors_of_each_kind_of_term() -> None:
    e = Expectation(3 * a * z**2 + b * sp.exp(z) + 2, z, Normal(m, v)).unfold()
    integral_terms = [t for t in sp.Add.make_args(sp.expand(e)) if t.has(sp.Integral)]
    plain = sp.Add(*[t for t in sp.Add.make_args(sp.expand(e)) if not t.has(sp.Integral)])
    assert sp.expand(plain - (3 * a * (m**2 + v) + 2)) == 0
    assert len(integral_terms) == 1 and integral_terms[0].has(b)
    value = complex(sp.N(integral_terms[0].subs({m: 0, v: 1, b: 1}), 15))
    assert value.real == pytest.approx(math.exp(0.5), rel=1e-10)


def test_parameters_and_free_symbols_of_an_expectation() -> None:
    abstract = Expectation(a * z, z, q(z, theta))
    assert abstract.is_abstract and abstract.parameters == (theta,)
    assert abstract.free_symbols == {a, theta}
    gauss = Expectation(z, z, Normal(m, v))
    assert not gauss.is_abstract and gauss.parameters == (m, v)
    assert gauss.free_symbols == {m, v}
    diag = Expectation(z1, (z1, z2), DiagNormal((m, 0), (v, 1)))
    assert diag.parameters == (m, v, 0, 1)
    assert diag.variables == (z1, z2)


@pytest.mark.parametrize("law", [
    lambda: q(theta, z),            # the variable is not the first argument
    lambda: q(z, z**2),             # a parameter that depends on the variable
    lambda: DiagNormal((0, 0), (1, 1)),  # two coordinates for one variable
])
def test_a_law_that_is_not_a_law_of_the_variable_is_refused(law) -> None:
    with pytest.raises(ValueError):
        Expectation(z, z, law())


def test_differentiated_parameters_are_those_of_derivatives_of_expectations() -> None:
    from derive.engine.expectation import differentiated_parameters
    e = Expectation(z, z, q(z, theta))
    assert differentiated_parameters([sp.Derivative(e, theta)]) == {theta}
    assert differentiated_parameters([sp.Derivative(q(a, theta), theta)]) == set()
    assert differentiated_parameters([e, z**2]) == set()


def test_dependence_makes_what_may_depend_on_theta_explicit() -> None:
    from derive.engine.expectation import dependence
    mu, sigma = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    n, c = sp.Symbol("n", integer=True), sp.Symbol("c", real=True)
    r_ = sp.Function("r", positive=True)
    e = sp.Derivative(Expectation(sp.log(q(z)) + mu * z + sigma + n + c, z, q), theta)
    rewrite = dependence([e], [theta], lambda s: s == c)
    got = rewrite(e)
    integrand = got.expr.function
    assert got.expr.law == q(z, theta)                  # the law named alone gets theta
    assert integrand.has(sp.log(q(z, theta)))           # and so does its use in the integrand
    mu_theta = rewrite(mu)                              # a free symbol depends on theta
    assert (mu_theta.func.__name__, mu_theta.args) == ("mu", (theta,))
    assert integrand.has(mu_theta) and integrand.has(rewrite(sigma))
    assert rewrite(sigma).is_positive                   # keeping its assumptions
    assert integrand.has(n) and integrand.has(c)        # integers and constants do not
    assert rewrite(theta) == theta and rewrite(z) == z  # nor the parameter, nor the variable
    assert rewrite(r_(z)) == r_(z)                       # a density not used as a law: as written
    assert dependence([e], [], lambda s: False)(e) == e  # no parameter: nothing changes


def test_dependence_leaves_a_law_with_explicit_parameters_and_constant_laws() -> None:
    from derive.engine.expectation import dependence
    e = Expectation(sp.log(q(z, a)), z, q(z, a))
    assert dependence([e], [theta], lambda s: s == a)(e) == e
    named = Expectation(sp.log(q(z)), z, q)
    assert dependence([named], [theta], lambda s: s == q)(named) == named


def test_normal_conditions_and_density_laws() -> None:
    from derive.engine.expectation import density_laws, normal_conditions
    expr = Expectation(z, z, Normal(m, v)) + Expectation(z**2, z, Normal(m, v)) \
        + Expectation(z, z, q)
    assert normal_conditions(expr) == [("mean m of N(m, v) real", "real", m),
                                       ("variance v of N(m, v) > 0", "pos", v)]
    assert density_laws(expr) == {q}
    assert normal_conditions(Expectation(z, z, q)) == []


def test_diagonal_normal_density_wants_one_point_per_coordinate() -> None:
    law = DiagNormal((0, 1), (1, 2))
    for call in (law.pdf, law.log_pdf):
        with pytest.raises(ValueError):
            call((z1,))  # two coordinates, one point: never a silently shorter product
