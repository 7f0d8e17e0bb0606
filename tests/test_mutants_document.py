"""Tests that kill the mutants of the reader's declarations (derive/notation/document.py,
`_preamble` .. `_generated_item`) the fast selection let through.

Each test names the mutant it kills (issue 13; bench/mutation.py --lines-between,
docs/soundness.md, "Mutation testing"). A declaration read as more than it says proves
false steps; read as less, it refutes true ones.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.engine.verdict import Verdict
from derive.notation.document import _split_items, read_latex
from derive.notation.reader import ParseError

HEADER = "% assume: {}\n\\begin{{align*}}\n{}\n\\end{{align*}}\n"


def verdict(assume: str, step: str) -> Verdict:
    (chain,) = read_latex(HEADER.format(assume, step))
    return replace(chain.derivation, seconds=3.0).check(seed=0).steps[0].verdict


def test_an_interval_reaching_below_zero_gives_no_sign():
    """Mutant: `interval.inf >= -1` in `_interval`: a in (-1/2, 1) was made a positive
    symbol, and a > 0 was proved."""
    assert verdict(r"a \in (-1/2, 1)", "a > 0") is Verdict.REFUTED
    assert verdict(r"a \in (0, 1)", "a > 0") is Verdict.PROVED  # control


def test_a_run_of_samples_after_another_item_stays_one_item():
    """Mutant: `runs[-0]` for `runs[-1]` in `_split_items`: `x_1, \\dots, x_S` after another
    item overwrote the first item of the line."""
    items = [i.strip() for i, _ in _split_items(r"S > 1, x_1, \dots, x_S \sim p iid")]
    assert items == ["S > 1", r"x_1, \dots, x_S \sim p iid"]


def test_a_list_that_starts_with_dots_is_a_located_error():
    """Mutant: `len(runs) > 0`: a leading `\\dots` was joined to a run that does not exist
    (an IndexError, a traceback), not reported at its place."""
    with pytest.raises(ParseError, match=r"\\dots is not in the notation"):
        read_latex(HEADER.format(r"\dots, x > 0", "x = x"))


def test_a_function_declaration_wants_variables():
    """Mutant: `not params and not all(...)`: `L(1) function` (a number, not a variable) was
    accepted."""
    with pytest.raises(ParseError, match="expected a name applied to variables"):
        read_latex(HEADER.format("L(1) function", "x = x"))


def test_the_cross_entropy_of_two_declared_densities_is_the_one_the_reader_knows():
    """Mutant: `set(h.ctx.densities) & set(h.ctx.shorthand)`: densities were not laws, so
    H(p, q) of two declared densities became a function of the header's own."""
    text = ("% assume: p, q densities over x\n"
            "% assume: \\mathrm{H}(p, q) = -\\int p(x) \\log q(x) dx\n"
            "\\begin{align*}\n\\mathrm{H}(p, q) = 0\n\\end{align*}\n")
    (chain,) = read_latex(text)
    assert not isinstance(chain.derivation.start, AppliedUndef)
    assert chain.derivation.start.has(sp.Integral)
