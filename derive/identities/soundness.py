"""The soundness catalogue: false variants of the project's identities, and true ones in disguise.

A verifier is worthless if it can be fooled. Each `Claim` is a derivation (often a single
step) with its assumptions: FALSE claims are the project's own identities and steps with a
typical mistake (swapped KL arguments, a sign or a factor lost, a term dropped, Jensen on a
convex function, a bound the wrong way round, a missing support condition, ...); TRUE claims
are the identities written differently (other log bases, bits, rearranged sums, equivalent
Gaussian KL forms). `run_catalogue()` checks every claim with the engine: no false claim may
be PROVED, no true claim REFUTED. A claim may also carry its numeric counterpart (the same
claim fed to numeric.mc.information, numeric.mc.montecarlo or a confirmation): it must reject a
false claim and accept a true one. Those counterparts live in numeric.confirm.soundness, keyed
by claim, joined by `derive.registry` (this catalogue never imports numeric).

>>> report = run_catalogue([c for c in catalogue() if c.key == "F-algebra-log-sum"])
>>> report.counts()["false"]["refuted"], report.ok
(1, True)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from derive.engine.assumptions import Assumptions, Distribution, Rule
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import LemmaUse, gibbs, hypothesis, jensen, log_le_sub_one, log_monotone
from derive.engine.verdict import Verdict
from derive.identities.kl import DISCRETE, LIM, P_WS, Q_WS, SUPPORT, i, kl_pair, n, p, q

REL = {"=": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}
SECONDS = 10.0  # time limit per symbolic attempt, as in the engine


@dataclass(frozen=True)
class Claim:
    """One catalogue entry: a claim, whether it is true, and what it varies."""

    key: str
    true: bool
    concerns: str  # the identity (1a ... 2d) or "algebra" / "engine"
    text: str  # the claim, and for a false one what is wrong with it
    build: Callable[[], Derivation]


@dataclass(frozen=True)
class ClaimResult:
    """The engine's verdict on a claim (None when building or checking it raised)."""

    claim: Claim
    verdict: Verdict | None
    method: str
    counterexample: dict | None
    seconds: float
    error: str = ""

    @property
    def ok(self) -> bool:
        """False claims are never proved; true claims are never refuted; nothing raises."""
        if self.verdict is None:
            return False
        bad = Verdict.PROVED if not self.claim.true else Verdict.REFUTED
        return self.verdict is not bad

    def as_dict(self) -> dict:
        c = self.claim
        return {"key": c.key, "true": c.true, "concerns": c.concerns, "text": c.text,
                "verdict": self.verdict.value if self.verdict else "error", "ok": self.ok,
                "method": self.method, "counterexample": self.counterexample,
                "seconds": round(self.seconds, 3), "error": self.error}


@dataclass(frozen=True)
class SoundnessReport:
    """Every claim's result and the counts `derive soundness` prints."""

    results: tuple[ClaimResult, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for kind, truth in (("false", False), ("true", True)):
            mine = [r for r in self.results if r.claim.true is truth]
            out[kind] = {v.value: sum(r.verdict is v for r in mine) for v in Verdict}
            out[kind]["error"] = sum(r.verdict is None for r in mine)
            out[kind]["total"] = len(mine)
        return out

    @property
    def ok(self) -> bool:
        """No false claim proved, no true claim refuted, no claim that raised."""
        return all(r.ok for r in self.results)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "counts": self.counts(),
                "claims": [r.as_dict() for r in self.results]}


