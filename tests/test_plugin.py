"""The pytest plugin (derive.serve.pytest_plugin), run as a course repository would run it,
in a fresh pytest session (pytester): proved chains pass, a wrong step fails with its
counterexample, an undecided step fails or warns as configured, and without `--derive` the
plugin collects nothing.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import derive.cli.check  # noqa: F401 - loaded once here: in-process pytester runs cannot
import derive.notation.document  # noqa: F401 - import numpy a second time
import derive.serve.check  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "check_corpus"
PLUGIN = "derive.serve.pytest_plugin"
# Once the package is installed the entry point loads the plugin; before, `-p` does.
LOAD = [] if any(e.value == PLUGIN for e in entry_points(group="pytest11")) else ["-p", PLUGIN]

def _sheets(pytester: pytest.Pytester, *names: str) -> None:
    for name in names:
        pytester.makefile(".tex", **{name: (CORPUS / f"{name}.tex").read_text()})


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LOAD, "-p", "no:cacheprovider", *args)


def test_the_entry_point_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["pytest11"]["derive"] == PLUGIN


def test_proved_chains_pass_and_a_wrong_step_fails_with_its_counterexample(
        pytester: pytest.Pytester):
    _sheets(pytester, "kl_jensen_correct", "kl_decomposition_correct", "kl_arguments_swapped")
    run = _run(pytester, "--derive", "-v")
    run.assert_outcomes(passed=2, failed=1)
    out = run.stdout.str()
    assert "kl_jensen_correct.tex::chain at line 5 PASSED" in out
    assert "kl_arguments_swapped.tex::chain at line 4 FAILED" in out
    assert "kl_arguments_swapped.tex:6: step 2 (=) refuted: numeric counterexample; " \
           "counterexample: n = " in out


def test_without_the_option_nothing_is_collected(pytester: pytest.Pytester):
    _sheets(pytester, "kl_arguments_swapped")
    run = _run(pytester)
    assert run.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_ini_option_enables_it(pytester: pytest.Pytester):
    _sheets(pytester, "kl_arguments_swapped")
    pytester.makeini("[pytest]\nderive = true\n")
    _run(pytester).assert_outcomes(failed=1)


def test_an_undecided_step_fails_by_default_and_warns_when_asked(pytester: pytest.Pytester):
    _sheets(pytester, "reparam_abstract_dropped_term")  # mu, sigma unknown: step 2 undecided
    run = _run(pytester, "--derive")
    run.assert_outcomes(failed=1)
    assert "step 2 (=) undecided" in run.stdout.str()
    # in-process, the inner run would inherit this suite's "warnings are errors"
    pytester.makeini("[pytest]\nfilterwarnings =\n    default\n")
    warned = _run(pytester, "--derive", "--derive-undecided=warn")
    warned.assert_outcomes(passed=1, warnings=1)
    assert "DeriveUnprovedWarning" in warned.stdout.str()


def test_a_refuted_step_fails_even_under_warn(pytester: pytest.Pytester):
    _sheets(pytester, "log_of_sum")
    _run(pytester, "--derive", "--derive-undecided=warn").assert_outcomes(failed=1)


def test_an_unreadable_sheet_fails_at_its_line_and_a_sheet_without_chains_is_skipped(
        pytester: pytest.Pytester):
    pytester.makefile(".tex", broken="% assume: a > 0\n\\begin{align*}\n a &= {b \\\\\n"
                                     "\\end{align*}\n", notes="\\section{Notes} no chains here\n")
    run = _run(pytester, "--derive")
    run.assert_outcomes(failed=1)
    assert "broken.tex: line 3, column" in run.stdout.str()
