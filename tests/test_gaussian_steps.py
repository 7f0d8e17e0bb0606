"""Issues 13-15: the Gaussian steps of the corpus (StatProofBook's differential entropy of
the normal, KL between normals) proved, and the class-8 bug in their header fixed.

The lemma (`derive.engine.gaussian_integral`): a polynomial times exp(-a x^2 + b x + c) with
a > 0 is absolutely integrable over the real line, with a closed form from the normal's
moments. Each use is tested on a true step, on a false neighbour (never proved), and with
its side condition a > 0 dropped (not proved). The closed form is compared with quadrature
(mpmath) and with scipy.stats, which it does not use.
"""

import textwrap

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import stats

from derive import Assumptions, Rule, Verdict, check_equal
from derive.engine.assumptions import Density
from derive.engine.domain import unproved_existence
from derive.engine.gaussian_integral import closed_form, exists, gaussian_terms
from derive.engine.sampling import Point, admissible, sample_point
from derive.notation.document import read_latex

x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
sigma_real = sp.Symbol("sigma", real=True)
a_real = sp.Symbol("a", real=True)
NONE = Assumptions()


def pdf(m: sp.Expr, s: sp.Expr) -> sp.Expr:
    return sp.exp(-(x - m) ** 2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)


def line(f: sp.Expr) -> sp.Integral:
    return sp.Integral(f, (x, -sp.oo, sp.oo))


def chain(tex: str):
    (c,) = read_latex(textwrap.dedent(tex))
    return c


def verdicts(tex: str) -> list[Verdict]:
    return [s.verdict for s in chain(tex).derivation.check().steps]


def refuted(out) -> bool:
    """Refuted, or (a slower machine) the numeric stage ran out of its CPU time first: never
    proved, never corroborated. Quadrature at 40 and 80 digits takes a few CPU seconds."""
    stopped = "stopped" in out.method or any("stopped" in n for n in out.notes)
    return out.verdict is Verdict.REFUTED or (out.verdict is Verdict.UNDECIDED and stopped)


def outcomes(tex: str) -> list:
    return [s.outcome for s in chain(tex).derivation.check().steps]


HEAD = r"""
    % assume: p(x) = \mathcal{N}(x; \mu, \sigma^2)
    % assume: x \sim p(x)
    % assume: \sigma > 0
    % assume: \mathrm{h}(X) = - \mathrm{E}\left[ \ln p(x) \right]
"""
KL_HEAD = r"""
    % assume: \sigma_1 > 0, \sigma_2 > 0
    % assume: p(x) = \mathcal{N}(x; \mu_1, \sigma_1^2)
    % assume: q(x) = \mathcal{N}(x; \mu_2, \sigma_2^2)
    % assume: P has density p
    % assume: Q has density q
"""


# ---------------------------------------------------------------- the lemma: existence
@pytest.mark.parametrize("f", [
    pdf(mu, sigma),
    x**3 * pdf(mu, sigma),
    pdf(mu, sigma) * sp.log(pdf(mu, sigma)),  # the entropy's integrand
    pdf(mu, sigma) * sp.log(pdf(mu, sigma) / pdf(0, 2 * sigma)),  # a KL integrand
    (x**2 + mu * x) * sp.exp(-(sp.Symbol("b", real=True) ** 2 + 1) * x**2 + mu * x),
])
def test_gaussian_type_integrands_exist(f: sp.Expr):
    assert exists(line(f))
    assert exists(sp.Integral(f, (x, 0, sp.oo)))  # any part of the line too
    assert unproved_existence(line(f)) == []


@pytest.mark.parametrize("f, why", [
    (x**2 * sp.exp(x**2 / 2), "a < 0"),
    (x**2, "a = 0: no Gaussian factor"),
    (sp.exp(-a_real * x**2), "a of unknown sign"),
    (sp.exp(-x**2 / (2 * sigma_real**2)), "sigma real, possibly 0"),
    (sp.exp(-(x**2) + sp.I * x), "b not real"),
    (sp.exp(-(x**2)) / x, "not a polynomial: a pole"),
    (sp.exp(-(x**2)) * sp.Abs(x), "not a polynomial"),
    (sp.exp(-(x**2)) * sp.log(x), "a log that does not expand to a polynomial"),
    (sp.exp(-(x**2)) / a_real, "a coefficient that may be infinite (a = 0)"),
    (sp.exp(-(x**4)), "not a quadratic exponent"),
])
def test_the_lemma_needs_each_condition(f: sp.Expr, why: str):
    assert gaussian_terms(f, x) is None, why
    assert not exists(line(f)), why
    assert closed_form(line(f)) == line(f), why  # no closed form either


