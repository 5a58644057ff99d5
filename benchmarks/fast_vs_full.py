"""Fast mode (Laplace + adaptive PSIS) against full mode (NUTS) on a monthly replay.

At every origin (default monthly 2015-01 to the data's as-of, the last one
being the bundled data's own forecast) the trilateral forecaster is fitted
both ways with the same seed on the vintage of that month, and P(held
within 6, 12, 24 months) compared.  Target (issue 10): |fast − full| at
most 0.03 in median and 0.06 at worst.  Also reports the Pareto k̂ of every
fast-mode model, the importance rounds used and the time of each mode.
Writes ``benchmarks/results/fast_vs_full.txt`` and ``fast_vs_full.csv``
(``--name`` another stem, e.g. for a subset of origins).

``--reuse-full CSV`` takes the full-mode columns from an earlier run's CSV
(same seed and origins) instead of refitting: valid only while the model
and full mode are unchanged; ``--resume CSV`` keeps whole rows of an earlier
pass of the same code (an interrupted run) and fits only the other origins.
Either is said in the results.

    python benchmarks/fast_vs_full.py [--from 2015-01] [--to YYYY-MM] [--every 1] [--reuse-full CSV]
                                      [--resume CSV] [--name STEM]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
HORIZONS = (6, 12, 24)


def _fit(sc, data, origin, mode: str, seed: int) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = sc.SummitForecaster(mode=mode).fit(data, as_of=origin, seed=seed)
    f = fc.forecast(max(HORIZONS), drivers=False)
    row = {f"{mode}_{h}": f.p_held(h) for h in HORIZONS}
    if mode == "fast":
        for name, fm in fc.models.all.items():
            row[f"khat_{name}"] = fm.diagnostics["khat"]
        row["rounds_summit"] = len(fc.models.summit.posterior.info["khats"])
        row["khat_summit_round0"] = fc.models.summit.posterior.info["khats"][0]
    else:
        row["max_rhat"] = max(fm.diagnostics["max_r_hat"] for fm in fc.models.all.values())
        row["divergences"] = sum(fm.diagnostics["divergences"] for fm in fc.models.all.values())
    return row, time.perf_counter() - started


def main() -> None:
    import summitcast as sc
    from summitcast._common.time import month_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="2015-01")
    parser.add_argument("--to", default=None)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse-full", default=None, help="CSV of an earlier run whose full-mode columns to reuse")
    parser.add_argument("--resume", default=None, help="CSV of an interrupted pass whose rows to keep")
    parser.add_argument("--name", default="fast_vs_full", help="stem of the result files in benchmarks/results "
                        "(a subset of origins keeps its own files)")
    args = parser.parse_args()
    data = sc.datasets.load_trilateral()
    origins = list(month_index(args.start, args.to or data.as_of))[:: args.every]
    reused = None
    if args.reuse_full:
        reused = pd.read_csv(args.reuse_full).set_index("origin")
    kept = pd.read_csv(args.resume).set_index("origin") if args.resume else pd.DataFrame()
    rows = []
    started = time.perf_counter()
    for origin in origins:
        key = f"{origin:%Y-%m}"
        if key in kept.index:
            rows.append({"origin": key, **kept.loc[key].to_dict()})
            continue
        row: dict = {"origin": key}
        fast, row["time_fast"] = _fit(sc, data, origin, "fast", args.seed)
        row.update(fast)
        if reused is not None:
            row.update({c: reused.loc[key, c] for c in reused.columns if c.startswith("full_") or c in
                        ("max_rhat", "divergences", "time_full")})
        else:
            full, row["time_full"] = _fit(sc, data, origin, "full", args.seed)
            row.update(full)
        for h in HORIZONS:
            row[f"diff_{h}"] = row[f"fast_{h}"] - row[f"full_{h}"]
        rows.append(row)
        print(", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(RESULTS / f"{args.name}.csv", index=False, float_format="%.4f")
    diffs = frame[[f"diff_{h}" for h in HORIZONS]].abs()
    worst = diffs.max(axis=1)
    khats = frame[[c for c in frame.columns if c.startswith("khat_") and c != "khat_summit_round0"]]
    mode_settings = sc.forecaster._models.MODE_SETTINGS
    lines = [
        f"fast (Laplace + adaptive PSIS) vs full (NUTS), trilateral, {len(frame)} monthly origins "
        f"{origins[0]:%Y-%m}..{origins[-1]:%Y-%m} (every {args.every} month(s); the bundled data's as-of "
        f"{data.as_of:%Y-%m} {'is' if origins[-1] == data.as_of else 'is not'} among them), seed {args.seed}, "
        f"{time.perf_counter() - started:.0f} s (benchmarks/fast_vs_full.py)",
        f"settings: fast {mode_settings['fast']} proposals per importance round, 500 draws x 100 paths in the fusion; "
        f"full {mode_settings['full']} per model, 1000 draws x 100 paths",
        "full-mode columns reused from " + args.reuse_full if reused is not None else "both modes fitted at every origin"
        + (f"; {int(kept.index.isin([f'{o:%Y-%m}' for o in origins]).sum())} rows kept from an interrupted pass of "
           f"the same code ({args.resume})" if args.resume else ""),
        "", "|fast - full| of P(held within h months):",
        diffs.describe(percentiles=[0.5, 0.9]).T[["mean", "50%", "90%", "max"]].to_string(float_format="{:.4f}".format),
        "", f"median over all origins and horizons {np.median(diffs.to_numpy()):.4f} (target <= 0.03); worst "
        f"{diffs.to_numpy().max():.4f} at {frame.loc[worst.idxmax(), 'origin']} (target <= 0.06); "
        f"origins beyond 0.06: {int((worst > 0.06).sum())}, beyond 0.03: {int((worst > 0.03).sum())}",
        "signed fast - full (mean): " + ", ".join(f"h={h} {frame[f'diff_{h}'].mean():+.4f}" for h in HORIZONS),
        "", "Pareto k-hat of the fast mode's models (pooled over the importance rounds):",
        khats.describe(percentiles=[0.5, 0.9]).T[["50%", "90%", "max"]].to_string(float_format="{:.2f}".format),
        f"summit hazard: k-hat of the first (mode-centred) round median {frame['khat_summit_round0'].median():.2f}; "
        f"rounds used median {frame['rounds_summit'].median():.0f}, max {frame['rounds_summit'].max():.0f}; "
        f"origins with summit k-hat >= 0.7: {int((frame['khat_summit'] >= 0.7).sum())}",
        "", f"time per origin (fit + 24-month forecast, this loaded 2-core machine): fast median "
        f"{frame['time_fast'].median():.1f} s, full median {frame['time_full'].median():.1f} s",
    ]
    if "max_rhat" in frame:
        lines.append(f"full mode: max R-hat over models and origins {frame['max_rhat'].max():.3f}, "
                     f"divergences {int(frame['divergences'].sum())}")
    (RESULTS / f"{args.name}.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
