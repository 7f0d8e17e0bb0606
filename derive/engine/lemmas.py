"""Named lemmas: the only way an inequality step is *proved*.

Each lemma states itself, lists its side conditions and points to a formal proof (Mathlib)
for a reader who wants to go further. `instance(...)` builds the concrete inequality; the
engine proves that the step's two sides equal the instance's sides and that every side
condition holds symbolically under the declared assumptions. If any part fails, the lemma
does not apply and the step is only searched for a counterexample.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.checks import _by_hypothesis, prove_equal, prove_sign
from derive.engine.timelimit import DEFAULT_SECONDS, OutOfTime, time_limit
from derive.engine.verdict import Outcome, Verdict

POSITIVE_REALS = sp.Interval.open(0, sp.oo)
# Functions analytic wherever they are finite: for f built only from these (and +, *, powers)
# SymPy's f'' is the true second derivative. Piecewise, Abs, Max, floor... are excluded: their
# derivative is taken piece by piece and misses kinks and jumps (f'' = 0 for a convex kink).
SMOOTH_FUNCTIONS = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.atan,
                    sp.asinh, sp.erf)
# A step's relation -> the lemma relations that prove it: never a strict step by a non-strict
# lemma, an equality proves = and the non-strict inequalities.
IMPLIES = {"<=": ("<=", "="), "<": ("<",), ">=": (">=", "="), ">": (">",), "=": ("=",)}


@dataclass(frozen=True)
class Lemma:
    """A lemma's name, statement, side conditions and formal reference."""

    key: str
    name: str
    statement: str
    side_conditions: tuple[str, ...]
    formal: str


JENSEN = Lemma(
    "jensen", "Jensen's inequality (finite form, concave f)",
    "sum_i w_i f(x_i) <= f(sum_i w_i x_i)",
    ("f concave on an interval D: f'' <= 0 on D", "x_i in D", "w_i >= 0", "sum_i w_i = 1"),
    "Mathlib: ConcaveOn.le_map_sum (ConvexOn.map_sum_le for convex f)")
JENSEN_EXPECTATION = Lemma(
    "jensen-expectation", "Jensen's inequality for an expectation",
    "E_q[f(g(z))] <= f(E_q[g(z)]) for concave f (f(E_q[g]) <= E_q[f(g)] for convex f)",
    ("f concave (convex) on an interval D: f'' <= 0 (>= 0) on D, f smooth", "g(z) in D",
     "q a declared density, or a normal law with positive variances",
     "g integrable under q: E_q|g| < oo (f(g) integrable, or E_q[f(g)] = -oo for concave f, "
     "+oo for convex f, where the inequality holds in the extended reals)"),
    "Mathlib: ConcaveOn.le_map_integral (ConvexOn.map_integral_le for convex f), "
    "Analysis/Convex/Integral.lean")
LOG_LE_SUB_ONE = Lemma(
    "log-le-sub-one", "log t <= t - 1 (weighted sum form)",
    "sum_i w_i log x_i <= sum_i w_i (x_i - 1)",
    ("x_i > 0", "w_i >= 0"),
    "Mathlib: Real.log_le_sub_one_of_pos")
LOG_MONOTONE = Lemma(
    "log-monotone", "log is increasing",
    "log a <= log b", ("0 < a", "a <= b"),
    "Mathlib: Real.log_le_log")
HYPOTHESIS = Lemma(
    "hypothesis", "a declared hypothesis", "the step is one of the assumptions", (),
    "by assumption")
GIBBS = Lemma(
    "gibbs", "Gibbs' inequality", "D_KL(p || q) >= 0", ("p, q distributions", "p << q"),
    "Mathlib: InformationTheory.klDiv_nonneg; this project's identity 1c")
REPARAMETERIZATION = Lemma(
    "reparameterization", "reparameterization: mu + sigma eps ~ N(mu, sigma^2) for eps ~ N(0, 1)",
    "E_{x ~ N(m, s^2)}[f(x)] = E_{eps ~ N(0, 1)}[f(m + s eps)]",
    ("s^2 > 0", "eps ~ N(0, 1)", "E|f(x)| < oo"),
    "Mathlib: ProbabilityTheory.gaussianReal_map_add_const and gaussianReal_map_const_mul "
    "(an affine image of a Gaussian is Gaussian); Kingma & Welling, arXiv:1312.6114, Sec. 2.4")
