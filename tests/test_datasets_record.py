"""Record-through dates, vintages (``truncate``), summit series, diplomatic
steps, leaders and elections of the bundled trilateral record.

The reference values are the public record as cited in ``sources.csv``; the
vintage test perturbs everything after a date and checks that ``truncate``
cannot see it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from summitcast.datasets import (
    MEETING_KINDS, OUTCOME_TABLES, STEP_KIND_RULES, STEP_KINDS, TrilateralData, load_trilateral,
)
from summitcast.datasets._trilateral import _read

TABLES = ("summits", "meetings", "series_meetings", "steps", "crises", "nuclear_tests",
          "missile_launches", "leaders", "elections", "trade")


@pytest.fixture(scope="module")
def data():
    return load_trilateral()


def _last_complete(date):
    return ((pd.Timestamp(date) + pd.Timedelta(days=1)).to_period("M") - 1).to_timestamp()


def _ids(cell):
    return set(str(cell).split(";"))


# ---------------------------------------------------------------- record through

def test_record_through_names_dates_and_as_of(data):
    rt = data.record_through
    assert tuple(rt) == TABLES
    assert all(isinstance(v, pd.Timestamp) for v in rt.values())
    assert rt["summits"] == pd.Timestamp("2026-01-31")
    assert rt["missile_launches"] == pd.Timestamp("2026-04-30")
    assert rt["nuclear_tests"] == pd.Timestamp("2025-11-05")
    # the table-level date of series_meetings is its least current ongoing series
    ongoing = data.series[data.series["coverage_end"].isna()]
    assert rt["series_meetings"] == ongoing["record_through"].min() == pd.Timestamp("2024-11-30")
    # as_of: a month start, complete in every outcome table, the next month not in all
    assert data.as_of == pd.Timestamp("2026-01-01") and data.as_of.day == 1
    assert set(OUTCOME_TABLES) <= set(rt)
    for table in OUTCOME_TABLES:
        assert data.as_of + pd.offsets.MonthEnd(0) <= rt[table], table
    assert any(data.as_of + pd.DateOffset(months=1) + pd.offsets.MonthEnd(0) > rt[t] for t in OUTCOME_TABLES)


def test_no_event_column_is_zero_past_its_record_through(data):
    ind = data.indicators
    src = data.indicator_sources
    assert ind.index.name == "month" and ind.index.freqstr == "MS"
    assert set(src.index) == set(ind.columns) and set(src["table"]) <= set(TABLES)
    nan_after = 0
    for column, row in src.iterrows():
        # a column's own date: its table's, or (trade) its series' within the table's
        if row["table"] == "trade":
            assert row["record_through"] >= data.record_through["trade"]
        else:
            assert row["record_through"] == data.record_through[row["table"]], column
        last = _last_complete(row["record_through"])
        assert ind.loc[ind.index > last, column].isna().all(), column
        if row["table"] == "trade":
            # the trade record starts in 2001; inside it a month is unknown only
            # as part of a whole year with neither monthly figures nor a
            # published annual total (load_trade leaves such years NaN)
            inside = ind.loc["2001-01-01":last, column]
            gap_years = set(inside.index[inside.isna()].year)
            for year in gap_years:
                assert inside[str(year)].isna().all(), (column, year)
            assert len(gap_years) <= 1, (column, sorted(gap_years))
        else:
            assert ind.loc["1999-01-01":last, column].notna().all(), column
        nan_after += int((ind.index > last).sum())
    assert nan_after > 0  # the panel does run past some tables' record-through dates
    # a month only partly covered is NaN: nuclear tests are recorded to 5 Nov 2025
    assert ind.loc["2025-10-01", "nuclear_tests"] == 0 and np.isnan(ind.loc["2025-11-01", "nuclear_tests"])
    assert ind.index[-1] == max(_last_complete(v) for v in data.record_through.values())


def test_crisis_flags_end_with_the_public_act_that_ended_them(data):
    ind = data.indicators
    # the months of the sourced public acts that ended each crisis (see the data README)
    expected_ends = {"garlic_war": "2000-07", "leek_safeguard": "2001-12", "textbook_2001": "2001-04",
                     "textbook_revision_2001": "2001-10", "yasukuni_koizumi_china": "2006-10",
                     "takeshima_day_2005": "2005-05", "yasukuni_koizumi_korea": "2006-10",
                     "takeshima_guidelines_2008": "2008-08", "trawler_2010": "2010-10",
                     "dokdo_visit_2012": "2012-08", "senkaku_nationalisation": "2014-11",
                     "yasukuni_ministers_2013": "2013-07", "yasukuni_abe_2013_china": "2014-11",
                     "yasukuni_abe_2013_korea": "2015-11", "thaad": "2017-10", "busan_statue_2016": "2017-04",
                     "export_controls": "2023-03", "g7_taiwan_2022": "2022-11",
                     "covid_entry_2022_japan": "2023-01", "covid_entry_2022_korea": "2023-02",
                     "treated_water": "2025-06"}
    assert set(expected_ends) | {"taiwan_remarks"} == set(data.crises["crisis_key"])
    for key, month in expected_ends.items():
        end = pd.Timestamp(month + "-01")
        assert ind.loc[end, f"{key}_since"] == 1
        assert ind.loc[end + pd.DateOffset(months=1), f"{key}_since"] == 0
        onset = data.crises.set_index("crisis_key").loc[key, "onset"].to_period("M").to_timestamp()
        before = end - pd.DateOffset(months=1)
        assert ind.loc[before, f"{key}_since"] == (1 if before >= onset else 0)
    open_crisis = data.crises.set_index("crisis_key").loc["taiwan_remarks"]
    assert pd.isna(open_crisis["end"])
    assert ind.loc["2026-01-01", "taiwan_remarks_since"] == 1
    assert (data.crises["end"].dropna() >= data.crises.loc[data.crises["end"].notna(), "onset"]).all()


def test_crises_rows_follow_the_inclusion_rule(data):
    """Every crisis is between two of the three members and has sourced onset and end."""
    c = data.crises
    known = set(data.sources.index)
    members = {"CHN", "JPN", "KOR"}
    for _, row in c.iterrows():
        parties = row["parties"].split(";")
        assert len(parties) == 2 and len(set(parties)) == 2 and set(parties) <= members, row["crisis_key"]
        assert _ids(row["source_ids"]) and _ids(row["source_ids"]) <= known, row["crisis_key"]
        if pd.isna(row["end"]):
            assert row["end_event"].startswith("open:"), row["crisis_key"]
        else:
            assert _ids(row["end_source_ids"]) <= known and len(_ids(row["end_source_ids"])) >= 1, row["crisis_key"]
            assert row["end_precision"] in ("day", "month"), row["crisis_key"]
    assert c["date_precision"].isin(["day", "month"]).all()
    assert c["crisis_key"].is_unique
    # all three pairs appear, with dated facts checked against their reports
    assert {frozenset(p.split(";")) for p in c["parties"]} == {
        frozenset({"CHN", "JPN"}), frozenset({"CHN", "KOR"}), frozenset({"JPN", "KOR"})}
    k = c.set_index("crisis_key")
    assert k.loc["textbook_2001", "end"] == pd.Timestamp("2001-04-19")  # Choi back in Tokyo
    assert k.loc["dokdo_visit_2012", "onset"] == pd.Timestamp("2012-08-10")
    assert k.loc["busan_statue_2016", "end"] == pd.Timestamp("2017-04-04")  # Nagamine back in Seoul
    assert k.loc["senkaku_nationalisation", "onset"] == pd.Timestamp("2012-09-11")
    # the G7 statement of 3 Aug 2022; the Phnom Penh meeting dropped the next day, Bangkok summit 17 Nov
    assert k.loc["g7_taiwan_2022", ["onset", "end", "parties"]].tolist() == [
        pd.Timestamp("2022-08-03"), pd.Timestamp("2022-11-17"), "CHN;JPN"]
    # entry curbs announced 27 Dec (Japan) and 30 Dec 2022 (ROK); China's visas back 29 Jan and 18 Feb 2023
    assert k.loc["covid_entry_2022_japan", ["onset", "end", "parties"]].tolist() == [
        pd.Timestamp("2022-12-27"), pd.Timestamp("2023-01-29"), "CHN;JPN"]
    assert k.loc["covid_entry_2022_korea", ["onset", "end", "parties"]].tolist() == [
        pd.Timestamp("2022-12-30"), pd.Timestamp("2023-02-18"), "CHN;KOR"]


def test_every_row_of_every_table_is_sourced(data):
    known = set(data.sources.index)
    assert data.sources["url"].str.startswith("http").all()
    frames = {"summits": data.summits, "meetings": data.meetings, "steps": data.steps,
              "series_meetings": data.series_meetings, "series": data.series, "crises": data.crises,
              "nuclear_tests": data.nuclear_tests, "leaders": data.leaders, "elections": data.elections,
              "trade": data.trade, "trade_monthly": data.trade_monthly,
              "record_through.csv": _read("record_through.csv")}
    used = set()
    for name, table in frames.items():
        assert table["source_ids"].notna().all(), name
        for cell in table["source_ids"]:
            assert _ids(cell) <= known, (name, cell)
            used |= _ids(cell)
    ended = data.crises.dropna(subset=["end"])
    assert ended["end_source_ids"].notna().all()
    for cell in ended["end_source_ids"]:
        assert _ids(cell) <= known
        used |= _ids(cell)
    for cell in data.indicator_sources["source_ids"]:
        used |= _ids(cell)
    assert used == known  # no source is listed without a row citing it


def test_dates_are_valid_and_within_record_through(data):
    rt = data.record_through
    precisions = {"day", "month", "year"}
    for name, table, col in (("meetings", data.meetings, "date"), ("steps", data.steps, "date"),
                             ("nuclear_tests", data.nuclear_tests, "date"), ("elections", data.elections, "date")):
        dates = table[col]
        assert dates.notna().all(), name
        assert (dates >= pd.Timestamp("1999-01-01")).all() or name == "meetings", name
        assert (dates <= rt[name]).all(), name
    for table in (data.meetings, data.steps, data.series_meetings, data.elections):
        assert set(table["date_precision"]) <= precisions
        month_only = table["date_precision"] == "month"
        assert (table.loc[month_only, "date"].dt.day == 1).all()
    held = data.summits[data.summits["held"] == True]  # noqa: E712
    assert held["date"].notna().all() and (held["date"] <= rt["summits"]).all()
    for table in (data.summits, data.meetings, data.series_meetings):
        both = table.dropna(subset=["date", "date_end"])
        assert (both["date_end"] >= both["date"]).all()
        assert ((both["date_end"] - both["date"]) <= pd.Timedelta(days=7)).all()
    sm = data.series_meetings.merge(data.series[["series", "coverage_start", "record_through"]], on="series")
    assert (sm["date"] >= sm["coverage_start"]).all()
    assert (sm["date"] <= sm["record_through"]).all()
    assert (data.crises["onset"] <= rt["crises"]).all() and (data.crises["end"].dropna() <= rt["crises"]).all()
    led = data.leaders
    assert (led["took_office"].dropna() <= rt["leaders"]).all()
    assert (led["left_office"].dropna() <= rt["leaders"]).all()
    both = led.dropna(subset=["took_office", "left_office"])
    assert (both["left_office"] >= both["took_office"]).all()
    assert data.missile_launches.index[-1] == _last_complete(rt["missile_launches"])


# ---------------------------------------------------------------- series

def test_series_table_and_kinds(data):
    s = data.series.set_index("series")
    assert set(s.index) == set(data.series_meetings["series"])
    assert {"trilateral", "trilateral_sideline", "trilateral_foreign_ministers"} <= set(s.index)
    assert s["event_rule"].str.len().gt(30).all() and s["members"].notna().all()
    assert set(data.series_meetings["kind"]) <= set(MEETING_KINDS)
    for col in ("host", "venue_country"):
        codes = data.series_meetings[col].dropna()
        assert codes.str.fullmatch(r"[A-Z]{3}").all(), col
    # visits are hosted by a member of the series, in the host's country
    visits = data.series_meetings[data.series_meetings["kind"] == "visit"]
    members = visits["series"].map(s["members"])
    assert all(h in m.split(";") for h, m in zip(visits["host"], members))
    assert (visits["host"] == visits["venue_country"]).all()


def test_no_duplicate_events_in_a_series(data):
    sm = data.series_meetings
    assert not sm.duplicated(["series", "meeting_key"]).any()
    assert not sm.duplicated(["series", "date"]).any()
    assert not sm["meeting_key"].duplicated().any()
    steps = data.steps
    assert not steps.duplicated(["series", "step_key"]).any()
    assert not steps.duplicated(["series", "date", "kind"]).any()


def test_every_series_has_an_event_within_its_stated_gap(data):
    """Sanity rule: for each series, the months between the start of its
    coverage, each event and the end of its record never exceed the
    ``max_gap_months`` stated in series.csv (24 for the annual ASEAN-based
    summits, longer for bilateral visits, whose real gaps are stated)."""
    for _, row in data.series.iterrows():
        dates = data.series_meetings.loc[data.series_meetings["series"] == row["series"], "date"].sort_values()
        end = row["coverage_end"] if pd.notna(row["coverage_end"]) else row["record_through"]
        points = [row["coverage_start"], *dates, end]
        gaps = [(b.year - a.year) * 12 + (b.month - a.month) for a, b in zip(points, points[1:])]
        assert max(gaps) <= row["max_gap_months"], (row["series"], max(gaps))
        assert len(dates) >= 5, row["series"]
    annual = data.series[data.series["series"].isin(["asean_plus_three", "east_asia_summit"])]
    assert (annual["max_gap_months"] <= 24).all()


def test_series_meetings_match_the_public_record(data):
    sm = data.series_meetings
    counts = sm["series"].value_counts()
    assert int(counts.drop(["trilateral", "trilateral_sideline"]).sum()) >= 100
    tri = sm[sm["series"] == "trilateral"]
    assert len(tri) == 9 and list(tri["date"].dt.strftime("%Y-%m-%d"))[-1] == "2024-05-26"
    assert tri["outcome_level"].notna().all()
    fm = sm[sm["series"] == "trilateral_foreign_ministers"]
    assert len(fm) == 13 and fm.set_index("meeting_key").loc["fm-2004-11", "venue_country"] == "LAO"
    by_key = sm.set_index("meeting_key")
    assert by_key.loc["usjk-2023-08", ["date", "kind", "city"]].tolist() == [pd.Timestamp("2023-08-18"), "standalone", "Camp David"]
    assert by_key.loc["jk-2023-03", "date"] == pd.Timestamp("2023-03-16")
    assert by_key.loc["ck-2014-07", ["host", "city"]].tolist() == ["KOR", "Seoul"]
    assert by_key.loc["cj-2018-10", "date"] == pd.Timestamp("2018-10-26")
    apt = sm[sm["series"] == "asean_plus_three"]
    assert apt["date"].dt.year.value_counts().reindex([2006, 2008], fill_value=0).eq(0).all()
    assert by_key.loc["eas-2005", "date"] == pd.Timestamp("2005-12-14")


# ---------------------------------------------------------------- steps

def test_step_kinds_and_derivation(data):
    steps = data.steps
    assert set(STEP_KIND_RULES) == set(STEP_KINDS)
    assert set(steps["kind"]) <= set(STEP_KINDS)
    assert steps["statement"].str.len().gt(20).all()
    held_fm = data.meetings[(data.meetings["held"] == True)  # noqa: E712
                            & data.meetings["kind"].isin(["foreign_ministers", "three_party_committee_foreign_ministers"])]
    fm_steps = steps[steps["kind"] == "foreign_ministers_meeting"]
    assert sorted(fm_steps["date"]) == sorted(held_fm["date"])
    assert set(fm_steps["step_key"]) == {"tri-" + k for k in held_fm["meeting_key"]}
    typed = _read("steps.csv")
    tri_typed = typed[typed["series"] == "trilateral"]
    assert (pd.to_datetime(tri_typed["date"]) >= pd.Timestamp("2008-01-01")).all()
    by_key = steps.set_index("step_key")
    assert by_key.loc["tri-2016-12-13-postpone", "kind"] == "postponement"
    assert by_key.loc["tri-2025-11-22-refuse", "kind"] == "refusal"


def test_typed_steps_are_dated_by_a_contemporaneous_report(data):
    """No look-ahead: each hand-typed step has a source published no more than
    a week after the step's date (the month, for month-precision steps)."""
    published = data.sources["published"]
    typed = _read("steps.csv")
    for _, row in typed.iterrows():
        date = pd.Timestamp(row["date"])
        dates = [published[s] for s in row["source_ids"].split(";") if pd.notna(published[s])]
        assert dates, row["step_key"]
        if row["date_precision"] == "month":
            assert any(d[:7] == row["date"][:7] for d in dates), row["step_key"]
            continue
        days = [d for d in dates if len(d) == 10]
        assert days, row["step_key"]
        lag = min(pd.Timestamp(d) - date for d in days if pd.Timestamp(d) >= date - pd.Timedelta(days=1))
        assert lag <= pd.Timedelta(days=7), (row["step_key"], lag)


