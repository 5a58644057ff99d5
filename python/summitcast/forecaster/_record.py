"""The one place where a data object becomes what the forecaster reads.

``SummitForecaster`` accepts the bundled record (``load_trilateral()``) or an
analyst's own object of the same shape: attributes holding these tables
(extra columns are ignored; optional tables may be absent or None).

==================  ========================================================
attribute           columns used
==================  ========================================================
``series_meetings`` ``series, date`` (required), ``host`` (ISO3 of the host,
                    for host rotation), ``outcome_level`` (0, 1, 2, … or
                    missing)
``series``          ``series, members`` (ISO3 codes joined by ``;``),
                    optional ``host_rotation`` (text naming the order, e.g.
                    "Japan -> China -> ROK"), ``coverage_start``,
                    ``coverage_end``, ``record_through``
``steps``           ``series, date, kind`` (kinds of ``STEP_CLASSES`` below)
``indicators``      monthly panel (month-start index); used columns:
                    ``missile_launches``, ``nuclear_tests`` and, when
                    present, ``trade_<a>_<b>_exports``/``_imports``
``crises``          optional: ``onset, end, parties`` (``;``-joined ISO3)
``leaders``         optional: ``country, took_office`` (``acting`` rows skipped)
``elections``       optional: ``country, date``
``record_through``  optional dict: table name → last date the table is complete
``as_of``           the last month every outcome table covers completely
==================  ========================================================

Everything is cut at the as-of month here, whatever the object's own
``truncate`` does: rows dated after the end of that month are dropped, a
crisis that ended later is ongoing, a series is at risk only through its own
record-through month.  So nothing later than as-of can reach a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._common.time import as_month, last_complete_month, month_end, month_index, month_starts

__all__ = ["STEP_CLASSES", "Record", "SeriesInfo", "read_record"]

#: Step kinds grouped by what they say about the next meeting.
STEP_CLASSES = {
    "prep": ("senior_officials_meeting", "deputy_ministers_consultation", "foreign_ministers_meeting",
             "agreement_to_hold", "date_proposed"),
    "announced": ("date_announced",),
    "setback": ("postponement", "refusal"),
}

#: Country names in host-rotation rules → ISO3.
_COUNTRY_NAMES = {"japan": "JPN", "china": "CHN", "rok": "KOR", "korea": "KOR", "south korea": "KOR",
                  "republic of korea": "KOR", "united states": "USA", "us": "USA", "usa": "USA"}
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class SeriesInfo:
    """One meeting series as the models see it (all dates cut at as-of)."""

    key: str
    members: tuple[str, ...]
    rotation: tuple[str, ...] | None
    start: pd.Timestamp  # first month at risk
    end: pd.Timestamp  # last month whose outcome is recorded
    meetings: pd.DataFrame  # date (Timestamp), month, host, outcome_level; sorted by date
    steps: pd.DataFrame  # date, month, kind, step_class
    pending: bool = False  # its coverage begins after as-of: forecast as a new series of the pool

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Unordered member pairs (sorted codes)."""
        codes = sorted(m for m in self.members if _ISO3.match(m))
        return [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]

    @property
    def convened_by_organisation(self) -> bool:
        """True when a member is an organisation, not a state (a code that is
        not ISO 3166 alpha-3, such as ``ASEAN``): its chair convenes the
        meetings, so no two member states can withhold them from each other."""
        return any(not _ISO3.match(m) for m in self.members)


@dataclass(frozen=True)
class Record:
    """The data as of one month, read into plain tables."""

    as_of: pd.Timestamp
    series: dict[str, SeriesInfo]
    indicators: pd.DataFrame  # monthly panel through as_of
    crises: pd.DataFrame  # onset_month, end_month (NaT = ongoing), parties (tuple)
    leaders: pd.DataFrame  # country, month
    elections: pd.DataFrame  # country, month
    record_through: dict[str, pd.Timestamp]
    data_as_of: pd.Timestamp

    def months(self) -> pd.DatetimeIndex:
        return self.indicators.index


