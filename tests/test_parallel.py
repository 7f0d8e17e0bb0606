"""Steps checked in parallel processes get the verdicts of one process (derive.engine.parallel).

Each step draws its points from its own generator, so a step's outcome does not depend on
the steps before it or on the process it runs in. Speed is measured by bench/bench_check.py
(--sequential), never here.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import sympy as sp
from test_corpus import CORPUS_DIR

from derive.engine.derivation import Derivation, Step
from derive.engine.parallel import run_all
from derive.engine.timelimit import OutOfTime, time_limit

# Mixed verdicts (refuted, undecided and proved steps), none of them decided by a time limit.
FILE = CORPUS_DIR / "spb_norm_dent_var_slip.tex"


def _check_json(jobs: int) -> list:
    """`derive check --json --jobs N` in a process of its own (single-threaded, so that it
    forks even where this one, a pytest-xdist worker with its threads, would not)."""
    run = subprocess.run([sys.executable, "-m", "derive", "check", "--json", "--jobs",
                          str(jobs), str(FILE)], capture_output=True, text=True, check=False,
                         cwd=Path(__file__).parent.parent)
    assert run.returncode == 1, run.stderr  # read and checked, not every step proved
    return json.loads(run.stdout)


def test_parallel_verdicts_are_the_sequential_ones() -> None:
    one, two = _check_json(1), _check_json(2)
    assert two == one
    assert {s["verdict"] for c in one for s in c["steps"]} >= {"refuted", "proved"}


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
