"""The LaTeX reader against expressions built by hand in SymPy, its errors, and a fuzz test."""

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.engine.assumptions import Density, Distribution
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.engine.expectation import Expectation, Normal
from derive.notation.reader import Context, ParseError, parse_chain, parse_latex

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
a, b = sp.Symbol("a", real=True), sp.Symbol("b", real=True)
i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)


def discrete() -> tuple[Context, sp.IndexedBase, sp.IndexedBase]:
    p, q = sp.IndexedBase("p", positive=True), sp.IndexedBase("q", positive=True)
    ctx = Context(names={"p": p, "q": q},
                  distributions={"p": Distribution(p, i, n), "q": Distribution(q, i, n)})
    return ctx, p, q


@pytest.mark.parametrize("text, expected", [
    (r"\frac{a}{b} + 2", a / b + 2),
    (r"a \cdot b - 3 x^2", a * b - 3 * x**2),
    (r"\left(a + b\right)^{2}", (a + b) ** 2),
    (r"-x^2", -(x**2)),
    (r"2^{-1}", sp.Rational(1, 2)),
    (r"\sqrt{x} \sqrt[3]{y}", sp.sqrt(x) * sp.root(y, 3)),
    (r"1.25 x", sp.Rational(5, 4) * x),
    (r"e^{x}", sp.exp(x)),
    (r"\exp\left(-\frac{x^2}{2}\right)", sp.exp(-x**2 / 2)),
    (r"\sin^2 x + \cos^{2}(x)", sp.sin(x) ** 2 + sp.cos(x) ** 2),
    (r"\frac12 x", x / 2),
    (r"a\,b\;c", a * b * sp.Symbol("c", real=True)),
    (r"\theta_{1} + \theta_2", sp.Symbol("theta_1", real=True) + sp.Symbol("theta_2", real=True)),
    (r"\varepsilon + \epsilon", 2 * sp.Symbol("epsilon", real=True)),
])
def test_arithmetic(text: str, expected: sp.Expr) -> None:
    assert sp.simplify(parse_latex(text) - expected) == 0


def test_log_is_natural() -> None:
    # latex2sympy-style readers take \log as base 10; here log e = ln e = 1.
    assert parse_latex(r"\log e") == 1
    assert parse_latex(r"\ln e^{2}") == 2
    assert sp.simplify(parse_latex(r"\log_2 8")) == 3
    assert parse_latex(r"\log{\left(x \right)}") == sp.log(x)
    assert parse_latex(r"\log x^2") == sp.log(x**2)  # the power belongs to the argument


def test_sums_and_integrals_with_limits() -> None:
    assert parse_latex(r"\sum_{k=1}^{10} k").doit() == 55
    # a sum takes the product after it, not the rest of the sum
    s = parse_latex(r"\sum_{k=1}^{3} k x + 1")
    assert sp.expand(s.doit()) == 6 * x + 1
    assert parse_latex(r"\int_0^1 x^2 \, dx").doit() == sp.Rational(1, 3)
    assert parse_latex(r"\int\limits_{0}^{2} (x + 1) \mathrm{d}x").doit() == 4
    g = parse_latex(r"\int_{-\infty}^{\infty} e^{-x^2} dx")
    assert g.doit() == sp.sqrt(sp.pi)
    assert parse_latex(r"\sum_{i=1}^{n} x_i") == sp.Sum(sp.IndexedBase("x", real=True)[i],
                                                     (i, 1, n))


def test_information_nodes_use_the_declared_distributions() -> None:
    ctx, p, q = discrete()
    lim = (i, 1, n)
    assert parse_latex(r"D_{\mathrm{KL}}(p\,\|\,q)", ctx) == KL(p[i], q[i], lim)
    assert parse_latex(r"D_{KL}(q \| p)", ctx) == KL(q[i], p[i], lim)
    assert parse_latex(r"H(p, q) - H(p)", ctx) == CrossEntropy(p[i], q[i], lim) - Entropy(
        p[i], lim)
    assert parse_latex(r"\sum_i p_i", ctx) == sp.Sum(p[i], lim)
    f, g = sp.Function("p", positive=True), sp.Function("q", positive=True)
    dens = Context(names={"p": f, "q": g, "x": x},
                   densities={"p": Density(f, x), "q": Density(g, x)})
    assert parse_latex(r"D_{\mathrm{KL}}(p \| q)", dens) == KL(f(x), g(x), (x, -sp.oo, sp.oo))


