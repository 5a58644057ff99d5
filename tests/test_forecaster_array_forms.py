"""The array forms of the vintage, the record, the history and the outcome
table (written for the speed of a monthly backtest) against their
straightforward pandas forms, which are kept here as the oracles: one row,
one month, one crisis at a time.  Equal means equal — the same values, the
same dtypes, the same order — on vintages of the bundled record and on
records made to have what the bundled one lacks (meetings and steps on the
same day, several meetings in a month, steps before any meeting, crises that
ended before the panel begins).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from summitcast.datasets import _trade, load_trilateral
from summitcast.datasets import _trilateral as T
from summitcast.datasets._trilateral import _FM_KINDS, _PANEL_START
from summitcast.forecaster import _features as F
from summitcast.forecaster._forecaster import _outcome_table
from summitcast.forecaster._features import FEATURES, build_history, decay, decayed
from summitcast.forecaster._record import STEP_CLASSES, read_record
from summitcast._common.time import last_complete_month, month_index

ORIGINS = ("2005-03", "2010-01", "2013-12", "2019-06", "2024-12", "2025-07")


@pytest.fixture(scope="module")
def data():
    return load_trilateral()


def tied(data):
    """The bundled record with a second trilateral meeting on the day of one
    (another host) and one in the same month a day later, and steps on the
    days of meetings and before the first one."""
    meetings = data.series_meetings
    tri = meetings[meetings["series"] == "trilateral"].sort_values("date")
    one = tri.iloc[[3]].assign(host="CHN", meeting_key="same-day")
    later = tri.iloc[[5]].assign(date=tri["date"].iloc[5] + pd.Timedelta(days=1), host="JPN", meeting_key="a-day-later")
    steps = data.steps
    day = steps.iloc[[0]].assign(series="trilateral", date=tri["date"].iloc[3], kind="date_announced", step_key="x1")
    same = day.assign(kind="postponement", step_key="x2")
    early = day.assign(date=pd.Timestamp("2008-03-05"), kind="agreement_to_hold", step_key="x3")
    return dataclasses.replace(
        data, series_meetings=pd.concat([meetings, one, later], ignore_index=True),
        steps=pd.concat([steps, day, same, early, early.assign(step_key="x4")], ignore_index=True))


# ------------------------------------------------------------ the oracles
def reference_series_frames(record_data, month):
    """Each series' meetings and steps as read_record cut them: filtered and sorted per series."""
    cutoff = month + pd.offsets.MonthEnd(0)
    meet = record_data.series_meetings[record_data.series_meetings["date"] <= cutoff]
    st = record_data.steps[record_data.steps["date"] <= cutoff]
    kinds = {kind: cls for cls, members in STEP_CLASSES.items() for kind in members}
    out = {}
    for key in record_data.series["series"]:
        rows = meet[meet["series"] == key].sort_values("date")
        frame = pd.DataFrame({
            "date": rows["date"].to_numpy(),
            "month": rows["date"].dt.to_period("M").dt.to_timestamp().to_numpy(),
            "host": rows["host"].astype(object).to_numpy(),
            "outcome_level": pd.to_numeric(rows["outcome_level"], errors="coerce").to_numpy(),
        })
        srow = st[st["series"] == key].sort_values("date")
        sframe = pd.DataFrame({
            "date": srow["date"].to_numpy(),
            "month": srow["date"].dt.to_period("M").dt.to_timestamp().to_numpy(),
            "kind": srow["kind"].astype(str).to_numpy(),
            "step_class": srow["kind"].astype(str).map(kinds).to_numpy(),
        })
        out[key] = (frame, sframe)
    return out


