"""Tests that kill the mutants of the reader's declarations (derive/notation/document.py,
`_preamble` .. `_generated_item`) the fast selection let through.

Each test names the mutant it kills (issue 13; bench/mutation.py --lines-between,
docs/soundness.md, "Mutation testing"). A declaration read as more than it says proves
false steps; read as less, it refutes true ones.
"""

from __future__ import annotations

from dataclasses import replace

from derive.engine.verdict import Verdict
from derive.notation.document import _split_items, read_latex

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
