"""The ELBO and conditional-density steps of the corpus (issues 14-15), proved soundly.

Each rule below has a true case it proves, a false neighbour it does not prove, and, for each
side condition, a case without it that is not proved.

- A restatement row (`\\therefore ...` after a chain, a chain of its own in the same block) is
  proved when it states a relation the chain above proved, rearranged: the difference of its
  sides is proved equal to that relation's, and the relation gives its own (= gives <=,
  < gives <=, never <= gives <).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step, check_all
from derive.engine.verdict import Verdict
from derive.notation.document import read_latex

SECONDS = 3.0


def verdicts(text: str, seconds: float = SECONDS) -> list[list[tuple[Verdict, str]]]:
    """Every chain's steps as (verdict, method), the chains checked together as a file is."""
    chains = [c.derivation for c in read_latex(text)]
    chains = _with_seconds(chains, seconds)
    return [[(s.verdict, s.outcome.method) for s in r.steps] for r in check_all(chains)]


def _with_seconds(chains: list[Derivation], seconds: float) -> list[Derivation]:
    """The chains with a shorter time limit, each still following the (new) chains above."""
    out: list[Derivation] = []
    for d in chains:
        above = tuple(out[k] for k, e in enumerate(chains) if any(e is f for f in d.follows))
        out.append(replace(d, seconds=seconds, follows=above))
    return out


SQUARE = r"""% assume: t \in \mathbb{R}
\begin{align*}
(t + 1)^2 &= t^2 + 2 t + 1 \\
&CHAIN \\
\\
\therefore RESTATED
\end{align*}
"""


def square(chain: str, restated: str) -> list[list[tuple[Verdict, str]]]:
    return verdicts(SQUARE.replace("CHAIN", chain).replace("RESTATED", restated))


def test_restatement_of_a_rearranged_chain_is_proved_from_it():
    (chain, (restated,)) = square(r"\geq 2 t + 1", r"(t + 1)^2 - 2 t &\geq 1")
    assert [v for v, _ in chain] == [Verdict.PROVED, Verdict.PROVED]
    assert restated[0] is Verdict.PROVED and restated[1].startswith("restates")


def test_restatement_of_the_conclusion_itself_is_proved():
    (_, (restated,)) = square(r"\geq 2 t + 1", r"(t + 1)^2 &\geq 2 t + 1")
    assert restated[0] is Verdict.PROVED and restated[1].startswith("restates")


def test_restatement_of_one_step_in_the_middle_of_a_chain():
    (_, (restated,)) = square(r"\geq 2 t + 1", r"t^2 + 2 t + 1 - 2 t &\geq 1")
    assert restated[0] is Verdict.PROVED and restated[1].startswith("restates")


def test_a_wrong_restatement_is_not_proved():
    (_, (restated,)) = square(r"\geq 2 t + 1", r"(t + 1)^2 - 2 t &\geq 2")
    assert restated[0] is Verdict.REFUTED


def test_a_strict_restatement_of_a_non_strict_chain_is_not_proved():
    (_, (restated,)) = square(r"\geq 2 t + 1", r"(t + 1)^2 &> 2 t + 1")
    assert restated[0] is not Verdict.PROVED  # false at t = 0 only: no sample finds it


def test_the_opposite_direction_is_not_proved():
    (_, (restated,)) = square(r"\geq 2 t + 1", r"(t + 1)^2 &\leq 2 t + 1")
    assert restated[0] is Verdict.REFUTED


def test_an_unproved_chain_proves_no_restatement():
    """Side condition: the steps restated are proved (here the chain's step is false)."""
    (chain, (restated,)) = square(r"\geq 2 t + 2", r"(t + 1)^2 - 2 t &\geq 2")
    assert chain[1][0] is Verdict.REFUTED
    assert restated[0] is not Verdict.PROVED


def test_a_restatement_undefined_somewhere_is_not_proved_by_the_chain():
    """Side condition: the restatement has a value on the whole declared domain (t = 1)."""
    undefined_at_1 = r"\frac{(t + 1)^2 t - (t + 1)^2}{t - 1} - 2 t &\geq 1"
    (_, (restated,)) = square(r"\geq 2 t + 1", undefined_at_1)
    assert not restated[1].startswith("restates")


def test_a_chain_under_other_declarations_is_not_restated():
    """Side condition: the chain above was checked under the same declarations."""
    t = sp.Symbol("t", real=True)
    x = sp.Symbol("x", real=True)
    above = Derivation("above", sp.Ge(x, t, evaluate=False), x, [Step(">=", t)],
                       Assumptions(facts=(sp.Ge(x, t),)), seconds=SECONDS)
    restated = Derivation("restated", sp.Ge(x - t, 0, evaluate=False), x - t,
                          [Step(">=", 0)], Assumptions(), seconds=SECONDS, follows=(above,))
    same = replace(restated, assumptions=above.assumptions)
    first, second = check_all([above, restated])
    assert first.verdict is Verdict.PROVED
    assert not second.steps[0].outcome.method.startswith("restates")
    assert check_all([above, same])[1].steps[0].outcome.method.startswith("restates")


