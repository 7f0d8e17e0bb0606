"""Reading the project's LaTeX notation back into SymPy: a small precedence-climbing parser.

Not SymPy's `parse_latex`: its lark backend is ambiguous on sums and integrals and rejects
`\\mathbb{E}`, `\\|`, `\\geq` and `\\nabla`, its ANTLR backend needs an exact runtime version,
and latex2sympy-style readers take `\\log` as base 10. Here `\\log` and `\\ln` are natural.

What it reads: numbers (decimals become exact rationals), letters and Greek letters, sub- and
superscripts, `\\frac`, `\\sqrt`, `\\log`/`\\ln`/`\\exp` (with or without parentheses),
`\\sum_{i=1}^{n}` and `\\int_a^b ... dx` (a sum takes the product that follows it and the
terms after it that use its index; an integral
runs to its `dx`), `\\mathbb{E}_{z\\sim q}[f]`, `D_{\\mathrm{KL}}(p\\,\\|\\,q)`, `H(p)`,
`H(p, q)`, `\\nabla_\\theta`, `\\frac{d}{dx}`, `\\mathcal{N}(\\mu, \\sigma^2)` as a law,
`\\cdot`, `\\times`, `\\left( \\right)`, spacing commands, and the relations =, \\le, \\leq,
\\ge, \\geq, <, >. Names keep the same SymPy object across a file through a `Context`, which
also knows the declared distributions and densities (D_KL(p || q) needs p's index range).

Every error is a `ParseError` whose one-line message names the line, the column and what
was expected.

>>> str(parse_latex(r"\\sum_{i=1}^{n} \\frac{1}{2} x_i"))
'Sum(x[i]/2, (i, 1, n))'
>>> parse_latex(r"\\log(")
Traceback (most recent call last):
...
derive.notation.reader.ParseError: line 1, column 6: expected an expression, found the end
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

from derive.engine.assumptions import Density, Distribution
from derive.notation.macros import MAX_EXPANSIONS, Macro

RELATIONS = {"=": "=", "<": "<", ">": ">", r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=",
             r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", r"\lt": "<", r"\gt": ">"}
GREEK = set("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
            "sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon "
            "Phi Psi Omega".split())
VARIANTS = {"varepsilon": "epsilon", "varphi": "phi", "vartheta": "theta", "varrho": "rho",
            "varsigma": "sigma"}
SKIP = {r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad", r"\displaystyle",
        r"\textstyle", r"\limits", r"\nolimits", r"\fitmath", r"\big", r"\Big", r"\bigg",
        r"\Bigg", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr", r"\biggl", r"\biggr", r"\nonumber",
        r"\notag", "~", "&", r"\mathopen", r"\mathclose", r"\middle"}
# Operators by name: `\log`, `\text{log}`, `\mathrm{log}` and `\operatorname{log}` are one operator.
FUNCTIONS = {"log": sp.log, "ln": sp.log, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos,
             "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh}
# An unbraced operator argument (`\log 2\pi\sigma^2`) is the run of juxtaposed factors after
# it; it ends at +, -, a relation, a closing bracket, \cdot, \times, /, a comma, a
# differential, a reason in words, or another logarithm (`\log a \log b` is a product).
ENDS_ARGUMENT = {"log", "ln"}
# Commands whose argument is a word: an operator or a name (`\mathrm{ELBO}`); in `\text`, an
# unknown word is a reason (`\text{(Jensen)}`), read only where a reason may stand.
WORD_COMMANDS = {r"\mathrm", r"\operatorname", r"\text", r"\mathit", r"\textrm", r"\mbox",
                 r"\textit", r"\mathsf", r"\textnormal"}
NAME_COMMANDS = {r"\mathrm", r"\operatorname", r"\mathit", r"\mathsf"}  # may name a quantity
# Words that stand for the step's reason where they appear: after a row's last expression.
REASONS = {r"\because", r"\therefore", r"\tag", r"\hence", r"\text", r"\textrm",
           r"\mbox", r"\textit", r"\textnormal"}
# Size switches that may wrap a reason written in a column of its own.
STYLES = {r"\scriptstyle", r"\scriptscriptstyle", r"\small", r"\footnotesize", r"\tiny"}
# Bold letters are vectors, read under their plain name (see `font_name`).
FONTS = {r"\mathbf", r"\boldsymbol", r"\bm", r"\vec", r"\mathbold"}
# An accented letter is a name of its own: \hat{x} is x_hat.
ACCENTS = {r"\hat": "hat", r"\tilde": "tilde", r"\bar": "bar", r"\widehat": "hat",
           r"\widetilde": "tilde", r"\overline": "bar", r"\dot": "dot"}
# Spellings of one symbol: each is read as the one on the right.
ALIASES = {r"\vert": "|", r"\Vert": r"\|", r"\lbrack": "[", r"\rbrack": "]", r"\colon": ":",
           r"\dfrac": r"\frac", r"\tfrac": r"\frac", r"\leq": r"\le", r"\geq": r"\ge"}
# Relations the checker cannot prove: an error that says why, never a silent skip.
UNCHECKED_RELATIONS = {
    r"\approx": "\\approx is an approximation: it cannot be proved (write = or an inequality)",
    r"\simeq": "\\simeq is an approximation (an estimate): it cannot be proved, and an "
               "approximate step is not checked yet",
    r"\propto": "\\propto is not checked yet (write the constant: p(z|x) = p(x, z) / p(x))",
    r"\ne": "\\ne is not checked (a chain's steps are =, <, <=, >, >=)",
    r"\neq": "\\neq is not checked (a chain's steps are =, <, <=, >, >=)",
    r"\sim": "\\sim between expressions is not checked (it declares a law in % assume:)"}
OPEN = {"(": ")", "[": "]", "{": "}", r"\{": r"\}", r"\lvert": r"\rvert", r"\langle": r"\rangle"}
# Names conventionally used as indices and sizes (overridden by a declaration).
INDEX_NAMES, SIZE_NAMES = set("ijkl"), set("nNMK")
MAX_EXPONENT = 1000
FUNCTION_LETTERS = set("fghpqrPQ")  # f(x) is an application, c(x) a product
SPACES = {r"\,", r"\;", r"\:", "\\ ", r"\quad", r"\qquad"}  # p \, (x): no application


class ParseError(ValueError):
    """Unreadable input: a one-line message with the line, the column and what was expected."""

    def __init__(self, what: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {what}")
        self.what, self.line, self.column = what, line, column


@dataclass(frozen=True)
class Token:
    kind: str  # "cmd", "letter", "number", "char", "end"
    text: str
    line: int
    column: int

    def describe(self) -> str:
        return "the end" if self.kind == "end" else repr(self.text)


_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[A-Za-z]|\d+(?:\.\d+)?|\.\d+|\S", re.S)


def tokenize(text: str, *, line: int = 1, column: int = 1) -> list[Token]:
    """Tokens with their positions; `line`/`column` place text inside a larger file."""
    out, pos, ln, col0 = [], 0, line, column - 1  # col0: column of offset `start_of_line`
    start_of_line = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "\n":
            ln, pos, start_of_line, col0 = ln + 1, pos + 1, pos + 1, 0
            continue
        if ch.isspace():
            pos += 1
            continue
        if ch == "%":  # a comment runs to the end of the line
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
            continue
        m = _TOKEN.match(text, pos)
        tok = m.group()
        kind = ("cmd" if tok.startswith("\\") else "letter" if tok.isalpha()
                else "number" if tok[0].isdigit() or tok[0] == "." and len(tok) > 1 else "char")
        tok = ALIASES.get(tok, tok)
        out.append(Token(kind if tok[0] == "\\" or kind != "cmd" else "char", tok, ln,
                         col0 + pos - start_of_line + 1))
        pos = m.end()
    out.append(Token("end", "", ln, col0 + pos - start_of_line + 1))
    # `{}` (as in SymPy's `{}={}`) is empty: drop it.
    return [t for k, t in enumerate(out)
            if not (t.text == "{" and out[k + 1].text == "}")
            and not (t.text == "}" and k and out[k - 1].text == "{")]


def expand(tokens: list[Token], macros: dict[str, Macro]) -> list[Token]:
    """Tokens with the file's own macros replaced by their bodies (placed at the use)."""
    out, k, done = [], 0, 0
    tokens = list(tokens)
    while k < len(tokens):
        t = tokens[k]
        macro = macros.get(t.text[1:]) if t.kind == "cmd" and t.text not in SKIP else None
        if macro is None:
            out.append(t)
            k += 1
            continue
        done += 1
        if done > MAX_EXPANSIONS:
            raise ParseError(f"{t.text} expands without end", t.line, t.column)
        k += 1
        args = []
        for _ in range(macro.arguments):
            if tokens[k].kind == "end":
                raise ParseError(f"expected {macro.arguments} arguments for {t.text}",
                                 t.line, t.column)
            if tokens[k].text == "{":
                depth, j = 0, k
                while True:
                    depth += (tokens[j].text == "{") - (tokens[j].text == "}")
                    if depth == 0 or tokens[j].kind == "end":
                        break
                    j += 1
                args.append(tokens[k:j + 1])
                k = j + 1
            else:
                args.append([tokens[k]])
                k += 1
        body = [Token(b.kind, b.text, t.line, t.column)
                for b in tokenize(macro.body)[:-1]]
        filled: list[Token] = []
        j = 0
        while j < len(body):
            if body[j].text == "#" and j + 1 < len(body) and body[j + 1].kind == "number":
                filled += args[int(body[j + 1].text[0]) - 1]
                j += 2
            else:
                filled.append(body[j])
                j += 1
        tokens[k:k] = filled  # expanded again: macros may use macros
    return out


