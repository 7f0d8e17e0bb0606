"""A pytest plugin: the `align*` chains of .tex files as test items, the way doctest
collects docstrings. A teaching assistant keeps solution sheets in a repository and CI fails
when a step is wrong.

Enabled with `pytest --derive` or the ini option `derive = true`; registered as the
`pytest11` entry point `derive`. A chain passes when every step is proved; it fails with
the refuted step and its counterexample; a step that is only corroborated or undecided
fails too, or, with `--derive-undecided=warn` (ini `derive_undecided = warn`), passes with
a warning. A .tex file without any chain environment is not collected; one the reader
cannot read is a failing item that names the line and column. Nothing is imported from
SymPy until a .tex file is collected, so the plugin costs other test runs nothing.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest


class DeriveUnprovedWarning(UserWarning):
    """A chain with a step that is neither proved nor refuted (undecided, corroborated)."""


class ChainFailed(Exception):
    """A chain with a refuted (or, under `fail`, an unproved) step."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derive-verify: check LaTeX derivations")
    group.addoption("--derive", action="store_true", default=None,
                    help="collect the align* chains of .tex files and check every step")
    group.addoption("--derive-undecided", choices=("fail", "warn"), default=None,
                    help="a step neither proved nor refuted: fail (default) or warn")
    parser.addini("derive", "collect the align* chains of .tex files (like --derive)",
                  type="bool", default=False)
    parser.addini("derive_undecided", "fail or warn on a step neither proved nor refuted",
                  default="fail")


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("derive") or config.getini("derive"))


def _undecided(config: pytest.Config) -> str:
    mode = config.getoption("derive_undecided") or config.getini("derive_undecided")
    if mode not in ("fail", "warn"):
        raise pytest.UsageError(f"derive_undecided: expected fail or warn, got {mode!r}")
    return mode


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".tex" and _enabled(parent.config):
        return TexFile.from_parent(parent, path=file_path)
    return None


class TexFile(pytest.File):
    """A .tex file: one item per chain, or one failing item if it cannot be read."""

    def collect(self):  # noqa: ANN201 - pytest's protocol
        from derive.notation.document import ENVIRONMENTS, read_latex
        from derive.serve.check import read_error

        text = self.path.read_text(encoding="utf-8", errors="replace")
        if not any(f"\\begin{{{env}}}" in text for env in ENVIRONMENTS):
            return  # a preamble, notes: nothing to check
        try:
            chains = read_latex(text)
        except Exception as exc:  # the reader's ParseError or anything unforeseen: one item
            yield UnreadableItem.from_parent(self, name="read", error=read_error(exc)["error"])
            return
        for chain in chains:
            title = chain.derivation.title  # "chain at line N" unless a `% title:` names it
            name = title if title.startswith("chain at line") else \
                f"{title} (line {chain.start_line})"
            yield ChainItem.from_parent(self, name=name, chain=chain)


class UnreadableItem(pytest.Item):
    def __init__(self, *, error: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise ChainFailed(f"{self.path.name}: {self.error}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: read"


class ChainItem(pytest.Item):
    """One chain: checked when the test runs, not when it is collected."""

    def __init__(self, *, chain: object, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.chain = chain

    def runtest(self) -> None:
        from derive.cli.check import step_lines

        result = self.chain.derivation.check()
        verdicts = [s.verdict.value for s in result.steps] + [result.conclusion.verdict.value]
        if all(v == "proved" for v in verdicts):
            return
        lines = step_lines(self.path.name, self.chain, result)
        refuted = "refuted" in verdicts
        if refuted or _undecided(self.config) == "fail":
            bad = [ln for ln, v in zip(lines, verdicts, strict=True) if v != "proved"]
            raise ChainFailed("\n".join(bad + ["", "every step:"] + lines))
        warnings.warn(DeriveUnprovedWarning("; ".join(
            ln for ln, v in zip(lines, verdicts, strict=True) if v != "proved")), stacklevel=1)

    def repr_failure(self, excinfo: pytest.ExceptionInfo) -> str:
        if isinstance(excinfo.value, ChainFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.chain.start_line - 1, f"{self.path.name}: {self.name}"
