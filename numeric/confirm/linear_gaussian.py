"""Exact closed forms for the linear-Gaussian latent variable model, the ELBO's test bed.

Model: z ~ N(0, I_d), x | z ~ N(W z + b, s^2 I_D); variational family q(z) = N(m, diag v).
Everything the worksheet's part 2 talks about is a Gaussian integral here, so log p(x), the
posterior p(z | x), the ELBO and KL(q || p(z | x)) are all exact; Monte Carlo estimates in
`numeric.confirm.elbo` are compared against them.

References:
1. Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, eq. (3) and Appendix B.
2. Bishop, "Pattern Recognition and Machine Learning", 2006, eqs. (2.113)-(2.117).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))


def _vector(a: object, name: str, size: int | None = None) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if size is not None and arr.shape[0] != size:
        raise ValueError(f"{name} must have length {size}, got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def _points(z: object, d: int) -> np.ndarray:
    """Latent points as an (n, d) array; a single (d,) point becomes (1, d)."""
    arr = np.asarray(z, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"z must have shape (n, {d}) or ({d},), got {np.shape(z)}")
    return arr


def _count(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return int(n)


def _covariance(cov: object, name: str, d: int) -> np.ndarray:
    arr = np.asarray(cov, dtype=float)
    if arr.shape != (d, d):
        raise ValueError(f"{name} must have shape ({d}, {d}), got {arr.shape}")
    if not np.allclose(arr, arr.T) or np.linalg.eigvalsh(arr).min() <= 0.0:
        raise ValueError(f"{name} must be symmetric positive definite")
    return arr


def gaussian_logpdf(z: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """log N(z; mean, cov) for each row of z (Cholesky, no explicit inverse)."""
    d = mean.shape[0]
    pts = _points(z, d)
    chol = np.linalg.cholesky(_covariance(cov, "cov", d))
    white = np.linalg.solve(chol, (pts - mean).T)
    logdet = 2.0 * np.log(np.diag(chol)).sum()
    return -0.5 * (d * LOG_2PI + logdet + (white**2).sum(axis=0))


@dataclass(frozen=True)
class DiagGaussian:
    """The variational family q(z) = N(m, diag v), v > 0."""

    m: np.ndarray
    v: np.ndarray

    def __post_init__(self) -> None:
        m = _vector(self.m, "m")
        v = _vector(self.v, "v", m.shape[0])
        if np.any(v <= 0.0):
            raise ValueError("v (the variances of q) must be positive")
        object.__setattr__(self, "m", m)
        object.__setattr__(self, "v", v)

    @property
    def d(self) -> int:
        return int(self.m.shape[0])

    @property
    def cov(self) -> np.ndarray:
        return np.diag(self.v)

    def log_density(self, z: np.ndarray) -> np.ndarray:
        """log q(z) for each row of z."""
        pts = _points(z, self.d)
        return -0.5 * (LOG_2PI + np.log(self.v) + (pts - self.m) ** 2 / self.v).sum(axis=1)

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """n draws z = m + sqrt(v) * eps, eps ~ N(0, I), as an (n, d) array."""
        return self.m + np.sqrt(self.v) * rng.standard_normal((_count(n), self.d))


@dataclass(frozen=True)
class LinearGaussian:
    """z ~ N(0, I_d), x | z ~ N(W z + b, s^2 I_D) with W of shape (D, d) and s > 0."""

    W: np.ndarray
    b: np.ndarray
    s: float

    def __post_init__(self) -> None:
        W = np.asarray(self.W, dtype=float)
        if W.ndim != 2 or 0 in W.shape:
            raise ValueError(f"W must be a non-empty 2-D array (D, d), got shape {W.shape}")
        if not np.all(np.isfinite(W)):
            raise ValueError("W contains NaN or inf")
        b = _vector(self.b, "b", W.shape[0])
        s = float(self.s)
        if not np.isfinite(s) or s <= 0.0:
            raise ValueError(f"s (the noise standard deviation) must be positive, got {self.s}")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "s", s)

    @property
    def d(self) -> int:
        """Latent dimension."""
        return int(self.W.shape[1])

    @property
    def D(self) -> int:
        """Data dimension."""
        return int(self.W.shape[0])

    def check_x(self, x: object) -> np.ndarray:
        """x as a length-D float vector, or ValueError."""
        return _vector(x, "x", self.D)

    def check_q(self, q: DiagGaussian) -> DiagGaussian:
        """q itself if its dimension is the latent dimension, else ValueError."""
        if not isinstance(q, DiagGaussian):
            raise ValueError(f"q must be a DiagGaussian, got {type(q).__name__}")
        if q.d != self.d:
            raise ValueError(f"q has dimension {q.d}, the model's latent dimension is {self.d}")
        return q

    def marginal(self) -> tuple[np.ndarray, np.ndarray]:
        """p(x) = N(b, W W^T + s^2 I): mean and covariance."""
        return self.b.copy(), self.W @ self.W.T + self.s**2 * np.eye(self.D)

    def log_marginal(self, x: np.ndarray) -> float:
        """Exact log p(x)."""
        mean, cov = self.marginal()
        return float(gaussian_logpdf(self.check_x(x), mean, cov)[0])

    def posterior(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """p(z | x) = N(S W^T (x - b) / s^2, S) with S = (I + W^T W / s^2)^-1 (Bishop 2.116)."""
        x = self.check_x(x)
        precision = np.eye(self.d) + self.W.T @ self.W / self.s**2
        cov = np.linalg.inv(precision)
        cov = 0.5 * (cov + cov.T)
        return cov @ self.W.T @ (x - self.b) / self.s**2, cov

    def log_likelihood(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """log p(x | z) for each row of z."""
        x = self.check_x(x)
        resid = x - (_points(z, self.d) @ self.W.T + self.b)
        return -0.5 * (self.D * (LOG_2PI + 2.0 * np.log(self.s)) + (resid**2).sum(1) / self.s**2)

    def log_prior(self, z: np.ndarray) -> np.ndarray:
        """log p(z) = log N(z; 0, I) for each row of z."""
        return -0.5 * (self.d * LOG_2PI + (_points(z, self.d) ** 2).sum(axis=1))

    def log_joint(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """log p(x, z) = log p(x | z) + log p(z) for each row of z."""
        return self.log_likelihood(x, z) + self.log_prior(z)

    def log_posterior(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """log p(z | x) for each row of z, from the closed-form posterior."""
        mean, cov = self.posterior(x)
        return gaussian_logpdf(z, mean, cov)

    def sample_prior(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """n draws z ~ N(0, I_d) as an (n, d) array."""
        return rng.standard_normal((_count(n), self.d))

    def sample(self, n: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n draws (z, x) from the joint: z ~ p(z), then x ~ p(x | z)."""
        z = self.sample_prior(n, rng=rng)
        x = z @ self.W.T + self.b + self.s * rng.standard_normal((z.shape[0], self.D))
        return z, x


