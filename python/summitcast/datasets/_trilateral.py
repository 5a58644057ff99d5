"""The bundled China–Japan–ROK summit dataset (CSV files in ``data/``).

Every table carries a ``source_ids`` column (semicolon-separated keys into
``sources``) and a record-through date (``TrilateralData.record_through``):
the date through which the table is complete.  The monthly ``indicators``
panel is derived from those tables; ``indicator_sources`` says from which,
and how, and an event column is NaN (not 0) after its table's last complete
month.  ``TrilateralData.truncate(as_of)`` returns the vintage that was
public at the end of a given month.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from .._common.time import as_month, last_complete_month, month_index
from . import _trade
from ._trade import TradeData, add_trade_indicators, load_trade

#: Ordinal outcome of a held leaders' meeting.
OUTCOME_LEVELS = {
    0: "met, no joint leaders' document",
    1: "joint statement/declaration adopted; explicit Korean Peninsula security language not confirmed",
    2: "joint document with explicit Korean Peninsula security language (denuclearisation, DPRK programmes)",
}

#: Vocabulary of ``steps.kind``, in the order of a typical run-up to a summit.
STEP_KINDS = (
    "senior_officials_meeting",
    "deputy_ministers_consultation",
    "foreign_ministers_meeting",
    "agreement_to_hold",
    "date_proposed",
    "date_announced",
    "postponement",
    "refusal",
)

#: What counts as each step kind (also in ``data/README.md``).
STEP_KIND_RULES = {
    "senior_officials_meeting": "a held meeting of senior foreign-ministry officials (SOM) of the members",
    "deputy_ministers_consultation": "a held consultation of deputy or vice foreign ministers",
    "foreign_ministers_meeting": "a held meeting of the members' foreign ministers (derived from meetings.csv for the trilateral series)",
    "agreement_to_hold": "a public statement that the leaders or ministers agreed (or pledged) to hold the next summit or visit, without a fixed date",
    "date_proposed": "a report that a member proposed or was arranging a date or period not yet agreed by all",
    "date_announced": "an official announcement, or a report of one, of the agreed date of a meeting",
    "postponement": "an announced or reported postponement or abandonment of a planned meeting",
    "refusal": "a member's reported refusal of a proposed meeting, date or attendance",
}

#: Vocabulary of ``series_meetings.kind``.
MEETING_KINDS = ("standalone", "sideline", "visit", "forum", "virtual")

#: Tables the outcome models rely on; ``as_of`` is the last month all are complete.
OUTCOME_TABLES = ("summits", "meetings", "steps", "crises", "leaders", "elections")

#: Date of compilation of the bundled files.
COMPILED_ON = pd.Timestamp("2026-11-29")
_PANEL_START = pd.Timestamp("1999-01-01")

_FM_KINDS = ("foreign_ministers", "three_party_committee_foreign_ministers")
_SOM_KINDS = ("senior_foreign_officials",)
_FM_SIDELINE_VENUES = {"fm-2004-11": "LAO"}  # held on the ASEAN+3 sidelines in Vientiane
#: the first month by whose end a monthly trade figure had been published
_FIRST_TRADE_VINTAGE = _trade._START + pd.DateOffset(months=_trade.MONTHLY_LAG)


def _read(name: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""], dtype=str)


def _ids(cells) -> set[str]:
    """The source keys of the known cells of a ``source_ids`` column."""
    return {s for cell in cells if not pd.isna(cell) for s in str(cell).split(";")}


def _as_boolean(column: pd.Series, name: str) -> pd.Series:
    truth = {True: True, False: False, "True": True, "False": False}
    present = column.dropna()
    bad = present[~present.isin(list(truth))]
    if len(bad):
        raise ValueError(f"bundled table has non-boolean {name!r} values: {bad.tolist()}")
    return column.map(truth).astype("boolean")


def _dates(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for col in columns:
        table[col] = pd.to_datetime(table[col], format="ISO8601")
    return table


@dataclass(frozen=True)
class TrilateralData:
    """The bundled record; see :func:`load_trilateral`."""

    summits: pd.DataFrame
    meetings: pd.DataFrame
    steps: pd.DataFrame
    series_meetings: pd.DataFrame
    series: pd.DataFrame
    nuclear_tests: pd.DataFrame
    crises: pd.DataFrame
    missile_launches: pd.Series
    leaders: pd.DataFrame
    elections: pd.DataFrame
    trade: pd.DataFrame
    trade_monthly: pd.DataFrame
    indicators: pd.DataFrame
    indicator_sources: pd.DataFrame
    sources: pd.DataFrame
    record_through: dict
    as_of: pd.Timestamp
    record_basis: dict = field(default_factory=dict)

    def summary(self) -> str:
        held = self.summits[self.summits["held"] == True]  # noqa: E712 (nullable boolean)
        counts = self.series_meetings["series"].value_counts()
        lines = [
            f"Trilateral (China-Japan-ROK) record; outcome tables complete through {self.as_of:%Y-%m} (as_of)",
            f"  leader meetings: {len(held)} held "
            f"({int((held['series'] == 'standalone').sum())} stand-alone summits), "
            f"{int((self.summits['held'] == False).sum())} years without one",  # noqa: E712
            f"  ministerial / senior meetings: {len(self.meetings)}; diplomatic steps: {len(self.steps)}",
            f"  series meetings: {len(self.series_meetings)} in {len(counts)} series "
            f"({', '.join(f'{k} {v}' for k, v in counts.sort_index().items())})",
            f"  nuclear tests: {len(self.nuclear_tests)}; crises: {len(self.crises)}; "
            f"missile launches: {int(self.missile_launches.sum())}",
            f"  leaders: {len(self.leaders)} terms; elections: {len(self.elections)}",
            f"  indicators: {self.indicators.shape[0]} months x {self.indicators.shape[1]} columns "
            f"({self.indicators.index[0]:%Y-%m}..{self.indicators.index[-1]:%Y-%m}); "
            f"event columns are NaN after their table's record-through month",
            f"  sources: {len(self.sources)}",
            "  record through (date through which each table is complete):",
        ]
        for name, date in self.record_through.items():
            basis = self.record_basis.get(name, "")
            lines.append(f"    {name:<17} {date:%Y-%m-%d}" + (f"  ({basis})" if basis else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def __repr__(self) -> str:
        return self.summary()

    def truncate(self, as_of) -> "TrilateralData":
        """The vintage public by the end of month ``as_of``.

        Rows dated after the end of that month are removed (summits,
        meetings, steps, series meetings, crisis onsets, nuclear tests,
        missile months, leaders' terms begun, elections); outcomes not yet
        known are set unknown: the current year's ``held`` status in
        ``summits`` when the year had not ended and no summit was held yet,
        end dates of meetings, crises and leaders' terms after the cut-off.
        Every record-through date becomes ``min(date, end of month)``, the
        panel ends at ``as_of`` and trade is the vintage
        :func:`~summitcast.datasets.load_trade` gives for ``as_of`` (with its
        publication lags; no trade before February 2001).

        Raises ``TypeError`` for a non-date ``as_of`` and ``ValueError`` for
        one before the panel start (1999-01) or after the data's ``as_of``.
        """
        month = as_month(as_of, "as_of")
        if month < _PANEL_START or month > self.as_of:
            raise ValueError(
                f"as_of must lie between {_PANEL_START:%Y-%m} and the data's as_of {self.as_of:%Y-%m}, got {as_of!r}"
            )
        cutoff = month + pd.offsets.MonthEnd(0)
        rt = {k: min(pd.Timestamp(v), cutoff) for k, v in self.record_through.items() if k not in ("series_meetings", "trade")}
        summits = _truncate_summits(self.summits, cutoff)
        meetings = _clip_end(self.meetings[self.meetings["date"] <= cutoff], cutoff)
        steps = self.steps[self.steps["date"] <= cutoff].reset_index(drop=True)
        series_meetings = _clip_end(self.series_meetings[self.series_meetings["date"] <= cutoff], cutoff)
        series = self.series.copy()
        series["record_through"] = series["record_through"].where(series["record_through"] <= cutoff, cutoff)
        crises = self.crises[self.crises["onset"] <= cutoff].copy()
        late = crises["end"] > cutoff
        crises.loc[late, ["end_precision", "end_event", "end_source_ids"]] = np.nan
        crises.loc[late, "end"] = pd.NaT
        nuclear_tests = self.nuclear_tests[self.nuclear_tests["date"] <= cutoff].reset_index(drop=True)
        missile_end = min(month, last_complete_month(rt["missile_launches"]))
        missiles = self.missile_launches.loc[:missile_end].copy()
        missiles.index.freq = "MS"
        leaders = self.leaders[self.leaders["took_office"].isna() | (self.leaders["took_office"] <= cutoff)].copy()
        ended_later = leaders["left_office"] > cutoff
        leaders.loc[ended_later, "left_office"] = pd.NaT
        leaders.loc[ended_later, "note"] = np.nan
        elections = self.elections[self.elections["date"] <= cutoff].reset_index(drop=True)
        return _assemble(
            summits=summits, meetings=meetings.reset_index(drop=True), steps=steps,
            series_meetings=series_meetings.reset_index(drop=True), series=series,
            nuclear_tests=nuclear_tests, crises=crises.reset_index(drop=True), missiles=missiles,
            leaders=leaders.reset_index(drop=True), elections=elections,
            sources=self.sources, record_through=rt, record_basis=self.record_basis,
            trade_as_of=month, panel_end=month,
        )


def _clip_end(table: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """``table`` with end dates after ``cutoff`` unknown (NaT)."""
    ends = table["date_end"].to_numpy()
    return table.assign(date_end=np.where(ends > cutoff, np.datetime64("NaT"), ends).astype(ends.dtype))


def _truncate_summits(summits: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    standalone = summits["series"] == "standalone"
    keep = (standalone & (summits["year"] <= cutoff.year)) | (~standalone & (summits["date"] <= cutoff))
    out = _clip_end(summits[keep], cutoff)
    year_open = cutoff < pd.Timestamp(year=cutoff.year, month=12, day=31)
    current = (out["series"] == "standalone") & (out["year"] == cutoff.year)
    known = (out["held"] == True) & (out["date"] <= cutoff)  # noqa: E712
    unknown = current & year_open & ~known.fillna(False)
    if unknown.any():
        before = (standalone & (summits["held"] == True) & (summits["date"] <= cutoff)).to_numpy(  # noqa: E712
            dtype=bool, na_value=False)
        rows = np.flatnonzero(before)
        # the latest of them, as held_before.sort_values("date").iloc[-1] finds it (numpy's quicksort of the known dates)
        last = summits.iloc[rows[np.argsort(summits["date"].to_numpy()[rows], kind="quicksort")[-1]]] \
            if rows.size else None
        unset = {"held": pd.NA, "date": pd.NaT, "date_end": pd.NaT, "date_precision": "year",
                 **dict.fromkeys(["documents", "security_language", "reason_not_held", "city", "venue_country"], np.nan),
                 "outcome_level": pd.NA, "number": (int(last["number"]) + 1) if last is not None else 1,
                 "source_ids": last["source_ids"] if last is not None else "wiki_cjk_summit"}
        rows = unknown.to_numpy(dtype=bool)
        out = out.assign(**{column: out[column].mask(rows, value) for column, value in unset.items()})
    return out.reset_index(drop=True)


def _month_offsets(dates, index: pd.DatetimeIndex) -> np.ndarray:
    """Months from the first month of ``index`` to the month of each date (NaN for NaT)."""
    stamps = pd.DatetimeIndex(dates)
    ordinal = 12 * stamps.year.to_numpy(dtype=float) + stamps.month.to_numpy(dtype=float)  # NaT: NaN
    return ordinal - (12 * index[0].year + index[0].month)


def _event_panel(summits, meetings, nuclear_tests, crises, missiles, record_through, end):
    index = month_index(_PANEL_START, end)
    n = len(index)
    columns: dict[str, np.ndarray] = {}
    rows = []

    def after(table):  # months past the table's last complete month
        return index > last_complete_month(record_through[table])

    def count_by_month(dates: pd.Series, table: str) -> np.ndarray:
        at = _month_offsets(dates, index)
        at = at[(at >= 0) & (at < n)].astype(np.int64)  # NaT and months outside the panel are not counted
        counts = np.bincount(at, minlength=n).astype("float64")
        counts[after(table)] = np.nan
        return counts

    launches = missiles.reindex(index).to_numpy(dtype="float64")
    launches[after("missile_launches")] = np.nan
    columns["missile_launches"] = launches
    rows.append(("missile_launches", "missile_launches", "nk_missile_record;cns_db",
                 "launches per month; NaN after the maintained record ends"))
    columns["nuclear_tests"] = count_by_month(nuclear_tests["date"], "nuclear_tests")
    rows.append(("nuclear_tests", "nuclear_tests", ";".join(sorted(_ids(nuclear_tests["source_ids"]))),
                 "tests per month"))
    # rows selected by masks on the columns used (no copies of the whole tables)
    held = (summits["held"] == True).to_numpy(dtype=bool, na_value=False)  # noqa: E712
    columns["leader_meetings"] = count_by_month(summits["date"].to_numpy()[held], "summits")
    rows.append(("leader_meetings", "summits", ";".join(sorted(_ids(summits["source_ids"].to_numpy()[held]))),
                 "held trilateral leaders' meetings (stand-alone and ASEAN+3 sidelines)"))
    done = (meetings["held"] == True).to_numpy(dtype=bool, na_value=False)  # noqa: E712
    is_fm = meetings["kind"].isin(_FM_KINDS).to_numpy(dtype=bool)
    dates, ids = meetings["date"].to_numpy(), meetings["source_ids"].to_numpy()
    columns["foreign_ministers_meetings"] = count_by_month(dates[done & is_fm], "meetings")
    rows.append(("foreign_ministers_meetings", "meetings", ";".join(sorted(_ids(ids[done & is_fm]))),
                 "held trilateral foreign ministers' meetings"))
    columns["other_ministerial_meetings"] = count_by_month(dates[done & ~is_fm], "meetings")
    rows.append(("other_ministerial_meetings", "meetings", ";".join(sorted(_ids(ids[done & ~is_fm]))),
                 "held trilateral meetings of other ministers or senior officials"))
    unknown = after("crises")
    month = np.arange(n)
    for key, onset, ended, source_ids, end_ids in zip(crises["crisis_key"], _month_offsets(crises["onset"], index),
                                                      _month_offsets(crises["end"], index), crises["source_ids"],
                                                      crises["end_source_ids"]):
        active = month >= onset
        if not np.isnan(ended):
            active &= month <= ended
        columns[f"{key}_onset"] = np.where(unknown, np.nan, (month == onset).astype("float64"))
        columns[f"{key}_since"] = np.where(unknown, np.nan, active.astype("float64"))
        ids = ";".join(sorted({*str(source_ids).split(";"), *str(end_ids).split(";")} - {"nan"}))
        rows.append((f"{key}_onset", "crises", source_ids, "1 in the onset month"))
        rows.append((f"{key}_since", "crises", ids,
                     "1 from the onset month through the month of the public act that ended it (if any), 0 after"))
    panel = pd.DataFrame(columns, index=index)
    sources = pd.DataFrame(rows, columns=["column", "table", "source_ids", "derivation"]).set_index("column")
    sources.insert(1, "record_through", sources["table"].map(record_through))
    return panel, sources


def _derived_series_meetings(summits: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    held = summits[summits["held"] == True]  # noqa: E712
    tri = held.assign(
        series=np.where(held["series"] == "standalone", "trilateral", "trilateral_sideline"),
        meeting_key=held["summit_key"],
        kind=np.where(held["series"] == "standalone", "standalone", "sideline"),
        note=np.nan,
    )
    fm = meetings[(meetings["held"] == True) & meetings["kind"].isin(_FM_KINDS)]  # noqa: E712
    sideline = fm["meeting_key"].map(_FM_SIDELINE_VENUES)
    fmr = fm.assign(
        series="trilateral_foreign_ministers",
        kind=np.where(sideline.notna(), "sideline", "standalone"),
        venue_country=sideline.fillna(fm["host"]),
        outcome_level=pd.NA, documents=np.nan,
    )
    return pd.concat([tri, fmr], ignore_index=True)


def _derived_steps(meetings: pd.DataFrame) -> pd.DataFrame:
    done = meetings[meetings["held"] == True]  # noqa: E712
    fm = done[done["kind"].isin(_FM_KINDS)]
    som = done[done["kind"].isin(_SOM_KINDS) & (done["date_precision"] == "day")]

    def statement(row, what):
        where = f" in {row['city']}" if pd.notna(row["city"]) else ""
        extra = f" ({row['note']})" if pd.notna(row["note"]) else ""
        return f"trilateral {what} held{where}{extra}"

    parts = []
    for table, kind, what in ((fm, "foreign_ministers_meeting", "foreign ministers' meeting"),
                              (som, "senior_officials_meeting", "senior foreign officials' consultation")):
        if len(table):
            parts.append(pd.DataFrame({
                "series": "trilateral", "step_key": "tri-" + table["meeting_key"], "date": table["date"],
                "date_precision": table["date_precision"], "kind": kind,
                "statement": [statement(r, what) for _, r in table.iterrows()],
                "source_ids": table["source_ids"], "note": "derived from meetings.csv",
            }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _trade_vintage(month) -> TradeData:
    """All bundled trade figures (``month`` None) or those published by the end of ``month``."""
    if month is None or month >= _FIRST_TRADE_VINTAGE:
        return load_trade() if month is None else load_trade(as_of=month)
    # nothing published yet: the same tables with no rows
    observed = _trade._read("trade_monthly.csv", dtype={"month": str}).iloc[:0]
    observed["month"] = pd.to_datetime(observed["month"], format="%Y-%m")
    none = min(_trade._START - pd.Timedelta(days=1), month + pd.offsets.MonthEnd(0))
    monthly = pd.DataFrame(index=month_index(_trade._START, _trade._START)[:0])
    for col in _trade.COLUMNS:
        monthly[col] = pd.Series(dtype="float64")
        monthly[f"{col}_estimated"] = pd.Series(dtype="boolean")
        monthly[f"{col}_se"] = pd.Series(dtype="float64")
    return TradeData(monthly=monthly, observed=observed, annual=_trade._read("trade_annual.csv").iloc[:0],
                     params=_trade._read("trade_nowcast_params.csv"), record_through=none,
                     series_record_through={col: none for col in _trade.COLUMNS}, as_of=month)


def _assemble(*, summits, meetings, steps, series_meetings, series, nuclear_tests, crises, missiles,
              leaders, elections, sources, record_through, record_basis, trade_as_of, panel_end):
    rt = dict(record_through)
    ongoing = series[series["coverage_end"].isna()]
    rt["series_meetings"] = pd.Timestamp(ongoing["record_through"].min())
    trade = _trade_vintage(trade_as_of)
    rt["trade"] = pd.Timestamp(trade.record_through)
    basis = dict(record_basis)
    basis.setdefault("series_meetings", "the least current ongoing series in the series table")
    basis.setdefault("trade", "the least current of the four monthly trade series (load_trade)")
    order = ["summits", "meetings", "series_meetings", "steps", "crises", "nuclear_tests",
             "missile_launches", "leaders", "elections", "trade"]
    rt = {k: rt[k] for k in order}
    as_of = min(last_complete_month(rt[k]) for k in OUTCOME_TABLES)
    if panel_end is None:
        panel_end = max(last_complete_month(v) for v in rt.values())
    indicators, indicator_sources = _event_panel(summits, meetings, nuclear_tests, crises, missiles, rt, panel_end)
    indicators, indicator_sources = add_trade_indicators(indicators, indicator_sources, trade)
    is_trade = indicator_sources["table"].isna()
    indicator_sources.loc[is_trade, "table"] = "trade"
    indicator_sources.loc[is_trade, "record_through"] = [
        trade.series_record_through[c.removesuffix("_estimated").removesuffix("_se")]
        for c in indicator_sources.index[is_trade]
    ]
    indicator_sources["record_through"] = pd.to_datetime(indicator_sources["record_through"])
    return TrilateralData(
        summits=summits, meetings=meetings, steps=steps, series_meetings=series_meetings, series=series,
        nuclear_tests=nuclear_tests, crises=crises, missile_launches=missiles, leaders=leaders,
        elections=elections, trade=trade.annual, trade_monthly=trade.observed, indicators=indicators,
        indicator_sources=indicator_sources, sources=sources, record_through=rt, as_of=as_of, record_basis=basis,
    )


_SERIES_MEETING_COLUMNS = ["series", "meeting_key", "date", "date_end", "date_precision", "kind", "host", "city",
                           "venue_country", "outcome_level", "documents", "source_ids", "note"]


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

        ``steps``: dated diplomatic steps (kinds in :data:`STEP_KINDS`) of the
        trilateral process since 2008 and of the bilateral series, each dated
        by the day it became public; the trilateral foreign ministers' and
        senior officials' meetings are derived from ``meetings``.

        ``series_meetings``: every meeting of every summit series (kinds in
        :data:`MEETING_KINDS`); the ``trilateral``, ``trilateral_sideline``
        and ``trilateral_foreign_ministers`` rows are derived from
        ``summits`` and ``meetings``.  ``series``: one row per series with
        its event rule, host rotation, coverage and record-through date.

        ``nuclear_tests``, ``crises`` (onset and, where a public act ended
        them, end dates), ``missile_launches`` (monthly Series over the span
        of the maintained record), ``leaders`` (terms of office, acting
        presidents flagged), ``elections``, ``trade`` (annual Korea–China
        and Japan–China figures: sums of the bundled months and published
        totals, with units and sources) and ``trade_monthly`` (the official
        monthly figures 2001–2019); see :func:`summitcast.datasets.load_trade`.

        ``indicators``: monthly panel (month-start DatetimeIndex named
        ``month``, ``freq="MS"``) from January 1999 to the last month any
        table completes; each event column is NaN after its table's last
        complete month; ``<crisis>_since`` is 1 from the onset month through
        the month the crisis ended and 0 after; the monthly trade columns
        ``trade_kor_chn_exports`` etc. with their ``_estimated`` and ``_se``
        companions are NaN outside the trade record.  ``indicator_sources``
        maps each column to its table, its own record-through date and its
        sources.

        ``record_through``: table name -> date through which the table is
        complete; ``as_of``: the month through which all of
        :data:`OUTCOME_TABLES` (summits, meetings, steps, crises, leaders,
        elections) are complete.  ``truncate(as_of)`` gives earlier vintages.

    Notes
    -----
    The 2001, 2002 and January 2007 (Cebu) sideline meetings and the cancelled
    2005 one are not included because this compilation found no source for
    them; outcome level 1 means the security paragraph was not confirmed, not
    that it is absent.  ``data/README.md`` lists what else could not be found.
    """
    sources = _read("sources.csv").set_index("source_id")
    summits = _dates(_read("summits.csv"), "date", "date_end")
    summits["held"] = _as_boolean(summits["held"], "held")
    for col in ("outcome_level", "number", "year"):
        summits[col] = pd.to_numeric(summits[col]).astype("Int64")
    meetings = _dates(_read("meetings.csv"), "date", "date_end")
    meetings["held"] = _as_boolean(meetings["held"], "held")
    meetings["number"] = pd.to_numeric(meetings["number"]).astype("Int64")
    nuclear_tests = _dates(_read("nuclear_tests.csv"), "date")
    nuclear_tests["test_number"] = nuclear_tests["test_number"].astype("int64")
    crises = _dates(_read("crises.csv"), "onset", "end")
    missiles_table = _read("missile_launches_monthly.csv")
    missiles = pd.Series(
        missiles_table["launches"].to_numpy(dtype=np.int64),
        index=pd.DatetimeIndex(pd.to_datetime(missiles_table["month"]), freq="MS", name="month"),
        name="missile_launches",
    )
    series = _dates(_read("series.csv"), "coverage_start", "coverage_end", "record_through")
    series["max_gap_months"] = series["max_gap_months"].astype("int64")
    record = _read("record_through.csv").set_index("table")
    record_through = {k: pd.Timestamp(v) for k, v in record["record_through"].items()}
    record_basis = dict(record["basis"])
    derived_rt = {"summits.csv": record_through["summits"], "meetings.csv": record_through["meetings"]}
    fill = series["record_through"].isna() & series["derived_from"].notna()
    series.loc[fill, "record_through"] = series.loc[fill, "derived_from"].map(derived_rt)

    hand = _dates(_read("series_meetings.csv"), "date", "date_end")
    hand["outcome_level"] = pd.to_numeric(hand["outcome_level"]).astype("Int64")
    series_meetings = pd.concat([_derived_series_meetings(summits, meetings)[_SERIES_MEETING_COLUMNS], hand],
                                ignore_index=True)
    series_meetings["outcome_level"] = series_meetings["outcome_level"].astype("Int64")
    series_meetings = series_meetings.sort_values(["series", "date", "meeting_key"]).reset_index(drop=True)

    typed = _dates(_read("steps.csv"), "date")
    steps = pd.concat([typed, _derived_steps(meetings)], ignore_index=True)
    steps = steps.sort_values(["series", "date", "step_key"]).reset_index(drop=True)
    bad = sorted(set(steps["kind"]) - set(STEP_KINDS))
    if bad:
        raise ValueError(f"bundled steps.csv has kinds outside STEP_KINDS: {bad}")

    leaders = _dates(_read("leaders.csv"), "took_office", "left_office")
    leaders["acting"] = _as_boolean(leaders["acting"], "acting")
    elections = _dates(_read("elections.csv"), "date")

    return _assemble(
        summits=summits, meetings=meetings, steps=steps, series_meetings=series_meetings, series=series,
        nuclear_tests=nuclear_tests, crises=crises, missiles=missiles, leaders=leaders, elections=elections,
        sources=sources, record_through=record_through, record_basis=record_basis,
        trade_as_of=None, panel_end=None,
    )
