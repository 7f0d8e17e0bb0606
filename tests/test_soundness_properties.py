"""Property-based soundness (hypothesis, derandomized): random true identities built by valid
rewrites, and random corruptions of them (a sign, a factor, a swapped argument, a dropped
term). No corruption is ever proved, no true identity refuted, and every counterexample the
engine reports satisfies every declaration (signs, integers, intervals, distributions).

Each family builds an identity `lhs = term_1 + ... + term_k` whose right side is derived by a
rule the engine does not use to check it (the true Gaussian moments come from the moment
generating function, not from the engine's moment table). A corruption changes one term so
that the right side differs as a function; `assume` discards the rare draw where it does not.
"""

import math

import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from derive import Assumptions, Distribution, Verdict, check_relation
from derive.engine.definitions import KL, CrossEntropy, Entropy
from derive.engine.expectation import Expectation, Normal
from derive.engine.sampling import REL_TOL

SECONDS = 2.0  # each check's time limit: every example here is decided well within it
FEW = settings(derandomize=True, max_examples=20, deadline=None)
CORRUPTIONS = ("sign", "factor", "drop", "swap")

IDX = sp.Symbol("i", integer=True)
N = sp.Symbol("n", integer=True, positive=True)


# ---------------------------------------------------------------- declarations, re-checked
def _value(text: str) -> float:
    return float(text)


def satisfies_declarations(ce: dict[str, str], claim: sp.Basic, a: Assumptions) -> bool:
    """Does a reported counterexample satisfy every declaration of the claim?

    The point is printed to 8 significant digits, hence the tolerances (1e-6 relative)."""
    values = {k: _value(v) for k, v in ce.items() if k not in ("lhs", "rhs")}
    tol = 1e-6
    for s in claim.free_symbols | {s for s, _ in a.intervals}:
        if not isinstance(s, sp.Symbol) or str(s) not in values:
            continue
        x = values[str(s)]
        checks = [(s.is_positive, x > 0), (s.is_negative, x < 0),
                  (s.is_nonnegative, x >= -tol), (s.is_nonpositive, x <= tol),
                  (s.is_integer, abs(x - round(x)) <= tol)]
        if any(declared and not ok for declared, ok in checks):
            return False
        interval = a.interval_of(s)
        if interval is not None and interval.contains(sp.Float(x)) is not sp.true:
            return False
    for key, x in values.items():  # entries p[k] of indexed bases
        base = next((b for b in claim.atoms(sp.IndexedBase) if key.startswith(f"{b}[")), None)
        if base is not None and base.assumptions0.get("positive") and not x > 0:
            return False
    for d in a.distributions:
        size = int(sp.sympify(d.size).subs({s: int(values[str(s)]) for s in
                                            sp.sympify(d.size).free_symbols}))
        entries = [values.get(f"{d.base}[{k}]") for k in range(1, size + 1)]
        if any(e is None for e in entries):
            continue
        if any(e < -tol or (d.positive and e <= 0) for e in entries):
            return False
        total = math.fsum(entries)
        if (d.total == "one" and abs(total - 1) > tol) or total > 1 + tol:
            return False
    return True


def assert_sound(lhs: sp.Expr, rhs: sp.Expr, a: Assumptions, *, true: bool,
                 op: str = "=") -> None:
    """A true claim is not refuted, a false one not proved; a counterexample is valid."""
    out = check_relation(lhs, op, rhs, a, seconds=SECONDS)
    if true:
        assert out.verdict is not Verdict.REFUTED, out.counterexample
    else:
        assert out.verdict is not Verdict.PROVED, (lhs, rhs, out.method)
    if out.verdict is Verdict.REFUTED:
        claim = sp.Tuple(lhs, rhs)
        assert satisfies_declarations(out.counterexample, claim, a), out.counterexample