@dataclass
class Context:
    """Names seen so far (one SymPy object per name) and the declared distributions/densities.

    `names` maps a name (`x`, `theta_1`, `p`) to a Symbol, IndexedBase or undefined Function.
    Undeclared names are created on first use: i, j, k, l integer; n, N, M, K positive
    integers; every other name real.
    """

    names: dict[str, sp.Basic] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    densities: dict[str, Density] = field(default_factory=dict)
    # q_phi for the density q_phi(z|x): only where a law is named (E_{q_phi}, KL(q_phi || p))
    shorthand: dict[str, Density] = field(default_factory=dict)
    readings: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column, how)
    reasons: list[tuple[int, int, str]] = field(default_factory=list)  # words kept as reasons
    laws: dict[str, tuple[sp.Symbol, sp.Basic]] = field(default_factory=dict)  # z ~ q(z)
    sets: dict[str, sp.Symbol] = field(default_factory=dict)  # finite set name -> its size
    macros: dict[str, Macro] = field(default_factory=dict)  # the file's \newcommand, \def
    vectors: set[str] = field(default_factory=set)  # names written bold (\mathbf{z})
    dims: dict[str, sp.Expr] = field(default_factory=dict)  # z -> J of z \in \mathbb{R}^J
    scalar_normals: set[str] = field(default_factory=set)  # z of a scalar N(z; m, v) read
    bound: list[sp.Symbol] = field(default_factory=list)  # variables bound from the start
    joint_orders: dict[str, tuple] = field(default_factory=dict)  # p -> (x, z): p(x, z) first
    ranges: dict[str, sp.Expr] = field(default_factory=dict)  # x -> |X| for x in a finite set
    joints: dict[str, tuple[sp.Expr, ...]] = field(default_factory=dict)  # p_xy -> (|X|, |Y|)
    sum_laws: set[str] = field(default_factory=set)  # distributions an E was read as a sum over
    several: dict[str, sp.Expr] = field(default_factory=dict)  # P -> p(x, y) (P has density p)
    # p -> (theta,) for a distribution declared `p depends on \theta`: its entry p(x) is read
    # as the positive function p(x, theta), so that d/dtheta p(x) is an unknown, not 0
    moving: dict[str, tuple[sp.Symbol, ...]] = field(default_factory=dict)
    # p_x|theta -> (theta,): the given variables of a conditional density (a derivative in one
    # of them is read only if the density is declared to depend on it, see `moving`)
    givens: dict[str, tuple[sp.Basic, ...]] = field(default_factory=dict)
    # D_KL(a || b) of two numbers, as a header equation defines it (a Lambda of a, b); while
    # such an equation is read, `kl_head` is set and D_KL of two names is the head KLOfNumbers
    kl_numbers: sp.Lambda | None = None
    kl_head: bool = False
    # L of `% assume: L(\theta) function`: L followed by `(` is that function applied, while L
    # alone stays a number (the source's L(theta) beside its number of layers L)
    calls: set[str] = field(default_factory=set)
    # p of `% assume: p_j \in (0, 1)`: every entry declared, so p_3 (a number for an index,
    # not itself declared) is the entry p[3], shown, never a fresh name the declaration misses
    entry_families: set[str] = field(default_factory=set)
    # z -> (q(z), K) of `% assume: z^{(1)}, \dots, z^{(K)} \sim q(z) iid`: the samples an
    # expectation E_{z^{(1)}, ..., z^{(K)} \sim q} may average over
    iid: dict[str, tuple[sp.Basic, str]] = field(default_factory=dict)
    # calL -> K of `% assume: \mathcal{L}_K = f(K)`: a family defined for every size K
    size_families: dict[str, str] = field(default_factory=dict)

    def moving_entry(self, name: str, index: sp.Expr) -> sp.Expr:
        """p(x) of a distribution that depends on theta: the function p(x, theta) (> 0)."""
        return sp.Function(name, positive=True)(index, *self.moving[name])

    def symbol(self, name: str) -> sp.Basic:
        got = self.names.get(name)
        if isinstance(got, sp.Symbol):
            return got
        if got is not None:
            raise ValueError(f"{name} is declared as a {type(got).__name__}, not a variable")
        if name in INDEX_NAMES:
            s = sp.Symbol(name, integer=True)
        elif name in SIZE_NAMES:
            s = sp.Symbol(name, integer=True, positive=True)
        else:
            s = sp.Symbol(name, real=True)
        self.names[name] = s
        return s

    def base(self, name: str) -> sp.IndexedBase:
        got = self.names.get(name)
        if isinstance(got, sp.IndexedBase):
            return got
        if name in self.distributions:
            return self.distributions[name].base
        b = sp.IndexedBase(name, real=True)
        if got is None:
            self.names[name] = b
        return b

    def function(self, name: str) -> UndefinedFunction:
        got = self.names.get(name)
        if isinstance(got, UndefinedFunction):
            return got
        if name in self.densities:
            return self.densities[name].function
        f = sp.Function(name, real=True)
        if got is None:
            self.names[name] = f
        return f

    def is_function(self, name: str) -> bool:
        return isinstance(self.names.get(name), UndefinedFunction) or name in self.densities

    def is_base(self, name: str) -> bool:
        return isinstance(self.names.get(name), sp.IndexedBase) or name in self.distributions


