"""Check one LaTeX text: the answer the page, the JSON API and the notebook magic share.

Only LaTeX is read (`read_latex`): nothing here accepts Python or runs code from the input.
The answer is plain data (it crosses a process boundary): `chains` is exactly what
`derive check --json` prints, `latex` what `derive check --latex` writes, `html` the rows
rendered for the page; or `error` with the `line` and `column` where reading stopped.
"""

from __future__ import annotations

import dataclasses
import json

from derive.engine.timelimit import DEFAULT_SECONDS

NAME = "input.tex"


def read_error(exc: BaseException) -> dict:
    """An input the reader could not take, as the one-line answer with its place."""
    from derive.notation.reader import ParseError

    if isinstance(exc, ParseError):
        return {"error": str(exc), "line": exc.line, "column": exc.column}
    if isinstance(exc, RecursionError):
        return {"error": "line 1, column 1: the input is nested too deeply to read",
                "line": 1, "column": 1}
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return {"error": f"line 1, column 1: cannot read this input: {msg}", "line": 1, "column": 1}


def check_pairs(text: str, *, step_seconds: float = DEFAULT_SECONDS) -> list:
    """(ReadChain, DerivationResult) for every chain of `text`; raises what the reader raises.

    `step_seconds` is the engine's CPU-time limit for each step (`Derivation.seconds`).
    """
    from derive.notation.document import read_latex

    chains = read_latex(text)
    return [(c, dataclasses.replace(c.derivation, seconds=step_seconds).check())
            for c in chains]


def answer(name: str, pairs: list) -> dict:
    """The answer for checked chains: `chains`, `latex` and `html`."""
    from derive.cli.check import annotated_latex, report
    from derive.serve.html import chain_html

    chains = json.loads(json.dumps(report(name, pairs), default=str))
    return {"chains": chains, "latex": annotated_latex(name, pairs),
            "html": "".join(chain_html(r, c.lines) for c, r in pairs)}


def check_text(text: str, *, name: str = NAME, step_seconds: float = DEFAULT_SECONDS) -> dict:
    """The answer for one text (see `answer`), or `error`, `line`, `column`."""
    try:
        pairs = check_pairs(text, step_seconds=step_seconds)
    except Exception as exc:  # the reader's ParseError, or anything it did not foresee
        return read_error(exc)
    return answer(name, pairs)
