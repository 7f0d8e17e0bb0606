"""Derivations as data: a statement and a chain e0 R1 e1 R2 e2 ... of justified steps.

Like a `calc` block in Lean: each step names its relation (=, <=, <, >=, >), its new
expression, its justification (a rewrite described in words, or a lemma instance) and the
side conditions it relies on. `check` verifies every step and that the chain's conclusion
is the statement.

>>> import sympy as sp
>>> t = sp.Symbol("t", positive=True)
>>> d = Derivation("log of a square", sp.Eq(sp.log(t**2), 2*sp.log(t)), sp.log(t**2),
...                [Step("=", 2*sp.log(t), "log of a power, t > 0")])
>>> d.check().verdict
<Verdict.PROVED: 'proved'>
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.assumptions import Assumptions, Rule
from derive.engine.checks import (
    _by_hypothesis,
    check_equal,
    check_relation,
    prove_equal,
    prove_sign,
    search_counterexample,
)
from derive.engine.definitions import InformationQuantity, unfold
from derive.engine.expectation import (
    density_laws,
    dependence,
    differentiated_parameters,
    normal_conditions,
    sample_counts_compared,
)
from derive.engine.fitting import explain, fitting_uses
from derive.engine.lemmas import LemmaUse
from derive.engine.parallel import run_all
from derive.engine.timelimit import DEFAULT_SECONDS, OutOfTime, time_limit
from derive.engine.verdict import Outcome, Verdict

RELATIONS = ("=", "<=", "<", ">=", ">")
_REL = {"=": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}

# Jupyter's LaTeX view of a chain. The notation package installs its writer here when it is
# imported (derive.notation.writer, which `from derive import ...` loads), so that the engine
# shows mathematics without importing the layer above it.
LATEX_DISPLAY: Callable[[object], str] | None = None


def expression(value: object, what: str) -> sp.Expr:
    """value as a SymPy expression, or a one-line ValueError naming `what` it should be."""
    try:
        e = sp.sympify(value)
    except (sp.SympifyError, TypeError, ValueError, SyntaxError):
        raise ValueError(f"{what} {value!r} is not a SymPy expression") from None
    if not isinstance(e, sp.Expr):
        raise ValueError(f"{what} must be a SymPy expression, not {type(value).__name__} "
                         f"{value!r}")
    return e


@dataclass(frozen=True)
class Step:
    """One link `... op expr` of a chain, justified by words (a rewrite) or a lemma."""

    op: str
    expr: sp.Expr
    by: str | LemmaUse = ""
    uses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.op, str) or self.op not in RELATIONS:
            raise ValueError(f"step relation {self.op!r} is not one of {', '.join(RELATIONS)}")
        object.__setattr__(self, "expr", expression(self.expr, "a step's expression"))
        if not isinstance(self.by, (str, LemmaUse)):
            raise ValueError(f"a step's justification must be text or a lemma instance, "
                             f"not {type(self.by).__name__}")
        if isinstance(self.uses, str) or not all(isinstance(u, str) for u in self.uses):
            raise ValueError("a step's `uses` must be a tuple of strings (side conditions)")
        object.__setattr__(self, "uses", tuple(self.uses))

    @property
    def justification(self) -> str:
        return self.by.describe() if isinstance(self.by, LemmaUse) else str(self.by)


@dataclass(frozen=True)
class StepResult:
    """A step with the expression it starts from and the outcome of its check."""

    index: int
    lhs: sp.Expr
    step: Step
    outcome: Outcome

    @property
    def verdict(self) -> Verdict:
        return self.outcome.verdict


@dataclass(frozen=True)
class DerivationResult:
    """Every step's outcome, the conclusion's, and the overall verdict."""

    derivation: Derivation
    steps: tuple[StepResult, ...]
    conclusion: Outcome

    @property
    def verdict(self) -> Verdict:
        return Verdict.combine([s.verdict for s in self.steps] + [self.conclusion.verdict])

    def _repr_latex_(self) -> str | None:
        """Jupyter shows the checked chain with each step's verdict."""
        return None if LATEX_DISPLAY is None else LATEX_DISPLAY(self)

    def as_dict(self) -> dict:
        return {
            "title": self.derivation.title,
            "statement": str(self.derivation.statement),
            "verdict": self.verdict.value,
            "steps": [{"index": s.index, "relation": s.step.op, "expr": str(s.step.expr),
                       "by": s.step.justification, "uses": list(s.step.uses),
                       "verdict": s.verdict.value, "method": s.outcome.method,
                       "counterexample": s.outcome.counterexample,
                       "notes": list(s.outcome.notes)} for s in self.steps],
            "conclusion": {"verdict": self.conclusion.verdict.value,
                           "method": self.conclusion.method},
        }