def claim(title: str, lhs: sp.Expr, op: str, rhs: sp.Expr, by: str | LemmaUse = "",
          assumptions: Assumptions | None = None) -> Derivation:
    """A one-step derivation `lhs op rhs` whose statement is that very relation."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    return Derivation(title, REL[op](lhs, rhs, evaluate=False), lhs, [Step(op, rhs, by)],
                      assumptions or Assumptions(), SECONDS)


def with_statement(d: Derivation, statement: sp.Basic) -> Derivation:
    """The same chain claimed to prove another statement."""
    return Derivation(d.title, statement, d.start, d.steps, d.assumptions, d.seconds)


def check_claim(c: Claim, *, seed: int = 0) -> ClaimResult:
    """Build and check one claim; an exception is recorded, never raised."""
    start = time.perf_counter()
    try:
        result = c.build().check(seed=seed)
    except Exception as exc:  # a crash is a failure of the suite, reported with the claim
        return ClaimResult(c, None, "raised", None, time.perf_counter() - start,
                           f"{type(exc).__name__}: {exc}")
    bad = [s for s in result.steps if s.verdict is result.verdict]
    step = bad[0].outcome if bad else result.conclusion
    method = step.method if bad else f"conclusion: {result.conclusion.method}"
    return ClaimResult(c, result.verdict, method, step.counterexample,
                       time.perf_counter() - start)


def run_catalogue(claims: list[Claim] | None = None, *, seed: int = 0,
                  progress: Callable[[ClaimResult], None] | None = None) -> SoundnessReport:
    """Check every claim (default: the whole catalogue) and collect the results."""
    results = []
    for c in catalogue() if claims is None else claims:
        r = check_claim(c, seed=seed)
        if progress is not None:
            progress(r)
        results.append(r)
    return SoundnessReport(tuple(results))


# ================================================================ shared symbols
# The worksheet's symbols, pair and assumptions are part 1's own (one source of truth).
j = sp.Symbol("j", integer=True)
w = sp.IndexedBase("w", positive=True)
xs = sp.IndexedBase("x", positive=True)
t = sp.Symbol("t", positive=True)
u = sp.Symbol("u")
y = sp.Symbol("y", real=True)
a, b = sp.symbols("a b", positive=True)
WEIGHTS = Assumptions(distributions=(Distribution(w, i, n),))
UNIT = Assumptions(intervals=((a, sp.Interval.open(0, 1)), (b, sp.Interval.open(0, 1))))
HALF = sp.Rational(1, 2)


def kl_(r: sp.Expr, s: sp.Expr) -> KL:
    return KL(r, s, LIM)


def ce_(r: sp.Expr, s: sp.Expr) -> CrossEntropy:
    return CrossEntropy(r, s, LIM)


def h_(r: sp.Expr) -> Entropy:
    return Entropy(r, LIM)


def two_point() -> sp.Expr:
    """D(a) = D_KL((a, 1 - a) || (b, 1 - b)), the 1d family."""
    return a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))


# ================================================================ part 1: KL, entropy
def _part1_false() -> list[Claim]:
    ws = kl_pair(P_WS, Q_WS)
    return [
        Claim("F-1a-symmetric", False, "1a", "KL is symmetric: D(p||q) = D(q||p)",
              lambda: claim("symmetry", kl_(p[i], q[i]), "=", kl_(q[i], p[i]), "symmetry",
                            DISCRETE)),
        Claim("F-1a-swapped-value", False, "1a",
              "worksheet D(p||q) equals the value of D(q||p), (9/5) log 3 - log 5",
              lambda: claim("swapped value", ws, "=", sp.Rational(9, 5) * sp.log(3) - sp.log(5),
                            "evaluate")),
        Claim("F-1a-bits-as-nats", False, "1a",
              "worksheet D(p||q) in nats equals log2(5/3) (the bits value)",
              lambda: claim("units", ws, "=", sp.log(sp.Rational(5, 3), 2), "evaluate")),
        Claim("F-1a-triangle", False, "1a",
              "KL obeys the triangle inequality D(p||q) <= D(p||r) + D(r||q), r = (a, 1-a)",
              lambda: claim("triangle", ws, "<=",
                            kl_pair(P_WS, (a, 1 - a)) + kl_pair((a, 1 - a), Q_WS),
                            "triangle inequality (claimed)", UNIT)),
        Claim("F-1b-sign", False, "1b", "sign error: D(p||q) = H(p) - H(p, q)",
              lambda: claim("sign", kl_(p[i], q[i]), "=", h_(p[i]) - ce_(p[i], q[i]),
                            "definitions", DISCRETE)),
        Claim("F-1b-plus", False, "1b", "D(p||q) = H(p, q) + H(p)",
              lambda: claim("plus", kl_(p[i], q[i]), "=", ce_(p[i], q[i]) + h_(p[i]),
                            "definitions", DISCRETE)),
        Claim("F-1b-dropped-entropy", False, "1b", "term dropped: D(p||q) = H(p, q)",
              lambda: claim("dropped", kl_(p[i], q[i]), "=", ce_(p[i], q[i]), "definitions",
                            DISCRETE)),
        Claim("F-1b-log-quotient", False, "1b",
              "log of a quotient taken as a sum: sum p log(p/q) = sum p log p + sum p log q",
              lambda: claim("log quotient", sp.Sum(p[i] * sp.log(p[i] / q[i]), LIM), "=",
                            sp.Sum(p[i] * sp.log(p[i]), LIM) + sp.Sum(p[i] * sp.log(q[i]), LIM),
                            "log(a/b) = log a + log b (claimed)", DISCRETE)),
        Claim("F-1b-wrong-weights", False, "1b",
              "cross-entropy weighted by q: D(p||q) = -sum q log q + sum p log p",
              lambda: claim("weights", kl_(p[i], q[i]), "=", h_(q[i]) - h_(p[i]),
                            "definitions", DISCRETE)),
        Claim("F-1b-entropy-sign", False, "1b", "entropy without its minus: H(p) = sum p log p",
              lambda: claim("entropy sign", h_(p[i]), "=", sp.Sum(p[i] * sp.log(p[i]), LIM),
                            "definition", DISCRETE)),
        Claim("F-1b-bits-times", False, "1b",
              "bits by multiplying: H_2(p) = H(p) log 2 (the bits version divides)",
              lambda: claim("bits", -sp.Sum(p[i] * sp.log(p[i], 2), LIM), "=",
                            h_(p[i]) * sp.log(2), "change of base", DISCRETE)),
        Claim("F-1b-cross-symmetric", False, "1b", "H(p, q) = H(q, p)",
              lambda: claim("cross symmetric", ce_(p[i], q[i]), "=", ce_(q[i], p[i]),
                            "symmetry", DISCRETE)),
        Claim("F-1c-kl-nonpositive", False, "1c", "bound the wrong way: D(p||q) <= 0",
              lambda: claim("wrong way", kl_(p[i], q[i]), "<=", 0, "Jensen (claimed)",
                            DISCRETE)),
        Claim("F-1c-cross-below-entropy", False, "1c",
              "Gibbs the wrong way: H(p, q) <= H(p)",
              lambda: claim("gibbs wrong way", ce_(p[i], q[i]), "<=", h_(p[i]),
                            "Gibbs (claimed)", DISCRETE)),
        Claim("F-1c-jensen-convex", False, "1c",
              "Jensen applied to the convex exp: sum w exp(x) <= exp(sum w x)",
              lambda: claim("jensen exp", sp.Sum(w[i] * sp.exp(xs[i]), LIM), "<=",
                            sp.exp(sp.Sum(w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.exp(u)), w[i], xs[i], LIM), WEIGHTS)),
        Claim("F-1c-jensen-reversed", False, "1c",
              "Jensen the wrong way: sum p log(q/p) >= log sum q (over the support of p)",
              lambda: claim("jensen reversed", sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), ">=",
                            sp.log(sp.Sum(q[i], LIM)),
                            jensen(sp.Lambda(u, sp.log(u)), p[i], q[i] / p[i], LIM), SUPPORT)),
        Claim("F-1c-jensen-unnormalised", False, "1c",
              "Jensen with weights 2 p_i (a normaliser lost): sum 2p log x <= log sum 2p x",
              lambda: claim("jensen weights", sp.Sum(2 * w[i] * sp.log(xs[i]), LIM), "<=",
                            sp.log(sp.Sum(2 * w[i] * xs[i], LIM)),
                            jensen(sp.Lambda(u, sp.log(u)), 2 * w[i], xs[i], LIM), WEIGHTS)),
        Claim("F-1c-log-ge-sub-one", False, "1c",
              "log t >= t - 1 (Gibbs' lemma reversed), summed with weights p",
              lambda: claim("log >= t - 1", sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), ">=",
                            sp.Sum(p[i] * (q[i] / p[i] - 1), LIM),
                            log_le_sub_one(p[i], q[i] / p[i], LIM), DISCRETE)),
        Claim("F-1c-support", False, "1c",
              "missing support condition: over the support of p, sum q = 1 so log sum q = 0",
              lambda: claim("support", sp.log(sp.Sum(q[i], LIM)), "=", 0,
                            "sum_i q_i = 1 (claimed)", SUPPORT)),
        Claim("F-1c-support-finite", False, "1c",
              "q = 0 where p > 0: D((1/2, 1/2) || (1, 0)) = (1/2) log(1/2) (finite; the true "
              "value is +inf)",
              lambda: claim("support finite", kl_pair(P_WS, (1, 0)), "=", HALF * sp.log(HALF),
                            "drop the outcome with q = 0 (claimed)")),
        Claim("F-1c-strict", False, "1c",
              "the Jensen chain claimed to give D(p||q) > 0 strictly (false for q = p)",
              lambda: with_statement(_kl_nonnegative()[0],
                                     sp.Gt(kl_(p[i], q[i]), 0, evaluate=False))),
        Claim("F-1c-strict-at-equal", False, "1d",
              "D(p||q) > 0 when q = p (D is then 0)",
              lambda: claim("strict at q = p", kl_(p[i], q[i]), ">", 0, "Gibbs (claimed)",
                            DISCRETE.with_(rules=(Rule(q[sp.Wild("k")], p[sp.Wild("k")],
                                                       "q_k = p_k"),)))),
        Claim("F-1c-entropy-above-log-n", False, "1c",
              "maximum-entropy bound the wrong way: H(p) >= log n",
              lambda: claim("entropy >= log n", h_(p[i]), ">=", sp.log(n), "(claimed)",
                            DISCRETE)),
        Claim("F-1d-maximum", False, "1d",
              "D''(a) < 0 on (0, 1): a = b would be a maximum of the two-point KL",
              lambda: claim("maximum", sp.diff(two_point(), a, 2), "<", 0, "(claimed)", UNIT)),
        Claim("F-1d-stationary-half", False, "1d",
              "D'(a) = 0 at a = 1/2 whatever b",
              lambda: claim("stationary", sp.diff(two_point(), a).subs(a, HALF), "=", 0,
                            "(claimed)", UNIT)),
    ]


def _kl_nonnegative() -> list[Derivation]:
    from derive.identities.kl import kl_nonnegative

    return kl_nonnegative()


def _part1_true() -> list[Claim]:
    ws = kl_pair(P_WS, Q_WS)
    return [
        Claim("T-1a-bits", True, "1a", "worksheet D(p||q) in bits = log2 5 - log2 3",
              lambda: claim("bits", ws / sp.log(2), "=", sp.log(5, 2) - sp.log(3, 2),
                            "log2 u = log u / log 2")),
        Claim("T-1a-power", True, "1a", "worksheet D(q||p) = log(3^(9/5) / 5)",
              lambda: claim("power", kl_pair(Q_WS, P_WS), "=",
                            sp.log(3 ** sp.Rational(9, 5) / 5), "log of a power")),
        Claim("T-1b-minus-log-ratio", True, "1b", "D(p||q) = -sum p log(q/p)",
              lambda: claim("minus", kl_(p[i], q[i]), "=",
                            -sp.Sum(p[i] * sp.log(q[i] / p[i]), LIM), "log(1/u) = -log u",
                            DISCRETE)),
        Claim("T-1b-rearranged", True, "1b", "H(p) = H(p, q) - D(p||q) (1b rearranged)",
              lambda: claim("rearranged", h_(p[i]), "=", ce_(p[i], q[i]) - kl_(p[i], q[i]),
                            "1b", DISCRETE)),
        Claim("T-1b-split-sums", True, "1b",
              "rearranged sums with another index: D = sum_j p_j log p_j - sum_i p_i log q_i",
              lambda: claim("split", kl_(p[i], q[i]), "=",
                            sp.Sum(p[j] * sp.log(p[j]), (j, 1, n))
                            - sp.Sum(p[i] * sp.log(q[i]), LIM), "linearity", DISCRETE)),
        Claim("T-1b-bits", True, "1b",
              "the bits version: sum p log2(p/q) = (H(p, q) - H(p)) / log 2",
              lambda: claim("bits", sp.Sum(p[i] * sp.log(p[i] / q[i], 2), LIM), "=",
                            (ce_(p[i], q[i]) - h_(p[i])) / sp.log(2), "log2 u = log u / log 2",
                            DISCRETE)),
        Claim("T-1b-base-10", True, "1b", "base 10: sum p log10(p/q) = D(p||q) / log 10",
              lambda: claim("base 10", sp.Sum(p[i] * sp.log(p[i] / q[i], 10), LIM), "=",
                            kl_(p[i], q[i]) / sp.log(10), "change of base", DISCRETE)),
        Claim("T-1b-entropy-bits", True, "1b", "H_2(p) = -sum p log2 p = H(p) / log 2",
              lambda: claim("entropy bits", -sp.Sum(p[i] * sp.log(p[i], 2), LIM), "=",
                            h_(p[i]) / sp.log(2), "change of base", DISCRETE)),
        Claim("T-1c-gibbs-cross-entropy", True, "1c",
              "Gibbs written as H(p, q) >= H(p), proved through log t <= t - 1",
              _gibbs_cross_entropy),
        Claim("T-1c-jensen-concave-square", True, "1c",
              "Jensen for the concave -t^2: sum w (-x^2) <= -(sum w x)^2",
              lambda: claim("jensen square", sp.Sum(-w[i] * xs[i] ** 2, LIM), "<=",
                            -sp.Sum(w[i] * xs[i], LIM) ** 2,
                            jensen(sp.Lambda(u, -u**2), w[i], xs[i], LIM), WEIGHTS)),
        Claim("T-1d-second-derivative", True, "1d", "D''(a) = 1/a + 1/(1 - a)",
              lambda: claim("second derivative", sp.diff(two_point(), a, 2), "=",
                            1 / a + 1 / (1 - a), "differentiate", UNIT)),
        Claim("T-algebra-log-le-sub-one", True, "algebra", "log t <= t - 1 for t > 0",
              lambda: claim("log <= t - 1", sp.log(t), "<=", t - 1, log_le_sub_one(1, t))),
    ]


def _gibbs_cross_entropy() -> Derivation:
    ce, h = ce_(p[i], q[i]), h_(p[i])
    ratio = q[i] / p[i]
    return Derivation(
        "H(p, q) >= H(p)", sp.Ge(ce, h, evaluate=False), h - ce,
        [Step("=", sp.Sum(p[i] * sp.log(ratio), LIM), "definitions; log(q/p) = log q - log p"),
         Step("<=", sp.Sum(p[i] * (ratio - 1), LIM), log_le_sub_one(p[i], ratio, LIM)),
         Step("=", sp.Sum(q[i], LIM) - 1, "linearity; sum p = 1"),
         Step("<=", 0, hypothesis(sp.Sum(q[i], LIM) - 1, "<=", 0))],
        SUPPORT, SECONDS)


# ================================================================ part 2: ELBO (2b)
def _elbo_parts() -> dict:
    from derive.identities import elbo as e

    px, posterior, low = e.discrete_parts()
    k, klim, qd, pid, lk = e.k, e.KLIM, e.qd, e.pid, e.lk
    return {"px": px, "post": posterior, "elbo": low, "k": k, "lim": klim, "q": qd[k],
            "prior": pid[k], "lik": lk[k], "a": e.DISCRETE}


def _elbo_claim(title: str, make: Callable[[dict], tuple], by: str | None = None) -> Callable:
    def build() -> Derivation:
        c = _elbo_parts()
        lhs, op, rhs = make(c)
        return claim(title, lhs, op, rhs, by or "(claimed)", c["a"])

    return build


def _kl_k(c: dict, r: sp.Expr, s: sp.Expr) -> KL:
    return KL(r, s, c["lim"])


def _elbo_false() -> list[Claim]:
    return [
        Claim("F-2b-gap-swapped", False, "2b",
              "gap with swapped arguments: log p(x) = L + D(p(z|x) || q)",
              _elbo_claim("gap swapped", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["post"], c["q"])))),
        Claim("F-2b-gap-prior", False, "2b",
              "gap against the prior: log p(x) = L + D(q || p(z))",
              _elbo_claim("gap prior", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["q"], c["prior"])))),
        Claim("F-2b-bound-reversed", False, "2b", "bound the wrong way: L >= log p(x)",
              _elbo_claim("bound reversed", lambda c: (c["elbo"], ">=", sp.log(c["px"])))),
        Claim("F-2b-elbo-sign", False, "2b",
              "sign error in L: log p(x) = E_q log p(x|z) + D(q||p(z)) + D(q||p(z|x))",
              _elbo_claim("elbo sign", lambda c: (
                  sp.log(c["px"]), "=", sp.Sum(c["q"] * sp.log(c["lik"]), c["lim"])
                  + _kl_k(c, c["q"], c["prior"]) + _kl_k(c, c["q"], c["post"])))),
        Claim("F-2b-dropped-log-q", False, "2b",
              "log q dropped: log p(x) = E_q[log p(x, z)] + D(q || p(z|x))",
              _elbo_claim("dropped log q", lambda c: (
                  sp.log(c["px"]), "=", sp.Sum(c["q"] * sp.log(c["lik"] * c["prior"]), c["lim"])
                  + _kl_k(c, c["q"], c["post"])))),
        Claim("F-2b-bayes-no-normaliser", False, "2b",
              "Bayes without the normaliser p(x): the gap taken against l_k pi_k",
              _elbo_claim("no normaliser", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["q"], c["lik"] * c["prior"])))),
        Claim("F-2b-gibbs-upward", False, "2b",
              "Gibbs used upward: log p(x) <= L",
              lambda: _gibbs_upward()),
        Claim("F-2b-linear-gaussian-gap-swapped", False, "2b",
              "linear-Gaussian closed forms: log p(x) = L + KL(p(z|x) || q)",
              lambda: _linear_gaussian(swapped=True)),
    ]


def _gibbs_upward() -> Derivation:
    c = _elbo_parts()
    gap = _kl_k(c, c["q"], c["post"])
    use = gibbs(c["q"], c["post"], c["lim"], offset=sp.log(c["px"]))
    return Derivation("gibbs upward", sp.Le(sp.log(c["px"]), c["elbo"], evaluate=False),
                      sp.log(c["px"]),
                      [Step("<=", sp.log(c["px"]) - gap, use), Step("=", c["elbo"], "identity")],
                      c["a"], SECONDS)


def _linear_gaussian(*, swapped: bool) -> Derivation:
    from derive.engine.gaussian import kl_normal
    from derive.identities import elbo as e

    c = e.scalar_model()
    m, v = e.m, e.v
    gap = (kl_normal(c["mu_post"], c["v_post"], m, v) if swapped else c["gap"])
    return claim("linear-Gaussian identity", c["log_px"], "=", c["elbo"] + gap, "(claimed)")


def _elbo_true() -> list[Claim]:
    return [
        Claim("T-2b-joint-form", True, "2b",
              "L written as E_q[log p(x, z) - log q(z)] equals the worksheet's L",
              _elbo_claim("joint form", lambda c: (
                  sp.Sum(c["q"] * (sp.log(c["lik"] * c["prior"]) - sp.log(c["q"])), c["lim"]),
                  "=", c["elbo"]))),
        Claim("T-2b-linear-gaussian", True, "2b",
              "linear-Gaussian closed forms: log p(x) = L + KL(q || p(z|x))",
              lambda: _linear_gaussian(swapped=False)),
    ]


# ================================================================ Gaussian KL
def _gauss_syms() -> tuple:
    m1, m2 = sp.symbols("m1 m2", real=True)
    v1, v2 = sp.symbols("v1 v2", positive=True)
    return m1, v1, m2, v2


def _gauss_kl_claim(title: str, rhs: Callable[..., sp.Expr], *, swap: bool = False) -> Callable:
    def build() -> Derivation:
        from derive.engine.expectation import Normal
        from derive.engine.gaussian import Z, kl_as_expectation

        m1, v1, m2, v2 = _gauss_syms()
        lhs = kl_as_expectation(Z, Normal(m1, v1), Normal(m2, v2))
        return claim(title, lhs, "=", rhs(m1, v1, m2, v2), "Gaussian moments (claimed)")

    return build


def _vae_claim(title: str, rhs: Callable[[sp.Expr, sp.Expr], sp.Expr]) -> Callable:
    def build() -> Derivation:
        from derive.engine.expectation import Normal
        from derive.engine.gaussian import LOGVAR, MU, Z, kl_as_expectation

        lhs = kl_as_expectation(Z, Normal(MU, sp.exp(LOGVAR)), Normal(0, 1))
        return claim(title, lhs, "=", rhs(MU, LOGVAR), "Gaussian moments (claimed)")

    return build



def _gauss_false() -> list[Claim]:
    def no_logvar(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return ((v1 + (m1 - m2) ** 2) / v2 - 1) / 2

    def std_in_log(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return sp.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / (2 * v2) - HALF

    def swapped(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        return (sp.log(v1 / v2) + (v2 + (m1 - m2) ** 2) / v1 - 1) / 2

    return [
        Claim("F-gauss-no-logvar", False, "2b",
              "Gaussian KL missing its log-variance term: ((v1 + (m1-m2)^2)/v2 - 1)/2",
              _gauss_kl_claim("no log-variance", no_logvar)),
        Claim("F-gauss-std-in-log", False, "2b",
              "Gaussian KL with log(v2/v1) where log(s2/s1) belongs (a factor 2)",
              _gauss_kl_claim("std in log", std_in_log)),
        Claim("F-gauss-swapped", False, "2b",
              "KL(N1 || N2) given the formula of KL(N2 || N1)",
              _gauss_kl_claim("swapped", swapped)),
        Claim("F-vae-no-logvar", False, "2b",
              "VAE KL to N(0, 1) without -logvar: (mu^2 + exp(logvar) - 1)/2",
              _vae_claim("vae no logvar", lambda mu, lv: (mu**2 + sp.exp(lv) - 1) / 2)),
        Claim("F-vae-mu-sign", False, "2b",
              "VAE KL with -mu^2: (-mu^2 + exp(logvar) - 1 - logvar)/2",
              _vae_claim("vae mu sign", lambda mu, lv: (-mu**2 + sp.exp(lv) - 1 - lv) / 2)),
        Claim("F-gauss-entropy-half", False, "2b",
              "E_{N(m, v)}[log N(z; m, v)] = -log(2 pi v)/2 (the -1/2 dropped)",
              lambda: _gauss_entropy(-sp.log(2 * sp.pi * sp.Symbol("v", positive=True)) / 2)),
    ]


def _gauss_entropy(rhs: sp.Expr) -> Derivation:
    from derive.engine.expectation import Expectation, Normal
    from derive.engine.gaussian import Z, log_density

    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    lhs = Expectation(log_density(Z, m, v), Z, Normal(m, v))
    return claim("entropy", lhs, "=", rhs, "Gaussian moment (claimed)")


def _gauss_true() -> list[Claim]:
    def std_form(m1, v1, m2, v2):  # noqa: ANN001, ANN202
        s1, s2 = sp.sqrt(v1), sp.sqrt(v2)
        return sp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - HALF

    return [
        Claim("T-gauss-std-form", True, "2b",
              "KL(N1 || N2) = log(s2/s1) + (s1^2 + (m1-m2)^2)/(2 s2^2) - 1/2",
              _gauss_kl_claim("std form", std_form)),
        Claim("T-vae-kingma", True, "2b",
              "VAE KL as in Kingma & Welling: -(1 + logvar - mu^2 - exp(logvar))/2",
              _vae_claim("kingma", lambda mu, lv: -(1 + lv - mu**2 - sp.exp(lv)) / 2)),
        Claim("T-vae-sigma", True, "2b",
              "VAE KL in sigma: (mu^2 + sigma^2 - 1)/2 - log sigma, sigma^2 = exp(logvar)",
              _vae_sigma),
        Claim("T-gauss-entropy", True, "2b",
              "E_{N(m, v)}[log N(z; m, v)] = -log(2 pi e v)/2",
              lambda: _gauss_entropy(-sp.log(2 * sp.pi * sp.E * sp.Symbol("v", positive=True))
                                     / 2)),
    ]


def _vae_sigma() -> Derivation:
    from derive.engine.expectation import Normal
    from derive.engine.gaussian import Z, kl_as_expectation

    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    lhs = kl_as_expectation(Z, Normal(mu, s**2), Normal(0, 1))
    return claim("vae sigma", lhs, "=", (mu**2 + s**2 - 1) / 2 - sp.log(s), "moments")


# ================================================================ 2d: reparameterization
def _reparam_wrong(name: str) -> Callable:
    def build() -> Derivation:
        from derive.identities.reparam import wrong_claims

        return wrong_claims(concrete=True)[name]

    return build


def _grad_claim(title: str, rhs: Callable[[sp.Expr, sp.Expr, sp.Symbol], sp.Expr]) -> Callable:
    """d/dtheta E[x^2], x ~ N(mu, sigma^2), mu = a + b theta, sigma = exp(c + d theta)."""

    def build() -> Derivation:
        from derive.engine.expectation import Expectation, Normal
        from derive.identities.reparam import instance, theta, x

        mu, sigma = instance(theta)
        lhs = sp.Derivative(Expectation(x**2, x, Normal(mu, sigma**2)), theta)
        return claim(title, lhs, "=", rhs(mu, sigma, theta), "(claimed)")

    return build


def _reparam_false() -> list[Claim]:
    return [
        Claim("F-2d-missing-factor", False, "2d",
              "2 mu grad mu + sigma grad sigma (a factor 2 lost)",
              _reparam_wrong("missing-factor")),
        Claim("F-2d-eps-depends", False, "2d",
              "eps = (x - mu)/sigma treated as depending on theta: gradient 0",
              _reparam_wrong("eps-depends-on-theta")),
        Claim("F-2d-exchange-under-law", False, "2d",
              "d/dtheta and E_x exchanged although the law depends on theta: gradient 0",
              _reparam_wrong("exchange-under-theta-law")),
        Claim("F-2d-score-without-log", False, "2d",
              "score function with grad mu in place of grad log N",
              _reparam_wrong("score-without-log")),
        Claim("F-2d-sigma-dropped", False, "2d", "grad E[x^2] = 2 mu grad mu (sigma term dropped)",
              _grad_claim("sigma dropped", lambda mu, s, th: 2 * mu * sp.diff(mu, th))),
        Claim("F-2e-sample-logvar-as-log-std", False, "2e",
              "VAE sample z = mu + exp(logvar) eps has variance exp(logvar) (it is "
              "exp(2 logvar): the std is exp(logvar / 2))",
              lambda: _vae_sample_variance(sp.exp(sp.Symbol("logvar", real=True)))),
        Claim("F-2d-variance-for-std", False, "2d",
              "x = mu + v eps with v = sigma^2 the variance: E[(mu + v eps)^2] = mu^2 + v",
              _variance_for_std),
    ]


def _vae_sample_variance(scale: sp.Expr) -> Derivation:
    """Var z for the VAE's sample z = mu + scale * eps, eps ~ N(0, 1), claimed exp(logvar)."""
    from derive.engine.expectation import Expectation, Normal

    mu, lv, e = sp.Symbol("mu", real=True), sp.Symbol("logvar", real=True), sp.Symbol("e",
                                                                                     real=True)
    z = mu + scale.subs(sp.Symbol("logvar", real=True), lv) * e
    return claim("vae sample variance", Expectation((z - mu) ** 2, e, Normal(0, 1)), "=",
                 sp.exp(lv), "moments")