def reference_spell_features(info, index):
    """Months since the last meeting, host in turn and step states, one month at a time."""
    n = len(index)
    pos = {m: i for i, m in enumerate(index)}
    event = np.zeros(n)
    event[sorted({pos[m] for m in info.meetings["month"] if m in pos})] = 1.0
    gap, hosts = np.empty(n), np.empty(n, dtype=object)
    start = pos.get(info.start, 0)
    last, last_host = None, None
    meeting_of_month = {}
    for d, h, m in zip(info.meetings["date"], info.meetings["host"], info.meetings["month"]):
        if m in pos:
            meeting_of_month[pos[m]] = (pd.Timestamp(d), h)
    for t in range(n):
        gap[t] = (t - last) if last is not None else (t - start + 1)
        hosts[t] = F.host_in_turn(info, last_host)
        if t in meeting_of_month:
            last, last_host = t, meeting_of_month[t][1]
    out = {"gap": np.maximum(gap, 1.0), "event": event, "hosts": hosts}
    spell_of, current = {}, None
    for t in range(n):
        spell_of[t] = current
        if t in meeting_of_month:
            current = meeting_of_month[t][0]
    final = {}
    for cls in STEP_CLASSES:
        steps = info.steps[info.steps["step_class"] == cls]
        counts_any, state, s = np.zeros(n), np.zeros(n), 0.0
        dates_of = {}
        for m, d in zip(steps["month"], steps["date"]):
            if m in pos:
                counts_any[pos[m]] = 1.0
                dates_of.setdefault(pos[m], []).append(pd.Timestamp(d))
        for t in range(n):
            state[t] = s
            begins = meeting_of_month[t][0] if t in meeting_of_month else spell_of[t]
            new = sum(1.0 for d in dates_of.get(t, ()) if begins is None or d >= begins)
            s = (0.0 if t in meeting_of_month else decay(cls) * s) + new
        out[f"step_{cls}"], out[cls], final[cls] = counts_any, state, s
    final.update(gap_next=float(n - last) if last is not None else float(n - start + 1),
                 host_next=F.host_in_turn(info, last_host), last_meeting=index[last] if last is not None else None)
    return out, final


def reference_base_inputs(record):
    """The crisis and leader/election inputs, one crisis and one country at a time."""
    index = record.indicators.index
    out = {}
    for p in sorted({F._pair_key(a, b) for info in record.series.values() for a, b in info.pairs}):
        a, b = p.split("-")
        active = np.zeros(len(index))
        for _, c in record.crises.iterrows():
            if a in c["parties"] and b in c["parties"]:
                end = c["end_month"] if pd.notna(c["end_month"]) else index[-1]
                active += ((index >= c["onset_month"]) & (index <= end)).astype(float)
        out[f"crisis:{p}"] = active
    for c in sorted({m for info in record.series.values() for m in info.members}):
        for name, table in (("leader", record.leaders), ("election", record.elections)):
            at = index.get_indexer(pd.DatetimeIndex(table.loc[table["country"] == c, "month"]))
            out[f"{name}:{c}"] = np.bincount(at[at >= 0], minlength=len(index)).astype(float)
    return out


def reference_outcome_table(record, history):
    rows = []
    panel = history.panel.set_index(["series", "month"])
    for key, info in record.series.items():
        known = info.meetings.dropna(subset=["outcome_level"])
        for month, level in known.groupby("month")["outcome_level"].max().items():
            if (key, month) in panel.index:
                row = panel.loc[(key, month)]
                rows.append({"series": key, "month": month, "outcome_level": int(level), **{f: row[f] for f in FEATURES}})
    return pd.DataFrame(rows, columns=["series", "month", "outcome_level", *FEATURES])