def _table(data: Any, name: str, required: bool) -> pd.DataFrame | None:
    table = getattr(data, name, None)
    if table is None:
        if required:
            raise ValueError(f"data has no {name!r} table; the forecaster needs {name} (see SummitForecaster's docs)")
        return None
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"data.{name} must be a DataFrame, got {type(table).__name__}")
    return table


def _columns(table: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"data.{name} lacks column(s) {missing}; it has {list(table.columns)}")


def _dates(values: pd.Series, what: str) -> pd.Series:
    try:
        return pd.to_datetime(values, errors="raise")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} holds a value that is not a date: {err}") from None


def _codes(text: Any) -> tuple[str, ...]:
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ()
    return tuple(part.strip() for part in str(text).split(";") if part.strip())


def _rotation(text: Any) -> tuple[str, ...] | None:
    """Host order from a rule such as 'rotating chair Japan -> China -> ROK; …'."""
    if not isinstance(text, str) or "->" not in text:
        return None
    clause = text.split(";")[0]
    names = [part.strip().lower() for part in clause.split("->")]
    names[0] = names[0].split()[-1] if names[0].split() else names[0]
    codes = []
    for name in names:
        code = _COUNTRY_NAMES.get(name) or (name.upper() if _ISO3.match(name.upper()) else None)
        if code is None:
            return None
        codes.append(code)
    return tuple(codes) if len(codes) >= 2 else None


def _default_as_of(data: Any) -> pd.Timestamp:
    value = getattr(data, "as_of", None)
    if value is None:
        raise ValueError("data has no as_of month; pass as_of= explicitly")
    return as_month(value, "data.as_of")


def _by_series(table: pd.DataFrame):
    """series key → positions of its rows in ``table``, in the order of
    ``table[table["series"] == key].sort_values("date")`` (numpy's quicksort
    of the dates, which are all known here, as pandas sorts them)."""
    series = table["series"].to_numpy()
    dates = table["date"].to_numpy()

    def rows(key: str) -> np.ndarray:
        mine = np.flatnonzero(series == key)
        return mine[np.argsort(dates[mine], kind="quicksort")]
    return rows