def chain_relation(ops: list[str]) -> str:
    """The relation a chain establishes: = if all are =, strict if any step is strict."""
    ineq = {o for o in ops if o != "="}
    if not ineq:
        return "="
    if ineq <= {"<=", "<"}:
        return "<" if "<" in ineq else "<="
    if ineq <= {">=", ">"}:
        return ">" if ">" in ineq else ">="
    raise ValueError("a chain cannot mix <= and >= steps")


@dataclass(frozen=True)
class Derivation:
    """A statement, the expression the chain starts from, the steps, and the assumptions."""

    title: str
    statement: sp.Basic
    start: sp.Expr
    steps: tuple[Step, ...]
    assumptions: Assumptions = field(default_factory=Assumptions)
    seconds: float = DEFAULT_SECONDS
    # Chains above this one in the same block (a restatement row starts a chain of its own):
    # a step may be proved as a relation they proved (see `_restated`).
    follows: tuple[Derivation, ...] = ()

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a derivation needs at least one step")
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "follows", tuple(self.follows))
        if not all(isinstance(d, Derivation) for d in self.follows):
            raise ValueError("follows must be a tuple of Derivations (the chains above)")
        if not isinstance(self.title, str):
            raise ValueError(f"a derivation's title must be text, not {type(self.title).__name__}")
        for k, step in enumerate(self.steps, start=1):
            if not isinstance(step, Step):
                raise ValueError(f"step {k} is a {type(step).__name__}, not a Step")
        object.__setattr__(self, "start", expression(self.start, "the start of a derivation"))
        chain_relation([s.op for s in self.steps])
        if not isinstance(self.statement, (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt)):
            raise ValueError("the statement must be a relation: Eq, Le, Lt, Ge or Gt")
        if not isinstance(self.assumptions, Assumptions):
            raise ValueError(f"assumptions must be an Assumptions, not "
                             f"{type(self.assumptions).__name__}")
        if (isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float))
                or not 0 < self.seconds < float("inf")):
            raise ValueError(f"seconds must be a positive finite number, got {self.seconds!r}")

    def _repr_latex_(self) -> str | None:
        """Jupyter shows the chain (unchecked: call `check()` for the verdicts)."""
        return None if LATEX_DISPLAY is None else LATEX_DISPLAY(self)

    @property
    def expressions(self) -> list[sp.Expr]:
        return [self.start] + [s.expr for s in self.steps]

    @property
    def conclusion(self) -> sp.Basic:
        """The relation the chain establishes between its first and last expressions."""
        op = chain_relation([s.op for s in self.steps])
        return _REL[op](self.start, self.steps[-1].expr, evaluate=False)

    def check(self, *, seed: int = 0, workers: int = 1) -> DerivationResult:
        """Check every step, then that the chain's conclusion gives the statement.

        The checks see the chain with its dependence on parameters made explicit (see
        `explicit_dependence`); the results show the chain as written. Each step draws its
        sample points from its own generator (seeded by `seed` and the step's index), so the
        steps are independent: `workers` > 1 checks them in parallel processes (`check_all`)
        with the same verdicts as one process.
        """
        return check_all([self], seed=seed, workers=workers)[0]

    def _tasks(self, seed: int, above: tuple[DerivationResult, ...] = ()
               ) -> list[Callable[[], Outcome]]:
        """One task per step, then the conclusion's: each a function of the chain and of the
        results of the chains it follows (`above`)."""
        explicit, note = explicit_dependence(self)
        relations = [] if note else _proved_relations(
            [r for r in above if r.derivation.assumptions == self.assumptions
             and not explicit_dependence(r.derivation)[1]])
        a = self.assumptions
        if note:  # the declared facts and rules speak of the same mu(theta)
            a = a.with_(facts=[type(f)(explicit(f.lhs), explicit(f.rhs), evaluate=False)
                               for f in a.facts],
                        rules=[Rule(explicit(r.old), explicit(r.new), r.text) for r in a.rules])

        def step_task(k: int, lhs: sp.Expr, step: Step) -> Outcome:
            rng = np.random.default_rng([seed, k])
            try:
                outcome = self._check_step(explicit(lhs), _explicit_step(step, explicit), rng,
                                           a, relations)
            except Exception as exc:  # noqa: BLE001  (a crash inside SymPy proves nothing)
                words = str(exc).splitlines()[0] if str(exc) else ""
                outcome = Outcome(Verdict.UNDECIDED, f"the check stopped on an error inside "
                                  f"SymPy ({type(exc).__name__}: {words})")
            if note:
                outcome = Outcome(outcome.verdict, outcome.method, outcome.counterexample,
                                  outcome.notes + (note,))
            return outcome

        lhss = self.expressions[:-1]
        return [*(functools.partial(step_task, k, lhs, step)
                  for k, (lhs, step) in enumerate(zip(lhss, self.steps, strict=True), start=1)),
                functools.partial(self._check_conclusion, explicit, a)]

    def _result(self, outcomes: list[Outcome]) -> DerivationResult:
        """The outcomes of `_tasks`, in their order, as the chain's result."""
        lhss = self.expressions[:-1]
        steps = tuple(StepResult(k, lhs, step, outcome) for k, (lhs, step, outcome)
                      in enumerate(zip(lhss, self.steps, outcomes[:-1], strict=True), start=1))
        return DerivationResult(self, steps, outcomes[-1])

    def _check_step(self, lhs: sp.Expr, step: Step, rng: np.random.Generator,
                    declared: Assumptions, relations: list | None = None) -> Outcome:
        """The step under its laws' conditions: proved only if the declarations give them."""
        proved, missing, facts = law_conditions([lhs, step.expr], declared)
        a = declared.with_(facts=declared.facts + facts) if facts else declared
        outcome = (relations and _restated(lhs, step.op, step.expr, relations, a, self.seconds)
                   or self._check_relation(lhs, step, rng, a))
        if missing:
            why = "the laws need " + "; ".join(missing) + ", which the declarations do not give"
            if outcome.proved:
                return Outcome(Verdict.UNDECIDED, f"{outcome.method}, but only if "
                               + "; ".join(missing), None, outcome.notes + (why,))
            return Outcome(outcome.verdict, outcome.method, outcome.counterexample,
                           outcome.notes + (why,))
        if proved and outcome.proved:
            return Outcome(Verdict.PROVED, f"{outcome.method}; the laws' conditions: "
                           + "; ".join(proved), None, outcome.notes)
        return outcome

    def _check_relation(self, lhs: sp.Expr, step: Step, rng: np.random.Generator,
                        a: Assumptions) -> Outcome:
        rhs = step.expr
        if isinstance(step.by, LemmaUse):
            outcome = step.by.check(lhs, step.op, rhs, a, seconds=self.seconds)
            if outcome.proved:
                return _conventions_shown(outcome)
            # The lemma does not apply: the step stands or falls on its own.
            if step.op == "=":
                found = check_equal(lhs, rhs, a, seconds=self.seconds, rng=rng)
            else:
                found = search_counterexample(unfold(lhs), step.op, unfold(rhs), a, rng,
                                              seconds=self.seconds)
            return Outcome(found.verdict, found.method, found.counterexample,
                           outcome.notes + found.notes)
        if step.op == "=":
            return check_equal(lhs, rhs, a, seconds=self.seconds, rng=rng)
        found = check_relation(lhs, step.op, rhs, a, seconds=self.seconds, rng=rng)
        if found.proved or found.verdict is Verdict.REFUTED:
            return found
        fitted = _fitted_lemma(lhs, step.op, rhs, a, self.seconds)
        why = None if fitted else sample_counts_compared(lhs, rhs)
        return fitted or (found if why is None else Outcome(
            found.verdict, found.method, found.counterexample, found.notes + (why,)))

    def _check_conclusion(self, explicit: Callable[[sp.Basic], sp.Basic],
                          a: Assumptions) -> Outcome:
        """The statement follows if it is the conclusion up to a proved rearrangement, and
        the laws it names exist."""
        missing = law_conditions([self.statement.lhs, self.statement.rhs], a)[1]
        if missing:
            return Outcome(Verdict.UNDECIDED, "the statement's laws need " + "; ".join(missing)
                           + ", which the declarations do not give")
        got, want = (_as_difference(type(r)(explicit(r.lhs), explicit(r.rhs), evaluate=False))
                     for r in (self.conclusion, self.statement))
        if got == want:  # the very relation the steps proved (no definedness to re-prove)
            return Outcome(Verdict.PROVED, "the chain's conclusion is the statement")
        if want[1] == "=" and got[1] == "=":
            for sign in (1, -1):
                if check_equal(got[0], sign * want[0], a, seconds=self.seconds).proved:
                    return Outcome(Verdict.PROVED, "the chain's conclusion is the statement")
            return Outcome(Verdict.UNDECIDED, "the chain does not end in the statement")
        if want[1] == "=" or got[1] == "=" and want[1] == "<":
            return Outcome(Verdict.UNDECIDED, "the chain's relation is weaker than the statement's")
        if want[1] == "<" and got[1] == "<=":
            return Outcome(Verdict.UNDECIDED, "the chain is not strict but the statement is")
        if check_equal(got[0], want[0], a, seconds=self.seconds).proved:
            return Outcome(Verdict.PROVED, "the chain's conclusion is the statement")
        return Outcome(Verdict.UNDECIDED, "the chain does not end in the statement")


