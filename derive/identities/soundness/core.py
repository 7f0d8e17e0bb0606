"""The catalogue's machinery: a claim, its class, its result, and the report of a run.

A `Claim` is data: a key, whether it is true, the identity it concerns, its class (one of
`CLASSES`, the way it tries to fool the engine), a sentence, and `build()`, which returns the
`Derivation` to check. `check_claim` runs one and never raises; `run_catalogue` runs many and
returns a `SoundnessReport`: no false claim may be PROVED, no true claim REFUTED.

A false claim the public API refuses to build (a one-line `ValueError`, as bad input gets) is
*refused*: it was not proved, so it is sound. A true claim that cannot be built is an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import LemmaUse
from derive.engine.verdict import Verdict

REL = {"=": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}
SECONDS = 10.0  # time limit per symbolic attempt, as in the engine
QUICK = 2.0  # for claims decided well within it (measured: the verdict is the same at 10 s)

# The ways a claim tries to fool the engine. The first nine are issue 13's classes.
CLASSES: dict[str, str] = {
    "undeclared": "assumptions nobody declared (a declared sum made the entries nonnegative)",
    "parameter": "dependence on a parameter lost (the law or mu, sigma depend on theta)",
    "existence": "integrals and expectations that do not exist (principal values, oo - oo)",
    "undefined": "points where an expression is undefined ((t^2 - 1)/(t - 1) at t = 1)",
    "convention": "two conventions for one object (reversed and empty sums, products)",
    "law": "laws with impossible parameters (a variance that may be <= 0)",
    "bypass": "API that bypasses the rules (a hand-built LemmaUse, a weak lemma for <)",
    "domain": "counterexamples outside the declared domain (true claims, never refuted)",
    "time": "time limits (1 ms to 0.5 s, hard trigonometry: never proved, never refuted)",
    "swapped": "swapped arguments (KL, cross-entropy, the ELBO's gap, Gaussian KL)",
    "sign-factor": "a sign or a factor wrong",
    "dropped": "a term dropped",
    "direction": "a bound the wrong way: Jensen's direction, a reversed lemma, strict from weak",
    "support": "support conditions (q = 0 where p > 0, sums over the support)",
    "algebra": "algebra that looks right (log of a sum, exp of a sum, a wrong conclusion)",
    "branch": "log, sqrt, powers and inverse functions off their principal branch",
    "base": "the wrong base of log (nats, bits, base 10, base 4)",
    "sigma": "the standard deviation and the variance confused",
    "sums": "sums with symbolic limits (shifted, split, squared, telescoped)",
    "kink": "derivatives and convexity of piecewise functions (kinks and jumps)",
    "moment": "E[f(x)] taken as f(E[x]) and other Gaussian moment errors",
    "rewritten": "a true identity written in an unusual but correct way",
}


@dataclass(frozen=True)
class Claim:
    """One catalogue entry: a claim, whether it is true, what it varies, and its class."""

    key: str
    true: bool
    concerns: str  # the identity (1a ... 2e) or "algebra" / "engine"
    text: str  # the claim, and for a false one what is wrong with it
    build: Callable[[], Derivation]
    kind: str = ""  # one of CLASSES

    def __post_init__(self) -> None:
        if self.kind and self.kind not in CLASSES:
            raise ValueError(f"claim {self.key}: unknown class {self.kind!r}")


@dataclass(frozen=True)
class ClaimResult:
    """The engine's verdict on a claim (None when building or checking it raised)."""

    claim: Claim
    verdict: Verdict | None
    method: str
    counterexample: dict | None
    seconds: float
    error: str = ""
    refused: bool = False  # a false claim the API would not build

    @property
    def ok(self) -> bool:
        """False claims are never proved; true claims are never refuted; nothing raises."""
        if self.refused:
            return True
        if self.verdict is None:
            return False
        bad = Verdict.PROVED if not self.claim.true else Verdict.REFUTED
        return self.verdict is not bad

    @property
    def outcome(self) -> str:
        """The verdict's name, 'refused' or 'error'."""
        if self.refused:
            return "refused"
        return self.verdict.value if self.verdict is not None else "error"

    def as_dict(self) -> dict:
        c = self.claim
        return {"key": c.key, "true": c.true, "class": c.kind, "concerns": c.concerns,
                "text": c.text, "verdict": self.outcome, "ok": self.ok, "method": self.method,
                "counterexample": self.counterexample, "seconds": round(self.seconds, 3),
                "error": self.error}


OUTCOMES = tuple(v.value for v in Verdict) + ("refused", "error")


