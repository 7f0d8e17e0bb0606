"""The 2a-2c confirmations pass with the right formulas and fail with the usual wrong ones.

Every wrong version goes through the same Monte Carlo check, sample size and seed as the
right one. Each test also asserts that the wrong value is farther from the right one than the
check's detectable error, so its failure is a matter of power, not of luck.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from numeric.confirm.elbo import (
    N_SAMPLES,
    Case,
    cases,
    check_bound,
    check_elbo,
    check_gap,
    check_growth,
    check_identity,
    check_marginal,
    check_naive_bias,
    check_naive_inner_mean,
    check_prior_draws,
    check_prior_draws_miss_elbo,
    confirm_2a,
    confirm_2b,
    confirm_2c,
    elbo_integrand,
    growth_problem,
    main,
    multivariate_case,
    naive_estimator_growth,
    naive_log_marginal,
    plot_naive_growth,
    predicted_n,
    prior_log_ratio,
)
from numeric.confirm.linear_gaussian import (
    DiagGaussian,
    LinearGaussian,
    elbo,
    expected_log_likelihood,
    gaussian_logpdf,
    kl_gaussian,
    kl_q_posterior,
    log_importance_second_moment,
)
from numeric.mc.montecarlo import detectable_error

CASES = cases()
IDS = [c.name for c in CASES]
SEED = 12345


# ---- wrong formulas, each a mistake the worksheet's derivation invites

def reversed_gap(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """KL(p(z|x) || q): the KL's arguments swapped."""
    mean, cov = model.posterior(x)
    return kl_gaussian(mean, cov, q.m, q.cov)


