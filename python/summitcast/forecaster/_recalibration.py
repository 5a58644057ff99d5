"""The recalibration map the forecaster carries (recalibration 4 of
``benchmarks/results/skill_configurations.md``).

On the no-look-ahead backtest of the bundled record the pooled hazards'
forecasts were too high on average (the meeting rates of 2010–2025 fell, and
nothing in the record announces the fall), so the forecaster maps every
probability it reports through

    g(p) = expit(a + b · logit p),

one map for every month ahead, its shift a the series' own (a common shift
plus a series' deviation, partially pooled: the series' meeting rates fell
by different amounts) and its slope b common, older windows weighed less
(a half-life of 60 months: the bias drifts as the rates do).  One
increasing map keeps the month-by-month curve P(held by month k) non-decreasing in k and keeps every
quantile over the posterior draws a quantile (g(quantile) = quantile of g).
The map used at as-of month o is the one learned at o from the windows of
the forecaster's own backtest that had closed by then
(:func:`summitcast.evaluate.recalibrate_backtest` with ``by=()``,
``series_shift=0.5`` and ``half_life=60``), so a recalibrated forecast uses
nothing after o, as the backtest requires.

Where the maps come from (``SummitForecaster(recalibration=...)``):

``"bundled"`` (default)
    The table shipped with the package (``recalibration_maps.csv``): learned
    on the default forecaster's backtest of the bundled record (the file's
    header says how), an estimate.  It is used only when the data hold the
    bundled record's meetings through the month the map is read at, since
    it was learned on them; otherwise the forecasts are left unmapped, with
    a note.
a DataFrame
    A table of maps by origin (columns ``origin``, ``a``, ``b``, and
    ``series`` when the maps are per series; e.g. the ``maps`` of
    ``recalibrate_backtest(backtest(...), by=())`` on the analyst's own
    data), read at the as-of month for the forecaster's series (maps
    pooled over series, ``series`` absent or ``"pooled"``, serve any).
``None``
    No map: the model's own probabilities.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ForecastMap", "check_recalibration", "resolve_maps"]

BUNDLED = "bundled"
BUNDLED_FILE = "recalibration_maps.csv"
POOLED = "pooled"  # the series of a map learned over every series (recalibrate_backtest's name for it)
#: How an analyst learns the bundled form of map on their own data (named in the notes where none applies).
LEARN_OWN_MAP = ("learn a map from a backtest of your own data with summitcast.evaluate.recalibrate_backtest"
                 "(..., by=(), series_shift=0.5, half_life=60) and pass its maps as recalibration=")


@dataclass(frozen=True)
class ForecastMap:
    """g(p) = expit(a + b logit p), the map learned at ``origin`` from ``n_known`` windows."""

    a: float
    b: float
    origin: pd.Timestamp
    n_known: int
    source: str
    series: str = POOLED

    # the mathematics lives with the learning of the map (summitcast.evaluate._recalibration),
    # imported on first use so that importing the forecaster does not import evaluate
    def __call__(self, p: Any) -> np.ndarray:
        from ..evaluate._recalibration import recalibrate

        return recalibrate(np.clip(p, 0.0, 1.0), self.a, self.b)

    def slope(self, p: Any) -> np.ndarray:
        """g′(p), the delta method's factor for standard deviations."""
        from ..evaluate._recalibration import recalibration_slope

        return recalibration_slope(np.clip(p, 0.0, 1.0), self.a, self.b)

    def describe(self) -> str:
        whose = "" if self.series == POOLED else f" (series {self.series})"
        return (f"probabilities recalibrated by logit p' = {self.a:+.3f} + {self.b:.3f} logit p{whose}, the map "
                f"learned at {self.origin:%Y-%m} from {self.n_known} closed windows of {self.source}")

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "origin": f"{self.origin:%Y-%m}", "n_known": self.n_known,
                "source": self.source, "series": self.series}

    @staticmethod
    def from_dict(doc: dict[str, Any]) -> "ForecastMap":
        return ForecastMap(float(doc["a"]), float(doc["b"]), pd.Timestamp(doc["origin"]), int(doc["n_known"]),
                           str(doc["source"]), str(doc.get("series", POOLED)))


@functools.cache
def _bundled() -> tuple[pd.DataFrame, str]:
    """The shipped table of maps by origin (checked, once per process) and the source line of its header."""
    path = resources.files(__package__).joinpath(BUNDLED_FILE)
    with path.open("r", encoding="utf-8") as handle:
        header = [line[1:].strip() for line in handle if line.startswith("#")]
    table = pd.read_csv(path, comment="#", parse_dates=["origin"])
    source = next((line.split(":", 1)[1].strip() for line in header if line.startswith("source:")), "the bundled record")
    return _check_table(table), source


@functools.cache
def _bundled_meetings() -> pd.DataFrame:
    from ..datasets import load_trilateral

    return _meeting_keys(load_trilateral().series_meetings)


def _meeting_keys(meetings: pd.DataFrame) -> pd.DataFrame:
    keys = pd.DataFrame({"series": meetings["series"].astype(str).to_numpy(),
                         "month": pd.DatetimeIndex(meetings["date"]).to_period("M").to_timestamp()})
    return keys.sort_values(["series", "month"], kind="stable").reset_index(drop=True)


