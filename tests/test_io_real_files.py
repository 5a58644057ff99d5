"""ICEWS, Comtrade and CNS readers on the real files in ../shared/data; ACLED on codebook fixtures."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from summitcast.io import (DataFileWarning, comtrade_area_codes, parse_distance_km, read_acled,
                           read_cns_missile_db, read_comtrade, read_icews)

FIXTURES = Path(__file__).parent / "fixtures"
FOUR = {"China", "Japan", "South Korea", "North Korea"}


def test_icews_sample(shared_data):
    path = shared_data / "icews" / "events.2018.sample.tab"
    df = read_icews(path)
    raw = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(df) == len(raw) == 3705
    first = df.iloc[0]
    assert (first["Event ID"], first["CAMEO Code"], first["Intensity"]) == (32889836, "040", 1.0)
    assert first["Source Country"] == "Bangladesh" and first["Latitude"] == 21.0245
    assert pd.isna(first["District"])  # the text NA is missing
    assert int(df.isna().drop(columns="date").sum().sum()) == sum(v == "NA" for r in raw for v in r) == 7432
    assert set(df["date"]) == {pd.Timestamp("2018-06-01"), pd.Timestamp("2018-06-02")}
    involve = df["Source Country"].isin(FOUR) | df["Target Country"].isin(FOUR)
    assert int(involve.sum()) == 900
    between = df["Source Country"].isin(FOUR) & df["Target Country"].isin(FOUR) & (
        df["Source Country"] != df["Target Country"])
    assert int(between.sum()) == 62
    assert df["CAMEO Code"].str.match(r"^\d{3,4}$").all()


def _csv_rows(path, encoding):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def test_comtrade_legacy_real(shared_data):
    path = shared_data / "comtrade" / "comtrade_legacy_china_sitc.csv"
    df = read_comtrade(path)
    rows = _csv_rows(path, "utf-8")
    assert len(df) == len(rows) - 1 == 3184
    assert df.attrs["encodings"][str(path)] == "utf-8"
    assert (df["layout"] == "legacy").all() and (df["freq"] == "A").all() and df["month"].isna().all()
    assert sorted(df["year"].unique()) == [2010, 2011, 2012, 2013, 2014]
    assert set(df["partner_iso3"]) == {"DEU", "HKG", "JPN", "KOR", "USA"}
    first = df.iloc[0]
    assert (first["partner_iso3"], first["flow"], first["commodity_code"], first["value_usd"]) == (
        "DEU", "import", "00", 2062530.0)
    h = rows[0]
    for iso in ("JPN", "KOR"):
        ref = sum(float(r[h.index("Trade Value (US$)")]) for r in rows[1:]
                  if r[h.index("Partner ISO")] == iso and r[h.index("Trade Flow")] == "Export")
        got = df.loc[(df["partner_iso3"] == iso) & (df["flow"] == "export"), "value_usd"].sum()
        assert got == ref
    # 842 is Comtrade's code for the USA (ISO numeric 840)
    assert set(df.loc[df["partner_code"] == 842, "partner_iso3"]) == {"USA"}


def test_comtrade_plus_real_cp1252_and_trailing_comma(shared_data):
    path = shared_data / "comtrade" / "comtrade_plus_thailand_hs8542.csv"
    df = read_comtrade(path)
    rows = _csv_rows(path, "cp1252")
    assert all(len(r) == 48 and r[-1] == "" for r in rows[1:])  # the trap is really there
    assert len(df) == len(rows) - 1 == 1178
    assert df.attrs["encodings"][str(path)] == "cp1252"
    assert (df["freq"] == "A").all() and df["month"].isna().all()  # refMonth 52
    years = df.groupby("partner_iso3")["year"].nunique()
    assert (years["CHN"], years["JPN"], years["KOR"], years["PRK"]) == (11, 11, 11, 5)
    h = rows[0]
    world_2014 = [r for r in rows[1:] if r[h.index("partnerCode")] == "0" and r[h.index("refYear")] == "2014"]
    got = df.loc[(df["partner_iso3"] == "W00") & (df["year"] == 2014), "value_usd"]
    assert got.tolist() == [float(world_2014[0][h.index("primaryValue")])] == [9680795326.0]
    assert "Curaçao" in set(df["partner"])  # decoded from cp1252
    assert df["commodity_code"].eq("8542").all()


def test_comtrade_code_table_agrees_with_real_files(shared_data):
    table = comtrade_area_codes().set_index("code")["iso3"]
    checked = 0
    for name, code_col, iso_col, enc in [
            ("comtrade_legacy_china_sitc.csv", "Partner Code", "Partner ISO", "utf-8"),
            ("comtrade_plus_thailand_hs8542.csv", "partnerCode", "partnerISO", "cp1252")]:
        rows = _csv_rows(shared_data / "comtrade" / name, enc)
        h = rows[0]
        pairs = {(int(r[h.index(code_col)]), r[h.index(iso_col)].strip()) for r in rows[1:]}  # "_X " has a space
        for code, iso in pairs:
            if code in table.index:
                assert table[code] == iso, (code, iso)
                checked += 1
    assert checked >= 50


def test_comtrade_without_descriptions_uses_code_table(shared_data, tmp_path):
    src = shared_data / "comtrade" / "comtrade_plus_thailand_hs8542.csv"
    rows = _csv_rows(src, "cp1252")
    h = rows[0]
    blank = [h.index(c) for c in ("reporterISO", "reporterDesc", "partnerISO", "partnerDesc", "cmdDesc")]
    out = tmp_path / "nodesc.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(h)
        for r in rows[1:50]:
            w.writerow([("" if i in blank else v) for i, v in enumerate(r)])
    df = read_comtrade(out)
    assert df["partner"].isna().all() and df["commodity"].isna().all()
    codes = comtrade_area_codes().set_index("code")["iso3"]
    mapped = df["partner_code"].isin(codes.index)
    assert (df.loc[mapped, "partner_iso3"] == df.loc[mapped, "partner_code"].map(codes)).all()
    assert df.loc[~mapped, "partner_iso3"].isna().all()
    assert sorted(df.attrs["unmapped_codes"]) == sorted(set(df.loc[~mapped, "partner_code"].astype(int)))
    assert (df["reporter_iso3"] == "THA").all()


def test_comtrade_monthly_rows_told_apart(shared_data, tmp_path):
    src = shared_data / "comtrade" / "comtrade_plus_thailand_hs8542.csv"
    rows = _csv_rows(src, "cp1252")
    h = rows[0]
    r = list(rows[1])
    r[h.index("freqCode")], r[h.index("refMonth")], r[h.index("period")] = "M", "3", "201403"
    out = tmp_path / "monthly.csv"
    with open(out, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(h)
        w.writerow(rows[1])
        w.writerow(r)
    df = read_comtrade(out)
    assert df["freq"].tolist() == ["A", "M"]
    assert df["month"].tolist()[1] == 3 and pd.isna(df["month"].tolist()[0])
    assert df["period"].tolist() == [pd.Timestamp("2014-01-01"), pd.Timestamp("2014-03-01")]


def test_cns_database_real(shared_data):
    path = shared_data / "cns_missile_db" / "north_korea_missile_test_database.csv"
    with pytest.warns(DataFileWarning, match="2 value"):
        df = read_cns_missile_db(path)
    rows = _csv_rows(path, "cp1252")
    assert len(df) == len(rows) - 1 == 245
    assert df.attrs["encoding"] == "cp1252"
    assert (df["date_precision"] == "month").sum() == 8
    assert df.loc[df["date_precision"] == "month", "date"].iloc[0] == pd.Timestamp("1984-09-01")
    first, last = df.iloc[0], df.iloc[-1]
    assert (first["date"], first["Missile Name"], first["latitude"]) == (pd.Timestamp("1984-04-09"), "Scud-B",
                                                                         40.8499966)
    assert (last["F1"], last["date"], last["distance_km_high"]) == ("245", pd.Timestamp("2023-04-12"), 1000.0)
    notes = df.attrs["notes"]
    assert notes["value"].tolist() == ["330 lm", "330 lm"]
    # every non-missing distance string parses; ranges keep both ends
    h = rows[0]
    for col, key in (("Apogee", "apogee"), ("Distance Travelled", "distance")):
        ref = [parse_distance_km(r[h.index(col)]) for r in rows[1:]]
        np.testing.assert_array_equal(df[f"{key}_km_low"].to_numpy(), [x[0] for x in ref])
    ranged = df[df["apogee_km_low"] != df["apogee_km_high"]].dropna(subset=["apogee_km_low"])
    assert (ranged["apogee_km_low"] < ranged["apogee_km_high"]).all()
    assert "\n" in " ".join(df["Additional Information"].dropna())  # embedded newlines survived


def test_parse_distance():
    assert parse_distance_km("1,000 km") == (1000.0, 1000.0, None)
    assert parse_distance_km("between 300 and 400 km") == (300.0, 400.0, None)
    lo, hi, note = parse_distance_km("Unknown")
    assert np.isnan(lo) and np.isnan(hi) and note is None
    with pytest.raises(ValueError, match="cannot read 'far' as a distance"):
        parse_distance_km("far")


def test_acled_2019_layout_fixture():
    df = read_acled(FIXTURES / "acled_2019_layout.csv")
    assert df.attrs["layout"] == "2019" and df.shape == (2, 32)
    assert df["date"].tolist() == [pd.Timestamp("2020-01-15"), pd.Timestamp("2020-02-03")]
    assert df["country"].tolist() == ["South Korea", "Japan"]
    assert df["fatalities"].tolist() == [0, 0] and df["iso"].tolist() == [410, 392]
    assert '"no"' in df["notes"].iloc[0]  # quoted text with an embedded quote and commas
    assert df["latitude"].iloc[0] == 37.57


def test_acled_2023_layout_fixture():
    df = read_acled(FIXTURES / "acled_2023_layout.csv")
    assert df.attrs["layout"] == "2023" and df.shape == (3, 32)
    assert df["event_id_cnty"].tolist() == ["PRK101", "KOR202", "JPN303"]
    assert df["fatalities"].sum() == 1 and df["time_precision"].tolist() == [1, 1, 2]
    assert pd.isna(df["civilian_targeting"].iloc[0]) and df["civilian_targeting"].iloc[2] == "Civilian targeting"
    assert df["date"].iloc[1] == pd.Timestamp("2023-08-26")


def test_icews_split_into_files_reads_the_same(shared_data, tmp_path):
    path = shared_data / "icews" / "events.2018.sample.tab"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    parts = []
    for k, chunk in enumerate((body[:1000], body[1000:1001], body[1001:])):
        p = tmp_path / f"part{k}.tab"
        p.write_text("\n".join([header] + chunk) + "\n", encoding="utf-8")
        parts.append(p)
    pd.testing.assert_frame_equal(read_icews(parts), read_icews(path))
    with pytest.warns(DataFileWarning, match="skipped 1"):
        again = read_icews([path, parts[1]], errors="skip")  # the one-row part repeats a key
    assert len(again) == 3705
    assert again.attrs["skipped"]["reason"].str.startswith("duplicate key").all()


def test_icews_panel_matches_hand_count(shared_data):
    from summitcast.io import build_indicator_panel

    path = shared_data / "icews" / "events.2018.sample.tab"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    pair = [r for r in rows if {r[4], r[10]} == {"South Korea", "North Korea"}]
    panel = build_indicator_panel(read_icews(path), [("South Korea", "North Korea")], directed=False)
    block = panel["South Korea-North Korea"].iloc[0]
    assert block["events"] == len(pair) == 53
    assert block["root_03"] == sum(r[6][:2] == "03" for r in pair)
    quads = {1: range(1, 6), 2: range(6, 10), 3: range(10, 15), 4: range(15, 21)}
    for q, roots in quads.items():
        assert block[f"quad_{q}"] == sum(int(r[6][:2]) in roots for r in pair)
    assert block["goldstein_mean"] == pytest.approx(np.mean([float(r[7]) for r in pair]), rel=1e-12)
    assert "tone_mean" not in panel.columns.get_level_values(1)  # ICEWS has no tone
