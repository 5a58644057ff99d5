"""Bundled official trade figures and the monthly nowcast built on them.

Two pairs, each flow seen from the first country's own statistics:

* ``kor_chn``: Korea's exports to and imports from China, thousands of USD
  (Korea Customs Service via Statistics Korea's KOSIS);
* ``jpn_chn``: Japan's exports to and imports from China, thousands of JPY
  (Ministry of Finance, Trade Statistics of Japan).

The official monthly figures are bundled for 2001-01..2019-12
(``data/trade_monthly.csv``); after that only annual totals are bundled
(``data/trade_annual.csv``, from the publishers' releases as reported).  The
monthly series past 2019 is a nowcast: :class:`~summitcast.statespace.TemporalAggregation`
estimates each month from the totals (the twelve estimates of a year add up
to its published total), with standard errors, and every such month is
marked as estimated.

Vintages.  ``load_trade(as_of)`` uses only what had been published by the
end of the month ``as_of``, under these publication lags: a month's figures
appear in the following month (both publishers release them within about
three to four weeks); a year's totals appear in January of the next year
(Korea's trade ministry on 1 January, Japan's Ministry of Finance in the
second half of January).  Revisions are not modelled: a vintage sees the
figures as bundled today.  The nowcast of a vintage is recomputed from that
vintage's figures alone; its variance parameters are the maximum-likelihood
estimates on the 2001–2019 monthly figures (``data/trade_nowcast_params.csv``,
written by ``scripts/fit_trade_nowcast.py``), which every vintage that has
a month to estimate has already seen (the first annual-only total, 2020's,
appears in January 2021).  The default vintage (every bundled figure) is
precomputed by the same script into ``data/trade_nowcast.csv``, each
estimate marked as one, so that loading it costs a file read; a test checks
that it equals the computation.  Any other vintage is computed when asked
for, from its own figures.
"""

from __future__ import annotations

import functools
import hashlib
import html
import pickle
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from .._common.time import as_month, month_end, month_index
from ..statespace.aggregation import TemporalAggregation

#: pair -> (reporter, partner, monthly unit, multiplier from each annual unit to the monthly unit)
PAIRS = {
    "kor_chn": ("KOR", "CHN", "thousand_usd", {"thousand_usd": 1.0, "million_usd": 1e3, "billion_usd": 1e6}),
    "jpn_chn": ("JPN", "CHN", "thousand_jpy", {"thousand_jpy": 1.0, "billion_jpy": 1e6, "trillion_jpy": 1e9}),
}
FLOWS = ("exports", "imports")
#: The indicator columns, pair and flow: trade_kor_chn_exports, ...
COLUMNS = tuple(f"trade_{pair}_{flow}" for pair in PAIRS for flow in FLOWS)
#: The component model of every nowcast (see TemporalAggregation).
MODEL = {"level": "local linear trend", "seasonal": 12, "irregular": True, "scale": "level"}
#: Months between a month and the publication of its figures; the month of
#: the year after in which annual totals are published.
MONTHLY_LAG = 1
ANNUAL_RELEASE_MONTH = 1
_START = pd.Timestamp("2001-01-01")
#: The first year that begins on or after _START (the annual totals used).
_FIRST_WHOLE_YEAR = _START.year + (0 if (_START.month, _START.day) == (1, 1) else 1)


def _read(name: str, dtype: dict | None = None) -> pd.DataFrame:
    """A bundled table, parsed once per process (the package's files do not
    change while it runs; a vintage or backtest reads them at every origin);
    each caller gets its own copy."""
    return _parsed(name, tuple(sorted((dtype or {}).items()))).copy()


@functools.lru_cache(maxsize=None)
def _parsed(name: str, dtype: tuple) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""], dtype=dict(dtype) or None)


