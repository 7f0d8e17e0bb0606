"""LaTeX output: notation, a pinned derivation, refuted steps, compiling, the CLI, docs/latex.

Compiling needs a real pdflatex: without one the compile test is skipped with the reason,
except under CI (CI=true), where a missing pdflatex is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sympy as sp

from derive.cli import main
from derive.cli.latex import COMBINED, MARKDOWN, compile_pdf, latex_engine
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.engine.derivation import Derivation, Step
from derive.engine.verdict import Verdict
from derive.notation.writer import derivation_block, jupyter, latex, markdown, prose

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "latex_1c_jensen.tex"
DOCS = ROOT / "docs" / "latex"
REFRESH_DOCS = "derive latex --no-numeric --force -o docs/latex"
i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
t = sp.Symbol("t", positive=True)


def _jensen_1c() -> str:
    from derive.identities.kl import kl_nonnegative

    return derivation_block(kl_nonnegative()[0].check())


def _refuted() -> Derivation:
    """log t^2 = 3 log t is false for t > 0, t != 1: the step must be refuted."""
    return Derivation("a false rewrite", sp.Eq(sp.log(t**2), 3 * sp.log(t), evaluate=False),
                      sp.log(t**2), [Step("=", 3 * sp.log(t), "log of a power (wrongly)")])


def test_information_nodes_in_conventional_notation():
    lim = (i, 1, n)
    assert latex(KL(q[i], p[i], lim)) == r"D_{\mathrm{KL}}(q\,\|\,p)"
    assert latex(Entropy(p[i], lim)) == "H(p)"
    assert latex(CrossEntropy(p[i], q[i], lim)) == "H(p, q)"
    z, x = sp.Symbol("z", real=True), sp.Symbol("x", real=True)
    qphi = sp.Function("q_phi")
    assert latex(KL(qphi(z), sp.Function("p_z|x")(z), (z, -sp.oo, sp.oo))) == \
        r"D_{\mathrm{KL}}(q_{\phi}\,\|\,p{\left(z \mid x \right)})"
    assert latex(sp.log(x)) == r"\log x"  # natural log, printed \log


def test_products_and_logs_print_as_a_person_writes_them():
    """p_i \\log(q_i/p_i) with the log last and bare; brackets wherever a bare log could
    swallow what follows it (the reader takes the factors after an unbraced \\log)."""
    i = sp.Symbol("i", integer=True)
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    x, y = sp.Symbol("x", positive=True), sp.Symbol("y", positive=True)
    f = sp.Function("p")
    assert latex(p[i] * sp.log(q[i] / p[i])) == r"p_{i} \log\frac{q_{i}}{p_{i}}"
    assert latex(-p[i] * sp.log(p[i])) == r"- p_{i} \log p_{i}"
    assert latex(3 - sp.log(p[i])) == r"3 - \log p_{i}"
    assert latex(sp.log(f(x)) * x) == r"x \log p{\left(x \right)}"
    assert latex(x * sp.log(x) * sp.log(y)) == r"x \log{\left(x \right)} \log y"
    assert latex(sp.log(2 * sp.pi * x**2)) == r"\log{\left(2 \pi x^{2} \right)}"
    assert latex(sp.log(x + y)) == r"\log{\left(x + y \right)}"
    assert latex(sp.log(x) ** 2) == r"\log^{2}{\left(x \right)}"
    assert latex(sp.log(x) / y) == r"\frac{\log{\left(x \right)}}{y}"
    assert latex(sp.log(x**2)) == r"\log{\left(x^{2} \right)}"


def test_densities_named_by_their_variables():
    z, x = sp.Symbol("z"), sp.Symbol("x")
    assert latex(sp.Function("p_x|z")(z)) == r"p{\left(x \mid z \right)}"
    assert latex(sp.Function("p_xz")(z)) == r"p{\left(x, z \right)}"
    # an argument the name does not list: printed as SymPy prints it, nothing dropped
    assert latex(sp.Function("p_x")(z)) == r"p_{x}{\left(z \right)}"
    assert latex(sp.Function("f")(x)) == r"f{\left(x \right)}"


def test_expectation_normal_and_gradient_notation():
    from derive.engine.expectation import Expectation, Normal

    theta, x, z = sp.Symbol("theta", real=True), sp.Symbol("x"), sp.Symbol("z")
    mu = sp.Function("mu")(theta)
    grad = latex(sp.Derivative(Expectation(x**2, x, Normal(mu, 1)), theta))
    assert grad.startswith(r"\nabla_{\theta} \mathbb{E}_{x\sim \mathcal{N}\left(")
    assert latex(Expectation(sp.log(z), z, sp.Function("q_phi"))) == \
        r"\mathbb{E}_{z\sim q_{\phi}{\left(z \right)}}\left[\log{\left(z \right)}\right]"
    assert latex(sp.Function("p_z")(z) ** 2) == r"{p{\left(z \right)}}^{2}"
    # Other derivatives keep SymPy's notation.
    assert r"\nabla" not in latex(sp.Derivative(sp.Function("f")(x), x))


def test_prose_escapes_every_special_character():
    assert prose(r"a & b % c $ d # e { f } g \ h ~") == (
        r"a \& b \% c \$ d \# e \{ f \} g \textbackslash{} h $\sim$")
    assert prose("sum_i p_i <= 1, D_KL(p || q) >= 0") == (
        r"$\sum_{i}$ $p_{i}$ $\le$ 1, $D_{\mathrm{KL}}$(p $\|$ q) $\ge$ 0")
    assert "$$" not in prose("eps*sigma")  # adjacent maths merges, never `$$`
    assert prose("≤ ± ✗") == r"$\le$ $\pm$ [U+2717]"  # unknown characters cannot break a build


def test_snapshot_of_1c_by_jensen():
    got = _jensen_1c()
    assert got == SNAPSHOT.read_text(encoding="utf-8"), (
        f"the LaTeX of 1c (Jensen) changed; if intended, refresh the snapshot with "
        f"`python {Path(__file__).relative_to(ROOT)} --update-snapshot`")


def test_refuted_step_shows_its_mark_and_counterexample_never_a_proved_mark():
    result = _refuted().check()
    (step,) = result.steps
    assert step.verdict is Verdict.REFUTED and step.outcome.counterexample
    block = derivation_block(result)
    note = block[block.index(r"\stepnote{\textbf{(1)}"):]
    note = note[:note.index(r"\noindent Conclusion")]
    assert r"\vrefuted{}" in note and "counterexample:" in note
    assert r"\vproved" not in note and r"\checkmark" not in note
    assert "$t$ $=$" in note  # the point, named by its variable
    assert f"Verdict of this derivation: {chr(92)}vrefuted" in block
    assert r"\vproved" not in block  # no tick anywhere, not even on the conclusion's shape
    shown = jupyter(result)
    assert r"\times\ \text{refuted}" in shown and r"\checkmark" not in shown


def test_inequality_refuted_by_search_renders_refuted():
    d = Derivation("log t >= t - 1 (false)", sp.Ge(sp.log(t), t - 1), sp.log(t),
                   [Step(">=", t - 1, "a wrong inequality")])
    result = d.check()
    assert result.verdict is Verdict.REFUTED
    assert r"\vproved" not in derivation_block(result)


def test_repr_latex_for_jupyter(tmp_path: Path):
    d = _refuted()
    plain, checked = d._repr_latex_(), d.check()._repr_latex_()
    for text in (plain, checked):
        assert text.startswith("$$") and text.endswith("$$") and r"\begin{aligned}" in text
    assert r"\text{refuted}" not in plain and r"\text{refuted}" in checked
    engine = latex_engine()
    if engine is not None:  # MathJax's subset of LaTeX: real LaTeX must accept it too
        from derive.identities.kl import kl_nonnegative

        shown = [plain, checked, kl_nonnegative()[0].check()._repr_latex_()]
        tex = tmp_path / "jupyter.tex"
        tex.write_text("\\documentclass{article}\\usepackage{amsmath,amssymb,xcolor}"
                       "\\begin{document}\n" + "\n".join(shown) + "\n\\end{document}\n")
        assert compile_pdf(tex, engine).startswith(b"%PDF")


# ------------------------------------------------------------------ generated documents
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("latex")
    assert main(["latex", "--no-numeric", "-o", str(out)]) == 0
    return out


def test_one_document_per_identity_and_a_combined_one(generated: Path):
    from derive.identities.catalogue import all_identities

    names = {f"{ident.id}.tex" for ident in all_identities()} | {COMBINED, MARKDOWN}
    assert {f.name for f in generated.iterdir()} == names
    combined = (generated / COMBINED).read_text()
    for ident in all_identities():
        assert rf"\label{{id:{ident.id}}}" in combined
    assert r"\begin{align*}" in combined and "natural logarithm" in combined


def test_committed_docs_latex_is_up_to_date(generated: Path):
    stale = sorted(f.name for f in generated.iterdir()
                   if not (DOCS / f.name).exists()
                   or (DOCS / f.name).read_text() != f.read_text())
    extra = sorted(f.name for f in DOCS.glob("*.tex")
                   if not (generated / f.name).exists())
    assert not stale and not extra, (
        f"docs/latex is out of date with the code ({', '.join(stale + extra)}): "
        f"refresh it with `{REFRESH_DOCS}`")


@pytest.mark.slow
def test_every_generated_document_compiles_with_pdflatex(generated: Path):
    engine = latex_engine()
    if engine is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but pdflatex is not on PATH: install texlive-latex-base "
                        "texlive-latex-recommended texlive-latex-extra latexmk")
        pytest.skip("pdflatex is not on PATH (CI installs TeX Live and runs this test)")
    texs = sorted(generated.glob("*.tex"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # each compiles in its own scratch folder
        # compile_pdf raises on a LaTeX error or an undefined reference
        pdfs = list(pool.map(lambda tex: compile_pdf(tex, engine), texs))
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)


@pytest.mark.slow
def test_compile_reports_errors_and_undefined_references(tmp_path: Path):
    engine = latex_engine()
    if engine is None:
        pytest.skip("pdflatex is not on PATH")
    broken = tmp_path / "broken.tex"
    broken.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(RuntimeError, match="Undefined control sequence"):
        compile_pdf(broken, engine)
    dangling = tmp_path / "dangling.tex"
    dangling.write_text("\\documentclass{article}\\begin{document}see \\ref{nowhere}"
                        "\\end{document}\n")
    with pytest.raises(RuntimeError, match="undefined"):
        compile_pdf(dangling, engine)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.tex", "dangling.tex"]


def test_markdown_view_has_math_blocks(generated: Path):
    text = (generated / MARKDOWN).read_text()
    assert "```math" in text and '<a id="1c"></a>' in text
    assert markdown([], command="x").startswith("# Derivations")


def test_numeric_figures_and_plots_in_a_document(tmp_path: Path):
    from derive.engine.confirmation import Confirmation
    from derive.identities.identity import Identity
    from derive.notation.writer import document
    from derive.verify import IdentityReport

    plot = tmp_path / "figs" / "9x_curve.png"
    plot.parent.mkdir()
    plot.write_bytes(_png())
    mc = Confirmation("9x: MC mean", True, {"n": 4096, "seed": 7, "estimate": 0.5012,
                                            "se": 0.0031, "exact": 0.5, "z": 0.39,
                                            "threshold": 5.85}, "0.5012 ± 0.0031 (n=4096)")
    failed = Confirmation("9x: a check that failed", False, {"figure": "figs/9x_curve.png"})
    ident = Identity("9x", "fake", "9x", "a fake identity", lambda: [_refuted()])
    report = IdentityReport(ident, (_refuted().check(),), (mc, failed), 0.0)
    out = tmp_path / "out"
    text = document([report], title="fake", command="test", root=tmp_path, out_dir=out)
    assert r"estimate $0.5012 \pm 0.0031$ (standard error), $n = 4\,096$" in text
    assert r"exact $0.5$" in text and "seed 7" in text and r"\vfail{}" in text
    assert text.count(r"\includegraphics[width=0.8\linewidth]{../figs/9x_curve.png}") == 1
    assert r"\includegraphics" not in document([report], title="fake", command="test",
                                               root=tmp_path, out_dir=out, with_plots=False)
    engine = latex_engine()
    if engine is not None:
        out.mkdir()
        (out / "fake.tex").write_text(text)
        assert compile_pdf(out / "fake.tex", engine).startswith(b"%PDF")


def _png() -> bytes:
    """A valid 2x2 grey PNG, so the test needs no plotting library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80\x80" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + \
        chunk(b"IEND", b"")


