"""The `derive` command: verbs, JSON, exit statuses and one-line errors."""

import json
import subprocess
import sys

import pytest

from derive.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                          text=True, timeout=300)


def test_list_names_every_part1_identity(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for key in ("1a", "kl-asymmetry", "1b", "kl-decomposition", "1c", "kl-nonnegative",
                "1d", "kl-zero-iff-equal"):
        assert key in out


def test_verify_part1_symbolic_json(capsys):
    assert main(["verify", "1a", "kl-decomposition", "1c", "1d", "--json", "--no-numeric"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == ["1a", "1b", "1c", "1d"]
    for d in data:
        assert d["verdict"] == "proved" and d["part"] == d["id"]
        assert all(s["verdict"] == "proved" for der in d["derivations"] for s in der["steps"])


def test_verify_with_numeric_confirmations_reports_figures(capsys):
    assert main(["verify", "1a", "--json"]) == 0
    (d,) = json.loads(capsys.readouterr().out)
    mc = [c for c in d["confirmations"] if "se" in c["figures"]]
    assert mc, "1a has Monte Carlo confirmations with standard errors"
    for c in mc:
        assert {"n", "se", "z", "threshold"} <= set(c["figures"])


def test_show_prints_steps_justifications_and_side_conditions(capsys):
    assert main(["show", "1c"]) == 0
    out = capsys.readouterr().out
    assert "Jensen's inequality" in out and "side conditions:" in out
    assert "log t <= t - 1" in out and out.count("✓ proved") >= 8


@pytest.mark.parametrize("args", [["verify", "9z"], ["show", "nope"], ["bogus"], [],
                                  ["verify", "--frobnicate"], ["show"]])
def test_bad_usage_is_one_line_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: error:"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_and_version_start_without_sympy_or_torch():
    code = ("import sys; from derive.cli.main import build_parser; build_parser(); "
            "print('sympy' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out
    assert run("--help").returncode == 0
    assert "derive-verify" in run("--version").stdout


def test_derive_package_never_imports_torch():
    code = ("import sys, derive, derive.cli.main, derive.identities.catalogue, derive.verify\n"
            "import derive.cli.render\n"
            "from derive.identities.catalogue import all_identities\n"
            "[i.derivations() for i in all_identities()]\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out
