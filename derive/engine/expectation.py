"""The expectation E_{z ~ law}[f(z)] as a SymPy node: a linear operator that unfolds exactly.

Under a normal law (`Normal`, or `DiagNormal` for independent coordinates) a polynomial f is
expanded in z and every monomial replaced by its exact Gaussian moment, so Gaussian
expectations of log-densities (quadratics) cost a polynomial expansion instead of a call to
`integrate` (which is slow and leaves erfc terms). A non-polynomial term unfolds to the
integral against the normal density (still evaluable numerically). Under an abstract density
q (a SymPy `Function`), E_q[f] unfolds to Integral(q(z) f(z), (z, -oo, oo)); that it is 1 for
f = 1 is then the declared normalisation of q, not an assumption of this module.

>>> m, z = sp.Symbol("m", real=True), sp.Symbol("z", real=True)
>>> v = sp.Symbol("v", positive=True)
>>> Expectation(z**2, z, Normal(m, v)).unfold()
m**2 + v
>>> q = sp.Function("q", positive=True)
>>> Expectation(sp.log(q(z)), z, q).unfold()
Integral(q(z)*log(q(z)), (z, -oo, oo))

Reference: the Gaussian moments E[z^k] = sum_j C(k, 2j) m^(k-2j) v^j (2j-1)!!, e.g.
Winkelbauer, "Moments and absolute moments of the normal distribution", arXiv:1209.4340, eq. (11).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sympy as sp
from sympy.core.function import AppliedUndef, FunctionClass


def gaussian_moment(k: int, mean: sp.Expr, var: sp.Expr) -> sp.Expr:
    """E[z^k] for z ~ N(mean, var), exact: sum over even j of C(k, j) mean^(k-j) var^(j/2) (j-1)!!.

    >>> m, v = sp.symbols("m v", positive=True)
    >>> gaussian_moment(3, m, v)
    m**3 + 3*m*v
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ValueError(f"moment order must be a non-negative int, got {k!r}")
    mean, var = sp.sympify(mean), sp.sympify(var)
    return sp.Add(*[sp.binomial(k, j) * mean ** (k - j) * var ** (j // 2) * sp.factorial2(j - 1)
                    for j in range(0, k + 1, 2)])


class Normal(sp.Basic):
    """The scalar normal law N(mean, var), var > 0: a record the expectation reads moments from."""

    def __new__(cls, mean: sp.Expr, var: sp.Expr) -> Normal:
        mean, var = sp.sympify(mean), sp.sympify(var)
        if var.is_positive is False or var.has(sp.nan, sp.zoo) or mean.has(sp.nan, sp.zoo):
            raise ValueError(f"Normal: needs a finite mean and a positive variance, got "
                             f"({mean}, {var})")
        return sp.Basic.__new__(cls, mean, var)

    @property
    def mean(self) -> sp.Expr:
        return self.args[0]

    @property
    def var(self) -> sp.Expr:
        return self.args[1]

    @property
    def coordinates(self) -> tuple[Normal, ...]:
        return (self,)

    def pdf(self, z: sp.Expr) -> sp.Expr:
        return sp.exp(-(z - self.mean) ** 2 / (2 * self.var)) / sp.sqrt(2 * sp.pi * self.var)

    def log_pdf(self, z: sp.Expr) -> sp.Expr:
        """log N(z; mean, var) written as a polynomial in z (no exp to cancel)."""
        return -sp.log(2 * sp.pi * self.var) / 2 - (z - self.mean) ** 2 / (2 * self.var)

    def moment(self, k: int) -> sp.Expr:
        return gaussian_moment(k, self.mean, self.var)

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return f"N({printer._print(self.mean)}, {printer._print(self.var)})"

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return rf"\mathcal{{N}}\left({printer._print(self.mean)}, {printer._print(self.var)}\right)"


class DiagNormal(sp.Basic):
    """Independent normal coordinates N(means[i], vars[i]); also built from a tuple of Normal."""

    def __new__(cls, means: Iterable, variances: Iterable | None = None) -> DiagNormal:
        means = tuple(means)
        if variances is None:
            if not all(isinstance(c, Normal) for c in means):
                raise ValueError("DiagNormal: give (means, vars) or a tuple of Normal")
            means, variances = tuple(c.mean for c in means), tuple(c.var for c in means)
        variances = tuple(variances)
        if len(means) != len(variances) or not means:
            raise ValueError(f"DiagNormal: {len(means)} means but {len(variances)} variances")
        coords = [Normal(m, v) for m, v in zip(means, variances, strict=True)]  # validates
        return sp.Basic.__new__(cls, sp.Tuple(*[c.mean for c in coords]),
                                sp.Tuple(*[c.var for c in coords]))

    @property
    def coordinates(self) -> tuple[Normal, ...]:
        return tuple(Normal(m, v) for m, v in zip(self.args[0], self.args[1], strict=True))

    def pdf(self, zs: tuple) -> sp.Expr:
        return sp.Mul(*[c.pdf(z) for c, z in zip(self.coordinates, zs, strict=True)])

    def log_pdf(self, zs: tuple) -> sp.Expr:
        return sp.Add(*[c.log_pdf(z) for c, z in zip(self.coordinates, zs, strict=True)])

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        return " x ".join(printer._print(c) for c in self.coordinates)

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        return r" \otimes ".join(printer._print(c) for c in self.coordinates)


def _law_name(law: sp.Basic, variables: tuple, printer: sp.printing.printer.Printer) -> str:
    if isinstance(law, AppliedUndef):
        name, params = law.func.__name__, law.args[len(variables):]
        return name if not params else \
            f"{name}(.; {', '.join(printer._print(p) for p in params)})"
    return printer._print(law)


class Expectation(sp.Expr):
    """E_{z ~ law}[f]: args (f, Tuple of the bound variables, law).

    law: a `Normal` / `DiagNormal`, or an abstract density given as a SymPy FunctionClass
    (stored applied to the variables, q(z)). `unfold()` gives the exact value (moments) or the
    defining integral; `linearity(expr)` splits it over sums and pulls out constants.
    """

    def __new__(cls, f: sp.Expr, z: sp.Symbol | tuple, law: sp.Basic | FunctionClass
                ) -> Expectation:
        zs = tuple(z) if isinstance(z, (tuple, list, sp.Tuple)) else (z,)
        if not zs or not all(isinstance(v, sp.Symbol) for v in zs):
            raise ValueError(f"Expectation: the variable must be a Symbol or tuple of Symbols, "
                             f"got {z!r}")
        if isinstance(law, FunctionClass):
            law = law(*zs)
        elif isinstance(law, AppliedUndef):
            # q(z) or q(z, theta...): the variables first, then parameters free of them.
            if law.args[:len(zs)] != zs or any(a.has(*zs) for a in law.args[len(zs):]):
                raise ValueError(f"Expectation: density {law} is not a function of {zs} "
                                 f"(then its parameters)")
        elif isinstance(law, (Normal, DiagNormal)):
            if len(law.coordinates) != len(zs):
                raise ValueError(f"Expectation: law of dimension {len(law.coordinates)} "
                                 f"for {len(zs)} variables")
            if any(law.has(v) for v in zs):
                raise ValueError("Expectation: the law's parameters contain the variable")
        else:
            raise ValueError(f"Expectation: law must be Normal, DiagNormal or a density "
                             f"Function, got {type(law).__name__}")
        return sp.Expr.__new__(cls, sp.sympify(f), sp.Tuple(*zs), law)

    @property
    def function(self) -> sp.Expr:
        return self.args[0]

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def law(self) -> sp.Basic:
        return self.args[2]

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return (self.function.free_symbols | self.law.free_symbols) - set(self.variables)

    @property
    def is_abstract(self) -> bool:
        return isinstance(self.law, AppliedUndef)

    def with_function(self, f: sp.Expr) -> Expectation:
        """E of another function under the same law and variables (as IIDExpectation's)."""
        return Expectation(f, self.variables, self.law)

    @property
    def parameters(self) -> tuple[sp.Expr, ...]:
        """What the law depends on: a normal law's means and variances, a density's extra
        arguments (q(z, theta) has theta)."""
        if self.is_abstract:
            return self.law.args[len(self.variables):]
        return tuple(p for c in self.law.coordinates for p in (c.mean, c.var))

    def unfold(self) -> sp.Expr:
        """Exact moments under a normal law; the defining integral otherwise."""
        zs, f = self.variables, self.function
        if self.is_abstract:
            return sp.Integral(self.law * f, *[(v, -sp.oo, sp.oo) for v in zs])
        coords = self.law.coordinates
        out, rest = sp.S.Zero, sp.S.Zero
        # expand + as_independent: much faster than Poly(f, z) with symbolic coefficients.
        for term in sp.Add.make_args(sp.expand(f)):
            const, dep = term.as_independent(*zs, as_Add=False)
            powers = _monomial(dep, zs)
            if powers is None:
                rest += term
            else:
                out += const * sp.Mul(*[c.moment(k) for c, k in zip(coords, powers,
                                                                      strict=True)])
        if rest != 0:
            pdf = sp.Mul(*[c.pdf(v) for c, v in zip(coords, zs, strict=True)])
            out += sp.Integral(pdf * rest, *[(v, -sp.oo, sp.oo) for v in zs])
        return out

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        zs = self.variables
        z = printer._print(zs[0]) if len(zs) == 1 else f"({', '.join(map(str, zs))})"
        law = _law_name(self.law, self.variables, printer)
        return f"E_{{{z}~{law}}}[{printer._print(self.function)}]"

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        zs = self.variables
        z = printer._print(zs[0]) if len(zs) == 1 else \
            r"\left(" + ", ".join(printer._print(v) for v in zs) + r"\right)"
        return (rf"\mathbb{{E}}_{{{z}\sim {_law_name(self.law, self.variables, printer)}}}"
                rf"\left[{printer._print(self.function)}\right]")


class IIDExpectation(sp.Expr):
    """E over K i.i.d. samples z[1], ..., z[K] of a density q: args (f, z, K, q(v)).

    z is an IndexedBase whose entries z[k] are the samples; q(v) is the law of each, applied
    at its own variable v. `unfold()` uses only linearity and the samples' marginals: a term
    c * sum_{k=1}^{K} g(z[k]) (g free of every other sample, K a positive integer) has
    expectation c * sum_{k=1}^{K} E_{v~q}[g(v)], which is K c E_q[g] when g is free of k.
    Anything else (a log of the sum, a product of two samples) is left as it is: the engine
    reads no joint law of several samples.

    >>> z, k = sp.IndexedBase(sp.Symbol("z"), real=True), sp.Symbol("k", integer=True)
    >>> K, v = sp.Symbol("K", integer=True, positive=True), sp.Symbol("v", real=True)
    >>> q, w = sp.Function("q", positive=True), sp.Function("w")
    >>> IIDExpectation(sp.Sum(w(z[k]), (k, 1, K)) / K, z, K, q(v)).unfold()
    Integral(q(v)*w(v), (v, -oo, oo))

    Reference: Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
    eq. (8) (the bound L_K is such an expectation).
    """

    is_commutative = True  # a number (None would make SymPy's polys refuse it)

    def __new__(cls, f: sp.Expr, z: sp.IndexedBase, count: sp.Expr, law: sp.Basic
                ) -> IIDExpectation:
        if not isinstance(z, sp.IndexedBase):
            raise ValueError(f"IIDExpectation: the samples must be an IndexedBase, got {z!r}")
        if not (isinstance(law, AppliedUndef) and law.args and isinstance(law.args[0], sp.Symbol)
                and not any(a.has(law.args[0]) for a in law.args[1:]) and not law.has(z)):
            raise ValueError(f"IIDExpectation: the law must be a density applied to its "
                             f"variable, q(v), got {law}")
        if z.label in law.free_symbols:
            raise ValueError(f"IIDExpectation: the samples {z} are named like the variable of "
                             f"{law}: label them apart (IndexedBase(Symbol('{z}')))")
        return sp.Expr.__new__(cls, sp.sympify(f), z, sp.sympify(count), law)

    @property
    def function(self) -> sp.Expr:
        return self.args[0]

    @property
    def samples(self) -> sp.IndexedBase:
        return self.args[1]

    @property
    def count(self) -> sp.Expr:
        return self.args[2]

    @property
    def law(self) -> AppliedUndef:
        return self.args[3]

    @property
    def is_abstract(self) -> bool:
        return True

    @property
    def free_symbols(self) -> set[sp.Basic]:
        z = self.samples
        own = {s for s in self.function.free_symbols
               if s != z.label and not (isinstance(s, sp.Indexed) and s.base == z)}
        return own | self.count.free_symbols | (self.law.free_symbols - {self.law.args[0]})

    def with_function(self, f: sp.Expr) -> IIDExpectation:
        return IIDExpectation(f, self.samples, self.count, self.law)

    def marginal(self) -> sp.Expr | None:
        """E by linearity and the marginals, or None when a term is not c * sum_k g(z[k])."""
        z, count, v = self.samples, self.count, self.law.args[0]
        if not (count.is_integer and count.is_positive):
            return None  # a sum over 1..K is K samples only for a positive integer K
        out = sp.S.Zero
        for term in sp.Add.make_args(sp.expand(self.function, log=False, power_base=False,
                                               power_exp=False, multinomial=False)):
            c, rest = term.as_independent(z, as_Add=False)
            if rest == 1:
                out += c
                continue
            if not isinstance(rest, sp.Sum) or len(rest.limits) != 1:
                return None
            k, lo, hi = rest.limits[0]
            g = rest.function
            entries = {e for e in g.atoms(sp.Indexed) if e.base == z}
            if (lo, hi) != (1, count) or entries != {z[k]} or \
                    g.xreplace({z[k]: v}).has(z, z.label) or v in g.free_symbols:
                return None
            one = Expectation(g.xreplace({z[k]: v}), v, self.law)  # q(v, theta): its parameters too
            out += c * (count * one if not one.has(k) else sp.Sum(one, (k, 1, count)))
        return out

    def unfold(self) -> sp.Expr:
        """The expectations of the samples' marginals, unfolded; itself if none applies."""
        got = self.marginal()
        if got is None:
            return self
        from derive.engine.definitions import unfold

        return unfold(got)

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        z, n = self.samples, printer._print(self.count)
        return (f"E_{{{z}[1..{n}] iid ~ {self.law.func}}}"
                f"[{printer._print(self.function)}]")

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        z, n = printer._print(self.samples), printer._print(self.count)
        return (rf"\mathbb{{E}}_{{{z}_{{1}}, \dots, {z}_{{{n}}} \sim "
                rf"{printer._print(self.law.func)}}}\left[{printer._print(self.function)}"
                rf"\right]")


def sample_counts_compared(lhs: sp.Expr, rhs: sp.Expr) -> str | None:
    """Why a step between expectations over K and K' samples of one law is left open: that
    L_K grows with K is Burda et al. (2016), Thm 1b, whose exchangeability argument (W_{K+1}
    as the mean of its K + 1 leave-one-out means) the engine cannot write for symbolic K."""
    found = [sp.sympify(side).atoms(IIDExpectation) for side in (lhs, rhs)]
    if not all(found):
        return None
    pairs = [(a, b) for a in found[0] for b in found[1] if a.samples == b.samples and
             a.law == b.law and a.count != b.count]
    if not pairs:
        return None
    a, b = pairs[0]
    return (f"the step compares expectations over {a.count} and {b.count} samples of "
            f"{a.law.func}: that the importance-weighted bound L_K is nondecreasing in K is "
            f"Burda, Grosse & Salakhutdinov (2016), Thm 1b (an exchangeability argument), "
            f"which the engine does not prove")


def _monomial(dep: sp.Expr, zs: tuple) -> tuple[int, ...] | None:
    """Exponents (k_1, ..., k_n) if dep = prod z_i^k_i with k_i >= 0 integers, else None."""
    powers = dict.fromkeys(zs, 0)
    for base, exp in dep.as_powers_dict().items():
        if base == 1:
            continue
        if base not in powers or not (exp.is_Integer and exp >= 0):
            return None
        powers[base] += int(exp)
    return tuple(powers[v] for v in zs)


def linearity(expr: sp.Basic) -> sp.Basic:
    """Split every expectation over + and pull out factors free of its variables; E[c] = c.

    >>> z, a = sp.Symbol("z", real=True), sp.Symbol("a", real=True)
    >>> q = sp.Function("q", positive=True)
    >>> linearity(Expectation(a * z + 3, z, q))
    a*E_{z~q}[z] + 3
    """

    def split(e: Expectation) -> sp.Expr:
        out = sp.S.Zero
        for term in sp.Add.make_args(sp.expand(e.function)):
            const, dep = term.as_independent(*e.variables, as_Add=False)
            out += const if dep == 1 else const * e.with_function(dep)
        return out

    return expr.replace(lambda e: isinstance(e, Expectation), split)


def differentiated_parameters(exprs: Iterable[sp.Basic]) -> set[sp.Symbol]:
    """The variables some expectation is differentiated in: theta in d/dtheta E[...]."""
    out: set[sp.Symbol] = set()
    for e in exprs:
        for d in sp.sympify(e).atoms(sp.Derivative):
            if d.expr.has(Expectation):
                out |= set(d.variables)
    return out


def dependence(exprs: Iterable[sp.Basic], params: Iterable[sp.Symbol],
               constant: Callable[[sp.Basic], bool]) -> Callable[[sp.Basic], sp.Basic]:
    """A rewrite making explicit what may depend on the parameters (worksheet 2d).

    Under d/dtheta E[...] a name written without arguments may depend on theta: every free
    symbol (not a parameter, not an integer, not `constant`) becomes a function s(theta), and
    every density named alone as a law, E_{z ~ q}, becomes q(z, theta), wherever it is applied.
    Any other function applied to arguments, mu(theta) or f(x), depends on exactly those.
    """
    exprs, params = [sp.sympify(e) for e in exprs], tuple(sorted(set(params), key=str))
    if not params:
        return lambda e: e
    symbols = {s for e in exprs for s in e.free_symbols
               if isinstance(s, sp.Symbol) and s not in params and not s.is_integer
               and not constant(s)}
    mapping = {s: sp.Function(s.name, **s.assumptions0)(*params)
               for s in sorted(symbols, key=str)}

    # A density named alone as a law gets the parameters wherever it is applied (log q(z) in
    # the integrand is the same q): every application with the law's arity.
    arity = {e.law.func: len(e.variables) for x in exprs for e in x.atoms(Expectation)
             if e.is_abstract and not e.parameters and not constant(e.law.func)}

    def density(e: sp.Basic) -> bool:
        return isinstance(e, AppliedUndef) and arity.get(e.func) == len(e.args)

    def rewrite(expr: sp.Basic) -> sp.Basic:
        expr = sp.sympify(expr)
        if arity:
            expr = expr.replace(density, lambda e: e.func(*e.args, *params))
        return expr.xreplace(mapping)

    return rewrite


def normal_conditions(expr: sp.Basic) -> list[tuple[str, str, sp.Expr]]:
    """What the normal laws in expr need to exist: (text, kind, e), e "real" or "pos" (> 0)."""
    out: dict[tuple[str, str, sp.Expr], None] = {}
    # sorted: atoms() is a set, whose order changes with the process's hash seed
    for e in sorted(sp.sympify(expr).atoms(Expectation), key=sp.default_sort_key):
        if not e.is_abstract:
            for c in e.law.coordinates:
                out[(f"mean {c.mean} of {c} real", "real", c.mean)] = None
                out[(f"variance {c.var} of {c} > 0", "pos", c.var)] = None
    return list(out)


def density_laws(expr: sp.Basic) -> set[FunctionClass]:
    """The abstract densities used as laws of expectations in expr."""
    expr = sp.sympify(expr)
    return {e.law.func for e in expr.atoms(Expectation, IIDExpectation) if e.is_abstract}