def _variance_for_std() -> Derivation:
    from derive.engine.expectation import Expectation, Normal

    mu, v, e = sp.Symbol("mu", real=True), sp.Symbol("v", positive=True), sp.Symbol("e", real=True)
    return claim("variance for std", Expectation((mu + v * e) ** 2, e, Normal(0, 1)), "=",
                 mu**2 + v, "moments (claimed)")


def _reparam_true() -> list[Claim]:
    return [
        Claim("T-2e-sample-variance", True, "2e",
              "VAE sample z = mu + exp(logvar / 2) eps has variance exp(logvar)",
              lambda: _vae_sample_variance(sp.exp(sp.Symbol("logvar", real=True) / 2))),
        Claim("T-2d-grad-closed-form", True, "2d",
              "grad E[x^2] = d/dtheta (mu^2 + sigma^2) = 2 (mu mu' + sigma sigma')",
              _grad_claim("closed form", lambda mu, s, th: 2 * (mu * sp.diff(mu, th)
                                                                + s * sp.diff(s, th)))),
    ]


# ================================================================ algebra and engine limits
def _algebra_false() -> list[Claim]:
    c = sp.Symbol("c", real=True)
    hyp = Assumptions(facts=(sp.Le(a, b),))
    x2 = sp.Symbol("x", real=True)
    kink = sp.Lambda(u, sp.Piecewise((u, u < 1), (2 * u - 1, True)))
    k = sp.Symbol("k", integer=True, positive=True)
    return [
        Claim("F-algebra-log-sum", False, "algebra", "log(a + b) = log a + log b",
              lambda: claim("log sum", sp.log(a + b), "=", sp.log(a) + sp.log(b), "(claimed)")),
        Claim("F-algebra-log-square", False, "algebra", "log(y^2) = 2 log y for real y",
              lambda: claim("log square", sp.log(y**2), "=", 2 * sp.log(y), "(claimed)")),
        Claim("F-algebra-sqrt-square", False, "algebra", "sqrt(y^2) = y for real y",
              lambda: claim("sqrt", sp.sqrt(y**2), "=", y, "(claimed)")),
        Claim("F-algebra-exp-sum", False, "algebra", "exp(a + c) = exp a + exp c",
              lambda: claim("exp sum", sp.exp(a + c), "=", sp.exp(a) + sp.exp(c), "(claimed)")),
        Claim("F-algebra-log-ge", False, "algebra", "log t >= t - 1 (lemma reversed)",
              lambda: claim("log >= t - 1", sp.log(t), ">=", t - 1, log_le_sub_one(1, t))),
        Claim("F-algebra-log-monotone", False, "algebra",
              "log 3 <= log 2 'by monotonicity' (the side condition 3 <= 2 fails)",
              lambda: claim("monotone", sp.log(3), "<=", sp.log(2), log_monotone(3, 2))),
        Claim("F-algebra-hypothesis-reversed", False, "algebra",
              "declared a <= b, claimed b <= a by that hypothesis",
              lambda: claim("hypothesis", b, "<=", a, hypothesis(b, "<=", a), hyp)),
        Claim("F-algebra-strict-from-weak", False, "algebra",
              "a <= chain claimed to give log t < t - 1 strictly (equality at t = 1)",
              lambda: Derivation("strict", sp.Lt(sp.log(t), t - 1, evaluate=False), sp.log(t),
                                 [Step("<=", t - 1, log_le_sub_one(1, t))], Assumptions(),
                                 SECONDS)),
        Claim("F-algebra-wrong-conclusion", False, "algebra",
              "a true chain log(x^2) = 2 log x claimed to prove log(x^2) = log 2 + log x",
              lambda: Derivation("conclusion", sp.Eq(sp.log(t**2), sp.log(2) + sp.log(t),
                                                     evaluate=False), sp.log(t**2),
                                 [Step("=", 2 * sp.log(t), "log of a power")], Assumptions(),
                                 SECONDS)),
        Claim("F-algebra-square-mean", False, "algebra",
              "E[x^2] = (E x)^2 under N(m, v) (variance dropped)",
              lambda: _square_mean(x2)),
        Claim("F-engine-jensen-kink", False, "engine",
              "Jensen for f = t on (0, 1), 2t - 1 after: convex with a kink, f'' = 0 piecewise",
              lambda: _jensen_kink(kink, k)),
        Claim("F-engine-pole-on-interval", False, "engine",
              "1/x > 0 for x in [0, 1] (undefined at 0; solveset skipped the pole)",
              lambda: claim("pole", 1 / x2, ">", 0, "(claimed)",
                            Assumptions(intervals=((x2, sp.Interval(0, 1)),)))),
        Claim("F-engine-reversed-range", False, "engine",
              "log t <= t - 1 summed over i = 3..n: for n = 1 SymPy's sum is minus a term",
              lambda: claim("reversed", sp.Sum(sp.log(xs[i]), (i, 3, n)), "<=",
                            sp.Sum(xs[i] - 1, (i, 3, n)), log_le_sub_one(1, xs[i], (i, 3, n)))),
    ]


def _square_mean(x2: sp.Symbol) -> Derivation:
    from derive.engine.expectation import Expectation, Normal

    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    return claim("square mean", Expectation(x2**2, x2, Normal(m, v)), "=",
                 Expectation(x2, x2, Normal(m, v)) ** 2, "(claimed)")


def _jensen_kink(f: sp.Lambda, k: sp.Symbol) -> Derivation:
    """Points 1/2 and 3/2 with weights 1/2: sum w f(x) = 5/4 > f(1) = 1."""
    use = jensen(f, HALF, k - HALF, (k, 1, 2))
    return claim("jensen kink", use.lhs, "<=", use.rhs, use)


def catalogue() -> list[Claim]:
    """Every claim: false variants first, then the true ones, grouped by identity."""
    return (_part1_false() + _elbo_false() + _gauss_false() + _reparam_false()
            + _algebra_false() + _part1_true() + _elbo_true() + _gauss_true() + _reparam_true())
