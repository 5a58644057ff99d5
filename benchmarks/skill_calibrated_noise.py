"""What issue 11 §3's calibration checks give a forecaster that is calibrated.

§3 asks, of the trilateral series and of every series pooled, at 6 and 12
months, an expected calibration error of at most 0.10 and no reliability bin
with 20+ forecasts outside its 90% band.  Both are noisy: the ECE of a
perfectly calibrated forecaster is above 0 (its bins hold few forecasts), and
a 90% band misses one bin in ten.  This script measures that noise on the
forecasts themselves, by consistency resampling (Bröcker & Smith 2007):
outcomes are drawn so that the forecasts are calibrated for them, and the
checks are run on the draws.  Nothing is fitted and nothing is tuned.

Three ways to draw the outcomes, each keeping every forecast calibrated
(P(y* = 1) = p exactly):

* ``independent``: y* ~ Bernoulli(p), each forecast on its own, as
  ``skill_reliability.py`` does.  The windows of h months from successive
  origins overlap for h − 1 months, so real outcomes are far from
  independent; this is the noise of a record with many more windows.
* ``overlapping``: each series gets one standard-normal shock per month, e_m;
  the window of origin t and horizon h gets the latent
  z = (e_{t+1} + … + e_{t+h}) / √h, and y* = 1[Φ(z) < p].  Φ(z) is uniform,
  so y* is Bernoulli(p), and two windows of the same horizon k origins apart
  have latents correlated (h − k) / h, the share of months they share.  The
  6- and 12-month windows of a series are drawn from the same shocks, and
  the trilateral series is the same draw alone and in the pool, as in the
  real record.  A Gaussian copula is one choice of dependence among many; it
  is used because its correlation is the windows' overlap and nothing else.
* ``linked``: the overlapping draws with the series' monthly shocks
  correlated with each other, corr(e_{s,m}, e_{r,m}) = ρ_sr in the same
  month (none across months), so that two series' windows of the same
  origin and horizon have latents correlated ρ_sr.  The pool's series are
  not independent (ASEAN Plus Three and the East Asia Summit meet at the
  same ASEAN summit; the trilateral foreign ministers prepare the
  trilateral summit), and the pool's noise grows with their dependence.
  ρ_sr is an estimate from the record: for each pair of series, the
  maximum-likelihood correlation of the copula given the forecasts, on the
  windows of both series with the same origin and horizon (P(y_s = 1, y_r =
  1) = Φ₂(Φ⁻¹(p_s), Φ⁻¹(p_r); ρ), a composite likelihood over the pairs of
  windows); the matrix is then projected to the nearest correlation matrix
  with positive eigenvalues.  Miscalibration shared by two series in the
  same months (a bias of both in one era) is read as dependence here, so
  this scheme is the generous one for the forecaster: it widens the noise.

For each check the script prints the ECE of the real outcomes, the
distribution of the calibrated ECE (mean, 5%, 50%, 95%), the share of draws
at or below 0.10 and the share at or above the real ECE; then the bins
outside; then how often all four ECE checks, all four bin checks and all
eight hold together in one draw.  Writes
``benchmarks/results/<forecasts stem>_calibrated_noise.txt``.

    python benchmarks/skill_calibrated_noise.py benchmarks/results/skill_recalibration4_forecasts.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import ndtr, ndtri, owens_t

sys.path.insert(0, str(Path(__file__).resolve().parent))  # this folder's sibling scripts
from skill_reliability import check, rows_per_origin  # noqa: E402  (the per-bin check)
from summitcast.evaluate._record import month_ordinals  # noqa: E402

ECE_TARGET = 0.10
HORIZONS = (6, 12)
SEED = 20240526
DRAWS = 2000


class OverlappingDraws:
    """y* = 1[Φ(z) < p], z the scaled sum of a series' monthly shocks over the window (the series'
    shocks independent of each other)."""

    def __init__(self, frame: pd.DataFrame):
        self.series_codes, self.series_names = pd.factorize(frame["series"])
        self.month = month_ordinals(frame["origin"])
        self.first = self.month.min()
        self.months = self.month.max() - self.first + max(HORIZONS) + 1
        self.horizon = frame["horizon"].to_numpy()
        self.p = frame["forecast"].to_numpy()

    def shocks(self, rng: np.random.Generator) -> np.ndarray:
        """One standard-normal shock per series (rows) and month (columns)."""
        return rng.standard_normal((len(self.series_names), self.months))

    def latent(self, rng: np.random.Generator) -> np.ndarray:
        shocks = self.shocks(rng)
        cumulative = np.concatenate([np.zeros((len(self.series_names), 1)), np.cumsum(shocks, axis=1)], axis=1)
        start = self.month - self.first + 1  # the window holds months origin + 1 … origin + h
        total = cumulative[self.series_codes, start + self.horizon] - cumulative[self.series_codes, start]
        return total / np.sqrt(self.horizon)

    def __call__(self, rng: np.random.Generator) -> np.ndarray:
        return (ndtr(self.latent(rng)) < self.p).astype(float)


class LinkedDraws(OverlappingDraws):
    """The overlapping draws with the series' shocks of one month correlated by ``correlation``
    (a DataFrame indexed and labelled by series): e_m = L u_m, L Lᵀ = the correlation matrix."""

    def __init__(self, frame: pd.DataFrame, correlation: pd.DataFrame):
        super().__init__(frame)
        names = list(self.series_names)
        self.factor = np.linalg.cholesky(correlation.loc[names, names].to_numpy())

    def shocks(self, rng: np.random.Generator) -> np.ndarray:
        return self.factor @ super().shocks(rng)


def bivariate_normal_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """P(X ≤ h, Y ≤ k) for standard normals of correlation rho, by Owen's T function:
    Φ₂ = ½(Φ(h) + Φ(k)) − T(h, (k − ρh)/(h√(1 − ρ²))) − T(k, (h − ρk)/(k√(1 − ρ²))) − ½[hk < 0]
    (h, k ≠ 0: a forecast of exactly ½ is moved off 0 by 1e-12 first)."""
    h = np.where(h == 0, 1e-12, h)
    k = np.where(k == 0, 1e-12, k)
    root = np.sqrt(1.0 - rho * rho)
    return (0.5 * (ndtr(h) + ndtr(k)) - owens_t(h, (k - rho * h) / (h * root))
            - owens_t(k, (h - rho * k) / (k * root)) - 0.5 * (h * k < 0))


def pair_correlation(p_s: np.ndarray, p_r: np.ndarray, y_s: np.ndarray, y_r: np.ndarray) -> float:
    """The maximum-likelihood copula correlation of two series' windows (y = 1 iff z < Φ⁻¹(p))."""
    h, k = ndtri(p_s), ndtri(p_r)

    def negative_log_likelihood(rho: float) -> float:
        both = np.clip(bivariate_normal_cdf(h, k, rho), 1e-300, None)
        prob = np.where(y_s == 1, np.where(y_r == 1, both, p_s - both),
                        np.where(y_r == 1, p_r - both, 1.0 - p_s - p_r + both))
        return -float(np.log(np.clip(prob, 1e-300, None)).sum())

    return float(minimize_scalar(negative_log_likelihood, bounds=(-0.99, 0.99), method="bounded",
                                 options={"xatol": 1e-6}).x)


