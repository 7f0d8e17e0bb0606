"""Checking one relation `lhs op rhs` under declared assumptions.

`=`: symbolic first (linearity of sums and integrals, `expand_log` without force, the
declared normalisations and rewrite rules, `simplify`); if that does not reach 0, a numeric
comparison at random points of the domain refutes (with the point) or corroborates.
Inequalities without a lemma: SymPy's sign analysis or, for one variable on a declared
interval, `solveset`; otherwise a numeric search for a counterexample (refuted or undecided).
Every symbolic attempt runs under a time limit; running out gives undecided, never proved.

A symbolic proof counts only where it means what it says (docs/engine.md, "Where an
expression has a value"): both sides defined on the whole declared domain, every explicit
integral and infinite sum proved to exist, and sums over ranges that run backwards empty
(0), as the sampler evaluates them. A numeric counterexample is reported only after the
point is re-checked against every declaration at 80 digits (`sampling.admissible`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.core.function import AppliedUndef

from derive.engine import gaussian_integral
from derive.engine.assumptions import Assumptions
from derive.engine.definitions import unfold
from derive.engine.domain import conditions, describe, unproved_existence
from derive.engine.expectation import Expectation, IIDExpectation
from derive.engine.sampling import (
    PRECISION,
    Point,
    admissible,
    close,
    compiled,
    empty_sums,
    evaluate,
    holds,
    sample_point,
    with_sizes,
)
from derive.engine.timelimit import DEFAULT_SECONDS, OutOfTime, time_limit
from derive.engine.verdict import Outcome, Verdict

EQUALITY_SAMPLES = 24
SEARCH_SAMPLES = 200
MAX_OPS = 5000  # larger expressions skip symbolic simplification (memory and time)
FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "=": "=", "==": "=="}


def linearise(expr: sp.Basic) -> sp.Basic:
    """Expand, split sums and integrals over + and pull out factors free of their variable.

    Splitting an integral assumes each part converges: the side condition of any step
    justified by linearity of integration.
    """

    def split(op: sp.Basic) -> sp.Basic:
        body = sp.expand(sp.expand_log(op.function))
        variables = [lim[0] for lim in op.limits]
        out = sp.S.Zero
        for term in sp.Add.make_args(body):
            const, dep = term.as_independent(*variables, as_Add=False)
            out += const * (_count(op) if dep == 1 else op.func(dep, *op.limits))
        return out

    expr = sp.expand(sp.expand_log(_log_of_products(expr)))
    return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Integral)), split)


def _log_of_products(expr: sp.Basic) -> sp.Basic:
    """log(prod_j f_j) = sum_j log f_j where SymPy knows every f_j positive (what expand_log
    does for a product written out; an empty product is 1 and the empty sum 0)."""
    return expr.replace(
        lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.Product)
        and e.args[0].function.is_positive is True,
        lambda e: sp.Sum(sp.log(e.args[0].function), *e.args[0].limits))


def _count(op: sp.Basic) -> sp.Basic:
    """Sum_{j=lo}^{hi} 1 = hi - lo + 1 where hi - lo is an integer and hi - lo + 1 is proved
    >= 0 (the range does not run backwards: the sampler's empty sum); else the sum unchanged."""
    if isinstance(op, sp.Sum) and len(op.limits) == 1:
        _, lo, hi = op.limits[0]
        if (hi - lo).is_integer and (hi - lo + 1).is_nonnegative:
            return hi - lo + 1
    return op.func(sp.S.One, *op.limits)


def _unintegrable(node: sp.Integral) -> bool:
    """Is this an integral of an unknown function of its variable (a density q(z)), with no
    derivative inside? Such an integrand F(z, q(z)) has no antiderivative without q's own
    integral, so SymPy's integrators (heurisch, manualintegrate) can only fail, slowly."""
    variables = {lim[0] for lim in node.limits}
    return not node.function.has(sp.Derivative) and any(
        f.free_symbols & variables for f in node.function.atoms(AppliedUndef))


def simplify(expr: sp.Basic) -> sp.Basic:
    """`sp.simplify`, except that an expression holding an integral of an unknown function is
    simplified without `doit` (see `_unintegrable`): the integrands are still simplified,
    nothing is evaluated. Leaving a rewrite out can lose a proof, never make one."""
    integrals = expr.atoms(sp.Integral)
    # Only single integrals: in a multiple or nested one, doit takes the factors free of the
    # inner variable outside (p_1(x) out of an integral in y), which a proof may need.
    if any(_unintegrable(i) for i in integrals) and all(
            len(i.limits) == 1 and not i.function.has(sp.Integral) for i in integrals):
        return sp.simplify(expr, doit=False)
    return sp.simplify(expr)


def _is_zero(expr: sp.Basic) -> bool:
    return expr == 0 or (expr.is_zero is True)


# SymPy differentiates these piece by piece (d|x|/dx = sign x, 0 at the kink): a derivative
# of one of them may not exist where SymPy gives a value, so no symbolic proof uses it.
NON_SMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise, sp.floor,
              sp.ceiling, sp.frac)