def reference_event_panel(summits, meetings, nuclear_tests, crises, missiles, record_through, end):
    """The event columns of the indicator panel, one column and one crisis at a time."""
    index = month_index(_PANEL_START, end)
    panel = pd.DataFrame(index=index)

    def after(table):
        return index > last_complete_month(record_through[table])

    def count_by_month(dates, table):
        counts = pd.to_datetime(pd.Series(dates)).dt.to_period("M").dt.to_timestamp().value_counts()
        counts = counts.reindex(index, fill_value=0).astype("float64")
        counts[after(table)] = np.nan
        return counts

    panel["missile_launches"] = missiles.reindex(index).astype("float64")
    panel.loc[after("missile_launches"), "missile_launches"] = np.nan
    panel["nuclear_tests"] = count_by_month(nuclear_tests["date"], "nuclear_tests")
    panel["leader_meetings"] = count_by_month(summits.loc[summits["held"] == True, "date"], "summits")  # noqa: E712
    done = meetings[meetings["held"] == True]  # noqa: E712
    panel["foreign_ministers_meetings"] = count_by_month(done.loc[done["kind"].isin(_FM_KINDS), "date"], "meetings")
    panel["other_ministerial_meetings"] = count_by_month(done.loc[~done["kind"].isin(_FM_KINDS), "date"], "meetings")
    unknown = after("crises")
    for _, c in crises.iterrows():
        onset = pd.Timestamp(c["onset"]).to_period("M").to_timestamp()
        active = index >= onset
        if pd.notna(c["end"]):
            active &= index <= pd.Timestamp(c["end"]).to_period("M").to_timestamp()
        panel[f"{c['crisis_key']}_onset"] = np.where(unknown, np.nan, (index == onset).astype("float64"))
        panel[f"{c['crisis_key']}_since"] = np.where(unknown, np.nan, active.astype("float64"))
    return panel


def reference_truncate_summits(summits, cutoff):
    standalone = summits["series"] == "standalone"
    keep = (standalone & (summits["year"] <= cutoff.year)) | (~standalone & (summits["date"] <= cutoff))
    out = summits[keep].copy()
    out.loc[out["date_end"] > cutoff, "date_end"] = pd.NaT
    current = (out["series"] == "standalone") & (out["year"] == cutoff.year)
    unknown = current & (cutoff < pd.Timestamp(year=cutoff.year, month=12, day=31)) \
        & ~((out["held"] == True) & (out["date"] <= cutoff)).fillna(False)  # noqa: E712
    if unknown.any():
        before = summits[standalone & (summits["held"] == True) & (summits["date"] <= cutoff)]  # noqa: E712
        last = before.sort_values("date").iloc[-1] if len(before) else None
        out.loc[unknown, "held"] = pd.NA
        out.loc[unknown, ["date", "date_end"]] = pd.NaT
        out.loc[unknown, "date_precision"] = "year"
        out.loc[unknown, ["documents", "security_language", "reason_not_held", "city", "venue_country"]] = np.nan
        out.loc[unknown, "outcome_level"] = pd.NA
        out.loc[unknown, "number"] = (int(last["number"]) + 1) if last is not None else 1
        out.loc[unknown, "source_ids"] = last["source_ids"] if last is not None else "wiki_cjk_summit"
    return out.reset_index(drop=True)


def assert_same(a, b):
    """Equal values (NaN = NaN, None = None), dtypes and order."""
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, np.ndarray) and a.dtype == object:
        assert a.shape == b.shape and all(x == y or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b))
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert type(a) is type(b) and (a == b or (pd.isna(a) and pd.isna(b))), (a, b)


# ------------------------------------------------------------ the tests
@pytest.mark.parametrize("origin", ORIGINS)
def test_vintage_tables_equal_their_pandas_forms(data, origin):
    month = pd.Timestamp(origin)
    cutoff = month + pd.offsets.MonthEnd(0)
    v = data.truncate(month)
    pd.testing.assert_frame_equal(T._truncate_summits(data.summits, cutoff),
                                  reference_truncate_summits(data.summits, cutoff), check_exact=True)
    rt = v.record_through
    panel, _ = T._event_panel(v.summits, v.meetings, v.nuclear_tests, v.crises, v.missile_launches, rt, month)
    pd.testing.assert_frame_equal(
        panel, reference_event_panel(v.summits, v.meetings, v.nuclear_tests, v.crises, v.missile_launches, rt, month),
        check_exact=True, check_freq=True)


