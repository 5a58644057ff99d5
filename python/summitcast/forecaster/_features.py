"""Features of a series-month, computed one way for the history and for simulated futures.

Every feature of month t uses only what was known by the end of month t − 1
(so a forecast made at the end of month T knows every feature of T + 1 and
simulates the rest).  They were chosen from the design's reasoning before any
forecast was scored (``benchmarks/results/skill_configurations.md``):

=================  ==========================================================
feature            definition (month t of series s)
=================  ==========================================================
``log_gap``        log d, d = months since the series' last meeting (1 in the
                   month after it; counted from the start of the record
                   when the series has not met yet)
``anniversary``    exp(−δ²/2·1.5²), δ = months from d to the first or second
                   anniversary (6 ≤ d ≤ 30; 0 otherwise): institutionalised
                   annual meetings recur a year on, or a year late; after
                   that the rhythm has broken
``prep``           preparatory steps since the last meeting (senior officials,
                   deputy or foreign ministers, agreements to hold, proposed
                   dates), each weighted 2^(−age/6 months)
``announced``      announced dates since the last meeting, half-life 1 month
``setback``        postponements and refusals since the last meeting,
                   half-life 6 months
``crisis``         active crises between two members of the series
``host_crisis``    1 if the member whose turn it is to host (rotating chairs:
                   the one after the last host; a skipped year does not pass
                   the chair) is party to an active crisis with a member
``trade_growth``   12-month log growth of the members' bilateral trade
                   (mean over the member pairs with trade data; 0 without)
``launches``       log(1 + North Korean missile launches in t−3..t−1)
``nuclear_test``   North Korean nuclear tests, half-life 6 months
``new_leader``     leaders of members taking office, half-life 6 months
``election``       national elections in member countries, half-life 3 months
=================  ==========================================================

The step features are the state of the step process; the forecaster
simulates them with the step hazards.  The indicator features come from the
monthly *inputs* (launches, tests, crisis counts per country pair, trade per
pair, leader changes and elections per country), which the indicator models
simulate; :func:`exogenous_features` turns inputs with a leading path axis
into features, for the history (one path) and the future alike.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._record import STEP_CLASSES, Record, SeriesInfo

__all__ = ["FEATURES", "FEATURE_GROUPS", "HALF_LIVES", "STEP_FEATURES", "History", "build_history",
           "decayed", "duration_features", "exogenous_features", "series_inputs"]

STEP_FEATURES = ("prep", "announced", "setback")
DURATION_FEATURES = ("log_gap", "anniversary")
EXOGENOUS_FEATURES = ("crisis", "host_crisis", "trade_growth", "launches", "nuclear_test", "new_leader", "election")
FEATURES = DURATION_FEATURES + STEP_FEATURES + EXOGENOUS_FEATURES

#: Groups for driver attribution (each set to its baseline together).
FEATURE_GROUPS = {
    "time since the last meeting": DURATION_FEATURES,
    "preparatory steps": STEP_FEATURES,
    "crises": ("crisis", "host_crisis"),
    "trade": ("trade_growth",),
    "North Korea": ("launches", "nuclear_test"),
    "leaders and elections": ("new_leader", "election"),
}

#: Half-lives (months) of the exponentially weighted counts.
HALF_LIVES = {"prep": 6.0, "announced": 1.0, "setback": 6.0, "nuclear_test": 6.0, "new_leader": 6.0, "election": 3.0}

ANNIVERSARY_WIDTH = 1.5
#: Months of inputs the longest-looking feature reads before its month: the
#: 12-month trade growth of month t compares t − 1 with t − 13 (a gap in the
#: record there leaves the feature unknown).
LONGEST_LOOK_BACK = 13


def decay(name: str) -> float:
    """Monthly retention 2^(−1/half-life) of a weighted count."""
    return float(2.0 ** (-1.0 / HALF_LIVES[name]))


def decayed(counts: np.ndarray, rho: float, initial: np.ndarray | float = 0.0) -> np.ndarray:
    """f[..., t] = rho f[..., t−1] + counts[..., t−1] (events through t − 1), f[..., 0] = initial."""
    counts = np.asarray(counts, dtype=float)
    out = np.empty_like(counts)
    state = np.broadcast_to(np.asarray(initial, dtype=float), counts.shape[:-1]).copy()
    if state.size == 1:  # one path (the history): the same operations on Python floats, without numpy's per-call cost
        s, values = float(state.reshape(-1)[0]), []
        for c in counts.reshape(-1).tolist():
            values.append(s)
            s = rho * s + c
        out[...] = np.array(values).reshape(counts.shape)
        return out
    for t in range(counts.shape[-1]):
        out[..., t] = state
        state = rho * state + counts[..., t]
    return out


def duration_features(gap: np.ndarray) -> dict[str, np.ndarray]:
    """``log_gap`` and ``anniversary`` of months-since-the-last-meeting ``gap`` (≥ 1)."""
    gap = np.asarray(gap, dtype=float)
    delta = np.minimum(np.abs(gap - 12.0), np.abs(gap - 24.0))
    bump = np.where((gap >= 6) & (gap <= 30), np.exp(-0.5 * (delta / ANNIVERSARY_WIDTH) ** 2), 0.0)
    return {"log_gap": np.log(gap), "anniversary": bump}


def _pair_key(a: str, b: str) -> str:
    return "-".join(sorted((a, b)))


def trade_column_pairs(columns: pd.Index) -> dict[str, tuple[str, str]]:
    """pair key → (exports column, imports column) for ``trade_<a>_<b>_exports/_imports`` columns."""
    return dict(_trade_column_pairs(tuple(columns)))


@functools.lru_cache(maxsize=64)
def _trade_column_pairs(columns: tuple) -> dict[str, tuple[str, str]]:
    """:func:`trade_column_pairs` of a tuple of column names, found once per set
    of columns (every vintage of a record has the same; callers get copies)."""
    out = {}
    for col in columns:
        name = str(col)
        if name.startswith("trade_") and name.endswith("_exports"):
            parts = name.split("_")
            if len(parts) == 4:
                imports = name[: -len("exports")] + "imports"
                if imports in columns:
                    out[_pair_key(parts[1].upper(), parts[2].upper())] = (name, imports)
    return out


def series_inputs(record: Record, info: SeriesInfo) -> list[str]:
    """Names of the monthly inputs the features of ``info`` read: crises of
    member pairs whose countries the crisis table covers, trade of pairs with
    trade columns, leaders and elections of members the tables cover.

    A series convened by an organisation (a member such as ``ASEAN``) reads
    no crises (configuration 5 of ``benchmarks/results/skill_configurations.md``):
    a crisis is a step one government takes against another's meetings with
    it, and the organisation's chair, not the two governments, convenes these.
    """
    covered = {c for parties in record.crises["parties"] for c in parties}
    pairs = [_pair_key(a, b) for a, b in info.pairs if a in covered and b in covered]
    trade = trade_column_pairs(record.indicators.columns)
    leaders, elections = set(record.leaders["country"]), set(record.elections["country"])
    names = ["launches", "nuclear_tests"]
    if not info.convened_by_organisation:
        names += [f"crisis:{p}" for p in pairs]
    names += [f"trade:{p}" for p in pairs if p in trade]
    names += [f"leader:{c}" for c in info.members if c in leaders]
    names += [f"election:{c}" for c in info.members if c in elections]
    return names


def host_pairs(info: SeriesInfo, host: str) -> list[str]:
    return [_pair_key(a, b) for a, b in info.pairs if host in (a, b)]


def exogenous_features(info: SeriesInfo, inputs: dict[str, np.ndarray], hosts: np.ndarray | None,
                       initial: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Indicator features (P, T) from monthly inputs (P, T) (each feature of t from inputs through t − 1).

    ``hosts``: the host in turn in each month (T,) of object codes, or None
    for series without rotation.  ``initial``: weighted counts carried in
    from before the first month (default 0).
    """
    initial = initial or {}
    any_input = next(iter(inputs.values()))
    shape = any_input.shape
    lag = _lagger(shape)
    pairs = [_pair_key(a, b) for a, b in info.pairs if f"crisis:{_pair_key(a, b)}" in inputs]
    crisis = np.zeros(shape)
    for p in pairs:
        crisis += lag(inputs[f"crisis:{p}"])
    host_crisis = np.zeros(shape)
    if hosts is not None:
        for code in set(h for h in hosts if isinstance(h, str)):
            mask = np.asarray(hosts, dtype=object) == code
            active = np.zeros(shape)
            for p in host_pairs(info, code):
                if f"crisis:{p}" in inputs:
                    active += lag(inputs[f"crisis:{p}"])
            host_crisis[..., mask] = (active[..., mask] > 0).astype(float)
    trade_keys = [k for k in inputs if k.startswith("trade:")]
    if trade_keys:
        growth = []
        for k in trade_keys:
            level = np.log(inputs[k])
            g = np.full(shape, np.nan)
            g[..., LONGEST_LOOK_BACK:] = level[..., LONGEST_LOOK_BACK - 1:-1] - level[..., :-LONGEST_LOOK_BACK]
            growth.append(g)
        trade_growth = np.mean(growth, axis=0)
    else:
        trade_growth = np.zeros(shape)
    launches = inputs["launches"]
    window = np.full(shape, np.nan)
    window[..., 3:] = launches[..., 2:-1] + launches[..., 1:-2] + launches[..., :-3]
    leaders = sum((inputs[k] for k in inputs if k.startswith("leader:")), np.zeros(shape))
    elections = sum((inputs[k] for k in inputs if k.startswith("election:")), np.zeros(shape))
    return {
        "crisis": crisis,
        "host_crisis": host_crisis,
        "trade_growth": trade_growth,
        "launches": np.log1p(window),
        "nuclear_test": _decayed_nan(inputs["nuclear_tests"], decay("nuclear_test"), initial.get("nuclear_test", 0.0)),
        "new_leader": decayed(leaders, decay("new_leader"), initial.get("new_leader", 0.0)),
        "election": decayed(elections, decay("election"), initial.get("election", 0.0)),
    }


