"""The architecture holds: import-linter's contracts (pyproject.toml) are kept, no module
imports itself back through others, and each package root stays small.

The contracts count every import, function-level ones included. A contract that cannot
fail is worthless, so one test copies the tree, adds a forbidden import and sees it caught.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import "
                           "lint_imports_command; sys.exit(lint_imports_command())"],
                          cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_contracts_are_kept():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_a_forbidden_import_breaks_a_contract(tmp_path: Path):
    for part in ("derive", "numeric", "pyproject.toml"):
        src = ROOT / part
        (shutil.copytree(src, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
         if src.is_dir() else shutil.copy(src, tmp_path / part))
    lemmas = tmp_path / "derive" / "engine" / "lemmas.py"
    lemmas.write_text(lemmas.read_text() + "\n\ndef _leak():\n    import numeric.mc.montecarlo\n")
    run = _lint(tmp_path)
    assert run.returncode != 0
    assert "BROKEN" in run.stdout and "derive.engine.lemmas -> numeric.mc.montecarlo" in run.stdout


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        on_stack.add(m)
        for n in graph.find_modules_directly_imported_by(m) & modules:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            comp = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                comp.append(n)
                if n == m:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for m in sorted(modules):
        if m not in index:
            visit(m)
    return found


def test_no_module_import_cycles():
    graph = grimp.build_graph("derive", "numeric")
    modules = {m for m in graph.modules if m.split(".")[0] in ("derive", "numeric")}
    # a package's __init__ re-exporting its own module is glue, not a cycle of ideas
    for pkg, child in (("derive.cli", "derive.cli.main"),):
        graph.remove_import(importer=pkg, imported=child)
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for m in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(m)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph, {"a.x", "a.y", "a.z"}) == [["a.x", "a.y", "a.z"]]


def test_package_roots_stay_small():
    """At most five modules beside the package glue at the top of derive/ and numeric/."""
    glue = {"__init__.py", "__main__.py"}
    for pkg in ("derive", "numeric"):
        top = [p.name for p in (ROOT / pkg).glob("*.py") if p.name not in glue]
        assert len(top) <= 5, (pkg, top)
