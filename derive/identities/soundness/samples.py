"""The expectation over K i.i.d. samples (the IWAE bound), attacked.

`log p(x) >= E_{z^{(1)}, ..., z^{(K)} ~ q}[log (1/K) sum_k p(x, z^{(k)}) / q(z^{(k)} | x)]`
is proved by Jensen on the K-fold expectation and by linearity over the sum with each
sample's marginal q (E[W] = E_q[p(x, z)/q(z|x)] = p(x)). Its false neighbours break one
part: samples from another law than the q of the weights, a weight that is no importance
weight (q squared, the likelihood without the prior), no mean (the sum itself), a part of
the samples, a weight mixing two samples, a number of samples not known to be an integer,
the bound the other way or strict. Reference: Burda, Grosse & Salakhutdinov, "Importance
Weighted Autoencoders", ICLR 2016, Thm 1a.
"""

from __future__ import annotations

from derive.identities.soundness.core import QUICK, SECONDS, Claim, false, latex, true

HEADER = r"""% assume: q(z|x) density over z
% assume: p(x|z) density over x
% assume: p(z) density over z
% assume: p(x, z) = p(x|z) p(z)
% assume: p(x) = \int p(z) p(x|z) dz
% assume: z^{(1)}, \dots, z^{(K)} \sim q(z|x) iid"""
BOUND = (r"\log p(x) &\geq \mathbb{E}_{z^{(1)}, \dots, z^{(K)} \sim q(z|x)} \left[ \log "
         r"\frac{1}{K} \sum_{k=1}^{K} \frac{p(x, z^{(k)})}{q(z^{(k)}|x)} \right]")


def _bound(old: str = "", new: str = "", header: tuple[str, str] = ("", ""),
           seconds: float = QUICK) -> object:
    """The bound with `old` replaced by `new` in it, and `header[0]` by `header[1]`."""
    head = HEADER.replace(*header) if header[0] else HEADER
    return latex(head, BOUND.replace(old, new) if old else BOUND, seconds)


def claims() -> list[Claim]:
    """The bound's false neighbours, then the bound in both notations."""
    other = ("% assume: z^{(1)}, \\dots, z^{(K)} \\sim q(z|x) iid",
             "% assume: r(z|x) density over z\n% assume: z^{(1)}, \\dots, z^{(K)} \\sim r(z|x) iid")
    return [
        false("F-samples-other-law", "support", "c4",
              "the samples drawn from r, the weights p/q: E_r[p(x, z)/q(z|x)] is not p(x)",
              _bound(r"\sim q(z|x)}", r"\sim r(z|x)}", other)),
        false("F-samples-q-squared", "sign-factor", "c4",
              "the weight p(x, z)/q(z|x)^2: its mean under q is no p(x)",
              _bound(r"{q(z^{(k)}|x)}", r"{q(z^{(k)}|x)^2}")),
        false("F-samples-no-prior", "dropped", "c4",
              "the weight p(x|z)/q(z|x), the prior dropped: its mean under q is no p(x)",
              _bound(r"p(x, z^{(k)})", r"p(x | z^{(k)})")),
        false("F-samples-no-mean", "dropped", "c4",
              "the sum of the K weights, not their mean (false for K >= 2)",
              _bound(r"\frac{1}{K} \sum", r"\sum")),
        false("F-samples-mixed", "algebra", "c4",
              "the weight p(x, z^(k))/q(z^(1)|x) mixes two samples: no marginal gives its mean",
              _bound(r"{q(z^{(k)}|x)}", r"{q(z^{(1)}|x)}")),
        false("F-samples-real-count", "undeclared", "c4",
              "m samples for a real m (no positive integer: a sum from 1 to m means nothing)",
              latex(HEADER.replace("{(K)}", "{(m)}") + "\n% assume: m real",
                    BOUND.replace("K", "m"), QUICK)),
        false("F-samples-reversed", "direction", "c4",
              "log p(x) <= L_K: Jensen the wrong way",
              _bound(r"\geq", r"\leq")),
        false("F-samples-strict", "direction", "c4",
              "log p(x) > L_K: Jensen gives <=, and equality holds when the weight is constant",
              _bound(r"\geq", ">")),
        true("T-samples-iwae-bound", "rewritten", "c4",
             "log p(x) >= L_K, the IWAE bound, over z^(1), ..., z^(K) i.i.d. ~ q",
             _bound(seconds=SECONDS)),
        true("T-samples-plain-letters", "rewritten", "c4",
             "log p(x) >= L_K written over z_1, ..., z_K",
             latex(HEADER.replace("z^{(1)}, \\dots, z^{(K)}", "z_1, \\dots, z_K"),
                   BOUND.replace("z^{(1)}, \\dots, z^{(K)}", "z_1, \\dots, z_K")
                   .replace("z^{(k)}", "z_k"), SECONDS)),
    ]
