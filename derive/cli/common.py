"""What every verb shares: exit codes, the one-line usage error, the parser, ID lookup."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: reported on one line with exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + error
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def identities(keys: Sequence[str]) -> list:
    """The identities named by ID or alias (all of them when none is named)."""
    from derive.identities.catalogue import all_identities, lookup

    if not keys:
        return all_identities()
    try:
        chosen = [lookup(k) for k in keys]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return list(dict.fromkeys(chosen))


def json_safe(value: object) -> object:
    """Strict JSON: a non-finite float becomes the string "inf", "-inf" or "nan"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
