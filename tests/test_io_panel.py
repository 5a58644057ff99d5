"""build_indicator_panel on hand-checked fixtures, a brute-force oracle and the real GDELT slice."""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import pytest

from summitcast.io import DataFileWarning, build_indicator_panel, quad_class_from_root, read_gdelt_events

NAN = np.nan


def _events(rows):
    df = pd.DataFrame(rows, columns=["date", "Actor1CountryCode", "Actor2CountryCode", "EventRootCode", "QuadClass",
                                     "GoldsteinScale", "AvgTone"])
    df["date"] = pd.to_datetime(df["date"])
    return df


HAND = [
    ("2020-01-05", "CHN", "JPN", "04", 1, 1.0, 2.0),
    ("2020-01-20", "CHN", "JPN", "19", 4, -10.0, -5.0),
    ("2020-01-25", "JPN", "CHN", "04", 1, 2.0, NAN),
    ("2020-02-10", "KOR", "PRK", "11", 3, -2.0, -1.0),
    ("2020-03-15", "CHN", "JPN", "05", 1, 3.0, 1.0),   # March is not covered
    ("2020-04-01", "CHN", "JPN", "03", 1, 4.0, 1.5),
    ("2020-04-02", "USA", "CHN", "04", 1, 1.0, 1.0),   # not a chosen dyad
]
COVERED_DAYS = pd.DatetimeIndex(["2020-01-01", "2020-01-31", "2020-02-15", "2020-04-30"])


@pytest.fixture()
def hand():
    df = _events(HAND)
    df.attrs["coverage_days"] = COVERED_DAYS
    return df


def test_hand_checked_directed(hand):
    with pytest.warns(DataFileWarning, match="1 event"):
        p = build_indicator_panel(hand, [("CHN", "JPN"), ("JPN", "CHN"), ("KOR", "PRK")])
    assert list(p.index) == list(pd.date_range("2020-01-01", "2020-04-01", freq="MS"))
    assert p.index.freqstr == "MS"
    cj = p["CHN->JPN"]
    np.testing.assert_array_equal(cj["events"].to_numpy(), [2, 0, NAN, 1])
    np.testing.assert_array_equal(cj["root_04"].to_numpy(), [1, 0, NAN, 0])
    np.testing.assert_array_equal(cj["root_19"].to_numpy(), [1, 0, NAN, 0])
    np.testing.assert_array_equal(cj["root_03"].to_numpy(), [0, 0, NAN, 1])
    np.testing.assert_array_equal(cj["quad_1"].to_numpy(), [1, 0, NAN, 1])
    np.testing.assert_array_equal(cj["quad_4"].to_numpy(), [1, 0, NAN, 0])
    np.testing.assert_array_equal(cj["goldstein_mean"].to_numpy(), [-4.5, NAN, NAN, 4.0])
    np.testing.assert_array_equal(cj["tone_mean"].to_numpy(), [-1.5, NAN, NAN, 1.5])
    np.testing.assert_array_equal(p[("JPN->CHN", "events")].to_numpy(), [1, 0, NAN, 0])
    assert np.isnan(p.loc["2020-01-01", ("JPN->CHN", "tone_mean")])  # its only event has no tone
    np.testing.assert_array_equal(p[("KOR->PRK", "events")].to_numpy(), [0, 1, NAN, 0])
    np.testing.assert_array_equal(p[("KOR->PRK", "quad_3")].to_numpy(), [0, 1, NAN, 0])
    # NaN (not covered) and 0 (covered, nothing happened) are never confused
    assert p.attrs["covered"].tolist() == [True, True, False, True]
    assert p.loc["2020-03-01"].isna().all()
    assert (p.loc["2020-02-01", (slice(None), "events")] == [0, 0, 1]).all()
    assert p.attrs["events_outside_coverage"] == 1


