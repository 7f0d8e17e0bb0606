"""The page's renderer lets no markup from the input through: latex2mathml copies
`\\text{...}` unescaped, so its output is checked and re-serialized (derive.serve.html)."""

from __future__ import annotations

from derive.serve.check import check_text
from derive.serve.html import mathml


def test_markup_inside_text_never_reaches_the_page():
    out = mathml(r"\text{<img src=x onerror=alert(1)>} + a")
    assert "<img" not in out and "&lt;img" in out


def test_mathematics_is_rendered_as_mathml():
    out = mathml(r"\frac{a}{b} < \sum_{i=1}^{n} p_i")
    assert out.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    assert "<mfrac>" in out and "<mo>&lt;</mo>" in out


def test_a_title_is_escaped():
    got = check_text("% title: <script>alert(1)</script>\n\\begin{align*} a &= a \\end{align*}")
    assert "<script>" not in got["html"] and "&lt;script&gt;alert(1)" in got["html"]
