"""A normal density of a vector z in R^J with a diagonal covariance, and its reduction to
per-coordinate sums.

N(z; m, diag(v_1, ..., v_J)) is the product of the J univariate densities N(z_j; m_j, v_j).
So its log is the sum over j of the univariate log densities, and an integral of it against
c + sum_j f_j(z_j) is c + sum_j E_{z_j ~ N(m_j, v_j)}[f_j(z_j)]: each coordinate's marginal is
N(m_j, v_j) and the density integrates to 1. `reduce` rewrites only these two shapes, where
the identities are exact; anything else holding the density is left for the caller to refuse.

The parameters are kept as written (a name, 0, the identity) and given their entries only
when reduced, by the caller's `base` (the name's declared entries: sigma_j > 0 may be declared
after the density): a name m has the entries m_j, a variance written s^2 (s^2 I, diag(s^2))
the entries s_j^2, the identity I (c I) the entries 1 (c).

>>> z, J = sp.Symbol("z", real=True), sp.Symbol("J", integer=True, positive=True)
>>> mu, s = sp.Symbol("mu"), sp.Symbol("sigma")
>>> d = DiagonalNormalDensity.make(z, J, mu, s)
>>> e = reduce(sp.Integral(d * sp.log(d), (z, -sp.oo, sp.oo)), sp.IndexedBase)
>>> e
Sum(E_{z_j~N(mu[j], sigma[j]**2)}[-(z_j - mu[j])**2/(2*sigma[j]**2) - log(2*pi*sigma[j]**2)/2], (j, 1, J))
>>> sp.simplify(e.replace(lambda x: isinstance(x, Expectation), lambda x: x.unfold()))
-Sum(log(sigma[j]**2) + log(2) + 1 + log(pi), (j, 1, J))/2
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.engine.expectation import Expectation, Normal

INDEX = sp.Symbol("j", integer=True)  # the coordinate index of a log density written out


class DiagonalNormalDensity(sp.Function):
    """N(z; m, diag v) of z in R^J: args (z, J, mean, scale), mean 0 or a name (entries m_j),
    scale a positive number c (c I) or a name s (diag(s_1^2, ..., s_J^2))."""

    nargs = 4

    @classmethod
    def make(cls, z: sp.Basic, dim: sp.Basic, mean: sp.Basic, scale: sp.Basic
             ) -> DiagonalNormalDensity:
        """The density, its arguments checked (eval does not: SymPy substitutes freely)."""
        if not isinstance(z, sp.Symbol):
            raise ValueError(f"DiagonalNormalDensity: the variable must be a name, got {z}")
        if not (dim.is_integer and dim.is_positive):
            raise ValueError(f"DiagonalNormalDensity: the dimension {dim} must be a positive "
                             f"integer")
        if not (mean == 0 or isinstance(mean, sp.Symbol)):
            raise ValueError(f"DiagonalNormalDensity: the mean must be 0 or a name, got {mean}")
        if not (scale.is_Number and scale.is_positive or isinstance(scale, sp.Symbol)):
            raise ValueError(f"DiagonalNormalDensity: the scale must be c > 0 or a name, got "
                             f"{scale}")
        return cls(z, dim, mean, scale)

    def _eval_is_positive(self) -> bool:
        return True

    def _eval_is_real(self) -> bool:
        return True

    @property
    def variable(self) -> sp.Symbol:
        return self.args[0]

    @property
    def dimension(self) -> sp.Expr:
        return self.args[1]

    def coordinate(self, j: sp.Symbol, base: Callable[[str], sp.IndexedBase]
                   ) -> tuple[sp.Expr, sp.Expr]:
        """(m_j, v_j): the mean and variance of coordinate j."""
        mean, scale = self.args[2], self.args[3]
        m = mean if mean == 0 else base(mean.name)[j]
        v = scale if scale.is_Number else base(scale.name)[j] ** 2
        return m, v

    def log_sum(self, base: Callable[[str], sp.IndexedBase]) -> sp.Sum:
        """log N(z; m, diag v) = sum_j log N(z_j; m_j, v_j), z_j the entries of z."""
        m, v = self.coordinate(INDEX, base)
        zj = sp.IndexedBase(self.variable.name, real=True)[INDEX]
        return sp.Sum(Normal(m, v).log_pdf(zj), (INDEX, 1, self.dimension))

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        z, dim, mean, scale = (printer._print(a) for a in self.args)
        cov = f"{scale}^2 I" if self.args[3].is_Symbol else f"{scale} I"
        return f"N({z}; {mean}, {cov}) on R^{dim}"


def reduce(expr: sp.Basic, base: Callable[[str], sp.IndexedBase]) -> sp.Basic:
    """Logs of vector normal densities as sums over coordinates; integrals of such a density
    against c + sum_j f_j(z_j) as c + sum_j E_{z_j ~ N(m_j, v_j)}[f_j]. KL, H over a vector
    variable are unfolded first (their integrals are then of that shape)."""
    if not expr.has(DiagonalNormalDensity):
        return expr
    from derive.engine.definitions import InformationQuantity

    expr = expr.replace(lambda e: isinstance(e, InformationQuantity)
                        and e.has(DiagonalNormalDensity), lambda e: e.unfold())
    expr = expr.replace(lambda e: isinstance(e, sp.log) and e.has(DiagonalNormalDensity),
                        lambda e: _split_log(e.args[0], base))
    return expr.replace(lambda e: isinstance(e, sp.Integral) and e.has(DiagonalNormalDensity),
                        lambda e: _integral(e, base))


def _split_log(arg: sp.Expr, base: Callable[[str], sp.IndexedBase]) -> sp.Expr:
    """log of a product of powers of vector normal densities and positive factors: the sum
    of the logs (every factor is positive). Otherwise the log unchanged."""
    out = sp.S.Zero
    for b, e in arg.as_powers_dict().items():
        if isinstance(b, DiagonalNormalDensity) and e.is_integer:
            out += e * b.log_sum(base)
        elif not b.has(DiagonalNormalDensity) and b.is_positive and e.is_real:
            out += e * sp.log(b)
        else:
            return sp.log(arg)
    return out


def _integral(node: sp.Integral, base: Callable[[str], sp.IndexedBase]) -> sp.Expr:
    """int N(z; m, diag v) (c + sum_j f_j(z_j)) dz over R^J = c + sum_j E[f_j(z_j)]."""
    if len(node.limits) != 1 or tuple(node.limits[0][1:]) != (-sp.oo, sp.oo):
        return node
    z = node.limits[0][0]
    dens = [f for f in sp.Mul.make_args(node.function)
            if isinstance(f, DiagonalNormalDensity) and f.variable == z]
    if len(dens) != 1:
        return node
    d = dens[0]
    rest = node.function / d
    entries = sp.IndexedBase(z.name, real=True)
    hidden = rest.xreplace({entries: sp.IndexedBase(sp.Dummy("entries"))})
    if rest.has(DiagonalNormalDensity) or hidden.has(z) or any(
            s.name.startswith(f"{z.name}_") for s in rest.free_symbols if s.is_Symbol):
        return node  # z itself, or a name z_a that may mean one of its entries
    out = sp.S.Zero
    for term in sp.Add.make_args(sp.expand_mul(rest, deep=False)):
        if not term.has(entries):
            out += term  # a constant: the density integrates to 1
            continue
        sums = [f for f in sp.Mul.make_args(term) if f.has(entries)]
        if len(sums) != 1 or not isinstance(sums[0], sp.Sum) or len(sums[0].limits) != 1:
            return node
        s = sums[0]
        k, lo, hi = s.limits[0]
        if lo != 1 or hi != d.dimension:
            return node
        zk = sp.Symbol(f"{z.name}_{k.name}", real=True)
        if zk in s.function.free_symbols:
            return node
        f = s.function.xreplace({entries[k]: zk})
        if f.has(entries):  # another coordinate (z_1, z_{j+1}): not this marginal alone
            return node
        m, v = d.coordinate(k, base)
        out += (term / s) * sp.Sum(Expectation(f, zk, Normal(m, v)), (k, 1, hi))
    return out


def unread(expr: sp.Basic) -> DiagonalNormalDensity | None:
    """A vector normal density `reduce` left in place (outside a log or such an integral)."""
    return next(iter(sorted(expr.atoms(DiagonalNormalDensity), key=str)), None)
