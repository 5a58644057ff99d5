"""Evaluation plots: axes returned, labelled and titled, dates on the time
axis, drawn on a given ax, no plt.show(); without matplotlib they say what to
install; result objects print text and HTML summaries."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from summitcast import evaluate as ev

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (plot extra) draws the plots")
matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

RNG = np.random.default_rng(6)
MONTHS = pd.date_range("2005-01", periods=240, freq="MS")
P = pd.Series(RNG.uniform(size=240), index=MONTHS)
Y = pd.Series((RNG.uniform(size=240) < P).astype(int), index=MONTHS)


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    def refuse():
        raise AssertionError("plt.show() called")

    monkeypatch.setattr(plt, "show", refuse)
    yield
    plt.close("all")


def labelled(ax):
    return ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


@pytest.mark.parametrize("method", ["bins", "isotonic"])
def test_reliability_diagram_with_sharpness_histogram(method):
    result = ev.reliability(P, Y, method, seed=1, n_boot=100, block_length=12)
    ax = result.plot()
    assert labelled(ax) and method in ax.get_title()
    insets = [child for child in ax.child_axes]
    assert len(insets) == 1 and sum(p.get_height() for p in insets[0].patches) == len(P)
    assert insets[0].get_xlabel() and insets[0].get_ylabel()
    fig, given = plt.subplots()
    assert ev.plot_reliability(P, Y, method=method, ax=given, seed=1, n_boot=50) is given
    assert not ev.plot_reliability(result, histogram=False).child_axes


def test_pit_histogram():
    u = ev.pit(RNG.normal(size=500), lambda x: 0.5 * (1 + np.tanh(x)))
    ax = ev.plot_pit(u, bins=8)
    assert labelled(ax)
    heights = [p.get_height() for p in ax.patches if p.get_width() < 0.2]
    assert len(heights) == 8 and np.mean(heights) == pytest.approx(1.0)  # a density


def test_score_over_time_has_dates():
    scores = pd.DataFrame({"forecaster": ev.brier(P, Y), "base rate": ev.brier(P * 0 + Y.mean(), Y)})
    ax = ev.plot_score_over_time(scores, window=24)
    assert labelled(ax) and ax.get_xlabel() == "Month"
    assert isinstance(ax.xaxis.get_major_formatter(), (mdates.AutoDateFormatter, mdates.ConciseDateFormatter))
    assert len(ax.lines) == 2
    single = ev.plot_score_over_time(ev.brier(P, Y).to_period("M"))
    assert len(single.lines) == 2 and single.get_ylabel() == "brier"


def test_plots_without_matplotlib_name_the_extra(monkeypatch):
    for name in ("matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"summitcast\[plot\]"):
        ev.plot_pit(np.linspace(0.01, 0.99, 50))


def test_result_summaries_have_text_and_html():
    for result in (ev.brier_decomposition(P, Y), ev.corp_decomposition(P, Y), ev.reliability(P, Y, seed=2, n_boot=50),
                   ev.bootstrap_mean(ev.brier(P, Y), seed=3, n_boot=50)):
        text = repr(result)
        assert text.count("\n") > 3 and "<table" in result._repr_html_()
    assert "block length" in repr(ev.reliability(P, Y, seed=2, n_boot=50, block_length=12)).lower()
