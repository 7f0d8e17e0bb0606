"""The server's HTML pages: the check page, the catalogue and one page per identity.

Plain HTML and MathML with one stylesheet and one script, both served by the app itself.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from derive.serve.html import badge

STATIC = files("derive.serve") / "static"


def static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def layout(title: str, body: str, *, head: str = "") -> str:
    from derive import __version__

    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"stylesheet\" href=\"/static/style.css\">"
            f"<link rel=\"stylesheet\" href=\"/static/results.css\">{head}</head><body>"
            f"<header><h1>derive-verify {escape(__version__)}</h1><nav>"
            "<a href=\"/\">check a derivation</a><a href=\"/identities\">identities</a>"
            f"</nav></header>{body}</body></html>")


def check_page() -> str:
    """The text area (prefilled with worksheet 1c), Check, the downloads and the results."""
    body = (
        "<main class=\"check\"><div><p>A LaTeX <code>align*</code> chain with its "
        "<code>% assume:</code> header and <code>% by:</code> notes "
        "(the notation of "
        "<code>derive check</code>, docs/check.md).</p>"
        "<textarea id=\"source\" spellcheck=\"false\" aria-label=\"LaTeX derivation\">"
        f"{escape(static('example.tex'))}</textarea>"
        "<div class=\"buttons\"><button id=\"check\">Check</button>"
        "<button class=\"download\" id=\"get-latex\" disabled>annotated LaTeX</button>"
        "<button class=\"download\" id=\"get-json\" disabled>JSON</button>"
        "<span id=\"status\"></span></div><div id=\"error\"></div></div>"
        "<div id=\"results\" aria-live=\"polite\"></div></main>"
        "<script src=\"/static/app.js\"></script>")
    return layout("derive-verify: check a derivation", body)


def catalogue_page(identities: list) -> str:
    rows = "".join(
        f"<tr><td><a href=\"/identities/{escape(i.id)}\">{escape(i.id)}</a></td>"
        f"<td>{escape(i.alias)}</td><td>{escape(str(i.part))}</td><td>{escape(i.title)}</td></tr>"
        for i in identities)
    body = ("<h2>Identities</h2><table class=\"catalogue\"><tr><th>ID</th><th>alias</th>"
            f"<th>part</th><th>title</th></tr>{rows}</table>")
    return layout("derive-verify: identities", body)


def identity_page(identity: object, view: dict | None, bibtex: str) -> str:
    """An identity's derivations, verdicts and figures; while they are being computed, a
    page that reloads itself."""
    head, title = "", f"[{identity.id}] {identity.title}"
    if view is None:
        head = "<meta http-equiv=\"refresh\" content=\"3\">"
        main = (f"<p>{badge('computing')} checking the derivations and running the "
                "confirmations; this page reloads itself.</p>")
    else:
        main = f"<p>{badge(view['report']['verdict'])}</p>{view['html']}"
    body = (f"<h2>{escape(title)}</h2><p>alias <code>{escape(identity.alias)}</code>, "
            f"worksheet part {escape(str(identity.part))}; rerun with "
            f"<code>derive verify {escape(identity.id)}</code></p>{main}"
            f"<h3>Cite</h3><pre class=\"bibtex\">{escape(bibtex)}</pre>")
    return layout(f"derive-verify: {identity.id}", body, head=head)