def differentiates_a_kink(expr: sp.Basic) -> bool:
    """Does expr take the derivative of a function with kinks or jumps (|x|, max, floor)?"""
    return any(d.expr.has(*NON_SMOOTH) for d in expr.atoms(sp.Derivative))


def symbolic_zero(diff: sp.Basic, a: Assumptions, *, quick: bool = False) -> str | None:
    """Name of the method that reduced diff to 0 under the assumptions, or None. `quick`:
    only linearity and expand_log under the rewrites (an inequality's sides tried as equal,
    where the full search would cost most steps, which are not equalities, seconds)."""
    if sp.count_ops(diff) > MAX_OPS or differentiates_a_kink(diff):
        return None
    diff = empty_sums(diff)
    # simplify and doit evaluate sums by SymPy's convention (the sum from 3 to n at n = 1 is
    # minus the term at 2): only when no range can run backwards do they mean the same.
    thorough = not _may_run_backwards(diff, a)
    # Cheap methods under every rewrite first: `simplify` can spend the whole time limit on
    # an integral of unknown functions that a declared rule would have cancelled.
    linear = []
    for k, rewrite in enumerate(a.rewrites()):
        e = rewrite(diff)
        if _is_zero(e):
            return "exact" if k == 0 else "exact, by the hypotheses"
        e = a.normalise(linearise(e))
        if _is_zero(e):
            return "linearity and expand_log (no force)"
        if _is_zero(_positive_parts(e, a)):
            return ("linearity and expand_log (no force), declared positive values and "
                    "integrals of positive functions taken as positive")
        linear.append(e)
    if quick:
        return None
    linear = list(dict.fromkeys(linear))  # rewrites that change nothing give the same e
    concrete = with_sizes(diff, ())  # p_0 log p_0 + p_1 log p_1: rules about p(0), p(1) apply
    signed = positive_functions(concrete, a)
    if a.intervals or concrete != diff or signed != concrete or diff.has(sp.Sum):
        for rewrite in a.rewrites():
            e = on_intervals(positive_functions(rewrite(concrete), a), a)
            e = a.normalise(linearise(e))
            for k, form in enumerate((e, a.normalise(linearise(factor_out_of_sums(e))))):
                if _is_zero(form) or (not form.has(sp.Integral) and _is_zero(sp.cancel(form))):
                    how = ["finite sums written out"] if concrete != diff else []
                    how += ["interval variables as images of positive ones"] if a.intervals \
                        else []
                    how += ["q > 0 declared for every argument"] if signed != concrete else []
                    how += ["factors taken out of the sums over variables they are free of"] \
                        if k else []
                    return f"{', '.join(how) or 'rewrites'}, then linearity and expand_log " \
                           f"(no force)"
    if diff.has(sp.Subs):
        changed, how = _changed_variables(diff, a)
        if how and _is_zero(changed):
            return f"a change of variables {how} in an integral over the real line"
    for e in linear:
        # Rational functions (closed forms with denominators): cancel is far cheaper than
        # simplify and does a subset of its work.
        if not e.has(sp.Integral) and _is_zero(a.normalise(sp.cancel(e))):
            return "linearity, then cancel (rational functions)"
    for e in linear:
        method = _gaussian_zero(e, a)
        if method:
            return method
    if not thorough:
        return None
    for e in linear:
        e = a.normalise(simplify(e))
        if _is_zero(e):
            return "simplify under the declared assumptions"
    # Unevaluated calculus (a chain may show D'(b) before computing it): compute it, last,
    # because differentiating an expectation can mean integrating.
    computed = diff.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)),
                            lambda e: e.doit())
    if computed != diff:
        method = symbolic_zero(computed, a)
        return f"derivatives computed, then {method}" if method else None
    return None


def _gaussian_zero(e: sp.Basic, a: Assumptions) -> str | None:
    """The method if e is 0 once its Gaussian integrals are in closed form (integral of a
    polynomial times exp(-a x^2 + b x + c), a > 0, over the real line: `gaussian_integral`)."""
    if not e.has(sp.Integral):
        return None
    done = gaussian_integral.closed_form(e)
    if done == e:
        return None
    done = a.normalise(linearise(done))
    if _is_zero(done) or (not done.has(sp.Integral) and _is_zero(sp.cancel(done))):
        return "Gaussian integrals in closed form (a > 0), then linearity and expand_log"
    return None
