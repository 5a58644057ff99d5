"""Estimate the variance parameters of the bundled trade nowcast.

For each pair and flow, fits summitcast.statespace.TemporalAggregation with
the model of summitcast.datasets._trade.MODEL (local linear trend + dummy
seasonal of period 12 + irregular, on the scale of a smooth path through the
level, so the variances are relative) by maximum likelihood on the bundled
official monthly figures 2001-01..2019-12 alone (their annual sums ride
along and are only checked), and writes the estimates with their standard
errors to python/summitcast/datasets/data/trade_nowcast_params.csv; then
computes the default-vintage nowcast with them (every bundled figure) and
writes it to python/summitcast/datasets/data/trade_nowcast.csv (one row per
month: each series, its _estimated flag and its _se), which load_trade()
reads instead of recomputing.

Only the 2001-2019 months enter, so the parameters use nothing that a
vintage with a month to estimate (as of January 2021 or later) had not seen.

Run from the project root:  PYTHONPATH=python python scripts/fit_trade_nowcast.py
"""
import pathlib

import pandas as pd

from summitcast.datasets import _trade

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "python" / "summitcast" / "datasets" / "data"
OUT = DATA / "trade_nowcast_params.csv"


def main() -> None:
    observed = _trade._read("trade_monthly.csv", dtype={"month": str})
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    annual = _trade._read("trade_annual.csv")
    annual = annual[annual["basis"] == "sum_of_bundled_months"]
    rows = []
    for pair in _trade.PAIRS:
        for flow in _trade.FLOWS:
            _, monthly, totals = _trade.nowcast_series(observed, annual, pair, flow)
            model = _trade.TemporalAggregation(monthly, totals, how="sum", **_trade.MODEL)
            res = model.fit()
            if not res.converged:
                raise SystemExit(f"{monthly.name}: the fit did not converge ({res.fit_message})")
            for name in res.params.index:
                rows.append({"series": monthly.name, "parameter": name, "value": f"{res.params[name]:.10g}",
                             "se": f"{res.bse[name]:.4g}", "loglike": f"{res.llf:.4f}",
                             "fitted_on": f"monthly {monthly.index[0]:%Y-%m}..{monthly.index[-1]:%Y-%m}"})
            print(res.summary())
    pd.DataFrame(rows).to_csv(OUT, index=False)
    print(f"wrote {len(rows)} parameters to {OUT}")

    frame = _trade.compute_nowcast(observed, _trade._read("trade_annual.csv"), _trade._read(OUT.name))
    table = frame.reset_index()
    table["month"] = table["month"].dt.strftime("%Y-%m")
    table.to_csv(DATA / "trade_nowcast.csv", index=False)
    print(f"wrote the default nowcast ({len(table)} months) to {DATA / 'trade_nowcast.csv'}")


if __name__ == "__main__":
    main()