# ---------------------------------------------------------------- the lemma: closed form
@pytest.mark.parametrize("k", range(5))
@pytest.mark.parametrize("m, s", [(0.0, 1.0), (1.3, 0.7), (-2.1, 2.4)])
def test_closed_form_agrees_with_quadrature_and_scipy(k: int, m: float, s: float):
    value = closed_form(line(x**k * pdf(mu, sigma))).subs({mu: m, sigma: s})
    quad = mpmath.quad(lambda t: t**k * mpmath.npdf(t, m, s), [-mpmath.inf, m, mpmath.inf])
    assert abs(float(value) - float(quad)) <= 1e-9 * max(1.0, abs(float(quad)))
    assert abs(float(value) - stats.norm(m, s).moment(k)) <= 1e-9 * max(1.0, abs(float(quad)))


def test_closed_form_of_an_unnormalised_shifted_kernel():
    b, c = sp.Rational(3, 2), sp.Rational(-1, 3)
    f = (x**3 - 2 * x) * sp.exp(-2 * x**2 + b * x + c)
    value = float(closed_form(line(f)))
    quad = float(mpmath.quad(lambda t: (t**3 - 2 * t) * mpmath.exp(-2 * t**2 + 1.5 * t - 1 / 3),
                             [-mpmath.inf, mpmath.inf]))
    assert abs(value - quad) <= 1e-12 * max(1.0, abs(quad))
    assert float(closed_form(sp.Integral(f, (x, sp.oo, -sp.oo)))) == pytest.approx(-quad)


def test_closed_form_only_over_the_whole_line():
    half = sp.Integral(pdf(mu, sigma), (x, 0, sp.oo))
    assert closed_form(half) == half


# ---------------------------------------------------------------- the lemma in check_equal
def test_entropy_of_the_normal_is_proved_and_its_neighbours_are_not():
    h = -line(pdf(mu, sigma) * sp.log(pdf(mu, sigma)))
    right = sp.log(2 * sp.pi * sp.E * sigma**2) / 2
    out = check_equal(h, right, NONE)
    assert out.proved and "Gaussian integrals" in out.method
    for wrong in (sp.log(2 * sp.pi * sp.E * sigma) / 2, sp.log(2 * sp.pi * sigma**2) / 2 + 1):
        assert refuted(check_equal(h, wrong, NONE))  # quadrature refutes


def test_second_moment_needs_a_positive_variance():
    true = check_equal(line(x**2 * pdf(mu, sigma)), mu**2 + sigma**2, NONE)
    assert true.proved
    assert refuted(check_equal(line(x**2 * pdf(mu, sigma)), mu**2 + sigma, NONE))
    # sigma only real (may be 0: no density there): a > 0 is not given, nothing is proved
    dropped = check_equal(line(x**2 * pdf(mu, sigma_real)), mu**2 + sigma_real**2, NONE,
                          seconds=2)
    assert not dropped.proved
    # an exponent of unknown sign: not proved either
    assert not check_equal(line(sp.exp(-a_real * x**2)), sp.sqrt(sp.pi / a_real), NONE,
                           seconds=2).proved


# ---------------------------------------------------------------- the corpus's steps in LaTeX
def test_entropy_chain_is_proved_and_a_slip_inside_the_expectation_is_refuted():
    good = HEAD + r"""
    \begin{align*}
    \mathrm{h}(X) &= \frac{1}{2} \ln(2 \pi \sigma^2) + \frac{1}{2} \cdot \frac{1}{\sigma^2}
      \cdot \mathrm{E}\left[ (x-\mu)^2 \right] \\
    &= \frac{1}{2} \ln(2 \pi \sigma^2) + \frac{1}{2}
    \end{align*}"""
    assert verdicts(good) == [Verdict.PROVED, Verdict.PROVED]
    slip = HEAD + r"""
    \begin{align*}
    \mathrm{h}(X) &= \frac{1}{2} \ln(2 \pi \sigma^2) + \frac{1}{\sigma^2}
      \cdot \mathrm{E}\left[ (x-\mu)^2 \right]
    \end{align*}"""
    (out,) = outcomes(slip)
    assert refuted(out)


def test_entropy_without_a_declared_sign_of_sigma_is_not_proved():
    undeclared = HEAD.replace(r"% assume: \sigma > 0", "") + r"""
    \begin{align*}
    \mathrm{h}(X) &= \frac{1}{2} \ln(2 \pi \sigma^2) + \frac{1}{2}
    \end{align*}"""
    assert verdicts(undeclared) != [Verdict.PROVED]


