"""The `derive latex` verb: LaTeX and Markdown documents from the catalogue.

`derive latex` writes one standalone .tex per identity, a combined `derive-verify.tex` and
`derive-verify.md` (the derivations as GitHub Markdown with math);
with `--pdf` it also compiles each with latexmk (or pdflatex twice). Existing files are
never overwritten without `--force`, and nothing is written unless every document could be
built: each file is written atomically, all of them after every check has run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COMBINED = "derive-verify.tex"
MARKDOWN = "derive-verify.md"  # the same derivations for GitHub (```math blocks)
INSTALL = ("install TeX Live, e.g. `apt-get install texlive-latex-base texlive-latex-recommended "
           "texlive-latex-extra latexmk`, or drop --pdf")
ROOT = Path(__file__).resolve().parents[2]  # docs/figures lives here in a checkout


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `latex` to the `derive` command."""
    p = subparsers.add_parser(
        "latex", help="write LaTeX derivations: ID.tex per identity and derive-verify.tex",
        description="Write a standalone .tex per identity, a combined derive-verify.tex and "
                    "derive-verify.md (the derivations as GitHub Markdown). Existing files are "
                    "kept unless --force is given: nothing is written if any target exists. "
                    "Exit status: 0 written (whatever the verdicts, which are in the "
                    "documents), 1 a PDF failed to compile, 2 bad usage or unwritable folder.")
    p.add_argument("ids", nargs="*", metavar="ID", help="identity IDs or aliases (default: all)")
    p.add_argument("-o", "--output", default="derive-latex", metavar="DIR",
                   help="output folder, created if needed (default: derive-latex)")
    p.add_argument("--pdf", action="store_true",
                   help="also compile every document to PDF (needs latexmk or pdflatex)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--no-numeric", action="store_true",
                   help="leave out the Monte Carlo confirmations (fast, and reproducible "
                        "without torch)")
    p.add_argument("--snippet", action="store_true",
                   help="print one self-contained align* per derivation of the IDs (amsmath "
                        "only, justifications in \\text{}) to paste into your document; "
                        "nothing is written or checked")
    p.set_defaults(run=cmd_latex)




def latex_engine() -> list[str] | None:
    """The compile command: latexmk if present, else pdflatex (run twice); None if neither."""
    if shutil.which("pdflatex") is None:
        return None
    if shutil.which("latexmk"):
        return ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet"]
    return ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]


def _output_dir(path: Path) -> Path:
    """The output folder, created and checked for writing before any work is done."""
    from derive.cli.common import UsageError

    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write to folder {path}: {exc.strerror or exc}") from None
    return path


def command_line(ids: list[str], numeric: bool) -> str:
    """The command recorded in the documents (without -o, so output folders do not matter)."""
    return " ".join(["derive latex", *ids, *([] if numeric else ["--no-numeric"])])


def build_documents(identities: list, *, numeric: bool, out_dir: Path,
                    command: str) -> dict[str, str]:
    """Check every identity and return {file name: source}: ID.tex, the combined .tex, .md.

    Plots come with the numeric confirmations; without them the documents do not depend on
    `out_dir`, so the committed docs/latex can be compared with a fresh build anywhere.
    """
    from derive.notation.writer import document, markdown
    from derive.verify import verify

    reports = []
    for ident in identities:
        print(f"checking {ident.id} ...", file=sys.stderr, flush=True)
        reports.append(verify(ident, numeric=numeric))
    where = {"command": command, "root": ROOT, "out_dir": out_dir, "with_plots": numeric}
    docs = {f"{r.identity.id}.tex": document([r], title=f"{r.identity.id}: {r.identity.title}",
                                             **where) for r in reports}
    docs[COMBINED] = document(reports, title="derive-verify: the worksheet's identities, "
                              "derived and checked", **where)
    docs[MARKDOWN] = markdown(reports, command=command)
    return docs


def compile_pdf(tex: Path, engine: list[str]) -> bytes:
    """Compile in a scratch folder (no aux files left behind); RuntimeError on failure."""
    with tempfile.TemporaryDirectory(prefix="derive-latex-") as build:
        cmd = [*engine, f"-output-directory={build}" if engine[0] == "pdflatex"
               else f"-outdir={build}", tex.name]
        for _ in range(1 if engine[0] == "latexmk" else 2):
            done = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True,
                                  errors="replace", timeout=300)
        log = Path(build) / tex.with_suffix(".log").name
        pdf = Path(build) / tex.with_suffix(".pdf").name
        text = log.read_text(errors="replace") if log.exists() else done.stdout
        if done.returncode != 0 or not pdf.exists():
            first = next((ln for ln in text.splitlines() if ln.startswith("!")),
                         f"exit status {done.returncode}")
            raise RuntimeError(f"{tex.name}: {first.lstrip('! ').strip()}")
        undefined = re.search(r"There were undefined references|Reference .* undefined", text)
        if undefined:
            raise RuntimeError(f"{tex.name}: {undefined.group()}")
        return pdf.read_bytes()


def cmd_latex(args: argparse.Namespace) -> int:
    from derive.cli.common import EXIT_FAILED, EXIT_OK, UsageError, identities
    from derive.output import write_atomic

    if args.snippet:
        from derive.notation.writer import snippet

        if not args.ids:
            raise UsageError("--snippet needs an identity ID (derive list shows them)")
        for ident in identities(args.ids):
            print("\n".join(snippet(d) for d in ident.derivations()), end="")
        return EXIT_OK
    engine = latex_engine() if args.pdf else None
    if args.pdf and engine is None:
        raise UsageError(f"--pdf needs pdflatex, which is not on PATH: {INSTALL}")
    chosen = identities(args.ids)
    out_dir = _output_dir(Path(args.output))
    names = [f"{i.id}.tex" for i in chosen] + [COMBINED]
    targets = names + [MARKDOWN] + ([n.replace(".tex", ".pdf") for n in names] if args.pdf
                                    else [])
    existing = [out_dir / n for n in targets if (out_dir / n).exists()]
    if existing and not args.force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise UsageError(f"{existing[0]}{more} exist (pass --force to overwrite; nothing written)")
    command = command_line([i.id for i in chosen] if args.ids else [], not args.no_numeric)
    docs = build_documents(chosen, numeric=not args.no_numeric, out_dir=out_dir,
                           command=command)
    for name, text in docs.items():
        print(write_atomic(out_dir / name, text, overwrite=True))
    if engine is None:
        return EXIT_OK
    status = EXIT_OK
    for name in names:
        try:
            pdf = compile_pdf(out_dir / name, engine)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            print(f"derive: error: LaTeX failed on {exc}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        print(write_atomic(out_dir / name.replace(".tex", ".pdf"), pdf, overwrite=True))
    return status