class _Parser:
    def __init__(self, tokens: list[Token], ctx: Context) -> None:
        if ctx.macros:
            tokens = expand(tokens, ctx.macros)
        self.toks, self.k, self.ctx = tokens, 0, ctx
        # variables of enclosing sums/integrals/expectations (a header binds its latent ones)
        self.bound: list[sp.Symbol] = list(ctx.bound)
        self.integrals = 0  # depth of enclosing integrals (a `d x` ends the innermost)
        self.samples: dict[str, sp.IndexedBase] = {}  # z -> z[k] inside E over its K samples

    # -------------------------------------------------------------- tokens
    def peek(self, ahead: int = 0) -> Token:
        k = self.k
        while True:
            t = self.toks[min(k, len(self.toks) - 1)]
            if t.text in SKIP and t.kind != "end":
                k += 1
                continue
            if ahead == 0:
                return t
            ahead, k = ahead - 1, k + 1

    def next(self) -> Token:
        t = self.peek()
        while self.toks[self.k] is not t:
            self.k += 1
        self.k = min(self.k + 1, len(self.toks) - 1)
        return t

    def fail(self, what: str, tok: Token | None = None) -> ParseError:
        tok = tok or self.peek()
        found = tok.describe()
        if tok.text in WORD_COMMANDS and tok is self.peek() and self.word_ahead() is not None:
            found = f"{tok.text}{{{self.word_ahead()}}} (words are read only after a row's " \
                    f"expression, as its reason)"
        return ParseError(f"expected {what}, found {found}", tok.line, tok.column)

    def expect(self, text: str, what: str | None = None) -> Token:
        t = self.peek()
        if t.text != text:
            raise self.fail(what or repr(text), t)
        return self.next()

    def at(self, *texts: str) -> bool:
        return self.peek().text in texts

    def open_paren(self) -> str | None:
        """The closing delimiter if an opening one (possibly after \\left) comes next."""
        t = self.peek()
        if t.text == r"\left":
            d = self.peek(1).text
            return r"\right" + OPEN.get(d, d) if d in ("(", "[", r"\{", "|", r"\lvert") else None
        return OPEN.get(t.text) if t.text in ("(", "[") else None

    def delimited(self, parse: callable) -> object:
        """( ... ) or \\left( ... \\right) or [ ... ]: parse the inside with `parse`."""
        t = self.next()
        if t.text == r"\left":
            d = self.next().text
            inner = parse()
            self.expect(r"\right", r"\right" + OPEN.get(d, d))
            close = self.next()
            if close.text not in (OPEN.get(d, d), "|", "."):
                raise self.fail(repr(OPEN.get(d, d)), close)
            return inner
        inner = parse()
        self.expect(OPEN[t.text])
        return inner

    def group(self) -> sp.Expr:
        """{expr}, or a single token (x^2, \\frac12)."""
        if self.at("{"):
            self.next()
            e = self.expr()
            self.expect("}")
            return e
        t = self.peek()
        if t.kind == "number" and len(t.text) > 1 and t.text.isdigit():
            self.next()  # \frac12: one digit per argument
            rest = Token("number", t.text[1:], t.line, t.column + 1)
            self.toks.insert(self.k, rest)
            return sp.Integer(t.text[0])
        return self.atom()

    def group_tokens(self) -> list[Token]:
        """The tokens of a {group} (braces inside kept), or the one token that comes next."""
        if not self.at("{"):
            return [self.next()]
        self.next()
        got, depth = [], 0
        while depth or not self.at("}"):
            t = self.peek()
            if t.kind == "end":
                raise self.fail("'}'")
            depth += (t.text == "{") - (t.text == "}")
            got.append(self.next())
        self.next()
        return got

    def raw_group(self) -> str:
        """The letters/commands of a {group}, braces dropped (for \\mathrm{KL}, \\mathbb{E})."""
        return "".join(t.text for t in self.group_tokens() if t.text not in "{}")

    def raw_text(self) -> str:
        """The text of a {group} as written (spaces kept from the columns), or one token."""
        return _as_written(self.group_tokens())

    # -------------------------------------------------------------- relations
    def word_ahead(self) -> str | None:
        """The word in the `\\text{...}` (or `\\mathrm{...}`, ...) that comes next."""
        if self.peek().text not in WORD_COMMANDS:
            return None
        k = self.k
        try:
            self.next()
            return self.raw_text().strip()
        except ParseError:
            return None
        finally:
            self.k = k

    def is_word_expression(self, command: str, word: str) -> bool:
        """Is `command{word}` part of an expression (an operator or a name), not a reason?"""
        if word in FUNCTIONS or word in ("KL", "H", "E") or word in self.ctx.names:
            return True
        if len(word) == 1 and word.isalpha():
            return True
        return command in NAME_COMMANDS and re.fullmatch(r"[A-Za-z]+[0-9]*", word) is not None

    def reading(self, tok: Token, how: str) -> None:
        """Record that the text at `tok` was read through a convention (shown to the user)."""
        if not any(ln == tok.line and h == how for ln, _, h in self.ctx.readings):
            self.ctx.readings.append((tok.line, tok.column, how))

    def reason(self, tok: Token, text: str) -> None:
        self.ctx.reasons.append((tok.line, tok.column, text))

    def take_reasons(self) -> None:
        """Words where a reason may stand (after a row's expression): kept as the step's."""
        while True:
            t = self.peek()
            if t.text == r"\label":
                self.next()
                self.raw_text()  # a cross-reference name: not mathematics
            elif t.text == r"\because":
                self.next()
                words = []
                while self.peek().kind != "end":
                    words.append(self.next())
                self.reason(t, "because " + _as_written(words))
            elif t.text in (r"\therefore", r"\hence"):
                self.next()
                self.reason(t, t.text[1:])
            elif t.text == r"\tag":
                self.next()
                if self.at("*"):
                    self.next()
                self.reason(t, f"({self.raw_text().strip()})")
            elif t.text in (".", ",", ";") and (self.peek(1).kind == "end" or
                                                self.peek(1).text in (r"\tag", r"\label")):
                self.next()  # punctuation closing the sentence the display is part of
            elif t.text in STYLES and self.peek(1).text == "{" and \
                    self.peek(2).text in REASONS - {r"\tag"}:
                self.next()  # \scriptstyle{\text{; Because }p(z|x) = ...}: a reason column
                self.reason(t, _plain(_as_written(self.group_tokens())))
            elif t.text in REASONS and self.word_ahead() is not None and \
                    not self.is_word_expression(t.text, self.word_ahead()):
                self.next()
                words = self.raw_text().strip()
                if not self.relation_ahead() and self.peek().text not in REASONS | {r"\label"}:
                    rest = []  # words then mathematics: the rest of the row is the reason
                    while self.peek().kind != "end":
                        rest.append(self.next())
                    words = _plain(f"{words} {_as_written(rest)}") if rest else words
                self.reason(t, words)
            else:
                return

    # -------------------------------------------------------------- relations
    def chain(self) -> tuple[list[sp.Expr | None], list[tuple[str, Token]]]:
        """e0 R1 e1 R2 e2 ...; e0 may be missing (a row that starts with a relation)."""
        self.take_reasons()
        exprs: list[sp.Expr | None] = [None if self.relation_ahead() else self.expr()]
        rels = []
        self.take_reasons()
        while self.relation_ahead():
            rels.append(self.relation())
            exprs.append(self.expr())
            self.take_reasons()
        return exprs, rels

    def relation(self) -> tuple[str, Token]:
        """=, \\le, ...; or \\overset{reason}{=}, \\stackrel{reason}{=} (the reason is kept)."""
        tok = self.next()
        if tok.text not in (r"\overset", r"\stackrel"):
            self.reject_relation(tok)
            return RELATIONS[tok.text], tok
        words = self.raw_text().strip()
        self.expect("{")
        rel = self.next()
        if rel.text not in RELATIONS:
            raise self.fail("a relation under the reason", rel)
        self.reject_relation(rel)
        self.expect("}")
        self.reason(rel, re.sub(r"\\text\s*|[{}]", "", words).strip())
        return RELATIONS[rel.text], rel

    def reject_relation(self, tok: Token) -> None:
        if tok.text in UNCHECKED_RELATIONS:
            raise ParseError(UNCHECKED_RELATIONS[tok.text], tok.line, tok.column)

    def relation_ahead(self) -> bool:
        t = self.peek()
        if t.text in (r"\overset", r"\stackrel"):
            return True
        return t.text in RELATIONS or t.text in UNCHECKED_RELATIONS

    # -------------------------------------------------------------- expressions
    def expr(self) -> sp.Expr:
        terms = []
        sign = 1
        if self.at("+", "-"):
            sign = -1 if self.next().text == "-" else 1
        first = self.term()
        terms.append(first if sign == 1 else -first)
        while self.at("+", "-", r"\pm"):
            t = self.next()
            if t.text == r"\pm":
                raise self.fail("+ or - (\\pm is ambiguous)", t)
            terms.append((-1 if t.text == "-" else 1) * self.term())
        return terms[0] if len(terms) == 1 else sp.Add(*terms)

    def term(self) -> sp.Expr:
        out = self.unary()
        while True:
            t = self.peek()
            if t.text in (r"\cdot", r"\times", "*"):
                self.next()
                out = out * self.unary()
            elif t.text == "/":
                self.next()
                out = out / self.unary()
            elif self.starts_factor():
                out = out * self.unary()
            else:
                return out

    def unary(self) -> sp.Expr:
        if self.at("-"):
            self.next()
            return -self.unary()
        if self.at("+"):
            self.next()
            return self.unary()
        return self.power()

    def starts_factor(self) -> bool:
        t = self.peek()
        if t.kind in ("letter", "number"):
            return not self.at_differential()
        if t.kind == "cmd":
            if t.text in WORD_COMMANDS and not (self.integrals and self._mathrm_d()):
                word = self.word_ahead()
                return word is not None and self.is_word_expression(t.text, word)
            if t.text == r"\left":
                return self.peek(1).text in ("(", "[", "|", ".", r"\langle")
            if t.text == r"\mathrm" and self.integrals and self._mathrm_d():
                return False
            return t.text not in RELATIONS and t.text not in UNCHECKED_RELATIONS and \
                t.text not in REASONS and t.text not in STYLES and \
                t.text not in (r"\overset", r"\stackrel", r"\label", r"\over") and \
                t.text not in (
                r"\right", r"\rangle", r"\cdot", r"\times", r"\pm", r"\mid", r"\|", r"\sim", r"\in",
                r"\dots", r"\ldots", r"\cdots")
        return t.text in ("(", "{")

    def _mathrm_d(self) -> bool:
        return self.peek(1).text == "{" and self.peek(2).text == "d" and self.peek(3).text == "}"

    def at_differential(self) -> bool:
        """Inside an integral, `d x` (or `\\mathrm{d} x`) ends the integrand."""
        t = self.peek()
        if not self.integrals:
            return False
        if t.text == "d":
            nxt = self.peek(1)
            return nxt.kind == "letter" or nxt.text[1:] in GREEK | set(VARIANTS) or \
                nxt.text in FONTS
        return t.text == r"\mathrm" and self._mathrm_d()

    def power(self) -> sp.Expr:
        base = self.postfix()
        while self.at("^"):
            t = self.next()
            ahead = [self.peek(k).text for k in range(5)]
            ahead = ahead[1:] if ahead[0] == "{" else ahead
            if ahead[0] in (r"\top", r"\intercal") or ahead[1:4] == ["{", "T", "}"] and \
                    ahead[0] in (r"\mathrm", r"\mathsf", r"\text"):
                if self.scalar(base):  # a scalar (a 1x1 matrix) is its own transpose
                    self.group_tokens()
                    self.reading(t, f"({shown(base)})^⊤ as {shown(base)}: a scalar here, its "
                                    f"own transpose")
                    continue
                raise ParseError("a transpose (^\\top, ^\\mathrm{T}) is not read yet: vectors and "
                                 "matrices are not in the notation", t.line, t.column)
            exponent = self.group()
            # 9^{9^{9}} would take SymPy minutes to evaluate: keep huge powers unevaluated.
            big = exponent.is_Number and abs(exponent) > MAX_EXPONENT
            base = sp.Pow(base, exponent, evaluate=not big)
        return base

    def scalar(self, e: sp.Expr) -> bool:
        """Is `e` surely a scalar: a number, or a value of a declared density or distribution
        (p(x | theta), p(x)), or a product or power of those? Any other name may be a vector:
        `(x - m)^\\top` stays an error."""
        def value(f: sp.Basic) -> bool:
            f = f.base if isinstance(f, sp.Pow) and f.exp.is_number else f
            if f.is_number:
                return True
            if isinstance(f, AppliedUndef):
                name = f.func.__name__
                return name in self.ctx.densities or name in self.ctx.moving
            return isinstance(f, sp.Indexed) and f.base.name in self.ctx.distributions
        return isinstance(e, sp.Expr) and all(value(f) for f in sp.Mul.make_args(e))

    def postfix(self) -> sp.Expr:
        return self.atom()

    # -------------------------------------------------------------- atoms
    def atom(self) -> sp.Expr:
        t = self.peek()
        if t.kind == "end":
            raise self.fail("an expression", t)
        if t.kind == "number":
            self.next()
            return sp.Rational(t.text) if "." in t.text else sp.Integer(t.text)
        if t.kind == "letter":
            return self.name()
        if t.text == "{":
            self.next()
            inner = self.expr()
            if self.at(r"\over"):  # {a \over b}: TeX's fraction
                self.next()
                inner = inner / self.expr()
            self.expect("}")
            if isinstance(inner, (sp.Symbol, sp.IndexedBase, UndefinedFunction)) and \
                    self.at("_"):
                return self.after_name(inner, None)
            if inner is sp.pi and self.at("_"):  # {\pi}_{k}: the vector pi
                return self.after_name(sp.Symbol("pi"), None)
            return inner
        if t.text == r"\langle" or t.text == r"\left" and self.peek(1).text == r"\langle":
            return self.angle_expectation(t)
        if t.text in ("(", "[") or t.text == r"\left":
            if t.text == r"\left" and self.peek(1).text == ".":
                return self.substitution()
            if t.text == r"\left" and self.peek(1).text in ("|", r"\lvert"):
                return sp.Abs(self.delimited(self.expr))
            return self.delimited(lambda: self.no_tuple(t))
        if t.kind == "cmd":
            return self.command()
        raise self.fail("an expression", t)

    def no_tuple(self, opening: Token) -> sp.Expr:
        """The expression inside brackets, which a comma would make a tuple: (mu_1, ..., mu_k)
        as a law's mean is not read (is its partner (sigma_1, ...) variances or standard
        deviations?), so it is an error that names it, not a missing bracket."""
        e = self.expr()
        if self.at(","):
            raise ParseError("a tuple (a, b, ...) is not read: write a vector by its name "
                             "(declare it: % assume: \\mathbf{z} \\in \\mathbb{R}^J)",
                             opening.line, opening.column)
        return e

    def command(self) -> sp.Expr:
        t = self.peek()
        c = t.text
        name = c[1:]
        if name in FUNCTIONS:
            self.next()
            return self.function_call(t, name)
        if c in (r"\frac", r"\dfrac", r"\tfrac"):
            return self.fraction()
        if c == r"\sqrt":
            self.next()
            if self.at("["):
                self.next()
                n = self.expr()
                self.expect("]")
                return sp.root(self.group(), n)
            return sp.sqrt(self.group())
        if c in (r"\sum", r"\prod"):
            return self.big_sum()
        if c == r"\int":
            return self.integral()
        if c == r"\nabla":
            self.next()
            self.expect("_", "a subscript: \\nabla_\\theta")
            v = self.group()
            if not isinstance(v, sp.Symbol):
                raise self.fail("a variable after \\nabla_", t)
            return self.derivative(t, self.power(), v)
        if c == r"\mathbb":
            k = self.k
            self.next()
            word = self.raw_group()  # \mathbb{KL}(p || q), \mathbb{H}[p]
            if word in ("KL", "H"):
                return self.kl(t) if word == "KL" else self.entropy(t)
            self.k = k
            return self.expectation()
        if c in WORD_COMMANDS:
            return self.word_command(t)
        if c in FONTS:
            return self.font_name(t)
        if c in ACCENTS:
            self.next()
            inner = self.raw_group()
            return self.name_tail(f"{inner}_{ACCENTS[c]}")
        if c == r"\mathcal":
            self.next()
            letter = self.raw_group()
            if letter != "N":  # \mathcal{L}: a name of its own
                return self.name_tail(f"cal{letter}")
            if self.open_paren() and self.separator_ahead((";", "|", r"\mid")):
                return self.normal_density(t)
            raise ParseError("a normal law N(mean, variance) can only follow z \\sim in "
                             "E_{z \\sim N(...)}; its density is N(z; mean, variance)",
                             t.line, t.column)
        if c == r"\partial" and self.peek(1).kind == "letter" and self.peek(2).text == "(":
            self.next()  # \partial E(\theta): the name of a quantity (a Jacobian), applied;
            word = f"partial{self.next().text}"  # `\frac{\partial f}{\partial x}` stays an error
            self.reading(t, f"\\partial {word[7:]} as the name ∂{word[7:]}")
            return self.application(word)
        if c == r"\infty":
            self.next()
            return sp.oo
        if name in GREEK or name in VARIANTS:
            self.next()
            n = VARIANTS.get(name, name)
            if n == "pi" and "pi" not in self.ctx.names:
                return self.after_name(sp.pi, None)
            return self.name_tail(n)
        if c == r"\left":
            return self.delimited(self.expr)
        raise ParseError(f"{c} is not in the notation derive check reads (docs/check.md lists "
                         f"what is; a macro of your own needs \\newcommand in the file)",
                         t.line, t.column)

    def font_name(self, t: Token) -> sp.Expr:
        """\\mathbf{z}, \\boldsymbol{\\mu}: the vector is read under its plain name (z, mu).

        The steps read this way are those where the dimension plays no part (densities of z,
        expectations over z); a normal density of a vector is refused (its normaliser depends
        on the dimension)."""
        self.next()
        if self.peek(1).kind == "letter" and self.peek(1).text in self.samples and \
                self.peek(2).text == "^":  # \mathbf{z^{(k)}}: the k-th sample, bold
            self.next()
            word = self.next().text
            self.ctx.vectors.add(word)
            out = self.name_tail(word)
            self.expect("}")
            return out
        inner = self.group_tokens()
        if len(inner) != 1 or not (inner[0].kind == "letter" or
                                   inner[0].text[1:] in GREEK | set(VARIANTS) or
                                   inner[0].kind == "number"):
            raise ParseError(f"expected one letter in {t.text}{{...}}", t.line, t.column)
        tok = inner[0]
        if tok.kind == "number":
            return sp.Integer(tok.text)
        word = VARIANTS.get(tok.text[1:], tok.text[1:]) if tok.kind == "cmd" else tok.text
        self.ctx.vectors.add(word)
        return self.name_tail(word)

    def word_command(self, t: Token) -> sp.Expr:
        """\\text{log}, \\mathrm{KL}, \\operatorname{log}: an operator; \\mathrm{ELBO}: a name."""
        self.next()
        word = self.raw_text().strip()
        if not self.is_word_expression(t.text, word):
            raise ParseError(f"{t.text}{{{word}}} is neither an operator nor a declared name; "
                             f"words are read only after a row's expression, as its reason",
                             t.line, t.column)
        if word in FUNCTIONS:
            return self.function_call(t, word)
        if word == "KL":
            return self.kl(t)
        if word == "E" and "E" not in self.ctx.names:
            return self.expectation_after(t)
        got = self.ctx.names.get(word)
        if word == "H" and self.open_paren() and not isinstance(got, UndefinedFunction):
            return self.entropy(t)
        if len(word) > 1 and self.open_paren() and not isinstance(got, UndefinedFunction):
            raise ParseError(f"{t.text}{{{word}}}(...) is an unknown operator (declare it: "
                             f"% assume: {word} function)", t.line, t.column)
        if len(word) > 1 and word not in self.ctx.names:
            self.reading(t, f"{t.text}{{{word}}} as the name {word}")
        return self.name_tail(word)

    def name(self) -> sp.Expr:
        """A letter, or a run of letters declared as one name, with sub/superscripts."""
        t = self.next()
        word = t.text
        # a multi-letter name only if it is declared (xy is x times y)
        j = 0
        while self.toks[self.k + j].kind == "letter" and self.toks[self.k + j].column == \
                self.toks[self.k + j - 1].column + 1 and self.toks[self.k + j].line == t.line:
            j += 1
        bare = word + "".join(x.text for x in self.toks[self.k:self.k + j])
        if bare in FUNCTIONS and bare not in self.ctx.names and \
                self.toks[self.k + j].text in ("(", r"\left", "{", "^", "_"):
            self.k += j  # log(x) without its backslash: the logarithm, as a person reads it
            self.reading(t, f"{bare} without a backslash as \\{bare}")
            return self.function_call(t, bare)
        for stop in range(j, 0, -1):
            longer = word + "".join(x.text for x in self.toks[self.k:self.k + stop])
            if longer in self.ctx.names or longer == "KL":
                self.k += stop
                word = longer
                break
        if word == "KL" and self.open_paren():
            return self.kl(t)
        if word == "D" and self.at("_") and self._kl_subscript():
            return self.kl(t)
        if word == "H" and self.open_paren() and "H" not in self.ctx.names:
            return self.entropy(t)
        if word == "E" and "E" not in self.ctx.names and (self.at("_") or
                                                          self.open_paren() == "]" or
                                                          self.open_paren() == r"\right]"):
            return self.expectation_after(t)
        if word == "e" and "e" not in self.ctx.names:
            return self.after_name(sp.E, None)
        return self.name_tail(word)

    def _kl_subscript(self) -> bool:
        k = self.k + 1
        text = "".join(tok.text for tok in self.toks[k:k + 6])
        return "KL" in text

    def name_tail(self, word: str) -> sp.Expr:
        """Subscript (index or part of the name), superscript, application."""
        sub = None
        if self.at("_"):
            self.next()
            sub = self.subscript(word)
        if word in self.samples and sub is None:
            return self.sample(word)
        if word in self.samples:  # z_k, z_1: the samples' plain-letter form
            t = self.toks[self.k - 1]
            sub = ("index", sp.Integer(sub)) if isinstance(sub, str) and sub.isdigit() else sub
            if not isinstance(sub, tuple):
                raise ParseError(f"expected the index of a sample after {word}_", t.line,
                                 t.column)
        if sub is None and self.label_ahead():  # x^{(i)}: the i-th data point, not a power
            t = self.next()
            self.next()
            self.next()
            label = self.next().text
            self.next()
            self.next()
            if label in {b.name for b in self.bound}:  # the i-th x, i a sum's index: not a name
                raise ParseError(f"{word}^{{({label})}} with {label} the index of an enclosing "
                                 f"sum is not read yet: write {word}_{label}", t.line, t.column)
            word = f"{word}^({label})"
            self.reading(t, f"{word} as a name (a label in parentheses, not a power)")
        power = None
        if self.at("^") and self.application_after_power():
            self.next()
            power = self.group()
        if isinstance(sub, tuple) and self.label_ahead() and \
                (self.peek(3).text in INDEX_NAMES | {b.name for b in self.bound} or
                 self.peek(3).kind == "number"):
            t = self.next()  # x_j^{(l)}: the entry (j, l), indexed by j and by the label l
            self.next()
            self.next()
            tok = self.next()
            label = ("index", sp.Integer(tok.text)) if tok.kind == "number" else \
                self.sub_word(tok)
            self.next()
            self.next()
            if isinstance(label, tuple):
                entry = self.ctx.base(word)[sub[1], label[1]]
                self.reading(t, f"{word}_{shown(sub[1])}^({shown(label[1])}) as the entry "
                                f"{shown(entry)}, indexed by {shown(sub[1])} and "
                                f"{shown(label[1])}")
                return entry
            raise ParseError(f"expected an index in the label of {word}_{shown(sub[1])}^(...)",
                             t.line, t.column)
        if isinstance(sub, tuple):  # an index: x_i
            base = self.samples.get(word) or self.ctx.base(word)
            obj = base[sub[1]]
            return obj if power is None else obj**power
        if isinstance(sub, str) and sub.isdigit() and word in self.ctx.entry_families and \
                f"{word}_{sub}" not in self.ctx.names:  # p_3 of a declared p_j: its entry
            self.reading(self.toks[self.k - 1], f"{word}_{sub} as the entry {word}[{sub}] of "
                                                f"the declared {word}_j")
            obj = self.ctx.base(word)[int(sub)]
            return obj if power is None else obj**power
        full = word if sub is None else f"{word}_{sub}"
        if full in self.ctx.distributions and self.at("(") and not self.conditional_ahead():
            # p(x) is the entry p_x
            d = self.ctx.distributions[full]
            index = self.delimited(self.expr)
            entry = d.base[index]
            if full in self.ctx.moving:
                entry = self.ctx.moving_entry(full, index)
                self.reading(self.peek(), f"{full}({shown(index)}) as {shown(entry)}: an entry "
                                          f"of {full}, which depends on "
                                          f"{', '.join(map(shown, self.ctx.moving[full]))}")
            return entry if power is None else entry**power
        if self.is_application(full, word):
            applied = self.application(full)
            return applied if power is None else applied**power
        got = self.ctx.names.get(full)
        if power is None and isinstance(got, (sp.IndexedBase, UndefinedFunction)):
            return got  # a distribution or density by name: D_KL(p || q), E_{z ~ q}
        bound = [b for b in self.bound if b.name == full]  # a sum's index, whatever its letter
        obj = bound[-1] if bound else self.ctx.symbol(full) if full != "pi" else sp.pi
        return obj if power is None else obj**power

    def sample(self, word: str) -> sp.Expr:
        """z^{(k)} inside an expectation over the samples z^{(1)}, ..., z^{(K)}: the entry z[k];
        z alone there names no sample."""
        t = self.peek()
        if not self.label_ahead():
            raise ParseError(f"{word} without a sample index inside the expectation over "
                             f"{word}^(1), ..., {word}^(K) (write {word}^{{(k)}})",
                             t.line, t.column)
        for _ in range(3):
            self.next()
        tok = self.next()
        self.next()
        self.next()
        label = ("index", sp.Integer(tok.text)) if tok.kind == "number" else self.sub_word(tok)
        if not isinstance(label, tuple):
            raise ParseError(f"expected the index of a sample in {word}^{{(...)}}, found "
                             f"{tok.text}", tok.line, tok.column)
        return self.samples[word][label[1]]

    def label_ahead(self) -> bool:
        """^{(i)}: a superscript label in parentheses."""
        return self.at("^") and [self.peek(k).text for k in (1, 2, 4, 5)] == ["{", "(", ")", "}"] \
            and self.peek(3).kind in ("letter", "number")

    def application_after_power(self) -> bool:
        """\\sigma^{2}{\\left(\\theta \\right)}: SymPy's print of sigma(theta)**2."""
        k = 1
        if self.peek(1).text == "{":
            depth, k = 0, 1
            while True:
                t = self.peek(k)
                if t.kind == "end":
                    return False
                depth += t.text == "{"
                depth -= t.text == "}"
                if depth == 0:
                    break
                k += 1
        else:
            k = 1
        nxt, after = self.peek(k + 1), self.peek(k + 2)
        return nxt.text == "{" and after.text == r"\left"

    def subscript(self, word: str = "") -> tuple | str:
        """An index (a tuple ('index', expr)) or a name part (a string: theta_1, q_phi, p_xz)."""
        if self.at("{"):
            start = self.k
            self.next()
            bold = [self.peek(j) for j in range(5)]
            if bold[0].text in FONTS and bold[1].text == "{" and bold[3].text == "}" and \
                    bold[4].text == "}" and (bold[2].kind == "letter" or
                                             bold[2].text[1:] in GREEK | set(VARIANTS)):
                # p_{\mathbf{\theta}}: the bold name under its plain one, as \mathbf{z} is
                for _ in range(5):
                    self.next()
                self.reading(bold[0], f"{word}_{{{bold[0].text}{{{bold[2].text}}}}} as "
                             f"{word}_{bold[2].text} (a bold name in a subscript)")
                return self.sub_word(bold[2])
            letters = []
            while self.peek(len(letters)).kind in ("letter", "number"):
                letters.append(self.peek(len(letters)).text)
            after = self.peek(len(letters) + 1).text
            if len(letters) > 1 and self.peek(len(letters)).text == "}" and (
                    f"{word}_{''.join(letters)}" in self.ctx.names or after in ("{", "(")):
                for _ in range(len(letters) + 1):
                    self.next()
                return "".join(letters)  # a declared name such as p_xz
            t = self.peek()
            if self.peek(1).text == "}" and (t.kind in ("letter", "number") or
                                            t.text[1:] in GREEK | set(VARIANTS)):
                self.next()
                self.next()
                return self.sub_word(t)
            self.k = start
            self.next()
            e = self.expr()
            self.expect("}")
            return ("index", e)
        if self.peek().text in WORD_COMMANDS:  # L_\text{VAE}: TeX takes the braced word
            self.next()
            word = self.raw_group()
            if re.fullmatch(r"[A-Za-z]+[0-9]*", word):
                return word
            raise self.fail("a word in the subscript's \\text{...}")
        t = self.next()
        if t.kind in ("letter", "number") or t.text[1:] in GREEK | set(VARIANTS):
            return self.sub_word(t)
        raise self.fail("a subscript", t)

    def sub_word(self, t: Token) -> tuple | str:
        word = VARIANTS.get(t.text[1:], t.text[1:]) if t.kind == "cmd" else t.text
        if t.kind == "letter":
            known = self.ctx.names.get(word)
            bound = [b for b in self.bound if b.name == word]
            if bound:  # the index of an enclosing sum, whatever its letter
                return ("index", bound[-1])
            if word in INDEX_NAMES or (isinstance(known, sp.Symbol) and known.is_integer):
                return ("index", self.ctx.symbol(word))
        return word

    def is_application(self, full: str, word: str) -> bool:
        if self.peek().text == "{" and self.peek(1).text == r"\left" and \
                self.peek(2).text == "(":
            return True
        if not self.open_paren() or self.open_paren() == "]" or self.peek().text == r"\left" \
                and self.peek(1).text != "(":
            return False
        if full in self.ctx.calls and self.open_paren() == ")":
            self.reading(self.peek(), f"{full}(...) as the function {full} applied (declared "
                                      f"`{full}(...) function`); {full} alone is a number")
            return True
        if self.toks[self.k].text in SPACES and not self.ctx.is_function(full):
            # p_1 \, (1 - p_2): a space before the parenthesis, a product (no f \, (x))
            self.reading(self.peek(), f"{full} \\, (...) as a product (a space before the "
                                      f"parenthesis)")
            return False
        # f(x) as a student writes it; SymPy prints a product g \left(x\right) with \left,
        # and `derive latex` a density p_x|z(z) as p\left(x \mid z\right)
        if self.ctx.is_function(full) or (word in FUNCTION_LETTERS and self.at("(")):
            return True
        if self.separator_ahead((";",)):  # L(x; theta, phi): no product has a `;` inside
            self.reading(self.peek(), f"{full}(...; ...) as a function of its arguments")
            return True
        if self.conditional_ahead() and any(k.startswith(f"{full}_") and "|" in k
                                            for k in self.ctx.distributions):
            return True  # R(X|z) of `R(X|z) distribution over X \in ...`, whatever its letter
        return word in FUNCTION_LETTERS and (self.conditional_ahead() or any(
            k.startswith(full + "_") and isinstance(v, UndefinedFunction)
            for k, v in self.ctx.names.items()))

    def separator_ahead(self, marks: tuple[str, ...]) -> bool:
        """Is one of `marks` at the top level of the brackets that follow? (`L(x; theta)`,
        `N(z; m, v)`, `N(z | m, v)`)"""
        depth, k = 0, 0
        while True:
            t = self.peek(k)
            if t.kind == "end":
                return False
            depth += t.text in ("(", "[", "{", r"\left")
            depth -= t.text in (")", "]", "}", r"\right")
            if depth <= 0 and k:
                return False
            if depth == 1 and t.text in marks:
                return True
            k += 1 + (t.text in (r"\left", r"\right"))

    def conditional_ahead(self) -> bool:
        """Is there a \\mid at the top level of the parenthesis that follows?"""
        depth, k = 0, 0
        while True:
            t = self.peek(k)
            if t.kind == "end":
                return False
            if t.text in ("(", "[", "{", r"\left"):
                depth += 1
                k += 1 if t.text != r"\left" else 2
                continue
            if t.text in (")", "]", "}", r"\right"):
                depth -= 1
                if depth <= 0:
                    return False
                k += 1 if t.text != r"\right" else 2
                continue
            if depth == 1 and t.text in (r"\mid", "|"):
                return True
            k += 1

    def application(self, name: str) -> sp.Expr:
        braced = self.at("{")
        if braced:
            self.next()
        args, given = self.delimited(self.arguments)
        if braced:
            self.expect("}")
        if given:
            return self.conditional(name, args, given)
        key = f"{name}_{''.join(map(str, args))}"
        if key in self.ctx.joints and all(isinstance(a, sp.Symbol) for a in args):
            return self.joint_entry(key, args)
        if all(isinstance(a, sp.Symbol) for a in args):
            # `derive latex` prints the density p_xz(z) as p(x, z): names by variables
            if isinstance(self.ctx.names.get(key), UndefinedFunction):
                inner = [a for a in args if a in self.bound]
                return self.ctx.names[key](*(inner or args))
        return self.ctx.function(name)(*self.joint_order(name, args))

    def joint_order(self, name: str, args: list[sp.Expr]) -> list[sp.Expr]:
        """p(z, x) is the joint density p(x, z) first written: its variables, in that order."""
        if len(args) < 2 or name[0] not in "pqPQ" or len(set(args)) < len(args) or \
                not all(isinstance(a, sp.Symbol) for a in args):
            return args
        first = self.ctx.joint_orders.setdefault(name, tuple(args))
        if set(first) != set(args) or tuple(args) == first:
            return args
        self.reading(self.peek(), f"{name}({', '.join(map(shown, args))}) as the joint density "
                                  f"{name}({', '.join(map(shown, first))})")
        return list(first)

    def arguments(self) -> tuple[list[sp.Expr], list[sp.Expr]]:
        args, given = [self.expr()], []
        while self.at(",", ";"):
            self.next()
            args.append(self.expr())
        if self.at(r"\mid", "|"):
            self.next()
            given.append(self.expr())
            while self.at(","):
                self.next()
                given.append(self.expr())
        return args, given

    def conditional(self, name: str, args: list, given: list) -> sp.Expr:
        """p(x | z): the function `p_x|z` of the variables bound here (else of x)."""
        # x of x \in R^D whose entries were declared (x_j \in \{0, 1\}): the whole vector
        args = [sp.Symbol(a.name, real=True) if isinstance(a, sp.IndexedBase) and
                a.name in self.ctx.dims else a for a in args]
        every = args + given
        drawn = [a for a in every if isinstance(a, sp.Indexed) and a.base.name in self.samples]
        if len(drawn) == 1 and all(a in drawn or isinstance(a, sp.Symbol) for a in every):
            # q(z^{(k)} | x), p(x | z^{(k)}): the function q_z|x, p_x|z at the k-th sample
            def written(vs: list) -> str:
                return "".join(a.base.name if a in drawn else str(a) for a in vs)

            key = f"{name}_{written(args)}|{written(given)}"
            inner = [a for a in every if a in self.bound]
            extra = [v for v in self.ctx.moving.get(key, ()) if v not in inner]
            return self.ctx.function(key)(drawn[0], *inner, *extra)
        if all(_entry(a) for a in args) and all(isinstance(g, sp.Symbol) for g in given):
            return self.coordinate_density(name, args, given)
        if not all(isinstance(a, sp.Symbol) for a in every):
            t = self.peek()
            raise ParseError("expected variables in p(x | z)", t.line, t.column)
        key = f"{name}_{''.join(map(str, args))}|{''.join(map(str, given))}"
        if key in self.ctx.distributions and len(args) == 1:
            return self.conditional_entry(self.ctx.distributions[key], args[0], given)
        key = self.law_of_variable(name, key, args, given)
        self.ctx.givens.setdefault(key, tuple(given))
        f = self.ctx.function(key)
        inner = [a for a in every if a in self.bound]
        extra = [v for v in self.ctx.moving.get(key, ()) if v not in inner + args]
        return f(*(inner or args), *extra)

    def law_of_variable(self, name: str, key: str, args: list, given: list) -> str:
        """p(X | theta) with `X \\sim p(x | theta)` declared: the density p_x|theta at X."""
        if len(args) != 1 or self.ctx.is_function(key) or args[0].name not in self.ctx.laws:
            return key
        law = self.ctx.laws[args[0].name][1]
        if not isinstance(law, AppliedUndef):
            return key
        own = law.func.__name__
        if own.split("|")[0].rsplit("_", 1)[0] == name and \
                self.ctx.givens.get(own) == tuple(given) and own in self.ctx.densities:
            self.reading(self.peek(), f"{name}({args[0]} | {', '.join(map(shown, given))}) as "
                                      f"the density of {args[0]} ({own}) at {args[0]}")
            return own
        return key

    def coordinate_density(self, name: str, args: list[sp.Indexed], given: list) -> sp.Expr:
        """g(x_j | z): the density of coordinate j of x, a function of x_j and of j (each
        coordinate may have its own), named apart from g(x | z), the density of all of x."""
        key = f"{name}_{''.join(f'{a.base.name}[]' for a in args)}|{''.join(map(str, given))}"
        inner = [g for g in given if g in self.bound]
        entries = ", ".join(shown(a) for a in args)
        self.reading(self.peek(), f"{name}({entries}|...) as the density of the coordinate "
                                  f"{entries}, a function of it and of its index")
        return self.ctx.function(key)(*args, *[a.indices[0] for a in args], *inner)

    def joint_entry(self, key: str, args: list[sp.Symbol]) -> sp.Indexed:
        """p(x, y) of a distribution over X x Y: the entry (x-1)|Y| + y of one distribution
        over the |X||Y| pairs (the engine's distributions have one index)."""
        flat, sizes = sp.S.Zero, self.ctx.joints[key]
        for a, n in zip(args, sizes, strict=True):
            flat = flat * n + (a - 1)
        return self.ctx.distributions[key].base[flat + 1]

    def conditional_entry(self, d: Distribution, arg: sp.Symbol, given: list) -> sp.Expr:
        """Q(z|x) of a declared conditional distribution: the entry Q_z|x[z] of one
        distribution while x is fixed; where x is bound (a sum, an expectation over it) the
        entry of the family, Q_z|x[z, x], which depends on x."""
        inner = [g for g in given if g in self.bound]
        return d.base[arg] if not inner else d.base[(arg, *inner)]

    def after_name(self, obj: sp.Expr, word: str | None) -> sp.Expr:
        if self.at("_"):
            self.next()
            sub = self.subscript()
            name = str(obj)
            if isinstance(sub, tuple) or isinstance(obj, sp.IndexedBase):
                index = sub[1] if isinstance(sub, tuple) else self.ctx.symbol(sub)
                return self.ctx.base(name)[index]
            if name in self.ctx.dims and sub.isdigit():  # z_1 of z \in R^J: its first entry
                return self.ctx.base(name)[int(sub)]
            return self.ctx.symbol(f"{name}_{sub}")
        return obj

    # -------------------------------------------------------------- operators
    def function_call(self, t: Token, word: str) -> sp.Expr:
        """log, exp, ...: `(arg)`, `{arg}`, or an unbraced argument (see ENDS_ARGUMENT)."""
        f = FUNCTIONS[word]
        base = None
        if word == "log" and self.at("_"):
            self.next()
            base = self.group()
        power = None
        if self.at("^"):
            self.next()
            power = self.group()
        if self.at("{"):
            arg = self.group()
        elif self.open_paren():
            arg = self.delimited(self.expr)
        else:
            arg = self.unbraced_argument(t, word)
        out = f(arg) if base is None else sp.log(arg) / sp.log(base)
        return out if power is None else out**power

    def unbraced_argument(self, t: Token, word: str) -> sp.Expr:
        """`\\log 2\\pi\\sigma^2` is log(2 pi sigma^2): the juxtaposed factors that follow."""
        if not self.starts_factor():
            raise self.fail(f"an argument for {t.text}")
        factors = [self.power()]
        while self.starts_factor() and not self.ends_argument() and not (
                word != "E" and _applied(factors[-1]) and self.closed_bracket()):
            factors.append(self.power())
        arg = sp.Mul(*factors)
        if len(factors) > 1 and word != "E":
            self.reading(t, f"{word}({shown(arg)})")
        return arg

    def closed_bracket(self) -> bool:
        """Did the last factor end with `)` (or `)^\\top`, a scalar's transpose)?"""
        last = [t.text for t in self.toks[max(self.k - 3, 0):self.k] if t.text != "}"]
        return bool(last) and (last[-1] == ")" or last[-1] in (r"\top", r"\intercal") and
                               ")" in last)

    def ends_argument(self) -> bool:
        t = self.peek()
        if t.text[1:] in ENDS_ARGUMENT:
            return True
        word = self.word_ahead()
        return word in ENDS_ARGUMENT

    def fraction(self) -> sp.Expr:
        t = self.next()
        if self.at("{") and self.peek(1).text in ("d", r"\partial") and \
                self.peek(2).text in ("}", "^"):
            return self.derivative_operator(t)
        num = self.group()
        den = self.group()
        return num / den

    def derivative_operator(self, t: Token) -> sp.Expr:
        """\\frac{d}{dx} f, \\frac{\\partial^2}{\\partial x^2} f."""
        self.expect("{")
        self.next()
        order = 1
        if self.at("^"):
            self.next()
            order = self.group()
        self.expect("}")
        self.expect("{")
        self.next()  # d or \partial
        v = self.atom()
        if self.at("^"):  # d s^{2}: the power belongs to the variable
            self.next()
            self.group()
        if isinstance(v, sp.Pow):
            v = v.base
        if not isinstance(v, sp.Symbol):
            raise self.fail("a variable after d", t)
        self.expect("}")
        return self.derivative(t, self.power(), (v, int(order)))

    def derivative(self, t: Token, f: sp.Expr, v: sp.Symbol | tuple) -> sp.Derivative:
        """d f / d theta; refused over a distribution's entries: the engine takes p_i free of
        every parameter, so the gradient of a pmf would be 0 (a false step proved)."""
        hidden_parameter(f, self.ctx, t.line, t.column)
        entries = [e for e in f.atoms(sp.Indexed) if e.base.name in self.ctx.distributions]
        if entries:
            raise ParseError(f"a derivative of the distribution entries {entries[0]} is not "
                             f"read yet (their dependence on the parameter is not modelled)",
                             t.line, t.column)
        return sp.Derivative(f, v)

    def substitution(self) -> sp.Expr:
        """\\left. f \\right|_{x = a}: SymPy's print of Subs(f, x, a)."""
        self.next()
        self.next()
        body = self.expr()
        self.expect(r"\right", r"\right|")
        self.expect("|")
        self.expect("_")
        self.expect("{")
        if self.at(r"\substack"):
            self.next()
            self.expect("{")
            closes = 2
        else:
            closes = 1
        pairs = []
        while True:
            v = self.atom()
            self.expect("=")
            pairs.append((v, self.expr()))
            if not self.at(",", r"\\"):
                break
            self.next()
        for _ in range(closes):
            self.expect("}")
        return sp.Subs(body, [v for v, _ in pairs], [a for _, a in pairs])

    def limits(self) -> tuple[sp.Expr | None, sp.Expr | None, sp.Expr | None]:
        """_{i=1}^{n} / _{i} / _{-\\infty}^{\\infty}: (variable, lower, upper)."""
        var = lo = hi = None
        while self.at("_", "^"):
            which = self.next().text
            if which == "_":
                if self.at("{"):
                    self.next()
                    first = self.expr()
                    if self.at("="):
                        self.next()
                        var, lo = first, self.expr()
                    elif self.at(r"\in"):  # x \in \mathcal{X}: the finite set's 1..|X|
                        self.next()
                        tokens = self.set_name()
                        var, lo = first, sp.S.One
                        hi = finite_set_size(tokens, self.ctx)
                    else:
                        var, lo = (first, None) if isinstance(first, sp.Symbol) else (None, first)
                    self.expect("}")
                else:
                    a = self.group()
                    var, lo = (a, None) if isinstance(a, sp.Symbol) else (None, a)
            else:
                hi = self.group()
        return var, lo, hi

    def set_name(self) -> str:
        """\\mathcal{X}, X, I: the name of a finite set after \\in."""
        t = self.next()
        if t.text in (r"\mathcal", r"\mathbb", r"\mathscr", r"\mathsf"):
            return self.raw_group()
        if t.kind == "letter":
            return t.text
        raise self.fail("a finite set such as \\mathcal{X}", t)

    def big_sum(self) -> sp.Expr:
        t = self.next()
        var, lo, hi = self.limits()
        if var is None:
            raise self.fail("an index: \\sum_{i=1}^{n} or \\sum_i", t)
        if var.is_integer is not True:
            var = self.ctx.symbol(var.name) if var.name in INDEX_NAMES else sp.Symbol(
                var.name, integer=True)
        if lo is None or hi is None:
            lo, hi = self.range_of(var, t)
        self.bound.append(var)
        try:
            body = self.term()
            if t.text == r"\sum":
                body = self.terms_using(var, body, t)
        finally:
            self.bound.pop()
        return (sp.Product if t.text == r"\prod" else sp.Sum)(body, (var, lo, hi))

    def terms_using(self, var: sp.Symbol, body: sp.Expr, t: Token) -> sp.Expr:
        """`\\sum_j x_j \\log p_j + (1 - x_j) \\log(1 - p_j)`: an unbracketed sum extends over
        the terms after it that use its index (as its readers take it, tests/corpus/README.md);
        a term free of the index ends it (`\\sum_k k x + 1`). Shown."""
        while self.at("+", "-"):
            k, notes = self.k, len(self.ctx.readings)
            sign = -1 if self.next().text == "-" else 1
            term = self.term()
            if var not in term.free_symbols:
                self.k = k
                del self.ctx.readings[notes:]
                return body
            self.reading(t, f"the sum over {var} extends over the term {shown(sign * term)}, "
                            f"which uses its index")
            body = body + sign * term
        return body

    def range_of(self, var: sp.Symbol, t: Token) -> tuple[sp.Expr, sp.Expr]:
        """\\sum_i without limits: the range of a distribution indexed by i, else 1..n."""
        for d in self.ctx.distributions.values():
            if d.index == var:
                return d.limits()[1:]
        if var.name in self.ctx.ranges:  # x of (x, y) in X x Y
            return sp.S.One, self.ctx.ranges[var.name]
        return sp.S.One, self.ctx.symbol("n")  # the documented default: i = 1..n

    def integral(self) -> sp.Expr:
        t = self.next()
        if self.at("_") and self.peek(1).text == "{" and self.peek(2).text in (
                r"\mathcal", r"\mathbb") and self.peek(6).text == "}" or \
                self.at("_") and self.peek(1).text in (r"\mathcal", r"\mathbb"):
            self.next()
            where = self.set_name() if not self.at("{") else None
            if where is None:
                self.next()
                where = self.set_name()
                self.expect("}")
            if where in self.ctx.sets:
                raise ParseError(f"an integral over the finite set {where}: write a sum",
                                 t.line, t.column)
            self.reading(t, f"the integral over {where} as over the real line (where the "
                            f"densities live)")
            var = lo = hi = None
        else:
            var, lo, hi = self.limits()
        if var is not None:
            lo, hi = var, lo
        self.integrals += 1
        ahead = self.differential_ahead()  # bound in the integrand, as in an expectation
        self.bound += ahead
        try:
            body = self.expr()
            if not self.at_differential():
                raise self.fail("d<variable> ending the integral", self.peek())
        finally:
            self.integrals -= 1
            del self.bound[len(self.bound) - len(ahead):]
        if self.next().text == r"\mathrm":
            self.raw_group()
        v = self.atom()
        if not isinstance(v, sp.Symbol):
            raise self.fail("a variable after d", t)
        if lo is None and hi is None:
            return sp.Integral(body, (v, -sp.oo, sp.oo))
        if lo is None or hi is None:
            raise self.fail("both limits of the integral", t)
        return sp.Integral(body, (v, lo, hi))

    def differential_ahead(self) -> list[sp.Symbol]:
        """The variable of the `d z` that ends the integral starting here (if one is found)."""
        depth, k = 0, 0
        while True:
            tok = self.peek(k)
            if tok.kind == "end":
                return []
            depth += tok.text in ("(", "[", "{", r"\left")
            depth -= tok.text in (")", "]", "}", r"\right")
            if depth < 0:
                return []
            if depth == 0 and tok.text == r"\int":
                return []  # an inner integral: its own variable
            if depth == 0 and tok.text == "d" and self.peek(k + 1).kind == "letter":
                return [self.ctx.symbol(self.peek(k + 1).text)]
            k += 1 + (tok.text in (r"\left", r"\right"))

    def expectation(self) -> sp.Expr:
        """\\mathbb{E}: see `expectation_after`."""
        t = self.next()
        if self.raw_group() != "E":
            raise ParseError("\\mathbb{...} is read only as \\mathbb{E}", t.line, t.column)
        return self.expectation_after(t)

    def expectation_after(self, t: Token) -> sp.Expr:
        """E after its name: `_{z \\sim law}`, `_{q(z|x)}`, `_q` (a declared density), or no
        subscript (the law declared by `% assume: z \\sim q(z)`); then `[f]`, `(f)`, or an
        unbraced argument (the juxtaposed factors, as for \\log)."""
        z, law = None, None
        if self.at("_"):
            self.next()
            if self.at("{") and self.sim_in_group():
                self.next()
                several = self.samples_ahead()
                if several is not None:
                    return self.samples_expectation(t, *several)
                z, law = self.variable_and_law(t)
                self.expect("}")
            else:
                z, law = self.law_by_name(t)
        zs = [] if z is None else list(z) if isinstance(z, tuple) else [z]
        declared = [v for v, _ in self.ctx.laws.values()] if z is None else []
        self.bound += zs + declared
        try:
            if self.open_paren():
                body = self.delimited(self.expr)
            else:  # E_q \log p(x|z): what the E covers is a convention, so it is shown
                body = self.unbraced_argument(t, "E")
                self.reading(t, f"E[{shown(body)}]: the unbraced argument of E")
        finally:
            del self.bound[len(self.bound) - len(zs) - len(declared):]
        if z is None:
            z, law = self.declared_law(body, t)
        z, law, body = self.own_variable(z, law, body, t)
        name = law.func.__name__ if isinstance(law, AppliedUndef) else None
        if name in self.ctx.distributions and name in self.ctx.moving and law.args[0] == z:
            d = self.ctx.distributions[name]
            self.reading(t, f"E[...] over {z} ~ {shown(law)} as the sum over {z} = 1..{d.size} "
                            f"of {shown(law)} (...)")
            return sp.Sum(law * body, (z, 1, d.size))
        if isinstance(law, sp.Indexed):  # z ~ Q, a distribution over a finite set
            d = self.pmf(law)
            self.ctx.sum_laws.add(law.base.name)
            _, first, last = d.limits()
            self.reading(t, f"E[...] over {z} ~ {shown(law)} as the sum over {z} = "
                            f"{first}..{last} of {shown(law)} (...)")
            return sp.Sum(law * body, d.limits(z))
        from derive.engine.expectation import Expectation

        try:
            return Expectation(body, z, law)
        except ValueError as exc:
            raise ParseError(str(exc), t.line, t.column) from None

    def samples_ahead(self) -> tuple[str, Token, int] | None:
        """`z^{(1)}, \\dots, z^{(K)}` or `z_1, \\dots, z_K` (z bold or not) before \\sim:
        the name, the token of K and the number of tokens the list takes."""
        def one(k: int) -> tuple[str, Token, int] | None:
            t = self.peek(k)
            inside = False
            if t.text in FONTS and self.peek(k + 1).text == "{" and \
                    self.peek(k + 2).kind == "letter":
                name, inside = self.peek(k + 2).text, self.peek(k + 3).text != "}"
                k += 3 if inside else 4
            elif t.kind == "letter":
                name, k = t.text, k + 1
            else:
                return None
            texts = [self.peek(k + j).text for j in range(6)]
            if texts[:3] == ["^", "{", "("] and texts[4:6] == [")", "}"]:
                label, k = self.peek(k + 3), k + 6
            elif texts[0] == "_" and texts[1] == "{" and texts[3] == "}":
                label, k = self.peek(k + 2), k + 4
            elif texts[0] == "_":
                label, k = self.peek(k + 1), k + 2
            else:
                return None
            if inside:
                if self.peek(k).text != "}":
                    return None
                k += 1
            return (name, label, k) if label.kind in ("letter", "number") else None

        first = one(0)
        if first is None or first[1].text != "1" or self.peek(first[2]).text != "," or \
                self.peek(first[2] + 1).text not in (r"\dots", r"\ldots", r"\cdots") or \
                self.peek(first[2] + 2).text != ",":
            return None
        last = one(first[2] + 3)
        if last is None or last[0] != first[0] or self.peek(last[2]).text != r"\sim":
            return None
        return last

    def samples_expectation(self, t: Token, name: str, last: Token, ahead: int) -> sp.Expr:
        """E_{z^{(1)}, \\dots, z^{(K)} \\sim q}[f]: over the K samples the header declares
        i.i.d. from q (`% assume: z^{(1)}, \\dots, z^{(K)} \\sim q iid`); z^{(k)} (or z_k)
        in f is the k-th sample. Their joint law is that declaration, never a guess."""
        for _ in range(ahead):
            self.next()
        self.expect(r"\sim")
        try:
            z = self.ctx.symbol(name)
        except ValueError as exc:
            raise ParseError(str(exc), t.line, t.column) from None
        law = self.law(z)
        self.expect("}")
        if not isinstance(law, AppliedUndef) or law.args[:1] != (z,):
            raise ParseError(f"an expectation over several samples of {shown(law)} is read only "
                             f"for a density q({name}) (not yet for a normal law)",
                             t.line, t.column)
        count = sp.Integer(last.text) if last.kind == "number" else self.ctx.symbol(last.text)
        declared = self.ctx.iid.get(name)
        if declared is None or declared[0] != law or declared[1] != last.text:
            raise ParseError(f"an expectation over the samples {name}^(1), ..., {name}^({count}) "
                             f"~ {shown(law)} needs their joint law: declare them "
                             f"(% assume: {name}^{{(1)}}, \\dots, {name}^{{({count})}} \\sim "
                             f"... iid, with the same law)", t.line, t.column)
        if count.is_positive is False or count.is_integer is False:
            raise ParseError(f"the number of samples {count} is not a positive integer",
                             last.line, last.column)
        # labelled apart from the variable z of q(z): z[k] and z never meet in a substitution
        base = sp.IndexedBase(sp.Symbol(name), real=True)
        outer = self.samples.get(name)
        self.samples[name] = base
        try:
            if self.open_paren():
                body = self.delimited(self.expr)
            else:
                body = self.unbraced_argument(t, "E")
                self.reading(t, f"E[{shown(body)}]: the unbraced argument of E")
        finally:
            if outer is None:
                del self.samples[name]
            else:
                self.samples[name] = outer
        known = f"{count} a positive integer" if count.is_integer and count.is_positive else \
            f"{count} not known to be a positive integer: no proof uses them"
        self.reading(t, f"E over {name}[1], ..., {name}[{count}] i.i.d. ~ {shown(law)} (as "
                        f"declared): {count} samples ({known}); {name}^(k) or {name}_k in the "
                        f"body is the k-th sample {name}[k]")
        from derive.engine.expectation import IIDExpectation

        try:
            return IIDExpectation(body, base, count, law)
        except ValueError as exc:
            raise ParseError(str(exc), t.line, t.column) from None

    def own_variable(self, z: sp.Basic, law: sp.Basic, body: sp.Expr, t: Token) -> tuple:
        """E[f(X)] with X ~ p(x): over the density's own variable, E_{x ~ p}[f(x)] (the bound
        name does not matter; one name lets the integral it unfolds to meet `\\int ... dx`)."""
        d = self.ctx.densities.get(law.func.__name__) if isinstance(law, AppliedUndef) else None
        if d is None or not isinstance(z, sp.Symbol) or z == d.variable or \
                law.args[:1] != (z,) or body.has(d.variable) or law.args[1:] and \
                any(a.has(d.variable) for a in law.args[1:]):
            return z, law, body
        v = d.variable
        self.reading(t, f"E over {z} as over {v}, the variable of {law.func.__name__}")
        return v, law.xreplace({z: v}), body.xreplace({z: v})

    def angle_expectation(self, t: Token) -> sp.Expr:
        """The physicists' expectation <f>_{p(x)} (StatProofBook), or <f> under the one
        declared law (% assume: x \\sim p(x)) its body uses."""
        left = self.next().text == r"\left"
        if left:
            self.next()
        body = self.expr()
        if left:
            self.expect(r"\right", r"\right\rangle")
        self.expect(r"\rangle", r"\rangle closing <...>")
        if not self.at("_"):
            z, law = self.declared_law(body, t)  # with its own note
        else:
            self.next()
            z, law = self.law_by_name(t)
            self.reading(t, f"<...>_{shown(law)} as E over {z} ~ {shown(law)}")
        from derive.engine.expectation import Expectation

        try:
            return Expectation(body, z, law)
        except ValueError as exc:
            raise ParseError(str(exc), t.line, t.column) from None

    def sim_in_group(self) -> bool:
        depth, k = 0, 0
        while True:
            tok = self.peek(k)
            if tok.kind == "end":
                return False
            depth += (tok.text == "{") - (tok.text == "}")
            if depth == 0:
                return False
            if depth == 1 and tok.text == r"\sim":
                return True
            k += 1

    def variable_and_law(self, t: Token) -> tuple[sp.Symbol | tuple, sp.Basic]:
        """z \\sim law, (z_1, z_2) \\sim N(..) \\otimes N(..)."""
        z = self.delimited(self.arguments)[0] if self.open_paren() else [self.atom()]
        if self.at("^", ","):  # E_{z^{(1)}, \\dots, z^{(K)} \\sim q}
            raise ParseError("an expectation over several samples is read only as "
                             "z^{(1)}, \\dots, z^{(K)} \\sim q or z_1, \\dots, z_K \\sim q",
                             t.line, t.column)
        if not all(isinstance(v, sp.Symbol) for v in z):
            raise self.fail("a variable before \\sim", t)
        z = z[0] if len(z) == 1 else tuple(z)
        self.expect(r"\sim", "\\sim: \\mathbb{E}_{z \\sim q}")
        return z, self.law(z)

    def law_by_name(self, t: Token) -> tuple[sp.Symbol, sp.Basic]:
        """E_{q(z|x)}, E_{q_\\phi}, E_p: a density applied to its variable, or a declared one."""
        if self.at("{"):
            self.next()
            e = self.power()
            self.expect("}")
        else:
            tok = self.next()
            e = self.ctx.names.get(tok.text) if tok.kind == "letter" else None
            if e is None:
                e = sp.Symbol(tok.text[1:] if tok.kind == "cmd" else tok.text)
        if isinstance(e, AppliedUndef) and all(isinstance(v, sp.Symbol) for v in e.args):
            return (e.args[0] if len(e.args) == 1 else tuple(e.args)), e
        name = e.__name__ if isinstance(e, UndefinedFunction) else str(e)
        d = self.ctx.densities.get(name) or self.ctx.shorthand.get(name)
        if d is None and name in self.ctx.laws and name not in self.ctx.distributions:
            v, law = self.ctx.laws[name]  # E_x: the subscript names the variable, x ~ p(x)
            self.reading(t, f"E_{name} as E over {v} ~ {shown(law)} (declared)")
            return v, law
        if d is None:
            raise ParseError(f"E_{{{name}}}: {name} is not a declared density (declare it: "
                             f"% assume: {name} density over z)", t.line, t.column)
        self.reading(t, f"E_{name} as E over {d.variable} ~ {d.function}({d.variable})")
        return d.variable, d.function(d.variable)

    def declared_law(self, body: sp.Expr, t: Token) -> tuple[sp.Symbol, sp.Basic]:
        """E[f] without a subscript: the one declared law whose variable f depends on."""
        laws = [(v, law) for v, law in self.ctx.laws.values() if body.has(v)]
        if not laws and len(self.ctx.laws) == 1:  # E[c] = c under any law: the one declared
            laws = list(self.ctx.laws.values())
        if len(laws) != 1:
            what = "none" if not laws else ", ".join(str(v) for v, _ in laws)
            raise ParseError(f"E[...] without a law: declare one (% assume: z \\sim q(z)) or "
                             f"write E_{{z \\sim q}}[...] (declared laws it uses: {what})",
                             t.line, t.column)
        v, law = laws[0]
        self.reading(t, f"E[...] over {v} ~ {law} (declared)")
        return v, law

    def law(self, z: sp.Symbol | tuple) -> sp.Basic:
        t = self.peek()
        if t.text == r"\mathcal" and isinstance(z, tuple):  # N(a, u) \otimes N(b, w)
            from derive.engine.expectation import DiagNormal

            laws = [self.law(z[0])]
            while self.at(r"\otimes"):
                self.next()
                laws.append(self.law(z[0]))
            try:
                return DiagNormal(laws)
            except ValueError as exc:
                raise ParseError(str(exc), t.line, t.column) from None
        if isinstance(z, tuple):
            raise self.fail("a product of normal laws for several variables", t)
        if t.text == r"\mathcal":
            self.next()
            if self.raw_group() != "N":
                raise self.fail("\\mathcal{N}", t)
            from derive.engine.expectation import Normal

            mean, var = self.delimited(self.two_args)
            try:
                return Normal(mean, var)
            except ValueError as exc:
                raise ParseError(str(exc), t.line, t.column) from None
        self.bound.append(z)
        try:
            e = self.power()
        finally:
            self.bound.pop()
        if isinstance(e, UndefinedFunction):
            return e(z)
        if isinstance(e, sp.Symbol) and e.name in self.ctx.shorthand:
            return self.ctx.shorthand[e.name].function(z)
        if isinstance(e, sp.Symbol):
            return self.ctx.function(e.name)(z)
        if isinstance(e, AppliedUndef) and z not in e.args and \
                e.func.__name__ in self.ctx.densities and \
                self.ctx.densities[e.func.__name__].variable in e.args:
            return e.xreplace({self.ctx.densities[e.func.__name__].variable: z})  # X ~ p(x)
        if isinstance(e, AppliedUndef):
            return e
        if isinstance(e, sp.Indexed) and e.indices == (z,) and self.pmf(e) is not None:
            return e  # a distribution over a finite set: E is the weighted sum
        if isinstance(e, sp.Indexed) and e.base.name in self.ctx.distributions:
            raise ParseError(f"a law over the finite distribution {e.base.name} is not read yet "
                             f"(write the sum: \\sum_x {e.base.name}(x) f(x))", t.line, t.column)
        raise self.fail("a law: a density q, q(z) or \\mathcal{N}(mean, variance)", t)

    def pmf(self, entry: sp.Indexed) -> Distribution | None:
        """The declared distribution whose entry this is."""
        return next((d for d in self.ctx.distributions.values() if d.base == entry.base), None)

    def normal_density(self, t: Token) -> sp.Expr:
        """N(z; m, v): the normal density exp(-(z - m)^2 / (2 v)) / sqrt(2 pi v), written out;
        of a vector z \\in R^J with a diagonal covariance, see `vector_normal_density`."""
        def inside() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
            z = self.expr()
            if not self.at(";", "|", r"\mid"):
                raise self.fail("; or | after the variable of N(z; mean, variance)")
            self.next()
            if isinstance(z, sp.Symbol) and z.name in self.ctx.dims:
                return z, *self.vector_normal_args(t)
            return (z, *self.two_args())

        z, m, v = self.delimited(inside)
        if isinstance(z, sp.Symbol) and z.name in self.ctx.dims:
            return self.vector_normal_density(t, z, m, v)
        if any(str(s) in self.ctx.vectors for s in (z, m, v) if isinstance(s, sp.Symbol)):
            raise ParseError("a normal density of a vector is not read yet (its normaliser "
                             "depends on the dimension: declare it, % assume: \\mathbf{z} "
                             "\\in \\mathbb{R}^J)", t.line, t.column)
        if isinstance(z, sp.Symbol):
            self.ctx.scalar_normals.add(z.name)
        out = sp.exp(-(z - m)**2 / (2 * v)) / sp.sqrt(2 * sp.pi * v)
        z, m, v = shown(z), shown(m), shown(v)
        self.reading(t, f"N({z}; {m}, {v}) as exp(-({z} - {m})²/(2 {v})) / sqrt(2 π {v})")
        return out

    def vector_normal_args(self, t: Token) -> tuple[sp.Expr, sp.Expr]:
        """The mean and the covariance of N(z; m, C) for a vector z: m a name or 0, C one of
        I, c I, s^2, s^2 I, \\mathrm{diag}(s^2) (diagonal); the covariance is returned as its
        scale: the number c, or the name s of diag(s_1^2, ..., s_J^2)."""
        mean = self.expr()
        self.expect(",", "',' between the mean and the covariance")
        at, k = self.peek(), self.k
        if at.text in WORD_COMMANDS and self.peek(1).text == "{":
            self.next()
            if self.raw_text().strip() != "diag":
                self.k = k
        if self.k != k:
            cov = self.delimited(self.expr)
            if not (isinstance(cov, sp.Pow) and cov.exp == 2 and _named(cov.base)):
                raise ParseError(f"\\mathrm{{diag}}({shown(cov)}): expected the squares "
                                 f"diag(s^2) of a vector s", at.line, at.column)
            return mean, _named(cov.base)
        cov = self.expr()
        eye = [f for f in sp.Mul.make_args(cov) if isinstance(f, sp.Symbol) and f.name == "I"]
        rest = cov / eye[0] if len(eye) == 1 else cov
        if len(eye) == 1 and rest.is_Number and rest.is_positive:
            return mean, rest
        if isinstance(rest, sp.Pow) and rest.exp == 2 and _named(rest.base):
            return mean, _named(rest.base)
        raise ParseError(f"the covariance {shown(cov)} of a vector's normal density is not read "
                         f"as diagonal (read: I, c I, s^2, s^2 I, \\mathrm{{diag}}(s^2)); a full "
                         f"covariance is not read yet", at.line, at.column)

    def vector_normal_density(self, t: Token, z: sp.Symbol, m: sp.Expr, scale: sp.Expr
                              ) -> sp.Expr:
        """N(z; m, diag(s^2)) of z \\in R^J: the product over j of N(z_j; m_j, s_j^2) (shown),
        kept whole until `derive.engine.vectors.reduce` takes its log or its integral."""
        from derive.engine.vectors import DiagonalNormalDensity

        if not (m == 0 or _named(m)):
            raise ParseError(f"the mean {shown(m)} of a vector's normal density: expected a "
                             f"vector's name or 0", t.line, t.column)
        dim = self.ctx.dims[z.name]
        mj = "0" if m == 0 else f"{m}_j"
        vj = f"{scale}" if scale.is_Number else f"{scale}_j²"
        self.reading(t, f"N({z}; ...) of {z} ∈ R^{dim} as the product over j = 1..{dim} of "
                        f"N({z}_j; {mj}, {vj}) (a diagonal covariance)")
        return DiagonalNormalDensity.make(z, dim, m if m == 0 else _named(m),
                                          scale if scale.is_Number else scale)

    def two_args(self) -> tuple[sp.Expr, sp.Expr]:
        a = self.expr()
        self.expect(",", "',' between the mean and the variance")
        return a, self.expr()

    def kl(self, t: Token) -> sp.Expr:
        """D_{\\mathrm{KL}}(p \\| q): the limits come from the declared distributions."""
        if self.at("_"):
            self.next()
            if self.peek().text in WORD_COMMANDS:  # D_\text{KL}: unbraced after _
                self.next()
            self.raw_group()
        p, q = self.delimited(self.kl_args)
        p, q = (self.ctx.several.get(getattr(e, "name", None), e) for e in (p, q))
        if isinstance(p, AppliedUndef) and len(p.args) > 1:
            return self.kl_of_several(p, q, t)
        if self.ctx.kl_head or self.ctx.kl_numbers is not None:
            numbers = self.kl_of_numbers(p, q, t)
            if numbers is not None:
                return numbers
        from derive.engine.definitions import KL

        # D_KL(q || p(z)): a density named alone takes the other one's variable
        if isinstance(p, UndefinedFunction) and isinstance(q, AppliedUndef):
            p = p(*q.args)
        if isinstance(q, UndefinedFunction) and isinstance(p, AppliedUndef):
            q = q(*p.args)
        lp, lq = self.law_limits(p, t), self.law_limits(q, t)
        return KL(lp[0], lq[0], self.same_limits(lp[1], lq[1], t))

    def kl_of_several(self, p: AppliedUndef, q: sp.Expr, t: Token) -> sp.Expr:
        """KL[P || Q] for densities of several variables, p(x, y) and q(x, y): the integral
        that defines it (the engine's KL is over one variable or index)."""
        if not isinstance(q, AppliedUndef) or q.args != p.args or \
                not all(isinstance(v, sp.Symbol) for v in p.args):
            raise ParseError(f"expected two densities of the same variables, found {p} and {q}",
                             t.line, t.column)
        self.reading(t, f"KL as the integral of {shown(p)} log({shown(p)}/{shown(q)}) over "
                        f"{', '.join(map(str, p.args))}")
        return sp.Integral(p * sp.log(p / q), *[(v, -sp.oo, sp.oo) for v in p.args])

    def kl_of_numbers(self, p: sp.Basic, q: sp.Basic, t: Token) -> sp.Expr | None:
        """D_KL(a || b) of two numbers (neither a declared law): the header's definition
        applied, shown; None when either is a law (the KL of distributions, or its error).

        A family by name (rho_hat, whose entries are rho_hat[j, l]) is not a number: an error,
        never the definition's argument silently identified with the family."""
        def law(e: sp.Basic) -> bool:
            try:
                self.law_limits(e, t)
            except ParseError:
                return False
            return True

        if law(p) or law(q):
            return None
        if self.ctx.kl_head:  # the left side of the header's definition
            return KLOfNumbers(p, q)
        for e in (p, q):
            if isinstance(e, (sp.IndexedBase, UndefinedFunction)):
                raise ParseError(f"{e} is a family or a function, not a number: D_KL of two "
                                 f"numbers takes its entries ({e}_j)", t.line, t.column)
        out = self.ctx.kl_numbers(p, q)
        self.reading(t, f"D_KL({shown(p)} || {shown(q)}) as the header's D_KL of two numbers: "
                        f"{shown(out)}")
        return out

    def kl_args(self) -> tuple[sp.Expr, sp.Expr]:
        a = self.expr()
        if self.at(r"\|"):
            self.next()
        elif self.at("|") and self.peek(1).text == "|":
            self.next()
            self.next()
        elif self.at(r"\parallel"):
            self.next()
        else:
            raise self.fail("\\| between the two distributions")
        return a, self.expr()

    def entropy(self, t: Token) -> sp.Expr:
        from derive.engine.definitions import CrossEntropy, Entropy

        args = self.delimited(self.arguments)[0]
        laws = [self.law_limits(a, t) for a in args]
        if len(laws) == 1:
            return Entropy(laws[0][0], laws[0][1])
        if len(laws) == 2:
            return CrossEntropy(laws[0][0], laws[1][0], self.same_limits(laws[0][1],
                                                                          laws[1][1], t))
        raise ParseError("expected H(p) or H(p, q)", t.line, t.column)

    def same_limits(self, a: tuple, b: tuple, t: Token) -> tuple:
        if a != b:
            raise ParseError(f"the two distributions range over different sets: {a} and {b}",
                             t.line, t.column)
        return a

    def law_limits(self, p: sp.Expr, t: Token) -> tuple[sp.Expr, tuple]:
        """A distribution's entry and its range: p -> (p[i], (i, 1, n)), p(x) -> (p(x), R)."""
        if isinstance(p, (sp.Symbol, sp.IndexedBase, UndefinedFunction)):
            name = p.name if not isinstance(p, UndefinedFunction) else p.__name__
            if name in self.ctx.distributions:
                d = self.ctx.distributions[name]
                return d.base[d.index], d.limits()
            f = self.ctx.densities.get(name) or self.ctx.shorthand.get(name)
            if f is not None:
                return f.function(f.variable), (f.variable, -sp.oo, sp.oo)
        if isinstance(p, sp.Indexed):
            name = p.base.name
            if name in self.ctx.distributions:
                d = self.ctx.distributions[name]
                return p, d.limits(p.indices[0])
        if isinstance(p, AppliedUndef) and len(p.args) == 1 and isinstance(p.args[0], sp.Symbol):
            return p, (p.args[0], -sp.oo, sp.oo)
        if isinstance(p, sp.Expr) and not p.atoms(sp.Indexed):  # a mixture l p_1 + (1-l) p_2
            p = p.xreplace({b: self.ctx.distributions[b.name].entry(
                self.ctx.distributions[b.name].index) for b in p.atoms(sp.IndexedBase)
                if b.name in self.ctx.distributions})
        if isinstance(p, sp.Expr):  # an expression in the entries of distributions over j
            indices = {ix for e in p.atoms(sp.Indexed) for ix in e.indices}
            for d in self.ctx.distributions.values():
                if indices == {d.index}:
                    return p, d.limits()
        raise ParseError(f"{p} is not a declared distribution or density (declare it: "
                         f"% assume: {p} distribution, or {p} density)", t.line, t.column)


