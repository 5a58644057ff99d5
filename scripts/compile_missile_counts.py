"""Compile the bundled monthly count of North Korean ballistic missile launches.

Reads the maintained record (nagix/nk-missile-tests, Apache-2.0, one record per
missile) from ../shared/data/nk_missile_tests/test.en.json and writes
python/summitcast/datasets/data/missile_launches_monthly.csv: one row per month
from the first record's month to the last record's month, zeros included
(a month inside that span with no record is a covered month with no launch).
Records dated to the month only ("1984-09") count in that month.

Run from the project root:  python scripts/compile_missile_counts.py
"""
import json
import pathlib

import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECORD = ROOT.parent / "shared" / "data" / "nk_missile_tests" / "test.en.json"
OUT = ROOT / "python" / "summitcast" / "datasets" / "data" / "missile_launches_monthly.csv"


def main() -> None:
    with open(RECORD, encoding="utf-8") as fh:
        bins = json.load(fh)["timeBins"]
    dates = [rec["date"] for b in bins for rec in b["data"]]
    months = pd.PeriodIndex([d[:7] for d in dates], freq="M")
    counts = pd.Series(1, index=months).groupby(level=0).sum()
    span = pd.period_range(counts.index.min(), counts.index.max(), freq="M")
    counts = counts.reindex(span, fill_value=0)
    out = pd.DataFrame({"month": span.strftime("%Y-%m"), "launches": counts.to_numpy(),
                        "source_ids": "nk_missile_record;cns_db"})
    out.loc[span > pd.Period("2023-04", "M"), "source_ids"] = "nk_missile_record"
    out.to_csv(OUT, index=False)
    print(f"wrote {len(out)} months, {int(counts.sum())} launches to {OUT}")


if __name__ == "__main__":
    main()