def _fitted_lemma(lhs: sp.Expr, op: str, rhs: sp.Expr, a: Assumptions,
                  seconds: float) -> Outcome | None:
    """The step proved by the first lemma whose shape fits it (no lemma was named), or None.

    Every candidate is checked in full by its `check` (sides and side conditions); the whole
    search shares one time limit, and running out or a crash inside SymPy proves nothing.
    """
    try:
        with time_limit(seconds):
            for use in fitting_uses(lhs, op, rhs):
                out = use.check(lhs, op, rhs, a, seconds=seconds)
                if out.proved:
                    return _conventions_shown(Outcome(
                        Verdict.PROVED, f"{explain(use)} (found by the step's shape; no lemma "
                        f"named)", None, out.notes))
    except OutOfTime:
        return None
    except Exception:  # noqa: BLE001  (a crash inside SymPy proves nothing)
        return None
    return None


def _conventions_shown(outcome: Outcome) -> Outcome:
    """A lemma's proof with the conventions its side conditions were discharged by (its
    notes) in its method, where the verdict line shows them."""
    if not outcome.notes:
        return outcome
    return Outcome(outcome.verdict, f"{outcome.method}; by convention: "
                   + "; ".join(outcome.notes), None, outcome.notes)


def check_all(derivations: list[Derivation], *, seed: int = 0, workers: int = 1
              ) -> list[DerivationResult]:
    """Check several derivations, their steps spread over `workers` processes (see
    `derive.engine.parallel`): every step and conclusion is one task, so a file's chains
    share the processes. A chain that follows others (`Derivation.follows`: a restatement
    row) is checked in a later round, once theirs are known; those not in the list are
    checked too, and their results are not returned."""
    order: list[Derivation] = []
    seen: set[int] = set()

    def need(d: Derivation) -> None:
        if id(d) not in seen:
            seen.add(id(d))
            for e in d.follows:
                need(e)
            order.append(d)  # after the chains it follows

    for d in derivations:
        need(d)
    results: dict[int, DerivationResult] = {}
    while len(results) < len(order):
        ready = [d for d in order if id(d) not in results
                 and all(id(e) in results for e in d.follows)]
        tasks = [d._tasks(seed, tuple(results[id(e)] for e in d.follows)) for d in ready]
        outcomes = iter(run_all([t for ts in tasks for t in ts], workers))
        for d, ts in zip(ready, tasks, strict=True):
            results[id(d)] = d._result([next(outcomes) for _ in ts])
    return [results[id(d)] for d in derivations]


