"""Worksheet part 1: every derivation proved; figures against scipy.stats.entropy."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy.special import rel_entr
from scipy.stats import entropy

from derive import Assumptions, Derivation, Distribution, Step, Verdict, lookup
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.identities import kl as part1


@pytest.mark.parametrize("key", ["1a", "1b", "1c", "1d"])
def test_every_part1_derivation_is_proved(key):
    for d in lookup(key).derivations():
        result = d.check()
        assert result.verdict is Verdict.PROVED, (d.title, result.as_dict())


def test_1a_values_match_scipy():
    p, q = [0.5, 0.5], [0.1, 0.9]
    assert float(part1.kl_pair(part1.P_WS, part1.Q_WS)) == pytest.approx(entropy(p, q), 1e-14)
    assert float(part1.kl_pair(part1.Q_WS, part1.P_WS)) == pytest.approx(entropy(q, p), 1e-14)
    assert math.log(5 / 3) == pytest.approx(entropy(p, q), 1e-14)
    assert math.log2(5 / 3) == pytest.approx(entropy(p, q, base=2), 1e-14)


def test_1a_triangle_counterexample_is_real():
    r = [float(v) for v in part1.triangle_counterexample()]
    p, q = [0.5, 0.5], [0.1, 0.9]
    assert entropy(p, q) > entropy(p, r) + entropy(r, q)


def test_1b_wrong_sign_is_refuted():
    i, n, p, q = part1.i, part1.n, part1.p, part1.q
    lim = (i, 1, n)
    swapped = Entropy(p[i], lim) - CrossEntropy(p[i], q[i], lim)
    wrong = Derivation("KL = H(p) - H(p, q)",
                       sp.Eq(KL(p[i], q[i], lim), swapped, evaluate=False),
                       KL(p[i], q[i], lim),
                       [Step("=", swapped, "wrong")],
                       part1.DISCRETE)
    result = wrong.check()
    assert result.verdict is Verdict.REFUTED
    assert result.steps[0].outcome.counterexample


def test_1c_without_the_support_condition_is_not_proved():
    # q may vanish where p > 0: the Jensen chain breaks (log 0) and must not be proved.
    q0 = sp.IndexedBase("q", nonnegative=True)
    a = Assumptions(distributions=(Distribution(part1.p, part1.i, part1.n),
                                   Distribution(q0, part1.i, part1.n, positive=False)))
    for d in part1.kl_nonnegative(a, q0):
        assert d.check().verdict is not Verdict.PROVED, d.title


def test_1c_with_q_not_normalised_is_refuted():
    """If sum q may exceed 1, "KL >= 0" is false: each chain's last step is refuted, at a
    point where scipy's relative entropy (no normalisation) confirms KL(p || q) < 0."""
    q2 = sp.IndexedBase("q", positive=True)
    a = Assumptions(distributions=(Distribution(part1.p, part1.i, part1.n),))
    for d in part1.kl_nonnegative(a, q2):
        result = d.check()
        assert result.verdict is Verdict.REFUTED, d.title
        last = result.steps[-1]
        assert last.verdict is Verdict.REFUTED, d.title
        point = last.outcome.counterexample
        size = int(point["n"])
        p = np.array([float(point[f"p[{k}]"]) for k in range(1, size + 1)])
        q = np.array([float(point[f"q[{k}]"]) for k in range(1, size + 1)])
        assert p.sum() == pytest.approx(1.0, abs=1e-7) and q.sum() > 1
        assert rel_entr(p, q).sum() < 0


def test_1d_ratio_not_one_without_normalisation():
    # Drop q's normalisation: c = 1 no longer follows.
    c = sp.Symbol("c", positive=True)
    k = sp.Wild("k")
    from derive import Rule

    i, n, p, q = part1.i, part1.n, part1.p, part1.q
    a = Assumptions(distributions=(Distribution(p, i, n),),
                    rules=(Rule(q[k], c * p[k]),))
    d = Derivation("c = 1", sp.Eq(c, 1, evaluate=False), c,
                   [Step("=", c * sp.Sum(p[i], (i, 1, n)), "sum p = 1"),
                    Step("=", sp.Sum(q[i], (i, 1, n)), "q = c p"),
                    Step("=", 1, "sum q = 1 (not declared)")], a)
    assert d.check().verdict is not Verdict.PROVED


def test_1d_solveset_fact():
    (fact,) = part1.two_point_solution()
    assert fact.passed