def test_a_chain_not_in_the_list_is_checked_for_its_restatement():
    """`follows` names the chains above; checking the restatement alone checks them too."""
    t = sp.Symbol("t", real=True)
    a = Assumptions(facts=(sp.Ge(t, 1),))
    above = Derivation("above", sp.Ge(t, 1, evaluate=False), t, [Step(">=", 1)], a,
                       seconds=SECONDS)
    restated = Derivation("restated", sp.Ge(t - 1, 0, evaluate=False), t - 1,
                          [Step(">=", 0)], a, seconds=SECONDS, follows=(above,))
    (result,) = check_all([restated])
    assert result.steps[0].outcome.method.startswith("restates")


# Jensen on the ELBO's integral (phykn_elbo_inequality.tex, step 6): E_q[p(x, z)/q(z)] is
# integral p(x, z) dz, which the header defines as p(x): a defined quantity has a value.
ELBO_HEADER = r"""% assume: q_{\phi}(z) density over z
% assume: p_{\theta}(x|z) density over x
% assume: p(z) density over z
% assume: p_{\theta}(x, z) = p_{\theta}(x|z) p(z)
DEFINITION\begin{align*}
\text{log} E_{z \sim q_{\phi}} \left [ \frac{p_{\theta}(x, z)}{q_{\phi}(z)} \right ]
&REL E_{z \sim q_{\phi}} \left [\text{log} \frac{p_{\theta}(x, z)}{q_{\phi}(z)} \right ]
\end{align*}
"""
EVIDENCE = "% assume: p_{\\theta}(x) = \\int p_{\\theta}(x, z) dz\n"


def elbo_jensen(rel: str, definition: str = EVIDENCE) -> tuple[Verdict, str]:
    text = ELBO_HEADER.replace("DEFINITION", definition).replace("REL", rel)
    ((step,),) = verdicts(text, seconds=1.0)  # the proof takes < 0.5 CPU s
    return step


def test_jensen_on_the_elbo_is_proved_through_the_defined_evidence():
    verdict, method = elbo_jensen(r"\geq")
    assert verdict is Verdict.PROVED
    assert "Jensen" in method and "a defined quantity is taken to exist" in method


def test_jensen_the_wrong_way_round_is_not_proved():
    assert elbo_jensen(r"\leq")[0] is not Verdict.PROVED


def test_jensen_strict_is_not_proved():
    assert elbo_jensen(">")[0] is not Verdict.PROVED


def test_without_the_definition_integrability_is_not_proved():
    """Side condition E_q|p(x, z)/q(z)| < oo: nothing gives it without the definition."""
    assert elbo_jensen(r"\geq", "")[0] is not Verdict.PROVED


def test_a_definition_of_another_integral_does_not_give_integrability():
    """Side condition: E_q[g] must be the very integral the header defines."""
    other = "% assume: p_{\\theta}(x) = \\int p_{\\theta}(x, z) q_{\\phi}(z) dz\n"
    assert elbo_jensen(r"\geq", other)[0] is not Verdict.PROVED


# log(1/I) = -log I for an integral I of a positive function (the evidence p(x) inside
# p(z|x) = p(x, z)/p(x), kosiorek_elbo_kl.tex steps 1-2): expand_log needs I > 0.
LOG_INTEGRAL = r"""% assume: p(z) density over z
% assume: z \in \mathbb{R}
\begin{align*}
\log \frac{1}{\int BODY dz} &= RHS
\end{align*}
"""


def log_integral(body: str, rhs: str) -> tuple[Verdict, str]:
    ((step,),) = verdicts(LOG_INTEGRAL.replace("BODY", body).replace("RHS", rhs), seconds=2.0)
    return step


def test_log_of_one_over_a_positive_integral():
    verdict, method = log_integral("p(z)^2", r"-\log \int p(z)^2 dz")
    assert verdict is Verdict.PROVED and "taken as positive" in method


def test_log_of_one_over_a_positive_integral_with_the_wrong_sign():
    assert log_integral("p(z)^2", r"\log \int p(z)^2 dz")[0] is not Verdict.PROVED


def test_an_integrand_of_unknown_sign_is_not_taken_positive():
    """Side condition: the integrand is positive (z p(z) may be negative)."""
    assert log_integral("z p(z)", r"-\log \int z p(z) dz")[0] is not Verdict.PROVED