def _proved_relations(results: list[DerivationResult]) -> list[tuple[sp.Expr, str, sp.Expr,
                                                                      str]]:
    """(e_i, R, e_j, where) for every run of proved steps i+1..j of the given chains: each
    such run proves e_i R e_j. The chains' conclusions first, then the longer runs."""
    out = []
    for r in results:
        exprs, n = r.derivation.expressions, len(r.steps)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if all(s.verdict is Verdict.PROVED for s in r.steps[i:j]):
                    ops = [s.step.op for s in r.steps[i:j]]
                    where = (f"{r.derivation.title}, steps {i + 1}-{j}" if j > i + 1
                             else f"{r.derivation.title}, step {j}")
                    out.append((j - i, exprs[i], chain_relation(ops), exprs[j], where))
    out.sort(key=lambda x: -x[0])
    return [x[1:] for x in out]


# What `d op 0` (op in =, <=, <) gives: d = 0 gives d <= 0, d < 0 gives d <= 0.
_GIVES = {"=": ("=", "<="), "<=": ("<=",), "<": ("<", "<=")}


def _restated(lhs: sp.Expr, op: str, rhs: sp.Expr, relations: list, a: Assumptions,
              seconds: float) -> Outcome | None:
    """The step proved as a relation the chains above proved, or None.

    `lhs op rhs` follows from a proved `x R y` when lhs - rhs = x - y (or y - x, for the
    opposite direction) is proved symbolically on the whole declared domain and R gives op
    (= gives = and the non-strict ones; < gives <=): a restatement row such as `\therefore
    -int p log q >= -int p log p` below `int p log p - int p log q >= 0`. Same declarations
    (the caller keeps only chains with this one's); one time limit for the whole search.
    """
    want, want_op = _as_difference(_REL[op](lhs, rhs, evaluate=False))
    try:
        with time_limit(seconds):
            for x, rel, y, where in relations:
                got, got_op = _as_difference(_REL[rel](x, y, evaluate=False))
                if want_op not in _GIVES[got_op]:
                    continue
                for sign in ((1, -1) if got_op == "=" else (1,)):
                    method = prove_equal(want, sign * got, a, seconds=seconds)
                    if method:
                        return Outcome(Verdict.PROVED, f"restates {x} {rel} {y} ({where}, "
                                       f"proved above): the difference of its sides is that "
                                       f"relation's ({method})")
    except OutOfTime:
        return None
    return None


