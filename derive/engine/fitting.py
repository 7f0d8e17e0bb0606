"""Which lemma fits an inequality step: what makes `% by:` optional (issue 15).

A step `small <= big` with no lemma named is tried against instances built from its own
pieces, most direct first:

- Jensen for log on every expectation that has a log inside or outside it (E[log g] <= log E[g],
  from `E_q[...]`, `log E_q[...]` and the density form of every D_KL);
- the log-sum inequality on every sum of the shape a log(a / b);
- log t <= t - 1 at every logarithm's argument and at its reciprocal, which is Gibbs'
  inequality in every orientation (log(1/x) >= 1 - x, -p log(q/p) >= p - q, ...).

Each instance is fitted to the step by a positive factor and an added term (a monotone
context: `scale`, `add`), and, where both sides are sums over one range, pointwise under the
sum (`sum_both`). A fitted instance proves nothing by itself: `Use.check` proves that its
sides are the step's sides and every side condition (the factor > 0, the weights >= 0, the
lemma's own), so a candidate that does not fit costs time, never soundness.
"""

from __future__ import annotations

from collections.abc import Iterator

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.definitions import KL, unfold
from derive.engine.expectation import Expectation, IIDExpectation, linearity
from derive.engine.inequalities import (
    add,
    log_sum,
    log_sum_terms,
    reverse,
    scale,
    sum_both,
)
from derive.engine.lemmas import LemmaUse, gibbs, jensen_expectation, log_le_sub_one


def _log() -> sp.Lambda:
    t = sp.Symbol("t", positive=True)
    return sp.Lambda(t, sp.log(t))


def fitting_uses(lhs: sp.Expr, op: str, rhs: sp.Expr) -> Iterator[LemmaUse]:
    """Lemma instances shaped like `lhs op rhs` (op an inequality), to be checked in turn."""
    small, big = (lhs, rhs) if op in ("<=", "<") else (rhs, lhs)
    orient = (lambda u: u) if op in ("<=", "<") else reverse
    common = _common_sum(small, big)
    terms = _log_terms(common[1]) if common is not None else None
    if terms is not None:  # sum_x a log a/b <= sum_x (a_1 log a_1/b_1 + ...): the most direct
        yield orient(sum_both(log_sum_terms(terms), sp.S.One, common[2]))
    for instance in _instances(small, big):
        for use in _fits(instance, small, big):
            yield orient(use)
    for use in _gibbs_uses(small, big):  # D_KL >= 0 itself, where no instance above fits
        yield orient(use)
    # Jensen in integrals written out: after Gibbs, whose D_KL's integrals these are
    for instance in _jensen(x for p in (small, big) for x in _integrals_as_expectations(p)):
        for use in _fits(instance, small, big):
            yield orient(use)
    if common is not None:
        f, g, index = common
        for instance in _instances(f, g):
            for use in _fits(instance, f, g):
                yield orient(sum_both(use, sp.S.One, index))


def _instances(small: sp.Expr, big: sp.Expr) -> Iterator[LemmaUse]:
    """Instances `L <= R` of the lemmas, built from the pieces of both sides."""
    pieces = [sp.sympify(small), sp.sympify(big)]
    unfolded = [unfold(p) for p in pieces]
    yield from _jensen(_expectations(pieces))
    for s in sorted({s for p in unfolded for s in p.atoms(sp.Sum)}, key=sp.default_sort_key):
        pair = _log_ratio(s)
        if pair is not None and len(s.limits) == 1:
            yield log_sum(*pair, tuple(s.limits[0]))
    terms = _log_terms(sp.sympify(big))
    if terms is not None:
        yield log_sum_terms(terms)
    arguments = {lg.args[0] for p in pieces + unfolded for lg in p.atoms(sp.log)}
    for x in sorted(arguments, key=sp.default_sort_key):
        for point in (x, sp.cancel(1 / x)):
            if point.free_symbols or point.atoms(AppliedUndef):
                yield log_le_sub_one(sp.S.One, point)


def _jensen(expectations: Iterator[Expectation]) -> Iterator[LemmaUse]:
    """Jensen for log on each expectation, each once in the order found (one that is no
    instance, a law that is not a density or distribution, is left out)."""
    for e in dict.fromkeys(expectations):
        try:
            yield jensen_expectation(_log(), e)
        except ValueError:
            pass


