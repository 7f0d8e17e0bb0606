"""Steps checked in parallel processes get the verdicts of one process (derive.engine.parallel).

Each step draws its points from its own generator, so a step's outcome does not depend on
the steps before it or on the process it runs in. Speed is measured by bench/bench_check.py
(--sequential), never here.
"""

from __future__ import annotations

import dataclasses

import sympy as sp
from test_corpus import CORPUS_DIR

from derive.engine.derivation import Derivation, Step, check_all
from derive.engine.parallel import run_all
from derive.engine.timelimit import OutOfTime, time_limit
from derive.notation.document import read

# Mixed verdicts (refuted, undecided and proved steps), none of them decided by a time limit.
FILE = CORPUS_DIR / "spb_norm_dent_var_slip.tex"


def _outcomes(results: list) -> list:
    return [o for r in results for o in (*(s.outcome for s in r.steps), r.conclusion)]


def test_parallel_verdicts_are_the_sequential_ones() -> None:
    derivations = [c.derivation for c in read(FILE)]
    one = check_all(derivations, workers=1)
    two = check_all(derivations, workers=2)
    assert _outcomes(two) == _outcomes(one)
    assert {s.verdict.value for r in one for s in r.steps} >= {"refuted", "proved"}


def test_a_step_does_not_depend_on_the_steps_before_it() -> None:
    x = sp.Symbol("x", real=True)
    # Step 2 draws 200 points (<=, searched in vain) or a few (=, refuted at once); step 3
    # draws the same points either way.
    steps = [Step("=", x + 0 * x), Step("<=", x**2 + 1), Step("=", x**2 + 2)]
    d = Derivation("t", sp.Le(x, x**2 + 2), x, steps)
    other = dataclasses.replace(d, statement=sp.Eq(x, x**2 + 2),
                                steps=[steps[0], Step("=", x**2 + 1), steps[2]])
    third = d.check().steps[2].outcome
    assert third.counterexample and third == other.check().steps[2].outcome


def _spin() -> str:
    try:
        with time_limit(0.2):
            while True:
                pass
    except OutOfTime:
        return "stopped"


def test_run_all_keeps_order_and_limits_in_workers() -> None:
    assert run_all([lambda k=k: k * k for k in range(5)], workers=2) == [0, 1, 4, 9, 16]
    assert run_all([_spin, _spin], workers=2) == ["stopped", "stopped"]
    with time_limit(30):  # inside an open limit the tasks run here, where it counts
        assert run_all([lambda: 1, lambda: 2], workers=2) == [1, 2]