def _holds_bundled_meetings(data: Any, through: pd.Timestamp) -> bool:
    """Whether ``data`` holds exactly the bundled record's meetings through month ``through``."""
    meetings = getattr(data, "series_meetings", None)
    if not isinstance(meetings, pd.DataFrame) or not {"series", "date"} <= set(meetings.columns):
        return False
    mine, bundled = _meeting_keys(meetings), _bundled_meetings()
    cut = lambda keys: keys[keys["month"] <= through].reset_index(drop=True)  # noqa: E731
    return cut(mine).equals(cut(bundled))


def _check_table(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("origin", "a", "b") if c not in table.columns]
    if missing:
        raise ValueError(f"recalibration must have columns origin, a and b (the maps of "
                         f"recalibrate_backtest(..., by=())); it lacks {missing}")
    if "horizon" in table.columns and set(table["horizon"].astype(str)) != {"all"}:
        raise ValueError("recalibration must hold one map for every horizon (recalibrate_backtest(..., by=())), "
                         f"got horizons {sorted(set(table['horizon'].astype(str)))}")
    values = table[["a", "b"]].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values[:, 1] <= 0).any():
        raise ValueError("recalibration's a must be finite and b positive (an increasing map)")
    origins = pd.DatetimeIndex(pd.to_datetime(table["origin"])).to_period("M").to_timestamp()
    series = table["series"].astype(str).to_numpy() if "series" in table.columns else np.full(len(table), POOLED)
    if origins.hasnans or pd.MultiIndex.from_arrays([series, origins]).has_duplicates:
        raise ValueError("recalibration must have one map per origin month (per series, when it has a series "
                         "column), none missing")
    out = pd.DataFrame({"series": series, "origin": origins, "a": values[:, 0], "b": values[:, 1],
                        "n_known": table["n_known"].to_numpy() if "n_known" in table.columns else 0})
    return out.sort_values(["series", "origin"], kind="stable").reset_index(drop=True)


def _maps_at(table: pd.DataFrame, as_of: pd.Timestamp, source: str,
             series: Any) -> tuple[dict[str, ForecastMap | None], dict[str, str]]:
    """(series → its map — or the pooled one — at the last origin at or before ``as_of``, None
    before the first (no window known); series → a note where the table has no map for it)."""
    earlier = table[table["origin"] <= as_of]
    maps: dict[str, ForecastMap | None] = {key: None for key in series}
    notes: dict[str, str] = {}
    if earlier.empty:
        return maps, notes
    last = earlier.groupby("series", sort=False).tail(1).set_index("series")
    for key in series:
        own = key if key in last.index else POOLED if POOLED in last.index else None
        if own is None:
            notes[key] = (f"not recalibrated: the recalibration maps are per series and hold none for {key!r} "
                          f"(they hold {sorted(set(table['series']))}; {LEARN_OWN_MAP})")
            continue
        row = last.loc[own]
        maps[key] = ForecastMap(float(row["a"]), float(row["b"]), pd.Timestamp(row["origin"]), int(row["n_known"]),
                                source, own)
    return maps, notes


def check_recalibration(spec: Any) -> Any:
    """The ``recalibration`` argument, checked: "bundled", None, or a table of maps (its checked copy)."""
    if spec is None:
        return None
    if isinstance(spec, str):
        if spec != BUNDLED:
            raise ValueError(f"recalibration must be 'bundled', None or a DataFrame of maps, got {spec!r}")
        return spec
    if isinstance(spec, pd.DataFrame):
        return _check_table(spec)
    raise TypeError(f"recalibration must be 'bundled', None or a DataFrame of maps, got {type(spec).__name__}")


def resolve_maps(spec: Any, data: Any, as_of: pd.Timestamp,
                 series: Any) -> tuple[dict[str, ForecastMap | None], dict[str, str]]:
    """(series → the map to carry at month ``as_of`` (a month start, as the record's) for its
    forecasts, series → a note where the requested map cannot be used) for a checked
    ``recalibration`` argument and every series in ``series``."""
    if spec is None:
        return {key: None for key in series}, {}
    table, source = (spec, "the backtest passed as recalibration=") if isinstance(spec, pd.DataFrame) else _bundled()
    maps, notes = _maps_at(table, as_of, source, series)
    if isinstance(spec, pd.DataFrame):
        return maps, notes
    # the bundled maps were learned on the bundled record: the map read at month o depends on the
    # record through o only (one month for every series: they are read at the same as-of)
    origins = {fm.origin for fm in maps.values() if fm is not None}
    differ = {o for o in origins if not _holds_bundled_meetings(data, o)}
    for key, fm in maps.items():
        if fm is not None and fm.origin in differ:
            maps[key] = None
            notes[key] = ("not recalibrated: the bundled map was learned on the bundled record, and these data's "
                          f"meetings through {fm.origin:%Y-%m} differ from it ({LEARN_OWN_MAP})")
    return maps, notes