@dataclass(frozen=True)
class TradeData:
    """Bundled trade figures and their monthly nowcast; see :func:`load_trade`."""

    monthly: pd.DataFrame
    observed: pd.DataFrame
    annual: pd.DataFrame
    params: pd.DataFrame
    record_through: pd.Timestamp
    series_record_through: dict = field(default_factory=dict)
    as_of: pd.Timestamp | None = None

    def summary(self) -> str:
        vintage = "all bundled figures" if self.as_of is None else f"as published by the end of {self.as_of:%Y-%m}"
        lines = [f"Trade (Korea-China, Japan-China), {vintage}; complete through {self.record_through.date()}"]
        for col in COLUMNS:
            est = self.monthly[f"{col}_estimated"]
            values = self.monthly[col].dropna()
            lines.append(f"  {col}: {values.index[0]:%Y-%m}..{values.index[-1]:%Y-%m}, "
                         f"{int((~est[values.index]).sum())} observed, {int(est[values.index].sum())} estimated")
        return "\n".join(lines)

    __repr__ = summary

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"


def annual_totals_for(annual: pd.DataFrame, pair: str, flow: str) -> pd.Series:
    """The annual totals that enter the nowcast of one pair and flow.

    One figure per year in the monthly unit: the reporter's own figure for
    this flow, the most precise (smallest rounding) where several sources
    report it (the first listed on a tie); sums of the bundled months
    included (they are checked against the months, not used twice).
    """
    reporter, partner, unit, factor = PAIRS[pair]
    # NumPy masks and a stable sort on (year, rounding) in place of a pandas
    # filter, sort and group-by: the same rows in the same order (a backtest
    # builds four of these at every origin)
    units = annual["unit"].to_numpy(dtype=object)
    keep = np.flatnonzero((annual["reporter"].to_numpy(dtype=object) == reporter)
                          & (annual["partner"].to_numpy(dtype=object) == partner)
                          & (annual["flow"].to_numpy(dtype=object) == flow) & np.isin(units, list(factor)))
    multiplier = np.array([factor[u] for u in units[keep]], dtype=float)
    value = annual["value"].to_numpy(dtype=float)[keep] * multiplier
    rounding = annual["rounding"].to_numpy(dtype=float)[keep] * multiplier
    year = annual["year"].to_numpy()[keep]
    order = np.lexsort((rounding, year))  # stable: ties keep the listed order
    year = year[order]
    first = np.flatnonzero(np.diff(year, prepend=year[:1] - 1) != 0)  # each year's first (most precise) row
    # the annual period of year y has ordinal y - 1970 (the Unix epoch year)
    index = pd.PeriodIndex.from_ordinals(year[first] - 1970, freq="Y", name="year")
    return pd.Series(value[order][first], index=index, name=f"trade_{pair}_{flow}")


def _vintage(observed: pd.DataFrame, annual: pd.DataFrame, month: pd.Timestamp | None):
    if month is None:
        return observed, annual
    last_month = month - pd.DateOffset(months=MONTHLY_LAG)
    observed = observed[observed["month"] <= last_month]
    last_year = month.year - 1 if month.month >= ANNUAL_RELEASE_MONTH else month.year - 2
    return observed, annual[annual["year"] <= last_year]


def _params(table: pd.DataFrame, column: str) -> pd.Series:
    rows = table[table["series"] == column]
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["parameter"].to_list())


def nowcast_series(observed: pd.DataFrame, annual: pd.DataFrame, pair: str, flow: str):
    """The monthly observations and the aggregation model of one pair and flow.

    Returns (model or None, monthly Series, annual totals): the Series runs
    from 2001-01 to the later of the last observed month and the end of the
    last annual total, NaN where no monthly figure is published; the model
    is None when no month needs estimating.
    """
    mine = (observed["pair"].to_numpy(dtype=object) == pair) & (observed["flow"].to_numpy(dtype=object) == flow)
    months = observed["month"].to_numpy()[mine]
    totals = annual_totals_for(annual, pair, flow)
    end_obs = pd.Timestamp(months.max()) if len(months) else _START - pd.DateOffset(months=1)
    end_tot = totals.index.max().end_time.to_period("M").to_timestamp() if len(totals) else end_obs
    end = max(end_obs, end_tot)
    if end < _START:  # nothing published yet
        return None, pd.Series(dtype=float, index=pd.DatetimeIndex([], freq="MS", name="month"),
                               name=f"trade_{pair}_{flow}"), totals
    index = month_index(_START, end)
    monthly = pd.Series(observed["value"].to_numpy(dtype=float)[mine], index=pd.DatetimeIndex(months))
    monthly = monthly.reindex(index).rename(f"trade_{pair}_{flow}")
    totals = totals[totals.index.year >= _FIRST_WHOLE_YEAR]
    if not monthly.isna().any():
        return None, monthly, totals
    return TemporalAggregation(monthly, totals, how="sum", **MODEL), monthly, totals