def _gibbs_uses(small: sp.Expr, big: sp.Expr) -> Iterator[LemmaUse]:
    """Gibbs' inequality for densities, small <= small + D_KL(p || q), for each D_KL of a
    density p in the step and each pair where an integral over the real line weighs a log of
    q(x) by p(x) (int p log p - int p log q >= 0), or of a joint p(x, z), normalised in x (the
    posterior under the ELBO). `check` then proves big = small + D_KL."""
    pairs = []
    for piece in (sp.sympify(small), sp.sympify(big)):
        for kl in piece.atoms(KL):
            dp, dq = kl.distributions
            (x, *ends) = kl.limits
            if isinstance(dp, AppliedUndef) and dp.args == (x,) and ends == [-sp.oo, sp.oo]:
                pairs.append((dp, dq, x))
        for node in unfold(piece).atoms(sp.Integral):
            if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (-sp.oo, sp.oo):
                continue
            x = node.limits[0][0]
            for term in sp.Add.make_args(sp.expand(node.function)):
                weights = [f for f in sp.Mul.make_args(term)
                           if isinstance(f, AppliedUndef) and f.args == (x,)]
                logged = [g for lg in term.atoms(sp.log) for g in lg.atoms(AppliedUndef)
                          if x in g.args]
                # p(x, z) in a log under q(z): its normalised form p(x, z) / int p(x, z) dz
                pairs += [(w, g if g.args == (x,) else g / sp.Integral(g, (x, -sp.oo, sp.oo)), x)
                          for w in weights for g in logged if g != w]
    for p, q, x in dict.fromkeys(pairs):
        try:
            yield gibbs(p, q, (x, -sp.oo, sp.oo), offset=small + KL(p, q, (x, -sp.oo, sp.oo)))
        except ValueError:
            continue


def _expectations(pieces: list[sp.Expr]) -> Iterator[Expectation]:
    """E_q[g] for every log g inside an expectation (one over K samples too), every log E_q[g],
    and each D_KL's E_p[q/p]."""
    for p in pieces:
        found = sorted(p.atoms(Expectation), key=sp.default_sort_key)
        for e in found + sorted(linearity(p).atoms(Expectation) - set(found),
                                key=sp.default_sort_key):
            for lg in e.function.atoms(sp.log):
                yield e.with_function(lg.args[0])
        for e in sorted(p.atoms(IIDExpectation), key=sp.default_sort_key):
            for lg in e.function.atoms(sp.log):  # L_K = E[log W_K]: Jensen on the K samples
                yield e.with_function(lg.args[0])
        for lg in p.atoms(sp.log):
            if isinstance(lg.args[0], (Expectation, IIDExpectation)):
                yield lg.args[0]
        for kl in p.atoms(KL):
            dp, dq = kl.distributions
            x = kl.limits[0]  # densities: (x, -oo, oo)
            if isinstance(dp, AppliedUndef) and isinstance(x, sp.Symbol) and dp.args == (x,):
                yield Expectation(dq / dp, x, dp.func)


def _integrals_as_expectations(p: sp.Expr) -> Iterator[Expectation]:
    """E_q[g] for each integral over the real line of q(z) log g (a log inside) and of
    q(z) g inside a log, q(z) a factor of the integrand that is a function of z alone: the
    Jensen step of a chain written with integrals, int q log(g) dz <= log int q g dz."""
    for node in sorted(p.atoms(sp.Integral), key=sp.default_sort_key):
        if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (-sp.oo, sp.oo):
            continue
        z = node.limits[0][0]
        inside_log = any(lg.args[0] == node for lg in p.atoms(sp.log))
        factors = sp.Mul.make_args(node.function)
        for k, w in enumerate(factors):
            if not (isinstance(w, AppliedUndef) and w.args == (z,)):
                continue
            rest = sp.Mul(*factors[:k], *factors[k + 1:])
            if inside_log:
                yield Expectation(rest, z, w.func)
            for lg in sp.Add.make_args(sp.expand(rest, log=False)):
                if isinstance(lg, sp.log):
                    yield Expectation(lg.args[0], z, w.func)


