"""The `derive check FILE` verb: check a derivation someone wrote, step by step.

Reads a LaTeX chain or a Python file (see `derive.notation.document`), checks every step with the
engine and prints each verdict at the file's line: proved, corroborated, undecided, or
refuted with the counterexample. Exit 0 when every step is proved, 1 otherwise, 2 when the
file cannot be read (one line naming the line and column).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `check` to the `derive` command."""
    p = subparsers.add_parser(
        "check", help="check your own derivation (LaTeX align* chain or Python) step by step",
        description="Check every step of the derivations in FILE (.tex: align/align*/"
                    "derivation chains with `% assume:` and `% by:` comments; .py: a file "
                    "building Derivation objects, which is executed). Exit 0 when every step "
                    "is proved, 1 otherwise, 2 when FILE cannot be read.")
    p.add_argument("file", metavar="FILE", help="a .tex file or snippet, or a .py file")
    p.add_argument("--latex", metavar="OUT", help="write the annotated derivations as LaTeX")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--jobs", type=int, metavar="N", default=None,
                   help="check steps in N processes (default: one per available core; "
                        "the verdicts are the same as with 1)")
    p.set_defaults(run=cmd_check)


def _describe_ce(ce: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in ce.items())


def step_lines(name: str, chain: object, result: object) -> list[str]:
    """One line per step: FILE:LINE: step k (op) verdict: how [; counterexample]."""
    out = []
    readings = chain.readings or [[] for _ in chain.lines]
    reasons = chain.reasons or [[] for _ in chain.lines]
    for s, line, read_as, why in zip(result.steps, chain.lines, readings, reasons, strict=True):
        text = f"{name}:{line}: step {s.index} ({s.step.op}) {s.verdict.value}: " \
               f"{s.outcome.method}"
        if s.outcome.counterexample:
            text += f"; counterexample: {_describe_ce(s.outcome.counterexample)}"
        if s.outcome.notes and not s.outcome.proved:
            text += f" [{'; '.join(s.outcome.notes)}]"
        out.append(text)
        out += [f"    reason: {w}" for w in why]
        out += [f"    read as: {r}" for r in read_as]
    c = result.conclusion
    out.append(f"{name}:{chain.start_line}: chain {chain.derivation.title!r}: "
               f"{result.verdict.value} (conclusion: {c.verdict.value}, {c.method})")
    return out


def annotated_latex(name: str, pairs: list) -> str:
    """A standalone document: each chain with a verdict mark and a note on every step."""
    from derive import __version__
    from derive.notation.writer import PREAMBLE, derivation_block, prose

    body = [PREAMBLE, r"\begin{document}",
            rf"\section*{{derive check: {prose(name)}}}",
            rf"Checked by derive-verify {__version__}. Each step's line in the file is in "
            r"its note.", ""]
    for chain, result in pairs:
        body.append(" ".join(f"% step {k}: {name} line {ln}"
                             for k, ln in enumerate(chain.lines, start=1)))
        block = derivation_block(result)
        for s, ln in zip(result.steps, chain.lines, strict=True):
            block = block.replace(rf"\textbf{{({s.index})}}~",
                                  rf"\textbf{{({s.index}), line {ln}}}~", 1)
        body.append(block)
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def report(name: str, pairs: list) -> list[dict]:
    """What `derive check --json` prints (and `derive serve` answers): each chain's result
    with the file name, the chain's line and every step's line."""
    out = []
    for chain, result in pairs:
        d = result.as_dict()
        d["file"], d["line"] = name, chain.start_line
        for k, (step, line) in enumerate(zip(d["steps"], chain.lines, strict=True)):
            step["line"] = line
            step["read_as"] = chain.readings[k] if chain.readings else []
            step["reasons"] = chain.reasons[k] if chain.reasons else []
        out.append(d)
    return out


def cmd_check(args: argparse.Namespace) -> int:
    from derive.cli.common import UsageError
    from derive.engine.derivation import check_all
    from derive.engine.parallel import available_cores
    from derive.notation.document import read
    from derive.notation.reader import ParseError
    from derive.output import write_atomic

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    jobs = available_cores() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    try:
        chains = read(path)
    except ParseError as exc:
        raise UsageError(f"{path}: {exc}") from None
    pairs = list(zip(chains, check_all([c.derivation for c in chains], workers=jobs),
                     strict=True))
    if args.latex:
        write_atomic(Path(args.latex), annotated_latex(path.name, pairs), overwrite=args.force)
    if args.json:
        print(json.dumps(report(str(path), pairs), indent=2, default=str))
    else:
        for chain, result in pairs:
            print("\n".join(step_lines(str(path), chain, result)))
    ok = all(r.verdict.value == "proved" for _, r in pairs)
    return 0 if ok else 1
