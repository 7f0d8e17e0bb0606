"""Worksheet 2a-2c: why log p(x) is not maximised directly, the ELBO and its gap, sampling z ~ q.

2b, log p(x) = L + D_KL(q(z|x) || p(z|x)) with L = E_q[log p(x|z)] - D_KL(q(z|x) || p(z)),
hence L <= log p(x), is proved three ways: (1) for abstract densities, as a chain whose every
step the engine checks (normalisation of q, Bayes' rule declared as rewrite rules, adding and
subtracting log q, linearity of the expectation, the definition of KL, Gibbs' inequality);
(2) for a discrete latent z in {1..K} with symbolic probabilities; (3) for the linear-Gaussian
model z ~ N(0, I), x | z ~ N(W z + b, s^2 I), q = N(m, diag v), scalar and with latent
dimension 2 and data dimension 3, with every expectation taken by exact Gaussian moments.
x is fixed throughout: every density below is a function of z for that x.

References:
1. Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, eqs. (1)-(3).
2. Blei, Kucukelbir & McAuliffe, "Variational Inference: A Review for Statisticians", JASA
   2017, eqs. (11)-(13).
3. Bishop, "Pattern Recognition and Machine Learning", 2006, eqs. (2.113)-(2.117), (9.70).
"""

from __future__ import annotations

import sympy as sp

from derive.engine import gaussian
from derive.engine.assumptions import Assumptions, Density, Distribution, Rule
from derive.engine.definitions import KL
from derive.engine.derivation import Derivation, Step
from derive.engine.expectation import DiagNormal, Expectation, Normal
from derive.engine.gaussian import kl_normal, log_density
from derive.engine.lemmas import gibbs
from derive.identities.identity import Identity

# ---------------------------------------------------------------- abstract densities
z = sp.Symbol("z", real=True)
LIM = (z, -sp.oo, sp.oo)
q = sp.Function("q", positive=True)  # q_phi(z | x)
prior = sp.Function("p_z", positive=True)  # p(z)
lik = sp.Function("p_x|z", positive=True)  # p_theta(x | z) as a function of z
post = sp.Function("p_z|x", positive=True)  # p_theta(z | x)
joint = sp.Function("p_xz", positive=True)  # p_theta(x, z)
evidence = sp.Symbol("p_x", positive=True)  # p_theta(x)
_w = sp.Wild("w")

BAYES = Assumptions(
    densities=(Density(q, z), Density(prior, z), Density(post, z)),
    rules=(Rule(post(_w), joint(_w) / evidence, "Bayes' rule: p(z|x) = p(x,z) / p(x)"),
           Rule(joint(_w), lik(_w) * prior(_w), "product rule: p(x,z) = p(x|z) p(z)")),
    notes=("x is fixed; p(x) = integral of p(x|z) p(z) dz > 0",
           "every integral over the real line converges"))


def E(f: sp.Expr) -> Expectation:
    """E_{z ~ q}[f] for the abstract q."""
    return Expectation(f, z, q)


def abstract_elbo() -> sp.Expr:
    """The worksheet's L = E_q[log p(x|z)] - D_KL(q || p(z))."""
    return E(sp.log(lik(z))) - KL(q(z), prior(z), LIM)


