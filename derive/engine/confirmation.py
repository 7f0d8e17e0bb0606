"""The outcome of a numeric confirmation, shared by `numeric/` and the `derive` command.

Kept in `derive/` (which never imports torch) so that the CLI can type and print results
while the numeric modules that compute them are imported only when a check runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Confirmation:
    """One numeric check: its name, whether it passed, its figures, and a one-line summary.

    `figures` must be JSON-serialisable (numbers, strings, lists, dicts): `derive verify --json`
    prints it as it is. A Monte Carlo check puts at least n, estimate, se, exact, z and
    threshold there.

    >>> c = Confirmation("kl", True, {"n": 10}, "KL matches")
    >>> c.passed
    True
    """

    name: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
