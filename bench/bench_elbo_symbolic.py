"""Time the symbolic proofs of worksheet 2b beside the naive `sympy.integrate` route.

Symbolic route: `derive`'s checks of the 2b derivations, every Gaussian expectation taken by
exact moments (derive.engine.expectation); and, like for like, the naive route's exact task (the
scalar residual, three expectations) done by moments and proved 0 by `check_equal`.
Naive route, as a new user would write it: the scalar linear-Gaussian ELBO gap
log p(x) - L - KL(q || p(z|x)) with each term an `integrate` over the real line against
normal densities, then `simplify`. It runs in a child process capped on CPU time (it may not
finish; the ratio is then a lower bound). Times are CPU seconds (the process's own; the
child's from getrusage) beside wall seconds: on a shared machine wall time depends on load.

    python bench/bench_elbo_symbolic.py [--cap SECONDS]
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import subprocess
import sys
import time

NAIVE = r"""
import json, sys, time
import sympy as sp
z, w, b, x, m = sp.symbols("z w b x m", real=True)
s, v = sp.symbols("s v", positive=True)
def pdf(t, mean, var):
    return sp.exp(-(t - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)
q, prior, lik = pdf(z, m, v), pdf(z, 0, 1), pdf(x, w * z + b, s**2)
post = pdf(z, w * (x - b) / (s**2 + w**2), s**2 / (s**2 + w**2))
log_px = sp.log(pdf(x, b, w**2 + s**2))
start = time.perf_counter()
cpu = time.process_time()
def stage(name):
    print(f"{time.process_time() - cpu:.1f} s CPU: {name}", file=sys.stderr, flush=True)
stage("integrate E_q[log p(x|z)]")
e_lik = sp.integrate(q * sp.log(lik), (z, -sp.oo, sp.oo))
stage("integrate KL(q || p(z))")
kl_prior = sp.integrate(q * sp.log(q / prior), (z, -sp.oo, sp.oo))
stage("integrate KL(q || p(z|x))")
kl_post = sp.integrate(q * sp.log(q / post), (z, -sp.oo, sp.oo))
stage("simplify the residual")
residual = sp.simplify(log_px - (e_lik - kl_prior) - kl_post)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "zero": bool(residual == 0),
                  "residual_ops": int(sp.count_ops(residual)),
                  "has_erf": bool(residual.has(sp.erf, sp.erfc))}))
"""


def moment_route() -> dict[str, float | bool]:
    """The naive route's exact task by moments: unfold the three expectations, prove 0."""
    import sympy as sp

    from derive.engine.assumptions import Assumptions
    from derive.engine.checks import check_equal
    from derive.engine.expectation import Expectation, Normal
    from derive.identities import elbo

    start, cpu = time.perf_counter(), time.process_time()
    c = elbo.scalar_model()
    z, qn = elbo.z, Normal(elbo.m, elbo.v)
    post = Normal(c["mu_post"], c["v_post"])
    log_q = qn.log_pdf(z)
    e_lik = Expectation(c["log_lik"], z, qn)
    kl_prior = Expectation(log_q - c["log_prior"], z, qn)
    kl_post = Expectation(log_q - post.log_pdf(z), z, qn)
    out = check_equal(c["log_px"] - (e_lik - kl_prior) - kl_post, sp.S.Zero, Assumptions())
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "proved": out.proved}


def symbolic_route() -> dict[str, float | int]:
    """Check every 2b derivation; also time the scalar linear-Gaussian ones on their own."""
    from derive.engine.verdict import Verdict
    from derive.identities import elbo

    start, cpu = time.perf_counter(), time.process_time()
    derivations = elbo.elbo_gap()
    results = [d.check() for d in derivations]
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    scalar = [d.check() for d in elbo.scalar_gaussian_gap()]
    scalar_seconds, scalar_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": total, "cpu": total_cpu, "scalar_cpu": scalar_cpu,
            "derivations": len(results),
            "proved": sum(r.verdict is Verdict.PROVED for r in results),
            "scalar_seconds": scalar_seconds,
            "scalar_proved": sum(r.verdict is Verdict.PROVED for r in scalar),
            "scalar_derivations": len(scalar)}


