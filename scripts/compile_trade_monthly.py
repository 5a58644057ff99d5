"""Compile the bundled official monthly trade figures and their annual sums.

Reads the two monthly files in ../shared/data/trade_monthly/ (their
sources.md names the official tables they were taken from):

* korea-china-trade-data.csv: comma-separated, columns "Country","Date",
  Exports,Imports; Date as YYYY.MM; Korea's exports to and imports from
  China in thousands of USD, from Statistics Korea's KOSIS table
  DT_1R11006_FRM101 (compiled by the Korea Customs Service, orgId 360);
* japan-china-trade-data.csv: SEMICOLON-separated, columns
  Date;Exports;Imports; Date as YYYY/MM; Japan's exports to and imports from
  China in thousands of JPY, from the Ministry of Finance's Trade
  Statistics of Japan (time series by country).

and writes, in the package's own layout,

* python/summitcast/datasets/data/trade_monthly.csv: one row per month, pair
  and flow (month, pair, flow, value, unit, source_ids), 2001-01..2019-12,
  the figures exactly as published (integers, nothing rounded or filled);
* the rows of python/summitcast/datasets/data/trade_annual.csv whose basis is
  "sum_of_bundled_months" (each year's sum of those months), keeping every
  other (reported) row of that file as it is.

Each file is checked before anything is written: every month of 2001..2019
present exactly once, integer non-negative values, one country only.

Run from the project root:  python scripts/compile_trade_monthly.py
"""
import pathlib

import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "trade_monthly"
DATA = ROOT / "python" / "summitcast" / "datasets" / "data"
SPAN = pd.period_range("2001-01", "2019-12", freq="M")

# pair -> (file, separator, date separator, reporter, unit, source id)
FILES = {
    "kor_chn": ("korea-china-trade-data.csv", ",", ".", "KOR", "thousand_usd", "kosis_kcs_trade"),
    "jpn_chn": ("japan-china-trade-data.csv", ";", "/", "JPN", "thousand_jpy", "mof_trade_statistics"),
}


def read_pair(pair: str) -> pd.DataFrame:
    name, sep, date_sep, _, unit, source = FILES[pair]
    raw = pd.read_csv(SHARED / name, sep=sep, dtype=str, keep_default_na=False)
    if "Country" in raw.columns and raw["Country"].nunique() != 1:
        raise SystemExit(f"{name}: more than one country: {sorted(raw['Country'].unique())}")
    months = pd.PeriodIndex([d.replace(date_sep, "-") for d in raw["Date"]], freq="M")
    if months.has_duplicates or not months.sort_values().equals(SPAN):
        raise SystemExit(f"{name}: the months are not exactly {SPAN[0]}..{SPAN[-1]} once each")
    rows = []
    for flow, column in (("exports", "Exports"), ("imports", "Imports")):
        values = pd.to_numeric(raw[column], errors="raise")
        if (values < 0).any() or (values % 1 != 0).any():
            raise SystemExit(f"{name}: {column} must be non-negative integers")
        rows.append(pd.DataFrame({"month": months.strftime("%Y-%m"), "pair": pair, "flow": flow,
                                  "value": values.astype("int64"), "unit": unit, "source_ids": source}))
    return pd.concat(rows).sort_values(["month", "flow"])


def main() -> None:
    monthly = pd.concat([read_pair(p) for p in FILES], ignore_index=True)
    monthly = monthly.sort_values(["pair", "flow", "month"]).reset_index(drop=True)
    monthly.to_csv(DATA / "trade_monthly.csv", index=False)

    sums = monthly.assign(year=monthly["month"].str[:4].astype(int))
    sums = sums.groupby(["pair", "flow", "year", "unit", "source_ids"], as_index=False)["value"].sum()
    sums["reporter"] = sums["pair"].map({p: FILES[p][3] for p in FILES})
    sums["partner"] = "CHN"
    sums["rounding"] = 0
    sums["basis"] = "sum_of_bundled_months"
    sums["note"] = "sum of the twelve bundled monthly figures"
    annual_path = DATA / "trade_annual.csv"
    annual = pd.read_csv(annual_path, dtype=str, keep_default_na=False)
    reported = annual[annual["basis"] != "sum_of_bundled_months"]
    columns = list(annual.columns)
    out = pd.concat([sums[columns].astype(str), reported], ignore_index=True)
    out = out.sort_values(["reporter", "partner", "flow", "year", "basis"], kind="stable")
    out.to_csv(annual_path, index=False)
    print(f"wrote {len(monthly)} monthly rows to trade_monthly.csv and {len(sums)} annual sums "
          f"beside {len(reported)} reported rows in trade_annual.csv")


if __name__ == "__main__":
    main()