def test_hand_checked_undirected_and_chunks(hand):
    with pytest.warns(DataFileWarning):
        whole = build_indicator_panel(hand, [("CHN", "JPN")], directed=False, measures=("count", "goldstein", "tone"))
    np.testing.assert_array_equal(whole[("CHN-JPN", "events")].to_numpy(), [3, 0, NAN, 1])
    np.testing.assert_allclose(whole[("CHN-JPN", "goldstein_mean")].to_numpy(), [-7 / 3, NAN, NAN, 4.0])
    np.testing.assert_allclose(whole[("CHN-JPN", "tone_mean")].to_numpy(), [-1.5, NAN, NAN, 1.5])
    assert list(whole.columns.get_level_values(1)) == ["events", "goldstein_mean", "tone_mean"]
    chunks = [hand.iloc[:2], hand.iloc[2:5], hand.iloc[5:]]
    with pytest.warns(DataFileWarning):
        chunked = build_indicator_panel(iter(chunks), [("CHN", "JPN")], directed=False,
                                        measures=("count", "goldstein", "tone"))
    pd.testing.assert_frame_equal(chunked, whole)


def test_coverage_inferred_or_given():
    df = _events(HAND[:4])  # no coverage attrs: Jan..Feb, both covered
    p = build_indicator_panel(df, [("CHN", "JPN")])
    assert p.attrs["covered"].all() and len(p) == 2
    q = build_indicator_panel(df, [("CHN", "JPN")], coverage=("2019-11-01", "2020-02-29"))
    np.testing.assert_array_equal(q[("CHN->JPN", "events")].to_numpy(), [0, 0, 2, 0])
    y = build_indicator_panel(df, [("CHN", "JPN")], freq="QS")
    assert y[("CHN->JPN", "events")].tolist() == [2.0] and y.index.freqstr == "QS-JAN"


def _brute_force(df, pairs, months):
    """Loop over events one by one (the oracle)."""
    out = {}
    for a, b in pairs:
        for m in months:
            sel = [r for r in df.itertuples() if (r.Actor1CountryCode, r.Actor2CountryCode) == (a, b)
                   and r.date.to_period("M") == m.to_period("M")]
            g = [r.GoldsteinScale for r in sel]
            out[(f"{a}->{b}", m)] = {
                "events": len(sel),
                "roots": {f"root_{k:02d}": sum(r.EventRootCode == f"{k:02d}" for r in sel) for k in range(1, 21)},
                "quads": {f"quad_{k}": sum(r.QuadClass == k for r in sel) for k in (1, 2, 3, 4)},
                "goldstein": sum(g) / len(g) if g else NAN,
            }
    return out


def test_against_brute_force_oracle():
    rng = np.random.default_rng(11)
    n = 400
    codes = np.array(["CHN", "JPN", "KOR", "PRK", "USA"])
    days = pd.date_range("2021-01-01", "2021-06-30", freq="D")
    roots = rng.integers(1, 21, n)
    df = pd.DataFrame({
        "date": days[rng.integers(0, len(days), n)],
        "Actor1CountryCode": codes[rng.integers(0, 5, n)],
        "Actor2CountryCode": codes[rng.integers(0, 5, n)],
        "EventRootCode": [f"{r:02d}" for r in roots],
        "QuadClass": rng.integers(1, 5, n),
        "GoldsteinScale": np.round(rng.uniform(-10, 10, n), 1),
        "AvgTone": rng.normal(0, 3, n),
    })
    pairs = [("CHN", "JPN"), ("JPN", "KOR"), ("KOR", "PRK"), ("PRK", "USA")]
    panel = build_indicator_panel(df, pairs)
    months = list(pd.date_range("2021-01-01", "2021-06-01", freq="MS"))
    oracle = _brute_force(df, pairs, months)
    for (label, m), ref in oracle.items():
        row = panel.loc[m, label]
        assert row["events"] == ref["events"]
        for k, v in {**ref["roots"], **ref["quads"]}.items():
            assert row[k] == v, (label, m, k)
        if np.isnan(ref["goldstein"]):
            assert np.isnan(row["goldstein_mean"])
        else:
            assert row["goldstein_mean"] == pytest.approx(ref["goldstein"], rel=1e-12)


