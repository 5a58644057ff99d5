"""The bundled China–Japan–ROK summit dataset (CSV files in ``data/``).

Every table carries a ``source_ids`` column (semicolon-separated keys into
``sources``); the monthly ``indicators`` panel is derived from those tables and
``indicator_sources`` says from which, and how.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from ._trade import add_trade_indicators, load_trade

#: Ordinal outcome of a held leaders' meeting.
OUTCOME_LEVELS = {
    0: "met, no joint leaders' document",
    1: "joint statement/declaration adopted; explicit Korean Peninsula security language not confirmed",
    2: "joint document with explicit Korean Peninsula security language (denuclearisation, DPRK programmes)",
}

#: Date of compilation; the ``coverage`` attribute says how far each table reaches.
AS_OF = pd.Timestamp("2026-11-29")
_PANEL_START = pd.Timestamp("1999-01-01")

_FM_KINDS = ("foreign_ministers", "three_party_committee_foreign_ministers")


def _read(name: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""])


def _month_start(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


@dataclass(frozen=True)
class TrilateralData:
    """The bundled record; see :func:`load_trilateral`."""

    summits: pd.DataFrame
    meetings: pd.DataFrame
    nuclear_tests: pd.DataFrame
    crises: pd.DataFrame
    missile_launches: pd.Series
    trade: pd.DataFrame
    trade_monthly: pd.DataFrame
    indicators: pd.DataFrame
    indicator_sources: pd.DataFrame
    sources: pd.DataFrame
    as_of: pd.Timestamp
    coverage: dict = field(default_factory=dict)

    def summary(self) -> str:
        held = self.summits[self.summits["held"] == True]  # noqa: E712 (nullable boolean)
        lines = [
            f"Trilateral (China-Japan-ROK) record, compiled {self.as_of.date()}",
            f"  leader meetings: {len(held)} held "
            f"({int((held['series'] == 'standalone').sum())} stand-alone summits), "
            f"{int((self.summits['held'] == False).sum())} years without one",  # noqa: E712
            f"  ministerial / senior meetings: {len(self.meetings)}",
            f"  nuclear tests: {len(self.nuclear_tests)}; crises: {len(self.crises)}",
            f"  missile launches: {int(self.missile_launches.sum())} "
            f"({self.missile_launches.index[0]:%Y-%m}..{self.missile_launches.index[-1]:%Y-%m})",
            f"  indicators: {self.indicators.shape[0]} months x {self.indicators.shape[1]} columns "
            f"({self.indicators.index[0]:%Y-%m}..{self.indicators.index[-1]:%Y-%m})",
            f"  sources: {len(self.sources)}",
        ]
        lines += [f"  coverage {k}: {v}" for k, v in self.coverage.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def __repr__(self) -> str:
        return self.summary()


def _indicator_panel(summits, meetings, nuclear_tests, crises, missiles, end):
    index = pd.date_range(_PANEL_START, end, freq="MS", name="month")
    panel = pd.DataFrame(index=index)
    rows = []

    def count_by_month(dates: pd.Series) -> pd.Series:
        months = _month_start(dates)
        return months.value_counts().reindex(index, fill_value=0).astype("int64")

    launches = missiles.reindex(index).astype("float64")  # NaN after the record ends
    panel["missile_launches"] = launches
    rows.append(("missile_launches", "nk_missile_record;cns_db",
                 "launches per month; NaN after the maintained record ends"))
    panel["nuclear_tests"] = count_by_month(nuclear_tests["date"])
    rows.append(("nuclear_tests", ";".join(sorted(_ids(nuclear_tests))), "tests per month"))
    held = summits[summits["held"] == True]  # noqa: E712
    panel["leader_meetings"] = count_by_month(held["date"])
    rows.append(("leader_meetings", ";".join(sorted(_ids(held))),
                 "held trilateral leaders' meetings (stand-alone and ASEAN+3 sidelines)"))
    fm = meetings[(meetings["held"] == True) & meetings["kind"].isin(_FM_KINDS)]  # noqa: E712
    panel["foreign_ministers_meetings"] = count_by_month(fm["date"])
    rows.append(("foreign_ministers_meetings", ";".join(sorted(_ids(fm))),
                 "held trilateral foreign ministers' meetings"))
    other = meetings[(meetings["held"] == True) & ~meetings["kind"].isin(_FM_KINDS)]  # noqa: E712
    panel["other_ministerial_meetings"] = count_by_month(other["date"])
    rows.append(("other_ministerial_meetings", ";".join(sorted(_ids(other))),
                 "held trilateral meetings of other ministers or senior officials"))
    for _, c in crises.iterrows():
        onset = pd.Timestamp(c["onset"]).to_period("M").to_timestamp()
        panel[f"{c['crisis_key']}_onset"] = (index == onset).astype("int64")
        panel[f"{c['crisis_key']}_since"] = (index >= onset).astype("int64")
        rows.append((f"{c['crisis_key']}_onset", c["source_ids"], "1 in the onset month"))
        rows.append((f"{c['crisis_key']}_since", c["source_ids"], "1 from the onset month on"))
    sources = pd.DataFrame(rows, columns=["column", "source_ids", "derivation"]).set_index("column")
    return panel, sources


def _as_boolean(column: pd.Series) -> pd.Series:
    truth = {True: True, False: False, "True": True, "False": False}
    bad = column.dropna()[~column.dropna().isin(list(truth))]
    if len(bad):
        raise ValueError(f"bundled table has non-boolean 'held' values: {bad.tolist()}")
    return column.map(truth).astype("boolean")


def _ids(table: pd.DataFrame) -> set[str]:
    return {s for cell in table["source_ids"].dropna() for s in str(cell).split(";")}


def load_trilateral() -> TrilateralData:
    """Load the bundled China–Japan–ROK record.

    Returns
    -------
    TrilateralData
        ``summits``: one row per leaders' meeting opportunity: every year from
        2008 (stand-alone summits, held or not, with the reported reason when
        not) and the sourced ASEAN+3 sideline meetings of 1999–2007.  Columns:
        ``summit_key, series, number, year, date, date_end, date_precision,
        host`` (ISO3 of the chair), ``city, venue_country, held`` (nullable
        boolean; missing for the current year when its status is unknown),
        ``documents`` (semicolon-separated), ``outcome_level`` (see
        :data:`OUTCOME_LEVELS`), ``security_language``, ``reason_not_held,
        source_ids``.

        ``meetings``: trilateral foreign-minister and other ministerial or
        senior-official meetings (preparatory diplomacy).

        ``nuclear_tests``, ``crises`` (onset dates), ``missile_launches``
        (monthly Series, zeros included, over the span of the maintained
        record), ``trade`` (annual Korea–China and Japan–China figures: sums
        of the bundled months and published totals, with units and sources)
        and ``trade_monthly`` (the official monthly figures 2001–2019); see
        :func:`summitcast.datasets.load_trade`.

        ``indicators``: monthly panel (month-start DatetimeIndex, no gaps) from
        January 1999 to the compilation month, with the monthly trade columns
        ``trade_kor_chn_exports`` etc. and their ``_estimated`` and ``_se``
        companions (NaN outside the trade record); ``indicator_sources`` maps each
        column to its sources.  ``sources``: the source table.  ``as_of`` and
        ``coverage`` say how current each part is.

    Notes
    -----
    The 2001, 2002 and January 2007 (Cebu) sideline meetings and the cancelled
    2005 one are not included because this compilation found no source for
    them; outcome level 1 means the security paragraph was not confirmed, not
    that it is absent.
    """
    sources = _read("sources.csv").set_index("source_id")
    summits = _read("summits.csv")
    summits["held"] = _as_boolean(summits["held"])
    summits["outcome_level"] = summits["outcome_level"].astype("Int64")
    summits["number"] = summits["number"].astype("Int64")
    for col in ("date", "date_end"):
        summits[col] = pd.to_datetime(summits[col])
    meetings = _read("meetings.csv")
    meetings["held"] = _as_boolean(meetings["held"])
    meetings["number"] = meetings["number"].astype("Int64")
    for col in ("date", "date_end"):
        meetings[col] = pd.to_datetime(meetings[col])
    nuclear_tests = _read("nuclear_tests.csv")
    nuclear_tests["date"] = pd.to_datetime(nuclear_tests["date"])
    crises = _read("crises.csv")
    crises["onset"] = pd.to_datetime(crises["onset"])
    missiles_table = _read("missile_launches_monthly.csv")
    missiles = pd.Series(
        missiles_table["launches"].to_numpy(dtype=np.int64),
        index=pd.DatetimeIndex(pd.to_datetime(missiles_table["month"]), freq="MS", name="month"),
        name="missile_launches",
    )
    trade = load_trade()
    end = AS_OF.to_period("M").to_timestamp()
    indicators, indicator_sources = _indicator_panel(summits, meetings, nuclear_tests, crises, missiles, end)
    indicators, indicator_sources = add_trade_indicators(indicators, indicator_sources, trade)
    coverage = {
        "summits": "reports to 2025-11-24 (latest found on the tenth summit)",
        "missile_launches": f"{missiles.index[0]:%Y-%m}..{missiles.index[-1]:%Y-%m}",
        "trade": f"monthly through {trade.record_through.date()} (official 2001-2019, nowcast from annual totals after)",
    }
    return TrilateralData(
        summits=summits, meetings=meetings, nuclear_tests=nuclear_tests, crises=crises,
        missile_launches=missiles, trade=trade.annual, trade_monthly=trade.observed, indicators=indicators,
        indicator_sources=indicator_sources, sources=sources, as_of=AS_OF, coverage=coverage,
    )
