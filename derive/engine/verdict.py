"""Verdicts: what a check established about a step or a derivation, weakest wins."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    """The four outcomes. Only PROVED means a symbolic proof under the declared assumptions."""

    PROVED = "proved"
    CORROBORATED = "corroborated"  # agrees at every sampled point; not a proof
    UNDECIDED = "undecided"  # no proof and no counterexample (or out of time)
    REFUTED = "refuted"  # a counterexample was found

    @staticmethod
    def combine(verdicts: list[Verdict]) -> Verdict:
        """A chain is as strong as its weakest step; one refuted step refutes it."""
        order = [Verdict.REFUTED, Verdict.UNDECIDED, Verdict.CORROBORATED, Verdict.PROVED]
        for v in order:
            if v in verdicts:
                return v
        return Verdict.PROVED


@dataclass(frozen=True)
class Outcome:
    """The result of one check: the verdict, how it was reached, and any counterexample.

    `counterexample` maps a variable's name to the value it took, with the two sides' values
    under the keys "lhs" and "rhs".
    """

    verdict: Verdict
    method: str
    counterexample: dict[str, str] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def proved(self) -> bool:
        return self.verdict is Verdict.PROVED