# ---------------------------------------------------------------- leaders and elections

@pytest.mark.parametrize("country,office", [("JPN", "prime_minister"), ("KOR", "president"),
                                            ("CHN", "president"), ("CHN", "premier")])
def test_terms_of_office_are_contiguous(data, country, office):
    terms = data.leaders[(data.leaders["country"] == country) & (data.leaders["office"] == office)
                         & (data.leaders["acting"] == False)].sort_values("left_office", na_position="last")  # noqa: E712
    assert terms["took_office"].isna().sum() <= 1
    starts = terms["took_office"].fillna(pd.Timestamp("1990-01-01"))
    assert starts.iloc[0] <= pd.Timestamp("1999-01-01")
    assert terms["left_office"].iloc[:-1].notna().all() and pd.isna(terms["left_office"].iloc[-1])
    acting = data.leaders[(data.leaders["country"] == country) & (data.leaders["office"] == office)
                          & (data.leaders["acting"] == True)]  # noqa: E712
    for left, nxt in zip(terms["left_office"].iloc[:-1], starts.iloc[1:]):
        assert nxt >= left, (left, nxt)
        if nxt - left > pd.Timedelta(days=1):  # a vacancy: acting holders cover it day by day
            day = left
            while day < nxt - pd.Timedelta(days=1):
                covering = acting[(acting["took_office"] <= day + pd.Timedelta(days=1)) & (acting["left_office"] > day)]
                assert len(covering), (country, office, day)
                day = covering["left_office"].max()


