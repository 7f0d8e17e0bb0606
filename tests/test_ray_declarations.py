"""A bound on a symbol (`% assume: y > 1`) is the interval (1, oo), used by the symbolic checks.

The engine writes y as 1 + u with u > 0, so y - 1 > 0 is seen by sign analysis; the bound is
kept as a fact too, and a sign declared before (y > 0, then y < 5) or the symbol's kind
(n positive integer, then n > 1) is kept. Each proved step has a false neighbour, and the step
with the bound dropped or weakened is not proved.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp

from derive.engine.verdict import Verdict
from derive.notation.document import read_latex
from derive.notation.reader import ParseError

HEADER = "% assume: {}\n\\begin{{align*}}\n{}\n\\end{{align*}}\n"
NOT_PROVED = {Verdict.REFUTED, Verdict.UNDECIDED}


def verdict(assume: str, step: str) -> Verdict:
    (chain,) = read_latex(HEADER.format(assume, step))
    return replace(chain.derivation, seconds=3.0).check(seed=0).steps[0].verdict


def test_a_lower_bound_proves_the_log_of_a_square_splits():
    assert verdict("y > 1", r"\log((y-1)^2) = 2 \log(y - 1)") is Verdict.PROVED


def test_a_weaker_bound_does_not():
    assert verdict("y > 1/2", r"\log((y-1)^2) = 2 \log(y - 1)") is Verdict.REFUTED
    assert verdict("y > 0", r"\log((y-1)^2) = 2 \log(y - 1)") is Verdict.REFUTED
    assert verdict("y > 0", r"\frac{1}{y-1} > 0") is Verdict.REFUTED


def test_a_strict_bound_gives_a_strict_sign_and_a_closed_one_does_not():
    assert verdict("y > 1", r"\frac{1}{y-1} > 0") is Verdict.PROVED
    assert verdict("y > 2", r"\log(y - 1) > 0") is Verdict.PROVED
    assert verdict(r"y \ge 1", r"\frac{1}{y-1} > 0") in NOT_PROVED  # undefined at y = 1
    assert verdict(r"y \ge 1", r"\log(y - 1) \ge 0") is Verdict.REFUTED


def test_an_upper_bound_keeps_a_sign_declared_before_it():
    for assume in ("y > 0, y < 5", "y < 5, y > 0"):
        assert verdict(assume, r"\sqrt{y^2} = y") is Verdict.PROVED
        assert verdict(assume, r"\log(5 - y) + \log(y) = \log(5y - y^2)") is Verdict.PROVED
        assert verdict(assume, r"y < 4") is Verdict.REFUTED


def test_a_negative_ray_makes_a_negative_symbol():
    assert verdict("y < -1", r"\sqrt{y^2} = -y") is Verdict.PROVED
    assert verdict("y < -1", r"\sqrt{y^2} = y") is Verdict.REFUTED


def test_an_integer_stays_an_integer():
    (chain,) = read_latex(HEADER.format("n positive integer, n > 1", "n = n"))
    (n,) = chain.derivation.start.free_symbols
    assert n.is_integer and n.is_positive
    assert verdict("n positive integer, n > 1", r"n - 3 \ge 0") is Verdict.REFUTED


def test_the_bound_is_kept_as_a_fact_and_as_an_interval():
    (chain,) = read_latex(HEADER.format("y > 1", "y = y"))
    a = chain.derivation.assumptions
    (y,) = chain.derivation.start.free_symbols
    assert a.interval_of(y) == sp.Interval.open(1, sp.oo)
    assert sp.Gt(y, 1) in a.facts


def test_bounds_that_leave_nothing_are_a_located_error():
    with pytest.raises(ParseError, match="leaves no value"):
        read_latex(HEADER.format("y > 0, y < -1", "y = y"))


def test_a_fact_that_a_later_sign_makes_true_is_kept_unevaluated():
    """y + 1 > 0 read before y > 0 became the constant True, which is no relation: the
    file could not be read."""
    (chain,) = read_latex(HEADER.format("y + 1 > 0, y > 0", "y = y"))
    assert all(isinstance(f, sp.Rel) for f in chain.derivation.assumptions.facts)
    assert verdict("y + 1 > 0, y > 0", r"\sqrt{y^2} = y") is Verdict.PROVED