def abstract_gap(assumptions: Assumptions = BAYES) -> list[Derivation]:
    """2b for abstract densities: the identity as a checked chain, then the bound by Gibbs."""
    elbo, gap = abstract_elbo(), KL(q(z), post(z), LIM)
    identity = Derivation(
        "log p(x) = L + D_KL(q(z|x) || p(z|x)), L = E_q[log p(x|z)] - D_KL(q(z|x) || p(z))",
        sp.Eq(sp.log(evidence), elbo + gap, evaluate=False), sp.log(evidence),
        [Step("=", E(sp.log(evidence)), "normalisation of q: E_q[c] = c",
              uses=("integral of q(z) dz = 1",)),
         Step("=", E(sp.log(joint(z) / post(z))), "Bayes' rule: p(x) = p(x,z) / p(z|x)",
              uses=("p(z|x) = p(x,z) / p(x)",)),
         Step("=", E(sp.log(lik(z) * prior(z) / post(z))), "product rule",
              uses=("p(x,z) = p(x|z) p(z)",)),
         Step("=", E(sp.log(lik(z)) + sp.log(prior(z) / q(z)) + sp.log(q(z) / post(z))),
              "add and subtract log q(z)", uses=("q(z) > 0",)),
         Step("=", E(sp.log(lik(z))) + E(sp.log(prior(z) / q(z))) + E(sp.log(q(z) / post(z))),
              "linearity of the expectation", uses=("each expectation is finite",)),
         Step("=", E(sp.log(lik(z))) - KL(q(z), prior(z), LIM) + KL(q(z), post(z), LIM),
              "definition of D_KL(q || p) = E_q[log q / p]; log(p/q) = -log(q/p); "
              "this is the worksheet's L plus the gap")],
        assumptions)
    bound = Derivation(
        "L <= log p(x): the gap D_KL(q(z|x) || p(z|x)) is >= 0 (Gibbs, identity 1c)",
        sp.Le(elbo, sp.log(evidence), evaluate=False), elbo,
        [Step("=", sp.log(evidence) - gap, "the identity above (linearity, Bayes' rule, "
              "normalisation of q)"),
         Step("<=", sp.log(evidence), gibbs(q(z), post(z), LIM, offset=sp.log(evidence)),
              uses=("q and p(z|x) are densities", "p(z|x) > 0"))],
        assumptions)
    return [identity, bound]


# ---------------------------------------------------------------- discrete latent
k = sp.Symbol("k", integer=True)
K = sp.Symbol("K", integer=True, positive=True)
KLIM = (k, 1, K)
qd = sp.IndexedBase("q", positive=True)  # q(z = k | x)
pid = sp.IndexedBase("pi", positive=True)  # prior p(z = k)
lk = sp.IndexedBase("l", positive=True)  # p(x | z = k)
DISCRETE = Assumptions(distributions=(Distribution(qd, k, K), Distribution(pid, k, K)),
                       notes=("l_k = p(x | z = k) > 0; p(x) = sum_k l_k pi_k",))


def discrete_parts() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """p(x) = sum_j l_j pi_j, the posterior p(z = k | x), and L."""
    # Same (bound) index name as the outer sums, so that sum_k l_k pi_k / p(x) cancels to 1.
    px = sp.Sum(lk[k] * pid[k], KLIM)
    posterior = lk[k] * pid[k] / px
    elbo = sp.Sum(qd[k] * sp.log(lk[k]), KLIM) - KL(qd[k], pid[k], KLIM)
    return px, posterior, elbo


def discrete_gap() -> list[Derivation]:
    """2b for z in {1..K}: the identity, its residual exactly 0 given sum q = 1, the bound."""
    px, posterior, elbo = discrete_parts()
    gap = KL(qd[k], posterior, KLIM)
    statement = sp.Eq(sp.log(px), elbo + gap, evaluate=False)
    identity = Derivation(
        "discrete z in {1..K}: log p(x) = L + D_KL(q || p(z|x))", statement, sp.log(px),
        [Step("=", sp.Sum(qd[k] * sp.log(px), KLIM), "sum_k q_k = 1", uses=("sum_k q_k = 1",)),
         Step("=", sp.Sum(qd[k] * sp.log(lk[k] * pid[k] / posterior), KLIM),
              "Bayes' rule: p(x) = l_k pi_k / p(z = k | x)"),
         Step("=", sp.Sum(qd[k] * (sp.log(lk[k]) + sp.log(pid[k] / qd[k])
                                   + sp.log(qd[k] / posterior)), KLIM),
              "add and subtract log q_k"),
         Step("=", elbo + gap, "linearity of the sum; definition of D_KL")],
        DISCRETE)
    residual = Derivation(
        "discrete z: the residual log p(x) - L - D_KL(q || p(z|x)) is exactly 0",
        sp.Eq(sp.log(px) - elbo - gap, 0, evaluate=False), sp.log(px) - elbo - gap,
        [Step("=", 0, "expand the logs (all terms positive), linearity, sum_k q_k = 1",
              uses=("sum_k q_k = 1",))],
        DISCRETE)
    bound = Derivation(
        "discrete z: L <= log p(x)", sp.Le(elbo, sp.log(px), evaluate=False), elbo,
        [Step("=", sp.log(px) - gap, "the identity above"),
         Step("<=", sp.log(px), gibbs(qd[k], posterior, KLIM, offset=sp.log(px)),
              uses=("q and p(z|x) are distributions on {1..K}", "p(z = k|x) > 0"))],
        DISCRETE)
    return [identity, residual, bound]


