"""Class 9, time limits: running out of time never proves and never refutes.

Claims checked with tiny limits (1 ms to 0.5 s): a false one is never proved, a true one never
refuted, whatever the limit and the machine's speed. (A huge expression past MAX_OPS is
tests/test_soundness.py's: in the catalogue it cost 40 s, because today the limit does not
hold inside lambdify.)
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation
from derive.engine.lemmas import jensen, log_le_sub_one
from derive.identities.kl import DISCRETE, LIM, i, p, q
from derive.identities.soundness.core import Claim, claim, false, true
from derive.identities.soundness.symbols import WEIGHTS, kl_, t, u, w, xs

X, Y, Z = sp.symbols("x y z", positive=True)
RATIONAL = sum(1 / (X + k * Y + Z**k) for k in range(1, 5))
HARD = sp.sin(X + Y + Z) ** 7 * sp.tan(X - Y) ** 3 - sp.cos(2 * X + Z) ** 5 * sp.sin(Y) ** 4
ONE = sp.sin(X) ** 2 + sp.cos(X) ** 2  # = 1, but only simplify sees it inside HARD * ONE


def _rational(seconds: float, offset: sp.Expr) -> object:
    return lambda: claim("rational", RATIONAL, "=", sp.together(RATIONAL) + offset,
                         "(claimed)", seconds=seconds)


def _gibbs_chain(seconds: float) -> Derivation:
    from derive.identities.kl import kl_nonnegative

    return dataclasses.replace(kl_nonnegative()[0], seconds=seconds)


def claims() -> list[Claim]:
    """False claims under tiny limits, then true ones."""
    u_ = sp.Symbol("u", real=True)
    polylog = sp.polylog(2, u_) + sp.polylog(2, 1 - u_)
    euler = sp.pi**2 / 6 - sp.log(u_) * sp.log(1 - u_)
    unit = Assumptions(intervals=((u_, sp.Interval.open(0, 1)),))
    return [
        false("F-time-rational-1ms", "time", "engine",
              "a sum of four fractions = its together() + 1e-6, with 1 ms",
              _rational(0.001, sp.Rational(1, 10**6))),
        false("F-time-rational-10ms", "time", "engine", "the same with 10 ms",
              _rational(0.01, sp.Rational(1, 10**6))),
        false("F-time-rational-100ms", "time", "engine", "the same with 0.1 s",
              _rational(0.1, sp.Rational(1, 10**6))),
        false("F-time-hard-trig", "time", "engine",
              "HARD (sin^2 + cos^2) >= HARD + 1/1000 (trigonometry simplify cannot finish in "
              "0.5 s)",
              lambda: claim("hard", HARD * ONE, ">=", HARD + sp.Rational(1, 1000), "(claimed)",
                            seconds=0.5)),
        false("F-time-jensen-convex-tiny", "time", "1c",
              "Jensen for the convex exp, with 10 ms",
              lambda: claim("jensen exp", sp.Sum(w[i] * sp.exp(xs[i]), LIM), "<=",
                            sp.exp(sp.Sum(w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.exp(u)), w[i], xs[i], LIM), WEIGHTS, 0.01)),
        false("F-time-kl-symmetric-tiny", "time", "1a", "D(p||q) = D(q||p), with 5 ms",
              lambda: claim("symmetry", kl_(p[i], q[i]), "=", kl_(q[i], p[i]), "symmetry",
                            DISCRETE, 0.005)),
        false("F-time-lemma-reversed-tiny", "time", "algebra",
              "log t >= t - 1 by the lemma log t <= t - 1, with 1 ms",
              lambda: claim("reversed", sp.log(t), ">=", t - 1, log_le_sub_one(1, t),
                            seconds=0.001)),
        true("T-time-rational-tiny", "time", "engine",
             "a sum of four fractions = its together(), with 50 ms",
             _rational(0.05, sp.S.Zero)),
        true("T-time-polylog-tiny", "time", "engine",
             "Euler's reflection Li2(u) + Li2(1 - u) = pi^2/6 - log u log(1 - u), with 50 ms",
             lambda: claim("reflection", polylog, "=", euler, "Euler", unit, 0.05)),
        true("T-time-log-le-sub-one-tiny", "time", "algebra",
             "log t <= t - 1 by the lemma, with 1 ms",
             lambda: claim("lemma", sp.log(t), "<=", t - 1, log_le_sub_one(1, t),
                           seconds=0.001)),
        true("T-time-hard-trig-equal", "time", "engine", "HARD (sin^2 + cos^2) = HARD, 0.5 s",
             lambda: claim("hard", HARD * ONE, "=", HARD, "sin^2 + cos^2 = 1", seconds=0.5)),
        true("T-time-gibbs-chain-tiny", "time", "1c", "the 1c Jensen chain, with 10 ms",
             lambda: _gibbs_chain(0.01)),
    ]
