"""The wrong base of log: nats, bits and base 10 mixed up.

log_b x = log x / log b; information in bits is information in nats divided by log 2.
"""

from __future__ import annotations

import sympy as sp

from derive.identities.kl import DISCRETE, LIM, P_WS, Q_WS, i, kl_pair, p
from derive.identities.soundness.core import QUICK, Claim, claim, false, true
from derive.identities.soundness.symbols import h_


def _eq(lhs: sp.Expr, rhs: sp.Expr, a: object = None) -> object:
    return lambda: claim("base", lhs, "=", rhs, "change of base (claimed)", a, QUICK)


def claims() -> list[Claim]:
    """Bases confused, then changes of base done right."""
    x, a, b = sp.symbols("x a b", positive=True)
    ws = kl_pair(P_WS, Q_WS)
    bits_entropy = -sp.Sum(p[i] * sp.log(p[i], 2), LIM)
    return [
        false("F-base-log2-as-log10", "base", "algebra", "log_2 x = log x / log 10",
              _eq(sp.log(x, 2), sp.log(x) / sp.log(10))),
        false("F-base-log10-times", "base", "algebra", "log_10 x = log x * log 10",
              _eq(sp.log(x, 10), sp.log(x) * sp.log(10))),
        false("F-base-log2-eight", "base", "algebra", "log_2 8 = 3 log 2 (it is 3)",
              _eq(sp.log(8, 2), 3 * sp.log(2))),
        false("F-base-mixed", "base", "algebra", "log_2(a b) = log_2 a + log b",
              _eq(sp.log(a * b, 2), sp.log(a, 2) + sp.log(b))),
        false("F-base-flipped", "base", "algebra", "log_3 x = log 3 / log x",
              _eq(sp.log(x, 3), sp.log(3) / sp.log(x))),
        false("F-base-log4-double", "base", "algebra", "log_4 x = 2 log_2 x (it is half)",
              _eq(sp.log(x, 4), 2 * sp.log(x, 2))),
        false("F-base-kl-bits-as-log10", "base", "1a",
              "the worksheet's D(p||q) in bits = log_10(5/3)",
              _eq(ws / sp.log(2), sp.log(sp.Rational(5, 3), 10))),
        false("F-base-entropy-base10-times", "base", "1b",
              "H_10(p) = H(p) log 10 (the base-10 entropy divides)",
              _eq(-sp.Sum(p[i] * sp.log(p[i], 10), LIM), h_(p[i]) * sp.log(10), DISCRETE)),
        true("T-base-half", "base", "algebra", "log_{1/2} x = -log_2 x",
             _eq(sp.log(x, sp.Rational(1, 2)), -sp.log(x, 2))),
        true("T-base-log4-half", "base", "algebra", "log_4 x = log_2(x) / 2",
             _eq(sp.log(x, 4), sp.log(x, 2) / 2)),
        true("T-base-log8-cube", "base", "algebra", "log_2 x = log_8(x^3)",
             _eq(sp.log(x, 2), sp.log(x**3, 8))),
        true("T-base-bits-log2e", "base", "1b", "H_2(p) = H(p) log_2 e",
             _eq(bits_entropy, h_(p[i]) * sp.log(sp.E, 2), DISCRETE)),
        true("T-base-power-of-two", "base", "algebra", "2^(log_2 x) = x",
             _eq(2 ** sp.log(x, 2), x)),
        true("T-base-kl-bits-difference", "base", "1a",
             "the worksheet's D(p||q) in bits = log_2 10 - log_2 6",
             _eq(ws / sp.log(2), sp.log(10, 2) - sp.log(6, 2))),
    ]
