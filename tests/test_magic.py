"""The `%%derive` cell magic in a real IPython shell: a wrong step shows refuted with its
counterexample, a correct chain shows proved, unreadable LaTeX shows its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.serve.magic import derive_cell

CORPUS = Path(__file__).resolve().parent / "check_corpus"


@pytest.fixture(scope="module")
def shell():
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    ip = interactiveshell.InteractiveShell.instance()
    ip.run_line_magic("load_ext", "derive.serve.magic")
    yield ip
    interactiveshell.InteractiveShell.clear_instance()


def test_the_magic_shows_a_refuted_step_with_its_counterexample(shell):
    cell = (CORPUS / "kl_arguments_swapped.tex").read_text()
    shown = shell.run_cell_magic("derive", "swapped.tex", cell)
    assert not shown.proved
    html = shown._repr_html_()
    assert html.count('data-verdict="refuted"') == 2  # the chain and its step 2
    assert 'class="counterexample">counterexample: n = ' in html
    assert "<math" in html
    assert ".v-refuted {" in html and "body {" not in html  # styles the chains, not the notebook
    assert "swapped.tex:6: step 2 (=) refuted" in repr(shown)


def test_the_magic_shows_a_proved_chain(shell):
    shown = shell.run_cell_magic("derive", "", (CORPUS / "kl_jensen_correct.tex").read_text())
    assert shown.proved
    html = shown._repr_html_()
    assert 'data-verdict="refuted"' not in html
    assert html.count('data-verdict="proved"') == 5  # the chain and its four steps


def test_unreadable_latex_shows_where_reading_stopped():
    shown = derive_cell("\\begin{align*}\n a &= {b\n\\end{align*}\n")
    assert not shown.proved
    assert "line 3, column 1: expected " in shown._repr_html_()  # the brace of line 2
    assert repr(shown).startswith("cell: line 3, column 1")


def test_python_is_not_run_even_when_the_cell_is_named_like_a_python_file(tmp_path: Path):
    mark = tmp_path / "ran"
    shown = derive_cell(f"from pathlib import Path\nPath({str(mark)!r}).touch()\n", "evil.py")
    assert "error" in shown.answer
    assert not mark.exists()
