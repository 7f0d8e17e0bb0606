"""Variance of the 2d gradient estimators over a (mu, sigma) grid: table and figure.

Per-sample variances (closed form and empirical) of the pathwise, score-function and
leave-one-out score-function estimators of grad_(mu, sigma) E[x^2], and their ratios to the
pathwise variance. `python -m numeric.confirm.reparam_plots` prints the markdown table of
docs/reparam_numeric.md and writes docs/figures/reparam_variance.png.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)
import numpy as np  # noqa: E402

from numeric.mc.gradients import (  # noqa: E402
    DEFAULT_BATCH,
    ESTIMATORS,
    draw_gradients,
    exact_variance,
    samples_per_draw,
)

MUS = (0.0, 0.5, 1.0, 2.0, 4.0)
SIGMAS = (0.25, 0.5, 1.0, 2.0)
N_GRID = 50_000  # draws per estimator and grid point
SEED = 7
FIGURE = Path(__file__).resolve().parents[2] / "docs" / "figures" / "reparam_variance.png"
LABELS = {"pathwise": "pathwise", "score": "score function",
          "score_loo": f"score + LOO baseline (K={DEFAULT_BATCH})"}


def empirical_variance(estimator: str, mu: float, sigma: float, n: int, *,
                       rng: np.random.Generator) -> np.ndarray:
    """Per-sample sample variance (d/dmu, d/dsigma) from n draws (LOO: batch variance times K)."""
    draws = draw_gradients(estimator, mu, sigma, n, rng=rng)
    return draws.var(axis=0, ddof=1) * samples_per_draw(estimator)


def variance_table(mus: tuple[float, ...] = MUS, sigmas: tuple[float, ...] = SIGMAS, *,
                   n: int = N_GRID, seed: int = SEED) -> list[dict]:
    """One row per (mu, sigma): exact and empirical per-sample variances and ratios to pathwise."""
    rows = []
    for i, mu in enumerate(mus):
        for j, sigma in enumerate(sigmas):
            row: dict = {"mu": float(mu), "sigma": float(sigma)}
            for k, est in enumerate(ESTIMATORS):
                rng = np.random.default_rng([seed, i, j, k])
                row[f"{est}_exact"] = exact_variance(est, mu, sigma).tolist()
                row[f"{est}_empirical"] = empirical_variance(est, mu, sigma, n, rng=rng).tolist()
            path = np.array(row["pathwise_exact"])
            for est in ("score", "score_loo"):
                row[f"{est}_ratio"] = (np.array(row[f"{est}_exact"]) / path).tolist()
            rows.append(row)
    return rows


def markdown_table(rows: list[dict]) -> str:
    """The table of docs/reparam_numeric.md: exact (empirical) variances and exact ratios."""
    head = ("| mu | sigma | pathwise d/dmu | pathwise d/dsigma | score d/dmu | score d/dsigma "
            "| LOO d/dmu | LOO d/dsigma | score/pw d/dmu | score/pw d/dsigma | LOO/pw d/dmu "
            "| LOO/pw d/dsigma |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        cells = [f"{r['mu']:g}", f"{r['sigma']:g}"]
        for est in ESTIMATORS:
            for c in range(2):
                cells.append(f"{r[est + '_exact'][c]:.4g} ({r[est + '_empirical'][c]:.4g})")
        for est in ("score", "score_loo"):
            cells += [f"{r[est + '_ratio'][c]:.3g}" for c in range(2)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_variance(rows: list[dict], path: Path = FIGURE) -> Path:
    """Top: variance against mu at sigma = 1 (lines exact, dots empirical). Bottom: the exact
    score/pathwise ratio over the grid, log colour scale."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    fine = np.linspace(min(MUS), max(MUS), 200)
    at_one = [r for r in rows if r["sigma"] == 1.0]
    colours = dict(zip(ESTIMATORS, ("C0", "C3", "C2"), strict=True))
    for c, name in enumerate(("d/dmu", "d/dsigma")):
        ax = axes[0, c]
        for est in ESTIMATORS:
            exact = [exact_variance(est, m, 1.0)[c] for m in fine]
            ax.plot(fine, exact, color=colours[est], label=f"{LABELS[est]} (exact)")
            ax.plot([r["mu"] for r in at_one], [r[f"{est}_empirical"][c] for r in at_one], "o",
                    color=colours[est], label=f"{LABELS[est]} (empirical, n={N_GRID})")
        ax.set_yscale("log")
        ax.set_xlabel("mu  (sigma = 1)")
        ax.set_ylabel(f"per-sample variance of {name}")
        ax.set_title(f"{name} E[x^2]: variance against mu")
        ax.grid(True, which="both", alpha=0.3)
        if c == 0:
            ax.legend(fontsize=7)
        ax = axes[1, c]
        ratio = np.array([[next(r for r in rows if r["mu"] == m and r["sigma"] == s)
                           ["score_ratio"][c] for m in MUS] for s in SIGMAS])
        im = ax.imshow(np.log10(ratio), origin="lower", cmap="viridis", aspect="auto")
        top = np.log10(ratio).max()
        for (a, b), v in np.ndenumerate(ratio):
            ink = "black" if np.log10(v) > 0.75 * top else "white"  # legible on yellow
            ax.text(b, a, f"{v:.3g}", ha="center", va="center", fontsize=8, color=ink)
        ax.set_xticks(range(len(MUS)), [f"{m:g}" for m in MUS])
        ax.set_yticks(range(len(SIGMAS)), [f"{s:g}" for s in SIGMAS])
        ax.set_xlabel("mu")
        ax.set_ylabel("sigma")
        ax.set_title(f"Var(score) / Var(pathwise), {name}")
        fig.colorbar(im, ax=ax, label="log10 ratio")
    fig.suptitle("Gradient estimators of E[x^2], x ~ N(mu, sigma^2): per-sample variance")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> None:
    """Print the variance table and write the figure."""
    rows = variance_table()
    print(markdown_table(rows))
    print(f"wrote {plot_variance(rows)}")


if __name__ == "__main__":  # python -m numeric.confirm.reparam_plots
    main()
