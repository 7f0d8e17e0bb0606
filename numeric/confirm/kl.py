"""Monte Carlo confirmations of worksheet part 1 (identities 1a-1d) on the worksheet's p, q.

p = (0.5, 0.5) and q = (0.1, 0.9) on the outcomes (1, -1). Every sample size is computed
before any draw, from a bound on the per-sample sd (Popoviciu: sd <= (max - min) / 2 for a
variable taking finitely many values) and the smallest distance to a wrong answer:

    n = required_n(sd_bound, gap)   so that   (z_{alpha/2} + z_{1e-6}) * sd_bound / sqrt(n) <= gap,

i.e. each listed wrong answer is rejected with probability >= 1 - 1e-6. Worked for 1a:
sd_bound = (log 5 - log(5/9)) / 2 = 1.0986, gap = KL(p||q) - KL(q||p) = 0.14276, so
n >= ((5.847 + 4.753) * 1.0986 / 0.14276)^2 = 6654.7, so 6655. Checks that must *reject* a value
(KL(p||q) != KL(q||p), KL > 0) use z_{alpha} in place of z_{1e-6}, so their chance of a
false failure is also <= alpha = 5e-9. Sizes are then rounded up to a power of two.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from derive.engine.confirmation import Confirmation
from numeric.mc.heavy_tails import bounded_required_n, confirm_bounded
from numeric.mc.information import cross_entropy, entropy, kl_divergence
from numeric.mc.montecarlo import (
    MISS_PROBABILITY,
    confirm,
    confirm_rejects,
    mc_difference,
    mc_mean,
    per_check_alpha,
    required_n,
)

OUTCOMES = (1, -1)
P = (0.5, 0.5)
Q = (0.1, 0.9)
SEED = 20221201  # the worksheet's term; every check derives its own stream from it


def _pow2(n: int) -> int:
    return 1 << max(12, math.ceil(math.log2(n)))


def _sd_bound(values: np.ndarray) -> float:
    return float(values.max() - values.min()) / 2.0


def _draw(dist: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of n i.i.d. outcomes drawn from a discrete distribution."""
    return rng.choice(dist.size, size=n, p=dist)


def _size(sd_bound: float, gaps: list[float], *, miss: float = MISS_PROBABILITY) -> int:
    return required_n(sd_bound, min(abs(g) for g in gaps), miss=miss)


def _annotate(c: Confirmation, wrong: dict[str, float], n_required: int) -> Confirmation:
    """Add the wrong answers the check was sized against and the total n that sizing asks."""
    figures = {**c.figures, "n_required": int(n_required),
               "wrong_answers": {k: float(v) for k, v in wrong.items()},
               "outcomes": list(OUTCOMES)}
    return Confirmation(c.name, c.passed, figures, c.summary)


def _log_ratio_check(name: str, a: tuple, b: tuple, *, seed: int,
                     wrong: dict[str, float]) -> Confirmation:
    """MC of KL(a||b) = E_{x~a}[log a(x)/b(x)] against kl_divergence(a, b)."""
    pa, pb = np.asarray(a), np.asarray(b)
    values = np.log(pa) - np.log(pb)
    exact = kl_divergence(a, b)
    n_req = _size(_sd_bound(values), [w - exact for w in wrong.values()])
    rng = np.random.default_rng(seed)
    result = mc_mean(values[_draw(pa, _pow2(n_req), rng)], seed=seed, exact=exact)
    return _annotate(confirm(name, result), wrong, n_req)