def _positive_parts(e: sp.Basic, a: Assumptions) -> sp.Basic:
    """e with what is positive made visible to expand_log, or e itself if nothing is.

    A function value declared positive (`p(x, z) > 0`: for every x, z) becomes a value of a
    positive function; then each integral of a positive function over an ordered range, not
    naming a variable bound around it, becomes a positive symbol: log(1/I) + log(I) = 0 for
    the evidence I = integral p(x, z) dz. I > 0 needs the integral to exist, which for an
    integral of abstract densities is the step's own statement (docs/engine.md, "Where an
    expression has a value"); for any other the callers' `unproved_existence` still asks.
    """
    if not e.has(sp.log, sp.Integral):
        return e
    out = _declared_positive(e, a)
    names: dict[sp.Integral, sp.Dummy] = {}

    def integral(node: sp.Integral) -> sp.Basic:
        ordered = all(len(lim) == 3 and (lim[2] - lim[1]).is_extended_positive
                      for lim in node.limits)
        if not (ordered and node.function.is_positive):
            return node
        return names.setdefault(node, sp.Dummy("I", positive=True))

    bound = _bound(out)  # an integral naming a variable bound around it is a function of it
    out = out.replace(lambda n: isinstance(n, sp.Integral) and not n.free_symbols & bound,
                      integral)
    return e if out == e else a.normalise(linearise(out))


def _changed_variables(e: sp.Basic, a: Assumptions) -> tuple[sp.Basic, str]:
    """e with each integral over the real line in z written in eps, where e evaluates
    something at z = a + b eps (`(...)|_{z = g(eps)}`, a Subs) and b > 0 is proved: the
    integral of f(z) dz is the integral of f(a + b eps) b d eps. The substitutions are then
    made and the integrals in eps taken as one (each exists: explicit integrals are checked
    by the callers, abstract ones trusted), its integrand simplified. Returns the result and
    the substitutions made ("z = mu + sigma*eps, sigma > 0"), or (e, "") if none is.
    """
    changes = {}
    bound = _bound(e)
    for outer in sorted(e.atoms(sp.Integral), key=sp.default_sort_key):
        if len(outer.limits) != 1 or tuple(outer.limits[0][1:]) != (-sp.oo, sp.oo):
            continue
        eps = outer.limits[0][0]  # the variable of the integral the Subs is inside
        for node in sorted(outer.function.atoms(sp.Subs), key=sp.default_sort_key):
            for z, point in zip(node.variables, node.point, strict=True):
                b = sp.diff(point, eps)
                # a + b eps with a, b free of eps, of z and of every other bound variable
                if z in changes or not point.has(eps) or b.has(eps) or \
                        (point.free_symbols - {eps}) & (bound | {z}):
                    continue
                if _by_hypothesis(b, ">", 0, a) or prove_sign(b, a, strict=True) is not None:
                    changes[z] = (eps, point - b * eps, b)

    def change(node: sp.Integral) -> sp.Basic:
        if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (-sp.oo, sp.oo):
            return node
        z = node.limits[0][0]
        if z not in changes or changes[z][0] in node.free_symbols:
            return node
        eps, shift, b = changes[z]
        made.append(f"{z} = {shift + b * eps}, {b} > 0")
        return sp.Integral(b * node.function.xreplace({z: shift + b * eps}),
                           (eps, -sp.oo, sp.oo))

    made: list[str] = []
    if not changes:
        return e, ""
    out = e.replace(lambda n: isinstance(n, sp.Integral), change)
    out = out.replace(lambda n: isinstance(n, sp.Subs), lambda n: n.doit())
    if out == e or not made:
        return e, ""
    together, rest = {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand(out)):
        c, node = term.as_independent(sp.Integral, as_Add=False)
        if isinstance(node, sp.Integral) and len(node.limits) == 1 and \
                tuple(node.limits[0][1:]) == (-sp.oo, sp.oo) and \
                not c.has(node.limits[0][0]):
            v = node.limits[0][0]
            together[v] = together.get(v, sp.S.Zero) + c * node.function
        else:
            rest += term
    for v, body in together.items():
        body = sp.expand(sp.expand_log(body))
        rest += 0 if body == 0 else sp.Integral(simplify(body), (v, -sp.oo, sp.oo))
    return rest, "; ".join(dict.fromkeys(made))


def _may_run_backwards(expr: sp.Basic, a: Assumptions) -> bool:
    """Is some sum's or product's range (lo..hi) not proved to satisfy hi >= lo - 1?"""
    for node in expr.atoms(sp.Sum, sp.Product):
        for _, lo, hi in node.limits:
            width = hi - lo + 1
            if not (width.is_nonnegative or prove_sign(width, a, strict=False)):
                return True
    return False


