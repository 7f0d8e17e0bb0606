"""Worksheet 2e-2g, symbolic side: every derivation proved; wrong versions refuted."""

import pytest
import sympy as sp

from derive import Assumptions, Derivation, Step, Verdict, lookup
from derive.engine.expectation import Expectation, Normal
from derive.identities import vae


@pytest.mark.parametrize("key", ["2e", "2f", "2g"])
def test_every_vae_derivation_is_proved(key):
    for d in lookup(key).derivations():
        assert d.check().verdict is Verdict.PROVED, d.title


def test_sigma_squared_in_place_of_sigma_is_refuted():
    # The classic bug z = mu + sigma^2 eps: its variance is sigma^4, not sigma^2.
    var = Expectation((vae.MU + vae.SIGMA**2 * vae.EPS - vae.MU) ** 2, vae.EPS, vae.STD)
    d = Derivation("wrong variance", sp.Eq(var, vae.SIGMA**2, evaluate=False), var,
                   [Step("=", vae.SIGMA**2, "claimed")])
    assert d.check().verdict is Verdict.REFUTED


def test_kl_without_its_log_variance_term_is_not_nonnegative():
    wrong = (vae.MU**2 + sp.exp(vae.LOGVAR) - 1) / 2
    d = Derivation("KL without -log sigma^2", sp.Ge(wrong, 0), wrong,
                   [Step(">=", 0, "claimed")])
    result = d.check()
    assert result.verdict is Verdict.REFUTED
    assert result.steps[0].outcome.counterexample is not None


def test_generating_with_the_decoder_mean_misses_its_variance():
    # x = w z + b (the mean, not a draw) has variance w^2, not the marginal's w^2 + s^2.
    w, b = sp.symbols("w b", real=True)
    s = sp.Symbol("s", positive=True)
    z = sp.Symbol("z", real=True)
    second = Expectation((w * z + b - b) ** 2, z, Normal(0, 1))
    d = Derivation("mean as sample", sp.Eq(second, w**2 + s**2, evaluate=False), second,
                   [Step("=", w**2 + s**2, "claimed")], Assumptions())
    assert d.check().verdict is Verdict.REFUTED
