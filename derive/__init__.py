"""derive-verify: machine-checked derivations for information theory and variational inference.

The public API: build a `Derivation` from `Step`s under declared `Assumptions`, justify
inequality steps with lemmas from `derive.lemmas`, and `check()` it. Names are imported on
first use, so that `derive --help` starts without loading SymPy.

>>> import sympy as sp
>>> from derive import Derivation, Step, log_le_sub_one
>>> t = sp.Symbol("t", positive=True)
>>> d = Derivation("log t <= t - 1", sp.Le(sp.log(t), t - 1), sp.log(t),
...                [Step("<=", t - 1, log_le_sub_one(1, t))])
>>> d.check().verdict
<Verdict.PROVED: 'proved'>
"""

from importlib import import_module

__version__ = "0.1.0"

_HOME = {
    "Assumptions": "assumptions", "Density": "assumptions", "Distribution": "assumptions",
    "Rule": "assumptions", "Identity": "catalogue", "all_identities": "catalogue",
    "lookup": "catalogue", "check_equal": "checks", "check_relation": "checks",
    "Confirmation": "confirmation", "KL": "definitions", "CrossEntropy": "definitions",
    "Entropy": "definitions", "Derivation": "derivation", "DerivationResult": "derivation",
    "Step": "derivation", "StepResult": "derivation", "LEMMAS": "lemmas",
    "hypothesis": "lemmas", "jensen": "lemmas", "log_le_sub_one": "lemmas",
    "log_monotone": "lemmas", "gibbs": "lemmas", "Expectation": "expectation",
    "Normal": "expectation", "DiagNormal": "expectation", "Outcome": "verdict",
    "Verdict": "verdict", "verify": "verify",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(import_module(f"derive.{_HOME[name]}"), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
