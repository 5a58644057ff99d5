"""read_gdelt_events on the real GDELT 2.0 slice and on GDELT 1.0 fixtures."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from summitcast.io import GDELT_COLUMNS, detect_gdelt_version, iter_gdelt_events, read_gdelt_events

FIXTURES = Path(__file__).parent / "fixtures"
EAST_ASIA = {"CHN", "JPN", "KOR", "PRK"}


@pytest.fixture(scope="module")
def export_path(shared_data):
    return shared_data / "gdelt" / "20150218231500.export.CSV"


@pytest.fixture(scope="module")
def raw_lines(export_path):
    """Independent reference: the file split by hand."""
    return [line.split("\t") for line in export_path.read_text(encoding="utf-8").splitlines()]


def test_layouts_have_codebook_widths():
    assert [len(GDELT_COLUMNS[v]) for v in ("2", "1", "1-historical")] == [61, 58, 57]
    assert GDELT_COLUMNS["2"][26:29] == ["EventCode", "EventBaseCode", "EventRootCode"]
    assert GDELT_COLUMNS["2"][-2:] == ["DATEADDED", "SOURCEURL"]
    assert "Actor1Geo_ADM2Code" in GDELT_COLUMNS["2"] and "Actor1Geo_ADM2Code" not in GDELT_COLUMNS["1"]


def test_real_slice_rows_types_and_values(export_path, raw_lines):
    df = read_gdelt_events(export_path)
    assert detect_gdelt_version(export_path) == "2"
    assert len(df) == len(raw_lines) == 2102
    first = df.iloc[0]
    assert first["GLOBALEVENTID"] == 410415416
    assert first["date"] == pd.Timestamp("2005-02-20")
    assert (first["EventCode"], first["EventRootCode"], first["QuadClass"]) == ("051", "05", 1)
    assert first["GoldsteinScale"] == 3.4
    assert first["AvgTone"] == pytest.approx(-2.91079812206573, abs=1e-14)
    assert first["DATEADDED"] == 20150218231500
    # CAMEO codes stay strings with their leading zeros, across the whole file
    codes = [row[26] for row in raw_lines]
    assert df["EventCode"].tolist() == codes
    assert df["EventRootCode"].str.len().eq(2).all()
    np.testing.assert_allclose(df["GoldsteinScale"].sum(), sum(float(r[30]) for r in raw_lines), rtol=1e-12)
    np.testing.assert_allclose(df["AvgTone"].to_numpy(), [float(r[34]) for r in raw_lines], rtol=0, atol=0)
    assert df["SOURCEURL"].iloc[-1] == raw_lines[-1][60]
    assert list(df.attrs["coverage_days"]) == [pd.Timestamp("2015-02-18")]
    assert len(df.attrs["skipped"]) == 0


def test_country_filter_while_reading(export_path, raw_lines):
    either = read_gdelt_events(export_path, countries=sorted(EAST_ASIA))
    expected = [r for r in raw_lines if r[7] in EAST_ASIA or r[17] in EAST_ASIA]
    assert len(either) == len(expected) == 101
    assert either["GLOBALEVENTID"].tolist() == [int(r[0]) for r in expected]
    both = read_gdelt_events(export_path, countries=sorted(EAST_ASIA), match="both")
    assert len(both) == sum(r[7] in EAST_ASIA and r[17] in EAST_ASIA for r in raw_lines) == 4


def test_small_blocks_give_the_same_frame(export_path):
    whole = read_gdelt_events(export_path, columns=["GLOBALEVENTID", "EventCode", "AvgTone"])
    pieces = list(iter_gdelt_events(export_path, columns=["GLOBALEVENTID", "EventCode", "AvgTone"],
                                    block_bytes=5000))
    assert len(pieces) > 100
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), whole)
    assert list(whole.columns) == ["GLOBALEVENTID", "SQLDATE", "EventCode", "AvgTone", "date"]


def test_zipped_and_many_files(export_path, tmp_path):
    archive = tmp_path / "20150218231500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(export_path, arcname=export_path.name)
    plain = read_gdelt_events(export_path, countries=["CHN"])
    both = read_gdelt_events([archive, export_path], countries=["CHN"])
    assert len(both) == 2 * len(plain)
    pd.testing.assert_frame_equal(both.iloc[: len(plain)].reset_index(drop=True), plain)


def test_gdelt1_daily_fixture():
    path = FIXTURES / "gdelt1_daily_20130401.export.CSV"
    assert detect_gdelt_version(path) == "1"
    df = read_gdelt_events(path)
    assert len(df) == 3 and df.shape[1] == 58 + 1
    assert df["EventCode"].tolist() == ["036", "138", "010"]
    assert df["date"].tolist() == [pd.Timestamp("2013-04-01"), pd.Timestamp("2013-03-31"), pd.Timestamp("2013-04-01")]
    assert df["SOURCEURL"].tolist() == ["http://example.org/a", "http://example.org/b", "http://example.org/c"]
    assert list(df.attrs["coverage_days"]) == [pd.Timestamp("2013-04-01")]  # DATEADDED is a day in 1.0


def test_gdelt1_historical_fixture_and_mixed_versions():
    hist = FIXTURES / "gdelt1_historical_199903.export.CSV"
    daily = FIXTURES / "gdelt1_daily_20130401.export.CSV"
    assert detect_gdelt_version(hist) == "1-historical"
    df = read_gdelt_events(hist)
    assert len(df) == 2 and "SOURCEURL" not in df.columns
    assert df["EventCode"].tolist() == ["0841", "1384"]
    assert df["GoldsteinScale"].tolist() == [7.0, -7.0]
    mixed = read_gdelt_events([hist, daily], columns=["GLOBALEVENTID", "Actor1CountryCode", "EventRootCode"])
    assert mixed["GLOBALEVENTID"].tolist() == [1000001, 1000002, 251000001, 251000002, 251000003]
    with pytest.raises(ValueError, match="version must be"):
        read_gdelt_events(hist, version="3")


@pytest.mark.parametrize("countries", [None, ["CHN", "JPN", "KOR", "PRK"]])
def test_engines_agree(export_path, countries):
    pytest.importorskip("pyarrow")  # in the test extra; the pandas engine is checked regardless
    fast = read_gdelt_events(export_path, countries=countries, engine="pyarrow")
    slow = read_gdelt_events(export_path, countries=countries, engine="pandas")
    pd.testing.assert_frame_equal(fast, slow)
    assert list(fast.attrs["coverage_days"]) == list(slow.attrs["coverage_days"])


def test_engine_argument_checked(export_path):
    with pytest.raises(ValueError, match="engine must be 'auto', 'pandas' or 'pyarrow'"):
        read_gdelt_events(export_path, engine="polars")