class KLOfNumbers(sp.Function):
    """D_KL(a || b) of two names on the left of a header equation: the head of a definition
    of the KL of two numbers (`derive.notation.document` turns it into `Context.kl_numbers`)."""


def hidden_parameter(e: sp.Basic, ctx: Context, line: int, column: int) -> None:
    """Refuse d/dtheta of p(x | theta) where theta is only part of the density's name: SymPy
    would take the derivative as 0. Declared `p(x | theta) depends on theta`, theta is an
    argument (see `Context.moving`)."""
    for d in [e] if isinstance(e, sp.Derivative) else e.atoms(sp.Derivative):
        for f in d.expr.atoms(AppliedUndef):
            given = ctx.givens.get(f.func.__name__, ())
            hit = [v for v in d.variables if v in given and v not in f.args]
            if hit:
                raise ParseError(f"a derivative in {hit[0]} of the density {f.func.__name__}, "
                                 f"given {hit[0]}, is not read unless declared (% assume: "
                                 f"... depends on {hit[0]})", line, column)


def _applied(e: sp.Expr) -> bool:
    """p(x), p(x|z), p(x)^2: an application written with its brackets. `\\log p(x) f(x)` is
    log(p(x)) f(x): a function's closing bracket ends an unbraced argument, as in `\\log(x) y`."""
    e = e.base if isinstance(e, sp.Pow) else e
    return isinstance(e, (AppliedUndef, sp.Indexed))