def load_trade(as_of=None) -> TradeData:
    """Load the bundled trade figures and the monthly nowcast.

    Parameters
    ----------
    as_of : str, Timestamp or None
        A month (``"2024-03"``; a date counts as its month): use only the
        figures published by the end of it, with the publication lags stated
        in this module's documentation, and recompute the nowcast from them.
        None (default) uses every bundled figure.

    Returns
    -------
    TradeData
        ``monthly``: DataFrame on a month-start DatetimeIndex (``freq="MS"``,
        named ``month``) from 2001-01 to the last month covered by published
        figures, with the columns ``trade_kor_chn_exports``,
        ``trade_kor_chn_imports``, ``trade_jpn_chn_exports``,
        ``trade_jpn_chn_imports`` (thousands of USD for Korea, of JPY for
        Japan), each with ``<col>_estimated`` (True where the value is a
        nowcast from annual totals) and ``<col>_se`` (its standard error, 0
        where observed).  A column whose figures end earlier than another's
        is NaN after its own end (``series_record_through``); a month that
        neither has a published figure nor lies in a year with a published
        total is NaN too (unknown, not interpolated).

        ``observed``: the official monthly figures used (tidy: month, pair,
        flow, value, unit, source_ids).  ``annual``: annual figures (sums of
        the bundled months and reported totals, with units, rounding, basis
        and sources).  ``params``: the variance parameters of each nowcast.
        ``record_through``: the last day covered by published figures for
        every column.  ``as_of``: the vintage month (None for all figures).

    Notes
    -----
    No month after the last published figure is forecast: beyond
    ``record_through`` the columns are NaN (the forecasting layers forecast
    indicators themselves).
    """
    month = None if as_of is None else as_month(as_of, "as_of")
    observed = _read("trade_monthly.csv", dtype={"month": str})
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    annual = _read("trade_annual.csv")
    params_table = _read("trade_nowcast_params.csv")
    if month is None:
        # the default vintage is precomputed (scripts/fit_trade_nowcast.py; a
        # test checks it equals compute_nowcast on the bundled figures)
        frame = read_bundled_nowcast()
    else:
        observed, annual = _vintage(observed, annual, month)
        frame = _vintage_nowcast(observed, annual, params_table)
        if frame is None:
            raise ValueError(f"as_of={as_of!r} is before the first bundled trade figure was published")
    ends = {col: month_end(frame[col].last_valid_index()) for col in COLUMNS}
    return TradeData(
        monthly=frame, observed=observed.reset_index(drop=True), annual=annual.reset_index(drop=True),
        params=params_table, record_through=min(ends.values()), series_record_through=ends, as_of=month,
    )


#: Nowcasts computed in this process, keyed by the figures they were computed
#: from (at most _VINTAGE_CACHE_SIZE).
_VINTAGES: dict[bytes, pd.DataFrame | None] = {}
_VINTAGE_CACHE_SIZE = 64


def _vintage_nowcast(observed: pd.DataFrame, annual: pd.DataFrame, params_table: pd.DataFrame) -> pd.DataFrame | None:
    """compute_nowcast of a vintage, computed once per set of figures: months
    with no new publication (after the last bundled month, 2019-12, figures
    appear only each January) give the same vintage, which a monthly backtest
    would otherwise recompute at every origin.  The key is the content of the
    vintage's own tables (the SHA-256 digest of their pickles: every value,
    dtype and index label), so a vintage is never served a nowcast of
    figures it does not have."""
    key = hashlib.sha256(b"".join(pickle.dumps(table, protocol=5) for table in (observed, annual, params_table))).digest()
    if key not in _VINTAGES:
        if len(_VINTAGES) >= _VINTAGE_CACHE_SIZE:
            _VINTAGES.pop(next(iter(_VINTAGES)))
        _VINTAGES[key] = compute_nowcast(observed, annual, params_table)
    frame = _VINTAGES[key]
    return None if frame is None else frame.copy()


