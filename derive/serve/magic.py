"""The `%%derive` cell magic: check the cell's LaTeX in Jupyter and show the annotated chains.

    %load_ext derive.serve.magic
    %%derive
    % assume: p, q distributions over i = 1..n
    \\begin{align*} ... \\end{align*}

The cell runs in the notebook's own kernel (it is the user's own text), without the
server's limits. The display is the page's: MathML rows with each verdict, justification,
side conditions, reading and counterexample (HTML), or plain `derive check` lines in a
terminal. IPython is needed only to register the magic: `derive_cell` works without it.
"""

from __future__ import annotations

from html import escape


class CheckedCell:
    """What a `%%derive` cell shows: the checked chains, or where reading stopped."""

    def __init__(self, answer: dict, lines: list[str]) -> None:
        self.answer, self.lines = answer, lines

    @property
    def proved(self) -> bool:
        chains = self.answer.get("chains")
        return bool(chains) and all(c["verdict"] == "proved" for c in chains)

    def _repr_html_(self) -> str:
        from derive.serve.pages import static

        if "error" in self.answer:
            return f'<pre class="derive-error">{escape(self.answer["error"])}</pre>'
        return f"<style>{static('results.css')}</style>{self.answer['html']}"

    def __repr__(self) -> str:
        return "\n".join(self.lines)


def derive_cell(cell: str, name: str = "cell") -> CheckedCell:
    """Check the LaTeX of a cell, as `derive check` checks a file."""
    from derive.cli.check import step_lines
    from derive.serve.check import answer, check_pairs, read_error

    try:
        pairs = check_pairs(cell)
    except Exception as exc:  # the reader's ParseError, or anything it did not foresee
        error = read_error(exc)
        return CheckedCell(error, [f"{name}: {error['error']}"])
    return CheckedCell(answer(name, pairs),
                       [ln for c, r in pairs for ln in step_lines(name, c, r)])


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext derive.serve.magic` registers `%%derive`."""

    def derive(line: str, cell: str) -> CheckedCell:
        return derive_cell(cell, name=line.strip() or "cell")

    ipython.register_magic_function(derive, magic_kind="cell", magic_name="derive")
