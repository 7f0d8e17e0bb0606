"""Citation: `derive cite [ID]` prints a BibTeX entry; CITATION.cff agrees with the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import derive
from derive.cli import main
from derive.cli.cite import AUTHOR, YEAR, bibtex
from derive.identities.catalogue import all_identities, lookup
from derive.notation.writer import prose

CFF = Path(__file__).resolve().parent.parent / "CITATION.cff"


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """An independent little parser: @type{key, name = {value}, ...} with balanced braces."""
    m = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\n\}\n", text, re.S)
    assert m, f"not a BibTeX entry:\n{text}"
    fields, body = {}, m.group(3)
    for fm in re.finditer(r"^\s*(\w+)\s*=\s*\{", body, re.M):
        depth, k = 1, fm.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(body[k], 0)
            k += 1
        fields[fm.group(1)] = body[fm.end():k - 1]
    return m.group(1), m.group(2), fields


def test_project_entry_has_the_fields():
    kind, key, fields = parse_bibtex(bibtex())
    assert kind == "misc" and key == f"derive-verify-{derive.__version__}"
    assert {"title", "author", "year", "version", "howpublished", "note"} <= set(fields)
    assert fields["version"] == derive.__version__ and fields["year"] == YEAR
    assert "derive-verify" in fields["title"]


@pytest.mark.parametrize("ident", all_identities(), ids=lambda i: i.id)
def test_identity_entry_names_its_id_title_and_version(ident):
    kind, key, fields = parse_bibtex(bibtex(ident))
    assert key.endswith(f"-{ident.id}") and derive.__version__ in key
    assert f"derive verify {ident.id}" in fields["note"]
    # double braces keep the capitals; the whole title, typeset for LaTeX
    want = f"derive-verify: identity {ident.id}, {prose(ident.title)}"
    assert fields["title"] == "{" + want + "}"


def test_title_with_special_characters_stays_balanced_latex():
    _, _, fields = parse_bibtex(bibtex(lookup("1c")))
    assert r"$D_{\mathrm{KL}}$" in fields["title"] and "_KL" not in fields["title"]


def test_bad_input():
    with pytest.raises(ValueError, match="Identity"):
        bibtex("1c")


def test_cli_cite(capsys: pytest.CaptureFixture):
    assert main(["cite", "kl-nonnegative"]) == 0
    assert parse_bibtex(capsys.readouterr().out)[1].endswith("-1c")
    assert main(["cite"]) == 0
    assert parse_bibtex(capsys.readouterr().out)[1] == f"derive-verify-{derive.__version__}"
    assert main(["cite", "9z"]) == 2
    assert "unknown identity" in capsys.readouterr().err


def test_citation_cff_agrees_with_the_package():
    text = CFF.read_text()
    field = {k: v.strip().strip('"') for k, v in re.findall(r"^([\w-]+):[ \t]*(.+)$", text, re.M)}
    assert field["cff-version"] == "1.2.0"
    assert field["version"] == derive.__version__
    assert field["date-released"].startswith(YEAR)
    assert f'- name: "{AUTHOR}"' in text
    assert field["title"].startswith("derive-verify")