def explicit_dependence(d: Derivation) -> tuple[Callable[[sp.Basic], sp.Basic], str]:
    """The rewrite that makes the chain's dependence on its parameters explicit, and a note.

    In a chain that differentiates an expectation in theta, a symbol or a density named
    without arguments may depend on theta unless declared constant (`Assumptions.constants`):
    the same rewrite (mu -> mu(theta), E_{z ~ q} -> E_{z ~ q(., theta)}) applies to every step,
    lemma and the statement, so a symbol means one thing throughout the chain.
    """
    exprs = [*d.expressions, d.statement.lhs, d.statement.rhs]
    params = differentiated_parameters(exprs)
    rewrite = dependence(exprs, params, d.assumptions.is_constant)
    changed = sorted({str(s) for e in exprs for s in e.free_symbols if rewrite(s) != s}
                     | {str(q) for e in exprs for q in density_laws(e)
                        if not d.assumptions.is_constant(q)} if params else set())
    if not changed:
        return rewrite, ""
    names = ", ".join(str(p) for p in sorted(params, key=str))
    return rewrite, (f"{', '.join(changed)} taken to depend on {names} (declare them constant "
                     f"if they do not)")


def _explicit_step(step: Step, rewrite: Callable[[sp.Basic], sp.Basic]) -> Step:
    """The step with the rewrite applied to its expression and its lemma's arguments."""
    by = step.by
    if isinstance(by, LemmaUse):
        try:
            by = by.xreplace(rewrite)
        except ValueError as exc:
            by = f"{by.describe()} (does not apply once dependence is explicit: {exc})"
    return Step(step.op, rewrite(step.expr), by, step.uses)