def unproved_conditions(exprs: list[sp.Basic], a: Assumptions) -> list[str]:
    """What a symbolic proof about exprs would silently assume: points where one is undefined
    (a denominator that may vanish, ...) and integrals or infinite sums not proved to exist."""
    out = []
    for e in exprs:
        out += [describe(kind, b) for kind, b in conditions(e) if not _everywhere(kind, b, a)]
        out += unproved_existence(e)
    return list(dict.fromkeys(out))


def _everywhere(kind: str, b: sp.Expr, a: Assumptions) -> bool:
    """Does `b != 0` (kind nonzero), `b > 0` (pos) or `b >= 0` (nonneg) hold on the domain?

    Sign analysis of b, after three sound substitutions: an integral of a positive
    (nonnegative) integrand is positive (nonnegative), a declared hypothesis `e > 0` makes e
    a positive symbol, and a variable on an open interval is written as the image of a
    positive symbol ((lo, hi): lo + (hi - lo) u / (1 + u)).
    """
    for e in dict.fromkeys((b, _as_signs(b, a), _as_signs(sp.factor(b), a))):
        if {"nonzero": e.is_extended_nonzero, "pos": e.is_positive,
                "nonneg": e.is_nonnegative}[kind]:
            return True
        if kind != "nonzero":
            if prove_sign(e, a, strict=kind == "pos") is not None:
                return True
        elif prove_sign(e, a, strict=True) or prove_sign(-e, a, strict=True):
            return True
    free = b.free_symbols
    if kind == "nonzero" and len(free) == 1:  # no root on the interval of its only variable
        (v,) = free
        interval = a.interval_of(v)
        try:
            return interval is not None and sp.solveset(sp.Eq(b, 0), v, interval) == sp.S.EmptySet
        except (NotImplementedError, ValueError, TypeError):
            return False
    return False


def _as_signs(e: sp.Expr, a: Assumptions) -> sp.Expr:
    """e with integrals, declared positive expressions and interval variables replaced by
    symbols that carry their sign (see `_everywhere`)."""

    def integral_sign(node: sp.Integral) -> sp.Basic:
        ordered = all(len(lim) == 3 and (lim[2] - lim[1]).is_extended_positive
                      for lim in node.limits)
        if ordered and node.function.is_positive:
            return sp.Dummy("I", positive=True)
        if ordered and node.function.is_nonnegative:
            return sp.Dummy("I", nonnegative=True)
        return node

    e = e.replace(lambda n: isinstance(n, sp.Integral), integral_sign)
    bound = _bound(e)
    for fact in a.facts:
        if isinstance(fact, (sp.Gt, sp.Lt, sp.Ge, sp.Le)) and (fact.rhs == 0 or fact.lhs == 0):
            big, small = (fact.lhs, fact.rhs) if fact.rel_op in (">", ">=") else \
                (fact.rhs, fact.lhs)
            expr, sign = (big, 1) if small == 0 else (small, -1)
            kw = {"positive": True} if fact.rel_op in (">", "<") else {"nonnegative": True}
            if expr.free_symbols & bound:
                # q(x) under a sum or integral over x is a different value at each x: one
                # symbol for all of them would make sum_x q(x) r(x) = |X| h r look provable.
                if isinstance(expr, AppliedUndef):
                    signed = sp.Function(f"h_{expr.func.__name__}", **kw)
                    e = e.xreplace({expr: sign * signed(*expr.args)})
                continue
            e = e.xreplace({expr: sign * sp.Dummy("h", **kw)})
    # Again: an integrand declared positive (p(x, z) > 0, for every z) is now seen to be.
    e = e.replace(lambda n: isinstance(n, sp.Integral), integral_sign)
    return sp.factor(sp.together(on_intervals(e, a)))


def positive_functions(e: sp.Basic, a: Assumptions) -> sp.Basic:
    """e with each function q declared positive (`q(x) > 0`, x the variable of a declared
    distribution or density: for every x) replaced by a function that SymPy knows positive:
    an identity of every positive q holds for this one, and log(p / q) = log p - log q then
    splits without force. (f(x_0) > 0 at one point x_0 is not such a declaration.)"""
    every = {d.index for d in a.distributions} | {d.variable for d in a.densities}
    for fact in a.facts:
        f = fact.lhs if fact.rel_op == ">" and fact.rhs == 0 else \
            fact.rhs if fact.rel_op == "<" and fact.lhs == 0 else None
        if isinstance(f, AppliedUndef) and f.args and set(f.args) <= every and \
                len(set(f.args)) == len(f.args):
            positive = sp.Function(f.func.__name__, positive=True)
            e = e.replace(lambda g, f=f: isinstance(g, f.func), lambda g, q=positive: q(*g.args))
    return e