def test_event_panel_counts_crises_before_and_without_an_end(data):
    crises = data.crises.iloc[:3].copy()
    crises.loc[crises.index[0], ["onset", "end"]] = [pd.Timestamp("1990-05-02"), pd.Timestamp("1995-01-20")]
    crises.loc[crises.index[1], ["onset", "end"]] = [pd.Timestamp("1997-02-11"), pd.NaT]
    meetings = data.meetings.copy()
    meetings.loc[meetings.index[:2], "date"] = pd.NaT
    meetings.loc[meetings.index[2], "kind"] = np.nan
    args = (data.summits, meetings, data.nuclear_tests, crises, data.missile_launches, data.record_through,
            pd.Timestamp("2012-06-01"))
    panel, sources = T._event_panel(*args)
    pd.testing.assert_frame_equal(panel, reference_event_panel(*args), check_exact=True, check_freq=True)
    key = crises["crisis_key"].iloc[0]
    assert (panel[f"{key}_since"] == 0).all() and (panel[f"{key}_onset"] == 0).all()  # over before 1999
    assert (panel[f"{crises['crisis_key'].iloc[1]}_since"] == 1).all()  # began before 1999, never ended
    assert list(sources.index) == list(panel.columns)


@pytest.mark.parametrize("origin", ORIGINS)
def test_record_history_and_outcomes_equal_their_pandas_forms(data, origin):
    _compare_record(data.truncate(origin), pd.Timestamp(origin))


def test_ties_in_dates_keep_the_order_a_pandas_sort_gives(data):
    record_data = tied(data)
    record = _compare_record(record_data, pd.Timestamp(record_data.as_of))
    info = record.series["trilateral"]
    assert info.meetings["date"].duplicated().any() and info.steps["date"].duplicated().any()
    assert (info.meetings["month"].value_counts() > 1).any()


def _compare_record(record_data, month):
    record = read_record(record_data, month)
    frames = reference_series_frames(record_data, month)
    for key, info in record.series.items():
        meetings, steps = frames[key]
        pd.testing.assert_frame_equal(info.meetings, meetings[meetings["month"] <= info.end].reset_index(drop=True),
                                      check_exact=True)
        pd.testing.assert_frame_equal(info.steps, steps[steps["month"] <= info.end].reset_index(drop=True),
                                      check_exact=True)
        spell, final = F._spell_features(info, record.indicators.index)
        ref_spell, ref_final = reference_spell_features(info, record.indicators.index)
        assert list(spell) == list(ref_spell) or set(spell) == set(ref_spell)
        for name in ref_spell:
            assert_same(spell[name], ref_spell[name])
        assert set(final) == set(ref_final)
        for name in ref_final:
            assert_same(final[name], ref_final[name])
    inputs = F.base_inputs(record)
    for name, values in reference_base_inputs(record).items():
        assert_same(inputs[name], values)
    history = build_history(record)
    pd.testing.assert_frame_equal(_outcome_table(record, history), reference_outcome_table(record, history),
                                  check_exact=True)
    return record


def test_one_path_decay_is_the_many_path_recurrence():
    rng = np.random.default_rng(3)
    counts = rng.poisson(0.4, (2, 300)).astype(float)
    counts[0] = counts[1]
    for rho in (decay("prep"), decay("announced"), 0.3):
        many = decayed(counts, rho, 0.7)
        np.testing.assert_array_equal(decayed(counts[1], rho, 0.7), many[1])
        np.testing.assert_array_equal(decayed(counts[1:], rho, np.array([0.7])), many[1:])
    assert decayed(np.zeros((1, 0)), 0.5).shape == (1, 0)


def test_bundled_trade_tables_are_read_once_and_handed_out_as_copies():
    first = _trade._read("trade_monthly.csv", dtype={"month": str})
    first.loc[first.index[0], "value"] = -1
    again = _trade._read("trade_monthly.csv", dtype={"month": str})
    assert again["value"].iloc[0] != -1
    with _trade.resources.files(_trade.__package__).joinpath("data", "trade_monthly.csv").open() as fh:
        pd.testing.assert_frame_equal(again, pd.read_csv(fh, keep_default_na=False, na_values=[""],
                                                         dtype={"month": str}))


def test_trade_column_pairs_are_found_once_and_handed_out_as_copies(data):
    columns = data.indicators.columns
    pairs = F.trade_column_pairs(columns)
    assert pairs == {"CHN-KOR": ("trade_kor_chn_exports", "trade_kor_chn_imports"),
                     "CHN-JPN": ("trade_jpn_chn_exports", "trade_jpn_chn_imports")}
    pairs.clear()
    assert len(F.trade_column_pairs(columns)) == 2
    assert F.trade_column_pairs(pd.Index(["trade_kor_chn_exports", "x"])) == {}