def test_acting_presidents_cover_the_suspensions(data):
    kor = data.leaders[data.leaders["country"] == "KOR"]
    acting = kor[kor["acting"] == True].sort_values("took_office")  # noqa: E712
    assert list(acting["leader"]) == ["Hwang Kyo-ahn", "Han Duck-soo", "Choi Sang-mok", "Han Duck-soo", "Lee Ju-ho"]
    y = acting[acting["took_office"] >= pd.Timestamp("2024-01-01")]
    # December 2024 to June 2025 without a gap of more than a day
    for left, nxt in zip(y["left_office"].iloc[:-1], y["took_office"].iloc[1:]):
        assert pd.Timedelta(0) <= nxt - left <= pd.Timedelta(days=1)
    lee = kor[kor["leader"] == "Lee Jae-myung"].iloc[0]
    assert y["left_office"].iloc[-1] == lee["took_office"] == pd.Timestamp("2025-06-04")


def test_elections_match_the_terms_they_produced(data):
    e = data.elections
    assert set(e["kind"]) == {"national_legislative", "presidential", "party_leadership"}
    kor_pres = e[(e["country"] == "KOR") & (e["kind"] == "presidential")]["date"]
    kor = data.leaders[(data.leaders["country"] == "KOR") & (data.leaders["acting"] == False)  # noqa: E712
                       & (data.leaders["took_office"] > pd.Timestamp("2000-01-01"))]
    for start in kor["took_office"]:
        lag = start - kor_pres[kor_pres <= start].max()
        assert pd.Timedelta(0) < lag <= pd.Timedelta(days=100), start
    hoc = e[(e["country"] == "JPN") & (e["body"] == "House of Councillors")]["date"].dt.year
    assert list(hoc) == list(range(2001, 2026, 3))
    assert (e[(e["country"] == "CHN")]["date"].dt.year.diff().dropna() == 5).all()