def _entry(e: sp.Basic) -> bool:
    """Is e an entry x_j of a vector, at a symbolic index?"""
    return isinstance(e, sp.Indexed) and len(e.indices) == 1 and e.indices[0].is_Symbol


def _named(e: sp.Basic) -> sp.Symbol | None:
    """The plain name of a vector written as a name (mu) or by its entries' base (sigma with
    sigma_j > 0 declared); None for anything else."""
    if isinstance(e, sp.IndexedBase):
        return sp.Symbol(e.name)
    return sp.Symbol(e.name) if isinstance(e, sp.Symbol) else None


def _as_written(tokens: list[Token]) -> str:
    """Tokens back as text, with a space where the source had one."""
    out = []
    for k, t in enumerate(tokens):
        last = tokens[k - 1] if k else None
        gap = last is not None and (t.line != last.line or
                                    t.column > last.column + len(last.text))
        out.append((" " if gap else "") + t.text)
    return "".join(out)


def _plain(text: str) -> str:
    """A reason's words with their markup dropped: `\\text{; Because }p(x)` -> `; Because p(x)`."""
    text = re.sub(r"\\(?:text|textrm|mbox|textit|textnormal|mathrm)\s*\{([^{}]*)\}", r"\1", text)
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_GREEK_LETTERS = dict(zip(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
    "tau upsilon phi chi psi omega".split(), "αβγδεζηθικλμνξπρστυφχψω", strict=True))