def test_fusion_walk_equals_a_scalar_walk_and_keeps_its_layout():
    """simulate_first_meeting (month slabs, reused buffers) against the same walk
    in Python scalars, with the same step uniforms; its ``held`` is laid out
    (draw, path, month) in C order, which the path means rely on."""
    from summitcast._common.seeds import child_seed
    from summitcast.forecaster._features import DURATION_FEATURES, EXOGENOUS_FEATURES, STEP_FEATURES
    from summitcast.forecaster._simulate import Coefficients, simulate_first_meeting

    rng = np.random.default_rng(11)
    S, P, H, K = 4, 3, 7, len(FEATURES)
    summit = Coefficients(rng.normal(-2.0, 0.5, S), rng.normal(0.0, 0.4, (S, K)))
    steps = {"prep": Coefficients(rng.normal(-1.0, 0.5, S), rng.normal(0.0, 0.4, (S, K))),
             "announced": Coefficients(rng.normal(-1.5, 0.5, S), rng.normal(0.0, 0.4, (S, K)))}
    exo = rng.normal(size=(P, H, len(EXOGENOUS_FEATURES)))
    dur = rng.normal(size=(H, len(DURATION_FEATURES)))
    initial = {"prep": 0.5, "announced": 0.0, "setback": 1.0}
    result = simulate_first_meeting(summit, steps, None, exo, dur, initial, seed=5)[0]
    assert result.held.shape == (S, P, H) and result.held.flags.c_contiguous

    def eta(c, s, p, t, state):
        x = dict(zip(EXOGENOUS_FEATURES, exo[p, t])) | dict(zip(DURATION_FEATURES, dur[t])) \
            | {f: state[f] for f in STEP_FEATURES}
        return c.intercept[s] + sum(c.slopes[s, FEATURES.index(f)] * x[f] for f in FEATURES)

    uniforms = {(cls, t): np.random.default_rng(child_seed(5, "steps", cls, t)).random((S, P))
                for cls in steps for t in range(H)}
    for s in range(S):
        for p in range(P):
            state, survival = dict(initial), 1.0
            for t in range(H):
                survival *= 1.0 - 1.0 / (1.0 + np.exp(-eta(summit, s, p, t, state)))
                assert result.held[s, p, t] == pytest.approx(1.0 - survival, rel=1e-12, abs=1e-15)
                happened = {cls: uniforms[cls, t][s, p] < 1.0 / (1.0 + np.exp(-eta(c, s, p, t, state)))
                            for cls, c in steps.items()}
                state = {cls: decay(cls) * state[cls] + float(happened.get(cls, False)) for cls in STEP_CLASSES}


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s"])
def test_month_starts_equal_the_period_form(unit):
    """The record's month of a date by NumPy's datetime64[M] against pandas'
    Periods: the same values and dtype, NaT kept, at any unit, before 1970,
    on the last instant of a month and on a leap day."""
    from summitcast._common.time import month_starts

    dates = pd.Series(pd.to_datetime(["2019-03-15 13:00", None, "1969-12-31 23:59:59", "2024-02-29 00:00",
                                      "2000-01-01 00:00", "1999-01-31 23:59:59.999"], format="mixed").as_unit(unit))
    want = dates.dt.to_period("M").dt.to_timestamp().to_numpy()
    got = month_starts(dates)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert str(got[2])[:10] == "1969-12-01" and str(got[5])[:10] == "1999-01-01" and np.isnat(got[1])
    aware = dates.dt.tz_localize("Asia/Tokyo")  # not a NumPy datetime64: the pandas way, as before
    with warnings.catch_warnings():  # pandas may note that converting to Periods drops the timezone
        warnings.simplefilter("ignore")
        got_aware = month_starts(aware)
    np.testing.assert_array_equal(got_aware, want)