def compute_nowcast(observed: pd.DataFrame, annual: pd.DataFrame, params_table: pd.DataFrame) -> pd.DataFrame | None:
    """The monthly frame of :func:`load_trade` from the given figures (None
    when some series has no figure at all)."""
    columns, ends = {}, []
    for pair in PAIRS:
        for flow in FLOWS:
            model, monthly, totals = nowcast_series(observed, annual, pair, flow)
            name = monthly.name
            if not len(monthly):
                return None
            if model is None:
                mean, se = monthly, pd.Series(0.0, index=monthly.index)
                estimated = pd.Series(False, index=monthly.index)
            else:
                frame = model.smooth(_params(params_table, name)).smoothed
                mean, se, estimated = frame["mean"], frame["se"], ~frame["observed"]
            # A month covered by neither its own figure nor a published total
            # (a year with no total between two with one) stays unknown: the
            # model could interpolate it, but its standard error would treat
            # the scale path there as known and be too small.  (A month start
            # lies in a year's span exactly when its year is that year.)
            covered = monthly.notna().to_numpy() | np.isin(monthly.index.year, totals.index.year)
            mean, se = mean.where(covered), se.where(covered)
            estimated = estimated.astype("boolean").where(covered)
            columns[name], columns[f"{name}_estimated"], columns[f"{name}_se"] = mean, estimated, se
            ends.append(monthly.index[-1])
    index = month_index(_START, max(ends))
    frame = {}
    for col in COLUMNS:
        frame[col] = columns[col].reindex(index)
        # nullable: <NA> past the column's own end, where the value is NaN
        frame[f"{col}_estimated"] = columns[f"{col}_estimated"].astype("boolean").reindex(index)
        frame[f"{col}_se"] = columns[f"{col}_se"].reindex(index)
    return pd.DataFrame(frame, index=index)


def read_bundled_nowcast() -> pd.DataFrame:
    """The precomputed default-vintage frame (``data/trade_nowcast.csv``)."""
    dtypes = {f"{col}_estimated": "boolean" for col in COLUMNS}
    table = _read("trade_nowcast.csv", dtype={"month": str, **dtypes})
    frame = table.drop(columns="month")
    frame.index = month_index(table["month"].iloc[0], table["month"].iloc[-1])
    if len(frame.index) != len(table):
        raise ValueError("trade_nowcast.csv must have one row per month, without gaps")
    return frame


def add_trade_indicators(panel: pd.DataFrame, sources: pd.DataFrame, trade: TradeData):
    """The indicator panel with the monthly trade columns joined on (NaN
    outside the trade record), and their rows in the indicator sources."""
    monthly = trade.monthly.reindex(panel.index)
    panel = panel.join(monthly)
    rows = []
    observed_pair, observed_ids = trade.observed["pair"].to_numpy(), trade.observed["source_ids"].to_numpy()
    annual = trade.annual
    reporter, flows, ids = annual["reporter"].to_numpy(), annual["flow"].to_numpy(), annual["source_ids"].to_numpy()
    published = (annual["basis"] != "sum_of_bundled_months").to_numpy(dtype=bool)
    for col in COLUMNS:
        pair, flow = col[len("trade_"):].rsplit("_", 1)
        unit = PAIRS[pair][2].replace("_", " ")
        monthly_ids = sorted(set(observed_ids[observed_pair == pair]))
        totals = (reporter == PAIRS[pair][0]) & (flows == flow) & published
        total_ids = sorted({s for cell in ids[totals] for s in str(cell).split(";")})
        through = trade.series_record_through[col]
        rows.append((col, ";".join(monthly_ids + total_ids),
                     f"{unit}; official monthly figures, and after them monthly estimates from the annual totals "
                     f"(temporal aggregation; {col}_estimated marks them, {col}_se gives their standard errors); "
                     f"NaN after {through.date()}"))
        rows.append((f"{col}_estimated", ";".join(monthly_ids + total_ids), f"True where {col} is a nowcast"))
        rows.append((f"{col}_se", ";".join(monthly_ids + total_ids), f"standard error of {col} (0 where observed)"))
    extra = pd.DataFrame(rows, columns=["column", "source_ids", "derivation"]).set_index("column")
    return panel, pd.concat([sources, extra])
