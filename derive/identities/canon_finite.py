"""Canon c5-c7 on finite spaces: mutual information, the chain rule for KL, data processing.

A joint law on {1..n} x {1..m} is an IndexedBase P[i, j] whose total is 1 (a declared rule);
its marginals a_i = sum_j P_ij and b_j = sum_i P_ij are distributions. A conditional law
(a channel, a Markov kernel) is K[i, j] with rows summing to 1, declared as a rule with a
Wild row. Everything is positive: sums run over supports, as in worksheet part 1. SymPy
writes sum_i sum_j f as one Sum with two limits; `iterate_sums` (Finset.sum_product) writes
it back as an iterated sum wherever a rule about the inner sum is needed.

c5: I(X; Y) = D_KL(P || a b) = sum_ij P_ij log(P_ij / (a_i b_j)) >= 0, by log t <= t - 1 in
each row, summed over the rows (a monotone context), then the normalisations.
c6: D_KL(a A || b B) = D_KL(a || b) + sum_i a_i D_KL(A_i. || B_i.), for joint laws
a_i A_ij and b_i B_ij (Cover & Thomas Thm 2.5.3).
c7: D_KL(a K || b K) <= D_KL(a || b) for a channel K, (aK)_j = sum_i a_i K_ij: the log-sum
inequality in each output j, summed over j, then the sums exchanged and the rows of K
summed to 1 (Cover & Thomas Thm 2.8.1 / Problem 2.34).

Formal counterparts (Lean): the log-sum inequality is Mathlib's `Real.sum_mul_log_div_leq`;
KL >= 0 is `InformationTheory.klDiv_nonneg`; the chain rule and the data-processing
inequality for KL are proved in Degenne et al.'s TestingLowerBounds project
(`ProbabilityTheory.kl_compProd`, and `fDiv_comp_le_compProd_right` with the f-divergence
data-processing inequality), on their way into Mathlib. Names as of 2025; not checked
against a Mathlib build here.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.assumptions import Assumptions, Distribution, Rule
from derive.engine.definitions import KL
from derive.engine.derivation import Derivation, Step
from derive.engine.inequalities import iterate_sums, log_sum, sum_both, sum_exchange
from derive.engine.lemmas import log_le_sub_one
from derive.identities.identity import Identity
from derive.identities.kl import i, n

j = sp.Symbol("j", integer=True)
m = sp.Symbol("m", integer=True, positive=True)
ILIM, JLIM = (i, 1, n), (j, 1, m)
# joint P; laws a, b on the first factor; conditionals A, B; channel K. All positive.
P, a, b, A, B, K = (sp.IndexedBase(name, positive=True) for name in ("P", "a", "b", "A", "B", "K"))
_w = sp.Wild("w")


def double(f: sp.Expr) -> sp.Sum:
    """sum_i sum_j f."""
    return sp.Sum(sp.Sum(f, JLIM), ILIM)


def rows_sum_to_one(kernel: sp.IndexedBase) -> Rule:
    """sum_j kernel[i, j] = 1 for every row i (a conditional law)."""
    return Rule(sp.Sum(kernel[_w, j], JLIM), sp.S.One, f"sum_j {kernel}_ij = 1 for every i")


# The proof uses only that P, a and b are distributions: Gibbs' inequality on the product
# space. That a and b are P's marginals is what makes the sum the mutual information.
MARGINALS = Assumptions(
    distributions=(Distribution(a, i, n), Distribution(b, j, m)),
    rules=(Rule(double(P[i, j]), sp.S.One, "sum_ij P_ij = 1 (P is a joint law)"),),
    notes=("(i, j) runs over the support of P",
           "a_i = sum_j P_ij and b_j = sum_i P_ij are the marginals of P"))


def mutual_information() -> sp.Expr:
    """I(X; Y) = sum_ij P_ij log(P_ij / (a_i b_j)) = D_KL(P || a b) on the product space."""
    return double(P[i, j] * sp.log(P[i, j] / (a[i] * b[j])))


# ---------------------------------------------------------------- c5
def mutual_information_nonnegative(assumptions: Assumptions = MARGINALS) -> list[Derivation]:
    """c5: I(X; Y) >= 0, and I = H(X) + H(Y) - H(X, Y) is not needed for it."""
    mi = mutual_information()
    ratio = a[i] * b[j] / P[i, j]
    row = log_le_sub_one(P[i, j], ratio, JLIM)
    return [Derivation(
        "I(X; Y) = D_KL(P(x, y) || P(x) P(y)) >= 0", sp.Ge(mi, 0), -mi,
        [Step("=", double(P[i, j] * sp.log(ratio)), "-log(u/v) = log(v/u)",
              uses=("P_ij, a_i, b_j > 0",)),
         Step("<=", double(P[i, j] * (ratio - 1)), sum_both(row, sp.S.One, ILIM),
              uses=("log t <= t - 1 in each row i", "weights 1 >= 0")),
         Step("=", double(a[i] * b[j]) - double(P[i, j]), "P_ij (a_i b_j / P_ij) = a_i b_j; "
                                                          "linearity"),
         Step("=", sp.Sum(a[i] * sp.Sum(b[j], JLIM), ILIM) - double(P[i, j]),
              iterate_sums(double(a[i] * b[j]) - double(P[i, j]))),
         Step("=", 0, "sum_i a_i = sum_j b_j = 1; sum_ij P_ij = sum_i a_i = 1",
              uses=("a, b are the marginals of P",))],
        assumptions)]


# ---------------------------------------------------------------- c6
CHAIN = Assumptions(distributions=(Distribution(a, i, n), Distribution(b, i, n)),
                    rules=(rows_sum_to_one(A), rows_sum_to_one(B)),
                    notes=("P_ij = a_i A_ij and Q_ij = b_i B_ij are joint laws",))


def kl_chain_rule(assumptions: Assumptions = CHAIN) -> list[Derivation]:
    """c6: D(a A || b B) = D(a || b) + sum_i a_i D(A_i. || B_i.)."""
    joint = double(a[i] * A[i, j] * sp.log(a[i] * A[i, j] / (b[i] * B[i, j])))
    # sum_j A_ij log(A_ij / B_ij) is D_KL(A_i. || B_i.), written out: each row of A and B is a
    # distribution by the row rules, which a Distribution (one index) cannot declare.
    conditional = sp.Sum(a[i] * sp.Sum(A[i, j] * sp.log(A[i, j] / B[i, j]), JLIM), ILIM)
    rhs = KL(a[i], b[i], ILIM) + conditional
    return [Derivation(
        "chain rule: D_KL(P(x, y) || Q(x, y)) = D_KL(P(x) || Q(x)) + "
        "sum_x P(x) D_KL(P(y|x) || Q(y|x))",
        sp.Eq(joint, rhs, evaluate=False), joint,
        [Step("=", double(a[i] * A[i, j] * sp.log(a[i] / b[i]))
              + double(a[i] * A[i, j] * sp.log(A[i, j] / B[i, j])),
              "log of a product (all positive); linearity"),
         Step("=", sp.Sum(a[i] * sp.log(a[i] / b[i]) * sp.Sum(A[i, j], JLIM), ILIM)
              + conditional,
              iterate_sums(double(a[i] * A[i, j] * sp.log(a[i] / b[i]))
                           + double(a[i] * A[i, j] * sp.log(A[i, j] / B[i, j])))),
         Step("=", rhs, "each row of A sums to 1; definition of D_KL(a || b)",
              uses=("sum_j A_ij = 1",))],
        assumptions)]


# ---------------------------------------------------------------- c7
CHANNEL = Assumptions(distributions=(Distribution(a, i, n), Distribution(b, i, n)),
                      rules=(rows_sum_to_one(K),),
                      notes=("K_ij = K(y = j | x = i) is a channel (a Markov kernel)",))


def data_processing(assumptions: Assumptions = CHANNEL) -> list[Derivation]:
    """c7: D(a K || b K) <= D(a || b), through the log-sum inequality in each output j."""
    out_a, out_b = sp.Sum(a[i] * K[i, j], ILIM), sp.Sum(b[i] * K[i, j], ILIM)
    processed = sp.Sum(out_a * sp.log(out_a / out_b), JLIM)
    per_output = log_sum(a[i] * K[i, j], b[i] * K[i, j], ILIM)
    inner = sp.Sum(a[i] * K[i, j] * sp.log(a[i] / b[i]), ILIM)
    return [Derivation(
        "data processing: D_KL(a K || b K) <= D_KL(a || b) for a channel K",
        sp.Le(processed, KL(a[i], b[i], ILIM)), processed,
        [Step("<=", sp.Sum(sp.Sum(a[i] * K[i, j] * sp.log(a[i] * K[i, j] / (b[i] * K[i, j])),
                                  ILIM), JLIM),
              sum_both(per_output, sp.S.One, JLIM),
              uses=("the log-sum inequality for each output j", "a_i K_ij >= 0",
                    "b_i K_ij > 0")),
         Step("=", sp.Sum(inner, JLIM), "K_ij cancels in the ratio (K_ij > 0)"),
         Step("=", double(a[i] * K[i, j] * sp.log(a[i] / b[i])),
              sum_exchange(a[i] * K[i, j] * sp.log(a[i] / b[i]), JLIM, ILIM),
              uses=("finite sums commute",)),
         Step("=", sp.Sum(a[i] * sp.log(a[i] / b[i]) * sp.Sum(K[i, j], JLIM), ILIM),
              iterate_sums(double(a[i] * K[i, j] * sp.log(a[i] / b[i])))),
         Step("=", KL(a[i], b[i], ILIM), "each row of K sums to 1; definition of D_KL",
              uses=("sum_j K_ij = 1",))],
        assumptions)]


IDENTITIES = [
    Identity("c5", "mutual-information", "c5",
             "I(X; Y) = D_KL(p(x, y) || p(x) p(y)) >= 0", mutual_information_nonnegative,
             confirmations=("numeric.confirm.canon:confirm_c5",),
             summary="log t <= t - 1 in each row, summed over the rows (a monotone context); "
                     "the marginals declared as rules", section="canon"),
    Identity("c6", "kl-chain-rule", "c6",
             "D_KL(P(x,y) || Q(x,y)) = D_KL(P(x) || Q(x)) + E_P(x)[D_KL(P(y|x) || Q(y|x))]",
             kl_chain_rule, confirmations=("numeric.confirm.canon:confirm_c6",),
             summary="finite spaces; rows of the conditionals sum to 1", section="canon"),
    Identity("c7", "data-processing", "c7",
             "D_KL(a K || b K) <= D_KL(a || b) for a channel K (finite spaces)",
             data_processing, confirmations=("numeric.confirm.canon:confirm_c7",),
             summary="the log-sum inequality (Mathlib Real.sum_mul_log_div_leq) in each "
                     "output, summed; finite sums exchanged (Finset.sum_comm)", section="canon"),
]
