"""The main job: what the bundled public record says about the next
China–Japan–ROK leaders' summit — the README's first command,
``summitcast forecast``.

It is a client of :class:`summitcast.SummitForecaster`: indicator paths fused
with pooled Bayesian hazards of the diplomatic steps and of the summit, and
an ordered model of what a held summit adopts.  :func:`run` makes the
forecast, :func:`report` writes the plain-language summary the command line
prints.
"""

from __future__ import annotations

from typing import Any

from .forecaster import Forecast, SummitForecaster

__all__ = ["report", "run"]


def run(seed: int = 20240526, horizon: int = 24, mode: str = "fast", as_of: Any = None, data: Any = None,
        series: str = "trilateral", **options: Any) -> Forecast:
    """Fit the forecaster on ``data`` (default the bundled record) as of
    ``as_of`` and forecast ``horizon`` months; ``options`` go to
    :class:`SummitForecaster` (``paths``, ``draws``, ``chains``)."""
    if data is None:
        from .datasets import load_trilateral

        data = load_trilateral()
    forecaster = SummitForecaster(series=series, mode=mode, **options).fit(data, as_of=as_of, seed=seed)
    return forecaster.forecast(horizon)


def report(forecast: Forecast) -> str:
    """A short plain-language summary of a forecast (probabilities at 6, 12
    and 24 months with intervals, the main drivers, the data's limits), then
    the full summary: what ``summitcast forecast`` prints."""
    lines = [f"summitcast: will the {forecast.series} series meet? Forecast as of {forecast.as_of:%Y-%m} "
             f"({forecast.settings['mode']} mode, seed {forecast.settings['seed']})", ""]
    level = f"{1 - forecast.alpha:.0%}"
    for months in (6, 12, 24):
        if months <= forecast.horizon:
            row = forecast.frame.iloc[months - 1]
            lines.append(f"  within {months:>2} months (by {row['month']:%Y-%m}): {row['p_held']:.0%}  "
                         f"({level} interval {row['lower']:.0%} to {row['upper']:.0%})")
    if not forecast.drivers.empty:
        col = forecast.drivers.columns[min(1, len(forecast.drivers.columns) - 1)]
        top = forecast.drivers[col].abs().sort_values(ascending=False).index[:3]
        parts = [f"{g} ({forecast.drivers.loc[g, col]:+.0%})" for g in top]
        lines += ["", f"  main drivers at {col} against a typical month of the record: " + ", ".join(parts)]
    rt = forecast.data.get("record_through", {})
    lines += ["", f"  data: the record as of {forecast.data['data_as_of']} (the last month every outcome table covers); "
              f"this forecast uses what was dated up to {forecast.data['as_of']}"]
    if rt:
        lines.append("  record through: " + "; ".join(f"{k} {v}" for k, v in rt.items()))
    lines.append("  (months after a table's record-through date are unknown and simulated, never taken as zero)")
    lines += ["", str(forecast.summary())]
    return "\n".join(lines)
