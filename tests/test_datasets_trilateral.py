"""The bundled trilateral dataset: schema, dates, sources, and agreement with
independent real files in ../shared/data."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from summitcast.datasets import OUTCOME_LEVELS, load_trilateral


@pytest.fixture(scope="module")
def data():
    return load_trilateral()


KNOWN_SUMMITS = {  # the nine stand-alone summits (start dates), host, city
    1: ("2008-12-13", "JPN", "Fukuoka"), 2: ("2009-10-10", "CHN", "Beijing"),
    3: ("2010-05-29", "KOR", "Jeju"), 4: ("2011-05-21", "JPN", "Tokyo"),
    5: ("2012-05-13", "CHN", "Beijing"), 6: ("2015-11-01", "KOR", "Seoul"),
    7: ("2018-05-09", "JPN", "Tokyo"), 8: ("2019-12-24", "CHN", "Chengdu"),
    9: ("2024-05-26", "KOR", "Seoul"),
}


def test_standalone_summits_match_public_record(data):
    s = data.summits
    held = s[(s["series"] == "standalone") & (s["held"] == True)]  # noqa: E712
    assert len(held) == 9
    for number, (date, host, city) in KNOWN_SUMMITS.items():
        row = held[held["number"] == number].iloc[0]
        assert row["date"] == pd.Timestamp(date)
        assert (row["host"], row["city"]) == (host, city)
    two_day = held.dropna(subset=["date_end"])
    assert set(two_day["number"]) == {3, 4, 5, 9}
    assert (two_day["date_end"] - two_day["date"] == pd.Timedelta(days=1)).all()


def test_one_standalone_opportunity_per_year_with_reasons(data):
    s = data.summits[data.summits["series"] == "standalone"]
    assert sorted(s["year"]) == list(range(2008, 2027))
    not_held = s[s["held"] == False]  # noqa: E712
    assert sorted(not_held["year"]) == [2013, 2014, 2016, 2017, 2020, 2021, 2022, 2023, 2025]
    assert not_held["reason_not_held"].str.len().gt(20).all()
    assert not_held["date"].isna().all()
    # the host rotation Japan -> China -> Korea, with Korea chairing until it hosted
    assert dict(zip(s["year"], s["host"]))[2025] == "JPN"
    tenth = s[s["year"] == 2026].iloc[0]
    assert pd.isna(tenth["held"]) and tenth["number"] == 10 and tenth["host"] == "JPN"
    assert "Takaichi" in s[s["year"] == 2025].iloc[0]["reason_not_held"]


def test_outcome_levels_defined_and_only_for_held_meetings(data):
    s = data.summits
    levels = s["outcome_level"].dropna()
    assert set(levels.unique()) <= set(OUTCOME_LEVELS)
    assert s.loc[s["outcome_level"].notna(), "held"].all()
    # level 2 exactly where security language is confirmed
    assert ((s["outcome_level"] == 2) == (s["security_language"] == "yes")).all()
    held_standalone = s[(s["series"] == "standalone") & (s["held"] == True)]  # noqa: E712
    assert held_standalone["documents"].notna().all() and held_standalone["outcome_level"].notna().all()


def test_asean_sideline_meetings(data):
    side = data.summits[data.summits["series"] == "asean_plus_three_sideline"]
    assert side["date"].min() == pd.Timestamp("1999-11-28")
    assert pd.Timestamp("2003-10-07") in set(side["date"])
    assert (side["date"] < pd.Timestamp("2008-01-01")).all()


def test_preparatory_meetings(data):
    m = data.meetings
    fm = m[m["kind"] == "foreign_ministers"].sort_values("date")
    assert list(fm["number"]) == list(range(1, 12))
    busan = fm[fm["city"] == "Busan"].iloc[0]
    assert busan["date"] == pd.Timestamp("2023-11-26")
    tokyo = fm[fm["number"] == 11].iloc[0]
    assert (tokyo["date"], tokyo["city"]) == (pd.Timestamp("2025-03-22"), "Tokyo")
    assert m.loc[m["held"] == False, "meeting_key"].tolist() == ["culture-2025-11"]  # noqa: E712


def test_every_row_and_column_is_sourced(data):
    known = set(data.sources.index)
    assert data.sources["url"].str.startswith("http").all()
    tables = [data.summits, data.meetings, data.nuclear_tests, data.crises, data.trade, data.steps,
              data.series_meetings, data.series, data.leaders, data.elections]
    for table in tables:
        assert table["source_ids"].notna().all()
        for cell in table["source_ids"]:
            ids = cell.split(";")
            assert ids and set(ids) <= known, cell
    assert set(data.indicator_sources.index) == set(data.indicators.columns)
    for cell in data.indicator_sources["source_ids"]:
        assert set(cell.split(";")) <= known


def test_indicator_panel_index_and_flags(data):
    ind = data.indicators
    assert isinstance(ind.index, pd.DatetimeIndex) and ind.index.freqstr == "MS"
    # the panel runs to the last month any table completes (missile record: April 2026)
    expected = pd.date_range("1999-01-01", "2026-04-01", freq="MS")
    assert ind.index.equals(expected)
    tests = ind.index[ind["nuclear_tests"] > 0].strftime("%Y-%m").tolist()
    assert tests == ["2006-10", "2009-05", "2013-02", "2016-01", "2016-09", "2017-09"]
    onsets = {c: ind.index[ind[f"{c}_onset"] == 1].strftime("%Y-%m").tolist() for c in data.crises["crisis_key"]}
    assert onsets == {"garlic_war": ["2000-06"], "textbook_2001": ["2001-04"], "leek_safeguard": ["2001-04"],
                      "textbook_revision_2001": ["2001-07"], "yasukuni_koizumi_china": ["2002-04"],
                      "takeshima_day_2005": ["2005-02"], "yasukuni_koizumi_korea": ["2005-10"],
                      "takeshima_guidelines_2008": ["2008-07"], "trawler_2010": ["2010-09"],
                      "dokdo_visit_2012": ["2012-08"], "senkaku_nationalisation": ["2012-09"],
                      "yasukuni_ministers_2013": ["2013-04"], "yasukuni_abe_2013_china": ["2013-12"],
                      "yasukuni_abe_2013_korea": ["2013-12"], "thaad": ["2016-07"], "busan_statue_2016": ["2016-12"],
                      "export_controls": ["2018-10"], "g7_taiwan_2022": ["2022-08"],
                      "covid_entry_2022_japan": ["2022-12"], "covid_entry_2022_korea": ["2022-12"],
                      "treated_water": ["2023-08"], "taiwan_remarks": ["2025-11"]}
    assert ind.loc["2016-06-01", "thaad_since"] == 0 and ind.loc["2016-07-01", "thaad_since"] == 1
    # ended by the normalisation announcement of 31 Oct 2017
    assert ind.loc["2017-10-01", "thaad_since"] == 1 and ind.loc["2017-11-01", "thaad_since"] == 0
    assert ind.loc["2024-05-01", "leader_meetings"] == 1
    assert ind.loc["2023-11-01", "foreign_ministers_meetings"] == 1
    # missile counts: covered months are numbers (zeros included), later months NaN
    covered = ind["missile_launches"].loc[:"2026-04-01"]
    assert covered.notna().all() and (covered == 0).any()
    assert ind["missile_launches"].loc["2026-05-01":].isna().all()


def _record_months(shared_data):
    with open(shared_data / "nk_missile_tests" / "test.en.json", encoding="utf-8") as fh:
        bins = json.load(fh)["timeBins"]
    return pd.Series([r["date"][:7] for b in bins for r in b["data"]]).value_counts()


def test_missile_counts_agree_with_maintained_record(data, shared_data):
    counts = _record_months(shared_data)
    bundled = data.missile_launches
    assert int(bundled.sum()) == int(counts.sum()) == 339
    for month, n in counts.items():
        assert bundled.loc[pd.Timestamp(month + "-01")] == n


def test_missile_counts_agree_with_cns_database(data, shared_data):
    cns = pd.read_csv(shared_data / "cns_missile_db" / "north_korea_missile_test_database.csv", encoding="cp1252")
    day = pd.to_datetime(cns["Date"], format="%d-%b-%y", errors="coerce")
    month = pd.to_datetime(cns["Date"], format="%b-%y", errors="coerce")
    when = day.fillna(month)
    assert when.notna().all()
    when = when.where(when.dt.year < 2030, when - pd.DateOffset(years=100))
    cns_monthly = when.dt.to_period("M").value_counts()
    bundled = data.missile_launches.loc[:"2023-03-01"]
    cns_aligned = cns_monthly.reindex(bundled.index.to_period("M"), fill_value=0).to_numpy()
    np.testing.assert_array_equal(bundled.to_numpy(), cns_aligned)
    assert len(cns) == 245


def test_package_does_not_copy_shared_files(shared_data):
    shared = {hashlib.sha256(p.read_bytes()).hexdigest() for p in shared_data.rglob("*") if p.is_file()}
    folder = resources.files("summitcast.datasets").joinpath("data")
    for entry in folder.iterdir():
        assert hashlib.sha256(entry.read_bytes()).hexdigest() not in shared, entry.name


def test_summary_and_html(data):
    text = data.summary()
    assert "9 stand-alone summits" in text and "record through" in text
    for name, date in data.record_through.items():
        assert f"{name}" in text and f"{date:%Y-%m-%d}" in text
    assert "2026-01 (as_of)" in text
    assert data._repr_html_().startswith("<pre>")
