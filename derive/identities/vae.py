"""Worksheet 2e-2g: the VAE's forward pass, its encoder and decoder, and generation.

The symbolic side of what the torch VAE in `numeric/vae/model.py` does, with the numeric
validations on the digits as confirmations:
- 2e: the reparameterized sample z = mu + sigma eps has the encoder's law, and the loss's KL
  term is the closed form the training code imports
  (`derive.engine.gaussian.KL_TO_STANDARD_NORMAL`);
- 2f: that KL term is a regulariser: >= 0, and 0 only at the prior (mu = 0, log sigma^2 = 0);
- 2g: ancestral sampling z ~ N(0, 1), x ~ p(x | z) draws from the model's marginal p(x)
  (shown for a linear-Gaussian decoder, where the marginal is N(b, w^2 + s^2)).

Reference: Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Sec. 2.4 and App. B.
"""

from __future__ import annotations

import sympy as sp

from derive.engine import gaussian
from derive.engine.assumptions import Assumptions
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import Expectation, Normal
from derive.engine.lemmas import log_le_sub_one
from derive.identities.identity import Identity

MU, LOGVAR = gaussian.MU, gaussian.LOGVAR
EPS = sp.Symbol("epsilon", real=True)
SIGMA = sp.Symbol("sigma", positive=True)
STD = Normal(0, 1)


def vae_forward() -> list[Derivation]:
    """2e: z = mu + sigma eps has mean mu and variance sigma^2; the KL term's closed form."""
    mean = Expectation(MU + SIGMA * EPS, EPS, STD)
    var = Expectation((MU + SIGMA * EPS - MU) ** 2, EPS, STD)
    standard = [d for d in gaussian.derivations() if "N(0, 1)" in d.title]
    return [
        Derivation("the reparameterized sample has the encoder's mean: E[mu + sigma eps] = mu",
                   sp.Eq(mean, MU, evaluate=False), mean,
                   [Step("=", MU + SIGMA * Expectation(EPS, EPS, STD), "linearity"),
                    Step("=", MU, "E[eps] = 0")]),
        Derivation("... and its variance: E[(mu + sigma eps - mu)^2] = sigma^2",
                   sp.Eq(var, SIGMA**2, evaluate=False), var,
                   [Step("=", SIGMA**2 * Expectation(EPS**2, EPS, STD), "linearity"),
                    Step("=", SIGMA**2, "E[eps^2] = 1")]),
        *standard,
    ]


def vae_encoder_decoder() -> list[Derivation]:
    """2f: the KL to the prior is >= 0 and vanishes only at mu = 0, log sigma^2 = 0."""
    kl = gaussian.KL_TO_STANDARD_NORMAL
    bound = sp.Le(LOGVAR, sp.exp(LOGVAR) - 1)
    return [
        Derivation("log sigma^2 <= sigma^2 - 1 (log t <= t - 1 at t = sigma^2 = exp(logvar))",
                   bound, LOGVAR,
                   [Step("<=", sp.exp(LOGVAR) - 1, log_le_sub_one(1, sp.exp(LOGVAR)),
                         uses=("log exp(logvar) = logvar, logvar real", "exp(logvar) > 0"))]),
        Derivation("the KL term is >= 0: 2 KL = mu^2 + (sigma^2 - 1 - log sigma^2) >= mu^2 >= 0",
                   sp.Ge(2 * kl, 0), 2 * kl,
                   [Step("=", MU**2 + sp.exp(LOGVAR) - 1 - LOGVAR, "expand"),
                    Step(">=", MU**2, "log sigma^2 <= sigma^2 - 1 (the derivation above)",
                         uses=("log t <= t - 1",)),
                    Step(">=", 0, "a square is >= 0")],
                   Assumptions(facts=(bound,))),
        Derivation("the KL term vanishes at the prior: KL(mu = 0, log sigma^2 = 0) = 0",
                   sp.Eq(kl.subs({MU: 0, LOGVAR: 0}), 0, evaluate=False),
                   kl.subs({MU: 0, LOGVAR: 0}), [Step("=", 0, "exp(0) = 1")]),
        Derivation("... where its gradient is 0: d KL / d mu = mu",
                   sp.Eq(sp.diff(kl, MU), MU, evaluate=False), sp.diff(kl, MU),
                   [Step("=", MU, "differentiate")]),
        Derivation("... d KL / d log sigma^2 = (sigma^2 - 1) / 2",
                   sp.Eq(sp.diff(kl, LOGVAR), (sp.exp(LOGVAR) - 1) / 2, evaluate=False),
                   sp.diff(kl, LOGVAR), [Step("=", (sp.exp(LOGVAR) - 1) / 2, "differentiate")]),
        Derivation("and it is strictly convex in log sigma^2: d^2 KL / d(log sigma^2)^2 > 0",
                   sp.Gt(sp.diff(kl, LOGVAR, 2), 0, evaluate=False), sp.diff(kl, LOGVAR, 2),
                   [Step("=", sp.exp(LOGVAR) / 2, "differentiate twice"),
                    Step(">", 0, "exp > 0")]),
    ]


def vae_generate() -> list[Derivation]:
    """2g: z ~ N(0, 1), then x ~ N(w z + b, s^2) (a draw, not the mean) has law N(b, w^2 + s^2)."""
    w, b = sp.symbols("w b", real=True)
    s = sp.Symbol("s", positive=True)
    z, x = sp.Symbol("z", real=True), sp.Symbol("x", real=True)
    decoder = Normal(w * z + b, s**2)
    first = Expectation(Expectation(x, x, decoder), z, STD)
    second = Expectation(Expectation((x - b) ** 2, x, decoder), z, STD)
    return [
        Derivation("ancestral sampling, mean: E_z[E_{x|z}[x]] = b, the marginal's mean",
                   sp.Eq(first, b, evaluate=False), first,
                   [Step("=", Expectation(w * z + b, z, STD), "the decoder's mean"),
                    Step("=", b, "E[z] = 0 under the prior")]),
        Derivation("ancestral sampling, variance: E_z[E_{x|z}[(x - b)^2]] = w^2 + s^2, the "
                   "marginal's (a draw from the decoder adds its variance s^2 to w^2)",
                   sp.Eq(second, w**2 + s**2, evaluate=False), second,
                   [Step("=", Expectation(w**2 * z**2 + s**2, z, STD),
                         "E_{x|z}[(x - b)^2] = (w z)^2 + s^2"),
                    Step("=", w**2 + s**2, "E[z^2] = 1 under the prior")]),
    ]


IDENTITIES = [
    Identity("2e", "vae-forward", "2e", "VAE forward pass: reparameterized sample and KL term",
             vae_forward, confirmations=("numeric.vae.checks:confirm_2e",)),
    Identity("2f", "vae-encoder-decoder", "2f",
             "VAE encoder and decoder: the KL term pulls q(z|x) to the prior", vae_encoder_decoder,
             confirmations=("numeric.vae.checks:confirm_2f",),
             plots=("docs/figures/vae_latent.png", "docs/figures/vae_reconstructions.png")),
    Identity("2g", "vae-generate", "2g", "VAE generation: z ~ p(z), then x ~ p(x|z)",
             vae_generate, confirmations=("numeric.vae.checks:confirm_2g",),
             plots=("docs/figures/vae_samples.png",)),
]
