"""Mutation testing of the soundness-critical code with cosmic-ray (not part of the test run).

    pip install -e ".[mutation]"
    python bench/mutation.py derive/engine/lemmas.py [--timeout 120] [--all-operators]
                             [--json OUT] [--keep DIR]

Each mutant (one small change to the module: an operator, a constant, a condition) is applied
to a copy of the tracked tree in a temporary folder, never to the working copy, and the
module's fast tests (`SELECTIONS`, chosen to run in well under a minute) run against it with
a per-mutant timeout; a mutant is killed when they fail or time out. The score is killed /
(killed + survived). Every survivor is printed with its diff: each must be shown equivalent
or harmless, or a test added that kills it (docs/soundness.md, "Mutation testing").

By default the arithmetic and comparison replacements that only repeat another one at the
same site are left out (`REPEATS`: a + b as a * b, a & b, a << b, ... beside a - b; a == b as
a < b, a >= b, ... beside a != b), which cuts lemmas.py from 481 mutants to about 150 on this
shared machine; `--all-operators` runs cosmic-ray's full set.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Per module: the fast tests that cover it, broadest first (run with -x: the first failure
# kills). Files whose import builds the catalogues (test_soundness, test_bad_input) are left
# out: under load their start-up alone doubles the time per mutant.
SELECTIONS: dict[str, tuple[str, ...]] = {
    "derive/engine/lemmas.py": (
        "tests/test_engine.py", "derive/engine/lemmas.py", "tests/test_mutants.py",
    ),
    "derive/engine/checks.py": (
        "tests/test_engine.py", "derive/engine/checks.py", "tests/test_mutants.py",
        "tests/test_mutants_checks.py", "tests/test_entry_intervals.py",
    ),
    "derive/engine/sampling.py": (
        "tests/test_engine.py", "tests/test_mutants.py", "tests/test_properties.py",
        "tests/test_trust_checks.py", "tests/test_mutants_sampling.py",
    ),
    "derive/engine/derivation.py": (
        "tests/test_engine.py", "derive/engine/derivation.py", "tests/test_mutants.py",
        "tests/test_mutants_derivation.py",
    ),
    "derive/engine/expectation.py": (
        "tests/test_expectation.py", "derive/engine/expectation.py",
    ),
    "derive/notation/document.py": (
        "tests/test_mutants_document.py", "tests/test_ray_declarations.py",
        "tests/test_header_forms.py",
        "tests/test_adversary_intervals.py", "tests/test_entry_intervals.py",
        "tests/test_reader_reach.py", "tests/test_latex_parser.py", "tests/test_check.py",
    ),
}
DESELECT = "not time_limit"  # test_engine's time-limit test is slow and covers timelimit.py
REPEATS = (  # kept: + as -, - as +, * as /, | as &; == as !=, != as ==; is / is not swapped
    r"core/ReplaceBinaryOperator_(?!(Add_Sub|Sub_Add|Mul_Div|BitOr_BitAnd)$)",
    r"core/ReplaceComparisonOperator_(Eq|NotEq)_(Gt|GtE|Lt|LtE|Is|IsNot)$",
)


def _copy_tree(dest: Path) -> None:
    """The tracked files of the working copy (committed or not) into dest."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def _config(module: str, timeout: float, all_operators: bool) -> str:
    tests = " ".join(SELECTIONS[module])
    command = (f"{sys.executable} -m pytest -n 0 -x -q -p no:cacheprovider "  # one process
               f"-p no:hypothesispytest "
               f"--doctest-modules "
               f"-k '{DESELECT}' {tests}")
    excluded = "" if all_operators else ", ".join(json.dumps(r) for r in REPEATS)
    return (f'[cosmic-ray]\nmodule-path = "{module}"\ntimeout = {timeout}\n'
            f'excluded-modules = []\ntest-command = "{command}"\n\n'
            f'[cosmic-ray.distributor]\nname = "local"\n\n'
            f"[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n")


def _run(args: list[str], cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, env={**os.environ, "PYTHONPATH": str(cwd)})


def _results(session: Path) -> dict:
    """Score, counts and every survivor (operator, line, diff) from a cosmic-ray session."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    counts = {"killed": 0, "timeout": 0, "survived": 0, "skipped": 0, "incompetent": 0}
    survivors = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                counts["skipped"] += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                counts["survived"] += 1
                (m,) = item.mutations
                survivors.append({"operator": m.operator_name, "line": m.start_pos[0],
                                  "diff": result.diff})
            elif result.test_outcome == TestOutcome.KILLED:
                counts["timeout" if result.output == "timeout" else "killed"] += 1
            else:
                counts["incompetent"] += 1
        pending = sum(1 for _ in db.pending_work_items)
    run = counts["killed"] + counts["timeout"] + counts["survived"]
    score = (counts["killed"] + counts["timeout"]) / run if run else float("nan")
    return {**counts, "pending": pending, "score": score,
            "survivors": sorted(survivors, key=lambda s: s["line"])}


def _sample(session: Path, n: int) -> None:
    """Leave n of the pending mutants, drawn at random with a fixed seed from the list sorted
    by position and operator (job ids are random), and mark the rest skipped: the score of a
    random sample estimates the module's score (see `_wilson`) in a fraction of the time."""
    import random

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = sorted(db.pending_work_items, key=lambda w: (
            w.mutations[0].start_pos, w.mutations[0].operator_name, w.mutations[0].occurrence))
        keep = {w.job_id for w in random.Random(0).sample(pending, min(n, len(pending)))}
        for w in pending:
            if w.job_id not in keep:
                db.set_result(w.job_id, WorkResult(WorkerOutcome.SKIPPED, "not sampled"))