def kl_gaussian(m0: np.ndarray, S0: np.ndarray, m1: np.ndarray, S1: np.ndarray) -> float:
    """KL(N(m0, S0) || N(m1, S1)) = 1/2 [tr(S1^-1 S0) + dm^T S1^-1 dm - d + log|S1|/|S0|]."""
    m0 = _vector(m0, "m0")
    d = m0.shape[0]
    m1 = _vector(m1, "m1", d)
    S0 = _covariance(S0, "S0", d)
    S1 = _covariance(S1, "S1", d)
    S1_inv = np.linalg.inv(S1)
    dm = m1 - m0
    logdet0 = np.linalg.slogdet(S0)[1]
    logdet1 = np.linalg.slogdet(S1)[1]
    return float(0.5 * (np.trace(S1_inv @ S0) + dm @ S1_inv @ dm - d + logdet1 - logdet0))


def kl_to_standard_normal(q: DiagGaussian) -> float:
    """KL(N(m, diag v) || N(0, I)) = 1/2 sum(v + m^2 - 1 - log v) (Kingma & Welling, App. B)."""
    return float(0.5 * np.sum(q.v + q.m**2 - 1.0 - np.log(q.v)))


def expected_log_likelihood(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """E_q[log p(x | z)] = -D/2 log(2 pi s^2) - (|x - W m - b|^2 + sum_j v_j |W_j|^2) / 2s^2."""
    x = model.check_x(x)
    q = model.check_q(q)
    resid = x - model.W @ q.m - model.b
    spread = np.sum(q.v * (model.W**2).sum(axis=0))
    return float(-0.5 * model.D * (LOG_2PI + 2.0 * np.log(model.s))
                 - 0.5 * (resid @ resid + spread) / model.s**2)


def elbo(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """The worksheet's L = E_q[log p(x | z)] - KL(q || p(z)), in closed form."""
    return expected_log_likelihood(model, x, q) - kl_to_standard_normal(model.check_q(q))


def kl_q_posterior(model: LinearGaussian, x: np.ndarray, q: DiagGaussian) -> float:
    """KL(q || p(z | x)), the ELBO's gap, in closed form."""
    q = model.check_q(q)
    mean, cov = model.posterior(x)
    return kl_gaussian(q.m, q.cov, mean, cov)


def expected_log_ratio(model: LinearGaussian, x: np.ndarray, q: DiagGaussian,
                       mean: np.ndarray, cov: np.ndarray) -> float:
    """E_r[log p(x, z) - log q(z)] for r = N(mean, cov), by Gaussian moments.

    With r = q this is the ELBO again (computed another way); with r = p(z) = N(0, I) it is
    what the ELBO's sample average estimates when z is wrongly drawn from the prior (2c).
    """
    x = model.check_x(x)
    q = model.check_q(q)
    mean = _vector(mean, "mean", model.d)
    cov = _covariance(cov, "cov", model.d)
    resid = x - model.W @ mean - model.b
    e_loglik = (-0.5 * model.D * (LOG_2PI + 2.0 * np.log(model.s))
                - 0.5 * (resid @ resid + np.trace(model.W @ cov @ model.W.T)) / model.s**2)
    e_logprior = -0.5 * (model.d * LOG_2PI + mean @ mean + np.trace(cov))
    e_logq = -0.5 * np.sum(LOG_2PI + np.log(q.v) + ((mean - q.m) ** 2 + np.diag(cov)) / q.v)
    return float(e_loglik + e_logprior - e_logq)


def log_importance_second_moment(target_mean: np.ndarray, target_cov: np.ndarray,
                                 proposal_mean: np.ndarray, proposal_cov: np.ndarray) -> float:
    """log of E_r[(t(z)/r(z))^2] = log of the integral of t^2 / r, for Gaussians t and r.

    Importance weights w = t/r have mean 1 under r and relative variance exp(this) - 1. The
    integral is finite only when 2 St^-1 - Sr^-1 is positive definite; otherwise returns inf.
    """
    mt = _vector(target_mean, "target_mean")
    d = mt.shape[0]
    mr = _vector(proposal_mean, "proposal_mean", d)
    St_inv = np.linalg.inv(_covariance(target_cov, "target_cov", d))
    Sr_inv = np.linalg.inv(_covariance(proposal_cov, "proposal_cov", d))
    A = 2.0 * St_inv - Sr_inv
    A = 0.5 * (A + A.T)
    if np.linalg.eigvalsh(A).min() <= 0.0:
        return float("inf")
    h = 2.0 * St_inv @ mt - Sr_inv @ mr
    logdet_St = -np.linalg.slogdet(St_inv)[1]
    logdet_Sr = -np.linalg.slogdet(Sr_inv)[1]
    return float(-logdet_St + 0.5 * logdet_Sr - 0.5 * np.linalg.slogdet(A)[1]
                 + 0.5 * h @ np.linalg.solve(A, h) - mt @ St_inv @ mt + 0.5 * mr @ Sr_inv @ mr)
