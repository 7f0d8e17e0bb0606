"""derive-verify: machine-checked derivations for information theory and variational inference.

The public API: build a `Derivation` from `Step`s under declared `Assumptions`, justify
inequality steps with lemmas from `derive.engine.lemmas`, and `check()` it. Names are
imported on first use, so that `derive --help` starts without loading SymPy.

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
    "Assumptions": "engine.assumptions", "Density": "engine.assumptions",
    "Distribution": "engine.assumptions", "Rule": "engine.assumptions",
    "Identity": "identities.identity", "all_identities": "identities.catalogue",
    "lookup": "identities.catalogue", "check_equal": "engine.checks",
    "check_relation": "engine.checks", "Confirmation": "engine.confirmation",
    "KL": "engine.definitions", "CrossEntropy": "engine.definitions",
    "Entropy": "engine.definitions", "Derivation": "engine.derivation",
    "DerivationResult": "engine.derivation", "Step": "engine.derivation",
    "StepResult": "engine.derivation", "LEMMAS": "engine.lemmas",
    "hypothesis": "engine.lemmas", "jensen": "engine.lemmas", "log_le_sub_one": "engine.lemmas",
    "log_monotone": "engine.lemmas", "gibbs": "engine.lemmas",
    "Expectation": "engine.expectation", "Normal": "engine.expectation",
    "DiagNormal": "engine.expectation", "Outcome": "engine.verdict",
    "Verdict": "engine.verdict", "verify": "verify",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        import_module("derive.notation.writer")  # installs the Jupyter display of chains
        return getattr(import_module(f"derive.{_HOME[name]}"), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")