# ---------------------------------------------------------------- linear-Gaussian, scalar
w, b, x, m = sp.symbols("w b x m", real=True)
s, v = sp.symbols("s v", positive=True)


def scalar_model() -> dict[str, sp.Expr]:
    """Closed forms for z ~ N(0, 1), x | z ~ N(w z + b, s^2), q = N(m, v) (Bishop 2.113-2.117)."""
    v_post = s**2 / (s**2 + w**2)
    mu_post = w * (x - b) / (s**2 + w**2)
    log_px = log_density(x, b, w**2 + s**2)
    elbo = (-sp.log(2 * sp.pi * s**2) / 2 - ((x - w * m - b) ** 2 + w**2 * v) / (2 * s**2)
            - (m**2 + v - 1 - sp.log(v)) / 2)
    return {"log_px": log_px, "mu_post": mu_post, "v_post": v_post, "elbo": elbo,
            "gap": kl_normal(m, v, mu_post, v_post),
            "log_lik": log_density(x, w * z + b, s**2), "log_prior": log_density(z, 0, 1)}


def scalar_gaussian_gap() -> list[Derivation]:
    """2b in the scalar linear-Gaussian model, every expectation by exact moments."""
    c = scalar_model()
    qn, pn = Normal(m, v), Normal(c["mu_post"], c["v_post"])
    log_q, log_post = qn.log_pdf(z), pn.log_pdf(z)
    bayes = Derivation(
        "linear-Gaussian: p(x|z) p(z) = p(x) p(z|x) with p(x) = N(b, w^2 + s^2), "
        "p(z|x) = N(w (x - b) / (s^2 + w^2), s^2 / (s^2 + w^2))",
        sp.Eq(c["log_lik"] + c["log_prior"], c["log_px"] + log_post, evaluate=False),
        c["log_lik"] + c["log_prior"],
        [Step("=", c["log_px"] + log_post, "complete the square in z")])
    elbo_def = Expectation(c["log_lik"], z, qn) - Expectation(log_q - c["log_prior"], z, qn)
    elbo = Derivation(
        "linear-Gaussian: L = E_q[log p(x|z)] - D_KL(q || p(z)) in closed form",
        sp.Eq(elbo_def, c["elbo"], evaluate=False), elbo_def,
        [Step("=", c["elbo"], "Gaussian moments: E_q z = m, E_q z^2 = m^2 + v; "
              "D_KL(N(m, v) || N(0, 1)) = (m^2 + v - 1 - log v) / 2")])
    gap_def = Expectation(log_q - log_post, z, qn)
    gap = Derivation(
        "linear-Gaussian: D_KL(q || p(z|x)) in closed form",
        sp.Eq(gap_def, c["gap"], evaluate=False), gap_def,
        [Step("=", c["gap"], "Gaussian moments (the scalar KL between normals)")])
    identity = Derivation(
        "linear-Gaussian: log p(x) = L + D_KL(q || p(z|x)) in closed form",
        sp.Eq(c["log_px"], c["elbo"] + c["gap"], evaluate=False), c["log_px"],
        [Step("=", Expectation(c["log_px"], z, qn), "normalisation of q: E_q[c] = c"),
         Step("=", Expectation(c["log_lik"] + c["log_prior"] - log_post, z, qn),
              "Bayes' rule (the first derivation)"),
         Step("=", Expectation(c["log_lik"], z, qn) - Expectation(log_q - c["log_prior"], z, qn)
              + Expectation(log_q - log_post, z, qn), "add and subtract log q; linearity"),
         Step("=", c["elbo"] + c["gap"], "the closed forms of L and the gap (moments)")])
    residual = Derivation(
        "linear-Gaussian: log p(x) - L - D_KL(q || p(z|x)) is exactly 0",
        sp.Eq(c["log_px"] - c["elbo"] - c["gap"], 0, evaluate=False),
        c["log_px"] - c["elbo"] - c["gap"],
        [Step("=", 0, "expand the logs (s, v, s^2 + w^2 > 0) and simplify")])
    bound = Derivation(
        "linear-Gaussian: L <= log p(x)", sp.Le(c["elbo"], c["log_px"], evaluate=False),
        c["elbo"],
        [Step("=", c["log_px"] - gap_def, "the identity above"),
         Step("<=", c["log_px"], gibbs(qn, pn, z, offset=c["log_px"]),
              uses=("v > 0", "s^2 / (s^2 + w^2) > 0"))])
    return [bayes, elbo, gap, identity, residual, bound]