def confirm_1a(*, seed: int = SEED) -> list[Confirmation]:
    """1a: MC estimates of KL(p||q) and KL(q||p) match the exact values, which differ.

    Wrong answers each estimate must reject: the other direction (symmetry), the value in
    bits, and the sign-flipped H(p) - H(p,q). The asymmetry check rejects KL(p||q) - KL(q||p)
    = 0 from the difference of two independent estimates; a finite-n Bernstein bound
    confirms KL(p||q) without the normal approximation.
    """
    kl_pq, kl_qp = kl_divergence(P, Q), kl_divergence(Q, P)
    out = [
        _log_ratio_check("1a: MC KL(p||q) = exact", P, Q, seed=seed, wrong={
            "KL(q||p) (symmetry)": kl_qp, "KL(p||q) in bits": kl_divergence(P, Q, base=2),
            "H(p) - H(p,q)": entropy(P) - cross_entropy(P, Q)}),
        _log_ratio_check("1a: MC KL(q||p) = exact", Q, P, seed=seed + 1, wrong={
            "KL(p||q) (symmetry)": kl_pq, "KL(q||p) in bits": kl_divergence(Q, P, base=2),
            "H(q) - H(q,p)": entropy(Q) - cross_entropy(Q, P)}),
    ]
    # Asymmetry: the difference of independent estimates must reject 0.
    p, q = np.asarray(P), np.asarray(Q)
    v_pq, v_qp = np.log(p / q), np.log(q / p)
    sd = math.hypot(_sd_bound(v_pq), _sd_bound(v_qp))
    n_req = _size(sd, [kl_pq - kl_qp], miss=per_check_alpha())
    n = _pow2(n_req)
    rng = np.random.default_rng(seed + 2)
    a = mc_mean(v_pq[_draw(p, n, rng)], seed=seed + 2, exact=kl_pq)
    b = mc_mean(v_qp[_draw(q, n, rng)], seed=seed + 2, exact=kl_qp)
    diff = mc_difference(a, b, exact=kl_pq - kl_qp)
    out.append(_annotate(confirm_rejects("1a: KL(p||q) - KL(q||p) != 0", diff, null=0.0),
                         {"0 (a symmetric divergence)": 0.0}, 2 * n_req))  # two arms
    # Finite-n bound (no CLT): the log-ratio is bounded, so Bernstein/Hoeffding applies.
    lo, hi = float(v_pq.min()), float(v_pq.max())
    n_req = bounded_required_n(lo, hi, kl_pq - kl_qp)
    rng = np.random.default_rng(seed + 3)
    n = _pow2(n_req)
    c = confirm_bounded("1a: KL(p||q) = exact (Bernstein bound, no CLT)",
                        v_pq[_draw(p, n, rng)], lower=lo, upper=hi, seed=seed + 3,
                        exact=kl_pq)
    out.append(_annotate(c, {"KL(q||p) (symmetry)": kl_qp}, n_req))
    return out


def _decomposition_check(name: str, a: tuple, b: tuple, *, seed: int,
                         wrong: dict[str, float]) -> Confirmation:
    """H(a,b) - H(a) from two independent MC estimates against kl_divergence(a, b)."""
    pa, pb = np.asarray(a), np.asarray(b)
    surprise_b, surprise_a = -np.log(pb), -np.log(pa)
    exact = kl_divergence(a, b)
    sd = math.hypot(_sd_bound(surprise_b), _sd_bound(surprise_a))
    n_req = _size(sd, [w - exact for w in wrong.values()])
    n = _pow2(n_req)
    rng = np.random.default_rng(seed)
    h_ab = mc_mean(surprise_b[_draw(pa, n, rng)], seed=seed, exact=cross_entropy(a, b))
    h_a = mc_mean(surprise_a[_draw(pa, n, rng)], seed=seed, exact=entropy(a))
    return _annotate(confirm(name, mc_difference(h_ab, h_a, exact=exact)), wrong, 2 * n_req)


def confirm_1b(*, seed: int = SEED + 10) -> list[Confirmation]:
    """1b: MC of H(p,q) - H(p) (two independent estimates) equals KL(p||q); same for (q, p).

    Wrong decompositions rejected: H(p) - H(p,q), H(p,q) + H(p), the swapped KL(q||p).
    """
    kl_pq, kl_qp = kl_divergence(P, Q), kl_divergence(Q, P)
    return [
        _decomposition_check("1b: MC H(p,q) - H(p) = KL(p||q)", P, Q, seed=seed, wrong={
            "H(p) - H(p,q)": -kl_pq, "H(p,q) + H(p)": cross_entropy(P, Q) + entropy(P),
            "KL(q||p)": kl_qp}),
        _decomposition_check("1b: MC H(q,p) - H(q) = KL(q||p)", Q, P, seed=seed + 1, wrong={
            "H(q) - H(q,p)": -kl_qp, "H(q,p) + H(q)": cross_entropy(Q, P) + entropy(Q),
            "KL(p||q)": kl_pq}),
    ]


