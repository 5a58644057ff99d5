"""The array forms of the trade nowcast's table work (written for the speed
of a monthly backtest, which recomputes the nowcast at every origin before
2020) against their straightforward pandas forms, kept here as the oracles:
a pandas filter, sort and group-by for the annual totals, a pandas filter
for a series' months, a loop over the years for the months they cover and a
frame filled column by column.  Equal means equal: the same values, dtypes,
index (names and frequency included) and order, on vintages of the bundled
figures and on tables made to have what the bundled ones lack (ties in
rounding between sources, a unit the pair does not use, a year with no
total between two with one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast._common.time import month_index
from summitcast.datasets import _trade
from summitcast.datasets._trade import _START, COLUMNS, FLOWS, MODEL, PAIRS
from summitcast.statespace import TemporalAggregation

VINTAGES = ("2001-02", "2002-01", "2004-07", "2010-01", "2013-12", "2019-12", "2020-01", "2021-01", "2021-06",
            "2024-01", "2025-07")


# ------------------------------------------------------------ the oracles
def reference_annual_totals(annual, pair, flow):
    reporter, partner, unit, factor = PAIRS[pair]
    rows = annual[(annual["reporter"] == reporter) & (annual["partner"] == partner) & (annual["flow"] == flow)
                  & annual["unit"].isin(list(factor))].copy()
    multiplier = rows["unit"].map(factor).astype(float)
    rows["value_monthly_unit"] = rows["value"].astype(float) * multiplier
    rows["rounding_monthly_unit"] = rows["rounding"].astype(float) * multiplier
    best = rows.sort_values(["year", "rounding_monthly_unit"], kind="stable").groupby("year").head(1)
    return pd.Series(best["value_monthly_unit"].to_numpy(), index=pd.PeriodIndex(best["year"].astype(str), freq="Y"),
                     name=f"trade_{pair}_{flow}")


def reference_nowcast_series(observed, annual, pair, flow):
    rows = observed[(observed["pair"] == pair) & (observed["flow"] == flow)]
    totals = reference_annual_totals(annual, pair, flow)
    end_obs = rows["month"].max() if len(rows) else _START - pd.DateOffset(months=1)
    end_tot = totals.index.max().end_time.to_period("M").to_timestamp() if len(totals) else end_obs
    end = max(end_obs, end_tot)
    if end < _START:
        return None, pd.Series(dtype=float, index=pd.DatetimeIndex([], freq="MS", name="month"),
                               name=f"trade_{pair}_{flow}"), totals
    index = month_index(_START, end)
    monthly = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["month"]))
    monthly = monthly.reindex(index).rename(f"trade_{pair}_{flow}")
    totals = totals[totals.index.start_time >= _START]
    if not monthly.isna().any():
        return None, monthly, totals
    return TemporalAggregation(monthly, totals, how="sum", **MODEL), monthly, totals


def reference_compute_nowcast(observed, annual, params_table):
    columns, ends = {}, []
    for pair in PAIRS:
        for flow in FLOWS:
            model, monthly, totals = reference_nowcast_series(observed, annual, pair, flow)
            if not len(monthly):
                return None
            name = monthly.name
            if model is None:  # every month observed: the figures themselves, with zero error
                smoothed = pd.DataFrame({"mean": monthly, "se": 0.0, "observed": True}, index=monthly.index)
            else:
                rows = params_table[params_table["series"] == name]
                smoothed = model.smooth(pd.Series(rows["value"].to_numpy(dtype=float),
                                                  index=rows["parameter"].to_list())).smoothed
            covered = monthly.notna().to_numpy().copy()
            for year in totals.index:  # one year at a time
                covered |= (monthly.index >= year.start_time) & (monthly.index <= year.end_time)
            columns[name] = smoothed["mean"].where(covered)
            columns[f"{name}_estimated"] = (~smoothed["observed"]).astype("boolean").where(covered)
            columns[f"{name}_se"] = smoothed["se"].where(covered)
            ends.append(monthly.index[-1])
    index = month_index(_START, max(ends))
    frame = pd.DataFrame(index=index)
    for col in COLUMNS:  # column by column
        for suffix in ("", "_estimated", "_se"):
            frame[col + suffix] = columns[col + suffix].reindex(index)
    return frame


# ------------------------------------------------------------ the tables
def tables(as_of=None):
    observed = _trade._read("trade_monthly.csv", dtype={"month": str})
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    annual, params = _trade._read("trade_annual.csv"), _trade._read("trade_nowcast_params.csv")
    observed, annual = _trade._vintage(observed, annual, None if as_of is None else pd.Timestamp(as_of))
    return observed, annual, params


def awkward_annual(annual):
    """The bundled totals plus rows that test the choice of a year's figure:
    a tie in rounding (the first listed wins), a more precise figure listed
    later (it wins), a unit the pair does not use (ignored), another partner
    (made from a bundled row, so also for vintages that have no total yet)."""
    bundled = _trade._read("trade_annual.csv")
    row = bundled[(bundled["reporter"] == "KOR") & (bundled["flow"] == "exports")].iloc[[0]]
    year = int(row["year"].iloc[0])
    extra = pd.concat([
        row.assign(value=row["value"] * 1.01),  # same rounding, listed later: loses the tie
        row.assign(year=year + 40, value=7.0, unit="million_usd", rounding=1.0),
        row.assign(year=year + 40, value=7.5, unit="thousand_usd", rounding=100.0),  # 100 < 1e3: wins
        row.assign(year=year + 41, value=9.0, unit="billion_jpy"),  # not a Korean unit
        row.assign(year=year + 41, value=3.0, partner="JPN"),
    ], ignore_index=True)
    return pd.concat([extra.iloc[[1]], annual, extra.drop(index=1)], ignore_index=True)


# ------------------------------------------------------------ the tests
@pytest.mark.parametrize("as_of", [None, *VINTAGES])
def test_annual_totals_equal_their_pandas_form(as_of):
    _, annual, _ = tables(as_of)
    for source in (annual, awkward_annual(annual)):
        for pair in PAIRS:
            for flow in FLOWS:
                pd.testing.assert_series_equal(_trade.annual_totals_for(source, pair, flow),
                                               reference_annual_totals(source, pair, flow), check_exact=True)


def test_awkward_totals_pick_the_expected_rows():
    """The oracle's choices on the made-up rows, stated (not only compared)."""
    _, annual, _ = tables()
    source = awkward_annual(annual)
    totals = _trade.annual_totals_for(source, "kor_chn", "exports")
    bundled = _trade._read("trade_annual.csv")
    row = bundled[(bundled["reporter"] == "KOR") & (bundled["flow"] == "exports")].iloc[0]
    year = int(row["year"])
    assert totals[pd.Period(str(year + 40), freq="Y")] == 7.5  # rounding 100 thousand beats 1 million
    assert pd.Period(str(year + 41), freq="Y") not in totals.index  # JPY unit and JPN partner ignored
    assert totals[pd.Period(str(year), freq="Y")] == row["value"] * PAIRS["kor_chn"][3][row["unit"]]
    assert totals.index.is_monotonic_increasing and totals.index.is_unique