def test_undeclared_distribution_is_an_error() -> None:
    with pytest.raises(ParseError, match="not a declared distribution"):
        parse_latex(r"D_{KL}(u \| v)")


def test_expectation_and_gradient() -> None:
    m, v = sp.Symbol("m", real=True), sp.Symbol("v", positive=True)
    ctx = Context(names={"v": v})
    e = parse_latex(r"\mathbb{E}_{z\sim\mathcal{N}(m, v)}\left[z^2\right]", ctx)
    z = sp.Symbol("z", real=True)
    assert e == Expectation(z**2, z, Normal(m, v))
    assert sp.expand(e.unfold() - (m**2 + v)) == 0
    q = parse_latex(r"\mathbb{E}_{z \sim q}[\log q(z)]")
    assert isinstance(q, Expectation) and q.is_abstract
    theta = sp.Symbol("theta", real=True)
    d = parse_latex(r"\nabla_\theta \theta^2 + \frac{d}{d\theta} \theta")
    assert d == sp.Derivative(theta**2, theta) + sp.Derivative(theta, theta)
    assert d.doit() == 2 * theta + 1


def test_relations_and_chains() -> None:
    assert parse_latex(r"a \le b") == sp.Le(a, b)
    assert parse_latex(r"a \geq b") == sp.Ge(a, b)
    exprs, rels = parse_chain(r"a = b \le x < y")
    assert [r for r, _ in rels] == ["=", "<=", "<"]
    assert exprs == [a, b, x, y]
    exprs, rels = parse_chain(r"&\ge x")
    assert exprs[0] is None and rels[0][0] == ">="


@pytest.mark.parametrize("text, line, column, expected", [
    (r"\log(", 1, 6, "expected an expression, found the end"),
    ("a +\n  * b", 2, 3, "expected an expression, found '*'"),
    (r"\frac{a}{b", 1, 11, "expected '}'"),
    (r"\int_0^1 x^2", 1, 13, "expected d<variable>"),
    (r"\mathbb{E}[x]", 1, 1, "E[...] without a law: declare one"),
    (r"a = b c)", 1, 8, "expected an operator, a relation or the end"),
    (r"D_{KL}(p, q)", 1, 9, r"expected \| between the two distributions"),
])
def test_errors_name_line_column_and_what_was_expected(text: str, line: int, column: int,
                                                      expected: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_latex(text)
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert expected in str(err)
    assert "\n" not in str(err)


def test_positions_are_offset_into_the_file() -> None:
    with pytest.raises(ParseError) as info:
        parse_latex("a + ", line=12, column=5)
    assert (info.value.line, info.value.column) == (12, 9)


TOKENS = [r"\frac", r"\sum", r"\int", r"\log", r"\mathbb{E}", r"\nabla", r"\left(", r"\right)",
          r"\left.", r"\right|", "{", "}", "(", ")", "[", "]", "_", "^", "+", "-", "=", r"\le",
          "x", "d", "p", "i", "1", "0", "9", r"\|", r"\sim", r"\mathcal{N}", "D_{KL}", "H",
          r"\sqrt", ",", r"\mid", "|", r"\infty", r"\,", "&", r"\\", "e", ".", r"\cdot", "%",
          "\n", r"\theta", r"\partial", r"\substack"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
                 st.text(max_size=40)))
def test_fuzz_only_parse_errors(text: str) -> None:
    ctx, _, _ = discrete()
    try:
        parse_chain(text, ctx)
    except ParseError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("line ")


def test_products_of_normal_laws_and_densities_named_by_variables() -> None:
    from derive.engine.expectation import DiagNormal

    e = parse_latex(r"\mathbb{E}_{\left(z_{1}, z_{2}\right)\sim \mathcal{N}\left(0, 1\right) "
                    r"\otimes \mathcal{N}\left(a, 2\right)}\left[z_{1} z_{2}\right]")
    assert isinstance(e.law, DiagNormal) and len(e.variables) == 2
    assert e.unfold() == 0
    z = sp.Symbol("z", real=True)
    lik = sp.Function("p_x|z", positive=True)
    ctx = Context(names={"p_x|z": lik, "z": z})
    got = parse_latex(r"\mathbb{E}_{z\sim q}\left[\log{\left(p\left(x \mid z\right) \right)}"
                      r"\right]", ctx)
    assert got.function == sp.log(lik(z))  # a function of the bound variable only
    # g \left(x\right) is a product (SymPy's print); g(x) an application (a student's)
    assert parse_latex(r"g_{12} \left(x + 1\right)") == sp.Symbol("g_12", real=True) * (x + 1)
    assert parse_latex(r"g(x)") == sp.Function("g", real=True)(x)