# ---------------------------------------------------------------- vintages

def _perturbed_after(data: TrilateralData, cut: pd.Timestamp) -> TrilateralData:
    """Every fact dated after ``cut`` changed, removed or invented."""
    late_year = data.summits["year"] > cut.year
    s = data.summits.copy()
    this_year = (s["series"] == "standalone") & (s["year"] == cut.year)
    for mask in (late_year, this_year):
        s.loc[mask, "held"] = False
        s.loc[mask, ["date", "date_end"]] = pd.NaT
        s.loc[mask, "reason_not_held"] = "invented later reason"
        s.loc[mask, "documents"] = np.nan
        s.loc[mask, "outcome_level"] = pd.NA
    m = data.meetings[data.meetings["date"] <= cut].copy()
    fake_m = m.iloc[[-1]].assign(meeting_key="fake-fm", date=cut + pd.Timedelta(days=20), number=99)
    m = pd.concat([m, fake_m], ignore_index=True)
    st = data.steps.copy()
    later = st["date"] > cut
    st.loc[later, "date"] = st.loc[later, "date"] + pd.Timedelta(days=3)
    st.loc[later, "statement"] = "invented"
    st = st[~(later & (st["kind"] == "refusal"))]
    sm = data.series_meetings.copy()
    later = sm["date"] > cut
    sm = sm[~(later & (sm["series"] == "japan_korea_visits"))].copy()
    sm.loc[sm["date"] > cut, "city"] = "Nowhere"
    fake = sm.iloc[[0]].assign(meeting_key="fake-1", date=cut + pd.Timedelta(days=5), series="east_asia_summit")
    sm = pd.concat([sm, fake], ignore_index=True)
    c = data.crises.copy()
    c.loc[c["onset"] > cut, "onset"] = c.loc[c["onset"] > cut, "onset"] + pd.Timedelta(days=40)
    c.loc[c["end"] > cut, "end"] = cut + pd.Timedelta(days=1)
    nt = pd.concat([data.nuclear_tests, data.nuclear_tests.iloc[[-1]].assign(date=cut + pd.Timedelta(days=9))],
                   ignore_index=True)
    ml = data.missile_launches.copy()
    ml[ml.index > cut] = ml[ml.index > cut] * 3 + 1
    led = data.leaders.copy()
    led.loc[led["took_office"] > cut, "leader"] = "Somebody Else"
    led.loc[led["left_office"] > cut, "left_office"] = cut + pd.Timedelta(days=2)
    el = pd.concat([data.elections, data.elections.iloc[[-1]].assign(date=cut + pd.Timedelta(days=11))],
                   ignore_index=True)
    tr = data.trade.copy()
    tr.loc[tr["year"] >= cut.year, "value"] = -1.0
    series = data.series.copy()
    series.loc[series["record_through"] > cut, "record_through"] = pd.Timestamp("2031-01-31")
    rt = {k: (pd.Timestamp("2030-06-30") if v > cut else v) for k, v in data.record_through.items()}
    return dataclasses.replace(
        data, summits=s, meetings=m, steps=st, series_meetings=sm, series=series, crises=c, nuclear_tests=nt,
        missile_launches=ml, leaders=led, elections=el, trade=tr, record_through=rt,
        indicators=data.indicators * np.nan,
    )


