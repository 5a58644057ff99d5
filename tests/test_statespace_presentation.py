"""What a notebook user sees: summaries, HTML reprs, plots, pandas indexes, the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from summitcast import __main__ as cli
from summitcast._bundled import load_nile
from summitcast.statespace import UnobservedComponents


@pytest.fixture(scope="module")
def fit():
    return UnobservedComponents(load_nile()).fit()


def test_summary_text_and_html(fit):
    text = str(fit.summary())
    assert "sigma2.irregular" in text and "Log-likelihood" in text and "-633.4646" in text
    html = fit._repr_html_()
    assert html.startswith("<div") and "<table" in html and "sigma2.level" in html


def test_conf_int_is_wald(fit):
    ci = fit.conf_int(0.1)
    z = 1.6448536269514722
    assert np.allclose(ci["upper"] - fit.params, z * fit.bse)
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        fit.conf_int(1.5)


def test_smoothed_state_frame(fit):
    frame = fit.smoothed_state
    assert list(frame.columns) == ["level"]
    assert frame.index.equals(load_nile().index)
    assert fit.smoothed_state_cov.shape == (100, 1, 1)
    assert (fit.smoothed_state_cov[:, 0, 0] > 0).all()


def test_plot_returns_axes(fit):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = fit.plot()
    assert len(ax.lines) == 2
    fig, ax2 = plt.subplots()
    assert fit.plot(ax=ax2) is ax2
    plt.close("all")


@pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")  # 200 draws: too few, and flagged
def test_posterior_presentation():
    post = UnobservedComponents(load_nile()).fit_bayes(draws=200, tune=50, chains=2, seed=1)
    assert post.draws.index.names == ["chain", "draw"]
    assert "r_hat" in str(post.summary())
    assert "<table" in post._repr_html_()
    comp = post.components()
    assert comp.columns.tolist() == [("level", "mean"), ("level", "lower"), ("level", "upper")]
    assert (comp[("level", "lower")] <= comp[("level", "upper")]).all()


def test_monthly_forecast_index_and_regression_components():
    idx = pd.date_range("2019-01-01", periods=60, freq="MS")
    rng = np.random.default_rng(4)
    x = pd.DataFrame({"tariff": rng.normal(size=60)}, index=idx)
    y = pd.Series(np.cumsum(rng.normal(size=60)) + 2 * x["tariff"].to_numpy(), index=idx, name="trade")
    res = UnobservedComponents(y, exog=x).fit()
    assert "beta.tariff" in res.params.index
    fut = pd.DataFrame({"tariff": [0.0, 1.0]}, index=pd.date_range("2024-01-01", periods=2, freq="MS"))
    frame = res.get_forecast(2, exog=fut).summary_frame()
    assert list(frame.index) == list(fut.index)
    assert frame["mean"].iloc[1] - frame["mean"].iloc[0] == pytest.approx(res.params["beta.tariff"], rel=1e-8)
    assert list(res.components.columns) == ["level", "regression"]


def test_save_and_load_round_trip(tmp_path):
    from summitcast.statespace import load_results

    idx = pd.date_range("2016-01-01", periods=72, freq="MS")
    rng = np.random.default_rng(9)
    x = pd.DataFrame({"exports": rng.normal(size=72)}, index=idx)
    y = pd.Series(np.cumsum(rng.normal(size=72)) + x["exports"].to_numpy(), index=idx, name="tone")
    y.iloc[[4, 30, 31]] = np.nan
    res = UnobservedComponents(y, level="local linear trend", freq_seasonal=[{"period": 12, "harmonics": 1}],
                               exog=x).fit()
    path = tmp_path / "fit.json"
    res.save(path)
    back = load_results(path)
    pd.testing.assert_series_equal(back.params, res.params)
    assert back.llf == pytest.approx(res.llf, rel=1e-12)
    pd.testing.assert_frame_equal(back.smoothed_state, res.smoothed_state)
    fut = pd.DataFrame({"exports": [0.5, -0.5]}, index=pd.date_range("2022-01-01", periods=2, freq="MS"))
    pd.testing.assert_frame_equal(back.get_forecast(2, exog=fut).summary_frame(),
                                  res.get_forecast(2, exog=fut).summary_frame())
    assert np.isnan(back.model.endog[4])


def test_load_rejects_other_files(tmp_path):
    from summitcast.statespace import load_results

    bad = tmp_path / "other.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a summitcast save file"):
        load_results(bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a summitcast save file .invalid JSON"):
        load_results(bad)


def test_forecast_exog_columns_are_matched_by_name():
    idx = pd.date_range("2019-01-01", periods=48, freq="MS")
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"a": rng.normal(size=48), "b": rng.normal(size=48)}, index=idx)
    y = pd.Series(np.cumsum(rng.normal(size=48)) + x["a"].to_numpy() - 3 * x["b"].to_numpy(), index=idx)
    res = UnobservedComponents(y, exog=x).fit()
    fut = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=pd.date_range("2023-01-01", periods=2, freq="MS"))
    same = res.get_forecast(2, exog=fut).predicted_mean
    swapped = res.get_forecast(2, exog=fut[["b", "a"]]).predicted_mean
    pd.testing.assert_series_equal(same, swapped)