def law_conditions(exprs: list[sp.Basic], a: Assumptions
                   ) -> tuple[list[str], list[str], tuple[sp.Rel, ...]]:
    """The conditions of the laws the expressions use: (proved, not proved, facts to sample).

    A normal law needs real means and variances > 0 (proved by sign analysis from the
    declarations; a variance not proved positive restricts the numeric search); an
    abstract density used as a law, and every distribution or density inside D_KL and H,
    must be declared (`Assumptions.distributions` / `densities`).
    """
    proved: list[str] = []
    missing: list[str] = []
    facts: list[sp.Rel] = []
    declared = {d.function for d in a.densities}
    bases = {d.base for d in a.distributions}
    for text, kind, v in {c: None for e in exprs for c in normal_conditions(e)}:
        if v.is_Number:
            continue  # N(0, 1): nothing to say (Normal refuses a variance <= 0)
        if kind == "real":
            (proved if v.is_real else missing).append(text)
        elif _positive(v, a):
            proved.append(text)
        else:
            missing.append(text)
            facts.append(sp.Gt(v, 0))
    laws = {q for e in exprs for q in density_laws(e)}
    for node in {n for e in exprs for n in e.atoms(InformationQuantity)}:
        for p in node.distributions:
            if isinstance(p, sp.Indexed) and p.base not in bases:
                missing.append(f"{p.base} a declared distribution (in {node})")
            elif isinstance(p, AppliedUndef):
                laws.add(p.func)
    for q in sorted(laws, key=str):
        (proved if q in declared else missing).append(f"{q} a declared density")
    return proved, missing, tuple(facts)


def _positive(e: sp.Expr, a: Assumptions) -> bool:
    """e > 0 declared as a hypothesis or by sign analysis, within the time limit."""
    try:
        with time_limit(DEFAULT_SECONDS):
            return _by_hypothesis(e, ">", 0, a) or prove_sign(e, a, strict=True) is not None
    except (OutOfTime, Exception):  # out of time, or a crash inside SymPy: not proved
        return False


def _as_difference(rel: sp.Basic) -> tuple[sp.Expr, str]:
    """Write a relation as `d op 0` with op in =, <=, <."""
    op = {sp.Eq: "=", sp.Le: "<=", sp.Lt: "<", sp.Ge: ">=", sp.Gt: ">"}[type(rel)]
    if op in (">=", ">"):
        return rel.rhs - rel.lhs, op[0].replace(">", "<") + op[1:]
    return rel.lhs - rel.rhs, op