def _dirichlet_pairs(rng: np.random.Generator, count: int) -> list[tuple[np.ndarray, ...]]:
    """Random pairs of sizes 2-10; a third of the p's have zeros (outside q's support is
    excluded: q stays strictly positive so the Jensen chain is finite)."""
    pairs = []
    for i in range(count):
        k = int(rng.integers(2, 11))
        p = rng.dirichlet(np.full(k, 0.5))
        if i % 3 == 0 and k > 2:
            p[rng.choice(k, size=int(rng.integers(1, k)), replace=False)] = 0.0
            if p.sum() == 0.0:
                p[0] = 1.0
            p = p / p.sum()
        q = rng.dirichlet(np.full(k, 0.5))
        q = np.maximum(q, 1e-300)
        pairs.append((p, q / q.sum()))
    return pairs


def _neg_kl_definition(a: np.ndarray, b: np.ndarray) -> float:
    """-KL(a||b) = sum_{a>0} a log(b/a), straight from the definition (no clipping)."""
    s = a > 0
    return float((a[s] * np.log(b[s] / a[s])).sum())


def jensen_chain_sweep(*, seed: int, count: int = 3000,
                       neg_kl: Callable[[np.ndarray, np.ndarray], float] = _neg_kl_definition
                       ) -> Confirmation:
    """Check sum p log(q/p) <= log sum_{p>0} q <= 0 on `count` random Dirichlet pairs.

    Not Monte Carlo: every instance is checked in floating point, tolerance 1e-12. `neg_kl`
    is the formula under test (tests pass wrong ones and see the check fail).
    """
    pairs = _dirichlet_pairs(np.random.default_rng(seed), count)
    with_zeros = sum(int(np.any(a == 0)) for a, _ in pairs)
    gaps_jensen, gaps_support = [], []
    for a, b in pairs:
        mid = math.log(float(b[a > 0].sum()))
        gaps_jensen.append(mid - neg_kl(a, b))
        gaps_support.append(-mid)
    worst = min(min(gaps_jensen), min(gaps_support))
    figures = {"n": len(pairs), "seed": seed, "sizes": "2-10", "with_zeros_in_p": with_zeros,
               "min_jensen_gap": float(min(gaps_jensen)),
               "min_support_gap": float(min(gaps_support)), "tolerance": 1e-12,
               "kind": "exhaustive check of random instances (no MC)"}
    return Confirmation(f"1c: -KL <= log sum_{{p>0}} q <= 0 on {len(pairs)} Dirichlet pairs",
                        bool(worst >= -1e-12), figures,
                        f"smallest gap {worst:.3g} over {len(pairs)} pairs (>= -1e-12)")


def two_point_zero_sweep(*, points: int = 1001,
                         kl: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
                         ) -> Confirmation:
    """KL((t, 1-t) || p) on a grid of t: zero only at t = 1/2 and > 0 elsewhere (no MC).

    `kl(qs, p)` maps an (m, 2) array of distributions to m divergences; the default is the
    definition with 0 log 0 = 0. Tests pass wrong formulas and see the check fail.
    """
    p = np.asarray(P)
    t = np.linspace(0.0, 1.0, points)
    qs = np.stack([t, 1.0 - t], axis=1)
    if kl is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            kls = np.where(qs > 0, qs * np.log(qs / p), 0.0).sum(axis=1)
    else:
        kls = np.asarray(kl(qs, p), dtype=float)
    zero_at = t[kls == 0.0]
    others = kls[t != 0.5]
    passed = zero_at.tolist() == [0.5] and bool(np.all(others > 0))
    figures = {"n": int(t.size), "zeros_at": zero_at.tolist(),
               "min_kl_away_from_half": float(others.min()),
               "kind": "exhaustive check of a grid (no MC)"}
    return Confirmation(f"1d: KL((t,1-t)||p) = 0 only at t = 1/2 (grid of {t.size})", passed,
                        figures, f"zeros at t = {zero_at.tolist()}, elsewhere >= "
                                 f"{others.min():.3g}")