EXCHANGE_DERIVATIVE = Lemma(
    "exchange-derivative-expectation", "differentiation under the expectation (Leibniz rule)",
    "d/dt E_{eps ~ P}[g(t, eps)] = E_{eps ~ P}[dg/dt(t, eps)]",
    ("the law P of eps does not depend on t",
     "g(., eps) differentiable near t for every eps",
     "|dg/dt(t', eps)| <= G(eps) for t' near t with E_P[G] < oo (dominated convergence)"),
    "Mathlib: hasDerivAt_integral_of_dominated_loc_of_deriv_le")
SCORE_FUNCTION = Lemma(
    "score-function", "score-function identity (log-derivative trick)",
    "d/dt E_{z ~ q_t}[f(z)] = E_{z ~ q_t}[f(z) d/dt log q_t(z)]",
    ("f does not depend on t", "q_t(z) > 0 (a support that does not depend on t)",
     "q_t differentiable in t, |f dq_t/dt| <= G(z) near t with integral G < oo "
     "(dominated convergence)"),
    "Mathlib: hasDerivAt_integral_of_dominated_loc_of_deriv_le, with d log q = dq / q; "
    "Williams 1992; Mohamed et al., JMLR 21 (2020), Sec. 4")
DIFFERENTIATION = Lemma(
    "differentiation", "rules of differentiation (sum, product, chain rule), evaluated by SymPy",
    "d/dt of an explicit expression", ("every function differentiated is differentiable",),
    "Mathlib: HasDerivAt.comp, HasDerivAt.mul, HasDerivAt.add")
LEMMAS = (JENSEN, JENSEN_EXPECTATION, LOG_LE_SUB_ONE, LOG_MONOTONE, HYPOTHESIS, GIBBS,
          REPARAMETERIZATION, EXCHANGE_DERIVATIVE, SCORE_FUNCTION, DIFFERENTIATION)


@dataclass(frozen=True)
class Obligation:
    """One side condition of a lemma instance, checked symbolically."""

    text: str
    # "nonneg", "pos", "nonpos", "equal", "le", "smooth", "constant", "independent", "density",
    # "integrable", "count" (a positive integer by its declared assumptions)
    kind: str
    expr: sp.Expr
    other: sp.Expr = sp.S.Zero


@dataclass(frozen=True)
class Instance:
    """What a lemma gives for its arguments: `lhs op rhs` and the side conditions it needs."""

    lhs: sp.Expr
    op: str
    rhs: sp.Expr
    obligations: tuple[Obligation, ...] = ()
    detail: str = ""


FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "="}


