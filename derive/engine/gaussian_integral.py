"""Integrals of a polynomial times exp(-a x^2 + b x + c), a > 0: existence and closed form.

The Gaussian integrals of a derivation that writes a normal density out (the entropy
-integral p log p, the KL integral p log(p / q), moments integral p x^k) have this shape once
the logarithms of the densities are expanded. SymPy's `integrate` is slow on them and its
limit-based existence test cannot decide them; here both are read off the exponent.

Lemma (existence): if f(x) = sum_j P_j(x) exp(-a_j x^2 + b_j x + c_j) with polynomials P_j
whose coefficients are finite, a_j > 0 and b_j, c_j finite reals, then f is continuous and
|f(x)| = o(|x|^-n) for every n, so f is absolutely integrable over every interval of the
real line. Every condition is read from SymPy's assumptions (`is_positive`, `is_real`,
`is_finite`): with a = 0 (no Gaussian factor) or a of unknown sign nothing is proved.

Closed form: integral over the real line of x^k exp(-a x^2 + b x + c) dx
= exp(c + b^2 / (4 a)) sqrt(pi / a) E[z^k], z ~ N(b / (2 a), 1 / (2 a)), a > 0.

>>> x = sp.Symbol("x", real=True)
>>> s = sp.Symbol("s", positive=True)
>>> closed_form(sp.Integral(x**2 * sp.exp(-x**2 / (2 * s**2)), (x, -sp.oo, sp.oo)))
sqrt(2)*sqrt(pi)*s**3

Reference: Winkelbauer, "Moments and absolute moments of the normal distribution",
arXiv:1209.4340 (the moments); completing the square for the factor.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from derive.engine.expectation import gaussian_moment

Term = tuple[sp.Poly, sp.Expr, sp.Expr, sp.Expr]  # P(x), a, b, c: P(x) exp(-a x^2 + b x + c)


@lru_cache(maxsize=1024)
def gaussian_terms(f: sp.Expr, x: sp.Symbol) -> tuple[Term, ...] | None:
    """f as a sum of P(x) exp(-a x^2 + b x + c) satisfying the lemma's conditions, or None.

    Logarithms are expanded without force (log(exp(u)) = u needs u real, log(s t) = log s +
    log t needs s, t > 0): a logarithm that does not expand leaves f outside the shape.
    x is the variable of an integral over reals, so it is taken real.
    """
    if not x.is_real:
        real = sp.Dummy(x.name, real=True)
        f, x = f.xreplace({x: real}), real
    try:
        body = sp.expand(sp.expand_log(sp.expand(f)))
    except (TypeError, ValueError, NotImplementedError):
        return None
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(body):
        exponent, rest = sp.S.Zero, []
        for factor in sp.Mul.make_args(term):
            if isinstance(factor, sp.exp) and factor.has(x):
                exponent += factor.args[0]
            else:
                rest.append(factor)
        exponent = sp.expand(exponent)
        groups[exponent] = groups.get(exponent, sp.S.Zero) + sp.Mul(*rest)
    out: list[Term] = []
    for exponent, coeff in groups.items():
        term = _term(coeff, exponent, x)
        if term is None:
            return None
        out.append(term)
    return tuple(out)


def _term(coeff: sp.Expr, exponent: sp.Expr, x: sp.Symbol) -> Term | None:
    """(P, a, b, c) if coeff is a polynomial in x with finite coefficients and the exponent
    -a x^2 + b x + c has a > 0 and b, c finite reals; else None."""
    try:
        p = sp.Poly(coeff, x)
        q = sp.Poly(exponent, x)
    except sp.PolynomialError:
        return None
    if q.degree() != 2 or not all(c.is_finite for c in p.all_coeffs()):
        return None
    a2, b, c = (-q.all_coeffs()[0], *q.all_coeffs()[1:])
    if not (a2.is_positive and b.is_real and b.is_finite and c.is_real and c.is_finite):
        return None
    return p, a2, b, c


def exists(node: sp.Integral) -> bool:
    """Does the lemma prove that this single integral exists (converges absolutely)?"""
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return False
    x, lo, hi = node.limits[0]
    if not all(e.is_extended_real and e.is_number for e in (lo, hi)):
        return False
    return gaussian_terms(node.function, x) is not None


def _over_line(node: sp.Integral) -> sp.Expr | None:
    """The closed form of an integral over the whole real line of the lemma's shape."""
    if len(node.limits) != 1 or len(node.limits[0]) != 3:
        return None
    x, lo, hi = node.limits[0]
    if not ((lo, hi) == (-sp.oo, sp.oo) or (lo, hi) == (sp.oo, -sp.oo)):
        return None
    terms = gaussian_terms(node.function, x)
    if terms is None:
        return None
    total = sp.S.Zero
    for p, a, b, c in terms:
        mean, var = b / (2 * a), 1 / (2 * a)
        moments = sp.Add(*[coeff * gaussian_moment(k, mean, var)
                           for (k,), coeff in p.terms()])
        total += sp.exp(c + b**2 / (4 * a)) * sp.sqrt(sp.pi / a) * moments
    return total if lo == -sp.oo else -total


def closed_form(expr: sp.Basic) -> sp.Basic:
    """expr with every integral over the real line of the lemma's shape in closed form."""

    def shaped(e: sp.Basic) -> bool:
        return isinstance(e, sp.Integral) and _over_line(e) is not None

    return expr.replace(shaped, _over_line)
