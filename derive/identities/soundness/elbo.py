"""The soundness catalogue, part 2 (2b): the ELBO and its gap, false and true."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.engine.definitions import KL
from derive.engine.derivation import Derivation, Step
from derive.engine.lemmas import gibbs
from derive.identities.soundness.core import SECONDS, Claim, claim


def _elbo_parts() -> dict:
    from derive.identities import elbo as e

    px, posterior, low = e.discrete_parts()
    k, klim, qd, pid, lk = e.k, e.KLIM, e.qd, e.pid, e.lk
    return {"px": px, "post": posterior, "elbo": low, "k": k, "lim": klim, "q": qd[k],
            "prior": pid[k], "lik": lk[k], "a": e.DISCRETE}


def _elbo_claim(title: str, make: Callable[[dict], tuple], by: str | None = None) -> Callable:
    def build() -> Derivation:
        c = _elbo_parts()
        lhs, op, rhs = make(c)
        return claim(title, lhs, op, rhs, by or "(claimed)", c["a"])

    return build


def _kl_k(c: dict, r: sp.Expr, s: sp.Expr) -> KL:
    return KL(r, s, c["lim"])


def _elbo_false() -> list[Claim]:
    return [
        Claim("F-2b-gap-swapped", False, "2b",
              "gap with swapped arguments: log p(x) = L + D(p(z|x) || q)",
              _elbo_claim("gap swapped", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["post"], c["q"]))), kind="swapped"),
        Claim("F-2b-gap-prior", False, "2b",
              "gap against the prior: log p(x) = L + D(q || p(z))",
              _elbo_claim("gap prior", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["q"], c["prior"]))), kind="swapped"),
        Claim("F-2b-bound-reversed", False, "2b", "bound the wrong way: L >= log p(x)",
              _elbo_claim("bound reversed", lambda c: (c["elbo"], ">=", sp.log(c["px"]))),
              kind="direction"),
        Claim("F-2b-elbo-sign", False, "2b",
              "sign error in L: log p(x) = E_q log p(x|z) + D(q||p(z)) + D(q||p(z|x))",
              _elbo_claim("elbo sign", lambda c: (
                  sp.log(c["px"]), "=", sp.Sum(c["q"] * sp.log(c["lik"]), c["lim"])
                  + _kl_k(c, c["q"], c["prior"]) + _kl_k(c, c["q"], c["post"]))),
              kind="sign-factor"),
        Claim("F-2b-dropped-log-q", False, "2b",
              "log q dropped: log p(x) = E_q[log p(x, z)] + D(q || p(z|x))",
              _elbo_claim("dropped log q", lambda c: (
                  sp.log(c["px"]), "=", sp.Sum(c["q"] * sp.log(c["lik"] * c["prior"]), c["lim"])
                  + _kl_k(c, c["q"], c["post"]))), kind="dropped"),
        Claim("F-2b-bayes-no-normaliser", False, "2b",
              "Bayes without the normaliser p(x): the gap taken against l_k pi_k",
              _elbo_claim("no normaliser", lambda c: (
                  sp.log(c["px"]), "=", c["elbo"] + _kl_k(c, c["q"], c["lik"] * c["prior"]))),
              kind="dropped"),
        Claim("F-2b-gibbs-upward", False, "2b",
              "Gibbs used upward: log p(x) <= L",
              lambda: _gibbs_upward(), kind="direction"),
        Claim("F-2b-linear-gaussian-gap-swapped", False, "2b",
              "linear-Gaussian closed forms: log p(x) = L + KL(p(z|x) || q)",
              lambda: _linear_gaussian(swapped=True), kind="swapped"),
    ]


def _gibbs_upward() -> Derivation:
    c = _elbo_parts()
    gap = _kl_k(c, c["q"], c["post"])
    use = gibbs(c["q"], c["post"], c["lim"], offset=sp.log(c["px"]))
    return Derivation("gibbs upward", sp.Le(sp.log(c["px"]), c["elbo"], evaluate=False),
                      sp.log(c["px"]),
                      [Step("<=", sp.log(c["px"]) - gap, use), Step("=", c["elbo"], "identity")],
                      c["a"], SECONDS)


def _linear_gaussian(*, swapped: bool) -> Derivation:
    from derive.engine.gaussian import kl_normal
    from derive.identities import elbo as e

    c = e.scalar_model()
    m, v = e.m, e.v
    gap = (kl_normal(c["mu_post"], c["v_post"], m, v) if swapped else c["gap"])
    return claim("linear-Gaussian identity", c["log_px"], "=", c["elbo"] + gap, "(claimed)")


def _elbo_true() -> list[Claim]:
    return [
        Claim("T-2b-joint-form", True, "2b",
              "L written as E_q[log p(x, z) - log q(z)] equals the worksheet's L",
              _elbo_claim("joint form", lambda c: (
                  sp.Sum(c["q"] * (sp.log(c["lik"] * c["prior"]) - sp.log(c["q"])), c["lim"]),
                  "=", c["elbo"])), kind="rewritten"),
        Claim("T-2b-linear-gaussian", True, "2b",
              "linear-Gaussian closed forms: log p(x) = L + KL(q || p(z|x))",
              lambda: _linear_gaussian(swapped=False), kind="rewritten"),
    ]




def claims() -> list[Claim]:
    """The ELBO's false variants, then its true ones."""
    return _elbo_false() + _elbo_true()