def cross_series_correlation(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each pair's estimated correlation (before projection) and the nearest correlation matrix
    with eigenvalues ≥ 1e-3 (eigenvalues clipped, then rescaled to a unit diagonal)."""
    names = sorted(frame["series"].unique())
    wide = frame.pivot_table(index=["origin", "horizon"], columns="series", values=["forecast", "outcome"])
    raw = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for i, s in enumerate(names):
        for r in names[i + 1:]:
            both = wide[[("forecast", s), ("forecast", r), ("outcome", s), ("outcome", r)]].dropna()
            rho = pair_correlation(*(both.iloc[:, j].to_numpy() for j in range(4)))
            raw.loc[s, r] = raw.loc[r, s] = rho
    values, vectors = np.linalg.eigh(raw.to_numpy())
    clipped = vectors @ np.diag(np.maximum(values, 1e-3)) @ vectors.T
    scale = 1.0 / np.sqrt(np.diag(clipped))
    return raw, pd.DataFrame(clipped * np.outer(scale, scale), index=names, columns=names)


def independent_draws(frame: pd.DataFrame):
    p = frame["forecast"].to_numpy()
    return lambda rng: (rng.random(p.size) < p).astype(float)


def cells(frame: pd.DataFrame) -> list:
    """The four checks of §3: (name, horizon, rows of the frame, rows per origin)."""
    found = []
    for name, subset in [("trilateral", frame["series"] == "trilateral"), ("pooled", np.ones(len(frame), bool))]:
        for h in HORIZONS:
            rows = np.flatnonzero(subset & (frame["horizon"] == h).to_numpy())
            found.append((f"{name}, {h} months", h, rows, rows_per_origin(frame.iloc[rows])))
    return found


def run_checks(frame: pd.DataFrame, checks: list, outcome: np.ndarray):
    """ECE and bins outside of each of the four checks for one set of outcomes."""
    from summitcast.evaluate import ece

    drawn = frame.assign(outcome=outcome)
    result = {}
    for name, h, rows, per_origin in checks:
        at = drawn.iloc[rows]
        result[name] = (ece(at["forecast"].to_numpy(), at["outcome"].to_numpy()), check(at, h, per_origin)[2])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forecasts", type=Path)
    parser.add_argument("--model", default="recalibrated", help="the model checked (default: the forecaster as it ships)")
    parser.add_argument("--draws", type=int, default=DRAWS)
    args = parser.parse_args()
    data = pd.read_csv(args.forecasts, parse_dates=["origin"])
    frame = data[(data["model"] == args.model) & data["outcome"].notna() & data["horizon"].isin(HORIZONS)]
    frame = frame.sort_values(["origin", "series", "horizon"], kind="stable").reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"forecasts: no scored forecasts of model {args.model!r} in {args.forecasts}")
    checks = cells(frame)
    real = run_checks(frame, checks, frame["outcome"].to_numpy())
    names = list(real)
    lines = [f"calibrated noise of issue 11 §3's checks on {args.model} in {args.forecasts.name} "
             f"(benchmarks/skill_calibrated_noise.py): {args.draws} consistency draws per scheme, seed {SEED}; "
             f"ECE over ten equal-width bins; bins outside as skill_reliability.py counts them", "",
             "real outcomes: " + "; ".join(f"{n}: ECE {e:.3f}, {b} bins outside" for n, (e, b) in real.items()), ""]
    overlapping = OverlappingDraws(frame)
    raw, correlation = cross_series_correlation(frame)
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        lines += ["the linked scheme's correlation of the series' monthly shocks, estimated pair by pair from "
                  "the real outcomes given the forecasts (an estimate, not a measurement; upper triangle as "
                  "estimated, lower as projected to a correlation matrix):",
                  pd.DataFrame(np.triu(raw.to_numpy()) + np.tril(correlation.to_numpy(), -1),
                               index=raw.index, columns=raw.columns).to_string(), ""]
    schemes = [("independent", independent_draws(frame)), ("overlapping", overlapping),
               ("linked", LinkedDraws(frame, correlation))]
    for scheme, draw in schemes:
        rng = np.random.default_rng(SEED)
        eces = np.empty((args.draws, len(names)))
        outside = np.empty((args.draws, len(names)), dtype=int)
        drawn_mean = np.zeros(len(frame))
        for i in range(args.draws):
            outcome = draw(rng)
            drawn_mean += outcome / args.draws
            result = run_checks(frame, checks, outcome)
            eces[i] = [result[n][0] for n in names]
            outside[i] = [result[n][1] for n in names]
        lines.append(f"{scheme} draws (check: mean drawn outcome {drawn_mean.mean():.4f} against mean forecast "
                     f"{frame['forecast'].mean():.4f}):")
        rows = []
        for j, n in enumerate(names):
            e = eces[:, j]
            rows.append({"check": n, "real ECE": real[n][0], "mean": e.mean(), "5%": np.quantile(e, 0.05),
                         "50%": np.quantile(e, 0.5), "95%": np.quantile(e, 0.95),
                         f"share <= {ECE_TARGET}": (e <= ECE_TARGET).mean(), "share >= real": (e >= real[n][0]).mean(),
                         "real bins out": real[n][1], "mean bins out": outside[:, j].mean(),
                         "share none out": (outside[:, j] == 0).mean(),
                         "share >= real out": (outside[:, j] >= real[n][1]).mean()})
        with pd.option_context("display.width", 250, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
            lines.append(pd.DataFrame(rows).to_string(index=False))
        ece_all = (eces <= ECE_TARGET).all(axis=1)
        bins_all = (outside == 0).all(axis=1)
        lines += [f"all four ECE <= {ECE_TARGET} in {ece_all.mean():.1%} of the draws; no bin outside in all four "
                  f"in {bins_all.mean():.1%}; all eight conditions together in {(ece_all & bins_all).mean():.1%}", ""]
    if args.draws >= 100:  # the copula's overlap, measured on its own latents
        rng = np.random.default_rng(SEED + 1)
        latents = np.stack([overlapping.latent(rng) for _ in range(args.draws)])
        tri = frame.index[(frame["series"] == "trilateral") & (frame["horizon"] == 12)].to_numpy()
        lag1 = np.corrcoef(latents[:, tri[0]], latents[:, tri[1]])[0, 1]
        lines.append(f"check of the overlapping scheme: correlation of the latents of the trilateral's first two "
                     f"12-month windows {lag1:.3f} (the windows share 11 of 12 months: {11 / 12:.3f})")
        linked = schemes[-1][1]
        pair = [("china_japan_visits", "japan_korea_visits"), ("asean_plus_three", "east_asia_summit")]
        for s, r in pair:
            at = [frame.index[(frame["series"] == name) & (frame["horizon"] == 12)
                              & (frame["origin"] == frame["origin"].iloc[0])].to_numpy() for name in (s, r)]
            if all(a.size for a in at):
                drawn = np.stack([linked.latent(rng)[[at[0][0], at[1][0]]] for _ in range(args.draws)])
                lines.append(f"check of the linked scheme: correlation of {s}'s and {r}'s first 12-month latents "
                             f"{np.corrcoef(drawn.T)[0, 1]:.3f} (the projected matrix: {correlation.loc[s, r]:.3f})")
        from scipy.stats import multivariate_normal
        points = [(-1.3, 0.4, 0.6), (0.8, 1.9, -0.5), (-2.0, -0.7, 0.95)]
        error = max(abs(bivariate_normal_cdf(np.array([h]), np.array([k]), rho)[0]
                        - multivariate_normal(cov=[[1.0, rho], [rho, 1.0]]).cdf([h, k])) for h, k, rho in points)
        lines.append(f"check of the bivariate normal distribution function by Owen's T against SciPy's "
                     f"multivariate_normal at three points: largest difference {error:.1e}")
    out = args.forecasts.with_name(args.forecasts.name.replace("_forecasts.csv", "").replace(".gz", "")
                                   + "_calibrated_noise.txt")
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