@dataclass(frozen=True, init=False)
class LemmaUse:
    """A lemma applied to arguments. Its sides, relation and side conditions are the lemma's.

    Build it with the lemma's function (`jensen(...)`, `log_monotone(a, b)`, ...), or as
    `LemmaUse(LOG_MONOTONE, (a, b))`: either way the instance is computed here from the
    arguments, so no caller can drop a side condition or choose the sides. Only the engine's
    own lemmas (`LEMMAS`) are accepted. `reversed=True` reads `a <= b` as `b >= a`.
    """

    lemma: Lemma
    args: tuple = ()
    options: tuple[tuple[str, object], ...] = ()
    reversed: bool = False
    lhs: sp.Expr = field(init=False, repr=False)
    op: str = field(init=False, repr=False)
    rhs: sp.Expr = field(init=False, repr=False)
    obligations: tuple[Obligation, ...] = field(init=False, repr=False)
    detail: str = field(init=False, repr=False)

    def __init__(self, lemma: Lemma, args: tuple = (), options: tuple = (),
                 reversed: bool = False, *more: object) -> None:
        if more:  # the old LemmaUse(lemma, lhs, op, rhs, obligations): the caller's own sides
            raise ValueError("LemmaUse(lemma, args, options, reversed): the sides, relation and "
                             "side conditions come from the lemma; build it with the lemma's "
                             "function (log_monotone(a, b), jensen(...), ...)")
        for name, value in (("lemma", lemma), ("args", args), ("options", options),
                            ("reversed", reversed)):
            object.__setattr__(self, name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        if not any(self.lemma is known for known in LEMMAS):
            raise ValueError(f"LemmaUse: {self.lemma!r} is not one of the engine's lemmas "
                             f"({', '.join(k.key for k in LEMMAS)})")
        if not isinstance(self.args, (tuple, list)) or not isinstance(self.options,
                                                                      (tuple, list)):
            raise ValueError(f"LemmaUse: args must be the tuple of {self.lemma.key}'s "
                             f"arguments; its sides and side conditions come from the lemma "
                             f"(build it with the lemma's function), got args {self.args!r}")
        if not all(isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], str)
                   for o in self.options) or not isinstance(self.reversed, bool):
            raise ValueError("LemmaUse: options must be (name, value) pairs and reversed a bool")
        object.__setattr__(self, "args", _frozen(self.args))
        object.__setattr__(self, "options", _frozen(self.options))
        got = _BUILDERS[self.lemma.key](*self.args, **dict(self.options))
        lhs, op, rhs = (got.rhs, FLIP[got.op], got.lhs) if self.reversed else \
            (got.lhs, got.op, got.rhs)
        for name, value in (("lhs", lhs), ("op", op), ("rhs", rhs),
                            ("obligations", got.obligations), ("detail", got.detail)):
            object.__setattr__(self, name, value)

    def describe(self) -> str:
        return self.lemma.name + (f" ({self.detail})" if self.detail else "")

    def flipped(self) -> LemmaUse:
        """The same instance read the other way round: b >= a for a <= b."""
        return LemmaUse(self.lemma, self.args, self.options, not self.reversed)

    def xreplace(self, mapping: Callable[[sp.Basic], sp.Basic]) -> LemmaUse:
        """The lemma applied to rewritten arguments (its instance recomputed from them)."""

        def sub(v: object) -> object:
            if isinstance(v, tuple):
                return tuple(sub(x) for x in v)
            return mapping(v) if isinstance(v, sp.Basic) else v

        return LemmaUse(self.lemma, sub(self.args), sub(self.options), self.reversed)

    def check(self, lhs: sp.Expr, op: str, rhs: sp.Expr, a: Assumptions, *,
              seconds: float = DEFAULT_SECONDS) -> Outcome:
        """PROVED if the step is this instance and every side condition is proved.

        A non-strict instance never proves a strict step, and an equality proves `=`, `<=`
        or `>=` only. The instance is recomputed from the arguments here, so fields changed
        after construction count for nothing.
        """
        use = LemmaUse(self.lemma, self.args, self.options, self.reversed)
        if use.op not in IMPLIES.get(op, ()):
            return _fails(f"{use.lemma.name} gives '{use.op}', not '{op}'")
        for side, mine in (("left", (lhs, use.lhs)), ("right", (rhs, use.rhs))):
            # The very expression needs no proof that it is defined: the lemma's own side
            # conditions (x_i in f's domain, 0 < a <= b, ...) say where its sides are.
            if mine[0] != mine[1] and not prove_equal(*mine, a, seconds=seconds):
                return _fails(f"the step's {side} side is not the lemma's {side} side")
        notes = []
        for ob in use.obligations:
            how = _discharge(ob, a, seconds)
            if not how:
                return _fails(f"side condition not proved: {ob.text}")
            if isinstance(how, str):  # discharged through a convention: shown with the verdict
                notes.append(how)
        conds = "; ".join(ob.text for ob in use.obligations)
        return Outcome(Verdict.PROVED, f"{use.lemma.name}" + (f" [{conds}]" if conds else ""),
                       None, tuple(notes))


_BUILDERS: dict[str, Callable[..., Instance]] = {}


def lemma_function(lemma: Lemma) -> Callable:
    """Register `build` as the lemma's instance; the public name returns a LemmaUse of it."""

    def wrap(build: Callable[..., Instance]) -> Callable[..., LemmaUse]:
        _BUILDERS[lemma.key] = build

        @functools.wraps(build)
        def use(*args: object, **options: object) -> LemmaUse:
            return LemmaUse(lemma, args, tuple(sorted(options.items())))

        use.__annotations__ = {**build.__annotations__, "return": LemmaUse}
        return use

    return wrap


def _frozen(v: object) -> object:
    """Lists as tuples, all the way down (a LemmaUse is hashable like the Step holding it)."""
    return tuple(_frozen(x) for x in v) if isinstance(v, (tuple, list)) else v


def _fails(why: str) -> Outcome:
    return Outcome(Verdict.UNDECIDED, "lemma does not apply", None, (why,))


