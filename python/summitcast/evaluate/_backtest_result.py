"""The result of a backtest: a tidy frame of forecasts and outcomes, and its scores."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._common.summary import Summary
from .._common.validation import check_choice, check_int
from ._score_table import score_table

__all__ = ["Backtest"]

COLUMNS = ["model", "series", "origin", "horizon", "forecast", "outcome"]


class Backtest:
    """Forecasts of a rolling-origin backtest beside what happened.

    Attributes
    ----------
    frame : DataFrame
        One row per (model, series, origin, horizon): ``forecast`` = P(a
        meeting in months origin + 1 .. origin + horizon) as of the end of
        ``origin``, ``outcome`` = 1 if the series held one then, else 0.
        Only windows whose outcome the data know are present.
    unscored : DataFrame
        Windows left out (``series, horizon, reason, n``): past the series'
        record-through, or before its coverage.
    weights : DataFrame or None
        Leave-future-out stacking weights per (series, horizon, origin),
        when the backtest was stacked.
    info : dict
        Settings: models, baselines, series, origins, horizons, refit, seed.
    """

    def __init__(self, frame: pd.DataFrame, unscored: pd.DataFrame, info: dict,
                 weights: pd.DataFrame | None = None) -> None:
        self.frame = frame[COLUMNS].reset_index(drop=True)
        self.unscored = unscored
        self.info = dict(info)
        self.weights = weights

    # ----------------------------------------------------------- pandas
    def to_frame(self) -> pd.DataFrame:
        """A copy of the tidy frame."""
        return self.frame.copy()

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(self.frame["model"]))

    @property
    def baselines(self) -> list[str]:
        """The reference models skill is measured against."""
        return [b for b in self.info.get("baselines", []) if b in self.models]

    def __len__(self) -> int:
        return len(self.frame)

    # ----------------------------------------------------------- scores
    def scores(self) -> pd.DataFrame:
        """One row per model, pooled over every series and horizon: ``n``,
        ``n_effective``, ``events``, ``brier``, ``log_score``, ``auc``,
        ``ece``, ``bss_<baseline>`` (see ``summitcast.evaluate._score_table``)."""
        return score_table(self.frame, [], self.baselines)

    def by_horizon(self) -> pd.DataFrame:
        """The scores of :meth:`scores` per (model, horizon), pooled over series."""
        return score_table(self.frame, ["horizon"], self.baselines)

    def by_series(self) -> pd.DataFrame:
        """The scores of :meth:`scores` per (model, series, horizon)."""
        return score_table(self.frame, ["series", "horizon"], self.baselines)

    @property
    def n_unscored(self) -> int:
        """Number of (series, origin, horizon) windows left out."""
        return int(self.unscored["n"].sum()) if len(self.unscored) else 0

    # ----------------------------------------------------------- display
    def summary(self) -> Summary:
        first, last, count = self.info["origins"]
        info = [
            ("Models", ", ".join(self.models)),
            ("Series", ", ".join(self.info["series"])),
            ("Origins", f"{count} from {first:%Y-%m} to {last:%Y-%m} ({self.info['fitted_origins']} fitted)"),
            ("Horizons", ", ".join(f"{h} months" for h in self.info["horizons"])),
            ("Refit", str(self.info["refit"])),
            ("Seed", str(self.info["seed"])),
            ("Windows scored", f"{len(self.frame)} forecasts"),
            ("Windows not scored", str(self.n_unscored)),
        ]
        columns = ["n", "n_effective", "events", "brier", "log_score", "auc", "ece",
                   *[f"bss_{b}" for b in self.baselines]]
        tables = [("Scores by horizon (smaller Brier and log scores are better; bss_b: Brier skill against b)",
                   self.by_horizon()[columns])]
        if len(self.unscored):
            tables.append(("Windows not scored", self.unscored))
        notes = ["n_effective: independent windows the scores rest on (overlapping windows are not independent)."]
        if self.weights is not None:
            notes.append("stacked: leave-future-out stacking of the other models (weights learned only from windows "
                         "closed before each origin).")
        return Summary("Backtest (rolling origin, no look-ahead)", info, tables, notes)

    def __repr__(self) -> str:
        return self.summary().as_text()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    # ----------------------------------------------------------- plots
    def plot_calibration(self, model: str | None = None, horizon: int | None = None, *, ax: Any = None,
                         method: str = "bins", seed: int | None = 0, **options: Any) -> Any:
        """Reliability diagrams of one model's forecasts, one panel per horizon.

        Parameters
        ----------
        model : str, optional
            Default: the first model (the forecaster when there is one).
        horizon : int, optional
            One horizon; default every horizon, side by side.
        ax : matplotlib Axes or array of Axes, optional
        method : {"bins", "isotonic"}
        seed : int, optional
            Seed of the block-bootstrap band (blocks of ``horizon`` origins,
            since the windows overlap).
        **options
            Passed to :func:`summitcast.evaluate.reliability` (``bins``,
            ``band``, ``n_boot``).

        Returns
        -------
        Axes or array of Axes
        """
        from ._calibration import plot_reliability, reliability

        model = self.models[0] if model is None else check_choice(model, "model", self.models)
        horizons = self.info["horizons"] if horizon is None else [check_choice(check_int(horizon, "horizon", 1),
                                                                                  "horizon", self.info["horizons"])]
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(1, len(horizons), figsize=(5 * len(horizons), 4.5), squeeze=False)
            axes = ax[0]
        else:
            axes = np.atleast_1d(ax)
            if axes.size != len(horizons):
                raise ValueError(f"ax must hold {len(horizons)} Axes (one per horizon), got {axes.size}")
        for a, h in zip(axes, horizons):
            rows = self.frame[(self.frame["model"] == model) & (self.frame["horizon"] == h)]
            length = min(int(h), max(1, len(rows) - 1))
            result = reliability(rows["forecast"].to_numpy(), rows["outcome"].to_numpy(), method,
                                 block_length=length, seed=seed, **options)
            plot_reliability(result, ax=a, title=f"{model}: {h}-month windows (n = {len(rows)})")
        return axes if horizon is None else axes[0]