def _lagger(shape: tuple[int, ...]):
    def lag(values: np.ndarray) -> np.ndarray:
        out = np.zeros(shape)
        out[..., 1:] = values[..., :-1]
        return out
    return lag


def _decayed_nan(counts: np.ndarray, rho: float, initial: float) -> np.ndarray:
    """A weighted count that becomes (and stays) NaN from the month after the first unknown count."""
    known = np.nan_to_num(counts, nan=0.0)
    out = decayed(known, rho, initial)
    unknown = np.cumsum(np.isnan(counts), axis=-1) > 0
    out[..., 1:][unknown[..., :-1]] = np.nan
    return out


# --------------------------------------------------------------- the history
@dataclass
class History:
    """The pooled at-risk panel and what each series carries into the future.

    ``panel``: one row per (series, month at risk) with ``series``, ``month``,
    ``event`` (a meeting that month), ``step_<class>`` (a step of that class
    that month) and the features, NaN where an input was unknown.
    ``inputs``: per series, the monthly inputs on the full panel index (NaN
    where unknown).  ``state``: per series, the step states, the months
    since the last meeting and the host in turn at the end of the record.
    """

    panel: pd.DataFrame
    inputs: dict[str, dict[str, np.ndarray]]
    state: dict[str, dict[str, object]]
    index: pd.DatetimeIndex
    hosts: dict[str, np.ndarray]