# ------------------------------------------------------------------ the CLI
def test_cli_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["latex", "1b", "--no-numeric", "-o", str(tmp_path)]) == 0
    first = (tmp_path / "1b.tex").read_text()
    (tmp_path / "1b.tex").write_text("mine")
    capsys.readouterr()
    assert main(["latex", "1b", "--no-numeric", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and err.count("\n") == 1
    assert (tmp_path / "1b.tex").read_text() == "mine"  # nothing written
    assert main(["latex", "kl-decomposition", "--no-numeric", "--force", "-o",
                 str(tmp_path)]) == 0
    assert (tmp_path / "1b.tex").read_text() == first
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_cli_unknown_id_and_unwritable_folder(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["latex", "9z", "-o", str(tmp_path / "out")]) == 2
    assert "unknown identity" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")  # a folder below a file cannot be made, even by root
    assert main(["latex", "1b", "--no-numeric", "-o", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: cannot write to folder") and err.count("\n") == 1
    assert main(["latex", "1b", "--no-numeric", "-o", str(blocker)]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_cli_pdf_without_pdflatex_says_how_to_install(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["latex", "1b", "--pdf", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "texlive-latex-base" in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())  # checked before anything is written


def _update_snapshot() -> None:
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(_jensen_1c(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")


if __name__ == "__main__" and "--update-snapshot" in sys.argv:
    _update_snapshot()
elif __name__ == "__main__":
    print(re.sub(r"\s+", " ", __doc__).strip())