def _assert_same(a: TrilateralData, b: TrilateralData):
    for f in dataclasses.fields(TrilateralData):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, obj=f.name)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, obj=f.name)
        else:
            assert x == y, f.name


@pytest.mark.parametrize("month", ["2015-06", "2019-06", "2023-11", "2025-10"])
def test_truncate_cannot_see_anything_after_its_month(data, month):
    cut = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
    _assert_same(data.truncate(month), _perturbed_after(data, cut).truncate(month))


def test_truncate_gives_the_vintage_of_the_month(data):
    v = data.truncate("2019-06")
    cut = pd.Timestamp("2019-06-30")
    assert v.as_of == pd.Timestamp("2019-06-01") and v.indicators.index[-1] == v.as_of
    assert all(d <= cut for d in v.record_through.values())
    assert v.record_through["summits"] == cut
    # trade: May 2019 figures were published in June; 2018's totals in January
    assert v.record_through["trade"] == pd.Timestamp("2019-05-31") and v.trade["year"].max() == 2018
    assert v.indicators.loc["2019-06-01", "trade_kor_chn_exports"] != v.indicators.loc["2019-06-01", "trade_kor_chn_exports"]
    assert v.indicators.loc["2019-05-01", "trade_kor_chn_exports"] > 0
    s = v.summits.set_index("summit_key")
    # the 2019 summit (Chengdu, 24 Dec) was not yet known at the end of June 2019
    assert pd.isna(s.loc["summit-2019", "held"]) and pd.isna(s.loc["summit-2019", "date"])
    assert s.loc["summit-2019", "number"] == 8 and s.loc["summit-2019", "host"] == "CHN"
    assert "summit-2020" not in s.index and s.loc["summit-2018", "held"] == True  # noqa: E712
    assert set(v.crises["crisis_key"]) == set(data.crises["crisis_key"]) - {
        "g7_taiwan_2022", "covid_entry_2022_japan", "covid_entry_2022_korea", "treated_water", "taiwan_remarks"}
    assert v.crises.set_index("crisis_key").loc["thaad", "end"] == pd.Timestamp("2017-10-31")
    # the forced-labour ruling (30 Oct 2018) was public; the 2023 end was not
    assert pd.isna(v.crises.set_index("crisis_key").loc["export_controls", "end"])
    assert (v.series_meetings["date"] <= cut).all() and (v.steps["date"] <= cut).all()
    moon = v.leaders[v.leaders["leader"] == "Moon Jae-in"].iloc[0]
    assert pd.isna(moon["left_office"])
    assert v.missile_launches.index[-1] == v.as_of
    assert v.record_through["series_meetings"] == cut
    # a year that had ended is kept as it was known at its end
    v2 = data.truncate("2017-12")
    assert v2.summits.set_index("summit_key").loc["summit-2017", "held"] == False  # noqa: E712
    # months in the panel agree with the full panel up to the vintage (trade: up to
    # the vintage's last published month; the later nowcast is another vintage's)
    events = [c for c in v.indicators.columns if not c.startswith("trade_")]
    full = data.indicators.loc[: v.as_of, events]
    pd.testing.assert_frame_equal(v.indicators[events], full, check_freq=False)
    trade_cols = [c for c in v.indicators.columns if c.startswith("trade_")]
    last = _last_complete(v.record_through["trade"])
    pd.testing.assert_frame_equal(v.indicators.loc[:last, trade_cols], data.indicators.loc[:last, trade_cols],
                                  check_freq=False)