def _discharge(ob: Obligation, a: Assumptions, seconds: float) -> bool | str:
    """Prove one side condition within the time limit; running out means not proved. A text
    (true) when the proof goes through a convention the verdict must show."""
    try:
        with time_limit(seconds):
            return _discharge_now(ob, a, seconds)
    except OutOfTime:
        return False
    except Exception:  # a crash inside SymPy proves nothing
        return False


def _discharge_now(ob: Obligation, a: Assumptions, seconds: float) -> bool | str:
    if ob.kind == "smooth":
        return is_smooth(ob.expr)
    if ob.kind == "count":  # n positive integer, K of the size names: declared, never sampled
        return ob.expr.is_integer is True and ob.expr.is_positive is True
    if ob.kind == "density":
        return any(d.weighs(ob.expr) for d in a.densities)
    if ob.kind == "integrable":
        return _integrable(ob.expr, a, seconds)
    if ob.kind == "constant":  # expr is a density q(...), other the variable
        return a.is_constant(ob.expr.func)
    if ob.kind == "independent":  # expr free of the variable `other`, symbols as declared;
        from derive.engine.expectation import dependence  # a Lambda's variables are bound

        body = ob.expr.expr if isinstance(ob.expr, sp.Lambda) else ob.expr
        explicit = dependence([ob.expr], [ob.other], a.is_constant)(body)
        return prove_equal(sp.diff(explicit, ob.other), 0, a, seconds=seconds) is not None
    if ob.kind == "equal":
        return prove_equal(ob.expr, ob.other, a, seconds=seconds) is not None
    if ob.kind == "le":
        if _by_hypothesis(ob.expr, "<=", ob.other, a):
            return True
        return prove_sign(ob.other - ob.expr, a, strict=False) is not None
    if ob.kind == "nonpos":
        return prove_sign(-ob.expr, a, strict=False) is not None
    return prove_sign(ob.expr, a, strict=ob.kind == "pos") is not None


def _in_domain(x: sp.Expr, domain: sp.Interval, text: str) -> list[Obligation]:
    out = []
    if domain.inf != -sp.oo:
        out.append(Obligation(f"{text} >= {domain.inf}" if not domain.left_open
                              else f"{text} > {domain.inf}",
                              "pos" if domain.left_open else "nonneg", x - domain.inf))
    if domain.sup != sp.oo:
        out.append(Obligation(f"{text} <= {domain.sup}", "nonneg", domain.sup - x))
    return out


def is_smooth(expr: sp.Basic) -> bool:
    """Built from symbols, numbers, +, *, powers and SMOOTH_FUNCTIONS only."""
    return all(isinstance(e, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul, sp.Pow,
                              *SMOOTH_FUNCTIONS))
               for e in sp.preorder_traversal(expr))


def _index(index: object) -> tuple[sp.Symbol, sp.Expr, sp.Expr]:
    """A summation range (i, lo, hi), or a one-line ValueError."""
    if not (isinstance(index, (tuple, list, sp.Tuple)) and len(index) == 3
            and isinstance(index[0], sp.Symbol)):
        raise ValueError(f"a summation range must be (index Symbol, lower, upper), got {index!r}")
    i, lo, hi = index
    return i, sp.sympify(lo), sp.sympify(hi)


def _range(index: tuple) -> Obligation:
    """sum_{i=lo}^{hi} with hi < lo - 1 is minus a sum (SymPy's convention): rule it out."""
    i, lo, hi = _index(index)
    return Obligation(f"{i} = {lo}..{hi} is not a reversed range: {hi} >= {lo} - 1",
                      "nonneg", hi - lo + 1)