# ---------------------------------------------------------------- linear-Gaussian, d = 2, D = 3
MV_D, MV_d = 3, 2
W = sp.Matrix(MV_D, MV_d, lambda i, jj: sp.Symbol(f"w{i + 1}{jj + 1}", real=True))
bv = sp.Matrix([sp.Symbol(f"b{i + 1}", real=True) for i in range(MV_D)])
xv = sp.Matrix([sp.Symbol(f"x{i + 1}", real=True) for i in range(MV_D)])
zs = sp.symbols("z1 z2", real=True)
ms = sp.symbols("m1 m2", real=True)
vs = sp.symbols("v1 v2", positive=True)
# The data enter the likelihood only through these statistics of r = x - b and W.
rho = sp.Symbol("rho", nonnegative=True)  # |x - b|^2
us = sp.symbols("u1 u2", real=True)  # u = W^T (x - b)
g11, g22 = sp.symbols("g11 g22", nonnegative=True)  # Gram matrix W^T W
g12 = sp.Symbol("g12", real=True)


def statistics_rules() -> tuple[Rule, ...]:
    """rho = |x - b|^2, u = W^T (x - b), Gamma = W^T W: their definitions as rewrite rules."""
    r = xv - bv
    gram, u = W.T * W, W.T * r
    return (Rule(rho, (r.T * r)[0], "rho = |x - b|^2"),
            Rule(us[0], u[0], "u = W^T (x - b)"), Rule(us[1], u[1], "u = W^T (x - b)"),
            Rule(g11, gram[0, 0], "Gamma = W^T W"), Rule(g12, gram[0, 1], "Gamma = W^T W"),
            Rule(g22, gram[1, 1], "Gamma = W^T W"))


def multivariate_model() -> dict[str, sp.Expr]:
    """Closed forms with G = s^2 I + W^T W, P = det G, posterior N(adj(G) u / P, s^2 G^-1)."""
    z, m, u = sp.Matrix(zs), sp.Matrix(ms), sp.Matrix(us)
    gam = sp.Matrix([[g11, g12], [g12, g22]])
    G = s**2 * sp.eye(MV_d) + gam
    P, adj = G.det(), G.adjugate()
    uau = (u.T * adj * u)[0] / P  # u^T G^-1 u, which is mu^T G mu for mu = G^-1 u
    d, D = MV_d, MV_D
    log_lik = -D * sp.log(2 * sp.pi * s**2) / 2 - (rho - 2 * (u.T * z)[0]
                                                    + (z.T * gam * z)[0]) / (2 * s**2)
    log_prior = sp.Add(*[log_density(zi, 0, 1) for zi in zs])
    # log N(z; mu, s^2 G^-1), with (z - mu)^T G (z - mu) = z^T G z - 2 u^T z + u^T G^-1 u.
    log_post = (-d * sp.log(2 * sp.pi) / 2 + sp.log(P) / 2 - d * sp.log(s)
                - ((z.T * G * z)[0] - 2 * (u.T * z)[0] + uau) / (2 * s**2))
    # log N(x; b, C), C = W W^T + s^2 I: det C = s^(2(D-d)) P and r^T C^-1 r = (rho - uau) / s^2.
    log_px = (-D * sp.log(2 * sp.pi) / 2 - (D - d) * sp.log(s) - sp.log(P) / 2
              - (rho - uau) / (2 * s**2))
    trace_v = (gam * sp.diag(*vs)).trace()
    elbo = (-D * sp.log(2 * sp.pi * s**2) / 2
            - (rho - 2 * (u.T * m)[0] + (m.T * gam * m)[0] + trace_v) / (2 * s**2)
            - sp.Add(*[(mi**2 + vi - 1 - sp.log(vi)) / 2 for mi, vi in zip(ms, vs, strict=True)]))
    gap = ((((G * sp.diag(*vs)).trace() + (m.T * G * m)[0] - 2 * (u.T * m)[0] + uau) / s**2
            - d - sp.Add(*[sp.log(vi) for vi in vs]) - sp.log(P) + 2 * d * sp.log(s)) / 2)
    return {"log_lik": log_lik, "log_prior": log_prior, "log_post": log_post, "log_px": log_px,
            "elbo": elbo, "gap": gap, "G": G, "P": P, "adj": adj, "mean": adj * u / P}


