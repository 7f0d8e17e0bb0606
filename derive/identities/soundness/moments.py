"""E[f(x)] taken as f(E[x]), and other Gaussian moment errors.

Moments of N(m, v): E z = m, E z^2 = m^2 + v, E z^3 = m^3 + 3 m v, E (z - m)^4 = 3 v^2,
E exp(z) = exp(m + v/2).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.expectation import DiagNormal, Expectation, Normal
from derive.engine.gaussian import log_density
from derive.identities.soundness.core import QUICK, Claim, claim, false, true

Z = sp.Symbol("z", real=True)
M, C = sp.Symbol("m", real=True), sp.Symbol("c", real=True)
V = sp.Symbol("v", positive=True)
LAW = Normal(M, V)


def _eq(f: sp.Expr, value: sp.Expr, law: Normal = LAW, z: object = Z) -> object:
    return lambda: claim("moment", Expectation(f, z, law), "=", value, "moments (claimed)",
                         seconds=QUICK)


def claims() -> list[Claim]:
    """Moments taken wrongly, then rightly."""
    a, b = sp.Symbol("a", real=True), sp.Symbol("b", real=True)
    m1, m2 = sp.symbols("m1 m2", real=True)
    v1, v2 = sp.symbols("v1 v2", positive=True)
    z1, z2 = sp.symbols("z1 z2", real=True)
    return [
        false("F-moment-exp-of-mean", "moment", "2b",
              "E_{N(0,1)} exp(z) = exp(E z) = 1 (it is exp(1/2))",
              _eq(sp.exp(Z), 1, Normal(0, 1))),
        false("F-moment-variance-sign", "moment", "2b", "E z^2 = m^2 - v",
              _eq(Z**2, M**2 - V)),
        false("F-moment-third-factor", "moment", "2b", "E z^3 = m^3 + m v (the 3 lost)",
              _eq(Z**3, M**3 + M * V)),
        false("F-moment-fourth-factor", "moment", "2b", "E (z - m)^4 = v^2 (the 3 lost)",
              _eq((Z - M) ** 4, V**2)),
        false("F-moment-log-density-at-mean", "moment", "2b",
              "E log N(z; 0, 1) = log N(m; 0, 1) (Jensen ignored: the -v/2 lost)",
              _eq(log_density(Z, 0, 1), log_density(M, 0, 1))),
        false("F-moment-abs-mean", "moment", "2b", "E_{N(0,1)}|z| = |E z| = 0",
              _eq(sp.Abs(Z), 0, Normal(0, 1))),
        false("F-moment-affine-variance", "moment", "2b",
              "Var(a z + b) = a v (it is a^2 v)", _eq((a * Z + b - a * M - b) ** 2, a * V)),
        false("F-moment-cross-term", "dropped", "2b",
              "E (z + c)^2 = m^2 + v + c^2 (the 2 c m term dropped)",
              _eq((Z + C) ** 2, M**2 + V + C**2)),
        false("F-moment-product-same-variable", "moment", "2b",
              "E[z z] = E z E z = m^2 (z is not independent of itself)", _eq(Z * Z, M**2)),
        true("T-moment-affine-variance", "moment", "2b", "Var(a z + b) = a^2 v",
             _eq((a * Z + b - a * M - b) ** 2, a**2 * V)),
        true("T-moment-independent-product", "moment", "2b",
             "E_{N(m1, v1) x N(m2, v2)}[z1 z2] = m1 m2 (independent coordinates)",
             _eq(z1 * z2, m1 * m2, DiagNormal((m1, m2), (v1, v2)), (z1, z2))),
        true("T-moment-third", "moment", "2b", "E z^3 = m^3 + 3 m v", _eq(Z**3, M**3 + 3 * M * V)),
        true("T-moment-centred-cube", "moment", "2b", "E (z - m)^3 = 0", _eq((Z - M) ** 3, 0)),
        true("T-moment-log-density", "moment", "2b",
             "E log N(z; 0, 1) = -(log(2 pi) + m^2 + v)/2",
             _eq(log_density(Z, 0, 1), -(sp.log(2 * sp.pi) + M**2 + V) / 2)),
    ]