def naive_route(cap: float) -> dict[str, object]:
    """Run the integrate route in a child process limited to `cap` CPU seconds.

    The limit is on CPU time (RLIMIT_CPU, the child gets SIGXCPU), so that a loaded machine
    does not shorten the naive route's chance; a wall-clock limit of 20 x cap is a safety net.
    """
    cap_s = max(1, int(round(cap)))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cap_s, cap_s + 5))

    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)

    def child_cpu() -> float:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    try:
        out = subprocess.run([sys.executable, "-c", NAIVE], capture_output=True, text=True,
                             timeout=20 * cap_s, check=False, preexec_fn=limit)
    except subprocess.TimeoutExpired as exc:  # run() has killed and reaped the child
        return {"finished": False, "seconds": time.perf_counter() - start, "cpu": child_cpu(),
                "stage": _last_stage(exc.stderr)}
    wall = time.perf_counter() - start
    if out.returncode == -signal.SIGXCPU:
        return {"finished": False, "seconds": wall, "cpu": child_cpu(),
                "stage": _last_stage(out.stderr)}
    if out.returncode != 0:
        return {"finished": False, "seconds": wall, "cpu": child_cpu(),
                "error": out.stderr.strip()[-300:]}
    return {"finished": True, "wall_seconds": wall, **json.loads(out.stdout)}


def _last_stage(stderr: str | bytes | None) -> str:
    """The last stage the child reported (it prints one line per stage it starts)."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    lines = [ln for ln in (stderr or "").splitlines() if "s CPU: " in ln]
    return lines[-1] if lines else "before the first stage"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0,
                        help="CPU-time cap for the naive integrate route (s), default 60")
    args = parser.parse_args(argv)
    if args.cap <= 0:
        parser.error("--cap must be positive")
    import derive.identities.elbo  # noqa: F401  (imports are not part of either route's time)

    moments = moment_route()  # first, with SymPy's cache cold, like the child process
    sym = symbolic_route()
    print(f"symbolic, all of 2b: {sym['proved']}/{sym['derivations']} derivations proved "
          f"in {sym['cpu']:.2f} s CPU ({sym['seconds']:.2f} s wall)")
    print(f"symbolic, scalar linear-Gaussian 2b: {sym['scalar_proved']}/"
          f"{sym['scalar_derivations']} proved in {sym['scalar_cpu']:.2f} s CPU "
          f"({sym['scalar_seconds']:.2f} s wall)")
    print(f"moments, the naive route's task (scalar ELBO gap residual = 0): "
          f"{'proved' if moments['proved'] else 'NOT proved'} in {moments['cpu']:.2f} s CPU "
          f"({moments['seconds']:.2f} s wall)")
    naive = naive_route(args.cap)
    if naive["finished"]:
        verdict = "residual simplifies to 0" if naive["zero"] else (
            f"residual NOT reduced to 0 ({naive['residual_ops']} ops"
            f"{', erf/erfc terms left' if naive['has_erf'] else ''})")
        print(f"naive integrate, scalar ELBO gap: {naive['cpu']:.2f} s CPU "
              f"({naive['seconds']:.2f} s wall); {verdict}")
        bound = ""
    else:
        note = f" ({naive['error']})" if "error" in naive else ""
        print(f"naive integrate, scalar ELBO gap: did not finish within the {args.cap:g} s "
              f"CPU cap ({naive['cpu']:.1f} s CPU, {naive['seconds']:.1f} s wall){note}; "
              f"stopped in the stage started at {naive.get('stage', '?')}")
        bound = ">= "
    for label, mine in (("moments, same task", moments["cpu"]),
                        ("scalar 2b proofs", sym["scalar_cpu"]),
                        ("all 2b proofs", sym["cpu"])):
        print(f"ratio naive / {label} (CPU): {bound}{naive['cpu'] / mine:.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