def factor_out_of_sums(expr: sp.Basic) -> sp.Basic:
    """Each multiple sum over a rectangle (no range depends on another of its variables), a
    factor free of one variable taken out of the sum over it:
    sum_x sum_y log p(y) p(x, y) = sum_y log p(y) sum_x p(x, y) (finite sums: always valid)."""

    def pull(s: sp.Sum) -> sp.Basic:
        variables = [lim[0] for lim in s.limits]
        if len(variables) < 2 or any(lim[1].has(*variables) or lim[2].has(*variables)
                                     for lim in s.limits):
            return s
        return sp.Add(*(_pulled(term, s.limits)
                        for term in sp.Add.make_args(sp.expand(s.function, log=False))))

    return expr.replace(lambda e: isinstance(e, sp.Sum), pull)


def _pulled(term: sp.Expr, limits: tuple) -> sp.Expr:
    for k, (v, *_) in enumerate(limits):
        outer, inner = term.as_independent(v, as_Add=False)
        rest = limits[:k] + limits[k + 1:]
        if outer != 1 and outer.free_symbols & {lim[0] for lim in rest}:
            return sp.Sum(outer * sp.Sum(inner, limits[k]), *rest)
    return sp.Sum(term, *limits)


def on_intervals(e: sp.Basic, a: Assumptions) -> sp.Basic:
    """e with each variable on an open interval written as the image of a positive symbol u
    ((lo, hi): lo + (hi - lo) u / (1 + u), a bijection from u > 0): e vanishes for every
    u > 0 exactly when it vanishes on the interval, and 1 - p, p in (0, 1), is 1 / (1 + u),
    whose sign SymPy sees (so log((1 - p) / (1 - q)) splits without force). A variable that
    a derivative, a substitution, a sum or an integral in e binds is left as it is (d/da is
    not d/d(image))."""
    bound = _bound(e) | {v for n in e.atoms(sp.Derivative) for v in n.variables} \
        | {v for n in e.atoms(sp.Subs) for v in n.variables}
    for v, interval in a.intervals:
        lo, hi = interval.inf, interval.sup
        if not (interval.left_open or lo.is_infinite) or not (interval.right_open or
                                                               hi.is_infinite):
            continue

        def image(u: sp.Expr, lo: sp.Expr = lo, hi: sp.Expr = hi) -> sp.Expr:
            return (u - 1 / u if lo.is_infinite and hi.is_infinite else lo + u
                    if hi.is_infinite else hi - u if lo.is_infinite
                    else lo + (hi - lo) * u / (1 + u))

        base = _entry_base(v, e, interval)
        if base is not None:  # p_j in (0, 1): every entry p[k] is the image of its own u[k]
            # a Dummy label: a family the user named u_p is not this u (u_p[1] = u_p[1])
            u = sp.IndexedBase(sp.Dummy("u_" + base.name), positive=True)
            e = e.replace(lambda n, b=base: isinstance(n, sp.Indexed) and n.base == b,
                          lambda n, u=u, image=image: image(u[n.indices]))
            e = _together_in(e, u)
        elif v not in bound and v not in {b.label for b in e.atoms(sp.IndexedBase)}:
            # (a family p of entries p[k] has the label p: xreplace would rewrite its name)
            u = sp.Dummy("u", positive=True)
            e = e.xreplace({v: image(u)})
    return e


def _together_in(e: sp.Basic, u: sp.Basic) -> sp.Basic:
    """e with each sum of plain terms in u over one denominator: 1 - u/(1 + u) is 1/(1 + u),
    whose sign SymPy sees, so log((1 - p_j)^(1 - x_j)) splits under a sum over j."""
    calculus = (sp.Sum, sp.Product, sp.Integral, sp.Derivative, sp.Subs, AppliedUndef)
    return e.replace(lambda n: isinstance(n, sp.Add) and n.has(u) and not n.has(*calculus),
                     lambda n: sp.factor(sp.together(n)))


def _entry_base(v: sp.Symbol, e: sp.Basic, interval: sp.Interval) -> sp.IndexedBase | None:
    """The base p of an entry interval (recorded as the symbol `p[j]`) if e has entries of p
    and takes no derivative in one of them (d/dp[j] is not d/du[j]), else None. Bounds that
    name the index (p_j in (0, j)) differ from entry to entry: not one interval, None."""
    name, _, indices = v.name.partition("[")
    if not v.name.endswith("]") or name == v.name:
        return None
    if {s.name for s in interval.free_symbols} & {i.strip() for i in indices[:-1].split(",")}:
        return None
    bases = {n.base for n in e.atoms(sp.Indexed) if n.base.name == name}
    if len(bases) != 1 or any(isinstance(x, sp.Indexed) and x.base.name == name
                              for d in e.atoms(sp.Derivative) for x in d.variables):
        return None
    return bases.pop()