def _log_ratio(s: sp.Sum) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, b) when the sum's body is a log(a / b), or c a log(a / b) with c free of the index
    (b_i / b * a_i / b_i * log(a_i / b_i) under a sum: the log-sum inequality, scaled)."""
    index = {lim[0] for lim in s.limits}
    for lg in s.function.atoms(sp.log):
        a, b = sp.fraction(sp.together(lg.args[0]))
        if b == 1:
            continue
        if sp.simplify(s.function - a * lg) == 0:
            return a, b
        c = sp.cancel(s.function / (a * lg))
        if not c.free_symbols & index and not c.has(sp.log):
            return a, b
    return None


def _log_terms(big: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]] | None:
    """[(a_k, b_k)] when big is a sum of n >= 2 terms a_k log(r_k), b_k = a_k / r_k (the
    right side of a log-sum inequality written out: l p log(l p / (l q)) + ...)."""
    weights: dict[sp.log, sp.Expr] = {}
    for term in sp.Add.make_args(_sums_apart(big)):  # (1 - l) p log r was expanded: regroup
        a, lg = term.as_independent(sp.log, as_Add=False)
        if not isinstance(lg, sp.log) or a.has(sp.log, sp.Sum):
            return None
        weights[lg] = weights.get(lg, sp.S.Zero) + a
    pairs = [(sp.factor(a), sp.factor(sp.cancel(a / lg.args[0]))) for lg, a in weights.items()]
    return pairs if len(pairs) >= 2 and all(a != 0 for a, _ in pairs) else None


def _fits(instance: LemmaUse, small: sp.Expr, big: sp.Expr) -> Iterator[LemmaUse]:
    """The instance itself, then c * instance + d with c = (big - small) / (R - L)."""
    yield instance
    low, high = instance.lhs, instance.rhs
    gap = _normal(high - low)
    if gap == 0:
        return
    c = sp.cancel(sp.together(_normal(big - small) / gap))
    if c == 0 or c.has(sp.zoo, sp.nan, sp.log, sp.Sum, sp.Integral, Expectation) or \
            c.free_symbols - (small.free_symbols | big.free_symbols):
        return  # a factor is a number or a weight such as p_i, never the pieces of the step
    fitted = instance if c == 1 else scale(instance, c)
    d = _sums_apart(small - fitted.lhs)
    if c != 1 or d != 0:
        yield fitted if d == 0 else add(fitted, d)


def _normal(e: sp.Expr) -> sp.Expr:
    """A form in which logs of products and E's of sums are split (to compute a factor only)."""
    return sp.expand(sp.expand_log(linearity(sp.sympify(e)), force=True))


def _common_sum(small: sp.Expr, big: sp.Expr) -> tuple[sp.Expr, sp.Expr, tuple] | None:
    """(f, g, index) when both sides are sums of terms that are all sums over one range."""
    limits, factors, bodies = set(), [], []
    for side in (small, big):
        body = sp.S.Zero
        for term in sp.Add.make_args(_sums_apart(side)):
            c, rest = term.as_independent(sp.Sum, as_Add=False)
            if not isinstance(rest, sp.Sum) or len(rest.limits) != 1 or c.has(sp.Sum):
                return None
            limits.add(tuple(rest.limits[0]))
            factors.append(c)
            body += c * rest.function
        bodies.append(body)
    if len(limits) != 1:
        return None
    (index,) = limits
    if any(index[0] in c.free_symbols for c in factors):
        return None  # a factor outside the sum that names its index is another variable
    return bodies[0], bodies[1], index


def _sums_apart(e: sp.Expr) -> sp.Expr:
    """e with products distributed over sums of terms, logs left as written."""
    return sp.expand(e, log=False, power_base=False, power_exp=False, multinomial=False)


def explain(use: LemmaUse) -> str:
    """The lemma at the heart of a fitted instance and the contexts around it, outermost first:
    'log t <= t - 1 at log(q/p) <= q/p - 1, through: summing ..., multiplying ... by p'."""
    contexts = []
    while True:
        inner = [c.payload for c in getattr(use, "conditions", ()) if c.kind == "inner"]
        if not inner:
            break
        if use.lemma.key != "reverse":
            contexts.append(use.lemma.name + (f" ({use.detail})" if use.detail else ""))
        use = inner[0]
    conditions = "; ".join(ob.text for ob in use.obligations)
    core = f"{use.lemma.name}: {use.lhs} {use.op} {use.rhs}" + \
        (f" [{conditions}]" if conditions else "")
    return core + (f", through: {'; '.join(contexts)}" if contexts else "")