def test_an_integral_of_a_bound_variable_stays_a_function_of_it():
    """Side condition: an inner integral that names the outer variable is not a number."""
    from derive.engine.checks import _positive_parts

    x, z = sp.Symbol("x", real=True), sp.Symbol("z", real=True)
    f = sp.Function("f", positive=True)
    inner = sp.Integral(f(x, z), (z, -sp.oo, sp.oo))
    outer = sp.Integral(sp.log(1 / inner) * f(x, x), (x, -sp.oo, sp.oo))
    assert _positive_parts(outer, Assumptions()) == outer
    alone = sp.log(1 / sp.Integral(f(z), (z, 0, 1))) + sp.log(sp.Integral(f(z), (z, 0, 1)))
    assert _positive_parts(alone, Assumptions()) == 0


# Gibbs' inequality for densities found by the step's shape: int p log p - int p log q >= 0
# (phykn_cross_entropy.tex step 3), log p(x) - D_KL(q || p(z|x)) <= log p(x) (weng_vae_bound).
GIBBS = r"""% assume: DECLARED
\begin{align*}
\int p(x) \log p(x) dx - \int p(x) \log q(x) dx &REL
\end{align*}
"""


def gibbs_step(rel: str, declared: str = "p, q densities over x") -> tuple[Verdict, str]:
    ((step,),) = verdicts(GIBBS.replace("DECLARED", declared).replace("REL", rel), seconds=2.0)
    return step


def test_gibbs_for_densities_is_found_by_the_shape():
    verdict, method = gibbs_step(r"\geq 0")
    assert verdict is Verdict.PROVED and method.startswith("Gibbs")


def test_gibbs_the_wrong_way_round_is_not_proved():
    assert gibbs_step(r"\leq 0")[0] is not Verdict.PROVED
    assert gibbs_step(r"\geq 1")[0] is not Verdict.PROVED


def test_gibbs_needs_q_normalised():
    """Side condition: q a density (a positive q that may not integrate to 1 is not)."""
    assert gibbs_step(r"\geq 0", "p density over x\n% assume: q(x) > 0")[0] \
        is not Verdict.PROVED


def test_gibbs_needs_p_normalised():
    """Side condition: p a density."""
    assert gibbs_step(r"\geq 0", "q density over x\n% assume: p(x) > 0")[0] \
        is not Verdict.PROVED


WENG = r"""% assume: q(\mathbf{z}|\mathbf{x}) density over \mathbf{z}
% assume: p(\mathbf{x}|\mathbf{z}) density over \mathbf{x}
% assume: p(\mathbf{z}) density over \mathbf{z}
% assume: p(\mathbf{z}, \mathbf{x}) = p(\mathbf{x}|\mathbf{z}) p(\mathbf{z})
% assume: p(\mathbf{x}) = \int p(\mathbf{x}|\mathbf{z}) p(\mathbf{z}) d\mathbf{z}
% assume: p(\mathbf{z}|\mathbf{x}) = CONDITIONAL
\begin{align*}
\log p(\mathbf{x}) - D_\text{KL}( q(\mathbf{z}|\mathbf{x}) \| p(\mathbf{z}|\mathbf{x}) ) &REL
\log p(\mathbf{x})
\end{align*}
"""


def weng(rel: str, conditional: str = r"p(\mathbf{z}, \mathbf{x}) / p(\mathbf{x})"
         ) -> tuple[Verdict, str]:
    text = WENG.replace("CONDITIONAL", conditional).replace("REL", rel)
    ((step,),) = verdicts(text, seconds=2.0)
    return step


def test_the_kl_to_the_posterior_is_nonnegative():
    verdict, method = weng(r"\leq")
    assert verdict is Verdict.PROVED and method.startswith("Gibbs")


def test_the_kl_to_the_posterior_the_wrong_way_round():
    assert weng(r"\geq")[0] is not Verdict.PROVED
    assert weng("<")[0] is not Verdict.PROVED


def test_a_posterior_that_is_not_normalised_gives_no_gibbs():
    """Side condition: the second law integrates to 1 (here p(x, z), not p(x, z) / p(x))."""
    assert weng(r"\leq", r"p(\mathbf{z}, \mathbf{x})")[0] is not Verdict.PROVED