def negative_gap(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """log p(x) = L - KL: the bound in the wrong direction (L >= log p(x))."""
    return -kl_q_posterior(model, x, q)


def integrand_without_log_q(model: LinearGaussian, x: np.ndarray, q: DiagGaussian,
                            z: np.ndarray) -> np.ndarray:
    """log p(x, z) alone: the - log q(z) term dropped."""
    return model.log_joint(x, z)


def elbo_kl_without_log_variance(model: LinearGaussian, x: np.ndarray,
                                 q: DiagGaussian) -> float:
    """E_q[log p(x|z)] - 1/2 sum(v + m^2 - 1): the Gaussian KL's -log v term missing."""
    return expected_log_likelihood(model, x, q) - 0.5 * float(np.sum(q.v + q.m**2 - 1.0))


def elbo_as_log_marginal(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """Taking the bound for the evidence: log p(x) := L."""
    return elbo(model, x, q)


def prior_draws_with_kl_reversed(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """E_p[log p(x|z)] - KL(q || p(z)): the ELBO's form with p put where q belongs."""
    prior = DiagGaussian(m=np.zeros(model.d), v=np.ones(model.d))
    return expected_log_likelihood(model, x, prior) - kl_gaussian(q.m, q.cov, np.zeros(model.d),
                                                                  np.eye(model.d))


def far(c, wrong: float, right: float) -> bool:
    """The wrong value is beyond the check's detectable error from the right one."""
    return abs(wrong - right) > detectable_error(c.figures["se"])


# ---- the confirmations as the catalogue calls them

@pytest.fixture(scope="module")
def all_confirmations():
    return {"2a": confirm_2a(), "2b": confirm_2b(), "2c": confirm_2c()}


@pytest.mark.parametrize("part", ["2a", "2b", "2c"])
def test_confirmations_pass_and_figures_are_json(all_confirmations, part: str) -> None:
    results = all_confirmations[part]
    assert results and all(c.name.startswith(part) for c in results)
    failed = [f"{c.name}: {c.summary}" for c in results if not c.passed]
    assert not failed
    json.dumps([c.figures for c in results], allow_nan=False)


def test_confirmations_are_reproducible(all_confirmations) -> None:
    again = confirm_2b()
    assert [c.figures for c in again] == [c.figures for c in all_confirmations["2b"]]


def test_2b_covers_both_cases_and_every_quantity(all_confirmations) -> None:
    names = [c.name for c in all_confirmations["2b"]]
    for case in IDS:
        for what in ["ELBO, z ~ q", "p(x) by importance", "- ELBO = KL(q || p(z|x))",
                     "ELBO <= log p(x)", "closed forms"]:
            assert sum(f"2b {case}: " in n and what in n for n in names) == 1, (case, what)


# ---- 2b: right versions pass, wrong versions fail through the same check

@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gap_check(case: Case) -> None:
    right = check_gap(case, n=N_SAMPLES, seed=SEED)
    assert right.passed
    for wrong_fn in (reversed_gap, negative_gap):
        wrong = check_gap(case, n=N_SAMPLES, seed=SEED, gap_fn=wrong_fn)
        assert far(right, wrong.figures["exact"], right.figures["exact"])
        assert not wrong.passed, wrong_fn.__name__


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_elbo_check(case: Case) -> None:
    right = check_elbo(case, n=N_SAMPLES, seed=SEED)
    assert right.passed
    dropped = check_elbo(case, n=N_SAMPLES, seed=SEED, integrand=integrand_without_log_q)
    assert far(right, dropped.figures["estimate"], right.figures["exact"])
    assert not dropped.passed
    no_logvar = check_elbo(case, n=N_SAMPLES, seed=SEED, elbo_fn=elbo_kl_without_log_variance)
    assert far(right, no_logvar.figures["exact"], right.figures["exact"])
    assert not no_logvar.passed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_marginal_check(case: Case) -> None:
    right = check_marginal(case, n=N_SAMPLES, seed=SEED)
    assert right.passed and right.figures["weight_fourth_moment_finite"]
    wrong = check_marginal(case, n=N_SAMPLES, seed=SEED, log_marginal_fn=elbo_as_log_marginal)
    assert far(right, wrong.figures["exact"], right.figures["exact"])
    assert not wrong.passed

    def missing_noise(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
        """log N(x; b, W W^T): the s^2 I of the marginal covariance left out."""
        jitter = 1e-9 * np.eye(model.D)  # W W^T is singular when D > d
        return float(gaussian_logpdf(x, model.b, model.W @ model.W.T + jitter)[0])

    assert not check_marginal(case, n=N_SAMPLES, seed=SEED, log_marginal_fn=missing_noise).passed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bound_check(case: Case) -> None:
    right = check_bound(case, n=N_SAMPLES, seed=SEED)
    assert right.passed and right.figures["exact"] > 0
    wrong = check_bound(case, n=N_SAMPLES, seed=SEED, elbo_below=False)
    assert not wrong.passed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_identity_check(case: Case) -> None:
    assert check_identity(case).passed
    assert not check_identity(case, gap_fn=reversed_gap).passed
    assert not check_identity(case, gap_fn=negative_gap).passed
    assert not check_identity(case, elbo_fn=elbo_kl_without_log_variance).passed


# ---- 2c

@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_prior_draws_estimate_a_different_quantity(case: Case) -> None:
    right = check_prior_draws(case, n=N_SAMPLES, seed=SEED)
    assert right.passed
    assert check_prior_draws_miss_elbo(case, n=N_SAMPLES, seed=SEED).passed
    # Claiming prior draws estimate the ELBO, or E_p[log p(x|z)] - KL(q || p(z)), is refuted.
    for wrong_fn in (elbo_as_log_marginal, prior_draws_with_kl_reversed):
        wrong = check_prior_draws(case, n=N_SAMPLES, seed=SEED, exact_fn=wrong_fn)
        assert far(right, wrong.figures["exact"], right.figures["exact"])
        assert not wrong.passed, wrong_fn.__name__
    # ... and the "misses the ELBO" check fails when handed the quantity prior draws do hit.
    assert not check_prior_draws_miss_elbo(case, n=N_SAMPLES, seed=SEED,
                                           elbo_fn=prior_log_ratio).passed


# ---- 2a

def test_naive_inner_mean_and_bias_checks() -> None:
    case = multivariate_case()
    assert check_naive_inner_mean(case, n=N_SAMPLES, seed=SEED).passed
    assert not check_naive_inner_mean(case, n=N_SAMPLES, seed=SEED,
                                      log_marginal_fn=elbo_as_log_marginal).passed
    biased = check_naive_bias(case, n=10, repeats=4000, seed=SEED)
    assert biased.passed and biased.figures["bias"] < 0
    # Against a log p(x) that is really the ELBO, the same runs look biased high: refuted.
    assert not check_naive_bias(case, n=10, repeats=4000, seed=SEED,
                                log_marginal_fn=elbo_as_log_marginal).passed


def test_naive_log_marginal_matches_a_direct_loop() -> None:
    model, x = growth_problem(2, 3)
    got = naive_log_marginal(model, x, 5, 3, rng=np.random.default_rng(0))
    rng = np.random.default_rng(0)
    ref = []
    for _ in range(3):
        z = rng.standard_normal((5, 2))
        ref.append(np.log(np.mean(np.exp(model.log_likelihood(x, z)))))
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_predicted_n_solves_the_delta_method_equation() -> None:
    n = predicted_n(3.0, 0.1)
    assert 3.0 / (2 * n) + np.sqrt(3.0 / n) == pytest.approx(0.1, rel=1e-12)


def right_relative_variance(model: LinearGaussian, x: np.ndarray) -> float:
    """The right relative variance, recomputed here from the closed form."""
    mean, cov = model.posterior(x)
    return float(np.expm1(log_importance_second_moment(mean, cov, np.zeros(model.d),
                                                       np.eye(model.d))))


def test_growth_check_fails_with_a_wrong_weight_variance() -> None:
    grid = ([1, 2, 3], [3, 6])
    kwargs = {"repeats": 100, "n_max": 2**14, "seed": 1001}
    assert check_growth(naive_estimator_growth(*grid, **kwargs)).passed

    def swapped(model: LinearGaussian, x: np.ndarray) -> float:
        """Target and proposal swapped: the variance of p(z)/p(z|x) under the posterior."""
        mean, cov = model.posterior(x)
        return float(np.expm1(log_importance_second_moment(np.zeros(model.d), np.eye(model.d),
                                                           mean, cov)))

    def unnormalised(model: LinearGaussian, x: np.ndarray) -> float:
        """Var_p[p(x|z)] itself, not divided by p(x)^2: the weights' scale forgotten."""
        return right_relative_variance(model, x) * float(np.exp(2.0 * model.log_marginal(x)))

    for wrong in (swapped, unnormalised):
        rows = naive_estimator_growth(*grid, relative_variance=wrong, **kwargs)
        c = check_growth(rows)
        assert not c.passed and not c.figures["agrees_with_prediction"], wrong.__name__
        json.dumps(c.figures, allow_nan=False)


def test_growth_check_needs_growth() -> None:
    flat = [{"d": d, "D": 3, "rho": 1.0, "N_predicted": 110.0, "N_needed": 128, "bias": 0.0,
             "sd": 0.09} for d in (1, 2, 3)]
    assert not check_growth(flat).passed
    shrinking = [dict(r, N_needed=n, N_predicted=float(n))
                 for r, n in zip(flat, (4096, 1024, 256), strict=True)]
    assert not check_growth(shrinking).figures["monotone"]


def test_plot_writes_a_png(tmp_path) -> None:
    path = tmp_path / "growth.png"
    rows = plot_naive_growth(path, latent_dims=[1, 2], data_dims=[1, 2], n_max=2**6)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and len(rows) == 4


def test_bad_arguments_raise() -> None:
    case = multivariate_case()
    with pytest.raises(ValueError, match="seed must be an integer"):
        check_elbo(case, n=10, seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n and repeats must be positive"):
        naive_log_marginal(case.model, case.x, 0, 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="need 1 <= d <= 16"):
        growth_problem(0, 3)
    with pytest.raises(ValueError, match="need eps > 0"):
        naive_estimator_growth([1], [1], eps=0.0)
    with pytest.raises(SystemExit, match="usage"):
        main(["--bogus"])


def test_elbo_integrand_is_log_joint_minus_log_q() -> None:
    case = multivariate_case()
    z = case.q.sample(4, rng=np.random.default_rng(0))
    np.testing.assert_allclose(elbo_integrand(case.model, case.x, case.q, z),
                               case.model.log_joint(case.x, z) - case.q.log_density(z))