def confirm_1c(*, seed: int = SEED + 20) -> list[Confirmation]:
    """1c: KL >= 0 through Jensen, checked numerically.

    (i) E_p[q/p] = sum_{p>0} q = 1 by MC (the step log E_p[q/p] = log 1 = 0);
    (ii) E_p[log q/p] = -KL(p||q) by MC, and it rejects 0: Jensen's gap is strict here;
    (iii) on 3000 random Dirichlet pairs (zeros in p included) the definitional sums satisfy
    sum p log(q/p) <= log sum_{p>0} q <= 0 (float tolerance 1e-12);
    (iv) MC of KL for one random pair against kl_divergence.
    """
    p, q = np.asarray(P), np.asarray(Q)
    out = []
    ratio = q / p
    wrong = {"E_p[p/q] (ratio inverted)": float((p * p / q).sum()), "0": 0.0}
    n_req = _size(_sd_bound(ratio), [w - 1.0 for w in wrong.values()])
    rng = np.random.default_rng(seed)
    r = mc_mean(ratio[_draw(p, _pow2(n_req), rng)], seed=seed, exact=float(q[p > 0].sum()))
    out.append(_annotate(confirm("1c: MC E_p[q/p] = sum_{p>0} q = 1", r), wrong, n_req))

    log_ratio = np.log(q / p)
    kl = kl_divergence(P, Q)
    n_req = _size(_sd_bound(log_ratio), [kl], miss=per_check_alpha())
    rng = np.random.default_rng(seed + 1)
    r = mc_mean(log_ratio[_draw(p, _pow2(n_req), rng)], seed=seed + 1, exact=-kl)
    z_test = confirm("1c: MC E_p[log q/p] = -KL(p||q)", r)
    out.append(_annotate(z_test, {"0 (Jensen with equality)": 0.0}, n_req))
    out.append(_annotate(confirm_rejects("1c: E_p[log q/p] < log E_p[q/p] = 0", r, null=0.0),
                         {"0 (Jensen with equality)": 0.0}, n_req))

    out.append(jensen_chain_sweep(seed=seed + 2))

    rng = np.random.default_rng(seed + 3)
    a = rng.dirichlet(np.ones(5))
    b = rng.dirichlet(np.ones(5))
    values = np.log(a) - np.log(b)
    exact = kl_divergence(a, b)
    wrong = {"-KL (sign)": -exact, "KL in bits": kl_divergence(a, b, base=2)}
    n_req = _size(_sd_bound(values), [w - exact for w in wrong.values()])
    r = mc_mean(values[_draw(a, _pow2(n_req), rng)], seed=seed + 3, exact=exact)
    c = _annotate(confirm("1c: MC KL(a||b) = exact for a random 5-outcome pair", r), wrong, n_req)
    c.figures["a"], c.figures["b"] = a.tolist(), b.tolist()
    out.append(c)
    return out


def confirm_1d(*, seed: int = SEED + 30) -> list[Confirmation]:
    """1d: D_KL(q||p) = 0 exactly when q = p.

    (i) KL(q||q) = H(q,q) - H(q) = 0 from two independent MC estimates, at the worksheet's
    non-uniform q = (0.1, 0.9). Not at p = (0.5, 0.5), and not as E[log q/q]: under the
    uniform p every function of p(x) is constant, and log q(x) - log q(x) is 0 at every
    draw, so either estimate would have se 0 and could not fail. That KL(p||p) = 0 exactly
    (each term is p log 1) is the symbolic derivation's job, not a Monte Carlo check.
    (ii) the worksheet's q and a nearby q = (0.45, 0.55): MC of KL(q||p) rejects 0;
    (iii) on the two-point family q = (t, 1 - t), t on a grid of 1001 points, the
    definitional KL(q||p) is 0 only at t = 1/2 and > 0 elsewhere (unique minimum).
    """
    p = np.asarray(P)
    out = [_decomposition_check("1d: MC H(q,q) - H(q) = KL(q||q) = 0", Q, Q, seed=seed, wrong={
        "H(q) (cross-entropy taken for the KL)": entropy(Q),
        "KL(q||p) (the other argument)": kl_divergence(Q, P)})]
    for k, q_t in enumerate(((0.1, 0.9), (0.45, 0.55))):
        q = np.asarray(q_t)
        values = np.log(q) - np.log(p)
        exact = kl_divergence(q, p)
        n_req = _size(_sd_bound(values), [exact], miss=per_check_alpha())
        rng = np.random.default_rng(seed + 1 + k)
        r = mc_mean(values[_draw(q, _pow2(n_req), rng)], seed=seed + 1 + k, exact=exact)
        c = confirm_rejects(f"1d: KL(q||p) > 0 for q = {q_t}", r, null=0.0)
        out.append(_annotate(c, {"0 (q = p)": 0.0}, n_req))

    out.append(two_point_zero_sweep())
    return out