def test_kl_between_normals_is_proved_and_its_slip_is_refuted():
    def kl(var: str) -> str:
        return KL_HEAD + r"""
    \begin{align*}
    \mathrm{KL}[P\,||\,Q] &= \frac{1}{2} \left[ \frac{(\mu_1 - \mu_2)^2}{""" + var + r"""}
      + \frac{\sigma_1^2}{\sigma_2^2} - \ln \frac{\sigma_1^2}{\sigma_2^2} - 1 \right]
    \end{align*}"""

    assert verdicts(kl(r"\sigma_2^2")) == [Verdict.PROVED]
    (out,) = outcomes(kl(r"\sigma_1^2"))
    assert refuted(out)


# ---------------------------------------------------------------- class 8: declaration order
REPRO = r"""
    % assume: p(x) = \mathcal{N}(x; \mu, \sigma^2)
    % assume: x \sim p(x)
    % assume: \sigma > 0
    \begin{align*}
    \frac{1}{2} \ln(2 \pi \sigma^2) + \frac{1}{2} &= \frac{1}{2} \ln(2 \pi \sigma e)
    \end{align*}"""


def test_the_repro_counterexample_satisfies_sigma_positive():
    (step,) = chain(REPRO).derivation.check().steps
    assert step.verdict is Verdict.REFUTED
    ce = step.outcome.counterexample
    s = float(ce["sigma"])
    assert s > 0
    # the printed sides are the sides at the printed sigma
    assert float(ce["lhs"]) == pytest.approx(np.log(2 * np.pi * s**2) / 2 + 0.5, rel=1e-6)
    assert float(ce["rhs"]) == pytest.approx(np.log(2 * np.pi * s * np.e) / 2, rel=1e-6)
    assert "p(x)" not in ce  # the declared normal has no random stand-in


@pytest.mark.parametrize("sign", [r"\sigma > 0", r"\sigma positive", r"\sigma \in (0, 10)"])
def test_a_sign_declared_after_use_binds_what_came_before(sign: str):
    c = chain(REPRO.replace(r"\sigma > 0", sign))
    a = c.derivation.assumptions
    used = {s for r in a.rules for s in r.new.free_symbols if s.name == "sigma"}
    used |= {s for e in c.derivation.expressions for s in e.free_symbols if s.name == "sigma"}
    assert len(used) == 1 and next(iter(used)).is_positive


def test_a_sign_declared_first_reads_the_same():
    first = REPRO.replace(r"% assume: \sigma > 0", "").replace(
        r"% assume: p(x)", "% assume: \\sigma > 0\n    % assume: p(x)")
    def rules(tex: str) -> list:
        return [(r.old, r.new) for r in chain(tex).derivation.assumptions.rules]

    assert rules(first) == rules(REPRO)


def test_symbols_of_one_name_share_one_value():
    """The engine's own guard: the API can still build two symbols named alike."""
    rule = Rule(sp.Symbol("w"), sigma_real**2)
    a = Assumptions(rules=(rule,))
    rng = np.random.default_rng(0)
    for _ in range(20):
        point = sample_point([sp.log(sigma)], a, rng)
        if sigma in point.values and sigma_real in point.values:
            assert point.values[sigma] == point.values[sigma_real] > 0
    # the guard itself: a point giving them different values is not admissible
    apart = Point({}, {sigma: 1.0, sigma_real: -1.0}, {})
    assert "two variables named sigma" in admissible(apart, NONE)
    together = Point({}, {sigma: 1.0, sigma_real: 1.0}, {})
    assert admissible(together, NONE) is None
    # a false claim about them is still refuted, at a positive sigma
    out = check_equal(sp.log(sigma) + sigma_real, 2 * sigma_real, a)
    assert out.verdict is Verdict.REFUTED and float(out.counterexample["sigma"]) > 0


def test_only_a_density_declared_in_closed_form_loses_its_stand_in():
    q = sp.Function("q", positive=True)
    w = sp.Wild("w")
    rng = np.random.default_rng(1)
    free = Assumptions(densities=(Density(q, x),))
    assert q in sample_point([q(x)], free, rng).densities  # an abstract density: a stand-in
    given = free.with_(rules=[Rule(q(w), pdf(mu, sigma).xreplace({x: w}))])
    assert q not in sample_point([q(x)], given, rng).densities  # its declared normal instead
    # a rule naming other densities does not define q in closed form: the stand-in stays
    r = sp.Function("r", positive=True)
    other = free.with_(rules=[Rule(q(w), r(w))])
    assert q in sample_point([q(x)], other, rng).densities