def _only_lines(session: Path, first: int, last: int) -> None:
    """Mark skipped every pending mutant outside lines first..last (a part of a module, such
    as the header declarations of document.py, run on its own)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        for w in list(db.pending_work_items):
            if not first <= w.mutations[0].start_pos[0] <= last:
                db.set_result(w.job_id, WorkResult(WorkerOutcome.SKIPPED, "outside the lines"))


def _wilson(k: int, n: int) -> list[float] | None:
    """The 95% Wilson interval of a proportion k / n (the score of a random sample)."""
    if n == 0:
        return None
    z, p = 1.959964, k / n
    mid, half = (p + z * z / (2 * n)), z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5
    return [round((mid - half) / (1 + z * z / n), 3), round((mid + half) / (1 + z * z / n), 3)]


def _recheck(module: str, session: Path, timeout: float, json_out: Path | None,
             lines: list[int] | None = None) -> int:
    """Each survivor of a kept session applied (`patch`, which allows moved lines) to a fresh
    copy of today's tree and tested with today's selection: killed, survived, or not
    applicable (the code it changed has changed)."""
    survivors = [s for s in _results(session)["survivors"] if not lines or s["line"] in lines]
    command = _config(module, timeout, False).split('test-command = "')[1].split('"\n')[0]
    out = []
    for s in survivors:
        with tempfile.TemporaryDirectory(prefix="derive-recheck-") as tmp:
            work = Path(tmp)
            _copy_tree(work)
            diff = s["diff"].split("\n", 1)[1] if s["diff"].startswith("---") and \
                "mutation diff" in s["diff"].splitlines()[0] else s["diff"]
            diff += "" if diff.endswith("\n") else "\n"  # patch needs the last line ended
            applied = subprocess.run(["patch", "-p1", "--fuzz=0", "-s"], cwd=work,
                                     input=diff, text=True, capture_output=True)
            if applied.returncode:
                outcome = "not applicable"
            else:
                try:
                    run = subprocess.run(command, shell=True, cwd=work, timeout=timeout,
                                         capture_output=True,
                                         env={**os.environ, "PYTHONPATH": str(work)})
                    outcome = "killed" if run.returncode else "survived"
                except subprocess.TimeoutExpired:
                    outcome = "killed"  # a timeout counts as killed, as in cosmic-ray
        out.append({**s, "recheck": outcome})
        print(f"{outcome:15} line {s['line']} {s['operator']}", flush=True)
    counts = {k: sum(o["recheck"] == k for o in out)
              for k in ("killed", "survived", "not applicable")}
    print(json.dumps(counts))
    if json_out:
        json_out.write_text(json.dumps({"module": module, **counts, "survivors": out},
                                       indent=1) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", choices=sorted(SELECTIONS))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--all-operators", action="store_true")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--recheck", type=Path, help="a kept folder: run its survivors again "
                        "against today's tests (after tests were added to kill them)")
    parser.add_argument("--lines", type=int, nargs="+", help="with --recheck: only the "
                        "survivors at these lines (of the run's copy)")
    parser.add_argument("--lines-between", type=int, nargs=2, metavar=("FIRST", "LAST"),
                        help="only the mutants in these lines of the module")
    parser.add_argument("--sample", type=int, help="run only this many mutants, drawn at "
                        "random (seed 0) from those left after the filter")
    args = parser.parse_args(argv)
    if shutil.which("cosmic-ray") is None:
        parser.error("cosmic-ray is not installed: pip install -e '.[mutation]'")
    if args.recheck:
        return _recheck(args.module, args.recheck / "session.sqlite", args.timeout, args.json,
                        args.lines)
    work = args.keep or Path(tempfile.mkdtemp(prefix="derive-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    _copy_tree(work)
    (work / "mutation.toml").write_text(_config(args.module, args.timeout, args.all_operators))
    session = work / "session.sqlite"
    start = time.monotonic()
    _run(["cosmic-ray", "init", "mutation.toml", "session.sqlite"], work)
    _run(["cr-filter-operators", "session.sqlite", "mutation.toml"], work)
    if args.lines_between:
        _only_lines(session, *args.lines_between)
    if args.sample is not None:
        _sample(session, args.sample)
    _run(["cosmic-ray", "baseline", "mutation.toml"], work)  # unmutated, the tests must pass
    _run(["cosmic-ray", "exec", "mutation.toml", "session.sqlite"], work)
    out = {"module": args.module, "tests": list(SELECTIONS[args.module]),
           "seconds_per_mutant": args.timeout, "all_operators": args.all_operators,
           "sample": args.sample, "lines_between": args.lines_between,
           "seconds": round(time.monotonic() - start),
           **_results(session)}
    out["score_95"] = _wilson(out["killed"] + out["timeout"],
                              out["killed"] + out["timeout"] + out["survived"])
    for s in out["survivors"]:
        print(f"SURVIVED line {s['line']} {s['operator']}\n{s['diff']}")
    print(json.dumps({k: v for k, v in out.items() if k != "survivors"}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