def multivariate_gaussian_gap() -> list[Derivation]:
    """2b with latent dimension 2 and data dimension 3, W, b, x, m, v, s all symbolic."""
    c = multivariate_model()
    z, u = sp.Matrix(zs), sp.Matrix(us)
    qd = DiagNormal(ms, vs)
    log_q = qd.log_pdf(zs)
    G, P, adj = c["G"], c["P"], c["adj"]
    gram_G = s**2 * sp.eye(MV_d) + W.T * W
    C = W * W.T + s**2 * sp.eye(MV_D)
    true_lik = sp.Add(*[log_density(xv[i], (W * z + bv)[i], s**2) for i in range(MV_D)])
    stats = Derivation(
        "d = 2, D = 3: log p(x|z) depends on x, b, W through rho = |x - b|^2, "
        "u = W^T (x - b), Gamma = W^T W",
        sp.Eq(true_lik, c["log_lik"], evaluate=False), true_lik,
        [Step("=", c["log_lik"], "|x - b - W z|^2 = rho - 2 u^T z + z^T Gamma z",
              uses=("definitions of rho, u, Gamma",))],
        Assumptions(rules=statistics_rules()))
    a = sp.Matrix(MV_D, MV_D, lambda i, jj: sp.Symbol(f"a{i + 1}{jj + 1}", real=True))
    Pw, adjw = gram_G.det(), gram_G.adjugate()
    wood = C * (Pw * sp.eye(MV_D) - W * adjw * W.T) - s**2 * Pw * sp.eye(MV_D)
    weighted = sp.Add(*[a[i, jj] * wood[i, jj] for i in range(MV_D) for jj in range(MV_D)])
    marginal = Derivation(
        "d = 2, D = 3: p(x) = N(b, W W^T + s^2 I): det C = s^2 det(s^2 I + W^T W) and "
        "C^-1 = (I - W adj(G) W^T / det G) / s^2 (Woodbury), checked entrywise "
        "(weights a_ij)",
        sp.Eq(C.det() + weighted, s**2 * Pw, evaluate=False), C.det() + weighted,
        [Step("=", s**2 * Pw, "matrix determinant lemma; C (det G I - W adj(G) W^T) = "
              "s^2 det G I, polynomial identities")])
    mean = adj * u / P
    # The closed forms divide by det G and take its log: G = s^2 I + W^T W is positive
    # definite, a hypothesis here because Gamma's entries are symbols (Cauchy-Schwarz).
    det_g = Assumptions(facts=(sp.Gt(P, 0),),
                        notes=("det G > 0: G = s^2 I + W^T W is positive definite",))
    square = Derivation(
        "d = 2, D = 3: posterior p(z|x) = N(mu, s^2 G^-1), G = s^2 I + Gamma, "
        "mu = adj(G) u / det G (completing the square)",
        sp.Eq(((z - mean).T * G * (z - mean))[0],
              (z.T * G * z)[0] - 2 * (u.T * z)[0] + (u.T * adj * u)[0] / P, evaluate=False),
        ((z - mean).T * G * (z - mean))[0],
        [Step("=", (z.T * G * z)[0] - 2 * (u.T * z)[0] + (u.T * adj * u)[0] / P,
              "G adj(G) = det(G) I")], det_g)
    bayes = Derivation(
        "d = 2, D = 3: log p(x|z) + log p(z) = log p(x) + log p(z|x) for every z",
        sp.Eq(c["log_lik"] + c["log_prior"], c["log_px"] + c["log_post"], evaluate=False),
        c["log_lik"] + c["log_prior"],
        [Step("=", c["log_px"] + c["log_post"], "Bayes' rule with the closed forms above")],
        det_g)
    elbo_def = Expectation(c["log_lik"], zs, qd) - Expectation(log_q - c["log_prior"], zs, qd)
    gap_def = Expectation(log_q - c["log_post"], zs, qd)
    identity = Derivation(
        "d = 2, D = 3: log p(x) = L + D_KL(q || p(z|x)), closed forms, residual exactly 0",
        sp.Eq(c["log_px"] - c["elbo"] - c["gap"], 0, evaluate=False), c["log_px"],
        [Step("=", Expectation(c["log_lik"] + c["log_prior"] - c["log_post"], zs, qd),
              "normalisation of q; Bayes' rule"),
         Step("=", elbo_def + gap_def, "add and subtract log q; linearity"),
         Step("=", c["elbo"] + c["gap"],
              "Gaussian moments under q = N(m, diag v): E z_i = m_i, E z_i^2 = m_i^2 + v_i, "
              "E z_1 z_2 = m_1 m_2")], det_g)
    return [stats, marginal, square, bayes, identity]