def test_truncate_accepts_dates_and_periods(data):
    a = data.truncate("2019-06")
    for same in (pd.Timestamp("2019-06-17"), dt.date(2019, 6, 30), pd.Period("2019-06", "M"), "2019-06-01"):
        _assert_same(a, data.truncate(same))
    assert data.truncate(data.as_of).as_of == data.as_of


def test_truncate_before_any_trade_was_published(data):
    v = data.truncate("2000-06")
    assert v.as_of == pd.Timestamp("2000-06-01") and len(v.trade) == 0 and len(v.trade_monthly) == 0
    assert v.record_through["trade"] == pd.Timestamp("2000-06-30")
    trade_cols = [c for c in v.indicators.columns if c.startswith("trade_")]
    assert len(trade_cols) == 12 and v.indicators[trade_cols].isna().all().all()
    first = data.truncate("2001-02")  # January 2001 figures were out by the end of February
    assert first.record_through["trade"] == pd.Timestamp("2001-01-31") and len(first.trade_monthly) == 4


@pytest.mark.parametrize("bad", ["1998-12", "2026-02", "2030-01-01", "not a month"])
def test_truncate_rejects_months_outside_the_record(data, bad):
    with pytest.raises(ValueError, match=r"as_of.*" + bad.split("-")[0]):
        data.truncate(bad)


@pytest.mark.parametrize("bad", [2019, 2019.5, True, ["2019-06"], {"month": 6}])
def test_truncate_rejects_non_dates(data, bad):
    with pytest.raises(TypeError, match="as_of"):
        data.truncate(bad)
    with pytest.raises(ValueError, match="as_of.*None"):
        data.truncate(None)
