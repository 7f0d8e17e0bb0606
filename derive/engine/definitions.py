"""Entropy, cross-entropy and KL divergence as SymPy nodes that unfold to their definitions.

A node keeps the notation (H(p), D_KL(p || q)) for printing; `unfold` gives the defining
sum (discrete: the index is an integer symbol) or integral (densities: a real variable).
Natural log throughout (nats); the bits version divides by log 2.
"""

from __future__ import annotations

import sympy as sp


def _name(p: sp.Expr) -> str:
    if isinstance(p, sp.Indexed):
        return str(p.base)
    if isinstance(p, sp.core.function.AppliedUndef):
        return p.func.__name__
    return str(p)


def total(expr: sp.Expr, limits: sp.Tuple) -> sp.Expr:
    """Sum over an integer index, integral over a real variable."""
    v = limits[0]
    return sp.Sum(expr, tuple(limits)) if v.is_integer else sp.Integral(expr, tuple(limits))


class InformationQuantity(sp.Expr):
    """Base of the three nodes: args are the distributions and then the limits."""

    is_real = True
    symbol = ""

    @property
    def limits(self) -> sp.Tuple:
        return self.args[-1]

    @property
    def distributions(self) -> tuple[sp.Expr, ...]:
        return self.args[:-1]

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        names = [_name(p) for p in self.distributions]
        return f"{self.symbol}({' || '.join(names) if self.symbol == 'D_KL' else ', '.join(names)})"

    def _latex(self, printer: sp.printing.latex.LatexPrinter) -> str:
        names = [_name(p) for p in self.distributions]
        if self.symbol == "D_KL":
            return rf"D_{{\mathrm{{KL}}}}\left({names[0]}\,\|\,{names[1]}\right)"
        return rf"H\left({', '.join(names)}\right)"


class Entropy(InformationQuantity):
    """H(p) = -sum_i p_i log p_i (or -integral p log p).

    >>> i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
    >>> Entropy(sp.IndexedBase("p")[i], (i, 1, n)).unfold()
    -Sum(log(p[i])*p[i], (i, 1, n))
    """

    symbol = "H"

    def __new__(cls, p: sp.Expr, limits: tuple) -> Entropy:
        return sp.Expr.__new__(cls, p, sp.Tuple(*limits))

    def unfold(self) -> sp.Expr:
        (p,) = self.distributions
        return -total(p * sp.log(p), self.limits)


class CrossEntropy(InformationQuantity):
    """H(p, q) = -sum_i p_i log q_i (or -integral p log q)."""

    symbol = "H"

    def __new__(cls, p: sp.Expr, q: sp.Expr, limits: tuple) -> CrossEntropy:
        return sp.Expr.__new__(cls, p, q, sp.Tuple(*limits))

    def unfold(self) -> sp.Expr:
        p, q = self.distributions
        return -total(p * sp.log(q), self.limits)


class KL(InformationQuantity):
    """D_KL(p || q) = sum_i p_i log(p_i / q_i) (or the integral for densities)."""

    symbol = "D_KL"

    def __new__(cls, p: sp.Expr, q: sp.Expr, limits: tuple) -> KL:
        return sp.Expr.__new__(cls, p, q, sp.Tuple(*limits))

    def unfold(self) -> sp.Expr:
        p, q = self.distributions
        return total(p * sp.log(p / q), self.limits)


def unfold(expr: sp.Basic) -> sp.Basic:
    """Replace every definitional node by its definition (innermost first)."""
    return expr.replace(lambda e: hasattr(e, "unfold") and isinstance(e, sp.Basic),
                        lambda e: e.unfold())