@lemma_function(JENSEN)
def jensen(f: sp.Lambda, weights: sp.Expr, points: sp.Expr, index: tuple, *,
           domain: sp.Interval = POSITIVE_REALS) -> Instance:
    """Jensen for concave f: sum w f(x) <= f(sum w x); concavity checked from f''.

    >>> i = sp.Symbol("i", integer=True); t = sp.Symbol("t")
    >>> use = jensen(sp.Lambda(t, sp.log(t)), sp.Integer(1) / 2, i, (i, 1, 2))
    >>> use.op
    '<='
    """
    if not (isinstance(f, sp.Lambda) and len(f.variables) == 1):
        raise ValueError(f"jensen: f must be a Lambda of one variable, e.g. Lambda(t, log(t)), "
                         f"not {f!r}")
    index = _index(index)
    t = sp.Dummy("t", real=True)
    second = sp.diff(f(t), t, 2)
    i = index[0]
    lhs = sp.Sum(weights * f(points), index)
    rhs = f(sp.Sum(weights * points, index))
    domain_sym = _interval_symbol(domain)
    concave = sp.diff(f(domain_sym), domain_sym, 2)
    obligations = (
        Obligation(f"f = {f.expr} is smooth (f'' is its true second derivative)", "smooth",
                   f(domain_sym)),
        Obligation(f"f''(t) = {sp.simplify(second)} <= 0 on {domain}", "nonpos", concave),
        *_in_domain(points, domain, f"x_{i} = {points}"),
        Obligation(f"w_{i} = {weights} >= 0", "nonneg", weights),
        Obligation(f"sum_{i} w_{i} = 1", "equal", sp.Sum(weights, index), sp.S.One),
        _range(index),
    )
    return Instance(lhs, "<=", rhs, obligations, f"f = {f.expr} in {f.variables[0]}")


@lemma_function(JENSEN_EXPECTATION)
def jensen_expectation(f: sp.Lambda, expectation: sp.Expr, *, convex: bool = False,
                       domain: sp.Interval = POSITIVE_REALS) -> Instance:
    """Jensen for an expectation: E_q[f(g)] <= f(E_q[g]) for concave f (reversed for convex).

    `expectation` is E_q[g]; the law q is a declared density or a normal law. Integrability
    of g is proved for a polynomial g under a normal law (every moment exists), for a g of one
    sign whose expectation evaluates to a finite expression (E_p[q/p] = integral of q = 1), or
    from a declared fact `E_q[Abs(g)] < oo`. Worksheet 1c for densities, 2b (the ELBO).

    >>> z = sp.Symbol("z", real=True); s = sp.Symbol("s", positive=True)
    >>> from derive.engine.expectation import Expectation, Normal
    >>> jensen_expectation(sp.Lambda(s, sp.log(s)), Expectation(1 + z**2, z, Normal(0, 1))).rhs
    log(E_{z~N(0, 1)}[z**2 + 1])
    """
    from derive.engine.expectation import Expectation, IIDExpectation

    if not (isinstance(f, sp.Lambda) and len(f.variables) == 1):
        raise ValueError(f"jensen_expectation: f must be a Lambda of one variable, e.g. "
                         f"Lambda(t, log(t)), not {f!r}")
    if not isinstance(expectation, (Expectation, IIDExpectation)):
        raise ValueError("jensen_expectation: expected an Expectation E_q[g]")
    if not isinstance(convex, bool):
        raise ValueError(f"jensen_expectation: convex must be True or False, not {convex!r}")
    g, law = expectation.function, expectation.law
    samples = isinstance(expectation, IIDExpectation)
    inner = expectation.with_function(f(g))
    outer = f(expectation)
    t = _interval_symbol(domain)
    curvature = sp.diff(f(t), t, 2)
    shape = "convex" if convex else "concave"
    if samples:  # the product of K copies of q is a probability law when q is a density
        n = expectation.count
        law_ok = (Obligation(f"{law.func} is a declared density", "density", law),
                  Obligation(f"the number of samples {n} is a positive integer", "count", n))
    elif expectation.is_abstract:
        law_ok = (Obligation(f"{law.func} is a declared density", "density", law),)
    else:
        law_ok = tuple(Obligation(f"variance {c.var} > 0", "pos", c.var)
                       for c in law.coordinates)
    obligations = (
        Obligation(f"f = {f.expr} is smooth (f'' is its true second derivative)", "smooth",
                   f(t)),
        Obligation(f"f''(t) = {sp.simplify(curvature)} {'>=' if convex else '<='} 0 on "
                   f"{domain} (f {shape})", "nonneg" if convex else "nonpos", curvature),
        *_in_domain(g, domain, f"g = {g}"),
        *law_ok,
        Obligation(f"E|{g}| < oo under " + (f"{expectation.count} i.i.d. samples of "
                                              f"{law.func}" if samples else _law_text(law)),
                   "integrable", expectation),
    )
    lhs, rhs = (outer, inner) if convex else (inner, outer)
    return Instance(lhs, "<=", rhs, obligations, f"f = {f.expr} {shape}, g = {g}")