def _through(frame: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``frame`` of months up to ``end``, renumbered from 0."""
    keep = frame["month"].to_numpy() <= end
    return frame if keep.all() else frame[keep].reset_index(drop=True)


def read_record(data: Any, as_of: Any = None) -> Record:
    """Read ``data`` as of the month ``as_of`` (default: the data's own as-of).

    Raises ValueError when a required table or column is missing, a date
    does not parse, or ``as_of`` lies after the data's as-of or before the
    indicator panel starts.
    """
    data_as_of = _default_as_of(data)
    month = data_as_of if as_of is None else as_month(as_of, "as_of")
    if month > data_as_of:
        raise ValueError(f"as_of {month:%Y-%m} is after the data's as-of month {data_as_of:%Y-%m} "
                         "(the last month all outcome tables cover completely)")
    panel = getattr(data, "indicators", None)
    if not isinstance(panel, pd.DataFrame) or not isinstance(panel.index, pd.DatetimeIndex) or len(panel) == 0:
        raise ValueError("data.indicators must be a monthly DataFrame on a month-start DatetimeIndex")
    if month < panel.index[0]:
        raise ValueError(f"as_of {month:%Y-%m} is before the indicator panel starts ({panel.index[0]:%Y-%m})")
    truncate = getattr(data, "truncate", None)
    if callable(truncate) and month < data_as_of:
        data = truncate(month)  # the vintage public then (revised estimates, unknown outcomes)
    cutoff = month_end(month)
    rt_raw = getattr(data, "record_through", None) or {}
    record_through = {str(k): min(pd.Timestamp(v), cutoff) for k, v in dict(rt_raw).items() if pd.notna(v)}

    if getattr(data, "series_meetings", None) is None and isinstance(getattr(data, "summits", None), pd.DataFrame):
        data = _from_summit_tables(data)
    meetings = _table(data, "series_meetings", True)
    _columns(meetings, "series_meetings", ("series", "date"))
    steps = _table(data, "steps", False)
    if steps is None:
        steps = pd.DataFrame({"series": [], "date": pd.to_datetime([]), "kind": []})
    _columns(steps, "steps", ("series", "date", "kind"))
    table = _table(data, "series", False)
    if table is None:
        table = pd.DataFrame({"series": sorted(meetings["series"].unique()), "members": ""})
    _columns(table, "series", ("series", "members"))

    meet = meetings.assign(date=_dates(meetings["date"], "series_meetings.date"))
    meet = meet[meet["date"].notna() & (meet["date"] <= cutoff)]
    st = steps.assign(date=_dates(steps["date"], "steps.date"))
    st = st[st["date"].notna() & (st["date"] <= cutoff)]
    kinds = {kind: cls for cls, members in STEP_CLASSES.items() for kind in members}
    unknown = sorted(set(st["kind"].astype(str)) - set(kinds))
    if unknown:
        raise ValueError(f"data.steps has kind(s) {unknown} outside {sorted(kinds)}")

    indicators = panel.loc[:month].copy()
    meetings_of = _by_series(meet)
    steps_of = _by_series(st)
    meet_month = month_starts(meet["date"])
    meet_host = meet["host"].astype(object).to_numpy() if "host" in meet else None
    st_kind = st["kind"].astype(str)
    st_month, st_kind_values, st_class = month_starts(st["date"]), st_kind.to_numpy(), st_kind.map(kinds).to_numpy()
    series: dict[str, SeriesInfo] = {}
    for _, row in table.iterrows():
        key = str(row["series"])
        start = as_month(row["coverage_start"], "coverage_start") if pd.notna(row.get("coverage_start")) else None
        rows = meetings_of(key)  # positions in meet, by date
        if start is None:
            start = as_month(meet["date"].iloc[rows[0]], "date") if len(rows) else indicators.index[0]
        start = max(start, indicators.index[0])
        end = month
        for bound in (row.get("coverage_end"), row.get("record_through")):
            if bound is not None and pd.notna(bound):
                end = min(end, last_complete_month(pd.Timestamp(bound)))
        pending = start > month
        if pending:
            end = month  # nothing recorded yet; at risk from its coverage start
        elif end < start:
            continue  # no complete month at risk by as-of
        frame = pd.DataFrame({
            "date": meet["date"].to_numpy()[rows],
            "month": meet_month[rows],
            "host": meet_host[rows] if meet_host is not None else None,
            "outcome_level": pd.to_numeric(meet["outcome_level"].take(rows), errors="coerce").to_numpy()
            if "outcome_level" in meet else np.nan,
        })
        frame = _through(frame, end)
        srows = steps_of(key)
        sframe = pd.DataFrame({
            "date": st["date"].to_numpy()[srows],
            "month": st_month[srows],
            "kind": st_kind_values[srows],
            "step_class": st_class[srows],
        })
        sframe = _through(sframe, end)
        series[key] = SeriesInfo(key=key, members=_codes(row["members"]), rotation=_rotation(row.get("host_rotation")),
                                 start=start, end=end, meetings=frame, steps=sframe, pending=pending)
    if not series:
        raise ValueError(f"no series of the data has a complete month at risk by {month:%Y-%m}")

    crises = pd.DataFrame({"onset_month": pd.to_datetime([]), "end_month": pd.to_datetime([]), "parties": []})
    table = _table(data, "crises", False)
    if table is not None and len(table):
        _columns(table, "crises", ("onset", "parties"))
        onset = _dates(table["onset"], "crises.onset")
        end = _dates(table["end"], "crises.end") if "end" in table else pd.Series(pd.NaT, index=table.index)
        keep = onset.notna() & (onset <= cutoff)
        end = end.where(end <= cutoff)  # ended after as-of: still ongoing then
        crises = pd.DataFrame({
            "onset_month": month_starts(onset[keep]),
            "end_month": month_starts(end[keep]),
            "parties": [_codes(p) for p in table.loc[keep, "parties"]],
        })
    leaders = _dated_by_country(data, "leaders", "took_office", cutoff, skip_acting=True)
    elections = _dated_by_country(data, "elections", "date", cutoff)
    return Record(as_of=month, series=series, indicators=indicators, crises=crises, leaders=leaders,
                  elections=elections, record_through=record_through, data_as_of=data_as_of)


@dataclass
class _Derived:
    series_meetings: pd.DataFrame
    steps: pd.DataFrame
    series: pd.DataFrame
    indicators: pd.DataFrame
    as_of: pd.Timestamp
    crises: pd.DataFrame | None
    record_through: dict


def _from_summit_tables(data: Any) -> _Derived:
    """The series tables from a record that has only ``summits`` and ``meetings``
    (the trilateral record before it gained ``series_meetings`` and ``steps``):
    stand-alone summits are the ``trilateral`` series, foreign ministers'
    meetings both a series and preparatory steps, other senior meetings steps."""
    summits, meetings = data.summits, getattr(data, "meetings", None)
    held = summits[summits["held"].fillna(False).astype(bool)]
    rows = [pd.DataFrame({"series": np.where(held["series"] == "standalone", "trilateral", "trilateral_sideline"),
                          "date": held["date"], "host": held.get("host"), "outcome_level": held.get("outcome_level")})]
    steps = [pd.DataFrame({"series": [], "date": pd.to_datetime([]), "kind": []})]
    if isinstance(meetings, pd.DataFrame):
        done = meetings[meetings["held"].fillna(False).astype(bool)]
        fm = done["kind"].astype(str).str.contains("foreign_ministers")
        rows.append(pd.DataFrame({"series": "trilateral_foreign_ministers", "date": done.loc[fm, "date"],
                                  "host": done.loc[fm].get("host")}))
        steps.append(pd.DataFrame({"series": "trilateral", "date": done["date"],
                                   "kind": np.where(fm, "foreign_ministers_meeting", "senior_officials_meeting")}))
    members = "CHN;JPN;KOR"
    series = pd.DataFrame({"series": ["trilateral", "trilateral_sideline", "trilateral_foreign_ministers"],
                           "members": members, "host_rotation": ["Japan -> China -> ROK", None, None],
                           "coverage_start": pd.to_datetime(["2008-01-01", "1999-01-01", "2004-01-01"]),
                           "coverage_end": pd.to_datetime([None, "2007-12-31", None])})
    crises = getattr(data, "crises", None)
    if isinstance(crises, pd.DataFrame) and "parties" not in crises:
        crises = crises.assign(parties=members)  # parties unrecorded: counted for every member pair
    return _Derived(series_meetings=pd.concat(rows, ignore_index=True), steps=pd.concat(steps, ignore_index=True),
                    series=series, indicators=data.indicators, as_of=_default_as_of(data), crises=crises,
                    record_through=dict(getattr(data, "record_through", None) or {}))


def _dated_by_country(data: Any, name: str, column: str, cutoff: pd.Timestamp, skip_acting: bool = False) -> pd.DataFrame:
    table = _table(data, name, False)
    if table is None or not len(table):
        return pd.DataFrame({"country": [], "month": pd.to_datetime([])})
    _columns(table, name, ("country", column))
    dates = _dates(table[column], f"{name}.{column}")
    keep = dates.notna() & (dates <= cutoff)
    if skip_acting and "acting" in table:
        keep &= ~table["acting"].fillna(False).astype(bool)
    return pd.DataFrame({"country": table.loc[keep, "country"].astype(str).to_numpy(),
                         "month": month_starts(dates[keep])})


def outcome_known(record: Record, series: str, origin: pd.Timestamp, horizon: int) -> bool:
    """Whether the window origin+1 .. origin+horizon is wholly recorded for ``series``."""
    info = record.series[series]
    return month_index(origin, info.end).size - 1 >= horizon