# ---------------------------------------------------------------- 2a
theta = sp.Symbol("theta", real=True)


def marginal_gradient() -> list[Derivation]:
    """2a: the gradient of log p(x) is a posterior expectation (Fisher's identity)."""
    pj = sp.Function("p_xz", positive=True)
    px = sp.Integral(pj(z, theta), LIM)
    posterior = sp.Function("p_z|x", positive=True)
    a = Assumptions(densities=(Density(posterior, z),),
                    rules=(Rule(posterior(_w), pj(_w, theta) / px,
                                "p(z|x) = p(x,z) / integral p(x,z) dz"),),
                    notes=("differentiation under the integral sign is allowed",))
    # d/dtheta log p(x,z) = (d/dtheta p(x,z)) / p(x,z): SymPy evaluates it to that quotient.
    d_log = sp.diff(sp.log(pj(z, theta)), theta)
    fisher = Derivation(
        "d/dtheta log integral p(x,z) dz = E_{p(z|x)}[d/dtheta log p(x,z)] (Fisher's identity)",
        sp.Eq(sp.diff(sp.log(px), theta), Expectation(d_log, z, posterior), evaluate=False),
        sp.diff(sp.log(px), theta),  # SymPy applies the chain rule and Leibniz's rule here
        [Step("=", sp.Integral(pj(z, theta) / px * d_log, LIM),
              "d log f = df / f; 1 / p(x) is constant in z"),
         Step("=", Expectation(d_log, z, posterior), "Bayes' rule: p(z|x) = p(x,z) / p(x)")],
        a)
    c = scalar_model()
    pn = Normal(c["mu_post"], c["v_post"])
    out = [fisher]
    for par in (w, b):
        lhs = sp.diff(c["log_px"], par)
        rhs = Expectation(sp.diff(c["log_lik"] + c["log_prior"], par), z, pn)
        out.append(Derivation(
            f"linear-Gaussian: d log p(x) / d{par} = E_(p(z|x))[d log p(x, z) / d{par}]",
            sp.Eq(lhs, rhs, evaluate=False), lhs,
            [Step("=", rhs, "Gaussian moments under the exact posterior")]))
    return out