def shown(e: sp.Basic) -> str:
    """An expression on one line as a reader writes it: log(2 π σ²), not log(2*pi*sigma**2)."""
    s = sp.sstr(e)
    s = re.sub(r"\b(" + "|".join(_GREEK_LETTERS) + r")\b", lambda m: _GREEK_LETTERS[m.group(1)], s)
    s = re.sub(r"\*\*(?:\((-\d+)\)|(\d+))",
               lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), s)
    return s.replace("*", " ")


def parse_chain(text: str, ctx: Context | None = None, *, line: int = 1, column: int = 1,
                typos: bool = False) -> tuple[list[sp.Expr | None], list[tuple[str, Token]]]:
    """`e0 R1 e1 R2 ...` (e0 may be missing): the expressions and (relation, token) pairs.
    `typos`: a stray `)` is dropped with a note (a file's rows, as a person reads them)."""
    ctx = ctx or Context()
    tokens = tokenize(text, line=line, column=column)
    p = _Parser(drop_stray_closers(tokens, ctx) if typos else tokens, ctx)
    try:
        out = p.chain()
    except ParseError:
        raise
    except Exception as exc:  # SymPy refusing a construction: still a one-line error
        t = p.peek()
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParseError(f"cannot read this: {msg}", t.line, t.column) from None
    if p.peek().kind != "end":
        raise p.fail("an operator, a relation or the end")
    for e in out[0]:
        fixed = sorted({x.base.name for x in (e.atoms(sp.Indexed) if e is not None else ())
                        if x.base.name in ctx.moving})
        if fixed:  # p_x (a constant entry) beside p(x, theta): never mixed
            raise ParseError(f"an entry of {fixed[0]} not written {fixed[0]}(x) is not read "
                             f"yet ({fixed[0]} depends on "
                             f"{', '.join(map(shown, ctx.moving[fixed[0]]))})", line, column)
    return out