def _law_text(law: sp.Basic) -> str:
    return str(law.func) if isinstance(law, sp.core.function.AppliedUndef) else str(law)


def _integrable(e: sp.Expr, a: Assumptions, seconds: float) -> bool | str:
    """E|g| < oo: declared, a polynomial under a normal law, or one-signed with a finite E[g].

    E[g] is finite when it evaluates to a finite expression (E_p[q/p] = integral of q = 1), or
    when it is a quantity the header defines by that integral (`p(x) = \\int p(x, z) dz`,
    and E_q[p(x, z)/q(z)] = \\int p(x, z) dz): a definition names a value, so the header
    declares that the integral exists. That reading is returned as a text, shown with the
    verdict.
    """
    from derive.engine.checks import linearise, simplify
    from derive.engine.definitions import unfold
    from derive.engine.expectation import Expectation

    g = e.function
    if isinstance(e, Expectation):
        zs = e.variables
        declared = sp.Lt(e.with_function(sp.Abs(g)), sp.oo, evaluate=False)
        if any(f == declared for f in a.facts):
            return True
        if not e.is_abstract and g.is_polynomial(*zs):
            return True
    if not (prove_sign(g, a, strict=False) or prove_sign(-g, a, strict=False)):
        return False
    value = a.normalise(simplify(a.normalise(linearise(unfold(e)))))
    if not value.has(sp.Integral) and value.is_finite is True:
        return True
    return _defined_by(value, a, f"E|{g}| = E[{g}]") or False


def _defined_by(value: sp.Expr, a: Assumptions, what: str) -> str | None:
    """The text saying that `value` (an integral) is a quantity f(x) the header defines as
    that integral (a rule f(x) = integral, after the other rules), or None."""
    for rule in a.rules:
        if not (isinstance(rule.old, sp.core.function.AppliedUndef)
                and isinstance(rule.new, sp.Integral)):
            continue
        for rewrite in a.rewrites():
            if value.match(rewrite(rule.new)) is not None:
                return (f"{what}: the quantity the header defines by {rule.describe()}; a "
                        f"defined quantity is taken to exist (to be finite)")
    return None


def _interval_symbol(domain: sp.Interval) -> sp.Symbol:
    """A symbol whose SymPy assumptions encode the domain, when they can."""
    if domain == sp.Interval.open(0, sp.oo):
        return sp.Dummy("t", positive=True)
    if domain == sp.Interval(0, sp.oo):
        return sp.Dummy("t", nonnegative=True)
    if domain == sp.Interval(-sp.oo, sp.oo):
        return sp.Dummy("t", real=True)
    raise ValueError(f"jensen: domain {domain} is not (0, oo), [0, oo) or the real line")


@lemma_function(LOG_LE_SUB_ONE)
def log_le_sub_one(weights: sp.Expr, points: sp.Expr, index: tuple | None = None) -> Instance:
    """sum w log x <= sum w (x - 1), from log t <= t - 1 for t > 0 and w >= 0."""
    lhs, rhs = weights * sp.log(points), weights * (points - 1)
    if index is not None:
        index = _index(index)
        lhs, rhs = sp.Sum(lhs, index), sp.Sum(rhs, index)
    obligations = (Obligation(f"x = {points} > 0", "pos", points),
                   Obligation(f"w = {weights} >= 0", "nonneg", weights))
    if index is not None:
        obligations += (_range(index),)
    return Instance(lhs, "<=", rhs, obligations)


@lemma_function(LOG_MONOTONE)
def log_monotone(a: sp.Expr, b: sp.Expr) -> Instance:
    """log a <= log b from 0 < a <= b."""
    obligations = (Obligation(f"{a} > 0", "pos", a), Obligation(f"{a} <= {b}", "le", a, b))
    return Instance(sp.log(a), "<=", sp.log(b), obligations)


