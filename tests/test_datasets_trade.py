"""Bundled trade figures and the monthly nowcast: the official monthly figures
against the shared files month by month, annual figures against independent
compilations, the nowcast against hidden months, and vintages."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from summitcast.datasets import _trade, load_trade, load_trilateral
from summitcast.statespace import TemporalAggregation

Z90 = 1.6448536269514722  # the 95% normal quantile: 90% two-sided intervals


def bundled(name: str) -> pd.DataFrame:
    with resources.files("summitcast.datasets").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def trade():
    return load_trade()


@pytest.fixture(scope="module")
def annual():
    return bundled("trade_annual.csv")


def shared_monthly(shared_data) -> dict[tuple[str, str], pd.Series]:
    korea = pd.read_csv(shared_data / "trade_monthly" / "korea-china-trade-data.csv", dtype={"Date": str})
    japan = pd.read_csv(shared_data / "trade_monthly" / "japan-china-trade-data.csv", sep=";", dtype={"Date": str})
    out = {}
    for pair, frame, sep in (("kor_chn", korea, "."), ("jpn_chn", japan, "/")):
        months = pd.to_datetime(frame["Date"].str.replace(sep, "-"), format="%Y-%m")
        for flow, column in (("exports", "Exports"), ("imports", "Imports")):
            out[pair, flow] = pd.Series(frame[column].to_numpy(dtype=np.int64), index=months)
    return out


# -- the official monthly figures ---------------------------------------------
def test_bundled_months_equal_the_shared_files(shared_data):
    table = bundled("trade_monthly.csv")
    assert len(table) == 4 * 228
    reference = shared_monthly(shared_data)
    for (pair, flow), ref in reference.items():
        rows = table[(table["pair"] == pair) & (table["flow"] == flow)]
        months = pd.to_datetime(rows["month"], format="%Y-%m")
        assert months.tolist() == list(pd.date_range("2001-01-01", "2019-12-01", freq="MS"))
        ours = pd.Series(rows["value"].to_numpy(dtype=np.int64), index=months)
        pd.testing.assert_series_equal(ours, ref.sort_index(), check_names=False, check_freq=False)
    units = table.groupby("pair")["unit"].unique().to_dict()
    assert {k: list(v) for k, v in units.items()} == {"jpn_chn": ["thousand_jpy"], "kor_chn": ["thousand_usd"]}
    sources = table.groupby("pair")["source_ids"].unique().to_dict()
    assert {k: list(v) for k, v in sources.items()} == {"jpn_chn": ["mof_trade_statistics"],
                                                         "kor_chn": ["kosis_kcs_trade"]}


def test_load_trade_keeps_observed_months_as_published(trade, shared_data):
    for (pair, flow), ref in shared_monthly(shared_data).items():
        col = f"trade_{pair}_{flow}"
        np.testing.assert_array_equal(trade.monthly.loc[ref.index, col].to_numpy(), ref.to_numpy(dtype=float))
        assert not trade.monthly.loc[ref.index, f"{col}_estimated"].any()
        assert (trade.monthly.loc[ref.index, f"{col}_se"] == 0).all()


# -- annual figures -------------------------------------------------------------
def test_annual_sums_are_the_bundled_months(annual):
    monthly = bundled("trade_monthly.csv")
    monthly["year"] = monthly["month"].str[:4].astype(int)
    sums = monthly.groupby(["pair", "flow", "year"])["value"].sum()
    rows = annual[annual["basis"] == "sum_of_bundled_months"]
    assert len(rows) == 4 * 19
    for _, row in rows.iterrows():
        pair = {"KOR": "kor_chn", "JPN": "jpn_chn"}[row["reporter"]]
        assert row["value"] == sums[pair, row["flow"], row["year"]]


def test_annual_table_schema_and_sources(annual):
    known = set(bundled("sources.csv")["source_id"])
    assert set(annual["basis"]) == {"sum_of_bundled_months", "reported", "derived"}
    assert set(annual["flow"]) <= {"exports", "imports", "total", "balance"}
    assert set(annual["unit"]) <= {"thousand_usd", "billion_usd", "thousand_jpy", "billion_jpy", "trillion_jpy"}
    assert (annual["rounding"] >= 0).all() and annual["value"].notna().all()
    assert not annual.duplicated(["year", "reporter", "partner", "flow", "unit", "basis", "source_ids"]).any()
    for cell in annual["source_ids"]:
        assert set(cell.split(";")) <= known, cell
    assert annual.loc[annual["basis"] == "derived", "note"].str.startswith("derived:").all()
    # every earlier press figure is kept (the billion-USD tables folded in)
    reported = annual[(annual["basis"] == "reported") & (annual["unit"] == "billion_usd")]
    assert len(reported) >= 21
    assert {"KOR", "JPN", "CHN"} <= set(annual["reporter"])


def kdiplo_china(shared_data) -> pd.DataFrame:
    kdiplo = pd.read_csv(shared_data / "kdiplo" / "trade_data.csv")
    chn = kdiplo[kdiplo["iso3c"] == "CHN"].set_index("year")
    return pd.DataFrame({"exports": chn["export_kosis"], "imports": chn["import_kosis"]}) / 1e3  # thousand USD


def test_korea_annual_figures_agree_with_kdiplo(annual, shared_data):
    ref = kdiplo_china(shared_data)
    ref["total"] = ref["exports"] + ref["imports"]
    ref["balance"] = ref["exports"] - ref["imports"]
    rows = annual[(annual["reporter"] == "KOR") & (annual["partner"] == "CHN")]
    rows = rows[rows["year"].isin(ref.index)]  # kdiplo ends in 2023
    checked = 0
    for _, row in rows.iterrows():
        factor = {"thousand_usd": 1.0, "billion_usd": 1e6}[row["unit"]]
        value, rounding = row["value"] * factor, row["rounding"] * factor
        expected = ref.loc[row["year"], row["flow"]]
        if row["basis"] == "sum_of_bundled_months":
            # twelve months each rounded to the thousand USD: at most 6 apart
            assert abs(value - expected) <= 6, (row["year"], row["flow"], value - expected)
        else:
            # a reported figure carries its rounding, and the preliminary
            # January releases the press quotes were revised afterwards
            # (by up to 0.1% here): allow 0.2% of the flows involved
            flows = ref.loc[row["year"], ["exports", "imports"]].sum() if row["flow"] in ("total", "balance") \
                else expected
            assert abs(value - expected) <= rounding + 0.002 * flows, (row["year"], row["flow"], value, expected)
        checked += 1
    assert checked >= 38 + 12


def test_china_customs_figures_agree_with_comtrade(annual, shared_data):
    # China reports its customs figures to UN Comtrade: the SITC divisions of
    # the legacy extract add up to its imports from Japan.  JETRO's table and
    # Comtrade carry different revisions (and Comtrade's division totals may
    # leave out unallocated trade): they agree within 0.5% (measured: 0.08-0.25%).
    comtrade = pd.read_csv(shared_data / "comtrade" / "comtrade_legacy_china_sitc.csv")
    imports = comtrade[(comtrade["Partner ISO"] == "JPN") & (comtrade["Trade Flow"] == "Import")]
    by_year = imports.groupby("Year")["Trade Value (US$)"].sum() / 1e3
    rows = annual[(annual["reporter"] == "CHN") & (annual["partner"] == "JPN") & (annual["flow"] == "imports")
                  & (annual["unit"] == "thousand_usd")].set_index("year")["value"]
    common = sorted(set(rows.index) & set(by_year.index))
    assert common == [2012, 2013, 2014]
    for year in common:
        assert rows[year] == pytest.approx(by_year[year], rel=5e-3)


def test_reported_flows_add_up(annual):
    # where a source gives the flows and their total or balance for a year,
    # they agree within the sources' rounding
    reported = annual[annual["basis"] != "sum_of_bundled_months"]
    groups = reported.groupby(["year", "reporter", "partner", "unit", "source_ids"])
    checked = 0
    for _, rows in groups:
        flows = rows.set_index("flow")
        if {"exports", "imports"} <= set(flows.index):
            for combo, sign in (("total", 1.0), ("balance", -1.0)):
                if combo in flows.index:
                    gap = flows.loc[combo, "value"] - flows.loc["exports", "value"] - sign * flows.loc["imports", "value"]
                    assert abs(gap) <= flows["rounding"].sum(), rows
                    checked += 1
    assert checked >= 4


def test_annual_totals_for_picks_the_most_precise(annual):
    totals = _trade.annual_totals_for(annual, "kor_chn", "exports")
    assert totals[pd.Period("2021", "Y")] == pytest.approx(162.91e6)  # KITA 162.91 over the 162.9 quoted elsewhere
    assert totals[pd.Period("2019", "Y")] == annual.query(
        "year == 2019 and reporter == 'KOR' and flow == 'exports' and basis == 'sum_of_bundled_months'")["value"].item()
    assert _trade.annual_totals_for(annual, "jpn_chn", "exports")[pd.Period("2020", "Y")] == pytest.approx(15.08e9)


# -- the nowcast ------------------------------------------------------------------
def test_nowcast_covers_hidden_months():
    """Hide 2010-2019 and keep only the annual totals.

    Band: 480 hidden months (four series × 120); a binomial 99% band for 480
    independent months would be 0.90 ± 0.035, but the errors are correlated
    within a year (a shared level, and the total ties the twelve together),
    so take a design effect of 3 (about four effectively independent months
    per year): n_eff = 160, 0.90 ± 2.58·sqrt(0.09/160) ≈ ±0.06 → [0.84, 0.96];
    per series (n_eff 40) at least 0.75.
    """
    observed = bundled("trade_monthly.csv")
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    annual = bundled("trade_annual.csv")
    annual = annual[annual["basis"] == "sum_of_bundled_months"]
    hits, per_series = [], {}
    for pair in _trade.PAIRS:
        for flow in _trade.FLOWS:
            _, monthly, totals = _trade.nowcast_series(observed, annual, pair, flow)
            hidden = monthly.copy()
            hidden[hidden.index.year >= 2010] = np.nan
            res = TemporalAggregation(hidden, totals, how="sum", **_trade.MODEL).fit()
            assert res.converged
            est = res.smoothed[hidden.isna()]
            truth = monthly[hidden.isna()]
            inside = np.abs(truth - est["mean"]) <= Z90 * est["se"]
            hits.append(inside.to_numpy())
            per_series[monthly.name] = inside.mean()
            # each year's twelve estimates add up to its total
            for year, total in totals.items():
                if year.year >= 2010:
                    months = est.index.year == year.year
                    assert est["mean"][months].sum() == pytest.approx(total, rel=1e-6)
    coverage = np.concatenate(hits).mean()
    assert 0.84 <= coverage <= 0.96, (coverage, per_series)
    assert min(per_series.values()) >= 0.75, per_series


def test_nowcast_estimates_add_up_to_published_totals(trade):
    for col in _trade.COLUMNS:
        pair, flow = col[len("trade_"):].rsplit("_", 1)
        totals = _trade.annual_totals_for(trade.annual, pair, flow)
        values, estimated = trade.monthly[col], trade.monthly[f"{col}_estimated"]
        for year, total in totals.items():
            months = values.index.year == year.year
            if year.year >= 2020 and months.sum() == 12:
                assert estimated[months].all()
                assert values[months].sum() == pytest.approx(total, rel=1e-6)
        est = estimated.fillna(False).to_numpy(dtype=bool)
        assert (trade.monthly.loc[est, f"{col}_se"] > 0).all()


def test_monthly_frame_layout(trade):
    frame = trade.monthly
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.freqstr == "MS" and frame.index.name == "month"
    assert frame.index[0] == pd.Timestamp("2001-01-01")
    expected = [c for col in _trade.COLUMNS for c in (col, f"{col}_estimated", f"{col}_se")]
    assert list(frame.columns) == expected
    for col in _trade.COLUMNS:
        end = trade.series_record_through[col]
        known = frame.loc[:end, col].notna()
        assert frame.loc[end + pd.Timedelta(days=1):, col].isna().all()
        assert frame[f"{col}_estimated"].dtype == "boolean"
        # unknown months: neither a figure nor a published total for the year
        assert frame.loc[:end, f"{col}_estimated"][~known].isna().all()
        years = set(known.index[~known].year)
        pair, flow = col[len("trade_"):].rsplit("_", 1)
        covered = {p.year for p in _trade.annual_totals_for(trade.annual, pair, flow).index}
        assert not years & covered and all(y >= 2020 for y in years)
    assert set(frame.index[frame["trade_kor_chn_imports"].isna() & (frame.index.year < 2024)].year) == {2020}
    assert trade.record_through == min(trade.series_record_through.values())
    assert trade.record_through >= pd.Timestamp("2019-12-31")


def test_trilateral_panel_carries_the_trade_columns(trade):
    data = load_trilateral()
    ind = data.indicators
    for col in _trade.COLUMNS:
        assert {col, f"{col}_estimated", f"{col}_se"} <= set(ind.columns)
        assert ind.loc[:"2000-12-01", col].isna().all()
        end = trade.series_record_through[col]
        assert ind.loc[end + pd.Timedelta(days=1):, col].isna().all()  # NaN, never 0, past the record
        np.testing.assert_array_equal(ind.loc["2001-01-01":end, col].to_numpy(), trade.monthly.loc[:end, col].to_numpy())
        assert col in data.indicator_sources.index
    assert len(data.trade_monthly) == 4 * 228 and "source_ids" in data.trade_monthly.columns
    assert "basis" in data.trade.columns


# -- vintages ------------------------------------------------------------------
def test_vintage_publication_lags():
    assert load_trade("2015-06").record_through == pd.Timestamp("2015-05-31")  # monthly: one month later
    v = load_trade("2015-06")
    assert not v.monthly.filter(like="_estimated").any().any()
    assert v.annual["year"].max() == 2014  # 2014's totals appeared in January 2015
    assert load_trade("2020-12").annual["year"].max() == 2019
    jan = load_trade("2021-01")
    assert jan.annual["year"].max() == 2020
    assert jan.monthly["trade_kor_chn_exports_estimated"].loc["2020"].all()
    assert jan.as_of == pd.Timestamp("2021-01-01")


def test_vintage_uses_nothing_published_later(monkeypatch):
    before = load_trade("2021-06").monthly
    latest = load_trade("2026-11").monthly  # a vintage late enough to see every figure
    original = _trade._read

    def altered(name, **kwargs):
        table = original(name, **kwargs)
        if name == "trade_annual.csv":  # later totals doubled: a vintage must not notice
            table.loc[table["year"] >= 2021, "value"] *= 2
        return table

    monkeypatch.setattr(_trade, "_read", altered)
    pd.testing.assert_frame_equal(load_trade("2021-06").monthly, before)
    changed = load_trade("2026-11").monthly  # while the late vintage does
    assert not changed["trade_kor_chn_exports"].loc["2021"].equals(latest["trade_kor_chn_exports"].loc["2021"])
    pd.testing.assert_frame_equal(latest, load_trade().monthly.loc[latest.index], rtol=1e-12)


def test_bad_as_of():
    with pytest.raises(ValueError, match=r"as_of"):
        load_trade("not a month")
    with pytest.raises(TypeError, match=r"as_of"):
        load_trade(2021)
    with pytest.raises(ValueError, match=r"as_of='2000-06' is before the first bundled trade figure"):
        load_trade("2000-06")


def test_nowcast_params_table():
    table = bundled("trade_nowcast_params.csv")
    assert set(table["series"]) == set(_trade.COLUMNS)
    assert (table.groupby("series").size() == 4).all()
    assert (table["value"] >= 0).all()
    assert set(table["fitted_on"]) == {"monthly 2001-01..2019-12"}


def test_bundled_default_nowcast_is_the_computation(trade):
    # load_trade() reads the precomputed default; recomputing it from the
    # bundled figures must give the same frame (else rerun the script)
    observed = bundled("trade_monthly.csv")
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    computed = _trade.compute_nowcast(observed, bundled("trade_annual.csv"), bundled("trade_nowcast_params.csv"))
    pd.testing.assert_frame_equal(trade.monthly, computed, check_exact=False, rtol=1e-12, check_freq=True)


def test_a_vintage_without_new_figures_reuses_its_nowcast_and_equals_the_computation(monkeypatch):
    # 2021-02..2021-12 see the same figures (monthly ones end in 2019, 2020's totals
    # appeared in January 2021): one nowcast, the same as computing it afresh each time
    monkeypatch.setattr(_trade, "_VINTAGES", {})
    calls = []
    compute = _trade.compute_nowcast

    def counted(observed, annual, params):
        calls.append(len(annual))
        return compute(observed, annual, params)

    monkeypatch.setattr(_trade, "compute_nowcast", counted)
    first, later = load_trade("2021-02").monthly, load_trade("2021-11").monthly
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, later)
    later.iloc[:, 0] = 0.0  # the caller's copy: the stored nowcast is unchanged
    observed = bundled("trade_monthly.csv")
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    annual = bundled("trade_annual.csv")
    fresh = compute(observed, annual[annual["year"] <= 2020], bundled("trade_nowcast_params.csv"))
    pd.testing.assert_frame_equal(load_trade("2021-06").monthly, fresh)
    load_trade("2022-01")  # 2021's totals: a new vintage, computed
    assert len(calls) == 2