def drop_stray_closers(tokens: list[Token], ctx: Context) -> list[Token]:
    """A `)` that closes nothing (the row's brackets all matched without it) is a typo: it is
    dropped, with a note naming its column. Only where it is outside every bracket, or
    directly inside `{...}` or `\\left ... \\right`; any other mismatch (`[0, 1)`, an unclosed
    bracket) leaves the row as written, for the parser's located error."""
    stack: list[str] = []
    stray: list[int] = []
    k = 0
    while k < len(tokens):
        t = tokens[k].text
        if t in (r"\left", r"\right"):
            if t == r"\left":
                stack.append(t)
            elif not stack or stack.pop() != r"\left":
                return tokens
            k += 2
            continue
        if t in ("(", "[", "{", r"\{", r"\langle"):
            stack.append(t)
        elif t == ")" and (not stack or stack[-1] in ("{", r"\left")):
            stray.append(k)
        elif t in (")", "]", "}", r"\}", r"\rangle"):
            if not stack or OPEN.get(stack.pop()) != t:
                return tokens
        k += 1
    if stack or not stray:
        return tokens
    for k in stray:
        t = tokens[k]
        ctx.readings.append((t.line, t.column, f"the unmatched ')' at line {t.line}, column "
                                               f"{t.column} ignored (it closes no bracket)"))
    return [t for k, t in enumerate(tokens) if k not in stray]