def test_an_integral_of_a_positive_function_is_positive():
    from derive.engine.assumptions import Assumptions as A
    from derive.engine.checks import prove_sign

    z, w = sp.Symbol("z", real=True), sp.Symbol("w", real=True)
    f, g = sp.Function("f", positive=True), sp.Function("g", real=True)
    assert prove_sign(f(z) / sp.Integral(f(w), (w, -sp.oo, sp.oo)), A(), strict=True)
    # Side conditions: a positive integrand, and an integral that exists (1/w on (0, 1) does
    # not), and an ordered range.
    assert not prove_sign(f(z) / sp.Integral(g(w), (w, -sp.oo, sp.oo)), A(), strict=True)
    assert not prove_sign(f(z) / sp.Integral(f(w), (w, 1, 0)), A(), strict=True)
    assert not prove_sign(f(z) / sp.Integral(1 / w, (w, 0, 1)), A(), strict=True)


# A change of variables z = mu + sigma eps in an integral over the real line
# (aevb_reparam_elbo.tex step 2: `\left.(...)\right|_{z = g(eps)}` is a Subs).
def reparam(sigma: sp.Symbol, *, jacobian: bool = True, lower: sp.Expr = -sp.oo,
            facts: tuple = ()) -> tuple[Verdict, str]:
    from derive.engine.checks import check_equal

    z, eps, mu = (sp.Symbol(n, real=True) for n in ("z", "epsilon", "mu"))
    f = sp.Function("f", positive=True)
    normal = sp.exp(-(z - mu) ** 2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)
    lhs = sp.Integral(normal * sp.log(f(z)), (z, lower, sp.oo))
    density = sp.exp(-eps**2 / 2) / sp.sqrt(2 * sp.pi) if jacobian else \
        normal.xreplace({z: mu + sigma * eps})
    rhs = sp.Integral(density * sp.Subs(sp.log(f(z)), z, mu + sigma * eps),
                      (eps, -sp.oo, sp.oo))
    out = check_equal(lhs, rhs, Assumptions(facts=facts), seconds=10.0)
    return out.verdict, out.method


def test_change_of_variables_in_an_integral():
    verdict, method = reparam(sp.Symbol("sigma", positive=True))
    assert verdict is Verdict.PROVED and "change of variables" in method


def test_change_of_variables_with_a_declared_positive_scale():
    s = sp.Symbol("s", real=True)  # another name: SymPy's cache mixes same-named symbols
    verdict, method = reparam(s, facts=(sp.Gt(s, 0),))
    assert verdict is Verdict.PROVED and "s > 0" in method


def test_change_of_variables_without_the_jacobian_is_not_proved():
    assert reparam(sp.Symbol("sigma", positive=True), jacobian=False)[0] \
        is not Verdict.PROVED


def test_change_of_variables_needs_a_positive_scale():
    """Side condition b > 0 (a negative sigma flips the range: the sign changes)."""
    assert reparam(sp.Symbol("t", real=True, nonzero=True))[0] is not Verdict.PROVED


def test_change_of_variables_needs_the_whole_real_line():
    """Side condition: both integrals over the real line (here z from 0)."""
    assert reparam(sp.Symbol("sigma", positive=True), lower=sp.S.Zero)[0] \
        is not Verdict.PROVED


# Wikipedia's renderer writes p_{\mathbf {\theta } }(x) for p_\theta(x)
# (wikipedia_yue_elbo_*.tex): a bold name in a subscript is read under its plain name, and said.
BOLD = r"""% assume: p_{\theta}(x) > 0
\begin{align*}
\log p_{SUB}(x) &= \log p_{\theta}(x)
\end{align*}
"""


def bold(sub: str) -> tuple[object, Verdict]:
    (chain,) = read_latex(BOLD.replace("SUB", sub))
    d = replace(chain.derivation, seconds=SECONDS)
    return chain, d.check().verdict


def test_a_bold_subscript_is_read_as_its_plain_name_and_said():
    chain, verdict = bold(r"\mathbf {\theta } ")
    assert verdict is Verdict.PROVED
    assert any("bold name in a subscript" in r for r in chain.readings[0])


def test_a_bold_subscript_of_another_letter_is_another_name():
    chain, verdict = bold(r"\mathbf{\phi}")
    assert str(chain.derivation.start) == "log(p_phi(x))"
    assert verdict is not Verdict.PROVED


def test_a_shift_by_the_variable_itself_is_no_change_of_variables():
    """Side condition: a and b are free of z (z = z + eps is not a substitution)."""
    from derive.engine.checks import check_equal

    z, eps = sp.Symbol("z", real=True), sp.Symbol("epsilon", real=True)
    f = sp.Function("f", positive=True)
    lhs = sp.Integral(f(z), (z, -sp.oo, sp.oo))
    rhs = sp.Integral(sp.Subs(f(z), z, z + eps) * f(eps), (eps, -sp.oo, sp.oo))
    assert check_equal(lhs, rhs, Assumptions(), seconds=2.0).verdict is not Verdict.PROVED