@dataclass(frozen=True)
class SoundnessReport:
    """Every claim's result and the counts `derive soundness` prints."""

    results: tuple[ClaimResult, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, dict[str, int]]:
        """Outcomes of the false and of the true claims."""
        out: dict[str, dict[str, int]] = {}
        for kind, truth in (("false", False), ("true", True)):
            mine = [r for r in self.results if r.claim.true is truth]
            out[kind] = {o: sum(r.outcome == o for r in mine) for o in OUTCOMES}
            out[kind]["total"] = len(mine)
        return out

    def by_class(self) -> dict[str, dict[str, int]]:
        """Per class: false and true claims, false ones proved, true ones refuted."""
        out: dict[str, dict[str, int]] = {}
        for r in self.results:
            row = out.setdefault(r.claim.kind or "?", {"false": 0, "true": 0, "false_proved": 0,
                                                       "true_refuted": 0, "errors": 0})
            row["true" if r.claim.true else "false"] += 1
            row["false_proved"] += r.outcome == "proved" and not r.claim.true
            row["true_refuted"] += r.outcome == "refuted" and r.claim.true
            row["errors"] += r.outcome == "error"
        return {k: out[k] for k in sorted(out, key=_class_order)}

    @property
    def ok(self) -> bool:
        """No false claim proved, no true claim refuted, no claim that raised."""
        return all(r.ok for r in self.results)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "counts": self.counts(), "classes": self.by_class(),
                "claims": [r.as_dict() for r in self.results]}


def _class_order(kind: str) -> int:
    return list(CLASSES).index(kind) if kind in CLASSES else len(CLASSES)


def claim(title: str, lhs: sp.Expr, op: str, rhs: sp.Expr, by: str | LemmaUse = "",
          assumptions: Assumptions | None = None, seconds: float = SECONDS) -> Derivation:
    """A one-step derivation `lhs op rhs` whose statement is that very relation."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    return Derivation(title, REL[op](lhs, rhs, evaluate=False), lhs, [Step(op, rhs, by)],
                      assumptions or Assumptions(), seconds)


def with_statement(d: Derivation, statement: sp.Basic) -> Derivation:
    """The same chain claimed to prove another statement."""
    return Derivation(d.title, statement, d.start, d.steps, d.assumptions, d.seconds)


def from_latex(tex: str, seconds: float = SECONDS) -> Derivation:
    """The one chain of a LaTeX snippet, read as `derive check` reads a file."""
    from derive.notation.document import read_latex

    (chain,) = read_latex(tex)
    d = chain.derivation
    return Derivation(d.title, d.statement, d.start, d.steps, d.assumptions, seconds)


def latex(assume: str, chain: str, seconds: float = QUICK) -> Callable[[], Derivation]:
    """A builder for a claim written in LaTeX: `assume` lines, then `chain` in an align*."""

    def build() -> Derivation:
        head = assume.rstrip("\n") + "\n" if assume else ""
        return from_latex(head + "\\begin{align*}\n" + chain + "\n\\end{align*}\n", seconds)

    return build


def false(key: str, kind: str, concerns: str, text: str, build: Callable[[], Derivation]
          ) -> Claim:
    """A false claim of a class (the shorthand the newer families use)."""
    return Claim(key, False, concerns, text, build, kind)


def true(key: str, kind: str, concerns: str, text: str, build: Callable[[], Derivation]
         ) -> Claim:
    """A true claim of a class."""
    return Claim(key, True, concerns, text, build, kind)


def check_claim(c: Claim, *, seed: int = 0) -> ClaimResult:
    """Build and check one claim; an exception is recorded, never raised."""
    start = time.perf_counter()
    try:
        derivation = c.build()
    except ValueError as exc:  # the API refused it: sound for a false claim only
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ClaimResult(c, None, f"refused: {msg}", None, time.perf_counter() - start,
                           "" if not c.true else f"ValueError: {msg}", refused=not c.true)
    except Exception as exc:  # a crash is a failure of the suite, reported with the claim
        return ClaimResult(c, None, "raised", None, time.perf_counter() - start,
                           f"{type(exc).__name__}: {exc}")
    try:
        result = derivation.check(seed=seed)
    except Exception as exc:
        return ClaimResult(c, None, "raised", None, time.perf_counter() - start,
                           f"{type(exc).__name__}: {exc}")
    bad = [s for s in result.steps if s.verdict is result.verdict]
    step = bad[0].outcome if bad else result.conclusion
    method = step.method if bad else f"conclusion: {result.conclusion.method}"
    return ClaimResult(c, result.verdict, method, step.counterexample,
                       time.perf_counter() - start)