@lemma_function(GIBBS)
def gibbs(p: sp.Basic, q: sp.Basic, limits: tuple | sp.Symbol, *,
          offset: sp.Expr = sp.S.Zero) -> Instance:
    """offset - D_KL(p || q) <= offset, from D_KL(p || q) >= 0 (Gibbs; identity 1c).

    p, q: entries p[i] / densities p(x) with limits (i, 1, n) / (x, -oo, oo); side conditions:
    both normalised (sum or integral = 1 under the declared assumptions), q > 0 (so p << q),
    p >= 0. Or two normal laws (`derive.engine.expectation.Normal` / `DiagNormal`) with limits the
    variable(s): D_KL is then E_{z~p}[log p(z) - log q(z)], and the side conditions are that
    every variance is positive (a normal law is then a positive, normalised density).
    """
    from derive.engine.definitions import KL, total
    from derive.engine.expectation import DiagNormal, Expectation, Normal

    offset = sp.sympify(offset)
    if isinstance(p, (Normal, DiagNormal)) and isinstance(q, (Normal, DiagNormal)):
        kl = Expectation(p.log_pdf(limits) - q.log_pdf(limits), limits, p)
        obligations = tuple(Obligation(f"variance {c.var} > 0", "pos", c.var)
                            for law in (p, q) for c in law.coordinates)
        detail = f"normal laws {p} and {q}"
    elif isinstance(p, (Normal, DiagNormal)) or isinstance(q, (Normal, DiagNormal)):
        raise ValueError("gibbs: give two normal laws or two distributions/densities")
    else:
        limits = sp.Tuple(*limits)
        if len(limits) != 3:
            raise ValueError(f"gibbs: limits must be (variable, lower, upper), got {limits}")
        kl = KL(p, q, limits)
        obligations = (Obligation(f"{p} is normalised", "equal", total(p, limits), sp.S.One),
                       Obligation(f"{q} is normalised", "equal", total(q, limits), sp.S.One),
                       Obligation(f"{q} > 0 (so {p} << {q})", "pos", q),
                       Obligation(f"{p} >= 0", "nonneg", p))
        detail = f"D_KL({p} || {q}) >= 0"
    return Instance(offset - kl, "<=", offset, obligations, detail)


@lemma_function(HYPOTHESIS)
def hypothesis(lhs: sp.Expr, op: str, rhs: sp.Expr) -> Instance:
    """The step is a declared hypothesis (checked against the assumptions' list)."""
    kind = {"<=": "le", ">=": "le"}.get(op)
    if kind is None:
        raise ValueError("hypothesis: only <= and >= steps")
    small, big = (lhs, rhs) if op == "<=" else (rhs, lhs)
    return Instance(lhs, op, rhs,
                    (Obligation(f"{small} <= {big} is declared", "le", small, big),))


@lemma_function(REPARAMETERIZATION)
def reparameterize(expectation: sp.Expr, eps: sp.Symbol, *,
                   wrt: sp.Symbol | None = None) -> Instance:
    """E_{x ~ N(m, v)}[f(x)] = E_{eps ~ N(0, 1)}[f(m + sqrt(v) eps)]; v > 0 is an obligation.

    With `wrt`, both sides are differentiated in it: equal functions of t have equal
    derivatives. Worksheet 2d; Kingma & Welling, arXiv:1312.6114, Sec. 2.4.

    >>> x, e, m = sp.Symbol("x", real=True), sp.Symbol("e", real=True), sp.Symbol("m")
    >>> from derive.engine.expectation import Expectation, Normal
    >>> reparameterize(Expectation(x**2, x, Normal(m, 4)), e).rhs
    E_{e~N(0, 1)}[(2*e + m)**2]
    """
    from derive.engine.expectation import Expectation, Normal

    if not isinstance(expectation, Expectation) or not isinstance(expectation.law, Normal):
        raise ValueError("reparameterize: expected an Expectation under a scalar Normal law")
    if expectation.has(eps):
        raise ValueError(f"reparameterize: {eps} already occurs in {expectation}")
    (x,) = expectation.variables
    law = expectation.law
    lhs = expectation
    rhs = Expectation(expectation.function.xreplace({x: law.mean + sp.sqrt(law.var) * eps}),
                      eps, Normal(0, 1))
    if wrt is not None:
        lhs, rhs = sp.Derivative(lhs, wrt), sp.Derivative(rhs, wrt)
    obligations = (Obligation(f"variance {law.var} > 0", "pos", law.var),)
    return Instance(lhs, "=", rhs, obligations,
                    f"{x} = {law.mean + sp.sqrt(law.var) * eps}")