def corrupt(terms: list[sp.Expr], how: str, j: int, swap: dict | None) -> list[sp.Expr]:
    """One term changed: negated, doubled, dropped, or with two arguments swapped."""
    j %= len(terms)
    out = list(terms)
    if how == "sign":
        out[j] = -out[j]
    elif how == "factor":
        out[j] = 2 * out[j]
    elif how == "drop":
        del out[j]
    else:
        out[j] = out[j].xreplace(swap or {})
    return out


def differs(a: sp.Expr, b: sp.Expr, point: dict) -> bool:
    """Is a - b nonzero at a point (so the corrupted claim is false as a universal claim)?"""
    value = complex(sp.N((a - b).subs(point), 30))
    return abs(value) > 1e-6


# ---------------------------------------------------------------- expand_log with positivity
X, Y, W = sp.symbols("x y w", positive=True)
exponents = st.lists(st.integers(-3, 3).filter(bool), min_size=2, max_size=3)


@FEW
@given(exponents, st.sampled_from(CORRUPTIONS), st.integers(0, 2))
def test_expand_log_identities_and_their_corruptions(ks, how, j):
    """log(x^a y^b w^c) = a log x + b log y + c log w for positive x, y, w."""
    syms = (X, Y, W)[:len(ks)]
    lhs = sp.log(sp.Mul(*[s**k for s, k in zip(syms, ks, strict=True)]))
    terms = [k * sp.log(s) for s, k in zip(syms, ks, strict=True)]
    assert_sound(lhs, sp.Add(*terms), Assumptions(), true=True)
    bad = sp.Add(*corrupt(terms, how, j, {X: Y, Y: X}))
    point = {X: sp.Rational(3, 2), Y: sp.Rational(7, 3), W: sp.Rational(5, 4)}
    assume(differs(sp.Add(*terms), bad, point))
    assert_sound(lhs, bad, Assumptions(), true=False)


# ---------------------------------------------------------------- splitting a sum
P, Q, R = (sp.IndexedBase(name, positive=True) for name in "pqr")
coefficients = st.lists(st.integers(-4, 4).filter(bool), min_size=2, max_size=3)


@FEW
@given(coefficients, st.sampled_from([N, 2, 3]), st.sampled_from(CORRUPTIONS),
       st.integers(0, 2))
def test_sum_splitting_and_its_corruptions(cs, size, how, j):
    """sum_i (a p_i + b q_i + c r_i) = a sum p + b sum q + c sum r, for sub-distributions
    (entries > 0, sums <= 1, so the sums are not all 1 and swapping p and q matters)."""
    bases = (P, Q, R)[:len(cs)]
    a = Assumptions(distributions=tuple(Distribution(b, IDX, size, total="at_most_one")
                                        for b in bases))
    lim = (IDX, 1, size)
    lhs = sp.Sum(sp.Add(*[c * b[IDX] for c, b in zip(cs, bases, strict=True)]), lim)
    terms = [c * sp.Sum(b[IDX], lim) for c, b in zip(cs, bases, strict=True)]
    assert_sound(lhs, sp.Add(*terms), a, true=True)
    bad = sp.Add(*corrupt(terms, how, j, {P: Q, Q: P, R: P}))
    assume(bad != sp.Add(*terms))
    assert_sound(lhs, bad, a, true=False)


# ---------------------------------------------------------------- KL = H(p, q) - H(p)
@FEW
@given(st.sampled_from([N, 2, 3, 4]), st.sampled_from(CORRUPTIONS), st.integers(0, 1))
def test_kl_decomposition_and_its_corruptions(size, how, j):
    """D(p || q) = H(p, q) - H(p) (1b); swapping p and q in a term breaks it for n >= 2."""
    lim = (IDX, 1, size)
    a = Assumptions(distributions=(Distribution(P, IDX, size), Distribution(Q, IDX, size)))
    lhs = KL(P[IDX], Q[IDX], lim)
    terms = [CrossEntropy(P[IDX], Q[IDX], lim), -Entropy(P[IDX], lim)]
    assert_sound(lhs, sp.Add(*terms), a, true=True)
    assert_sound(lhs, sp.Add(*corrupt(terms, how, j, {P: Q, Q: P})), a, true=False)