def _not_proved_because(exprs: list[sp.Basic], a: Assumptions, method: str) -> str | None:
    """None if a proof by `method` holds on the whole domain, else the note saying why not."""
    missing = unproved_conditions(exprs, a)
    if not missing:
        return None
    return f"{method}, but not on the whole declared domain: {'; '.join(missing)}"


def _valid_points(lhs: sp.Basic, rhs: sp.Basic, a: Assumptions, rng: np.random.Generator,
                  attempts: int) -> Iterator[tuple[Point, complex, complex]]:
    """Random points satisfying every hypothesis where both sides have a value."""
    if any(sp.sympify(e).has(IIDExpectation) for e in (lhs, rhs)):
        return  # K samples' joint law has no stand-in density: no point gives it a value
    for _ in range(attempts):
        point = sample_point([lhs, rhs], a, rng)
        if not point.sizes and any(compiled(e, (), tuple(point.densities))[1] is None
                                   for e in (lhs, rhs)):
            return  # without sizes every point compiles alike: none will have a value
        if admissible(point, a, PRECISION) is not None:
            continue
        left, right = evaluate(lhs, point), evaluate(rhs, point)
        if left is not None and right is not None:
            yield point, left, right


def _confirmed(point: Point, lhs: sp.Basic, op: str, rhs: sp.Basic, a: Assumptions) -> bool:
    """Is the point a counterexample at 80 digits, satisfying every declaration there?"""
    if admissible(point, a) is not None:
        return False
    left, right = evaluate(lhs, point, 2 * PRECISION), evaluate(rhs, point, 2 * PRECISION)
    return left is not None and right is not None and not holds(left, op, right)


def _refuted(point: Point, left: complex, right: complex, note: str) -> Outcome:
    ce = point.describe() | {"lhs": _fmt(left), "rhs": _fmt(right)}
    return Outcome(Verdict.REFUTED, "numeric counterexample", ce, (note,) if note else ())


def _numeric_equal(lhs: sp.Basic, rhs: sp.Basic, a: Assumptions,
                   rng: np.random.Generator, note: str) -> Outcome:
    agree = 0
    notes = (note,) if note else ()
    for point, left, right in _valid_points(lhs, rhs, a, rng, EQUALITY_SAMPLES * 5):
        if close(left, right):
            agree += 1
        elif _confirmed(point, lhs, "=", rhs, a):
            return _refuted(point, left, right, note)
        if agree >= EQUALITY_SAMPLES:
            return Outcome(Verdict.CORROBORATED,
                           f"agrees at {agree} random points (40 digits)", None, notes)
    return Outcome(Verdict.UNDECIDED, f"only {agree} valid sample points agree", None, notes)


def _fmt(z: complex) -> str:
    return f"{z.real:.12g}" if abs(z.imag) < 1e-30 else f"{z:.12g}"


