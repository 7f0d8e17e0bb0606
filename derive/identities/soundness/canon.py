"""False neighbours of the canon and of its lemmas: none may be proved.

Wrong orientations, convex for concave, a missing positivity condition, the swapped KL, a
dropped term: one family of the soundness catalogue (`derive soundness` runs them).
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Normal
from derive.engine.inequalities import (
    integrable,
    jensen_expectation,
    log_inverse_ge_one_minus,
    log_sum,
    scale,
)
from derive.engine.lemmas import hypothesis
from derive.identities import canon_bounds, canon_finite, canon_gaussian
from derive.identities.soundness.core import QUICK, Claim, claim, latex, with_statement

z = sp.Symbol("z", real=True)
t = sp.Symbol("t")
u, v, c = sp.symbols("u v c", positive=True)
STANDARD = Normal(0, 1)


def _jensen_convex_for_concave() -> Derivation:
    """E[(1 + z^2)^2] <= (E[1 + z^2])^2 'by Jensen': t^2 is convex, the bound goes the other way."""
    use = jensen_expectation(sp.Lambda(t, t**2), 1 + z**2, z, STANDARD)
    return claim("Jensen for a convex f as if concave", use.lhs, "<=", use.rhs, use)


def _jensen_upside_down() -> Derivation:
    """E[log(1 + z^2)] >= log E[1 + z^2]: Jensen read the wrong way round."""
    use = jensen_expectation(sp.Lambda(t, sp.log(t)), 1 + z**2, z, STANDARD)
    notes = Assumptions(notes=(integrable(sp.log(1 + z**2), z, STANDARD),))
    return claim("Jensen on an expectation, wrong orientation", use.lhs, ">=", use.rhs, use,
                 notes)


def _log_sum_reversed() -> Derivation:
    a, b = canon_finite.a, canon_finite.b
    i, lim = canon_finite.i, canon_finite.ILIM
    use = log_sum(a[i], b[i], lim)
    return claim("log-sum inequality reversed", use.rhs, "<=", use.lhs, use)


def _log_sum_without_positivity() -> Derivation:
    a, i, lim = canon_finite.a, canon_finite.i, canon_finite.ILIM
    r = sp.IndexedBase("r", real=True)
    use = log_sum(a[i], r[i], lim)
    return claim("log-sum inequality with b_i of unknown sign", use.lhs, "<=", use.rhs, use)


def _log_inverse_wrong_way() -> Derivation:
    use = log_inverse_ge_one_minus(u)
    return claim("ln(1/x) <= 1 - x", sp.log(1 / u), "<=", 1 - u, use)


def _negative_factor() -> Derivation:
    use = scale(hypothesis(u, "<=", v), -c)
    return claim("u <= v => -c u <= -c v", -c * u, "<=", -c * v, use,
                 Assumptions(facts=(sp.Le(u, v),)))


def _gaussian_kl_swapped() -> Derivation:
    g = canon_gaussian
    kl = g.kl_gaussian()[0].start
    wrong = g.kl_normal_closed_form(g.mu2, g.s2, g.mu1, g.s1)
    return claim("KL(N1 || N2) with the arguments swapped", kl, "=", wrong)


def _vae_kl_without_minus_one() -> Derivation:
    g = canon_gaussian
    start = g.kl_diag_standard()[1].start
    wrong = sp.Sum((g.mu[g.j] ** 2 + g.sigma[g.j] ** 2 - sp.log(g.sigma[g.j] ** 2)) / 2, g.JLIM)
    return claim("the VAE KL term without the -1", start, "=", wrong)


def _dpi_swapped() -> Derivation:
    (d,) = canon_finite.data_processing()
    f = canon_finite
    return with_statement(d, sp.Le(d.start, f.KL(f.b[f.i], f.a[f.i], f.ILIM)))


def _iwae_upward() -> Derivation:
    _, _, bound = canon_bounds.iwae_bound()
    steps = [Step(">=", s.expr, s.by) if s.op == "<=" else s for s in bound.steps]
    return Derivation("L_k >= log p(x)", sp.Ge(bound.start, steps[-1].expr), bound.start,
                      steps, bound.assumptions)


# Steps with no lemma named: the lemma the step's shape fits (derive/engine/fitting.py) must
# not prove their false neighbours.
GIBBS_HEAD = (r"% assume: p_i > 0, \sum_{i \in I} p_i = 1" "\n"
              r"% assume: q_i > 0, \sum_{i \in I} q_i \le 1")
GIBBS_LHS = r"- \sum_{i \in I} p_i \ln \frac{q_i}{p_i} &"
GIBBS_RHS = r"- \sum_{i \in I} p_i \left( \frac{q_i}{p_i} - 1 \right)"
DENSITY_HEAD = r"% assume: p, q densities over x" "\n" r"% assume: P has density p" "\n" \
    r"% assume: Q has density q"
JENSEN_KL = r"-\mathrm{KL}[P||Q] &REL \log \int p(x) \cdot \frac{q(x)}{p(x)} \, \mathrm{d}x"
SHAPES = [
    ("F-canon-shape-gibbs-upward", "c3", "KL <= 1 - sum q with no lemma named (the other way)",
     latex(GIBBS_HEAD, GIBBS_LHS + r"\leq " + GIBBS_RHS, QUICK)),
    ("F-canon-shape-gibbs-strict", "c3", "KL > 1 - sum q with no lemma named (equal at q = p)",
     latex(GIBBS_HEAD, GIBBS_LHS + "> " + GIBBS_RHS, QUICK)),
    ("F-canon-shape-gibbs-minus-two", "c3", "KL >= 2 - sum q: log t <= t - 2, fitted",
     latex(GIBBS_HEAD, GIBBS_LHS + r"\geq " + GIBBS_RHS.replace("- 1", "- 2"), QUICK)),
    ("F-canon-shape-jensen-upward", "c3", "-KL >= log of the integral of q, no lemma named",
     latex(DENSITY_HEAD, JENSEN_KL.replace("REL", r"\geq"), QUICK)),
    ("F-canon-shape-jensen-strict", "c3", "-KL < log of the integral of q (equal at q = p)",
     latex(DENSITY_HEAD, JENSEN_KL.replace("REL", "<"), QUICK)),
]


def false_claims() -> list[Claim]:
    """The canon's false neighbours."""
    rows = [
        ("F-canon-jensen-convex-for-concave", "c3", "Jensen on E for t^2 as if concave",
         _jensen_convex_for_concave),
        ("F-canon-jensen-upside-down", "c3", "E[log g] >= log E[g]", _jensen_upside_down),
        ("F-canon-log-sum-reversed", "c7", "the log-sum inequality the wrong way",
         _log_sum_reversed),
        ("F-canon-log-sum-no-positivity", "c7", "log-sum with b_i > 0 dropped",
         _log_sum_without_positivity),
        ("F-canon-log-inverse", "c3", "ln(1/x) <= 1 - x", _log_inverse_wrong_way),
        ("F-canon-negative-factor", "engine", "a negative factor kept the relation",
         _negative_factor),
        ("F-canon-gauss-kl-swapped", "c1", "closed form with the laws swapped",
         _gaussian_kl_swapped),
        ("F-canon-vae-kl-no-minus-one", "c2", "the VAE KL term without -1",
         _vae_kl_without_minus_one),
        ("F-canon-dpi-swapped", "c7", "D(aK || bK) <= D(b || a): the swapped KL", _dpi_swapped),
        ("F-canon-iwae-upward", "c4", "L_k >= log p(x)", _iwae_upward),
    ]
    return [Claim(key, False, concerns, text, build, KINDS[key])
            for key, concerns, text, build in rows + SHAPES]


KINDS = {  # each claim's class (derive.identities.soundness.core.CLASSES)
    "F-canon-jensen-convex-for-concave": "direction",
    "F-canon-jensen-upside-down": "direction",
    "F-canon-log-sum-reversed": "direction",
    "F-canon-log-sum-no-positivity": "support",
    "F-canon-log-inverse": "direction",
    "F-canon-negative-factor": "sign-factor",
    "F-canon-gauss-kl-swapped": "swapped",
    "F-canon-vae-kl-no-minus-one": "dropped",
    "F-canon-dpi-swapped": "swapped",
    "F-canon-iwae-upward": "direction",
    "F-canon-shape-gibbs-upward": "direction",
    "F-canon-shape-gibbs-strict": "direction",
    "F-canon-shape-gibbs-minus-two": "sign-factor",
    "F-canon-shape-jensen-upward": "direction",
    "F-canon-shape-jensen-strict": "direction",
}


def claims() -> list[Claim]:
    """This family's claims (all false), as the catalogue lists every family."""
    return false_claims()
