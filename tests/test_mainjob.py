"""The main job (the README's first command) runs on the bundled data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from summitcast import __main__ as cli
from summitcast.mainjob import run, summit_covariates
from summitcast.datasets import load_trilateral


def test_main_job_numbers_are_probabilities():
    result = run(seed=3, draws=200, chains=2, horizon=12, paths=2000)
    p = result.summit_timing["mean"].to_numpy()
    assert p.shape == (12,)
    assert np.all((p > 0) & (p < 1)) and np.all(np.diff(p) >= 0)  # cumulative probabilities
    launches = result.incidents["P(at least 1)"].to_numpy()
    assert np.all((launches >= 0) & (launches <= 1))
    assert result.last_summit.year == 2024


def test_summit_covariates_are_lagged():
    data = load_trilateral()
    cov = summit_covariates(data)
    # the Busan foreign ministers' meeting (26 Nov 2023) counts from December 2023, not November
    assert cov.loc["2023-12-01", "fm_meeting_past6"] == 1.0
    assert cov.loc["2024-05-01", "fm_meeting_past6"] == 1.0
    assert cov.loc["2024-06-01", "fm_meeting_past6"] == 0.0


def test_cli_prints_the_report(capsys):
    assert cli.main(["--draws", "100", "--chains", "2", "--paths", "1000", "--horizon", "6"]) == 0
    out = capsys.readouterr().out
    assert "missile launches" in out and "P(a summit within the next H months)" in out


def test_future_covariates_roll_on_and_scenarios_apply():
    data = load_trilateral()
    base = summit_covariates(data, horizon=12)
    future = base.iloc[-12:]
    # the frame ends at as_of (Jan 2026): the forecast months are Feb 2026 .. Jan 2027
    assert base.index[-13] == data.as_of and future.index[0] == data.as_of + pd.DateOffset(months=1)
    # the Nov 2025 crisis onset stays in the 12-month window through Nov 2026, then leaves it
    assert future["crisis_past12"].tolist() == [1.0] * 10 + [0.0] * 2
    meeting = summit_covariates(data, horizon=12, meetings_ahead=[0]).iloc[-12:]
    assert meeting["fm_meeting_past6"].tolist() == [0.0] + [1.0] * 6 + [0.0] * 5
    import pytest

    with pytest.raises(ValueError, match="meetings_ahead must lie in"):
        summit_covariates(data, horizon=3, meetings_ahead=[5])