def check_equal(lhs: sp.Basic, rhs: sp.Basic, a: Assumptions, *,
                seconds: float = DEFAULT_SECONDS,
                rng: np.random.Generator | None = None) -> Outcome:
    """Prove lhs = rhs symbolically, else refute or corroborate it numerically.

    >>> x = sp.Symbol("x", positive=True)
    >>> check_equal(sp.log(x**2), 2 * sp.log(x), Assumptions()).verdict
    <Verdict.PROVED: 'proved'>
    >>> check_equal(sp.log(x + 1), sp.log(x) + sp.log(1), Assumptions()).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    if not isinstance(a, Assumptions):
        raise ValueError(f"assumptions must be an Assumptions, not {type(a).__name__}")
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    note = ""
    try:
        with time_limit(seconds):  # unfolding can be real work (expectations): limit it too
            lhs, rhs = unfold(lhs), unfold(rhs)
            method = symbolic_zero(lhs - rhs, a)
            if method:  # the integrals linearity wrote down must exist too
                split = [linearise(lhs - rhs)] if (lhs - rhs).has(sp.Integral, sp.Sum) else []
                note = _not_proved_because([lhs, rhs, *split], a, method) or ""
        if method and not note:
            return Outcome(Verdict.PROVED, method)
    except OutOfTime as exc:
        note = f"symbolic check stopped: {exc}"
    except Exception as exc:  # SymPy can raise anything (StopIteration in sum_simplify...)
        note = f"symbolic check gave up: {type(exc).__name__}"
    rng = rng if rng is not None else np.random.default_rng(0)
    try:
        with time_limit(seconds):
            return _numeric_equal(lhs, rhs, a, rng, note)
    except OutOfTime as exc:
        return Outcome(Verdict.UNDECIDED, f"numeric check stopped: {exc}", None,
                       (note,) if note else ())


def prove_equal(lhs: sp.Basic, rhs: sp.Basic, a: Assumptions, *,
                seconds: float = DEFAULT_SECONDS, quick: bool = False) -> str | None:
    """The method proving lhs = rhs symbolically on the whole declared domain, or None.

    `check_equal` without its numeric fallback: for a caller that only wants a proof (a
    restatement compared with a chain above it), where sampling would cost time for nothing.
    """
    try:
        with time_limit(seconds):
            lhs, rhs = unfold(sp.sympify(lhs)), unfold(sp.sympify(rhs))
            method = symbolic_zero(lhs - rhs, a, quick=quick)
            if not method:
                return None
            split = [linearise(lhs - rhs)] if (lhs - rhs).has(sp.Integral, sp.Sum) else []
            return None if _not_proved_because([lhs, rhs, *split], a, method) else method
    except OutOfTime:
        return None
    except Exception:  # noqa: BLE001  (a crash inside SymPy proves nothing)
        return None


def _by_hypothesis(lhs: sp.Basic, op: str, rhs: sp.Basic, a: Assumptions) -> bool:
    """Is `lhs op rhs` (or a stronger form) literally one of the declared hypotheses?"""
    weaker = {"<=": ("<=", "<"), "<": ("<",), ">=": (">=", ">"), ">": (">",)}[op]
    for h in a.hypotheses():
        for hl, hop, hr in ((h.lhs, h.rel_op, h.rhs), (h.rhs, FLIP[h.rel_op], h.lhs)):
            # a <= b and a - c <= b - c are the same hypothesis: compare differences.
            if hop in weaker and simplify((hl - hr) - (lhs - rhs)) == 0:
                return True
    return False


def _sign_candidates(e: sp.Basic, a: Assumptions) -> Iterator[sp.Basic]:
    """e, then simplified, then factored: each only if the one before did not settle it
    (simplified once); last, e with its integrals of one-signed functions as signed symbols."""
    yield e
    simple = simplify(e)
    yield simple
    yield sp.factor(simple)
    signed = _signed_integrals(_declared_positive(e, a))
    if signed != e:
        yield signed


def _signed_integrals(e: sp.Basic) -> sp.Basic:
    """e with each integral that exists, of a positive (nonnegative) function over an
    ordered range, as a positive (nonnegative) symbol: p(z) q(z) / int p(w) q(w) dw > 0.

    An integral of abstract densities is taken to exist (docs/engine.md, "Where an
    expression has a value"); any other must be proved to (`unproved_existence`).
    """
    def signed(node: sp.Integral) -> sp.Basic:
        ordered = all(len(lim) == 3 and (lim[2] - lim[1]).is_extended_positive
                      for lim in node.limits)
        if not ordered or unproved_existence(node):
            return node
        if node.function.is_positive:
            return sp.Dummy("I", positive=True)
        if node.function.is_nonnegative:
            return sp.Dummy("I", nonnegative=True)
        return node

    bound = _bound(e)  # an integral naming a variable bound around it is a function of it
    return e.replace(lambda n: isinstance(n, sp.Integral) and not n.free_symbols & bound,
                     signed)


def _declared_positive(e: sp.Basic, a: Assumptions) -> sp.Basic:
    """e with each function value declared positive (`p(x, z) > 0`, for every x and z) a
    value of a positive function, which SymPy's assumptions then see."""
    for fact in a.facts:
        f = fact.lhs
        if isinstance(fact, sp.Gt) and fact.rhs == 0 and isinstance(f, AppliedUndef) and \
                all(isinstance(x, sp.Symbol) for x in f.args):
            positive = sp.Function(f"{f.func.__name__}_positive", positive=True)
            e = e.xreplace({f: positive(*f.args)})
    return e


def _bound(e: sp.Basic) -> set[sp.Symbol]:
    """The variables some integral, sum or expectation in e binds."""
    return ({v for n in e.atoms(sp.Integral, sp.Sum) for v in n.variables}
            | {v for n in e.atoms(Expectation) for v in n.variables}
            | {n.law.args[0] for n in e.atoms(IIDExpectation)})


def prove_sign(expr: sp.Basic, a: Assumptions, *, strict: bool) -> str | None:
    """Prove expr >= 0 (or > 0): SymPy's assumptions, or solveset on a declared interval."""
    e = a.normalise(unfold(sp.sympify(expr)))
    for candidate in _sign_candidates(e, a):
        ok = candidate.is_positive if strict else candidate.is_nonnegative
        if ok:
            return "sign analysis (SymPy assumptions)"
    image = sp.factor(sp.together(on_intervals(positive_functions(e, a), a)))
    if image != e and (image.is_positive if strict else image.is_nonnegative):
        return "sign analysis after the declared signs (intervals, q(x) > 0 for every x)"
    free = e.free_symbols
    if len(free) == 1:
        (s,) = free
        interval = a.interval_of(s)
        if interval is not None:
            try:  # a complex e has no sign: the relation itself raises TypeError
                bad = sp.Le(e, 0) if strict else sp.Lt(e, 0)
                # solveset skips points where e is undefined (1/x > 0 "on [0, 1]"): insist
                # that e is continuous, hence defined, on the whole interval.
                if (continuous_domain(e, s, interval) == interval
                        and sp.solveset(bad, s, interval) == sp.S.EmptySet):
                    return f"solveset on {s} in {interval}"
            except (NotImplementedError, ValueError, TypeError):
                return None
    return None


def search_counterexample(lhs: sp.Basic, op: str, rhs: sp.Basic, a: Assumptions,
                          rng: np.random.Generator, samples: int = SEARCH_SAMPLES,
                          note: str = "", *, seconds: float = DEFAULT_SECONDS) -> Outcome:
    """Random search, within `seconds` of CPU time, for a point where `lhs op rhs` fails."""
    tested = 0
    try:
        with time_limit(seconds):
            for point, left, right in _valid_points(lhs, rhs, a, rng, samples * 3):
                tested += 1
                if not holds(left, op, right) and _confirmed(point, lhs, op, rhs, a):
                    return _refuted(point, left, right, note)
                if tested >= samples:
                    break
    except OutOfTime as exc:
        notes = tuple(x for x in (note, f"no counterexample in {tested} random points") if x)
        return Outcome(Verdict.UNDECIDED, f"numeric search stopped: {exc}", None, notes)
    notes = tuple(x for x in (note, f"no counterexample in {tested} random points") if x)
    return Outcome(Verdict.UNDECIDED, "no proof", None, notes)


def check_relation(lhs: sp.Basic, op: str, rhs: sp.Basic, a: Assumptions, *,
                   seconds: float = DEFAULT_SECONDS,
                   rng: np.random.Generator | None = None, note: str = "") -> Outcome:
    """Check `lhs op rhs` for op in =, <=, <, >=, > without a lemma.

    >>> t = sp.Symbol("t", positive=True)
    >>> check_relation(t**2 + 1, ">", 0, Assumptions()).verdict
    <Verdict.PROVED: 'proved'>
    >>> check_relation(sp.log(t), ">=", t - 1, Assumptions()).verdict
    <Verdict.REFUTED: 'refuted'>
    """
    if op in ("=", "=="):
        return check_equal(lhs, rhs, a, seconds=seconds, rng=rng)
    if op not in FLIP:
        raise ValueError(f"unknown relation {op!r}: use =, <=, <, >= or >")
    if not isinstance(a, Assumptions):
        raise ValueError(f"assumptions must be an Assumptions, not {type(a).__name__}")
    lhs, rhs = unfold(sp.sympify(lhs)), unfold(sp.sympify(rhs))
    strict = op in ("<", ">")
    gap = rhs - lhs if op in ("<=", "<") else lhs - rhs
    try:
        with time_limit(seconds):
            # no inequality holds between non-real values (as `holds`): nothing to prove
            real = lhs.is_extended_real is not False and rhs.is_extended_real is not False
            if not real:
                note = "; ".join(x for x in (note, "a side is not a real number") if x)
            elif _by_hypothesis(lhs, op, rhs, a):
                return Outcome(Verdict.PROVED, "a declared hypothesis")
            gap = empty_sums(gap)
            method = prove_sign(gap, a, strict=strict) if real else None
            if method:
                why = _not_proved_because([lhs, rhs], a, method)
                if not why and not _may_run_backwards(gap, a):
                    return Outcome(Verdict.PROVED, method)
                note = "; ".join(x for x in (note, why or f"{method} needs every sum's range "
                                             f"not to run backwards") if x)
            elif real and not strict:  # an equality written as <= (a chain keeps its relation)
                same = prove_equal(lhs, rhs, a, seconds=seconds, quick=True)
                if same:
                    return Outcome(Verdict.PROVED, f"the two sides are equal: {same}")
    except OutOfTime as exc:
        note = "; ".join(x for x in (note, f"symbolic check stopped: {exc}") if x)
    except Exception as exc:  # a crash inside SymPy proves nothing
        note = "; ".join(x for x in (note, f"symbolic check gave up: {type(exc).__name__}") if x)
    rng = rng if rng is not None else np.random.default_rng(0)
    return search_counterexample(lhs, op, rhs, a, rng, note=note, seconds=seconds)