def test_second_derivative_as_printed():
    s = sp.Symbol("s", real=True)  # undeclared names read as real
    got = parse_latex(r"\frac{d^{2}}{d s^{2}} \log{\left(s \right)}")
    assert got == sp.Derivative(sp.log(s), (s, 2))


# ------------------------------------------------------------------ words, reasons, conventions
@pytest.mark.parametrize("text", [r"\text{log}(x)", r"\mathrm{log}(x)", r"\operatorname{log}(x)",
                                  r"\operatorname{log} x", r"\mathrm{ln}\,x", r"\log x"])
def test_log_spelled_as_a_word_is_the_logarithm(text: str) -> None:
    assert parse_latex(text) == sp.log(x)


def test_text_is_never_dropped() -> None:
    # \text{log}(a+b) = \text{log} a + \text{log} b is a false equation, not (a+b) = a + b
    rel = parse_latex(r"\text{log}(a+b) = \text{log}(a) + \text{log}(b)")
    assert rel == sp.Eq(sp.log(a + b), sp.log(a) + sp.log(b))
    with pytest.raises(ParseError, match=r"column 5: \\text\{if\} is neither an operator"):
        parse_latex(r"a + \text{if} b")
    with pytest.raises(ParseError, match=r"found \\text\{foo bar\}"):
        parse_latex(r"(a \text{foo bar} b)")


@pytest.mark.parametrize("text, column, construct", [
    (r"a + \foo{b}", 5, r"\foo"), (r"\log x \approx x", 8, r"\approx"),
    (r"\mathrm{Var}(x)", 1, r"\mathrm{Var}(...) is an unknown operator"),
    (r"a \propto b", 3, r"\propto")])
def test_unknown_constructs_are_located_errors_that_name_them(text: str, column: int,
                                                              construct: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_latex(text)
    assert (info.value.line, info.value.column) == (1, column)
    assert construct in str(info.value)


def test_reasons_inside_the_chain_are_kept() -> None:
    ctx = Context()
    exprs, rels = parse_chain(r"a \overset{\text{(i)}}{=} b \quad \text{by Jensen} \tag{3} "
                              r"\label{eq:x} \because b \ge 0", ctx)
    assert exprs == [a, b] and [r for r, _ in rels] == ["="]
    assert [w for _, _, w in ctx.reasons] == ["(i)", "by Jensen", "(3)", "because b \\ge 0"]


def test_unbraced_log_argument_runs_over_the_juxtaposed_factors() -> None:
    sigma, mu = sp.Symbol("sigma", real=True), sp.Symbol("mu", real=True)
    ctx = Context()
    assert parse_latex(r"\log 2\pi\sigma^2", ctx) == sp.log(2 * sp.pi * sigma**2)
    assert [r for _, _, r in ctx.readings] == ["log(2 π σ²)"]
    got = parse_latex(r"\log\frac{1}{\sqrt{2\pi}\sigma}\exp[-\frac{(x-\mu)^2}{2\sigma^2}]")
    want = sp.log(sp.exp(-(x - mu)**2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma))
    assert sp.simplify(got - want) == 0 and isinstance(got, sp.log)
    # the argument ends at +, \cdot, another logarithm, a relation, a closing bracket
    assert parse_latex(r"\log 2 x + y") == sp.log(2 * x) + y
    assert parse_latex(r"\log x \cdot y") == sp.log(x) * y
    assert parse_latex(r"\log a \log b") == sp.log(a) * sp.log(b)
    assert parse_latex(r"(\log a b) c") == sp.log(a * b) * sp.Symbol("c", real=True)
    assert parse_latex(r"\log(a) b") == sp.log(a) * b  # parentheses delimit the argument
    one = Context()
    parse_latex(r"\log x^2", one)
    assert one.readings == []  # a single factor is no convention


def test_over_vert_and_bold_names() -> None:
    assert parse_latex(r"{a \over b} + 1") == a / b + 1
    assert parse_latex(r"\mathbf{x} + \boldsymbol\mu") == x + sp.Symbol("mu", real=True)
    with pytest.raises(ParseError, match="normal density of a vector"):
        parse_latex(r"\mathcal{N}(\mathbf{z}; 0, 1)")