@pytest.mark.parametrize("as_of", [None, *VINTAGES])
def test_nowcast_series_equal_their_pandas_form(as_of):
    observed, annual, _ = tables(as_of)
    for pair in PAIRS:
        for flow in FLOWS:
            model, monthly, totals = _trade.nowcast_series(observed, annual, pair, flow)
            ref_model, ref_monthly, ref_totals = reference_nowcast_series(observed, annual, pair, flow)
            pd.testing.assert_series_equal(monthly, ref_monthly, check_exact=True, check_freq=True)
            pd.testing.assert_series_equal(totals, ref_totals, check_exact=True)
            assert (model is None) == (ref_model is None)
            if model is not None:
                np.testing.assert_array_equal(model.endog, ref_model.endog)
                pd.testing.assert_frame_equal(model.layout, ref_model.layout, check_exact=True)


@pytest.mark.parametrize("as_of", [None, *VINTAGES])
def test_compute_nowcast_equals_its_pandas_form(as_of):
    observed, annual, params = tables(as_of)
    got, want = _trade.compute_nowcast(observed, annual, params), reference_compute_nowcast(observed, annual, params)
    if want is None:
        assert got is None
        return
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_freq=True)
    assert list(got.dtypes.astype(str)) == list(want.dtypes.astype(str))


def test_a_year_without_a_total_between_two_stays_unknown():
    """The months of a year whose total is missing (between two published
    ones, after the monthly figures end) are NaN in both forms, and the
    years around it are covered."""
    observed, annual, params = tables("2024-01")
    dropped = annual[~((annual["year"] == 2021) & (annual["reporter"] == "KOR") & (annual["flow"] == "exports"))]
    got, want = _trade.compute_nowcast(observed, dropped, params), reference_compute_nowcast(observed, dropped, params)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    full = _trade.compute_nowcast(observed, annual, params)
    col = "trade_kor_chn_exports"
    assert full.loc["2021", col].notna().all()
    assert got.loc["2021", col].isna().all() and got.loc["2021", f"{col}_estimated"].isna().all()
    assert got.loc["2020", col].notna().all() and got.loc["2022":"2023", col].notna().all()
    assert got.loc["2022":"2023", f"{col}_estimated"].all()