def test_real_gdelt_slice(shared_data):
    path = shared_data / "gdelt" / "20150218231500.export.CSV"
    raw = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    df = read_gdelt_events(path, countries=["CHN", "AUS"])
    in_feb = [r for r in raw if r[1].startswith("201502")]
    chn_aus = sum(r[7] == "CHN" and r[17] == "AUS" for r in in_feb)
    either = [r for r in in_feb if {r[7], r[17]} == {"CHN", "AUS"}]
    outside = sum({r[7], r[17]} == {"CHN", "AUS"} for r in raw if not r[1].startswith("201502"))
    ctx = pytest.warns(DataFileWarning) if outside else contextlib.nullcontext()
    with ctx:
        p = build_indicator_panel(df, [("CHN", "AUS")], directed=False)
    assert list(p.index) == [pd.Timestamp("2015-02-01")]
    assert p[("CHN-AUS", "events")].iloc[0] == len(either) == 15
    assert chn_aus == 9
    assert p[("CHN-AUS", "goldstein_mean")].iloc[0] == pytest.approx(np.mean([float(r[30]) for r in either]), 1e-12)
    assert p[("CHN-AUS", "tone_mean")].iloc[0] == pytest.approx(np.mean([float(r[34]) for r in either]), 1e-12)
    assert p.attrs["events_outside_coverage"] == outside


def test_icews_quad_derivation():
    roots = pd.Series(["01", "05", "06", "09", "10", "14", "15", "20"])
    assert quad_class_from_root(roots).tolist() == [1, 1, 2, 2, 3, 3, 4, 4]


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"freq": "D"}, ValueError, "freq must be one of"),
    ({"measures": ("count", "mood")}, ValueError, "measures must be a non-empty subset"),
    ({"dyads": []}, ValueError, "dyads is empty"),
    ({"dyads": [("CHN", "JPN"), ("CHN", "JPN")]}, ValueError, "given twice"),
    ({"dyads": ["CHN"]}, ValueError, "each dyad must be a pair"),
    ({"date": "published"}, ValueError, "date must be one of 'event', 'added'"),
])
def test_bad_arguments(hand, kwargs, exc, message):
    args = {"dyads": [("CHN", "JPN")], **kwargs}
    with pytest.raises(exc, match=message):
        build_indicator_panel(hand, **args)


def test_bad_events_type():
    with pytest.raises(TypeError, match="events must be a DataFrame or an iterable of DataFrames"):
        build_indicator_panel([[1, 2]], [("CHN", "JPN")])
    with pytest.raises(ValueError, match="events must have GDELT columns"):
        build_indicator_panel(pd.DataFrame({"x": [1]}), [("CHN", "JPN")])


def test_incident_counts_from_cns_equal_bundled_missile_counts(shared_data):
    from summitcast.datasets import load_trilateral
    from summitcast.io import incident_counts, read_cns_missile_db

    with pytest.warns(DataFileWarning):
        cns = read_cns_missile_db(shared_data / "cns_missile_db" / "north_korea_missile_test_database.csv")
    with pytest.warns(DataFileWarning, match="1 incident"):  # the launch of 12 April 2023
        counts = incident_counts(cns, coverage=("1984-04-01", "2023-03-31"))
    bundled = load_trilateral().missile_launches.loc[:"2023-03-01"]
    np.testing.assert_array_equal(counts["incidents"].to_numpy(), bundled.to_numpy())
    assert counts.index.equals(bundled.index)
    assert counts.attrs["incidents_outside_coverage"] == 1  # the one launch of 12 April 2023


def test_incident_counts_by_column_and_coverage():
    from summitcast.io import incident_counts

    df = pd.DataFrame({"date": pd.to_datetime(["2020-01-03", "2020-01-20", "2020-03-01", "2020-05-09"]),
                       "country": ["Japan", "South Korea", "Japan", "Japan"]})
    with pytest.warns(DataFileWarning, match="1 incident"):
        t = incident_counts(df, by="country", coverage=("2020-01-01", "2020-04-30"))
    assert list(t.index) == list(pd.date_range("2020-01-01", "2020-04-01", freq="MS"))
    assert t["Japan"].tolist() == [1, 0, 1, 0] and t["South Korea"].tolist() == [1, 0, 0, 0]
    assert t.attrs["incidents_outside_coverage"] == 1
    with pytest.raises(ValueError, match="freq must be one of"):
        incident_counts(df, freq="W")
