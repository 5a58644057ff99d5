"""The forecaster protocol the backtests run, and the forecast object of the baselines.

A *forecaster* is any object with ``fit(data, as_of=..., seed=...)`` that
returns a fitted object with ``forecast(horizon)``; the forecast's
``to_frame()`` has one row per month ahead with the columns ``months``
(1 .. horizon) and ``p_held``, the probability that the series holds a
meeting within that many months of ``as_of``.  ``summitcast.SummitForecaster``
and the baselines of :mod:`summitcast.evaluate` follow it.  A fitted object
may also have ``update(data, as_of=..., seed=...)``: the same parameters,
conditioned on a later vintage (used by ``backtest(refit=False)``), and
``held_probabilities(horizon)``: the forecast's ``p_held`` column alone, the
same numbers at less cost (a backtest uses it when present;
``SummitForecaster`` skips its intervals and outcome levels there).

A *model factory* is a callable ``factory(series=name)`` returning a
forecaster for that series (a forecaster class, or a ``functools.partial`` of
one), so one entry serves several series.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._common.validation import describe

__all__ = ["HeldForecast", "held_probabilities", "is_forecaster", "model_name", "resolve_model"]


class HeldForecast:
    """P(held within 1, 2, …, H months) as the forecaster protocol returns it.

    Parameters
    ----------
    p_held : array (H,)
        Probability of a meeting within 1 .. H months of ``as_of``.
    as_of : Timestamp
        The month the forecast is made at the end of.
    model : str
        The name of the model that made it.
    """

    def __init__(self, p_held: np.ndarray, as_of: pd.Timestamp, model: str) -> None:
        self.p_held = np.asarray(p_held, dtype=float)
        self.as_of = pd.Timestamp(as_of)
        self.model = str(model)

    def to_frame(self) -> pd.DataFrame:
        """One row per month ahead: ``months``, ``month`` (its calendar month), ``p_held``."""
        h = self.p_held.size
        month = pd.date_range(self.as_of + pd.offsets.MonthBegin(1), periods=h, freq="MS", name="month")
        return pd.DataFrame({"months": np.arange(1, h + 1), "month": month, "p_held": self.p_held})

    def __repr__(self) -> str:
        shown = ", ".join(f"{p:.3f}" for p in self.p_held[:6])
        more = ", …" if self.p_held.size > 6 else ""
        return f"<HeldForecast {self.model} as of {self.as_of:%Y-%m}: p_held [{shown}{more}]>"


def is_forecaster(obj: Any) -> bool:
    """A forecaster instance (not a class or another callable)."""
    return not isinstance(obj, type) and callable(getattr(obj, "fit", None))


def model_name(entry: Any) -> str:
    """The name a model entry is reported under: its ``name`` attribute, else its class name."""
    target = getattr(entry, "func", entry)  # functools.partial
    name = getattr(target, "name", None)
    if isinstance(name, str) and name:
        return name
    return target.__name__ if isinstance(target, type) else type(target).__name__


def resolve_model(entry: Any, series: str, name: str) -> Any:
    """The forecaster of ``series`` for a model entry (an instance or a factory)."""
    if is_forecaster(entry):
        own = getattr(entry, "series", series)
        if own != series:
            raise TypeError(
                f"{name} forecasts series {own!r}, not {series!r}; give a factory such as the class itself "
                f"(called as factory(series=...)) to backtest several series"
            )
        return entry
    if callable(entry):
        model = entry(series=series)
        if not is_forecaster(model):
            raise TypeError(f"{name}(series={series!r}) must return a forecaster with fit(), got {describe(model)}")
        return model
    raise TypeError(f"{name} must be a forecaster (with fit) or a factory of forecasters, got {describe(entry)}")


def held_probabilities(fitted: Any, horizon: int, name: str) -> np.ndarray:
    """P(held within 1 .. horizon months) from a fitted object, checked."""
    direct = getattr(fitted, "held_probabilities", None)
    if callable(direct):
        p = np.asarray(direct(horizon), dtype=float)
        if p.shape != (horizon,):
            raise TypeError(f"{name}: held_probabilities(horizon) must return {horizon} probabilities, got shape "
                            f"{p.shape}")
        return _checked(p, horizon, name)
    forecast = fitted.forecast(horizon)
    if isinstance(forecast, HeldForecast) and forecast.p_held.size >= horizon:
        p = forecast.p_held[:horizon]
    else:
        frame = forecast.to_frame() if hasattr(forecast, "to_frame") else forecast
        if not isinstance(frame, pd.DataFrame) or not {"months", "p_held"} <= set(frame.columns):
            raise TypeError(f"{name}: forecast(horizon).to_frame() must be a DataFrame with columns 'months' and "
                            f"'p_held', got {describe(frame)}")
        months = frame["months"].to_numpy()
        p = frame["p_held"].to_numpy(dtype=float)
        if not (months.size >= horizon and np.array_equal(months[:horizon], np.arange(1, horizon + 1))):
            p = pd.Series(p, index=months).reindex(np.arange(1, horizon + 1)).to_numpy(dtype=float)
        p = p[:horizon]
    return _checked(p, horizon, name)


def _checked(p: np.ndarray, horizon: int, name: str) -> np.ndarray:
    bad = ~np.isfinite(p) | (p < 0.0) | (p > 1.0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}: p_held must be a probability in [0, 1] for months 1..{horizon}, got {float(p[i])!r} "
                         f"at months={i + 1} ({int(bad.sum())} such value(s))")
    return p
