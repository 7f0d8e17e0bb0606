"""Worksheet 2d: the reparameterization gradient, grad E[x^2] = 2 mu grad mu + 2 sigma grad sigma.

x ~ N(mu(theta), sigma(theta)^2) with mu, sigma arbitrary differentiable functions (SymPy
undefined functions, sigma > 0) of a scalar theta, or of theta = (theta1, theta2) for the
gradient componentwise. The chain: x and mu + sigma eps have the same law (eps ~ N(0, 1)),
the law of eps does not depend on theta so d/dtheta and E exchange (domination recorded as a
side condition), the chain rule, then the moments E[eps] = 0, E[eps^2] = 1. Cross-checks: the
closed form mu^2 + sigma^2 differentiated, the general pathwise form for smooth f of moderate
growth, and the score-function identity E[x^2 d/dtheta log N(x; mu, sigma^2)] = d/dtheta E[x^2].

`instance()` replaces mu, sigma by mu = a + b theta, sigma = exp(c + d theta): every value of
(mu, mu', sigma > 0, sigma') at a point is reached, so a mismatch there is a counterexample to
a claim about all differentiable mu, sigma. `wrong_claims()` uses it.

References: Kingma & Welling, Auto-Encoding Variational Bayes, arXiv:1312.6114, Sec. 2.4;
Mohamed, Rosca, Figurnov & Mnih, Monte Carlo Gradient Estimation in Machine Learning,
JMLR 21 (2020), Sec. 4 (score function) and Sec. 5 (pathwise).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.confirmation import Confirmation
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation, Normal, gaussian_moment
from derive.engine.lemmas import differentiate, exchange_derivative, reparameterize
from derive.identities.identity import Identity

theta = sp.Symbol("theta", real=True)
theta1, theta2 = sp.symbols("theta1 theta2", real=True)
x = sp.Symbol("x", real=True)
eps = sp.Symbol("epsilon", real=True)
y = sp.Symbol("y", real=True)
mu_f = sp.Function("mu", real=True)
sigma_f = sp.Function("sigma", positive=True)
f = sp.Function("f", real=True)
a, b, c, d = sp.symbols("a b c d", real=True)
STANDARD = Normal(0, 1)

# a, b, c, d (the instance's coefficients) are constants: under d/dtheta E[...] an undeclared
# symbol may depend on theta. A componentwise chain also holds the other coordinate fixed.
NOTES = Assumptions(notes=("mu, sigma differentiable in theta; sigma > 0",
                           "eps ~ N(0, 1) independent of theta"),
                    constants=(a, b, c, d))
EXCHANGE_X2 = ("the law N(0, 1) of eps does not depend on theta",
               "|d/dtheta (mu + sigma eps)^2| <= C (1 + eps^2) for theta' near theta, "
               "integrable under N(0, 1) (dominated convergence)")
EXCHANGE_F = ("the law N(0, 1) of eps does not depend on theta",
              "f is C^1 of moderate growth, |f'(u)| <= C (1 + |u|^k): then "
              "|d/dtheta f(mu + sigma eps)| <= C' (1 + |eps|^(k+1)) near theta, integrable "
              "under N(0, 1) (dominated convergence)")


def gaussian(*thetas: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """mu(theta...), sigma(theta...): the arbitrary mean and standard deviation."""
    return mu_f(*thetas), sigma_f(*thetas)


def instance(t: sp.Symbol = theta) -> tuple[sp.Expr, sp.Expr]:
    """mu = a + b t, sigma = exp(c + d t): reaches every (mu, mu', sigma > 0, sigma') at t."""
    return a + b * t, sp.exp(c + d * t)


def _objective(fn: Callable[[sp.Expr], sp.Expr], mu: sp.Expr, sigma: sp.Expr) -> Expectation:
    return Expectation(fn(x), x, Normal(mu, sigma**2))


def pathwise_steps(fn: Callable[[sp.Expr], sp.Expr], mu: sp.Expr, sigma: sp.Expr,
                   wrt: sp.Symbol, exchange_uses: tuple[str, ...]) -> tuple[sp.Expr, list[Step]]:
    """d/dt E_x[f(x)] -> reparameterize -> exchange d/dt and E -> chain rule, as lemma steps.

    The last expression is E_eps[f'(mu + sigma eps) (mu' + eps sigma')].
    """
    start = sp.Derivative(_objective(fn, mu, sigma), wrt)
    reparam = reparameterize(_objective(fn, mu, sigma), eps, wrt=wrt)
    inner = reparam.rhs.args[0]
    exchange = exchange_derivative(inner, wrt)
    chain = differentiate(exchange.rhs)
    fprime = sp.diff(fn(y), y).subs(y, mu + sigma * eps)
    pathwise = Expectation(fprime * (sp.diff(mu, wrt) + eps * sp.diff(sigma, wrt)), eps, STANDARD)
    steps = [
        Step("=", reparam.rhs, reparam,
             uses=("x and mu + sigma eps have the same law N(mu, sigma^2)", "sigma > 0")),
        Step("=", exchange.rhs, exchange, uses=exchange_uses),
        Step("=", pathwise, chain, uses=(f"mu, sigma{'' if fn is square else ', f'} "
                                         "differentiable",)),
    ]
    return start, steps


def _moment_steps(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol) -> list[Step]:
    """E_eps[2 (mu + sigma eps)(mu' + eps sigma')] by linearity, then E[eps] = 0, E[eps^2] = 1."""
    dmu, dsigma = sp.diff(mu, wrt), sp.diff(sigma, wrt)
    e1, e2 = Expectation(eps, eps, STANDARD), Expectation(eps**2, eps, STANDARD)
    return [
        Step("=", 2 * mu * dmu + 2 * (mu * dsigma + sigma * dmu) * e1 + 2 * sigma * dsigma * e2,
             "linearity of E (expand the product)"),
        Step("=", 2 * mu * dmu + 2 * sigma * dsigma,
             "moments of N(0, 1): E[eps] = 0, E[eps^2] = 1"),
    ]


def square(u: sp.Expr) -> sp.Expr:
    return u**2


def pathwise_square(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol,
                    assumptions: Assumptions = NOTES) -> Derivation:
    """The worksheet's answer as a chain: the pathwise form at f(x) = x^2, then the moments."""
    start, steps = pathwise_steps(square, mu, sigma, wrt, EXCHANGE_X2)
    answer = 2 * mu * sp.diff(mu, wrt) + 2 * sigma * sp.diff(sigma, wrt)
    title = f"d/d{wrt} E[x^2] = 2 mu d{wrt} mu + 2 sigma d{wrt} sigma, x = mu + sigma eps"
    return Derivation(title,
                      sp.Eq(start, answer, evaluate=False), start,
                      steps + _moment_steps(mu, sigma, wrt), assumptions)


def closed_form(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol) -> Derivation:
    """Cross-check without reparameterizing: differentiate E[x^2] = mu^2 + sigma^2."""
    start = sp.Derivative(_objective(square, mu, sigma), wrt)
    value = sp.Derivative(mu**2 + sigma**2, wrt)
    return Derivation(f"cross-check: d/d{wrt} of the closed form E[x^2] = mu^2 + sigma^2",
                      sp.Eq(start, 2 * mu * sp.diff(mu, wrt) + 2 * sigma * sp.diff(sigma, wrt),
                            evaluate=False), start,
                      [Step("=", value, "E[x^2] = Var x + (E x)^2 = sigma^2 + mu^2"),
                       Step("=", differentiate(value).rhs, differentiate(value))], NOTES)


def pathwise_general(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol) -> Derivation:
    """d/dt E[f(x)] = E[f'(mu + sigma eps)(mu' + eps sigma')] for smooth f of moderate growth."""
    start, steps = pathwise_steps(f, mu, sigma, wrt, EXCHANGE_F)
    notes = NOTES.with_(notes=NOTES.notes + ("f in C^1 with |f'(u)| <= C (1 + |u|^k)",))
    return Derivation(f"pathwise form: d/d{wrt} E[f(x)] = E[f'(mu + sigma eps)(d{wrt} mu + "
                      f"eps d{wrt} sigma)]", sp.Eq(start, steps[-1].expr, evaluate=False),
                      start, steps, notes)


def score(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """d/dt log N(x; mu, sigma^2), unevaluated."""
    return sp.Derivative(Normal(mu, sigma**2).log_pdf(x), wrt)


def score_function(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol) -> Derivation:
    """E_x[x^2 d/dt log N(x; mu, sigma^2)] = d/dt E_x[x^2] (REINFORCE), through the moments."""
    law = Normal(mu, sigma**2)
    dmu, dsigma = sp.diff(mu, wrt), sp.diff(sigma, wrt)
    start = Expectation(x**2 * score(mu, sigma, wrt), x, law)
    evaluated = differentiate(start)
    by_score = Expectation(x**2 * ((x - mu) / sigma**2 * dmu
                                   + ((x - mu) ** 2 / sigma**3 - 1 / sigma) * dsigma), x, law)

    def ex(k: int) -> Expectation:
        return Expectation(x**k, x, law)

    linear = (dmu / sigma**2 * (ex(3) - mu * ex(2))
              + dsigma * (Expectation(x**2 * (x - mu) ** 2, x, law) / sigma**3 - ex(2) / sigma))
    third = gaussian_moment(3, mu, sigma**2) - mu * gaussian_moment(2, mu, sigma**2)
    fourth = (gaussian_moment(4, mu, sigma**2) - 2 * mu * gaussian_moment(3, mu, sigma**2)
              + mu**2 * gaussian_moment(2, mu, sigma**2))
    moments = (dmu / sigma**2 * sp.factor(third)
               + dsigma * (sp.factor(fourth) / sigma**3 - (mu**2 + sigma**2) / sigma))
    answer = 2 * mu * dmu + 2 * sigma * dsigma
    target = sp.Derivative(_objective(square, mu, sigma), wrt)
    return Derivation(f"score function: E[x^2 d/d{wrt} log N(x; mu, sigma^2)] = d/d{wrt} E[x^2]",
                      sp.Eq(start, target, evaluate=False), start,
                      [Step("=", by_score, evaluated,
                            uses=("d/dmu log N = (x - mu)/sigma^2, "
                                  "d/dsigma log N = (x - mu)^2/sigma^3 - 1/sigma",)),
                       Step("=", linear, "linearity of E"),
                       Step("=", moments, "Gaussian moments: E[x^3] - mu E[x^2] = 2 mu sigma^2, "
                                          "E[x^2 (x - mu)^2] = sigma^2 (mu^2 + 3 sigma^2)"),
                       Step("=", answer, "simplify"),
                       Step("=", target, "the pathwise result (equivalently the closed form)")],
                      NOTES)


def _holding(other: sp.Symbol) -> Assumptions:
    """A partial derivative holds the other coordinate of theta fixed: declare it constant."""
    return NOTES.with_(constants=NOTES.constants + (other,))


def reparam_gradient() -> list[Derivation]:
    """2d: the worksheet's answer (scalar theta and componentwise), cross-checks, score form."""
    mu, sigma = gaussian(theta)
    mu2, sigma2 = gaussian(theta1, theta2)
    return [pathwise_square(mu, sigma, theta),
            closed_form(mu, sigma, theta),
            pathwise_general(mu, sigma, theta),
            pathwise_square(mu2, sigma2, theta1, _holding(theta2)),
            pathwise_square(mu2, sigma2, theta2, _holding(theta1)),
            score_function(mu, sigma, theta)]


# ---------------------------------------------------------------- wrong claims
def _claim(title: str, lhs: sp.Expr, rhs: sp.Expr, steps: list[Step]) -> Derivation:
    return Derivation(title, sp.Eq(lhs, rhs, evaluate=False), lhs, steps, NOTES)


def missing_factor(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol = theta) -> Derivation:
    """Wrong: 2 mu mu' + sigma sigma' (a factor 2 lost in the moment step)."""
    start, steps = pathwise_steps(square, mu, sigma, wrt, EXCHANGE_X2)
    wrong = 2 * mu * sp.diff(mu, wrt) + sigma * sp.diff(sigma, wrt)
    return _claim("wrong: d/dtheta E[x^2] = 2 mu mu' + sigma sigma'", start, wrong,
                  steps + [Step("=", wrong, "E[eps] = 0, E[eps^2] = 1 (claimed)")])


def eps_depends_on_theta(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol = theta) -> Derivation:
    """Wrong: eps = (x - mu)/sigma of a fixed draw x, so d eps/dtheta adds a term; total 0."""
    start, steps = pathwise_steps(square, mu, sigma, wrt, EXCHANGE_X2)
    deps = sp.simplify(sp.diff((x - mu) / sigma, wrt).subs(x, mu + sigma * eps))
    pathwise = steps[-1].expr.args[0]
    extra = sp.Mul(2 * (mu + sigma * eps), sigma, deps, evaluate=False)
    claimed = Expectation(sp.Add(pathwise, extra, evaluate=False), eps, STANDARD)
    return _claim("wrong: eps = (x - mu)/sigma taken to depend on theta (extra chain-rule term)",
                  start, sp.S.Zero,
                  steps + [Step("=", claimed, "chain rule through eps(theta) = (x - mu)/sigma: "
                                "adds 2 x sigma d eps/dtheta, d eps/dtheta = -(mu' + eps sigma')"
                                "/sigma (claimed)"),
                           Step("=", sp.S.Zero, "the two terms cancel")])


def exchange_under_theta_law(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol = theta, *,
                             lemma: bool = False) -> Derivation:
    """Wrong: d/dtheta and E_x exchanged although the law of x depends on theta: gives 0.

    With `lemma`, the step cites `exchange_derivative`, whose side condition then fails.
    """
    objective = _objective(square, mu, sigma)
    swapped = exchange_derivative(objective, wrt)
    by = swapped if lemma else "exchange d/dtheta and E_x (claimed)"
    return _claim("wrong: exchange d/dtheta and E under x ~ N(mu(theta), sigma(theta)^2)",
                  sp.Derivative(objective, wrt), sp.S.Zero,
                  [Step("=", swapped.rhs, by), Step("=", sp.S.Zero, "d/dtheta x^2 = 0")])


def score_without_log(mu: sp.Expr, sigma: sp.Expr, wrt: sp.Symbol = theta) -> Derivation:
    """Wrong: the score-function estimator with grad mu in place of grad log N(x; mu, sigma^2)."""
    law = Normal(mu, sigma**2)
    claimed = Expectation(x**2 * sp.diff(mu, wrt), x, law)
    target = sp.Derivative(_objective(square, mu, sigma), wrt)
    return _claim("wrong: score function without the log-density, E[x^2 mu'] = d/dtheta E[x^2]",
                  claimed, target, [Step("=", target, "score-function identity (claimed)")])


WRONG_CLAIMS: dict[str, Callable[..., Derivation]] = {
    "missing-factor": missing_factor,
    "eps-depends-on-theta": eps_depends_on_theta,
    "exchange-under-theta-law": exchange_under_theta_law,
    "score-without-log": score_without_log,
}


def wrong_claims(*, concrete: bool = True) -> dict[str, Derivation]:
    """Each wrong claim, for general mu(theta), sigma(theta) or (concrete) for `instance()`."""
    mu, sigma = instance(theta) if concrete else gaussian(theta)
    return {name: build(mu, sigma) for name, build in WRONG_CLAIMS.items()}


# ---------------------------------------------------------------- facts
def moments_by_integration(moment: Callable[[int, sp.Expr, sp.Expr], sp.Expr] = gaussian_moment
                           ) -> list[Confirmation]:
    """The moments the chains use, E[eps^k] for k = 1..4, by `sympy.integrate` against the pdf.

    An independent route to the numbers `moment` (by default `gaussian_moment`) gives.
    """
    pdf = STANDARD.pdf(eps)
    got = [sp.integrate(eps**k * pdf, (eps, -sp.oo, sp.oo)) for k in range(1, 5)]
    want = [moment(k, 0, 1) for k in range(1, 5)]
    ok = all(sp.simplify(g - w) == 0 for g, w in zip(got, want, strict=True))
    return [Confirmation("2d: E[eps^k], k = 1..4, by integration", bool(ok),
                         {"integrated": [str(g) for g in got], "moments": [str(w) for w in want]},
                         f"integrals {[str(g) for g in got]} vs moments {[str(w) for w in want]}")]


IDENTITIES = [
    Identity("2d", "reparam-gradient", "2d",
             "grad E[x^2] = 2 mu grad mu + 2 sigma grad sigma (reparameterization trick)",
             reparam_gradient, facts=moments_by_integration,
             confirmations=("numeric.confirm.reparam:confirm_2d",),
             plots=("docs/figures/reparam_variance.png",),
             summary="x = mu + sigma eps, eps ~ N(0, 1); pathwise, closed-form and "
                     "score-function routes agree"),
]