def base_inputs(record: Record) -> dict[str, np.ndarray]:
    """Every monthly input on the panel index (NaN where the record does not say)."""
    panel = record.indicators
    index = panel.index
    n = len(index)
    out: dict[str, np.ndarray] = {}
    out["launches"] = panel["missile_launches"].to_numpy(dtype=float) if "missile_launches" in panel else np.full(n, np.nan)
    out["nuclear_tests"] = panel["nuclear_tests"].to_numpy(dtype=float) if "nuclear_tests" in panel else np.full(n, np.nan)
    countries = sorted({m for info in record.series.values() for m in info.members})
    pairs = sorted({_pair_key(a, b) for info in record.series.values() for a, b in info.pairs})
    months = index.to_numpy()
    crises = record.crises
    # each crisis is active from its onset month through its end month (ongoing ones through the panel's end)
    spans = [((months >= onset) & (months <= (end if not np.isnat(end) else months[-1]))).astype(float)
             for onset, end in zip(crises["onset_month"].to_numpy(), crises["end_month"].to_numpy())]
    parties = list(crises["parties"])
    for p in pairs:
        a, b = p.split("-")
        active = np.zeros(n)
        for span, members in zip(spans, parties):
            if a in members and b in members:
                active += span
        out[f"crisis:{p}"] = active
    for p, (exp_col, imp_col) in trade_column_pairs(panel.columns).items():
        total = panel[exp_col].to_numpy(dtype=float) + panel[imp_col].to_numpy(dtype=float)
        out[f"trade:{p}"] = np.where(total > 0, total, np.nan)
    leaders, elections = _monthly_counts(record.leaders, index), _monthly_counts(record.elections, index)
    for c in countries:
        out[f"leader:{c}"] = leaders(c)
        out[f"election:{c}"] = elections(c)
    return out