# ---------------------------------------------------------------- Gaussian moments
M = sp.Symbol("m", real=True)
V = sp.Symbol("v", positive=True)
T = sp.Symbol("t")


def mgf_moment(k: int) -> sp.Expr:
    """E z^k for z ~ N(m, v): the k-th derivative at 0 of exp(m t + v t^2 / 2)."""
    return sp.expand(sp.diff(sp.exp(M * T + V * T**2 / 2), T, k).subs(T, 0))


polynomials = st.dictionaries(st.integers(1, 4), st.integers(-3, 3).filter(bool),
                              min_size=2, max_size=4)


@FEW
@given(polynomials, st.sampled_from(CORRUPTIONS + ("sigma",)), st.integers(0, 3))
def test_gaussian_moments_and_their_corruptions(poly, how, j):
    """E sum_k c_k z^k = sum_k c_k E z^k, each moment from the MGF; `sigma` puts sqrt(v) for v
    in one term (the standard deviation for the variance)."""
    z = sp.Symbol("z", real=True)
    lhs = Expectation(sp.Add(*[c * z**k for k, c in poly.items()]), z, Normal(M, V))
    terms = [c * mgf_moment(k) for k, c in sorted(poly.items())]
    assert_sound(lhs, sp.Add(*terms), Assumptions(), true=True)
    if how == "sigma":
        bad = list(terms)
        bad[j % len(terms)] = bad[j % len(terms)].xreplace({V: sp.sqrt(V)})
    else:
        bad = corrupt(terms, how, j, {M: -M})
    point = {M: sp.Rational(7, 10), V: sp.Rational(13, 10)}
    assume(differs(sp.Add(*terms), sp.Add(*bad), point))
    assert_sound(lhs, sp.Add(*bad), Assumptions(), true=False)


# ---------------------------------------------------------------- declared signs (class 8)
signs = st.sampled_from(["positive", "negative", "nonpositive", "nonnegative"])


@FEW
@given(signs, st.integers(1, 3), st.booleans())
def test_sign_claims_hold_on_their_domain_and_fail_off_it(sign, k, integer):
    """exp(c s) <= 1 where c s <= 0 on the declared sign of s: true; with -c: false. A
    counterexample to the false one must itself respect the declared sign."""
    s = sp.Symbol("s", **{sign: True}, **({"integer": True} if integer else {}))
    c = -k if sign in ("positive", "nonnegative") else k
    assert_sound(sp.exp(c * s), 1, Assumptions(), true=True, op="<=")
    assume(sign in ("positive", "negative"))  # at s = 0 the corruption holds: keep it false
    assert_sound(sp.exp(-c * s), 1, Assumptions(), true=False, op="<=")


def test_satisfies_declarations_rejects_a_point_off_the_domain():
    """The re-check itself can fail: a point breaking a sign, an integer or a distribution."""
    s = sp.Symbol("s", nonpositive=True)
    assert not satisfies_declarations({"s": "0.25", "lhs": "1", "rhs": "0"}, s, Assumptions())
    assert satisfies_declarations({"s": "-0.25", "lhs": "1", "rhs": "0"}, s, Assumptions())
    k = sp.Symbol("k", integer=True)
    assert not satisfies_declarations({"k": "1.5"}, k, Assumptions())
    a = Assumptions(distributions=(Distribution(P, IDX, N),))
    off = {"n": "2", "p[1]": "0.5", "p[2]": "0.6"}
    assert not satisfies_declarations(off, sp.Sum(P[IDX], (IDX, 1, N)), a)
    on = {"n": "2", "p[1]": "0.4", "p[2]": "0.6"}
    assert satisfies_declarations(on, sp.Sum(P[IDX], (IDX, 1, N)), a)
    assert REL_TOL < 1e-6  # the tolerance above is looser than the engine's agreement
