"""Bad files: each fault raises DataFileError naming file, line and column;
errors="skip" drops the bad rows and reports them."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from summitcast.io import (DataFileError, DataFileWarning, GDELT_COLUMNS, read_acled, read_cns_missile_db,
                           read_comtrade, read_gdelt_events, read_icews)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def gdelt_lines(shared_data):
    text = (shared_data / "gdelt" / "20150218231500.export.CSV").read_text(encoding="utf-8")
    return text.splitlines()[:20]


def _write(path: Path, lines, encoding="utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _set(line: str, column: str, value: str) -> str:
    fields = line.split("\t")
    fields[GDELT_COLUMNS["2"].index(column)] = value
    return "\t".join(fields)


def test_gdelt_wrong_column_count(tmp_path, gdelt_lines):
    lines = list(gdelt_lines)
    lines[4] = "\t".join(lines[4].split("\t")[:60])
    path = _write(tmp_path / "short.export.CSV", lines)
    message = r"short\.export\.CSV, line 5: expected 61 tab-separated fields, found 60"
    with pytest.raises(DataFileError, match=message) as e:
        read_gdelt_events(path)
    assert (e.value.line, e.value.column) == (5, None)


def test_gdelt_not_a_gdelt_file(tmp_path):
    path = _write(tmp_path / "x.CSV", ["a\tb\tc"])
    with pytest.raises(DataFileError, match="line 1: 3 tab-separated fields: not a GDELT event file"):
        read_gdelt_events(path)


def test_gdelt_unparsable_number(tmp_path, gdelt_lines):
    lines = list(gdelt_lines)
    lines[2] = _set(lines[2], "GoldsteinScale", "3,4")
    path = _write(tmp_path / "num.CSV", lines)
    with pytest.raises(DataFileError, match=r"num\.CSV, line 3, column GoldsteinScale: cannot parse '3,4' as a number"):
        read_gdelt_events(path)


def test_gdelt_missing_required_integer(tmp_path, gdelt_lines):
    lines = list(gdelt_lines)
    lines[7] = _set(lines[7], "QuadClass", "")
    path = _write(tmp_path / "q.CSV", lines)
    with pytest.raises(DataFileError, match=r"line 8, column QuadClass: missing required integer"):
        read_gdelt_events(path)


def test_gdelt_unparsable_date(tmp_path, gdelt_lines):
    lines = list(gdelt_lines)
    lines[10] = _set(lines[10], "SQLDATE", "20151340")
    path = _write(tmp_path / "d.CSV", lines)
    with pytest.raises(DataFileError, match=r"line 11, column SQLDATE: cannot parse '20151340' as a date"):
        read_gdelt_events(path)


def test_gdelt_wrong_encoding(tmp_path, gdelt_lines):
    path = tmp_path / "enc.CSV"
    data = ("\n".join(gdelt_lines) + "\n").encode("utf-8")
    cut = data.index(b"\n") + 1
    second = data[cut:]
    tab7 = [i for i, b in enumerate(second) if b == 9][6]  # byte after the 7th tab: field 8
    path.write_bytes(data[:cut] + second[: tab7 + 1] + b"\xe9" + second[tab7 + 1:])
    with pytest.raises(DataFileError, match=r"enc\.CSV, line 2, column 8: byte 0xe9 is not valid utf-8"):
        read_gdelt_events(path)


def test_gdelt_truncated_zip(tmp_path, shared_data):
    src = shared_data / "gdelt" / "20150218231500.export.CSV"
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, arcname=src.name)
    data = good.read_bytes()
    bad = tmp_path / "20150218231500.export.CSV.zip"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError, match=r"20150218231500\.export\.CSV\.zip: truncated or corrupt zip archive"):
        read_gdelt_events(bad)


def test_gdelt_skip_reports_every_bad_row(tmp_path, gdelt_lines):
    lines = list(gdelt_lines)
    lines[3] = "\t".join(lines[3].split("\t")[:59])
    lines[6] = _set(lines[6], "AvgTone", "n/a")
    lines[9] = _set(lines[9], "SQLDATE", "2015")
    path = _write(tmp_path / "skip.CSV", lines)
    with pytest.warns(DataFileWarning, match="skipped 3 bad row"):
        df = read_gdelt_events(path, errors="skip")
    assert len(df) == 17
    report = df.attrs["skipped"]
    assert report["line"].tolist() == [4, 7, 10]
    assert report["column"].tolist() == [None, "AvgTone", "SQLDATE"]
    assert set(report["file"]) == {str(path)}
    kept = [ln for i, ln in enumerate(gdelt_lines) if i not in (3, 6, 9)]
    good = read_gdelt_events(_write(tmp_path / "good.CSV", kept))
    assert df["GLOBALEVENTID"].tolist() == good["GLOBALEVENTID"].tolist()


def test_errors_argument_checked(shared_data):
    with pytest.raises(ValueError, match="errors must be 'raise' or 'skip', got 'ignore'"):
        read_gdelt_events(shared_data / "gdelt" / "20150218231500.export.CSV", errors="ignore")
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_gdelt_events("/nonexistent/file.CSV")


def test_icews_bad_header_and_date(tmp_path, shared_data):
    lines = (shared_data / "icews" / "events.2018.sample.tab").read_text(encoding="utf-8").splitlines()[:10]
    bad_header = _write(tmp_path / "h.tab", [lines[0].replace("Event Date", "Date")] + lines[1:])
    with pytest.raises(DataFileError, match=r"h\.tab, line 1: header does not match the expected 20 columns"):
        read_icews(bad_header)
    fields = lines[5].split("\t")
    fields[1] = "2018-06-31"
    bad_date = _write(tmp_path / "d.tab", lines[:5] + ["\t".join(fields)] + lines[6:])
    with pytest.raises(DataFileError, match=r"d\.tab, line 6, column Event Date: cannot parse '2018-06-31' as a date"):
        read_icews(bad_date)
    with pytest.warns(DataFileWarning, match="skipped 1"):
        assert len(read_icews(bad_date, errors="skip")) == 8


def test_comtrade_explicit_wrong_encoding(shared_data):
    path = shared_data / "comtrade" / "comtrade_plus_thailand_hs8542.csv"
    raw = path.read_bytes()
    offset = next(i for i, b in enumerate(raw) if b > 127)
    line = raw.count(b"\n", 0, offset) + 1
    with pytest.raises(DataFileError, match=rf"comtrade_plus_thailand_hs8542\.csv, line {line}, column 14: "
                                            r"byte 0xe7 is not valid utf-8"):
        read_comtrade(path, encoding="utf-8")


def test_comtrade_truncated_row_and_bad_month(tmp_path, shared_data):
    src = shared_data / "comtrade" / "comtrade_plus_thailand_hs8542.csv"
    lines = src.read_bytes().decode("cp1252").splitlines()[:12]
    lines[3] = lines[3][: len(lines[3]) // 2]
    path = _write(tmp_path / "t.csv", lines, "cp1252")
    with pytest.raises(DataFileError, match=r"t\.csv, line 4: expected 47 comma-separated fields, found \d+"):
        read_comtrade(path)
    lines = src.read_bytes().decode("cp1252").splitlines()[:12]
    lines[6] = lines[6].replace('"2014","52"', '"2014","13"', 1)
    path = _write(tmp_path / "m.csv", lines, "cp1252")
    with pytest.raises(DataFileError, match=r"m\.csv, line 7, column refMonth: period is neither annual"):
        read_comtrade(path)
    with pytest.warns(DataFileWarning, match="skipped 1"):
        assert len(read_comtrade(path, errors="skip")) == 10


def test_comtrade_unknown_layout(tmp_path):
    path = _write(tmp_path / "u.csv", ["a,b,c", "1,2,3"])
    message = r"u\.csv, line 1: header matches neither the current \(47\) nor the legacy"
    with pytest.raises(DataFileError, match=message):
        read_comtrade(path)


def test_cns_bad_date_and_distance(tmp_path, shared_data):
    src = shared_data / "cns_missile_db" / "north_korea_missile_test_database.csv"
    text = src.read_bytes().decode("cp1252")
    bad = text.replace("9-Apr-84", "Spring 1984", 1)
    p = tmp_path / "cns.csv"
    p.write_bytes(bad.encode("cp1252"))
    with pytest.raises(DataFileError, match=r"cns\.csv, line 2, column Date: cannot read 'Spring 1984' as a date"):
        read_cns_missile_db(p)
    bad = text.replace(",50 km,", ",fifty km,", 1)
    line = text[: text.index(",50 km,")].count("\n") + 1
    p.write_bytes(bad.encode("cp1252"))
    with pytest.raises(DataFileError, match=rf"line {line}, column Apogee: cannot read 'fifty km' as a distance"):
        read_cns_missile_db(p)


def test_acled_bad_fatalities_and_header(tmp_path):
    src = FIXTURES / "acled_2023_layout.csv"
    content = src.read_text(encoding="utf-8").splitlines()
    fields = content[3].split(",")
    assert fields[-3] == "1"  # fatalities of the third record
    fields[-3] = "one"
    content[3] = ",".join(fields)
    p = tmp_path / "a.csv"
    p.write_text("\n".join(content) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"a\.csv, line 4, column fatalities: cannot parse 'one' as a number"):
        read_acled(p)
    shutil.copy(src, tmp_path / "h.csv")
    h = tmp_path / "h.csv"
    h.write_text(h.read_text(encoding="utf-8").replace("event_id_cnty", "id", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"h\.csv, line 1: header is neither ACLED 31-column layout"):
        read_acled(h)


@pytest.mark.parametrize("engine", ["pandas", "pyarrow"])
def test_both_engines_report_the_same_faults(tmp_path, gdelt_lines, engine):
    lines = list(gdelt_lines)
    lines[2] = _set(lines[2], "NumMentions", "many")
    lines[5] = "\t".join(lines[5].split("\t")[:61] + ["extra"])
    lines[8] = _set(lines[8], "SQLDATE", "20150230")
    a = _write(tmp_path / "a.CSV", lines[:10])
    b = _write(tmp_path / "b.CSV", lines[10:] + [_set(lines[11], "EventRootCode", "\xe9t\xe9")], "latin-1")
    with pytest.warns(DataFileWarning, match="skipped 4 bad row"):
        df = read_gdelt_events([a, b], errors="skip", engine=engine)
    report = df.attrs["skipped"]
    assert list(zip(report["file"], report["line"], report["column"])) == [
        (str(a), 3, "NumMentions"), (str(a), 6, None), (str(a), 9, "SQLDATE"), (str(b), 11, 29)]
    assert "found 62" in report["reason"].iloc[1] and "0xe9" in report["reason"].iloc[3]
    assert len(df) == 20 - 3


def test_empty_files(tmp_path):
    empty = tmp_path / "events.2018.empty.tab"
    empty.write_bytes(b"")
    with pytest.raises(DataFileError, match=r"empty\.tab, line 1: empty file: no header row"):
        read_icews(empty)
    with pytest.raises(DataFileError, match=r"line 1: 1 tab-separated fields: not a GDELT event file"):
        read_gdelt_events(empty)