# ---------------------------------------------------------------- 2c
def sampling_distribution() -> list[Derivation]:
    """2c: L is an expectation under q; the same average under p(z) is another quantity."""
    elbo = abstract_elbo()
    ratio = sp.log(joint(z)) - sp.log(q(z))
    under_q = Derivation(
        "L = E_{z~q}[log p(x,z) - log q(z)]: the bound is an expectation under q",
        sp.Eq(E(ratio), elbo, evaluate=False), E(ratio),
        [Step("=", E(sp.log(lik(z)) + sp.log(prior(z)) - sp.log(q(z))), "product rule",
              uses=("p(x,z) = p(x|z) p(z)",)),
         Step("=", E(sp.log(lik(z))) - E(sp.log(q(z) / prior(z))), "linearity"),
         Step("=", elbo, "definition of D_KL(q || p(z))")],
        BAYES)
    under_p = Derivation(
        "E_{z~p(z)}[log p(x,z) - log q(z)] = E_{p(z)}[log p(x|z)] + D_KL(p(z) || q): "
        "another quantity",
        sp.Eq(Expectation(ratio, z, prior),
              Expectation(sp.log(lik(z)), z, prior) + KL(prior(z), q(z), LIM), evaluate=False),
        Expectation(ratio, z, prior),
        [Step("=", Expectation(sp.log(lik(z)) + sp.log(prior(z)) - sp.log(q(z)), z, prior),
              "product rule", uses=("p(x,z) = p(x|z) p(z)",)),
         Step("=", Expectation(sp.log(lik(z)), z, prior) + KL(prior(z), q(z), LIM),
              "linearity; definition of D_KL(p(z) || q)")],
        BAYES)
    c = scalar_model()
    qn, pn = Normal(m, v), Normal(0, 1)
    f = c["log_lik"] + c["log_prior"] - qn.log_pdf(z)
    prior_avg = (-sp.log(2 * sp.pi * s**2) / 2 - ((x - b) ** 2 + w**2) / (2 * s**2)
                 + kl_normal(0, 1, m, v))
    closed = Derivation(
        "linear-Gaussian: E_{z~N(0,1)}[log p(x,z) - log q(z)] in closed form",
        sp.Eq(Expectation(f, z, pn), prior_avg, evaluate=False), Expectation(f, z, pn),
        [Step("=", prior_avg, "Gaussian moments under p(z) = N(0, 1)")])
    point = {w: 1, b: 0, s: 1, x: 0, m: 0, v: sp.Rational(1, 4)}
    at = Derivation(
        "linear-Gaussian, w = s = 1, b = x = m = 0, v = 1/4: the prior average exceeds log p(x) "
        ">= L, so it is not the bound (nor a bound)",
        sp.Gt(prior_avg.subs(point), c["log_px"].subs(point), evaluate=False),
        prior_avg.subs(point),
        [Step("=", 1 - sp.log(2 * sp.pi) / 2 - sp.log(2),
              "evaluate: -(1/2) log 2 pi - 1/2 + (1/2)(log(1/4) + 4 - 1)"),
         Step(">", c["log_px"].subs(point), "sign of a closed-form number: "
              "1 - log 2 + (1/2) log 2 > 0")])
    return [under_q, under_p, closed, at]


def elbo_gap() -> list[Derivation]:
    """All of 2b: abstract, discrete, Gaussian (scalar, d = 2 / D = 3), the Gaussian KLs."""
    return (abstract_gap() + discrete_gap() + scalar_gaussian_gap()
            + multivariate_gaussian_gap() + gaussian.derivations())


IDENTITIES = [
    Identity("2a", "elbo-intractable", "2a",
             "log p(x) = log integral p(x|z) p(z) dz cannot be maximised directly",
             marginal_gradient, confirmations=("numeric.confirm.elbo:confirm_2a",),
             plots=("docs/figures/elbo_naive_growth.png",),
             summary="With a neural decoder p(x|z) the integral over z has no closed form, and "
                     "its gradient, the gradient of the log of an integral, is an expectation "
                     "under the intractable posterior p(z|x) (Fisher's identity, proved); "
                     "naive Monte Carlo under p(z) is biased low and needs a sample size that "
                     "grows fast with the dimensions (numeric)"),
    Identity("2b", "elbo-gap", "2b",
             "log p(x) = L + D_KL(q(z|x) || p(z|x)), hence L <= log p(x)", elbo_gap,
             confirmations=("numeric.confirm.elbo:confirm_2b",),
             summary="proved for abstract densities (checked chain, Gibbs), a discrete latent "
                     "and the linear-Gaussian model (scalar; d = 2, D = 3) by exact moments"),
    Identity("2c", "elbo-sampling", "2c", "z is sampled from q(z|x), not from the prior",
             sampling_distribution, confirmations=("numeric.confirm.elbo:confirm_2c",),
             summary="L = E_q[log p(x,z) - log q(z)], so its Monte Carlo estimator draws z ~ q; "
                     "the same average under p(z) is E_p[log p(x|z)] + D_KL(p(z) || q), "
                     "another quantity"),
]
