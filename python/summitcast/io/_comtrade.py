"""UN Comtrade CSV downloads: the current "Comtrade Plus" layout (47 columns)
and the legacy layout (35 columns), read into one normalised table.

Traps of the real files handled here:

* Comtrade Plus downloads end every data row with a comma, so a row has 48
  fields under a 47-name header (pandas would silently shift the columns);
* they are written in cp1252, not UTF-8 (``encoding="auto"`` tries UTF-8
  first and falls back to cp1252; an explicit encoding that fails is an error
  naming the line and column);
* description columns may be empty (downloads without descriptions);
* ``refMonth`` 52 marks annual rows; monthly rows carry 1..12.

Comtrade's numeric area codes are mapped to ISO3 with the bundled table
``data/comtrade_areas.csv`` (ISO 3166-1 numeric codes, and Comtrade's own
codes where they differ: 251 France, 579 Norway, 699 India, 757 Switzerland,
842 USA, plus the special areas 0 World, 490 Other Asia nes, 899 Areas nes;
sources: UN Comtrade reference tables partnerAreas/reporterAreas and the UN
M49 / ISO 3166-1 list).  Codes not in the table take the file's own ISO
column when it has one; the rest stay missing and are counted in
``attrs["unmapped_codes"]``.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pandas as pd

from ._errors import DataFileError, Problems
from .._common.validation import check_paths
from ._text import check_encoding, csv_header, csv_records, decode, read_all, text_stream

CURRENT_COLUMNS = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode", "reporterISO",
    "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code",
    "partner2ISO", "partner2Desc", "classificationCode", "classificationSearchCode", "isOriginalClassification",
    "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc", "mosCode", "motCode", "motDesc",
    "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode", "altQtyUnitAbbr", "altQty",
    "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated", "cifvalue", "fobvalue",
    "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate",
]
LEGACY_COLUMNS = [
    "Classification", "Year", "Period", "Period Desc.", "Aggregate Level", "Is Leaf Code", "Trade Flow Code",
    "Trade Flow", "Reporter Code", "Reporter", "Reporter ISO", "Partner Code", "Partner", "Partner ISO",
    "2nd Partner Code", "2nd Partner", "2nd Partner ISO", "Customs Proc. Code", "Customs",
    "Mode of Transport Code", "Mode of Transport", "Commodity Code", "Commodity", "Qty Unit Code", "Qty Unit",
    "Qty", "Alt Qty Unit Code", "Alt Qty Unit", "Alt Qty", "Netweight (kg)", "Gross weight (kg)",
    "Trade Value (US$)", "CIF Trade Value (US$)", "FOB Trade Value (US$)", "Flag",
]

# normalised name -> (current column, legacy column)
_MAP = {
    "classification": ("classificationCode", "Classification"),
    "reporter_code": ("reporterCode", "Reporter Code"),
    "reporter_iso_file": ("reporterISO", "Reporter ISO"),
    "reporter": ("reporterDesc", "Reporter"),
    "partner_code": ("partnerCode", "Partner Code"),
    "partner_iso_file": ("partnerISO", "Partner ISO"),
    "partner": ("partnerDesc", "Partner"),
    "flow_code": ("flowCode", "Trade Flow Code"),
    "commodity_code": ("cmdCode", "Commodity Code"),
    "commodity": ("cmdDesc", "Commodity"),
    "qty": ("qty", "Qty"),
    "net_weight_kg": ("netWgt", "Netweight (kg)"),
    "value_usd": ("primaryValue", "Trade Value (US$)"),
}
_FLOWS = {"M": "import", "X": "export", "RM": "re-import", "RX": "re-export",
          "1": "import", "2": "export", "3": "re-export", "4": "re-import"}
_NUMERIC = ("qty", "net_weight_kg", "value_usd")
OUTPUT_COLUMNS = ["layout", "classification", "freq", "year", "month", "period", "reporter_code", "reporter_iso3",
                  "reporter", "partner_code", "partner_iso3", "partner", "flow", "commodity_code", "commodity",
                  "value_usd", "net_weight_kg", "qty"]


def comtrade_area_codes() -> pd.DataFrame:
    """The bundled Comtrade area-code table (code, iso3, name, source)."""
    with resources.files(__package__).joinpath("data", "comtrade_areas.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"code": "int64"}, keep_default_na=False)


def _rows(path, text: str, problems: Problems):
    """Header and data rows, with the trailing-comma field removed and field counts checked."""
    reader = csv.reader(text_stream(text))
    header = csv_header(reader, path)
    if header is None:
        raise DataFileError(path, 1, None, "empty file")
    if header == CURRENT_COLUMNS or header == CURRENT_COLUMNS + [""]:
        layout, names = "current", CURRENT_COLUMNS
    elif header == LEGACY_COLUMNS:
        layout, names = "legacy", LEGACY_COLUMNS
    else:
        raise DataFileError(path, 1, None, f"header matches neither the current ({len(CURRENT_COLUMNS)}) nor the "
                                           f"legacy ({len(LEGACY_COLUMNS)}) Comtrade layout: {header[:4]}...")
    n = len(names)
    rows, lines = [], []
    # Comtrade Plus downloads end every data row with a trailing comma
    for line, row in csv_records(reader, path, n, problems, drop_trailing_empty=True):
        rows.append(row)
        lines.append(line)
    return layout, names, rows, np.asarray(lines, dtype=np.int64)


def _period(layout, raw: pd.DataFrame, path, lines, problems) -> tuple[pd.DataFrame, np.ndarray]:
    """year, month (NA for annual rows), freq and period start; bad rows flagged."""
    bad = np.zeros(len(raw), dtype=bool)
    if layout == "current":
        year = pd.to_numeric(raw["refYear"], errors="coerce")
        month = pd.to_numeric(raw["refMonth"], errors="coerce")
        freq = raw["freqCode"]
        annual = month == 52
        wrong = year.isna() | month.isna() | ~(annual | month.between(1, 12))
        wrong |= (annual & (freq != "A")) | (~annual & (freq != "M"))
        column = "refMonth"
    else:
        period = raw["Period"]
        annual = period.str.len() == 4
        year = pd.to_numeric(period.str[:4], errors="coerce")
        month = pd.to_numeric(period.str[4:6].where(~annual), errors="coerce")
        wrong = year.isna() | ~(annual | ((period.str.len() == 6) & month.between(1, 12)))
        freq = pd.Series(np.where(annual, "A", "M"), index=raw.index)
        column = "Period"
    for i in np.flatnonzero(wrong.to_numpy()):
        problems.add(path, int(lines[i]), column, "period is neither annual (refMonth 52 / YYYY) nor a month "
                                                  "1..12 consistent with freqCode")
        bad[i] = True
    out = pd.DataFrame({"freq": pd.Series(freq.to_numpy(), index=raw.index), "year": year.astype("Int64"),
                        "month": month.where(~annual).astype("Int64")}, index=raw.index)
    start_month = out["month"].fillna(1).astype("int64")
    valid = ~bad
    period_start = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
    if valid.any():
        parts = pd.DataFrame({"year": out["year"][valid].astype("int64"), "month": start_month[valid], "day": 1})
        period_start[valid] = pd.to_datetime(parts)
    out["period"] = period_start
    return out, bad


def read_comtrade(paths, encoding: str = "auto", errors: str = "raise") -> pd.DataFrame:
    """Read UN Comtrade CSV downloads (current 47-column or legacy 35-column layout).

    Parameters
    ----------
    paths : path or iterable of paths
    encoding : str
        ``"auto"`` (UTF-8, else cp1252) or an explicit codec.
    errors : {"raise", "skip"}
        See :func:`read_gdelt_events`.

    Returns
    -------
    pandas.DataFrame
        One row per record with columns ``layout, classification, freq`` ("A"
        annual / "M" monthly), ``year, month`` (missing for annual rows),
        ``period`` (first day of the year or month), ``reporter_code,
        reporter_iso3, reporter, partner_code, partner_iso3, partner, flow``
        ("import", "export", "re-import", "re-export"), ``commodity_code``
        (string, leading zeros kept), ``commodity, value_usd, net_weight_kg,
        qty``.  ``attrs``: ``skipped``, ``encodings`` (per file) and
        ``unmapped_codes``.
    """
    files = check_paths(paths, "paths")
    encoding = check_encoding(encoding)
    problems = Problems(errors)
    table = comtrade_area_codes().set_index("code")["iso3"]
    frames, encodings, unmapped = [], {}, set()
    for path in files:
        text, used = decode(path, read_all(path), encoding, b",")
        encodings[path] = used
        layout, names, rows, lines = _rows(path, text, problems)
        raw = pd.DataFrame(rows, columns=names, dtype="str")
        col = 0 if layout == "current" else 1
        out = pd.DataFrame({k: raw[v[col]] for k, v in _MAP.items()})
        bad = np.zeros(len(raw), dtype=bool)
        for name in ("reporter_code", "partner_code"):
            num = pd.to_numeric(out[name], errors="coerce")
            wrong = num.isna() | (num != np.floor(num))
            for i in np.flatnonzero(wrong.to_numpy()):
                problems.add(path, int(lines[i]), _MAP[name][col],
                             f"cannot parse {out[name].iloc[i]!r} as an area code")
            bad |= wrong.to_numpy()
            out[name] = num.astype("Int64")
        for name in _NUMERIC:
            s = out[name]
            num = pd.to_numeric(s.where(s != ""), errors="coerce")
            wrong = num.isna() & (s != "")
            for i in np.flatnonzero(wrong.to_numpy()):
                problems.add(path, int(lines[i]), _MAP[name][col], f"cannot parse {s.iloc[i]!r} as a number")
            bad |= wrong.to_numpy()
            out[name] = num.astype("float64")
        flow = out["flow_code"].map(_FLOWS)
        for i in np.flatnonzero(flow.isna().to_numpy()):
            problems.add(path, int(lines[i]), _MAP["flow_code"][col],
                         f"unknown trade flow {out['flow_code'].iloc[i]!r}")
        bad |= flow.isna().to_numpy()
        out["flow"] = flow
        periods, bad_period = _period(layout, raw, path, lines, problems)
        bad |= bad_period
        out = pd.concat([out, periods], axis=1)[~bad]
        for side in ("reporter", "partner"):
            iso = out[f"{side}_code"].map(table)
            from_file = out[f"{side}_iso_file"].str.strip().replace("", pd.NA)
            iso = iso.fillna(from_file)
            unmapped.update(out.loc[iso.isna(), f"{side}_code"].dropna().astype(int).tolist())
            out[f"{side}_iso3"] = iso.astype("str").where(iso.notna())
            out[side] = out[side].replace("", pd.NA)
        out["commodity"] = out["commodity"].replace("", pd.NA)
        out["layout"] = layout
        frames.append(out[OUTPUT_COLUMNS])
    result = pd.concat(frames, ignore_index=True)
    result.attrs = {"encodings": encodings, "unmapped_codes": sorted(unmapped)}
    return problems.finish(result, "read_comtrade")
