"""SummitForecaster on SIMULATED records with known parameters
(``summitcast.datasets.simulate_record``): its 90% intervals cover the true
probability of a meeting about 90% of the time, and it beats the base rate
in Brier and log score on what actually happened."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast import SummitForecaster
from summitcast.datasets import simulate_record

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")]

SERIES = ("sim_trilateral", "sim_annual")
HORIZONS = (6, 12)


def _base_rate(record, series: str, origin, horizon: int) -> float:
    """The past monthly rate of meetings of the series, turned into P(at least one within the window)."""
    dates = record.series_meetings.loc[record.series_meetings["series"] == series, "date"]
    months = int(np.searchsorted(record.indicators.index, origin)) + 1
    rate = ((dates <= origin + pd.offsets.MonthEnd(0)).sum() + 0.5) / (months + 1.0)
    return float(1.0 - (1.0 - rate) ** horizon)


@pytest.fixture(scope="module")
def runs():
    rows = []
    for seed in range(16):
        record = simulate_record(seed)
        for position in (239, 299, 347):
            origin = record.indicators.index[position]
            fc = SummitForecaster(series="sim_trilateral", draws=300, paths=40).fit(record, as_of=origin, seed=seed)
            for series in SERIES:
                frame = fc.forecast(max(HORIZONS), series=series, drivers=False).to_frame()
                true = record.true_prob(series, origin, max(HORIZONS), n=3000, seed=seed)
                for h in HORIZONS:
                    row = frame.iloc[h - 1]
                    rows.append({"p": row["p_held"], "lower": row["lower"], "upper": row["upper"], "true": true[h - 1],
                                 "outcome": record.outcome(series, origin, h),
                                 "base": _base_rate(record, series, origin, h)})
    return rows


def test_simulated_record_is_labelled_and_reproducible():
    a, b = simulate_record(3, n_months=60), simulate_record(3, n_months=60)
    assert a.simulated and "SIMULATED" in repr(a)
    assert a.series_meetings.equals(b.series_meetings) and a.steps.equals(b.steps)
    p = a.true_prob("sim_trilateral", a.indicators.index[40], 6, n=500)
    assert np.all(np.diff(p) >= 0) and 0 <= p[0] and p[-1] <= 1
    with pytest.raises(ValueError, match="n_months"):
        simulate_record(1, n_months=5)


def test_ninety_percent_intervals_cover_the_true_probability(runs):
    # configuration 4 of benchmarks/results/skill_configurations.md: 179 of 192 (93.2%; full mode 182, 94.8%);
    # configuration 1, whose hazards weighed every month of the record alike, covered 159 (82.8%)
    covered = np.mean([r["lower"] <= r["true"] <= r["upper"] for r in runs])
    assert 0.85 <= covered <= 0.95, f"coverage {covered:.3f} over {len(runs)} intervals"


def test_beats_the_base_rate_in_brier_and_log_score(runs):
    y = np.array([r["outcome"] for r in runs], dtype=float)
    p = np.clip([r["p"] for r in runs], 1e-6, 1 - 1e-6)
    b = np.clip([r["base"] for r in runs], 1e-6, 1 - 1e-6)
    brier_p, brier_b = np.mean((p - y) ** 2), np.mean((b - y) ** 2)
    log_p = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    log_b = -np.mean(y * np.log(b) + (1 - y) * np.log(1 - b))
    assert brier_p < brier_b and log_p < log_b, (brier_p, brier_b, log_p, log_b)
