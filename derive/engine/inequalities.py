"""Inequality lemmas as textbooks use them: Jensen on expectations, Gibbs in every orientation,
the log-sum inequality, KL >= 0 for conditional densities, and monotone contexts.

Each builder returns a `Use` (a `LemmaUse` with extra side conditions) whose `check` proves that
the step's sides are the instance's sides and that every side condition holds under the
declared assumptions. Three kinds of side condition go beyond `lemmas.Obligation`'s:

- *declared*: a hypothesis the engine cannot check (an exchange of limits, say); it holds
  only if its exact text is one of the `Assumptions.notes`;
- *integrable*: E_law|g| < oo; proved when the law is normal and g a polynomial in the
  variables (every Gaussian moment is finite), otherwise it must be declared as a note with
  the text `integrable(g, variables, law)` gives;
- *inner*: the inequality a monotone context is applied to, checked recursively.

These appear in `obligations` too (for printing) with the expression -1, so that a plain
`LemmaUse` rebuilt from them (losing `Use.check`) can never prove them.

A monotone context reduces a step to an inner inequality: `a <= b` gives `a + c <= b + c`,
`c a <= c b` (c > 0), `-a >= -b`, `log a <= log b` (a > 0), `exp a <= exp b`,
`sum_i w_i a_i <= sum_i w_i b_i` (w_i >= 0) and `E[a] <= E[b]` (a law, both integrable).

References: Cover & Thomas, Elements of Information Theory (2nd ed.), Thm 2.6.2 (Jensen),
Thm 2.7.1 (log-sum), Thm 2.5.3 (chain rule), Thm 2.8.1 (data processing); Mathlib names in
each `Lemma.formal`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp
from sympy.core.function import FunctionClass

from derive.engine.assumptions import Assumptions
from derive.engine.checks import prove_equal
from derive.engine.expectation import DiagNormal, Expectation, Normal
from derive.engine.lemmas import (
    IMPLIES,
    LEMMAS,
    POSITIVE_REALS,
    Lemma,
    LemmaUse,
    Obligation,
    _discharge,
    _fails,
    _in_domain,
    _index,
    _interval_symbol,
    _range,
    gibbs,
    log_le_sub_one,
)
from derive.engine.timelimit import DEFAULT_SECONDS
from derive.engine.verdict import Outcome, Verdict

FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "="}
_UNPROVABLE = sp.S.NegativeOne  # the expression of a condition only `Use.check` can prove

JENSEN_CONCAVE_E = Lemma(
    "jensen-expectation-concave", "Jensen's inequality for an expectation (concave f)",
    "E_law[f(g)] <= f(E_law[g])",
    ("f concave on an interval D: f'' <= 0 on D", "g in D", "law: a probability law",
     "E|g| < oo", "E|f(g)| < oo"),
    "Mathlib: ConcaveOn.le_map_integral")
JENSEN_CONVEX_E = Lemma(
    "jensen-expectation-convex", "Jensen's inequality for an expectation (convex f)",
    "f(E_law[g]) <= E_law[f(g)]",
    ("f convex on an interval D: f'' >= 0 on D", "g in D", "law: a probability law",
     "E|g| < oo", "E|f(g)| < oo"),
    "Mathlib: ConvexOn.map_integral_le")
LOG_SUM = Lemma(
    "log-sum", "the log-sum inequality",
    "sum_i a_i log(a_i / b_i) >= (sum_i a_i) log(sum_i a_i / sum_i b_i)",
    ("a_i >= 0", "b_i > 0", "a non-reversed range"),
    "Mathlib: Real.sum_mul_log_div_leq")
KL_CONDITIONAL = Lemma(
    "kl-conditional", "Gibbs' inequality for conditional densities",
    "D_KL(p(.|x) || q(.|x)) >= 0 for every x",
    ("p(.|x), q(.|x) normalised for every x", "q(.|x) > 0 (so p(.|x) << q(.|x))",
     "p(.|x) >= 0"),
    "Mathlib: InformationTheory.klDiv_nonneg, applied to each kernel slice")
SUM_EXCHANGE = Lemma(
    "sum-exchange", "finite sums commute", "sum_i sum_j f = sum_j sum_i f",
    ("neither range depends on the other index",), "Mathlib: Finset.sum_comm")
SUM_ITERATE = Lemma(
    "sum-iterate", "a double sum as an iterated sum, factors pulled out of the inner sum",
    "sum_{i, j} c_i d_ij = sum_i c_i sum_j d_ij", ("c_i does not depend on j",),
    "Mathlib: Finset.sum_product, Finset.mul_sum")
EXCHANGE_INTEGRAL = Lemma(
    "exchange-derivative-integral", "differentiation under the integral sign (Leibniz)",
    "d/dt integral h(x, t) dx = integral dh/dt(x, t) dx",
    ("h(x, .) differentiable near t for almost every x",
     "|dh/dt(x, t')| <= G(x) for t' near t, with G integrable (dominated convergence)"),
    "Mathlib: hasDerivAt_integral_of_dominated_loc_of_deriv_le")
REVERSE = Lemma("reverse", "the same inequality read right to left", "a <= b iff b >= a", (),
                "Mathlib: GE.ge (definitional)")
ADD = Lemma("monotone-add", "adding the same term to both sides", "a <= b => a + c <= b + c",
            ("the inner inequality",), "Mathlib: add_le_add_right")
SCALE = Lemma("monotone-scale", "multiplying both sides by a positive factor",
              "a <= b, c > 0 => c a <= c b", ("c > 0", "the inner inequality"),
              "Mathlib: mul_le_mul_of_nonneg_left (mul_lt_mul_of_pos_left if strict)")
NEGATE = Lemma("monotone-negate", "negating both sides flips the relation",
               "a <= b => -a >= -b", ("the inner inequality",), "Mathlib: neg_le_neg")
LOG_BOTH = Lemma("monotone-log", "log is increasing", "0 < a <= b => log a <= log b",
                 ("the smaller side > 0", "the inner inequality"), "Mathlib: Real.log_le_log")
EXP_BOTH = Lemma("monotone-exp", "exp is increasing", "a <= b => exp a <= exp b",
                 ("the inner inequality",), "Mathlib: Real.exp_le_exp")
SUM_BOTH = Lemma("monotone-sum", "summing with nonnegative weights",
                 "a_i <= b_i for every i, w_i >= 0 => sum_i w_i a_i <= sum_i w_i b_i",
                 ("w_i >= 0", "a non-reversed range", "the inner inequality for every i"),
                 "Mathlib: Finset.sum_le_sum")
EXPECT_BOTH = Lemma("monotone-expectation", "the expectation is monotone",
                    "a(x) <= b(x) for every x => E_law[a] <= E_law[b]",
                    ("law >= 0", "E|a| < oo", "E|b| < oo", "the inner inequality for every x"),
                    "Mathlib: MeasureTheory.integral_mono")
INEQUALITY_LEMMAS = (JENSEN_CONCAVE_E, JENSEN_CONVEX_E, LOG_SUM, KL_CONDITIONAL, SUM_EXCHANGE,
                     SUM_ITERATE, EXCHANGE_INTEGRAL, REVERSE, ADD, SCALE, NEGATE, LOG_BOTH,
                     EXP_BOTH, SUM_BOTH, EXPECT_BOTH)
# The whole lemma table. Kept here, not in lemmas.LEMMAS: lemmas.py cannot import this module
# (it imports lemmas.py), and another branch owns lemmas.py.
ALL_LEMMAS = LEMMAS + INEQUALITY_LEMMAS


@dataclass(frozen=True)
class Condition:
    """A side condition `Obligation` cannot express: declared, integrable, or an inner step."""

    text: str
    kind: str  # "declared", "integrable", "inner"
    payload: object = None


_BUILDER = object()  # the token only this module's lemma functions pass to Use


class Use(LemmaUse):
    """A lemma instance with extra conditions, each proved (or found declared) by `check`.

    Built only by this module's lemma functions (`jensen_expectation`, `log_sum`, `add`, ...):
    a hand-built `Use(lemma, lhs, op, rhs)` would choose its own sides and drop the lemma's
    side conditions (issue 13, class 7), so the constructor takes a private token and is a
    ValueError without it. It sets `LemmaUse`'s fields itself (and leaves any others, such as
    a rebuilt-from-arguments `args`, empty); `check`, `flipped` and `xreplace` are its own.
    """

    def __init__(self, lemma: Lemma, lhs: sp.Expr, op: str, rhs: sp.Expr,
                 obligations: tuple[Obligation, ...] = (), detail: str = "",
                 conditions: tuple[Condition, ...] = (), *, _token: object = None) -> None:
        if _token is not _BUILDER or not any(lemma is known for known in ALL_LEMMAS):
            raise ValueError("Use: build a lemma instance with the lemma's function in "
                             "derive.engine.inequalities (jensen_expectation, log_sum, add, "
                             "...): its sides and side conditions come from the lemma")
        values = {"lemma": lemma, "lhs": sp.sympify(lhs), "op": op, "rhs": sp.sympify(rhs),
                  "obligations": tuple(obligations), "detail": detail, "args": (),
                  "options": (), "reversed": False}
        for name in LemmaUse.__dataclass_fields__:
            object.__setattr__(self, name, values[name])
        object.__setattr__(self, "conditions", tuple(conditions))

    def check(self, lhs: sp.Expr, op: str, rhs: sp.Expr, a: Assumptions, *,
              seconds: float = DEFAULT_SECONDS) -> Outcome:
        """PROVED if the step is this instance and every side condition holds."""
        if self.op not in IMPLIES.get(op, ()):
            return _fails(f"{self.lemma.name} gives '{self.op}', not '{op}'")
        # A proof or nothing: sampling for a counterexample would only cost time here.
        if not (prove_equal(lhs, self.lhs, a, seconds=seconds)
                and prove_equal(rhs, self.rhs, a, seconds=seconds)):
            return _fails(f"the step's sides are not the sides of {self.lemma.name}")
        unproved, notes = [], []
        for ob in self.obligations:
            how = ob.expr is _UNPROVABLE or _discharge(ob, a, seconds)
            (notes if isinstance(how, str) else unproved if not how else []).append(
                how if isinstance(how, str) else ob.text)
        for c in self.conditions:
            why, more = _condition(c, a, seconds)
            unproved += [why] if why else []
            notes += more
        if unproved:
            return _fails(f"side condition not proved: {unproved[0]}")
        conds = "; ".join(ob.text for ob in self.obligations)
        return Outcome(Verdict.PROVED, self.lemma.name + (f" [{conds}]" if conds else ""), None,
                       tuple(dict.fromkeys(notes)))

    def flipped(self) -> Use:
        """b >= a for a <= b."""
        return reverse(self)

    def xreplace(self, mapping: object) -> Use:
        """The instance with a rewrite applied uniformly (to sides, conditions, inner steps).

        A uniform rewrite of a lemma's instance is an instance of the same lemma, and every
        side condition is proved again, on the rewritten expressions, when checked.
        """
        def sub(e: object) -> object:
            if isinstance(e, LemmaUse) and hasattr(e, "xreplace"):
                return e.xreplace(mapping)
            if isinstance(e, LemmaUse):  # a LemmaUse made of its fields: rewrite them
                return replace(e, lhs=sub(e.lhs), rhs=sub(e.rhs), obligations=tuple(
                    Obligation(ob.text, ob.kind, sub(ob.expr), sub(ob.other))
                    for ob in e.obligations))
            if not isinstance(e, sp.Basic):
                return e
            return mapping(e) if callable(mapping) else e.xreplace(mapping)

        obligations = tuple(ob if ob.expr is _UNPROVABLE else
                            Obligation(ob.text, ob.kind, sub(ob.expr), sub(ob.other))
                            for ob in self.obligations)
        conditions = tuple(Condition(c.text, c.kind, sub(c.payload)) for c in self.conditions)
        return Use(self.lemma, sub(self.lhs), self.op, sub(self.rhs), obligations, self.detail,
                   conditions, _token=_BUILDER)


def _condition(c: Condition, a: Assumptions, seconds: float) -> tuple[str, tuple[str, ...]]:
    """Why a condition is not established ('' when it is), and the notes of its proof (the
    conventions an inner lemma's side conditions were discharged by)."""
    if c.kind == "inner":
        inner: LemmaUse = c.payload
        out = inner.check(inner.lhs, inner.op, inner.rhs, a, seconds=seconds)
        return ("", out.notes) if out.proved else \
            (f"inner step not proved ({'; '.join(out.notes)})", ())
    if c.kind == "integrable" and _polynomial_under_normal(c.payload):
        return "", ()
    return ("", ()) if c.text in a.notes else \
        (f"not declared (add the note '{c.text}'): {c.text}", ())


def _polynomial_under_normal(e: Expectation) -> bool:
    """E|g| < oo when the law is normal and g a polynomial: every Gaussian moment is finite."""
    if not isinstance(e.law, (Normal, DiagNormal)):
        return False
    g = e.function.args[0] if isinstance(e.function, sp.Abs) else e.function
    return bool(g.is_polynomial(*e.variables))


def _use(lemma: Lemma, lhs: sp.Expr, op: str, rhs: sp.Expr,
         obligations: tuple[Obligation, ...] = (), conditions: tuple[Condition, ...] = (),
         detail: str = "") -> Use:
    shown = tuple(Obligation(c.text, c.kind, _UNPROVABLE) for c in conditions)
    return Use(lemma, lhs, op, rhs, tuple(obligations) + shown, detail, conditions,
               _token=_BUILDER)


def integrable(g: sp.Expr, variables: sp.Symbol | tuple, law: object) -> str:
    """The note that declares E_law|g| < oo (what `Use.check` looks for in the notes)."""
    return f"E|{sp.sympify(g)}| < oo under {_law_text(law, variables)}"


def declared(text: str) -> Condition:
    """A hypothesis the engine cannot check: it holds when `text` is an assumption's note."""
    return Condition(text, "declared")


def _law_text(law: object, variables: sp.Symbol | tuple) -> str:
    zs = tuple(variables) if isinstance(variables, (tuple, list, sp.Tuple)) else (variables,)
    if isinstance(law, FunctionClass):
        return f"{law(*zs)}"
    return str(law)


def _variables(variables: sp.Symbol | tuple) -> tuple[sp.Symbol, ...]:
    return tuple(variables) if isinstance(variables, (tuple, list, sp.Tuple)) else (variables,)


def _law_conditions(variables: tuple, law: object) -> tuple[Obligation, ...]:
    """A probability law: positive variances, or a density >= 0 integrating to 1."""
    if isinstance(law, (Normal, DiagNormal)):
        return tuple(Obligation(f"variance {c.var} > 0", "pos", c.var) for c in law.coordinates)
    if not isinstance(law, FunctionClass):
        raise ValueError(f"the law must be Normal, DiagNormal or a density Function, "
                         f"not {law!r}")
    density = law(*variables)
    total = sp.Integral(density, *[(v, -sp.oo, sp.oo) for v in variables])
    return (Obligation(f"{density} >= 0", "nonneg", density),
            Obligation(f"{density} integrates to 1", "equal", total, sp.S.One))


def _integrability(g: sp.Expr, variables: tuple, law: object) -> Condition:
    return Condition(integrable(g, variables, law), "integrable",
                     Expectation(sp.Abs(g), variables, law))


# ---------------------------------------------------------------- Jensen on expectations
def jensen_expectation(f: sp.Lambda, g: sp.Expr, variables: sp.Symbol | tuple, law: object, *,
                       convex: bool = False, domain: sp.Interval = POSITIVE_REALS) -> Use:
    """E[f(g)] <= f(E[g]) for concave f (f(E[g]) <= E[f(g)] with `convex=True`).

    `law`: a `Normal` / `DiagNormal` or a density FunctionClass q (then q >= 0 and its integral
    over the variables is 1 are side conditions, proved from a declared `Density` or rule).
    Curvature is checked from f'' on `domain`; g in `domain` pointwise; E|g|, E|f(g)| < oo.

    >>> z = sp.Symbol("z", real=True); t = sp.Symbol("t")
    >>> use = jensen_expectation(sp.Lambda(t, sp.log(t)), sp.exp(z), z, Normal(0, 1))
    >>> use.lhs, use.op
    (E_{z~N(0, 1)}[z], '<=')
    """
    if not (isinstance(f, sp.Lambda) and len(f.variables) == 1):
        raise ValueError(f"jensen_expectation: f must be a Lambda of one variable, not {f!r}")
    zs = _variables(variables)
    g = sp.sympify(g)
    inside, outside = Expectation(f(g), zs, law), f(Expectation(g, zs, law))
    u = _interval_symbol(domain)
    curvature = sp.diff(f(u), u, 2)
    sign, word = ("nonneg", ">= 0") if convex else ("nonpos", "<= 0")
    obligations = (
        Obligation(f"f = {f.expr} is smooth (f'' is its true second derivative)", "smooth",
                   f(u)),
        Obligation(f"f''(t) = {sp.simplify(curvature)} {word} on {domain}", sign, curvature),
        *_in_domain(g, domain, f"g = {g}"),
        *_law_conditions(zs, law),
    )
    conditions = (_integrability(g, zs, law), _integrability(f(g), zs, law))
    lhs, rhs = (outside, inside) if convex else (inside, outside)
    return _use(JENSEN_CONVEX_E if convex else JENSEN_CONCAVE_E, lhs, "<=", rhs, obligations,
                conditions, f"f = {f.expr}, under {_law_text(law, zs)}")


# ---------------------------------------------------------------- log-sum and Gibbs
def log_sum(a: sp.Expr, b: sp.Expr, index: tuple) -> Use:
    """(sum a) log(sum a / sum b) <= sum a log(a / b), for a_i >= 0 and b_i > 0.

    Cover & Thomas Thm 2.7.1; the data-processing inequality on finite spaces follows from it.
    """
    i, lo, hi = index = _index(index)
    total_a, total_b = sp.Sum(a, index), sp.Sum(b, index)
    obligations = (Obligation(f"a_{i} = {a} >= 0", "nonneg", a),
                   Obligation(f"b_{i} = {b} > 0", "pos", b), _range(index))
    return _use(LOG_SUM, total_a * sp.log(total_a / total_b), "<=",
                sp.Sum(a * sp.log(a / b), index), obligations)


def log_sum_terms(pairs: list[tuple[sp.Expr, sp.Expr]]) -> Use:
    """(a_1 + ... + a_n) log((a_1 + ... + a_n) / (b_1 + ... + b_n)) <= sum_k a_k log(a_k / b_k)
    for a_k > 0 and b_k > 0: the log-sum inequality with its n terms written out (the
    convexity of KL applies it at each x with n = 2). a_k > 0, not >= 0: no 0 log 0 to read.
    """
    total_a, total_b = sp.Add(*(a for a, _ in pairs)), sp.Add(*(b for _, b in pairs))
    obligations = tuple(ob for k, (a, b) in enumerate(pairs, 1)
                        for ob in (Obligation(f"a_{k} = {a} > 0", "pos", a),
                                   Obligation(f"b_{k} = {b} > 0", "pos", b)))
    return _use(LOG_SUM, total_a * sp.log(total_a / total_b), "<=",
                sp.Add(*(a * sp.log(a / b) for a, b in pairs)), obligations,
                detail=f"n = {len(pairs)} terms")


def log_inverse_ge_one_minus(x: sp.Expr) -> Use:
    """log(1/x) >= 1 - x for x > 0: log t <= t - 1 negated."""
    return negate(log_le_sub_one(sp.S.One, x))


def kl_conditional(p: sp.Expr, q: sp.Expr, limits: tuple, given: sp.Symbol, *,
                   offset: sp.Expr = sp.S.Zero) -> Use:
    """offset - D_KL(p(.|x) || q(.|x)) <= offset for every value of the conditioning `given`.

    p, q: densities in limits[0] that depend on `given` (p(y, x)) or entries p[i, x]. Their
    normalisation for every x is a side condition: declare it as a rule with a Wild for x,
    e.g. Rule(Integral(p(y, w), (y, -oo, oo)), 1).
    """
    if not (sp.sympify(p).has(given) and sp.sympify(q).has(given)):
        raise ValueError(f"kl_conditional: both densities must depend on {given}")
    g = gibbs(p, q, limits, offset=offset)
    return _use(KL_CONDITIONAL, g.lhs, g.op, g.rhs, g.obligations,
                detail=f"D_KL({p} || {q}) >= 0, for every {given}")


def sum_exchange(f: sp.Expr, first: tuple, second: tuple) -> Use:
    """sum_first sum_second f = sum_second sum_first f (finite sums, independent ranges)."""
    first, second = _index(first), _index(second)
    if any(first[0] in sp.sympify(e).free_symbols for e in second[1:]) or \
            any(second[0] in sp.sympify(e).free_symbols for e in first[1:]):
        raise ValueError("sum_exchange: a range depends on the other index")
    return _use(SUM_EXCHANGE, sp.Sum(sp.Sum(f, second), first), "=",
                sp.Sum(sp.Sum(f, first), second), (_range(first), _range(second)))


def iterate_sums(expr: sp.Expr) -> Use:
    """expr = expr with each double sum written as an iterated one (SymPy flattens nested sums).

    In Sum(f, (j, ...), (i, ...)) each term of f is split as c * d with c free of j and written
    c * Sum(d, (j, ...)) under the sum over i, so that rules and normalisations about the inner
    sum (rows of a kernel summing to 1, say) can apply.
    """

    def split(s: sp.Sum) -> sp.Expr:
        if len(s.limits) < 2:
            return s
        inner, rest = s.limits[0], s.limits[1:]
        out = sp.S.Zero
        for term in sp.Add.make_args(s.function):
            c, d = term.as_independent(inner[0], as_Add=False)
            out += sp.Sum(c * sp.Sum(d, inner), *rest)
        return out

    expr = sp.sympify(expr)
    rhs = expr.replace(lambda e: isinstance(e, sp.Sum), split)
    return _use(SUM_ITERATE, expr, "=", rhs)


def domination(h: sp.Expr, x: sp.Symbol, t: sp.Symbol) -> str:
    """The note that declares the exchange condition for d/dt integral h dx."""
    return (f"|d/d{t} {h}| <= G({x}) for {t} near each point, with G integrable in {x} "
            f"(dominated convergence)")


def exchange_integral(h: sp.Expr, x: sp.Symbol, t: sp.Symbol) -> Use:
    """d/dt integral h dx = integral dh/dt dx, given the declared domination condition.

    The condition is the note `domination(h, x, t)`. (SymPy differentiates under the integral
    sign unconditionally: an `=` step can be proved without this lemma; the lemma states the
    condition that makes it true.)
    """
    line = (x, -sp.oo, sp.oo)
    return _use(EXCHANGE_INTEGRAL, sp.Derivative(sp.Integral(h, line), t), "=",
                sp.Integral(sp.Derivative(h, t), line),
                conditions=(declared(domination(h, x, t)),), detail=f"in {t}")


# ---------------------------------------------------------------- monotone contexts
def _inner(use: LemmaUse, *, equality: bool = False) -> Condition:
    if use.op == "=" and not equality:
        raise ValueError("this context needs an inequality inside, not '='")
    return Condition(f"inner: {use.lhs} {use.op} {use.rhs} by {use.describe()}", "inner", use)


def _smaller(use: LemmaUse) -> sp.Expr:
    return use.lhs if use.op in ("<=", "<") else use.rhs


def reverse(use: LemmaUse) -> Use:
    """b >= a from a <= b (the same statement, read the other way; b = a from a = b)."""
    return _use(REVERSE, use.rhs, FLIP[use.op], use.lhs,
                conditions=(_inner(use, equality=True),))


def add(use: LemmaUse, c: sp.Expr) -> Use:
    """a + c op b + c from a op b (op may be =)."""
    return _use(ADD, use.lhs + c, use.op, use.rhs + c,
                conditions=(_inner(use, equality=True),), detail=f"+ {c}")


def scale(use: LemmaUse, c: sp.Expr) -> Use:
    """c a op c b from a op b, for c > 0 (any c when op is =)."""
    c = sp.sympify(c)
    positive = () if use.op == "=" else (Obligation(f"the factor {c} > 0", "pos", c),)
    return _use(SCALE, c * use.lhs, use.op, c * use.rhs, positive,
                (_inner(use, equality=True),), f"times {c}")


def negate(use: LemmaUse) -> Use:
    """-a >= -b from a <= b (and the other orientations; -a = -b from a = b)."""
    return _use(NEGATE, -use.lhs, FLIP[use.op], -use.rhs,
                conditions=(_inner(use, equality=True),))


def log_both(use: LemmaUse) -> Use:
    """log a op log b from a op b, when the smaller side is > 0."""
    small = _smaller(use)
    return _use(LOG_BOTH, sp.log(use.lhs), use.op, sp.log(use.rhs),
                (Obligation(f"the smaller side {small} > 0", "pos", small),), (_inner(use),))


def exp_both(use: LemmaUse) -> Use:
    """exp a op exp b from a op b."""
    return _use(EXP_BOTH, sp.exp(use.lhs), use.op, sp.exp(use.rhs), conditions=(_inner(use),))


def sum_both(use: LemmaUse, weights: sp.Expr, index: tuple) -> Use:
    """sum_i w_i a_i <= sum_i w_i b_i from a_i <= b_i (every i) and w_i >= 0; never strict."""
    index = _index(index)
    op = {"<": "<=", ">": ">="}.get(use.op, use.op)
    return _use(SUM_BOTH, sp.Sum(weights * use.lhs, index), op, sp.Sum(weights * use.rhs, index),
                (Obligation(f"w_{index[0]} = {weights} >= 0", "nonneg", weights),
                 _range(index)), (_inner(use),), f"over {index[0]} = {index[1]}..{index[2]}")


def expect_both(use: LemmaUse, variables: sp.Symbol | tuple, law: object) -> Use:
    """E_law[a] <= E_law[b] from a <= b at every point; both sides integrable; never strict."""
    zs = _variables(variables)
    op = {"<": "<=", ">": ">="}.get(use.op, use.op)
    law_ok = _law_conditions(zs, law)[:1] if isinstance(law, FunctionClass) else \
        _law_conditions(zs, law)
    return _use(EXPECT_BOTH, Expectation(use.lhs, zs, law), op, Expectation(use.rhs, zs, law),
                law_ok, (_integrability(use.lhs, zs, law), _integrability(use.rhs, zs, law),
                         _inner(use)), f"under {_law_text(law, zs)}")