@lemma_function(EXCHANGE_DERIVATIVE)
def exchange_derivative(expectation: sp.Expr, wrt: sp.Symbol) -> Instance:
    """d/dt E_{eps ~ P}[g] = E_{eps ~ P}[dg/dt]; obligation: the law P does not depend on t.

    A normal law's means and variances must be free of t, with every symbol in them declared
    constant (`Assumptions.constants`); an abstract density q must itself be declared
    constant (a density named alone may be q_t). Its parameters too, for q(z, theta). The
    domination condition cannot be checked symbolically: state it in the step's `uses`.

    >>> e, t = sp.Symbol("e", real=True), sp.Symbol("t", real=True)
    >>> from derive.engine.expectation import Expectation, Normal
    >>> exchange_derivative(Expectation(t * e**2, e, Normal(0, 1)), t).rhs
    E_{e~N(0, 1)}[Derivative(e**2*t, t)]
    """
    from derive.engine.expectation import Expectation

    if not isinstance(expectation, Expectation):
        raise ValueError("exchange_derivative: expected an Expectation")
    if wrt in expectation.variables:
        raise ValueError(f"exchange_derivative: {wrt} is the expectation's own variable")
    law = expectation.law
    roles = ["mean", "variance"] * (len(expectation.parameters) // 2) \
        if not expectation.is_abstract else ["parameter"] * len(expectation.parameters)
    obligations = tuple(Obligation(f"the law's {role} {p} does not depend on {wrt}",
                                   "independent", p, wrt)
                        for role, p in zip(roles, expectation.parameters, strict=True))
    if expectation.is_abstract:
        obligations = (Obligation(f"the density {law.func} does not depend on {wrt} "
                                  f"(declared constant)", "constant", law.func(*law.args),
                                  wrt),) + obligations
    lhs = sp.Derivative(expectation, wrt)
    rhs = Expectation(sp.Derivative(expectation.function, wrt), expectation.variables, law)
    return Instance(lhs, "=", rhs, obligations, f"in {wrt}")


@lemma_function(SCORE_FUNCTION)
def score_function(expectation: sp.Expr, wrt: sp.Symbol) -> Instance:
    """d/dt E_{z ~ q_t}[f] = E_{z ~ q_t}[f d/dt log q_t(z)]: the law may depend on t, f may not.

    Obligations: f free of t (its symbols declared constant, as for `exchange_derivative`)
    and the density positive where it is evaluated (a normal law is, once its variance is
    positive, which every step using it needs anyway). Domination goes in the step's `uses`.
    Worksheet 2d; Mohamed, Rosca, Figurnov & Mnih, JMLR 21 (2020), Sec. 4.

    >>> z, t = sp.Symbol("z", real=True), sp.Symbol("t", real=True)
    >>> from derive.engine.expectation import Expectation, Normal
    >>> score_function(Expectation(z**2, z, Normal(t, 1)), t).rhs
    E_{z~N(t, 1)}[z**2*Derivative(-(-t + z)**2/2 - log(2*pi)/2, t)]
    """
    from derive.engine.expectation import Expectation

    if not isinstance(expectation, Expectation):
        raise ValueError("score_function: expected an Expectation")
    if wrt in expectation.variables:
        raise ValueError(f"score_function: {wrt} is the expectation's own variable")
    zs, law, f = expectation.variables, expectation.law, expectation.function
    if expectation.is_abstract:
        log_q = sp.log(law)
        positive = (Obligation(f"{law} > 0", "pos", law),)
    else:
        log_q = law.log_pdf(zs[0] if len(zs) == 1 else zs)
        positive = ()
    rhs = Expectation(f * sp.Derivative(log_q, wrt), zs, law)
    obligations = (Obligation(f"f = {f} does not depend on {wrt}", "independent",
                              sp.Lambda(zs, f), wrt), *positive)
    return Instance(sp.Derivative(expectation, wrt), "=", rhs, obligations, f"in {wrt}")


@lemma_function(DIFFERENTIATION)
def differentiate(expr: sp.Expr) -> Instance:
    """expr = expr with every derivative of an explicit expression evaluated by SymPy.

    A derivative of an expectation is left alone (that is `exchange_derivative`'s job).

    >>> t = sp.Symbol("t")
    >>> differentiate(sp.Derivative(sp.sin(t) ** 2, t)).rhs
    2*sin(t)*cos(t)
    """
    from derive.engine.expectation import Expectation

    rhs = expr.replace(lambda e: isinstance(e, sp.Derivative) and not e.has(Expectation),
                       lambda e: e.doit())
    return Instance(expr, "=", rhs)