def finite_set_size(name: str, ctx: Context) -> sp.Symbol:
    """|X| for a finite set \\mathcal{X} (or X): a positive integer, one per set name."""
    word = re.sub(r"\\math\w+\{(\w+)\}|\\(\w+)", lambda m: m.group(1) or m.group(2), name)
    key = f"|{word}|"
    size = ctx.names.get(key)
    if not isinstance(size, sp.Symbol):
        size = ctx.names[key] = sp.Symbol(key, integer=True, positive=True)
        ctx.sets[word] = size
    return size


def parse_law(text: str, z: sp.Symbol, ctx: Context, *, line: int = 1, column: int = 1
              ) -> sp.Basic:
    """The law of `z` as written after `z \\sim` (a density, q(z|x) or a normal law)."""
    p = _Parser(tokenize(text, line=line, column=column), ctx)
    law = p.law(z)
    if p.peek().kind != "end":
        raise p.fail("the end of the law")
    return law


def parse_latex(text: str, ctx: Context | None = None, *, line: int = 1,
                column: int = 1) -> sp.Basic:
    """One expression, or one relation `a R b` (returned as Eq/Le/Lt/Ge/Gt)."""
    exprs, rels = parse_chain(text, ctx, line=line, column=column)
    if exprs[0] is None:
        tok = rels[0][1]
        raise ParseError("expected an expression before the relation", tok.line, tok.column)
    if not rels:
        return exprs[0]
    if len(rels) > 1:
        tok = rels[1][1]
        raise ParseError("expected one relation, found a chain", tok.line, tok.column)
    op = rels[0][0]
    rel = {"=": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt}[op]
    return rel(exprs[0], exprs[1], evaluate=False)