def _monthly_counts(table: pd.DataFrame, index: pd.DatetimeIndex):
    """country → rows of that country per month of ``index`` (rows of other
    months, or of no month, are not counted)."""
    at = index.get_indexer(pd.DatetimeIndex(table["month"]))
    country = table["country"].to_numpy()

    def counts(code: str) -> np.ndarray:
        mine = at[country == code]
        return np.bincount(mine[mine >= 0], minlength=len(index)).astype(float)
    return counts


def host_in_turn(info: SeriesInfo, last_host: object) -> str | None:
    """The member whose turn it is to host after ``last_host`` (rotating series only)."""
    if info.rotation is None:
        return None
    if isinstance(last_host, str) and last_host in info.rotation:
        return info.rotation[(info.rotation.index(last_host) + 1) % len(info.rotation)]
    return info.rotation[0]


def _spell_features(info: SeriesInfo, index: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Months since the last meeting, host in turn and the step states, per month of ``index``.

    A step belongs to the spell after the last meeting dated on or before it
    (an agreement announced at a summit counts towards the next one).
    """
    n = len(index)
    months = info.meetings["month"]
    at = index.get_indexer(pd.DatetimeIndex(months)) if len(months) else np.zeros(0, dtype=np.int64)
    inside = at >= 0
    event = np.zeros(n)
    event[at[inside]] = 1.0
    start = int(index.get_indexer([info.start])[0])
    start = start if start >= 0 else 0
    # the meeting of each meeting month: the last of the month in table order (it ends the spell)
    dates = info.meetings["date"].to_numpy()
    host_col = info.meetings["host"].to_numpy() if "host" in info.meetings else np.full(len(dates), None, dtype=object)
    meeting_date = np.full(n, np.datetime64("NaT"), dtype=dates.dtype if len(dates) else "datetime64[ns]")
    meeting_host = np.full(n, None, dtype=object)
    for row, t in enumerate(at):  # in table order: a later meeting of the month replaces an earlier one
        if t >= 0:
            meeting_date[t], meeting_host[t] = dates[row], host_col[row]
    is_meeting = np.zeros(n, dtype=bool)
    is_meeting[at[inside]] = True
    # the last meeting month before each month (−1: none yet)
    last_before = np.full(n, -1, dtype=np.int64)
    if n > 1:
        last_before[1:] = np.maximum.accumulate(np.where(is_meeting[:-1], np.arange(n - 1), -1))
    has_last = last_before >= 0
    gap = np.where(has_last, np.arange(n) - last_before, np.arange(n) - start + 1).astype(float)
    hosts = np.empty(n, dtype=object)
    rotation_host = {None: host_in_turn(info, None)}
    for t, previous in enumerate(last_before):
        last_host = meeting_host[previous] if previous >= 0 else None
        key = last_host if isinstance(last_host, str) else None
        if key not in rotation_host:
            rotation_host[key] = host_in_turn(info, last_host)
        hosts[t] = rotation_host[key]
    out: dict[str, np.ndarray] = {"gap": np.maximum(gap, 1.0), "event": event}
    # step states: a step of month t counts when it is dated on or after the start of the spell it falls in,
    # the date of month t's own meeting or else of the last meeting before t (always, before any meeting)
    spell_start = np.where(is_meeting, meeting_date, np.where(has_last, meeting_date[np.maximum(last_before, 0)],
                                                               np.datetime64("NaT")))
    step_class = info.steps["step_class"].to_numpy()
    step_at = index.get_indexer(pd.DatetimeIndex(info.steps["month"])) if len(info.steps) else np.zeros(0, np.int64)
    step_dates = info.steps["date"].to_numpy()
    reset = is_meeting.tolist()
    for cls in STEP_CLASSES:
        mine = (step_class == cls) & (step_at >= 0)
        counts_any = np.zeros(n)
        counts_any[step_at[mine]] = 1.0
        out[f"step_{cls}"] = counts_any
        where, when = step_at[mine], step_dates[mine]
        begins = spell_start[where]
        counted = np.isnat(begins) | (when >= begins)
        new = np.bincount(where[counted], minlength=n).astype(float).tolist()
        rho = decay(cls)
        state = np.zeros(n)
        s = 0.0
        for t in range(n):
            state[t] = s
            s = (0.0 if reset[t] else rho * s) + new[t]
        out[cls] = state
        out[f"{cls}_next"] = np.array([s])  # the state carried into the month after the panel
    out["hosts"] = hosts
    last = int(np.flatnonzero(is_meeting)[-1]) if is_meeting.any() else None
    final = {"gap_next": float(n - last) if last is not None else float(n - start + 1),
             "host_next": host_in_turn(info, meeting_host[last] if last is not None else None),
             "last_meeting": index[last] if last is not None else None}
    for cls in STEP_CLASSES:
        final[cls] = float(out.pop(f"{cls}_next")[0])
    return out, final


def build_history(record: Record) -> History:
    """The pooled at-risk panel of every series (see :class:`History`)."""
    index = record.indicators.index
    inputs_all = base_inputs(record)
    columns = ["series", "month", "event", *[f"step_{c}" for c in STEP_CLASSES], *FEATURES]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in columns}
    inputs, states, hosts = {}, {}, {}
    months = index.to_numpy()
    for key, info in record.series.items():
        names = series_inputs(record, info)
        own = {k: inputs_all[k][None, :] for k in names}
        spell, final = _spell_features(info, index)
        exo = exogenous_features(info, own, spell["hosts"])
        at_risk = (index >= info.start) & (index <= info.end)
        values = {"month": months, "event": spell["event"], **{f"step_{c}": spell[f"step_{c}"] for c in STEP_CLASSES},
                  **{c: spell[c] for c in STEP_CLASSES}, **duration_features(spell["gap"]),
                  **{name: v[0] for name, v in exo.items()}}
        parts["series"].append(np.full(int(at_risk.sum()), key, dtype=object))
        for name in columns[1:]:
            parts[name].append(values[name][at_risk])
        inputs[key] = {k: v[0] for k, v in own.items()}
        final["exogenous_last"] = {name: float(v[0, -1]) for name, v in exo.items()}
        states[key] = final
        hosts[key] = spell["hosts"]
    panel = pd.DataFrame({name: np.concatenate(parts[name]) for name in columns})
    return History(panel=panel, inputs=inputs, state=states, index=index, hosts=hosts)
