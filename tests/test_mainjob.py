"""The main job (the README's first command, ``summitcast forecast``) is a
client of the forecaster on the bundled data."""

from __future__ import annotations

import numpy as np
import pytest

from summitcast.mainjob import report, run

# The fast mode's importance-corrected Laplace approximation of the pooled
# summit hazard can have Pareto k-hat >= 0.7 on the bundled record; it says so
# with a ConvergenceWarning (tested in test_cli and test_bayes_psis).  These
# tests are about other properties, so that warning does not decide them.
pytestmark = pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")


def test_main_job_forecasts_the_trilateral_summit():
    forecast = run(seed=3, horizon=12, draws=80, paths=12)
    frame = forecast.to_frame()
    p = frame["p_held"].to_numpy()
    assert forecast.series == "trilateral" and len(frame) == 12
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) >= -1e-12)
    text = report(forecast)
    assert "within  6 months" in text and "within 12 months" in text
    assert "data: the record as of" in text and "main drivers" in text
