"""Bad input everywhere a user gives it: a one-line ValueError from the API, exit status 2 and
one line on stderr (no traceback, no partial file) from the CLI; numeric.mc.information's
conventions at zeros (0 log 0 = 0, KL = +inf reported as inf)."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy.stats import entropy as sp_entropy

from derive import Assumptions, Density, Derivation, Distribution, Step
from derive.engine.checks import check_equal, check_relation
from derive.engine.lemmas import hypothesis, jensen, log_le_sub_one
from derive.identities.catalogue import lookup
from numeric.mc.information import SUM_TOLERANCE, cross_entropy, entropy, kl_divergence

ROOT = Path(__file__).resolve().parent.parent
x = sp.Symbol("x", positive=True)
i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
p = sp.IndexedBase("p", positive=True)
EQ = sp.Eq(x, x + 1, evaluate=False)


def ok_step() -> Step:
    return Step("=", x)


API_CASES = {
    "step relation ==": lambda: Step("==", x),
    "step relation =<": lambda: Step("=<", x),
    "step relation None": lambda: Step(None, x),
    "step expression None": lambda: Step("=", None),
    "step expression a relation": lambda: Step("=", sp.Eq(x, 1, evaluate=False)),
    "step expression a bool": lambda: Step("=", True),
    "step expression a list": lambda: Step("=", [x]),
    "step expression unparsable": lambda: Step("=", "x +"),
    "step uses a bare string": lambda: Step("=", x, uses="x > 0"),
    "step justification a number": lambda: Step("=", x, by=3),
    "derivation without steps": lambda: Derivation("t", EQ, x, []),
    "derivation steps None": lambda: Derivation("t", EQ, x, None),
    "derivation step a tuple": lambda: Derivation("t", EQ, x, [("=", x)]),
    "derivation statement an expression": lambda: Derivation("t", x, x, [ok_step()]),
    "derivation statement True": lambda: Derivation("t", sp.Eq(x, x), x, [ok_step()]),
    "derivation statement Ne": lambda: Derivation("t", sp.Ne(x, 1), x, [ok_step()]),
    "derivation statement a string": lambda: Derivation("t", "x = 1", x, [ok_step()]),
    "derivation mixes <= and >=": lambda: Derivation(
        "t", sp.Le(x, x + 2), x, [Step("<=", x + 1), Step(">=", x + 2)]),
    "derivation start None": lambda: Derivation("t", EQ, None, [ok_step()]),
    "derivation assumptions a dict": lambda: Derivation("t", EQ, x, [ok_step()], {}),
    "derivation seconds negative": lambda: Derivation("t", EQ, x, [ok_step()], Assumptions(), -1),
    "derivation seconds NaN": lambda: Derivation("t", EQ, x, [ok_step()], Assumptions(),
                                                 float("nan")),
    "derivation seconds a string": lambda: Derivation("t", EQ, x, [ok_step()], Assumptions(), "1"),
    "derivation title None": lambda: Derivation(None, EQ, x, [ok_step()]),
    "distribution total two": lambda: Distribution(p, i, n, total="two"),
    "distribution base a string": lambda: Distribution("p", i, n),
    "distribution size 0": lambda: Distribution(p, i, 0),
    "distribution size -2": lambda: Distribution(p, i, -2),
    "distribution size 2.5": lambda: Distribution(p, i, sp.Rational(5, 2)),
    "distribution positive a string": lambda: Distribution(p, i, n, positive="no"),
    "density of a symbol": lambda: Density(x, x),
    "assumptions interval not an Interval": lambda: Assumptions(intervals=((x, "bad"),)),
    "assumptions fact an expression": lambda: Assumptions(facts=(x,)),
    "assumptions fact Ne": lambda: Assumptions(facts=(sp.Ne(x, 1),)),
    "assumptions distributions a Distribution": lambda: Assumptions(
        distributions=Distribution(p, i, n)),
    "check_equal without Assumptions": lambda: check_equal(x, x, None),
    "check_relation unknown relation": lambda: check_relation(x, "=<", 1, Assumptions()),
    "check_relation without Assumptions": lambda: check_relation(x, "<=", 1, {}),
    "jensen f not a Lambda": lambda: jensen(sp.log, p[i], p[i], (i, 1, n)),
    "jensen range too short": lambda: jensen(sp.Lambda(x, sp.log(x)), p[i], p[i], (i, 1)),
    "jensen domain unsupported": lambda: jensen(sp.Lambda(x, sp.log(x)), p[i], p[i], (i, 1, n),
                                                domain=sp.Interval(1, 2)),
    "log_le_sub_one range too short": lambda: log_le_sub_one(p[i], p[i], (i, 1)),
    "hypothesis strict": lambda: hypothesis(x, "<", 1),
    "lookup unknown id": lambda: lookup("9z"),
}


@pytest.mark.parametrize("name", list(API_CASES))
def test_public_api_rejects_bad_input_with_one_line_value_error(name: str):
    with pytest.raises(ValueError) as info:
        API_CASES[name]()
    message = str(info.value)
    assert message and "\n" not in message, message


# ---------------------------------------------------------------- numeric.mc.information
BAD_DISTRIBUTIONS = {
    "negative entry": ([0.5, -0.1, 0.6], "negative"),
    "sum 0.9": ([0.5, 0.4], "sums to"),
    "sum 1 + 1e-6": ([0.5, 0.5 + 1e-6], "sums to"),
    "NaN": ([0.5, float("nan")], "NaN"),
    "inf": ([float("inf"), 0.5], "inf"),
    "-inf": ([-float("inf"), 1.0], "inf"),
    "empty": ([], "empty"),
    "2-D": ([[0.5, 0.5]], "1-D"),
    "strings": (["a", "b"], "array"),
    "None": (None, "1-D"),
}


@pytest.mark.parametrize("name", list(BAD_DISTRIBUTIONS))
@pytest.mark.parametrize("fn", ["entropy", "cross_entropy_p", "cross_entropy_q", "kl_p", "kl_q"])
def test_information_rejects_bad_distributions(name: str, fn: str):
    bad, word = BAD_DISTRIBUTIONS[name]
    good = [0.5, 0.5]
    call = {"entropy": lambda: entropy(bad),
            "cross_entropy_p": lambda: cross_entropy(bad, good),
            "cross_entropy_q": lambda: cross_entropy(good, bad),
            "kl_p": lambda: kl_divergence(bad, good),
            "kl_q": lambda: kl_divergence(good, bad)}[fn]
    with pytest.raises(ValueError, match=word) as info:
        call()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("fn", [cross_entropy, kl_divergence])
def test_information_rejects_mismatched_lengths(fn):
    with pytest.raises(ValueError, match="lengths"):
        fn([0.5, 0.5], [0.2, 0.3, 0.5])


@pytest.mark.parametrize("base", [1, 0, -2, float("nan"), float("inf"), "2", None])
def test_information_rejects_bad_base(base):
    with pytest.raises(ValueError, match="base"):
        entropy([0.5, 0.5], base=base)


def test_sum_tolerance_is_the_stated_one():
    inside = [0.5, 0.5 + 0.5 * SUM_TOLERANCE]
    assert entropy(inside) == pytest.approx(sp_entropy(inside), rel=1e-14)  # both normalise
    with pytest.raises(ValueError):
        entropy([0.5, 0.5 + 2 * SUM_TOLERANCE])


def test_zero_conventions():
    # 0 log 0 = 0: a zero entry contributes nothing.
    assert entropy([1.0, 0.0]) == 0.0
    assert entropy([0.5, 0.5, 0.0]) == pytest.approx(math.log(2), abs=1e-15)
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), abs=1e-15)
    assert cross_entropy([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), abs=1e-15)
    # q = 0 where p > 0: +inf, not NaN, and not an error.
    for value in (kl_divergence([0.5, 0.5], [1.0, 0.0]), cross_entropy([0.5, 0.5], [1.0, 0.0])):
        assert value == math.inf and not math.isnan(value)
    # q = 0 only where p = 0: finite.
    assert kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0


def test_information_agrees_with_scipy():
    from scipy.stats import entropy as scipy_entropy

    rng = np.random.default_rng(7)
    for _ in range(20):
        a, b = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
        assert kl_divergence(a, b) == pytest.approx(scipy_entropy(a, b), rel=1e-12, abs=1e-15)
        assert entropy(a, base=2) == pytest.approx(scipy_entropy(a, base=2), rel=1e-12)


# ---------------------------------------------------------------- the CLI
def derive(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def assert_usage_error(out: subprocess.CompletedProcess, *words: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and lines[0].startswith("derive: error:")
    for w in words:
        assert w in lines[0], lines[0]


CLI_CASES = {
    "no verb": ((), ("COMMAND",)),
    "unknown verb": (("frobnicate",), ("frobnicate",)),
    "verify unknown id": (("verify", "9z", "--no-numeric"), ("9z",)),
    "verify unknown option": (("verify", "--fast"), ("--fast",)),
    "show unknown id": (("show", "nope"), ("nope",)),
    "show no id": (("show",), ("ID",)),
    "latex unknown id": (("latex", "7q", "--no-numeric", "-o", "/tmp/derive-never"), ("7q",)),
    "cite unknown id": (("cite", "zz"), ("zz",)),
    "soundness bad seed": (("soundness", "--seed", "x"), ("--seed", "'x'")),
    "soundness unknown option": (("soundness", "--fast"), ("--fast",)),
    "check missing file": (("check", "/nonexistent/proof.tex"), ("/nonexistent/proof.tex",)),
}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_bad_usage_is_one_line_exit_2(name: str):
    args, words = CLI_CASES[name]
    assert_usage_error(derive(*args), *words)


def test_cli_unwritable_output_folder(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert_usage_error(derive("latex", "1a", "--no-numeric", "-o", str(blocker / "out")),
                       str(blocker))
    assert_usage_error(derive("latex", "1a", "--no-numeric", "-o", "/proc/derive-out"),
                       "/proc/derive-out")
    assert blocker.read_text() == "not a folder"


def test_cli_existing_output_is_kept_unless_forced(tmp_path: Path):
    out_dir = tmp_path / "tex"
    first = derive("latex", "1a", "--no-numeric", "-o", str(out_dir))
    assert first.returncode == 0, first.stderr
    written = {f.name: f.read_bytes() for f in out_dir.iterdir()}
    assert "1a.tex" in written
    (out_dir / "1a.tex").write_text("mine")
    again = derive("latex", "1a", "--no-numeric", "-o", str(out_dir))
    assert_usage_error(again, "exist", "--force")
    assert (out_dir / "1a.tex").read_text() == "mine"  # not overwritten, not truncated
    forced = derive("latex", "1a", "--no-numeric", "--force", "-o", str(out_dir))
    assert forced.returncode == 0, forced.stderr
    assert (out_dir / "1a.tex").read_bytes() == written["1a.tex"]
    assert not [f for f in out_dir.iterdir() if f.name.endswith(".tmp")]  # no leftovers


def test_cli_check_reports_a_parse_error_on_one_line(tmp_path: Path):
    bad = tmp_path / "bad.tex"
    bad.write_text("\\begin{align*}\n  \\log(x &= \\log x \\\\\n\\end{align*}\n")
    out = derive("check", str(bad))
    assert_usage_error(out, "bad.tex")


def test_cli_check_failed_verification_is_exit_1(tmp_path: Path):
    wrong = tmp_path / "wrong.tex"
    wrong.write_text("% assume: a > 0, b > 0\n\\begin{align*}\n"
                     "  \\log(a + b) &= \\log a + \\log b\n\\end{align*}\n")
    out = derive("check", str(wrong))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_cli_check_existing_latex_output(tmp_path: Path):
    ok = tmp_path / "ok.tex"
    ok.write_text("% assume: t > 0\n\\begin{align*}\n  \\log(t^2) &= 2 \\log t\n\\end{align*}\n")
    target = tmp_path / "annotated.tex"
    target.write_text("keep")
    out = derive("check", str(ok), "--latex", str(target))
    assert_usage_error(out, "exists")
    assert target.read_text() == "keep"
